#!/usr/bin/env bash
# The main demo: the Django shop of examples/django in services mode.
#
# Run as root on Debian 12.  Installs the Debian packages, builds rest_fdw
# with -Wall -Wextra -Werror and installs it into a private copy of
# PostgreSQL 15, then starts a throwaway cluster holding the webapp's
# database and the two services' databases, the catalog service (Django
# REST framework) and the reviews service (FastAPI), moves the catalog and
# reviews tables into the services with the webapp's migrations, starts the
# webapp and prints the URLs to open.  Ctrl-C stops and removes everything.
# (examples/sql_demo.sh shows rest_fdw from psql alone.)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/cluster.sh

bash tools/install-deps.sh
make -s >/dev/null

pgcopy=$(mktemp -d /tmp/rest_fdw_demo_pg.XXXXXX)
chmod 755 "$pgcopy"
trap 'rm -rf "$pgcopy"' EXIT
private_postgres "$pgcopy"
make -s install DESTDIR="$PG_DESTDIR" >/dev/null

bash examples/django/demo.sh
