--
-- Pages asked for ahead: when page URLs are predictable and the service
-- reports its total, the next pages are requested while the current one is
-- read, and read in order.  (Requests under way at once reach the service
-- in any order, so the request logs below are sorted.)
--
CREATE SCHEMA t_prefetch;
SET search_path = t_prefetch, public;
SELECT svc('POST', '/_reset');

-- Django REST framework, numbered pages of 2 rows: the count of the first
-- page says there are 3 pages; pages 2 and 3 are asked for at once
CREATE FOREIGN TABLE books (id bigint, title text)
  SERVER svc OPTIONS (resource 'books/', pagination 'page',
                      page_size_param 'page_size', page_size '2',
                      ordering 'id');
SELECT id, title FROM books ORDER BY id;
SELECT r FROM requests() r ORDER BY r;
-- rows come in the service's order, page after page
SELECT array_agg(id) FROM books;
SELECT count(*) FROM requests();
-- nothing is asked for past a LIMIT the service applies
SELECT id FROM books ORDER BY id LIMIT 3;
SELECT r FROM requests() r ORDER BY r;
-- an error on any page fails the query
SELECT svc('POST', '/_fault?path=/api/books/&after=2&status=500');
SELECT try('SELECT * FROM books');
SELECT count(*) FROM books;
SELECT count(*) FROM requests();
-- without a declared pagination, only the service's links are followed
CREATE FOREIGN TABLE books_links (id bigint)
  SERVER svc OPTIONS (resource 'books/', page_size_param 'page_size',
                      page_size '2');
SELECT count(*) FROM (SELECT id FROM books_links) s;
SELECT requests();
-- prefetch '0' turns it off
ALTER FOREIGN TABLE books OPTIONS (ADD prefetch '0');
SELECT array_agg(id) FROM books;
SELECT requests();

-- PostgREST: ranges of 2 rows, the total from Content-Range
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER pf_pgrst FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/pg/', dialect 'postgrest');
ALTER SERVER pf_pgrst OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER pf_pgrst;
CREATE FOREIGN TABLE pbooks (id bigint, title text)
  SERVER pf_pgrst OPTIONS (resource 'books', page_size '2');
SELECT array_agg(id) FROM pbooks;
SELECT r FROM svc('GET', '/_log?headers=prefer') r ORDER BY r;
-- the service caps pages at 3 rows: asked for 4, the first page is short,
-- the pages asked ahead are given up and the ranges go on from row 3
ALTER FOREIGN TABLE pbooks OPTIONS (SET page_size '4');
SELECT array_agg(id) FROM pbooks;
-- (the page asked ahead may or may not have reached the service)
SELECT count(*) BETWEEN 3 AND 4 AS three_or_four FROM requests();

-- json-server: numbered pages, the total from X-Total-Count
CREATE SERVER pf_js FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/js/', dialect 'json-server');
ALTER SERVER pf_js OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER pf_js;
CREATE FOREIGN TABLE jbooks (id bigint) SERVER pf_js
  OPTIONS (resource 'books', page_size '2');
SELECT array_agg(id) FROM jbooks;
SELECT r FROM requests() r ORDER BY r;
-- EXPLAIN ANALYZE counts every request
SELECT explain_lines('ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF',
                     'SELECT * FROM jbooks') AS "QUERY PLAN";

-- an error while pages are asked ahead, caught by a subtransaction, gives
-- their transfers back: many such errors in one transaction do not use up
-- the connection's transfers
CREATE FOREIGN TABLE books_narrow (id bigint, title varchar(4))
  SERVER svc OPTIONS (resource 'books/', pagination 'page',
                      page_size_param 'page_size', page_size '1');
DO $$
DECLARE
  failures int := 0;
BEGIN
  FOR i IN 1..10 LOOP
    IF try('SELECT * FROM books_narrow') LIKE '22001:%' THEN
      failures := failures + 1;
    END IF;
  END LOOP;
  RAISE NOTICE '% failures', failures;
END $$;
SELECT count(*) FROM books_narrow WHERE id = 4;
SELECT count(*) > 0 AS asked FROM requests();
