#!/usr/bin/env bash
# undo_bench.sh [ROWS]: the cost of option undo per write (bench/undo_bench.py)
# against test/rest_service.py, in a throwaway PostgreSQL 15 cluster with
# rest_fdw built from a copy of this checkout.  Writes bench/RESULTS-undo.md.
# Run as root.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-200}
. "$top/tools/cluster.sh"
work=$(mktemp -d /tmp/undo_bench.XXXXXX); chmod 755 "$work"
cleanup() {
	cluster_stop "$work/cluster" || true
	[ -n "${REST_SERVICE_PID:-}" ] && kill "$REST_SERVICE_PID" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
# build from a copy, so that a build in the checkout cannot interfere
mkdir "$work/src"
(cd "$top" && git ls-files -co --exclude-standard | grep -v '/node_modules/' |
	tar -cf - -T -) | tar -xf - -C "$work/src"
private_postgres "$work/pg"
make -s -C "$work/src" >/dev/null
make -s -C "$work/src" install DESTDIR="$PG_DESTDIR" >/dev/null
service_start "$work"
cluster_start "$work/cluster"
python3 "$top/bench/undo_bench.py" --psql "$PGBIN/psql -h $PGHOST -p $PGPORT -U postgres postgres" \
	--service-port "$REST_TEST_PORT" --rows "$rows" --markdown "$top/bench/RESULTS-undo.md"
