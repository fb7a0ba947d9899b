--
-- Pushdown to a json-server (0.17) service: declared filters, _sort,
-- _start/_limit, X-Total-Count and Link pagination.
--
CREATE SCHEMA t_js;
SET search_path = t_js, public;
SELECT svc('POST', '/_reset');

\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER js FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/js/', dialect 'json-server', page_size '2',
           prefetch '0');
ALTER SERVER js OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER js;
CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  price     numeric(8,2),
  in_stock  boolean
) SERVER js OPTIONS (resource 'books',
                     filters 'id__ne, author_id, author_id__in, title',
                     ordering 'id');

-- pages of two rows, followed through the Link header
SELECT id, title FROM books;
SELECT requests();
-- declared filters are sent and checked again; the others stay local
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE author_id = 2;
SELECT id FROM books WHERE author_id = 2;
SELECT id FROM books WHERE author_id IN (1, 3) AND id <> 5;
SELECT id FROM books WHERE title = 'Q&A: "Why" (2+2), 100% #1''s';
SELECT id FROM books WHERE price > 10 ORDER BY id;
SELECT requests();
-- order, limit and offset
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books ORDER BY id DESC LIMIT 2 OFFSET 1;
SELECT id FROM books ORDER BY id DESC LIMIT 2 OFFSET 1;
-- count(*) from X-Total-Count
SELECT count(*) FROM books WHERE author_id = 1;
SELECT requests();
-- writes use item paths without a trailing slash
INSERT INTO books (title, author_id) VALUES ('Solaris', 3) RETURNING id;
UPDATE books SET price = 3.50 WHERE id = 6 RETURNING price;
DELETE FROM books WHERE id = 6;
SELECT requests();
