#!/usr/bin/env bash
# Requests and bytes the optional capabilities save (bench/capabilities.sql),
# as root: builds and installs rest_fdw into a private PostgreSQL 15,
# starts the test service and a throwaway cluster, prints the queries'
# Remote request/requests/bytes lines.  Counts, not times: repeatable.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/cluster.sh
work=$(mktemp -d /tmp/cap_bench.XXXXXX); chmod 755 "$work"
cleanup() {
	cluster_stop "$work/pg"
	[ -n "${REST_SERVICE_PID:-}" ] && kill "$REST_SERVICE_PID" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
make -s >/dev/null
private_postgres "$work/pgbin"
make -s install DESTDIR="$PG_DESTDIR" >/dev/null
service_start "$work"
cluster_start "$work/pg"
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -v base_url="http://127.0.0.1:$REST_TEST_PORT/api/" \
	-d postgres -f bench/capabilities.sql |
	grep -E '^ *(QUERY PLAN|Remote request:|Remote requests|Remote bytes)|^ [A-Z]' |
	grep -vE '^ *(Output|Group Key|Filter|Sort Key|Rows Removed)'
