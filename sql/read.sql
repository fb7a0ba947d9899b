--
-- Reads: DRF pages, bare arrays, point lookups by key, cursors.
--
CREATE SCHEMA t_read;
SET search_path = t_read, public;
SET datestyle = 'ISO, YMD';
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
) SERVER svc OPTIONS (resource 'books/', key 'id');

-- a DRF collection served as three pages of two rows: "next" is followed
-- until it is null
SELECT * FROM books;
SELECT requests();

-- the plan shows the request
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, title FROM books;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, title FROM books WHERE price > 10;

-- a condition that fixes the key fetches the item, and is still checked
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM books WHERE id = 3;
SELECT * FROM books WHERE id = 3;
SELECT requests();
-- as Django's get(pk=...) sends it, with an integer constant
SELECT id, title FROM books WHERE id = 2 LIMIT 21;
-- a 404 on an item is no row, not an error
SELECT * FROM books WHERE id = 99;
SELECT requests();
-- the key from a parameter is evaluated at execution
PREPARE by_id(bigint) AS SELECT id, title FROM books WHERE id = $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_id(4);
EXECUTE by_id(4);
EXECUTE by_id(5);
EXECUTE by_id(NULL);
SELECT requests();
-- other conditions are checked locally
SELECT id, title FROM books WHERE id = 3 AND price > 100;
SELECT id FROM books WHERE in_stock AND price < 15 ORDER BY id;
SELECT requests();

-- a bare JSON array
CREATE FOREIGN TABLE plain_books (
  id    bigint,
  title text
) SERVER svc OPTIONS (resource 'plain/books/');
SELECT count(*) FROM plain_books;
SELECT requests();

-- LimitOffsetPagination, with a page size asked by the table
CREATE FOREIGN TABLE authors (
  id   bigint,
  name text,
  born date
) SERVER svc OPTIONS (resource 'authors/', pagination 'limit', page_size '2');
SELECT * FROM authors ORDER BY id;
SELECT requests();

-- a join evaluated locally
SELECT b.title, a.name FROM books b JOIN authors a ON a.id = b.author_id
  ORDER BY b.id;
SELECT count(*) FROM requests();

-- SELECT ... FOR UPDATE, as update_or_create() sends it
BEGIN;
SELECT id, title FROM books WHERE id = 1 FOR UPDATE;
COMMIT;
-- a WITH HOLD cursor, as Django's ModelChoiceField iterates
BEGIN;
DECLARE c NO SCROLL CURSOR WITH HOLD FOR SELECT id FROM books ORDER BY id;
COMMIT;
FETCH 2 FROM c;
FETCH ALL FROM c;
CLOSE c;
SELECT requests();

-- EXPLAIN ANALYZE counts the requests and bytes of a scan
SELECT explain_lines('ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF',
                     'SELECT id FROM books') AS "QUERY PLAN";
SELECT requests();

-- the connection is reused: these requests open no new TCP connection
SELECT svc('POST', '/_reset');
SELECT count(*) FROM books;
SELECT count(*) FROM books WHERE id = 1;
SELECT count(*) FROM authors;
SELECT svc('GET', '/_stats');
