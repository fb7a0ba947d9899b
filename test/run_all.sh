#!/usr/bin/env bash
# Run every rest_fdw test on this machine, as root: install the Debian
# packages, build with -Wall -Wextra -Werror, install into a private copy of
# PostgreSQL 15 (never the system's directories), start a throwaway
# PostgreSQL cluster and the test service, run the pg_regress suite, and
# remove the cluster again.  Exits non-zero on any failure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/cluster.sh

bash tools/install-deps.sh

make -s clean >/dev/null
make -s 2>&1 | tee /tmp/rest_fdw_build.log
if grep -qiE 'warning|error' /tmp/rest_fdw_build.log; then
	echo "the build printed warnings"; exit 1
fi
work=$(mktemp -d /tmp/rest_fdw_test.XXXXXX)
chmod 755 "$work"
private_postgres "$work/pg"
make -s install DESTDIR="$PG_DESTDIR" >/dev/null
cleanup() {
	cluster_stop "$work"
	[ -n "${REST_SERVICE_PID:-}" ] && kill "$REST_SERVICE_PID" 2>/dev/null || true
	[ -n "${JSON_SERVER_PID:-}" ] && kill "$JSON_SERVER_PID" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

service_start "$work"
json_server_start "$work"
cluster_start "$work"

passed=0 failed=0
if make -s installcheck; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	cat regression.diffs 2>/dev/null | head -200 || true
fi

echo "pg_regress suite: $([ $failed -eq 0 ] && echo ok || echo FAILED)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
