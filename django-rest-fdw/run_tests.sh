#!/usr/bin/env bash
# The package's tests: as root, with rest_fdw installed into the PostgreSQL
# of PGBIN (tools/cluster.sh's private_postgres and `make install
# DESTDIR=$PG_DESTDIR`, as test/run_all.sh does).  Makes .venv (venv.sh),
# starts a throwaway cluster on a free port, runs pytest (arguments are
# passed on) and stops the cluster.  The service the tests move tables into
# runs inside the pytest process (tests/conftest.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/venv.sh"
. "$here/../tools/cluster.sh"
[ "$(id -u)" = 0 ] || { echo "run_tests.sh: run as root (the cluster runs as the postgres user)" >&2; exit 1; }
sharedir=$("$PGBIN/pg_config" --sharedir)
[ -f "$sharedir/extension/rest_fdw.control" ] ||
	{ echo "run_tests.sh: rest_fdw is not installed in $PGBIN's PostgreSQL" >&2; exit 1; }
package_venv
work=$(mktemp -d /tmp/rest_fdw_django.XXXXXX)
chmod 755 "$work"
trap 'cluster_stop "$work/pg"; rm -rf "$work"' EXIT
cluster_start "$work/pg"
export PGHOST=127.0.0.1
cd "$here"
"$PKG_VENV/bin/pytest" -q "$@"
