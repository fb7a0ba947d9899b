#!/usr/bin/env bash
# The service kit's read path against a hand-written ModelViewSet
# (bench/kit_bench.py), as root: makes django-rest-fdw's venv, starts a
# throwaway PostgreSQL 15 cluster on a free port (rest_fdw is not needed:
# only the service side is measured), writes bench/RESULTS-kit.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/cluster.sh"
. "$top/django-rest-fdw/venv.sh"
package_venv
work=$(mktemp -d /tmp/kit_bench.XXXXXX)
chmod 755 "$work"
trap 'cluster_stop "$work/pg"; rm -rf "$work"' EXIT
cluster_start "$work/pg"
export PGHOST=127.0.0.1
"$PGBIN/createdb" -h 127.0.0.1 -U postgres kit_bench
"$PKG_VENV/bin/python" "$top/bench/kit_bench.py" --out "$top/bench/RESULTS-kit.md"
