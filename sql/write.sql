--
-- Writes: INSERT as POST, UPDATE as PATCH, DELETE as DELETE, RETURNING
-- from the responses, exact row counts.
--
CREATE SCHEMA t_write;
SET search_path = t_write, public;
SET datestyle = 'ISO, YMD';
-- show the command tags: their row counts are what Django reads
\set QUIET off
SELECT svc('POST', '/_reset');

CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  city      text   OPTIONS (field '/publisher/city'),
  price     numeric(8,2),
  published date,
  tags      jsonb,
  in_stock  boolean
) SERVER svc OPTIONS (resource 'books/');

-- Django's create(): the key is left out, RETURNING gets the service's id
INSERT INTO books (title, author_id, price, published, tags, in_stock)
  VALUES ('Dune Messiah', 2, 9.90, '1969-10-15', '["sf"]', true)
  RETURNING id;
SELECT requests();
-- RETURNING * comes from the response (the service fills defaults)
INSERT INTO books (title) VALUES ('Emma') RETURNING *;
-- a pointer column is sent as a nested object
INSERT INTO books (title, city) VALUES ('Ulysses', 'Paris') RETURNING id, city;
SELECT requests();
-- an explicit key is sent
INSERT INTO books (id, title) VALUES (60, 'Middlemarch') RETURNING id;
SELECT requests();
-- many rows, one request each: INSERT ... SELECT and Django 5.2's
-- bulk_create form
INSERT INTO books (title, price)
  SELECT 'Volume ' || i, i FROM generate_series(1, 3) i
  RETURNING id, title, price;
INSERT INTO books (title, author_id)
  SELECT * FROM unnest(ARRAY['Kim', 'Nostromo']::text[], ARRAY[1, 2]::bigint[])
  RETURNING id;
SELECT requests();

-- UPDATE by key, as Django's save() sends it: one PATCH of the changed
-- columns, without reading the row first
UPDATE books SET price = 12.34 WHERE id = 6;
SELECT requests();
-- a new value computed from the old row: the row is read, then PATCHed
UPDATE books SET price = price + 1, in_stock = false WHERE id = 6
  RETURNING id, title, price, in_stock;
SELECT requests();
-- the row count is exact: no such row, no row updated (Django's save()
-- then INSERTs)
UPDATE books SET title = 'Nobody' WHERE id = 999;
SELECT requests();
-- a row that disappears between the scan and the PATCH counts 0 rows
SELECT svc('POST', '/_fault?path=/api/books/7/&method=PATCH&status=404');
UPDATE books SET title = 'Gone' WHERE id = 7 AND title = 'Emma';
SELECT requests();
-- UPDATE by another column: the collection is read, each row PATCHed
UPDATE books SET in_stock = true WHERE title LIKE 'Volume %';
SELECT requests();

-- DELETE by key, with exact counts and RETURNING
DELETE FROM books WHERE id = 60;
DELETE FROM books WHERE id = 60;
SELECT requests();
DELETE FROM books WHERE id = 8 RETURNING id, title;
SELECT requests();
DELETE FROM books WHERE title IN ('Kim', 'Nostromo');
SELECT requests();

-- the plans show the requests
EXPLAIN (VERBOSE, COSTS OFF) INSERT INTO books (title) VALUES ('x');
EXPLAIN (VERBOSE, COSTS OFF) UPDATE books SET title = 'x' WHERE id = 1;
EXPLAIN (VERBOSE, COSTS OFF) DELETE FROM books WHERE id = 1;
EXPLAIN (VERBOSE, COSTS OFF) UPDATE books SET title = 'x' WHERE id = 1 AND in_stock;
-- a parameter as the key, and RETURNING from the PATCH response
PREPARE set_price(bigint, numeric) AS
  UPDATE books SET price = $2 WHERE id = $1 RETURNING id, title, price;
EXECUTE set_price(5, 16.00);
EXECUTE set_price(500, 16.00);
SELECT requests();

-- the service rejects a row: a data exception with its field errors, a
-- unique violation when they are those of DRF's uniqueness validators
INSERT INTO books (title) VALUES ('');
SELECT try($$INSERT INTO books (title) VALUES ('Dune')$$);
-- a conflict is a unique violation, which Django turns into IntegrityError
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&status=409&body=%7B%22detail%22%3A%22duplicate%22%7D');
SELECT try($$INSERT INTO books (title) VALUES ('Twice')$$);
SELECT requests();

-- a table without key column cannot be updated or deleted
CREATE FOREIGN TABLE keyless (title text) SERVER svc OPTIONS (resource 'books/');
UPDATE keyless SET title = 'x';
INSERT INTO keyless VALUES ('Keyless') RETURNING title;
SELECT requests();

-- what the service holds now
SELECT id, title, city, price, in_stock FROM books ORDER BY id;

-- TRUNCATE, as Django's TransactionTestCase flushes its tables: only for
-- tables that allow it, since it deletes every row of the collection
TRUNCATE books;
CREATE FOREIGN TABLE authors (id bigint, name text)
  SERVER svc OPTIONS (resource 'authors/', pagination 'limit', truncatable 'true');
TRUNCATE books, authors;
TRUNCATE authors;
SELECT count(*) FROM authors;
SELECT requests();
