--
-- UPDATE as PUT (update_method 'put'), for services that replace a row
-- only whole (many Java and FastAPI services): every row is read first,
-- also where the WHERE clause fixes the key, and PUT with every column;
-- the counts and RETURNING are those of a PATCH.  Each result is compared
-- with a local table given the same statements, and with the requests the
-- service received.
--
CREATE SCHEMA t_put;
SET search_path = t_put, public;
SET datestyle = 'ISO, YMD';
SELECT svc('POST', '/_reset');

-- a PUT replaces the row: the table holds every member (publisher too)
CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  publisher jsonb,
  price     numeric(8,2),
  published date,
  tags      jsonb,
  in_stock  boolean
) SERVER svc OPTIONS (resource 'books/', page_size_param 'page_size',
                      filters 'author_id', update_method 'put');
CREATE TABLE local_books AS SELECT * FROM books;
SELECT count(*) FROM requests();

-- same_books(): do the service's rows and the local ones agree?
CREATE FUNCTION same_books() RETURNS boolean
LANGUAGE sql AS $$
  SELECT NOT EXISTS ((SELECT * FROM t_put.books EXCEPT ALL
                      SELECT * FROM t_put.local_books)
                     UNION ALL
                     (SELECT * FROM t_put.local_books EXCEPT ALL
                      SELECT * FROM t_put.books))
$$;

\set QUIET off
-- by key (Django's save()): the item is read, then PUT whole; no direct
-- PATCH
EXPLAIN (VERBOSE, COSTS OFF) UPDATE books SET price = 13.00 WHERE id = 1;
UPDATE books SET price = 13.00 WHERE id = 1;
-- a row the service does not have: its 404, no PUT, no row
UPDATE books SET price = 1.00 WHERE id = 99;
-- several rows, read first, one PUT each; RETURNING from the answers
UPDATE books SET in_stock = NOT in_stock, tags = tags || '["put"]'
  WHERE author_id = 2 RETURNING id, title, in_stock, tags;
-- a value the service refuses (a title is required): its error
UPDATE books SET title = NULL WHERE id = 4;
-- a row gone between the read and the PUT: the PUT's 404, no row
SELECT svc('POST', '/_fault?path=/api/books/2/&method=PUT&status=404');
UPDATE books SET price = 1.00 WHERE id = 2;
\set QUIET on
SELECT requests();
UPDATE local_books SET price = 13.00 WHERE id = 1;
UPDATE local_books SET in_stock = NOT in_stock, tags = tags || '["put"]'
  WHERE author_id = 2;
SELECT same_books();
SELECT count(*) FROM requests();
SELECT svc('GET', '/api/books/1/');

-- DELETE by key stays one request; PATCH again with update_method 'patch'
\set QUIET off
EXPLAIN (VERBOSE, COSTS OFF) DELETE FROM books WHERE id = 5;
ALTER FOREIGN TABLE books OPTIONS (SET update_method 'patch');
EXPLAIN (VERBOSE, COSTS OFF) UPDATE books SET price = 13.00 WHERE id = 1;
\set QUIET on

-- the server's option, overridden by the table's
CREATE SERVER put_svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', update_method 'put');
CREATE USER MAPPING FOR PUBLIC SERVER put_svc;
CREATE FOREIGN TABLE put_books (id bigint, title text) SERVER put_svc
  OPTIONS (resource 'books/');
EXPLAIN (VERBOSE, COSTS OFF) UPDATE put_books SET title = 'x' WHERE id = 1;
ALTER FOREIGN TABLE put_books OPTIONS (ADD update_method 'patch');
EXPLAIN (VERBOSE, COSTS OFF) UPDATE put_books SET title = 'x' WHERE id = 1;
SELECT try($$ALTER SERVER put_svc OPTIONS (SET update_method 'post')$$);
DROP SERVER put_svc CASCADE;

DROP SCHEMA t_put CASCADE;
