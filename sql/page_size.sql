--
-- Page sizes: a read of a whole collection asks for large pages (the
-- service's max_page_size, else 1000 rows) where a request can name its
-- page size, never more rows than a LIMIT needs, and goes on correctly when
-- the service serves fewer rows than asked.
--
CREATE SCHEMA t_page_size;
SET search_path = t_page_size, public;
-- 16 and later feed an ordered aggregate presorted input, which a scan
-- would then ask the service for: plan them as 15 does
DO $$BEGIN
  IF current_setting('server_version_num')::int >= 160000 THEN
    SET enable_presorted_aggregate = off;
  END IF;
END$$;
SELECT svc('POST', '/_reset');

-- capped/items_lo/ is items_lo/ (3000 rows, limit/offset) with
-- LimitOffsetPagination's max_limit = 250
CREATE FOREIGN TABLE items (id int, grp int, category int, label text,
                            flag boolean)
  SERVER svc OPTIONS (resource 'items_lo/', pagination 'limit',
                      filters 'grp', ordering 'id', prefetch '0');
CREATE TABLE local_items AS SELECT * FROM items;
SELECT count(*), sum(id) FROM local_items;
-- 3000 rows in 3 pages of 1000
SELECT requests();

-- a LIMIT asks for its rows only, a larger one for pages of 1000
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM items ORDER BY id LIMIT 5;
SELECT array_agg(id) FROM (SELECT id FROM items ORDER BY id LIMIT 5) s;
SELECT count(id) FROM (SELECT id FROM items ORDER BY id LIMIT 1500) s;
SELECT requests();

-- a service that caps the page: 250 rows where 1000 were asked, and the
-- next page is the one its link names, until every row is read
CREATE FOREIGN TABLE capped_items (id int, grp int, category int,
                                   label text, flag boolean)
  SERVER svc OPTIONS (resource 'capped/items_lo/', pagination 'limit',
                      filters 'grp', ordering 'id', prefetch '0');
SELECT (SELECT array_agg(c ORDER BY c.id)::text FROM capped_items c) =
       (SELECT array_agg(l ORDER BY l.id)::text FROM local_items l)
         AS same_rows;
SELECT requests();
-- a LIMIT larger than the cap: the rest from the page the link names
SELECT array_agg(id) = (SELECT array_agg(id) FROM (SELECT id FROM local_items
                          ORDER BY id LIMIT 260) l) AS same
FROM (SELECT id FROM capped_items ORDER BY id LIMIT 260) s;
SELECT requests();

-- the service's maximum, declared: pages of that size, asked ahead
ALTER FOREIGN TABLE capped_items OPTIONS (ADD max_page_size '250',
                                          SET prefetch '2');
SELECT count(id), sum(id) FROM capped_items;
SELECT r FROM requests() r ORDER BY r;
-- page_size asks for fewer, never more than the maximum
ALTER FOREIGN TABLE capped_items OPTIONS (ADD page_size '2000',
                                          SET prefetch '0');
SELECT count(id), sum(id) FROM capped_items WHERE grp = 1;
SELECT requests();
ALTER FOREIGN TABLE capped_items OPTIONS (SET page_size '1000',
                                          DROP max_page_size);
SELECT count(id), sum(id) FROM capped_items WHERE grp = 1;
SELECT requests();

-- a service without a declared pagination is asked nothing: its own pages
CREATE FOREIGN TABLE books_own (id bigint, title text)
  SERVER svc OPTIONS (resource 'books/');
SELECT count(id), sum(id) FROM books_own;
SELECT requests();

-- IMPORT reads the maximum of the limit parameter into max_page_size
CREATE SCHEMA t_page_size_imp;
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO t_page_size_imp
  OPTIONS (spec $${
  "openapi": "3.0.0",
  "info": {"title": "capped", "version": "1"},
  "servers": [{"url": "/api/capped/"}],
  "paths": {
    "/items_lo/": {"get": {
      "parameters": [
        {"name": "limit", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": 250}},
        {"name": "offset", "in": "query", "schema": {"type": "integer"}}],
      "responses": {"200": {"description": "", "content": {
        "application/json": {"schema": {"type": "object",
          "properties": {"count": {"type": "integer"},
                         "next": {"type": "string", "nullable": true},
                         "results": {"type": "array", "items": {
                           "type": "object",
                           "properties": {"id": {"type": "integer"},
                                          "grp": {"type": "integer"}}}}}}}}}}}}
  }
}$$);
SELECT ftoptions FROM pg_foreign_table
WHERE ftrelid = 't_page_size_imp.items_lo'::regclass;
SELECT count(id), sum(id) FROM t_page_size_imp.items_lo;
SELECT r FROM requests() r ORDER BY r;

DROP SCHEMA t_page_size_imp CASCADE;
DROP SCHEMA t_page_size CASCADE;
