#!/usr/bin/env bash
# A single-user backend (`postgres --single`, what a DBA uses to repair a
# cluster) reads a foreign table: it has no postmaster, so rest_fdw's waits
# must not watch for the postmaster's death (they failed every request with
# "epoll_ctl() failed: Bad file descriptor" when they did).
#
# Usage, as root, with rest_fdw installed into the PostgreSQL of PGBIN and
# the test service of test/run_all.sh on REST_TEST_PORT:
#     bash test/single_user.sh
# Exits non-zero unless the count of the service's books comes back.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/cluster.sh"
: "${REST_TEST_PORT:?REST_TEST_PORT: the port of the test service}"
work=$(mktemp -d /tmp/rest_fdw_single.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
chown postgres: "$work"
su postgres -c "$PGBIN/initdb -D '$work/data' -U postgres -A trust -E UTF8 --locale=C.UTF-8 >'$work/initdb.log' 2>&1"

expected=$(curl -s "http://127.0.0.1:$REST_TEST_PORT/api/books/" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["count"])')
cat >"$work/input.sql" <<SQL
CREATE EXTENSION rest_fdw;
CREATE SERVER svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://127.0.0.1:$REST_TEST_PORT/api/');
CREATE USER MAPPING FOR PUBLIC SERVER svc;
CREATE FOREIGN TABLE books (id bigint, title text) SERVER svc OPTIONS (resource 'books/');
SELECT count(*) AS single_user_count FROM books;
SQL
chmod 644 "$work/input.sql"
out=$(su postgres -c "$PGBIN/postgres --single -D '$work/data' -j postgres <'$work/input.sql'" 2>&1)
if grep -qE "^[[:space:]]*1: .*= \"$expected\"[[:space:]]+\(typeid = 20" <<<"$out"; then
	echo "single-user backend: $expected books read through rest_fdw"
else
	echo "single-user backend: expected a count of $expected; it printed:"
	echo "$out"
	exit 1
fi
