#!/usr/bin/env bash
# Run every rest_fdw test on this machine, as root: install the Debian
# packages, build with -Wall -Wextra -Werror, install into a private copy of
# PostgreSQL 15 (never the system's directories), start a throwaway
# PostgreSQL cluster and the test service, and run the pg_regress suite;
# then the same suite against every other supported PostgreSQL version,
# built and run inside a Debian chroot of that version (tools/chroot.sh,
# made on first use and cached in /var/cache/rest_fdw), the Debian package
# built and smoke-tested in a chroot, the fuzz run, the differential test
# (test/difftest), the cancel checks, a single-user backend, the django-rest-fdw package's tests,
# Django's own basic ORM tests on moved tables (test/django_suite),
# the Django example and the scale smoke test (bench/scale/smoke.sh).  Exits
# non-zero on any failure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/cluster.sh

bash tools/install-deps.sh

# PostgreSQL 15 runs on this machine; the others in chroots
chroot_versions=$(bash tools/chroot.sh versions)
for v in $chroot_versions; do
	bash tools/chroot.sh create "$v"
done

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
	[ -n "${JSONAPI_PID:-}" ] && kill "$JSONAPI_PID" 2>/dev/null || true
	[ -n "${OAUTH_SERVER_PID:-}" ] && kill "$OAUTH_SERVER_PID" 2>/dev/null || true
	[ -n "${ODATA_PID:-}" ] && kill "$ODATA_PID" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

service_start "$work"
json_server_start "$work"
jsonapi_start "$work"
oauth_server_start "$work"
odata_start "$work"
cluster_start "$work"

passed=0 failed=0
summaries=()

# count_pg_regress VERSION LOG: add pg_regress's counts of tests to
# passed/failed, and print and keep a line on the suite against VERSION.
count_pg_regress() {
	local line total bad summary
	line=$( (grep -E "tests? passed|tests? failed" "$2" || true) | tail -n 1)
	if [[ $line =~ All\ ([0-9]+)\ tests\ passed ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		summary="All ${BASH_REMATCH[1]} tests passed"
	elif [[ $line =~ ([0-9]+)\ of\ ([0-9]+)\ tests\ failed ]]; then
		bad=${BASH_REMATCH[1]}; total=${BASH_REMATCH[2]}
		failed=$((failed + bad)); passed=$((passed + total - bad))
		summary="$bad of $total tests failed"
	else
		failed=$((failed + 1))
		summary="the suite did not run"
	fi
	summaries+=("PostgreSQL $1: $summary")
	echo "PostgreSQL $1: $summary"
}

# count_pytest LOG: add the counts of pytest's summary lines.
count_pytest() {
	local n
	n=$( (grep -Eo "[0-9]+ passed" "$1" || true) | awk '{s+=$1} END {print s+0}')
	passed=$((passed + n))
	n=$( (grep -Eo "[0-9]+ (failed|error|errors)" "$1" || true) | awk '{s+=$1} END {print s+0}')
	failed=$((failed + n))
}

echo "== pg_regress suite, PostgreSQL 15"
start=$(date +%s)
status=0
make -s installcheck 2>&1 | tee "$work/regress.log" || status=1
count_pg_regress 15 "$work/regress.log"
if [ $status -ne 0 ]; then
	cat regression.diffs 2>/dev/null | head -200 || true
	failed=$((failed > 0 ? failed : 1))
fi
echo "($(($(date +%s) - start)) s)"

# The same suite against each other version, built from a copy of the
# checkout inside its chroot; the services stay here, on the loopback
# addresses the chroot shares.  json-server, the JSON:API, OData and OAuth
# services start again on fresh data.
for v in $chroot_versions; do
	echo "== pg_regress suite, PostgreSQL $v (Debian chroot)"
	start=$(date +%s)
	kill "$JSON_SERVER_PID" 2>/dev/null || true
	json_server_run "$work/pg$v"
	kill "$JSONAPI_PID" 2>/dev/null || true
	jsonapi_run "$work/pg$v"
	kill "$ODATA_PID" 2>/dev/null || true
	odata_run "$work/pg$v"
	kill "$OAUTH_SERVER_PID" 2>/dev/null || true
	oauth_server_start "$work/pg$v"
	mkdir -p "$work/pg$v/src"
	git ls-files -co --exclude-standard | grep -v '/node_modules/' |
		tar -cf - -T - | tar -xf - -C "$work/pg$v/src"
	status=0
	REST_FDW_CHROOT_ENV="REST_TEST_PORT=$REST_TEST_PORT REST_TLS_PORT=$REST_TLS_PORT REST_TLS_DIR=$REST_TLS_DIR JSON_SERVER_PORT=$JSON_SERVER_PORT JSONAPI_PORT=$JSONAPI_PORT OAUTH_SERVER_PORT=$OAUTH_SERVER_PORT ODATA_PORT=$ODATA_PORT" \
		bash tools/chroot.sh run "$v" "$work" \
		"bash $work/pg$v/src/test/version_regress.sh $v $work/pg$v/src" \
		2>&1 | tee "$work/regress$v.log" || status=1
	count_pg_regress "$v" "$work/regress$v.log"
	if [ $status -ne 0 ]; then
		head -200 "$work/pg$v/src/regression.diffs" 2>/dev/null || true
		failed=$((failed > 0 ? failed : 1))
	fi
	echo "($(($(date +%s) - start)) s)"
done

echo "== Debian package: built, installed and smoke-tested in the PostgreSQL 17 chroot"
start=$(date +%s)
if DEB_PG_VERSION=17 bash test/deb_smoke.sh 2>&1 | tee "$work/deb.log" | tail -n 8; then
	passed=$((passed + 1))
	summaries+=("$(tail -n 1 "$work/deb.log")")
else
	failed=$((failed + 1))
	summaries+=("deb smoke test: FAILED")
fi
echo "($(($(date +%s) - start)) s)"

echo "== a bounded fuzz run of the scan (its own cluster; make fuzz runs longer)"
if bash test/fuzz/run.sh --seconds 60 2>&1 | tee "$work/fuzz.log" | tail -n 5; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

echo "== differential test: foreign tables against local tables, every dialect (its own cluster; make difftest runs longer)"
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

echo "== a single-user backend reads a foreign table"
if PGBIN=$PGBIN bash test/single_user.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

# --- django-rest-fdw: the Django package's own tests (its own cluster) ---
echo "== django-rest-fdw package tests (pytest)"
export PGBIN PG_DESTDIR
status=0
bash django-rest-fdw/run_tests.sh 2>&1 | tee "$work/django_pkg.log" || status=1
count_pytest "$work/django_pkg.log"
[ $status -ne 0 ] && failed=$((failed > 0 ? failed : 1))
# --- end of django-rest-fdw ---

# --- Django's own ORM tests: the basic module (test/django_suite; make django-suite runs all) ---
# Service mode must pass at least DJSUITE_BASIC_MIN tests: the count of the
# last committed run; raise it as ROLLBACK comes to undo the service's writes.
DJSUITE_BASIC_MIN=80
echo "== Django's tests, basic module: local tables, then moved into a service"
export PGBIN PG_DESTDIR
status=0
bash test/django_suite/run.sh --modes "monolith service" --modules basic \
	--min-service "$DJSUITE_BASIC_MIN" 2>&1 | tee "$work/django_suite.log" || status=1
if [ $status -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
# --- end of Django's own ORM tests ---

echo "== Django example, end to end, monolith and services modes"
export PGBIN PG_DESTDIR
status=0
bash examples/django/run_e2e.sh 2>&1 | tee "$work/e2e.log" || status=1
count_pytest "$work/e2e.log"
[ $status -ne 0 ] && failed=$((failed > 0 ? failed : 1))

echo "== scale smoke: the Django example at 10,000 rows, requests per page against bench/scale/smoke_thresholds.json"
start=$(date +%s)
if bash bench/scale/smoke.sh 2>&1 | tee "$work/scale_smoke.log" | grep -E 'FAILED|passed|^pass'; then
	passed=$((passed + 1))
	summaries+=("scale smoke: every page within its request threshold, as migrated and after ANALYZE")
else
	failed=$((failed + 1))
	summaries+=("scale smoke: FAILED")
fi
echo "($(($(date +%s) - start)) s)"

printf '%s\n' "${summaries[@]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
