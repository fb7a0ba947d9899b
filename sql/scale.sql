--
-- Scale: long IN lists.  A list of n values is de-duplicated in n log n
-- and split over requests in O(n) time and memory (each part's URLs freed
-- before the next), and a cancel or statement_timeout stops it.
--
CREATE SCHEMA t_scale;
SET search_path = t_scale, public;
SELECT svc('POST', '/_reset');
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER svc_parts FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', max_url_length '2000');
ALTER SERVER svc_parts OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER svc_parts;
CREATE FOREIGN TABLE items (id bigint, grp bigint, label text)
  SERVER svc_parts OPTIONS (resource 'items/', filters 'id__in',
                            page_size_param 'page_size', page_size '1000');
CREATE TABLE local_items AS SELECT * FROM items;
SELECT count(*) FROM local_items;
SELECT count(*) > 0 AS asked FROM requests();

-- 20,000 values, each twice, and some outside the collection: the same
-- rows as the local copy, in one request per part of the list
-- (17 names the subquery's value "(InitPlan 1).col1" where 15 says "$0")
SELECT regexp_replace(explain_lines('VERBOSE, COSTS OFF', 'SELECT count(*) FROM items
  WHERE id = ANY (ARRAY(SELECT (g % 10000) * 3 + 1 FROM generate_series(1, 20000) g))'),
  '\(InitPlan 1\)\.col1', '$0') AS "QUERY PLAN";
SELECT count(*), sum(id), sum(grp) FROM items
  WHERE id = ANY (ARRAY(SELECT (g % 10000) * 3 + 1 FROM generate_series(1, 20000) g));
-- every part's URL fits, no value is asked twice, none is left out
CREATE TEMP TABLE asked AS SELECT r FROM requests() r;
SELECT count(*) AS requests,
       max(length(r) - length('GET ') + length('http://svc.test')) <= 2000 AS fit,
       bool_and(r LIKE 'GET /api/items/?id\_\_in=%') AS all_parts
  FROM asked;
SELECT count(*) AS values_asked, count(DISTINCT v) AS distinct_values,
       count(*) FILTER (WHERE v::bigint % 3 <> 1) AS others
  FROM asked, regexp_split_to_table(substring(r FROM 'id__in=([0-9%C]*)'), '%2C') v;
SELECT count(*), sum(id), sum(grp) FROM local_items
  WHERE id = ANY (ARRAY(SELECT (g % 10000) * 3 + 1 FROM generate_series(1, 20000) g));
(SELECT * FROM items
   WHERE id = ANY (ARRAY(SELECT (g % 10000) * 3 + 1 FROM generate_series(1, 20000) g))
 EXCEPT
 SELECT * FROM local_items
   WHERE id = ANY (ARRAY(SELECT (g % 10000) * 3 + 1 FROM generate_series(1, 20000) g)))
UNION ALL
(SELECT * FROM local_items
   WHERE id = ANY (ARRAY(SELECT (g % 10000) * 3 + 1 FROM generate_series(1, 20000) g))
 EXCEPT
 SELECT * FROM items
   WHERE id = ANY (ARRAY(SELECT (g % 10000) * 3 + 1 FROM generate_series(1, 20000) g)));
SELECT count(*) > 0 AS asked FROM requests();

-- 100,000 values in about 500 parts: the same count as the local copy
-- (the split is n log n; tests assert behaviour, they time nothing)
SELECT (SELECT count(*) FROM items WHERE id = ANY (ARRAY(SELECT g FROM generate_series(1, 100000) g))) =
       (SELECT count(*) FROM local_items WHERE id = ANY (ARRAY(SELECT g FROM generate_series(1, 100000) g))) AS same_count;
SELECT count(*) FROM requests();

-- a statement_timeout stops a long list at once
SET statement_timeout = '300ms';
SELECT clock_timestamp() AS t0 \gset
\set VERBOSITY terse
SELECT count(*) FROM items WHERE id = ANY (ARRAY(SELECT g FROM generate_series(1, 1000000) g));
\set VERBOSITY default
RESET statement_timeout;
SELECT clock_timestamp() - :'t0' < interval '3 s' AS stopped_at_once;
SELECT svc('POST', '/_reset');
