--
-- Pushdown to a PostgREST service: every operator, OR and NOT, ranges,
-- counts, select=, and writes with return=representation.
--
CREATE SCHEMA t_pgrst;
SET search_path = t_pgrst, public;
SET datestyle = 'ISO, YMD';
SELECT svc('POST', '/_reset');

\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER pgrst FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/pg/', dialect 'postgrest');
ALTER SERVER pgrst OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER pgrst;
CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  city      text   OPTIONS (field '/publisher/city'),
  price     numeric(8,2),
  published date,
  in_stock  boolean
) SERVER pgrst OPTIONS (resource 'books', collation_matches 'true');

-- the service returns at most 3 rows per response: the scan goes on from
-- the end of the range it got, until a range comes back empty
SELECT id, title FROM books;
SELECT requests();

-- PostgREST rejects what it does not understand, so what is sent is not
-- checked again (no Filter line), except patterns
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE author_id = 2;
SELECT id FROM books WHERE author_id = 2;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE author_id <> 2 AND price >= 9.95 AND published < '2020-01-01';
SELECT id FROM books WHERE author_id <> 2 AND price >= 9.95 AND published < '2020-01-01';
SELECT id FROM books WHERE published IS NULL;
SELECT id FROM books WHERE published IS NOT NULL AND NOT in_stock;
SELECT requests();
-- OR, NOT, and exclude() on a nullable column
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE author_id = 1 OR price < 8;
SELECT id FROM books WHERE author_id = 1 OR price < 8 ORDER BY id;
SELECT id FROM books WHERE NOT (author_id = 2 AND author_id IS NOT NULL) ORDER BY id;
SELECT id FROM books WHERE (author_id = 1 AND in_stock) OR (author_id = 3 AND price > 5) ORDER BY id;
SELECT requests();
-- IN lists, with PostgREST's quoting of , . : ( ) " and percent-encoding
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE title IN ('Café Ω', 'Q&A: "Why" (2+2), 100% #1''s');
SELECT id FROM books WHERE title IN ('Café Ω', 'Q&A: "Why" (2+2), 100% #1''s') ORDER BY id;
SELECT id FROM books WHERE author_id NOT IN (1, 2);
SELECT id FROM books WHERE title = 'Q&A: "Why" (2+2), 100% #1''s';
SELECT requests();
-- patterns: like/ilike with * and still checked here
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE title LIKE 'Neuro%';
SELECT id FROM books WHERE title LIKE 'Neuro%';
SELECT id FROM books WHERE upper(title::text) LIKE upper('%dat%');
SELECT requests();
-- a condition on a nested member cannot be said: local
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE city = 'Paris';

-- order, limit and offset; select= asks only for the columns needed
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT title FROM books ORDER BY price DESC NULLS LAST LIMIT 2 OFFSET 1;
SELECT title FROM books ORDER BY price DESC NULLS LAST LIMIT 2 OFFSET 1;
SELECT id, published FROM books ORDER BY published NULLS FIRST, id LIMIT 4;
SELECT requests();
-- count(*) from Content-Range, with Prefer: count=exact
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM books WHERE in_stock;
SELECT count(*) FROM books WHERE in_stock;
SELECT count(*) FROM books WHERE id > 100;
SELECT svc('GET', '/_log?headers=prefer');

-- writes: POST, PATCH and DELETE by filter, rows returned with
-- Prefer: return=representation
INSERT INTO books (title, author_id, price) VALUES ('Solaris', 3, 11.00)
  RETURNING id, title, price;
\set QUIET off
UPDATE books SET price = 12.00 WHERE id = 6 RETURNING id, price;
UPDATE books SET price = 1 WHERE id = 999;
DELETE FROM books WHERE id = 6 RETURNING title;
DELETE FROM books WHERE id = 6;
\set QUIET on
SELECT svc('GET', '/_log?headers=prefer');
-- INSERT ... SELECT without RETURNING: rows go in batches, one POST of a
-- JSON array per batch
ALTER FOREIGN TABLE books OPTIONS (ADD batch_size '2');
EXPLAIN (VERBOSE, COSTS OFF)
  INSERT INTO books (title, author_id) SELECT 'Bulk ' || i, 1 FROM generate_series(1, 5) i;
INSERT INTO books (title, author_id) SELECT 'Bulk ' || i, 1 FROM generate_series(1, 5) i;
SELECT requests();
SELECT count(*) FROM books WHERE title LIKE 'Bulk %';
-- with RETURNING, one row per request
INSERT INTO books (title) VALUES ('Bulk 6'), ('Bulk 7') RETURNING id;
DELETE FROM books WHERE title LIKE 'Bulk %';
SELECT count(*) FROM requests();
-- a duplicate: PostgREST's 409 carries SQLSTATE 23505
SELECT try($$INSERT INTO books (title) VALUES ('Dune')$$);
-- an unknown column: the service's own SQLSTATE
CREATE FOREIGN TABLE books_bad (id bigint, isbn text)
  SERVER pgrst OPTIONS (resource 'books');
SELECT * FROM books_bad WHERE isbn = 'x';
-- TRUNCATE: one DELETE by filter
ALTER FOREIGN TABLE books OPTIONS (ADD truncatable 'true');
TRUNCATE books;
SELECT count(*) FROM books;
SELECT requests();
