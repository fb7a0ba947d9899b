--
-- The real json-server 0.17 from the npm registry, which the test command
-- started on a free port over test/jsonserver/db.json.
--
CREATE SCHEMA t_jsreal;
SET search_path = t_jsreal, public;
\getenv jsport JSON_SERVER_PORT
\set js_connect_to '::127.0.0.1:' :jsport
CREATE SERVER real_js FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://json-server.test/', dialect 'json-server',
           page_size '2');
ALTER SERVER real_js OPTIONS (ADD connect_to :'js_connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER real_js;
CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  price     numeric,
  in_stock  boolean
) SERVER real_js OPTIONS (resource 'books',
  filters 'author_id, author_id__in, id__ne, price__gte, price__lte, title',
  ordering 'id');

-- pages of two rows through the Link header
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM books;
SELECT * FROM books;
SELECT explain_lines('ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF',
                     'SELECT * FROM books') AS "QUERY PLAN";
-- filters json-server honours, checked again here
SELECT id FROM books WHERE author_id = 2 ORDER BY id;
SELECT id FROM books WHERE author_id IN (1, 3) AND id <> 5 ORDER BY id;
SELECT id FROM books WHERE price >= 9.95 AND price <= 15 ORDER BY id;
SELECT id FROM books WHERE title = 'Q&A: "Why" (2+2), 100% #1''s';
SELECT id FROM books WHERE title = 'Café Ω';
-- sort, limit and offset by the service
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, title FROM books ORDER BY id DESC LIMIT 2 OFFSET 1;
SELECT id, title FROM books ORDER BY id DESC LIMIT 2 OFFSET 1;
-- count(*) from X-Total-Count
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM books WHERE author_id = 1;
SELECT count(*) FROM books WHERE author_id = 1;
SELECT count(*) FROM books;
-- an item, and writes
SELECT title FROM books WHERE id = 4;
SELECT title FROM books WHERE id = 40;
INSERT INTO books (title, author_id, price, in_stock)
  VALUES ('Solaris', 3, 11, true) RETURNING *;
\set QUIET off
UPDATE books SET price = 12.25 WHERE id = 6 RETURNING id, price;
UPDATE books SET in_stock = false WHERE author_id = 3;
DELETE FROM books WHERE id = 6;
DELETE FROM books WHERE id = 6;
\set QUIET on
SELECT id, title, in_stock FROM books ORDER BY id;
-- TRUNCATE deletes the rows of every page (two rows a page here), one
-- DELETE per row; the rows are put back after, for the later tests
CREATE TEMP TABLE books_kept AS SELECT * FROM books;
ALTER FOREIGN TABLE books OPTIONS (ADD truncatable 'true');
TRUNCATE books;
SELECT count(*) FROM books;
SELECT * FROM books;
INSERT INTO books SELECT * FROM books_kept ORDER BY id;
ALTER FOREIGN TABLE books OPTIONS (DROP truncatable);
SELECT id, title, in_stock FROM books ORDER BY id;
-- TRUNCATE again and again in one transaction keeps no transfer: a
-- scan of the pages after it still reads them all
BEGIN;
ALTER FOREIGN TABLE books OPTIONS (ADD truncatable 'true', prefetch '4');
TRUNCATE books;
INSERT INTO books SELECT * FROM books_kept ORDER BY id;
TRUNCATE books;
INSERT INTO books SELECT * FROM books_kept ORDER BY id;
TRUNCATE books;
INSERT INTO books SELECT * FROM books_kept ORDER BY id;
SELECT explain_lines('ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF',
                     'SELECT * FROM books') AS "QUERY PLAN";
SELECT id, title FROM books;
ALTER FOREIGN TABLE books OPTIONS (DROP truncatable, DROP prefetch);
COMMIT;
DROP TABLE books_kept;
