#!/usr/bin/env bash
# Run every rest_fdw test on this machine, as root: install the Debian
# packages, build with -Wall -Wextra -Werror, install into a private copy of
# PostgreSQL 15 (never the system's directories), start a throwaway
# PostgreSQL cluster and the test service, run the pg_regress suite, and
# remove the cluster again; then the fuzz run, the differential test
# (test/difftest), the cancel checks and the Django example's end-to-end
# suite.  Exits non-zero on any failure.
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

# count_pg_regress LOG: add pg_regress's counts of tests to passed/failed.
count_pg_regress() {
	local line total bad
	line=$( (grep -E "tests? passed|tests? failed" "$1" || true) | tail -n 1)
	if [[ $line =~ All\ ([0-9]+)\ tests\ passed ]]; then
		passed=$((passed + BASH_REMATCH[1]))
	elif [[ $line =~ ([0-9]+)\ of\ ([0-9]+)\ tests\ failed ]]; then
		bad=${BASH_REMATCH[1]}; total=${BASH_REMATCH[2]}
		failed=$((failed + bad)); passed=$((passed + total - bad))
	else
		failed=$((failed + 1))
	fi
}

# count_pytest LOG: add the counts of pytest's summary lines.
count_pytest() {
	local n
	n=$( (grep -Eo "[0-9]+ passed" "$1" || true) | awk '{s+=$1} END {print s+0}')
	passed=$((passed + n))
	n=$( (grep -Eo "[0-9]+ (failed|error|errors)" "$1" || true) | awk '{s+=$1} END {print s+0}')
	failed=$((failed + n))
}

echo "== pg_regress suite"
status=0
make -s installcheck 2>&1 | tee "$work/regress.log" || status=1
count_pg_regress "$work/regress.log"
if [ $status -ne 0 ]; then
	cat regression.diffs 2>/dev/null | head -200 || true
	failed=$((failed > 0 ? failed : 1))
fi

echo "== a bounded fuzz run of the scan (its own cluster; make fuzz runs longer)"
if bash test/fuzz/run.sh --seconds 60 2>&1 | tee "$work/fuzz.log" | tail -n 5; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

echo "== differential test: foreign tables against local tables, three dialects (its own cluster; make difftest runs longer)"
difftest_log=$(mktemp /tmp/rest_fdw_difftest_log.XXXXXX)
if bash test/difftest/run.sh 2>&1 | tee "$difftest_log" | tail -n 60; then
	passed=$((passed + 1))
	rm -f "$difftest_log"
else
	failed=$((failed + 1))
	echo "(every mismatch, with its seed, query, outputs, EXPLAIN and requests: $difftest_log)"
fi

echo "== cancel and terminate of requests in progress"
status=0
bash test/cancel_backend.sh 2>&1 | tee "$work/cancel.log" || status=1
if [ $status -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo "== Django example, end to end, monolith and services modes"
export PGBIN PG_DESTDIR
status=0
bash examples/django/run_e2e.sh 2>&1 | tee "$work/e2e.log" || status=1
count_pytest "$work/e2e.log"
[ $status -ne 0 ] && failed=$((failed > 0 ? failed : 1))

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
