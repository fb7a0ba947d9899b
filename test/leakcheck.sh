#!/usr/bin/env bash
# Leak check: 10,000 rest_fdw queries in one backend, successful, failing
# and cancelled ones mixed, and the backend's resident memory (VmRSS of
# /proc/<pid>/status) and open file descriptors (/proc/<pid>/fd) after
# 1,000 and after 10,000 of them.  Fails if the 9,000 queries in between
# made either grow by more than a small bound (LEAK_MAX_RSS_KB, default
# 512 kB, about 58 bytes a query; LEAK_MAX_FDS, default 0).  A healthy
# build grows by well under 100 kB; leaking the header list of every
# request (some 100 bytes) grows it by over 1 MB.
#
# Not part of the default test command (it takes a minute or two).
# Usage, as root, with rest_fdw installed (make install):
#     bash test/leakcheck.sh
# It starts a throwaway cluster and test service like test/run_all.sh, or
# uses the ones already running if PGHOST, PGPORT, PGUSER and
# REST_TEST_PORT are exported.  LEAK_QUERIES changes the total (it must be
# a multiple of 100; measurements at a tenth of it and at the end).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/cluster.sh"
# psql, from the PostgreSQL the tests run (PGBIN may change below)
PSQL() { "$PGBIN/psql" -X -q "$@"; }
total=${LEAK_QUERIES:-10000}
max_rss_kb=${LEAK_MAX_RSS_KB:-512}
max_fds=${LEAK_MAX_FDS:-0}

work=$(mktemp -d /tmp/rest_fdw_leak.XXXXXX)
chmod 755 "$work"
own_cluster=
cleanup() {
	if [ -n "$own_cluster" ]; then
		cluster_stop "$work"
		[ -n "${REST_SERVICE_PID:-}" ] && kill "$REST_SERVICE_PID" 2>/dev/null || true
	else
		PSQL -d postgres -c 'DROP DATABASE IF EXISTS rest_leak' >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${REST_TEST_PORT:-}" ]; then
	own_cluster=1
	private_postgres "$work/pg"
	make -s -C "$top" >/dev/null
	make -s -C "$top" install DESTDIR="$PG_DESTDIR" >/dev/null
	service_start "$work"
	cluster_start "$work"
fi

svc() { curl -sS -X "$1" "http://127.0.0.1:$REST_TEST_PORT$2" >/dev/null; }

PSQL -d postgres -c 'DROP DATABASE IF EXISTS rest_leak' 2>/dev/null
PSQL -d postgres -c 'CREATE DATABASE rest_leak'
blackhole=$(curl -sS "http://127.0.0.1:$REST_TEST_PORT/_blackhole")
svc POST /_reset
# permanent faults (times=0), one path each
svc POST '/_fault?path=/api/plain/authors/&times=0&status=500'
svc POST '/_fault?path=/api/plain/types/&times=0&raw=%5B%7B%22id%22%3A1%2C'
svc POST '/_fault?path=/api/js/authors&times=0&status=503&retry_after=0'
svc POST '/_fault?path=/api/js/books&times=0&hang=1'
svc POST '/_fault?path=/api/js/types&times=0&redirect=http%3A%2F%2Fother.test%2F'

PSQL -d rest_leak -v ON_ERROR_STOP=1 <<SQL
CREATE EXTENSION rest_fdw;
CREATE SERVER svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/',
           connect_to '::127.0.0.1:$REST_TEST_PORT');
CREATE SERVER blackhole FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/',
           connect_to '::127.0.0.1:$blackhole', max_retries '0');
CREATE SERVER refused FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://127.0.0.1:1/api/', max_retries '0');
CREATE USER MAPPING FOR PUBLIC SERVER svc;
CREATE USER MAPPING FOR PUBLIC SERVER blackhole;
CREATE USER MAPPING FOR PUBLIC SERVER refused;
CREATE FOREIGN TABLE books (id bigint, title text)
  SERVER svc OPTIONS (resource 'plain/books/');
CREATE FOREIGN TABLE paged_books (id bigint, title text)
  SERVER svc OPTIONS (resource 'books/');
CREATE FOREIGN TABLE err500 (id bigint)
  SERVER svc OPTIONS (resource 'plain/authors/');
CREATE FOREIGN TABLE bad_json (id bigint)
  SERVER svc OPTIONS (resource 'plain/types/');
CREATE FOREIGN TABLE retried (id bigint)
  SERVER svc OPTIONS (resource 'js/authors');
CREATE FOREIGN TABLE hanging (id bigint)
  SERVER svc OPTIONS (resource 'js/books');
CREATE FOREIGN TABLE redirected (id bigint)
  SERVER svc OPTIONS (resource 'js/types');
CREATE FOREIGN TABLE unaccepted (id bigint)
  SERVER blackhole OPTIONS (resource 'books/');
CREATE FOREIGN TABLE unreachable (id bigint)
  SERVER refused OPTIONS (resource 'books/');
CREATE FUNCTION measure(n int) RETURNS text LANGUAGE sql AS \$\$
  SELECT format('MEASURE %s queries: VmRSS %s kB, %s open fds', n,
    substring(pg_read_file('/proc/self/status') from 'VmRSS:\s*([0-9]+) kB'),
    (SELECT count(*) FROM pg_ls_dir('/proc/self/fd')))
\$\$;
SQL

# ten queries a cycle: 4 that work, 6 that fail (2 of them cancelled)
cycle='SELECT count(*) FROM books;
SELECT * FROM paged_books;
UPDATE books SET title = $$Dune$$ WHERE id = 1;
SELECT * FROM err500;
SELECT * FROM bad_json;
SELECT * FROM retried;
SELECT * FROM redirected;
SELECT * FROM unreachable;
SET statement_timeout = 20;
SELECT * FROM hanging;
SELECT * FROM unaccepted;
RESET statement_timeout;
SET rest_fdw.allowed_hosts = $$127.0.0.2$$;
SELECT count(*) FROM books;
RESET rest_fdw.allowed_hosts;'
script=$work/leak.sql
{
	echo "SELECT measure(0);"
	for ((i = 1; i <= total / 10; i++)); do
		echo "$cycle"
		if [ $((i * 10)) -eq $((total / 10)) ] || [ $((i * 10)) -eq "$total" ]; then
			echo "SELECT measure($((i * 10)));"
		fi
	done
} >"$script"

echo "running $total queries in one backend..."
start=$(date +%s)
"$PGBIN/psql" -X -d rest_leak -At -f "$script" >"$work/leak.out" 2>"$work/leak.err" || true

grep "^MEASURE" "$work/leak.out"
echo "($(( $(date +%s) - start )) s)"
echo "errors by kind:"
sed -n 's/^psql:[^ ]* ERROR:  //p' "$work/leak.err" | sed 's/"[^"]*"/"…"/g' |
	sort | uniq -c | sort -rn
echo "successful queries: $(grep -c '^5$' "$work/leak.out") counts, $(grep -c '^UPDATE 1$' "$work/leak.out") updates"

read -r rss1 fds1 < <(grep "^MEASURE $((total / 10)) " "$work/leak.out" |
	sed 's/.*VmRSS \([0-9]*\) kB, \([0-9]*\) open fds/\1 \2/')
read -r rss2 fds2 < <(grep "^MEASURE $total " "$work/leak.out" |
	sed 's/.*VmRSS \([0-9]*\) kB, \([0-9]*\) open fds/\1 \2/')
if [ -z "${rss1:-}" ] || [ -z "${rss2:-}" ]; then
	echo "leakcheck: no measurements"; tail -20 "$work/leak.err"; exit 1
fi
echo "growth from $((total / 10)) to $total queries: VmRSS $((rss2 - rss1)) kB (bound $max_rss_kb), fds $((fds2 - fds1)) (bound $max_fds)"
if [ $((rss2 - rss1)) -gt "$max_rss_kb" ] || [ $((fds2 - fds1)) -gt "$max_fds" ]; then
	echo "leakcheck: FAILED"
	exit 1
fi
echo "leakcheck: ok"
