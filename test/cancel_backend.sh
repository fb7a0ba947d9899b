#!/usr/bin/env bash
# pg_cancel_backend and pg_terminate_backend end a rest_fdw request that
# waits for a service which never answers (or never accepts, or asked for
# a long Retry-After), and the session goes on working after a cancel.
#
# A second session does what pg_regress cannot: it waits until the first
# session's backend is inside the request (pg_stat_activity shows it
# active, waiting on the Extension wait event), cancels or terminates it,
# and checks the outcome: the client got SQLSTATE 57014 (cancel) or lost
# its connection with 57P01 (terminate), the backend left the request
# (pg_stat_activity shows it idle, or no longer shows it), and the next
# query works.  The service hangs for 300 s and the servers' timeouts are
# 600 s, so only the cancel or the termination can end the requests; the
# script does not measure how long that takes.  Its waits are bounded
# only so that a failure cannot hang the test command.
#
# Usage, with the cluster and service of test/run_all.sh running and
# PGHOST, PGPORT, PGUSER and REST_TEST_PORT exported:
#     bash test/cancel_backend.sh
# Without REST_TEST_PORT, it starts a throwaway cluster and service itself
# (as root, like test/run_all.sh; rest_fdw must be installed).
# Exits non-zero on any failure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/cluster.sh"
# psql, from the PostgreSQL the tests run (PGBIN may change below)
PSQL() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

work=$(mktemp -d /tmp/rest_fdw_cancel.XXXXXX)
chmod 755 "$work"
own_cluster=
bg_pids=()
cleanup() {
	for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ -n "$own_cluster" ]; then
		cluster_stop "$work"
		[ -n "${REST_SERVICE_PID:-}" ] && kill "$REST_SERVICE_PID" 2>/dev/null || true
	else
		PSQL -d postgres -c 'DROP DATABASE IF EXISTS rest_cancel' >/dev/null 2>&1 || true
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

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

svc() { curl -sS -X "$1" "http://127.0.0.1:$REST_TEST_PORT$2" >/dev/null; }

# one value from a query in the test database
q() { PSQL -d rest_cancel -At -c "$1"; }

# wait_for SQL: poll until the query returns 't' (at most 30 s)
wait_for() {
	local i
	for i in $(seq 1 300); do
		[ "$(q "$1")" = t ] && return 0
		sleep 0.1
	done
	return 1
}

PSQL -d postgres -c 'DROP DATABASE IF EXISTS rest_cancel' >/dev/null 2>&1
PSQL -d postgres -c 'CREATE DATABASE rest_cancel' >/dev/null
blackhole=$(curl -sS "http://127.0.0.1:$REST_TEST_PORT/_blackhole")
PSQL -d rest_cancel >/dev/null <<SQL
CREATE EXTENSION rest_fdw;
CREATE SERVER svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/',
           connect_to '::127.0.0.1:$REST_TEST_PORT',
           timeout '600', retry_max_time '600');
CREATE SERVER blackhole FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/',
           connect_to '::127.0.0.1:$blackhole',
           connect_timeout '600', timeout '600', max_retries '0');
CREATE USER MAPPING FOR PUBLIC SERVER svc;
CREATE USER MAPPING FOR PUBLIC SERVER blackhole;
CREATE FOREIGN TABLE books (id bigint, title text)
  SERVER svc OPTIONS (resource 'plain/books/');
CREATE FOREIGN TABLE blackhole_books (id bigint, title text)
  SERVER blackhole OPTIONS (resource 'plain/books/');
SQL

# run_session NAME QUERY: start a session that runs QUERY, then a query
# that must work; its output goes to $work/NAME.out, its pid to client.
run_session() {
	local name=$1 query=$2
	PGAPPNAME=$name "$PGBIN/psql" -X -d rest_cancel -v VERBOSITY=verbose \
		>"$work/$name.out" 2>&1 <<SQL &
\set VERBOSITY verbose
$query
SELECT 'next query: ' || count(*) FROM books;
SQL
	client=$!
	bg_pids+=("$client")
}

# backend_of NAME: pid of the backend of a session, once it waits inside
# rest_fdw (PG_WAIT_EXTENSION)
backend_of() {
	wait_for "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = '$1' AND state = 'active' AND wait_event_type = 'Extension')" ||
		{ echo "session $1 never waited in rest_fdw:"; cat "$work/$1.out"; return 1; }
	q "SELECT pid FROM pg_stat_activity WHERE application_name = '$1'"
}

# check_cancel NAME QUERY WHAT: cancel NAME while it runs QUERY
check_cancel() {
	local name=$1 query=$2 what=$3 pid
	run_session "$name" "$query"
	pid=$(backend_of "$name") || { fail "$what: no backend"; return; }
	[ "$(q "SELECT pg_cancel_backend($pid)")" = t ] || fail "$what: pg_cancel_backend"
	if wait_for "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $pid AND state = 'active' AND wait_event_type = 'Extension' AND query = \$q\$$query\$q\$)"; then
		pass "$what: backend $pid left the request"
	else
		fail "$what: backend $pid still in the request"
	fi
	wait "$client" || true
	if grep -q '^ERROR:  57014: canceling statement due to user request' "$work/$name.out"; then
		pass "$what: client got 57014"
	else
		fail "$what: client did not get 57014:"; cat "$work/$name.out"
	fi
	if grep -q 'next query: 5' "$work/$name.out"; then
		pass "$what: the next query on the same connection works"
	else
		fail "$what: the next query failed:"; cat "$work/$name.out"
	fi
}

# check_terminate NAME QUERY WHAT: terminate NAME while it runs QUERY
check_terminate() {
	local name=$1 query=$2 what=$3 pid
	run_session "$name" "$query"
	pid=$(backend_of "$name") || { fail "$what: no backend"; return; }
	[ "$(q "SELECT pg_terminate_backend($pid)")" = t ] || fail "$what: pg_terminate_backend"
	if wait_for "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $pid)"; then
		pass "$what: backend $pid is gone"
	else
		fail "$what: backend $pid still there"
	fi
	wait "$client" || true
	if grep -q '^FATAL:  57P01: terminating connection due to administrator command' "$work/$name.out"; then
		pass "$what: client got 57P01"
	else
		fail "$what: client did not get 57P01:"; cat "$work/$name.out"
	fi
	if [ "$(q 'SELECT count(*) FROM books')" = 5 ]; then
		pass "$what: a new session works"
	else
		fail "$what: a new session does not work"
	fi
}

svc POST /_reset
svc POST '/_fault?path=/api/plain/books/&hang=300'
check_cancel cancel_hang 'SELECT * FROM books;' "cancel, service never answers"
svc POST /_reset
svc POST '/_fault?path=/api/plain/books/&hang=300'
check_terminate terminate_hang 'SELECT * FROM books;' "terminate, service never answers"

svc POST /_reset
check_cancel cancel_connect 'SELECT * FROM blackhole_books;' "cancel, connection never accepted"
check_terminate terminate_connect 'SELECT * FROM blackhole_books;' "terminate, connection never accepted"

svc POST /_reset
svc POST '/_fault?path=/api/plain/books/&status=503&retry_after=300'
check_cancel cancel_retry 'SELECT * FROM books;' "cancel, waiting to retry"
svc POST /_reset
svc POST '/_fault?path=/api/plain/books/&status=503&retry_after=300'
check_terminate terminate_retry 'SELECT * FROM books;' "terminate, waiting to retry"

echo "cancel_backend: $([ $failures -eq 0 ] && echo ok || echo "$failures FAILED")"
[ $failures -eq 0 ]
