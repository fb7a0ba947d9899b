--
-- Option undo: a rollback undoes what the transaction wrote to the
-- service, by compensating requests (undo.c), checked on the service.
--
CREATE SCHEMA t_undo;
SET search_path = t_undo, public;
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
SELECT svc('POST', '/_reset');

CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  price     numeric(8,2)
) SERVER svc OPTIONS (resource 'books/', undo 'true');
CREATE FOREIGN TABLE books_plain (
  id        bigint,
  title     text,
  price     numeric(8,2)
) SERVER svc OPTIONS (resource 'books/');

-- the rows as the service holds them
CREATE VIEW service_books AS
  SELECT id, title, price FROM books_plain ORDER BY id;
SELECT * FROM service_books;
SELECT requests();

-- an INSERT rolled back: its POST, then the DELETE of the key it made
BEGIN;
INSERT INTO books (title, price) VALUES ('Emma', 5);
INSERT INTO books (title, price) SELECT 'Volume ' || i, i FROM generate_series(1, 2) i;
SELECT requests();
ROLLBACK;
SELECT requests();
SELECT * FROM service_books;
SELECT requests();

-- UPDATE and DELETE by key: no direct modification with undo; the row is
-- read (one GET of the item), then written
EXPLAIN (VERBOSE, COSTS OFF) UPDATE books SET price = 1 WHERE id = 1;
BEGIN;
UPDATE books SET price = 1 WHERE id = 1;
DELETE FROM books WHERE id = 2;
SELECT requests();
ROLLBACK;
SELECT requests();
-- this service ignores the key a POST sends: the deleted row comes back
-- under a new key (documented: re-creating a row keeps its key only where
-- the service takes the key on create)
SELECT * FROM service_books;
SELECT svc('POST', '/_reset');
SELECT count(*) >= 0 AS log_cleared FROM requests();

-- scanned writes of several rows, undone newest first
BEGIN;
UPDATE books SET price = price * 2, title = title || '!' WHERE price > 0;
ROLLBACK;
SELECT requests();
SELECT * FROM service_books;

-- committed writes stay
BEGIN;
UPDATE books SET price = 7 WHERE id = 1;
COMMIT;
SELECT * FROM service_books;
UPDATE books SET price = 5 WHERE id = 1;
SELECT count(*) >= 0 AS log_cleared FROM requests();

-- savepoints: a rolled-back savepoint undoes only its writes; those of a
-- released one pass to the parent
BEGIN;
UPDATE books SET title = 'A' WHERE id = 1;
SAVEPOINT s1;
UPDATE books SET title = 'B' WHERE id = 2;
SAVEPOINT s2;
UPDATE books SET title = 'C' WHERE id = 3;
RELEASE SAVEPOINT s2;
ROLLBACK TO SAVEPOINT s1;
SELECT * FROM service_books;
SAVEPOINT s3;
UPDATE books SET title = 'D' WHERE id = 2;
RELEASE SAVEPOINT s3;
SELECT * FROM service_books;
ROLLBACK;
SELECT * FROM service_books;

-- an error on the third row of a multi-row UPDATE: the first two are
-- restored by the abort
SELECT svc('POST', '/_fault?path=/api/books/3/&method=PATCH&status=500');
SELECT * FROM service_books;
SELECT count(*) >= 0 AS log_cleared FROM requests();
UPDATE books SET price = price + 100 WHERE id <= 4;
SELECT requests();
SELECT * FROM service_books;

-- the same in PL/pgSQL: the error aborts the block's subtransaction only
SELECT svc('POST', '/_fault?path=/api/books/3/&method=PATCH&status=500');
DO $$
BEGIN
  UPDATE books SET title = 'outer' WHERE id = 4;
  BEGIN
    UPDATE books SET price = price + 100 WHERE id <= 3;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'caught: %', SQLERRM;
  END;
END $$;
SELECT * FROM service_books;
UPDATE books_plain SET title = 'Neuromancer' WHERE id = 4;
SELECT count(*) >= 0 AS log_cleared FROM requests();

-- an undo the service refuses is a WARNING naming the request; the
-- transaction still rolls back
BEGIN;
UPDATE books SET price = 9 WHERE id = 1;
SELECT svc('POST', '/_fault?path=/api/books/1/&method=PATCH&status=503');
ROLLBACK;
SELECT * FROM service_books;
UPDATE books_plain SET price = 5 WHERE id = 1;

-- PREPARE TRANSACTION after writes with undo is refused
BEGIN;
UPDATE books SET price = 9 WHERE id = 1;
PREPARE TRANSACTION 'undo1';
SELECT * FROM service_books;

-- an undo that hangs ends at the server's timeout (5 s): a WARNING;
-- statement_timeout does not shorten a ROLLBACK (PostgreSQL stops its
-- timer before the transaction ends; see undo_more.sql)
BEGIN;
UPDATE books SET price = 9 WHERE id = 1;
SELECT svc('POST', '/_fault?path=/api/books/1/&method=PATCH&hang=30');
SET statement_timeout = '1s';
ROLLBACK;
RESET statement_timeout;
SELECT * FROM service_books;
SELECT svc('POST', '/_reset');

-- EXPLAIN (VERBOSE) says how each write is undone
EXPLAIN (VERBOSE, COSTS OFF) INSERT INTO books (title) VALUES ('x');
EXPLAIN (VERBOSE, COSTS OFF) DELETE FROM books WHERE id = 1;

-- TRUNCATE inside a transaction block is refused: its rows could not be
-- restored
ALTER FOREIGN TABLE books OPTIONS (ADD truncatable 'true');
BEGIN;
TRUNCATE books;
ROLLBACK;
SELECT count(*) FROM service_books;

-- PostgREST takes the key a POST sends: a deleted row comes back whole,
-- under its key (undo is a server option here)
CREATE SERVER pgrst_undo FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/pg/', dialect 'postgrest',
           connect_to :'connect_to', undo 'true');
CREATE USER MAPPING FOR PUBLIC SERVER pgrst_undo;
CREATE FOREIGN TABLE pg_books (id bigint, title text, price numeric(8,2))
  SERVER pgrst_undo OPTIONS (resource 'books');
SELECT count(*) >= 0 AS log_cleared FROM requests();
BEGIN;
DELETE FROM pg_books WHERE id = 2;
ROLLBACK;
SELECT requests();
SELECT id, title, price FROM pg_books ORDER BY id;
DROP SERVER pgrst_undo CASCADE;
SELECT svc('POST', '/_reset');

-- option undo off: today's behaviour, a rollback leaves the writes
BEGIN;
UPDATE books_plain SET price = 9 WHERE id = 1;
ROLLBACK;
SELECT price FROM books_plain WHERE id = 1;
SELECT svc('POST', '/_reset');

DROP SCHEMA t_undo CASCADE;
