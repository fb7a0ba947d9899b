--
-- NOT NULL on a foreign table: PostgreSQL does not check a foreign table's
-- constraints, so rest_fdw raises the error a local table gives (23502,
-- which Django turns into IntegrityError) before a write would send NULL
-- for a column declared NOT NULL, and sends nothing.
--
CREATE SCHEMA t_not_null;
SET search_path = t_not_null, public;
SELECT svc('POST', '/_reset');

CREATE FOREIGN TABLE books (
  id        bigint NOT NULL,
  title     text NOT NULL,
  author_id bigint OPTIONS (field 'author'),
  price     numeric(8,2)
) SERVER svc OPTIONS (resource 'books/');
-- the same on a local table, for the differential checks
CREATE TABLE local_books (
  id        bigserial NOT NULL PRIMARY KEY,
  title     text NOT NULL,
  author_id bigint,
  price     numeric(8,2)
);
INSERT INTO local_books SELECT * FROM books;

-- INSERT naming a NOT NULL column with NULL: refused as locally, no request
SELECT try($$INSERT INTO books (title, price) VALUES (NULL, 1)$$);
SELECT try($$INSERT INTO local_books (title, price) VALUES (NULL, 1)$$);
SELECT requests();
-- a nullable column may be NULL, and the key left out is the service's to assign
INSERT INTO books (title, author_id) VALUES ('Emma', NULL) RETURNING id IS NOT NULL AS has_id;
SELECT requests();
-- INSERT ... SELECT: the row with NULL stops the statement; the row before
-- it was sent already (with undo off, it stays: see undo.sql)
SELECT try($$INSERT INTO books (title) SELECT t FROM (VALUES ('A'), (NULL)) v(t)$$);
SELECT requests();
-- batched inserts (PostgREST takes an array) check every row of the batch
-- before it is sent, so none of its rows reaches the service
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER nn_pgrst FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/pg/', dialect 'postgrest');
ALTER SERVER nn_pgrst OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER nn_pgrst;
CREATE FOREIGN TABLE pg_books (
  id        bigint NOT NULL,
  title     text NOT NULL
) SERVER nn_pgrst OPTIONS (resource 'books', batch_size '10');
SELECT try($$INSERT INTO pg_books (title) SELECT t FROM (VALUES ('B'), (NULL)) v(t)$$);
SELECT requests();
INSERT INTO pg_books (title) SELECT t FROM (VALUES ('C'), ('D')) v(t);
SELECT requests();

-- UPDATE setting a NOT NULL column to NULL, directly by key: the row
-- exists, so the error; a key that matches no row changes nothing, as locally
SELECT try($$UPDATE books SET title = NULL WHERE id = 1$$);
SELECT try($$UPDATE local_books SET title = NULL WHERE id = 1$$);
SELECT requests();
UPDATE books SET title = NULL WHERE id = 999;
UPDATE local_books SET title = NULL WHERE id = 999;
SELECT requests();
-- a scanned UPDATE, and one that sets a nullable column
SELECT try($$UPDATE books SET title = NULL WHERE price > 10$$);
UPDATE books SET author_id = NULL WHERE id = 3;
SELECT requests();
-- what the service holds: no refused row was sent
SELECT id, title, author_id FROM books ORDER BY id;

DROP SCHEMA t_not_null CASCADE;
DROP SERVER nn_pgrst CASCADE;
