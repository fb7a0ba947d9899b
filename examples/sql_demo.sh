#!/usr/bin/env bash
# A demo from psql: build and install rest_fdw, start a throwaway PostgreSQL
# cluster and a local REST service, and show SQL turning into HTTP.
# Run as root on Debian 12; it removes everything it started at the end.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/cluster.sh

bash tools/install-deps.sh
make -s >/dev/null

work=$(mktemp -d /tmp/rest_fdw_demo.XXXXXX)
chmod 755 "$work"
cleanup() {
	cluster_stop "$work"
	[ -n "${REST_SERVICE_PID:-}" ] && kill "$REST_SERVICE_PID" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
private_postgres "$work/pg"
make -s install DESTDIR="$PG_DESTDIR" >/dev/null

service_start "$work"
cluster_start "$work"
echo "REST service on http://127.0.0.1:$REST_TEST_PORT/api/ ; PostgreSQL on port $PGPORT"

psql -X -v ON_ERROR_STOP=1 postgres <<SQL
\set ECHO queries
CREATE EXTENSION rest_fdw;
CREATE SERVER catalog FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://127.0.0.1:$REST_TEST_PORT/api/');
CREATE USER MAPPING FOR CURRENT_USER SERVER catalog;
CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  city      text   OPTIONS (field '/publisher/city'),
  price     numeric(8,2),
  published date,
  tags      jsonb
) SERVER catalog OPTIONS (resource 'books/', key 'id');
SELECT * FROM books;
EXPLAIN (VERBOSE, COSTS OFF) SELECT title FROM books WHERE id = 3;
SELECT title, price FROM books WHERE id = 3;
INSERT INTO books (title, author_id, price) VALUES ('Dune Messiah', 2, 9.90) RETURNING id, title, price;
UPDATE books SET price = 12.50 WHERE title = 'Dune Messiah' RETURNING id, price;
DELETE FROM books WHERE title = 'Dune Messiah';
EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM books;
SQL
echo
echo "Requests the service received:"
curl -sS "http://127.0.0.1:$REST_TEST_PORT/_log"
