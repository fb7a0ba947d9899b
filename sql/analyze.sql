--
-- Statistics: ANALYZE samples a bounded number of pages of a collection
-- and stores the service's count as reltuples; the planner uses both, and
-- with use_remote_estimate asks the service for the count of the rows the
-- conditions sent match.
--
-- The test service's "items" collection is generated: 3000 rows, id 1 to
-- 3000, grp 1 to 300 (10 rows each, scattered), category 0 in every other
-- row and 1 to 5 in turn in the others, label unique, flag in every third
-- row.  items_local holds the same rows, for comparisons.
--
CREATE SCHEMA t_analyze;
SET search_path = t_analyze, public;
SELECT svc('POST', '/_reset');

CREATE TABLE items_local AS
  SELECT i AS id, i * 7 % 300 + 1 AS grp,
         CASE WHEN i % 2 = 0 THEN 0 ELSE i / 2 % 5 + 1 END AS category,
         format('item %s', lpad(i::text, 5, '0')) AS label, i % 3 = 0 AS flag
  FROM generate_series(1, 3000) i;

-- reltuples(t): the row count the planner reads for a table
CREATE FUNCTION reltuples(t regclass) RETURNS real
LANGUAGE sql AS $$ SELECT reltuples FROM pg_class WHERE oid = t $$;

-- estimated_rows(query): the planner's row estimate for a query
CREATE FUNCTION estimated_rows(query text) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
  plan json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
  RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric;
END $$;

-- sorted_mcv(table, column): the most common values ANALYZE found, sorted
CREATE FUNCTION sorted_mcv(t name, c name) RETURNS text
LANGUAGE sql AS $$
  SELECT array_agg(v ORDER BY v)::text
  FROM pg_stats, unnest(most_common_vals::text::text[]) v
  WHERE schemaname = 't_analyze' AND tablename = t AND attname = c
$$;

--
-- Options
--
CREATE FOREIGN TABLE bad (id int) SERVER svc
  OPTIONS (analyze_max_requests '0');
CREATE FOREIGN TABLE bad (id int) SERVER svc
  OPTIONS (analyze_max_requests '1001');
CREATE FOREIGN TABLE bad (id int) SERVER svc
  OPTIONS (analyze_max_requests 'many');
CREATE FOREIGN TABLE bad (id int) SERVER svc
  OPTIONS (use_remote_estimate 'sometimes');
CREATE FOREIGN TABLE bad (id int) SERVER svc
  OPTIONS (remote_estimate_lifetime '-1');
CREATE FOREIGN TABLE bad (id int) SERVER svc
  OPTIONS (remote_estimate_lifetime '3601');
CREATE FOREIGN TABLE bad (id int) SERVER svc
  OPTIONS (remote_estimate_lifetime '5s');
ALTER SERVER svc OPTIONS (ADD use_remote_estimate 'maybe');
ALTER SERVER svc OPTIONS (ADD analyze_max_requests '-3');
-- good values, at the server and the table
CREATE SERVER stats_opts FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', use_remote_estimate 'true',
           remote_estimate_lifetime '0.5', analyze_max_requests '1000');
CREATE FOREIGN TABLE good (id int) SERVER stats_opts
  OPTIONS (use_remote_estimate 'off', remote_estimate_lifetime '0',
           analyze_max_requests '1');
DROP SERVER stats_opts CASCADE;

--
-- Django REST framework, numbered pages of a declared size: the first page
-- gives the count (3000); then pages chosen at random over the rest, at
-- most analyze_max_requests requests in all.
--
CREATE FOREIGN TABLE items_drf (id int, grp int, category int, label text,
                                flag boolean)
  SERVER svc OPTIONS (resource 'items/', pagination 'page',
                      page_size_param 'page_size', page_size '50',
                      analyze_max_requests '4', filters 'grp, category');
-- never analyzed: the default estimate
SELECT reltuples('items_drf');
SELECT estimated_rows('SELECT * FROM items_drf');
SELECT requests();
SELECT messages('ANALYZE VERBOSE t_analyze.items_drf');
-- four requests for pages of 50 rows, the first page first, none twice,
-- not all at the start of the collection
CREATE TEMP TABLE log AS
  SELECT n, r, substring(r from 'page=([0-9]+)$')::int AS page
  FROM (SELECT row_number() OVER () AS n, r FROM requests() r) l;
SELECT count(*) AS requests, count(DISTINCT r) AS distinct_urls,
       bool_and(r ~ '^GET /api/items/\?page_size=50&page=[0-9]+$') AS page_urls,
       bool_or(page > 4) AS beyond_the_first_pages
FROM log;
SELECT r FROM log WHERE n = 1;
DROP TABLE log;
-- the count is the service's, the estimate follows
SELECT reltuples('items_drf');
SELECT estimated_rows('SELECT * FROM items_drf');
-- column statistics from the 200 rows sampled: every page of 50 rows holds
-- category 0 in half its rows and 1 to 5 in a tenth each
SELECT attname, n_distinct, null_frac
FROM pg_stats WHERE schemaname = 't_analyze' AND tablename = 'items_drf'
  AND attname <> 'grp'
ORDER BY attname;
-- (grp, 300 values of 10 rows each, is left out: from 200 rows, its
-- estimate depends on the pages drawn)
SELECT sorted_mcv('items_drf', 'category') AS category_values,
       (SELECT most_common_freqs[1] FROM pg_stats
        WHERE schemaname = 't_analyze' AND tablename = 'items_drf'
          AND attname = 'category') AS top_frequency;
-- which the planner uses for conditions
SELECT estimated_rows('SELECT * FROM items_drf WHERE category = 0');
SELECT estimated_rows('SELECT * FROM items_drf WHERE category = 3');
-- the rows are those of the local copy (read in 3 pages of 1000 rows)
ALTER FOREIGN TABLE items_drf OPTIONS (SET page_size '1000');
SELECT count(*) AS rows, count(*) FILTER (WHERE f IS NULL) AS only_local,
       count(*) FILTER (WHERE l IS NULL) AS only_service
FROM items_drf f FULL JOIN items_local l
  ON (f.id, f.grp, f.category, f.label, f.flag) =
     (l.id, l.grp, l.category, l.label, l.flag);
ALTER FOREIGN TABLE items_drf OPTIONS (SET page_size '50');
SELECT count(*) AS requests FROM requests();

-- numbered pages of the service's own size (10 rows; no page size
-- parameter): the page numbers follow that size
CREATE FOREIGN TABLE items_pages (id int, category int) SERVER svc
  OPTIONS (resource 'items/', pagination 'page', analyze_max_requests '3');
SELECT messages('ANALYZE VERBOSE t_analyze.items_pages');
SELECT count(*) AS requests,
       bool_and(r ~ '^GET /api/items/\?page=[0-9]+$') AS page_urls,
       min(r) AS first
FROM requests() r;
SELECT reltuples('items_pages');

-- limit/offset: offsets of whole pages
CREATE FOREIGN TABLE items_lo (id int, category int) SERVER svc
  OPTIONS (resource 'items_lo/', pagination 'limit', page_size '100',
           analyze_max_requests '5');
SELECT messages('ANALYZE VERBOSE t_analyze.items_lo');
SELECT count(*) AS requests,
       bool_and(r ~ '^GET /api/items_lo/\?limit=100&offset=(0|[0-9]*00)$') AS page_urls,
       count(*) FILTER (WHERE r = 'GET /api/items_lo/?limit=100&offset=0') AS first
FROM requests() r;
SELECT reltuples('items_lo');

-- a collection smaller than the sample is read whole, and only once
ALTER FOREIGN TABLE items_lo OPTIONS (SET analyze_max_requests '1000',
                                      SET page_size '1000');
SELECT messages('ANALYZE VERBOSE t_analyze.items_lo');
SELECT r FROM requests() r ORDER BY r;

-- without a declared pagination, pages are read from the first on by the
-- service's links, up to the bound; the count is still the service's.  A
-- sample smaller than the rows read is drawn at random among them.
CREATE FOREIGN TABLE items_links (id int, grp int, category int, label text,
                                  flag boolean)
  SERVER svc OPTIONS (resource 'items/', page_size_param 'page_size',
                      page_size '50', analyze_max_requests '8');
SELECT messages('SET default_statistics_target = 1; ANALYZE VERBOSE t_analyze.items_links');
SELECT requests();
SELECT reltuples('items_links');
SELECT attname, n_distinct FROM pg_stats
WHERE schemaname = 't_analyze' AND tablename = 'items_links'
  AND attname IN ('id', 'label', 'flag') ORDER BY attname;

-- a service that reports no count: the rows read are the table's size,
-- and when pages were left unread that is a lower bound, with a warning.
-- (The first page, an envelope without "count", is the service's page 1
-- of 2 rows; its link leads to the service's page 2.)
CREATE FOREIGN TABLE items_cursor (id int, grp int, category int,
                                   label text, flag boolean)
  SERVER svc OPTIONS (resource 'items/', pagination 'cursor',
                      page_size_param 'page_size', page_size '2',
                      analyze_max_requests '3');
SELECT svc('POST', '/_fault?path=/api/items/&raw=%7B%22next%22%3A%22http%3A%2F%2Fsvc.test%2Fapi%2Fitems%2F%3Fpage%3D2%26page_size%3D2%22%2C%22results%22%3A%5B%7B%22id%22%3A1%2C%22grp%22%3A8%2C%22category%22%3A1%2C%22label%22%3A%22item%2000001%22%2C%22flag%22%3Afalse%7D%2C%7B%22id%22%3A2%2C%22grp%22%3A15%2C%22category%22%3A0%2C%22label%22%3A%22item%2000002%22%2C%22flag%22%3Afalse%7D%5D%7D');
SELECT messages('ANALYZE VERBOSE t_analyze.items_cursor');
SELECT requests();
SELECT reltuples('items_cursor');
-- no pagination: one response holds every row
CREATE FOREIGN TABLE plain_books (id int, title text) SERVER svc
  OPTIONS (resource 'plain/books/');
SELECT messages('ANALYZE VERBOSE t_analyze.plain_books');
SELECT requests();
SELECT reltuples('plain_books');

--
-- PostgREST: ranges, the count from Content-Range (Prefer: count=exact on
-- the first request only).  The service returns at most 3 rows a request,
-- which then is the page size.
--
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER stats_pg FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/pg/', dialect 'postgrest');
ALTER SERVER stats_pg OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER stats_pg;
CREATE FOREIGN TABLE pitems (id int, grp int, category int, label text,
                             flag boolean)
  SERVER stats_pg OPTIONS (resource 'items', analyze_max_requests '6');
SELECT messages('ANALYZE VERBOSE t_analyze.pitems');
CREATE TEMP TABLE log AS
  SELECT row_number() OVER () AS n, r FROM svc('GET', '/_log?headers=prefer') r;
SELECT r FROM log WHERE n = 1;
SELECT count(*) AS requests, count(DISTINCT r) AS distinct_urls,
       bool_and(r ~ '^GET /api/pg/items\?limit=3&offset=[0-9]+$') AS range_urls
FROM log WHERE n > 1;
DROP TABLE log;
SELECT reltuples('pitems');
SELECT attname, n_distinct FROM pg_stats
WHERE schemaname = 't_analyze' AND tablename = 'pitems'
  AND attname IN ('id', 'label') ORDER BY attname;

--
-- json-server: numbered pages, the count from X-Total-Count
--
CREATE SERVER stats_js FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/js/', dialect 'json-server');
ALTER SERVER stats_js OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER stats_js;
CREATE FOREIGN TABLE jitems (id int, grp int, category int, label text,
                             flag boolean)
  SERVER stats_js OPTIONS (resource 'items', page_size '100',
                           analyze_max_requests '5');
SELECT messages('ANALYZE VERBOSE t_analyze.jitems');
SELECT count(*) AS requests, count(DISTINCT r) AS distinct_urls,
       bool_and(r ~ '^GET /api/js/items\?_page=[0-9]+&_limit=100$') AS page_urls,
       count(*) FILTER (WHERE r = 'GET /api/js/items?_page=1&_limit=100') AS first
FROM requests() r;
SELECT reltuples('jitems');
SELECT sorted_mcv('jitems', 'category') AS category_values;

--
-- An error of the service fails ANALYZE, on the first page or any other,
-- and the statistics stay as they were
--
SELECT svc('POST', '/_fault?path=/api/items/&status=500');
SELECT try('ANALYZE items_drf');
SELECT svc('POST', '/_fault?path=/api/items/&status=500&after=2');
SELECT try('ANALYZE items_drf');
SELECT svc('POST', '/_fault?path=/api/pg/items&raw=%5B%7B%22id%22%3A1');
SELECT try('ANALYZE pitems');
SELECT reltuples('items_drf'), reltuples('pitems');
SELECT count(*) > 0 AS requests_made FROM requests();

--
-- The statistics change plans: joining 20 local rows to the collection,
-- the planner reads the whole collection when it takes it for 1000 rows
-- (10 pages of 100), and asks for the matching rows of each group once it
-- knows the collection holds 3000 (30 pages).
--
CREATE TABLE picks AS SELECT g FROM generate_series(1, 20) g;
ANALYZE picks;
CREATE FOREIGN TABLE items_plan (id int, grp int, category int, label text,
                                 flag boolean)
  SERVER svc OPTIONS (resource 'items/', pagination 'page',
                      page_size_param 'page_size', page_size '100',
                      filters 'grp', analyze_max_requests '2');
EXPLAIN (COSTS OFF)
SELECT i.id FROM picks p JOIN items_plan i ON i.grp = p.g;
ANALYZE items_plan;
SELECT reltuples('items_plan');
-- (from PostgreSQL 17 on, the join condition checked here reads grp = p.g)
SELECT replace(line, '(grp = p.g)', '(p.g = grp)') AS "QUERY PLAN"
FROM explain_lines('COSTS OFF',
  $$SELECT i.id FROM picks p JOIN items_plan i ON i.grp = p.g$$) line;
-- the same rows either way
SELECT count(*), sum(i.id) FROM picks p JOIN items_plan i ON i.grp = p.g;
SELECT count(*), sum(i.id) FROM picks p JOIN items_local i ON i.grp = p.g;
-- ANALYZE's 2 requests, then one per group
SELECT count(*) AS requests FROM requests();

--
-- A collection analyzed while empty (move_table analyzes the table it has
-- just moved, often before any row is in the service) is planned as if it
-- had never been analyzed: the count of 0 is not trusted, since the
-- collection grows where no statistics follow it.
--
CREATE FOREIGN TABLE authors_empty (id bigint, name text, born date)
  SERVER svc OPTIONS (resource 'authors/', pagination 'limit', key 'id');
DELETE FROM authors_empty;
ANALYZE authors_empty;
SELECT reltuples('authors_empty');
SELECT svc('POST', '/_reset');
SELECT count(*) FROM authors_empty;
-- the default estimate, not one row: a join reads the collection once,
-- not once per outer row
SELECT estimated_rows('SELECT * FROM authors_empty');
EXPLAIN (COSTS OFF)
SELECT p.g, a.name FROM picks p LEFT JOIN authors_empty a ON a.id = p.g;
SELECT requests();
SELECT count(*), count(a.name) FROM picks p
  LEFT JOIN authors_empty a ON a.id = p.g;
SELECT count(*) AS requests FROM requests();

--
-- use_remote_estimate: the planner asks the service for the count of the
-- rows matching the conditions sent, with one small request, and keeps
-- the answer for remote_estimate_lifetime
--
CREATE FOREIGN TABLE items_est (id int, grp int, category int, label text,
                                flag boolean)
  SERVER svc OPTIONS (resource 'items/', pagination 'page',
                      page_size_param 'page_size', page_size '100',
                      filters 'grp, category, category__gte');
SELECT estimated_rows('SELECT * FROM items_est WHERE category = 3');
SELECT requests();
ALTER FOREIGN TABLE items_est OPTIONS (ADD use_remote_estimate 'true');
SELECT estimated_rows('SELECT * FROM items_est WHERE category = 3');
SELECT requests();
SELECT count(*) FROM items_local WHERE category = 3;
-- the same URL again: the answer kept
SELECT estimated_rows('SELECT * FROM items_est WHERE category = 3');
SELECT requests();
-- other conditions, another count
SELECT estimated_rows('SELECT * FROM items_est WHERE category = 0 AND grp = 5');
SELECT requests();
SELECT count(*) FROM items_local WHERE category = 0 AND grp = 5;
-- a condition checked here only applies its selectivity on top of the
-- count of the conditions sent (which is kept from the first query)
SELECT estimated_rows('SELECT * FROM items_est WHERE category = 0');
SELECT estimated_rows($$SELECT * FROM items_est
                        WHERE category = 0 AND label LIKE '%7'$$);
SELECT requests();
-- a value known at planning (a prepared statement's parameter)
PREPARE est(int) AS SELECT * FROM items_est WHERE category = $1;
SELECT estimated_rows('EXECUTE est(1)');
SELECT requests();
DEALLOCATE est;
-- no request for the key, nor for conditions no row can match
SELECT estimated_rows('SELECT * FROM items_est WHERE id = 5');
SELECT estimated_rows('SELECT * FROM items_est WHERE category = NULL');
SELECT requests();
-- a lifetime of 0 keeps nothing
ALTER FOREIGN TABLE items_est OPTIONS (ADD remote_estimate_lifetime '0');
SELECT estimated_rows('SELECT * FROM items_est WHERE category = 3');
SELECT estimated_rows('SELECT * FROM items_est WHERE category = 3');
SELECT requests();
-- an error of the service is an error of the query
SELECT svc('POST', '/_fault?path=/api/items/&status=500');
SELECT try('EXPLAIN SELECT * FROM items_est WHERE category = 4');
SELECT requests();
-- the estimate changes a plan: a condition the planner would take to keep
-- a third of the rows keeps them all, so the rows of the 20 groups are
-- asked for group by group rather than by reading the whole collection
ALTER FOREIGN TABLE items_est OPTIONS (SET remote_estimate_lifetime '5',
                                      SET use_remote_estimate 'false');
EXPLAIN (COSTS OFF)
SELECT i.id FROM picks p JOIN items_est i ON i.grp = p.g WHERE i.category >= 0;
ALTER FOREIGN TABLE items_est OPTIONS (SET use_remote_estimate 'true');
SELECT replace(line, '(grp = p.g)', '(p.g = grp)') AS "QUERY PLAN"
FROM explain_lines('COSTS OFF',
  $$SELECT i.id FROM picks p JOIN items_est i ON i.grp = p.g
    WHERE i.category >= 0$$) line;
SELECT requests();

-- PostgREST and json-server: their counts
CREATE FOREIGN TABLE pitems_est (id int, grp int, category int)
  SERVER stats_pg OPTIONS (resource 'items', use_remote_estimate 'true');
SELECT estimated_rows('SELECT * FROM pitems_est WHERE category IN (1, 2)');
SELECT r FROM svc('GET', '/_log?headers=prefer') r;
CREATE FOREIGN TABLE jitems_est (id int, grp int, category int)
  SERVER stats_js OPTIONS (resource 'items', use_remote_estimate 'true',
                           filters 'category');
SELECT estimated_rows('SELECT * FROM jitems_est WHERE category = 5');
SELECT requests();

RESET search_path;
DROP SCHEMA t_analyze CASCADE;
DROP SERVER stats_pg CASCADE;
DROP SERVER stats_js CASCADE;
