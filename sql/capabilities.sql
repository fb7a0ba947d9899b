--
-- The optional capabilities of django-rest-fdw's kit, over plain REST: a
-- table whose option "capabilities" lists them asks for some members only
-- (fields=), for the distinct values of a column (distinct=) and for the
-- count of rows per value (group_by=&aggregate=count), when every
-- condition is sent and evaluated by the service as here.  Every pushed
-- query is compared with the same query on a local copy of the rows.
--
-- The test service's cap/odd and cap/items serve them (limit/offset pages:
-- groups come page after page as rows do, asked for ahead on items).
--
CREATE SCHEMA t_cap;
SET search_path = t_cap, public;
SET datestyle = 'ISO, YMD';
SELECT svc('POST', '/_reset');

CREATE FOREIGN TABLE odd (
  id   int NOT NULL,
  name text,
  day  date,
  grp  int NOT NULL,
  num  numeric,
  at   timestamp
) SERVER svc OPTIONS (
  resource 'cap/odd/', key 'id', pagination 'limit', page_size '4',
  filters 'id, id__gt, name, day, day__gt, day__isnull, grp, grp__gt, num',
  ordering 'id, day, grp', collation_matches 'true', prefetch '0',
  capabilities 'fields, distinct, group_count');
CREATE FOREIGN TABLE items (id int NOT NULL, grp int, category int, flag boolean)
  SERVER svc OPTIONS (resource 'cap/items/', key 'id', pagination 'limit',
                      page_size '100', filters 'id, grp, category, flag',
                      ordering 'id', capabilities 'distinct,group_count');

-- the local copies (a full read of each)
CREATE TABLE local_odd AS SELECT * FROM odd;
CREATE TABLE local_items AS SELECT * FROM items;
SELECT count(*) FROM local_odd;
SELECT count(*) FROM local_items;

-- same(query): %1$s names the foreign table, then its local copy: the
-- rows of the foreign one (read first, on its own, planned as EXPLAIN
-- shows it), how many each side has that the other has not (EXCEPT ALL
-- both ways: a group twice is a difference too), and the first request
-- of the foreign read.
CREATE FUNCTION same(query text, tab text DEFAULT 'odd') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  extra bigint;
  missing bigint;
  first text;
BEGIN
  PERFORM count(*) FROM requests();
  EXECUTE format('CREATE TEMP TABLE got AS %s', format(query, tab));
  GET DIAGNOSTICS n = ROW_COUNT;
  SELECT r INTO first FROM requests() r LIMIT 1;
  EXECUTE format('SELECT count(*) FROM (TABLE got EXCEPT ALL (%s)) d',
                 format(query, 'local_' || tab)) INTO extra;
  EXECUTE format('SELECT count(*) FROM ((%s) EXCEPT ALL TABLE got) d',
                 format(query, 'local_' || tab)) INTO missing;
  DROP TABLE got;
  RETURN format('%s rows, %s extra, %s missing: %s', n, extra, missing, first);
END $$;
SELECT count(*) >= 0 AS log_cleared FROM requests();

--
-- 1. fields=: only the members the query needs, the rechecked columns
-- included
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT name FROM odd WHERE grp = 2;
SELECT name FROM odd WHERE grp = 2 ORDER BY id;
SELECT requests();
SELECT same($$SELECT name, day FROM %1$s WHERE grp = 2$$);
-- every column: no fields=
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM odd WHERE grp = 2;
-- under a LIMIT the service applies, with the key it sorts by
EXPLAIN (VERBOSE, COSTS OFF) SELECT name FROM odd ORDER BY id LIMIT 2;
SELECT name FROM odd ORDER BY id LIMIT 2;
SELECT requests();

--
-- 2. distinct=: SELECT DISTINCT c (Django's values_list(c,
-- flat=True).distinct()), the admin's list_filter choices (ORDER BY c)
-- and GROUP BY c without aggregates; NULL is a value of its own
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT day FROM odd;
SELECT DISTINCT day FROM odd ORDER BY day;
SELECT requests();
SELECT same($$SELECT DISTINCT day FROM %1$s$$);
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT odd.day FROM odd ORDER BY odd.day ASC;
SELECT same($$SELECT DISTINCT num FROM %1$s ORDER BY num$$);
SELECT same($$SELECT DISTINCT name FROM %1$s$$);
EXPLAIN (VERBOSE, COSTS OFF) SELECT grp FROM odd GROUP BY grp;
SELECT same($$SELECT grp FROM %1$s GROUP BY grp$$);
-- with filters, applied before: some values, none
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT day FROM odd WHERE grp = 3;
SELECT DISTINCT day FROM odd WHERE grp = 3 ORDER BY 1;
SELECT requests();
SELECT same($$SELECT DISTINCT day FROM %1$s WHERE grp = 3$$);
SELECT same($$SELECT DISTINCT day FROM %1$s WHERE grp > 1 AND day IS NOT NULL$$);
SELECT same($$SELECT DISTINCT grp FROM %1$s WHERE grp > 98$$);
SELECT DISTINCT grp FROM odd WHERE grp > 98;
SELECT requests();
-- the service sorts its values when the ORDER BY is the column's, NULL
-- where it puts it (last ascending: first descending); LIMIT stays here
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT day FROM odd ORDER BY day DESC;
SELECT DISTINCT day FROM odd ORDER BY day DESC;
SELECT requests();
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT day FROM odd ORDER BY day LIMIT 2;
SELECT DISTINCT day FROM odd ORDER BY day LIMIT 2;
SELECT same($$SELECT DISTINCT day FROM %1$s ORDER BY day LIMIT 2$$);
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT day FROM odd ORDER BY day NULLS FIRST;
SELECT same($$SELECT DISTINCT day FROM %1$s ORDER BY day NULLS FIRST$$);
SELECT requests();
-- 300 values over three pages
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT grp FROM items;
SELECT count(*) FROM (SELECT DISTINCT grp FROM items) s;
-- (pages asked for ahead: in the order they came)
SELECT r FROM requests() r ORDER BY r;
SELECT same($$SELECT DISTINCT grp FROM %1$s$$, 'items');
SELECT same($$SELECT DISTINCT category FROM %1$s WHERE flag$$, 'items');
-- SELECT DISTINCT of expressions of one column (Django's dates(), the
-- admin's date_hierarchy): the column's distinct values from the service,
-- the expressions computed here on each and made distinct here
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT DISTINCT date_trunc('month', day) FROM odd WHERE day IS NOT NULL
  ORDER BY 1;
SELECT DISTINCT date_trunc('month', day) AS month FROM odd
  WHERE day IS NOT NULL ORDER BY 1;
SELECT requests();
SELECT same($$SELECT DISTINCT date_trunc('month', day) FROM %1$s
              WHERE day IS NOT NULL$$);
SELECT same($$SELECT DISTINCT extract(dow FROM day), day IS NULL
              FROM %1$s$$);
SELECT same($$SELECT DISTINCT date_trunc('day', at) FROM %1$s WHERE grp > 1$$);
SELECT same($$SELECT DISTINCT upper(name) FROM %1$s$$);
SELECT same($$SELECT DISTINCT mod(grp, 3) FROM %1$s$$);
SELECT same($$SELECT DISTINCT date_trunc('day', at) FROM %1$s
              ORDER BY 1 DESC NULLS LAST LIMIT 2$$);
SELECT same($$SELECT DISTINCT category / 2 FROM %1$s$$, 'items');
-- what stays here: a type whose equal values may print differently
-- (numeric: 1.0 = 1.00), a volatile function, two columns, a condition
-- checked only here
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT num::text FROM odd;
SELECT same($$SELECT DISTINCT num::text FROM %1$s$$);
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT DISTINCT day + (random() * 0)::int FROM odd;
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT day::text || grp FROM odd;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT DISTINCT date_trunc('month', day) FROM odd WHERE at > '2024-01-02';
SELECT same($$SELECT DISTINCT date_trunc('month', day) FROM %1$s
              WHERE at > '2024-01-02'$$);
SELECT count(*) >= 0 AS log_cleared FROM requests();

--
-- 3. group_by=&aggregate=count: SELECT c, count(*) ... GROUP BY c, and
-- Django's values(c).annotate(n=Count("id")) (count of a NOT NULL column)
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT day, count(*) FROM odd GROUP BY day;
SELECT day, count(*) FROM odd GROUP BY day ORDER BY day;
SELECT requests();
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT day, count(*) FROM odd WHERE grp > 1 GROUP BY day ORDER BY day DESC;
SELECT day, count(*) FROM odd WHERE grp > 1 GROUP BY day ORDER BY day DESC;
SELECT requests();
SELECT same($$SELECT day, count(*) FROM %1$s GROUP BY day$$);
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT odd.grp, COUNT(odd.id) AS n FROM odd GROUP BY odd.grp ORDER BY n DESC, 1;
SELECT odd.grp, COUNT(odd.id) AS n FROM odd GROUP BY odd.grp ORDER BY n DESC, 1;
SELECT same($$SELECT grp, count(id) AS n, count(*) + 1 AS m FROM %1$s GROUP BY grp$$);
SELECT same($$SELECT num, count(*) FROM %1$s GROUP BY num$$);
SELECT same($$SELECT day, count(*) FROM %1$s WHERE grp > 2 GROUP BY day$$);
SELECT same($$SELECT day, count(*) FROM %1$s WHERE grp > 98 GROUP BY day$$);
SELECT same($$SELECT category, count(*) FROM %1$s WHERE flag GROUP BY category$$, 'items');
SELECT same($$SELECT grp, count(*) FROM %1$s WHERE category = 0 GROUP BY grp$$, 'items');
SELECT count(*) >= 0 AS log_cleared FROM requests();

--
-- 4. What stays here: a condition checked only here (at has no filter),
-- an approximate one (a pattern), HAVING, a count of a column that may be
-- NULL, other aggregates, DISTINCT of two columns, a fixed key
--
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT day FROM odd WHERE at > '2024-01-02';
SELECT same($$SELECT DISTINCT day FROM %1$s WHERE at > '2024-01-02'$$);
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT day, count(*) FROM odd WHERE at > '2024-01-02' GROUP BY day;
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT day FROM odd WHERE name LIKE '%a%';
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT day, count(*) FROM odd GROUP BY day HAVING count(*) > 1;
EXPLAIN (VERBOSE, COSTS OFF) SELECT day, count(name) FROM odd GROUP BY day;
SELECT same($$SELECT day, count(name) FROM %1$s GROUP BY day$$);
EXPLAIN (VERBOSE, COSTS OFF) SELECT day, max(grp) FROM odd GROUP BY day;
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT day, grp FROM odd;
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT day FROM odd WHERE id = 3;
-- a text column's groups need collation_matches
ALTER FOREIGN TABLE odd OPTIONS (SET collation_matches 'false');
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT name FROM odd;
ALTER FOREIGN TABLE odd OPTIONS (SET collation_matches 'true');
-- without the capability
ALTER FOREIGN TABLE odd OPTIONS (SET capabilities 'fields');
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT day FROM odd;
EXPLAIN (VERBOSE, COSTS OFF) SELECT day, count(*) FROM odd GROUP BY day;
ALTER FOREIGN TABLE odd OPTIONS (SET capabilities 'group_count');
-- group_by serves GROUP BY without a count too
EXPLAIN (VERBOSE, COSTS OFF) SELECT day FROM odd GROUP BY day;
SELECT same($$SELECT day FROM %1$s GROUP BY day$$);
EXPLAIN (VERBOSE, COSTS OFF) SELECT name FROM odd WHERE grp = 2;
ALTER FOREIGN TABLE odd OPTIONS (SET capabilities 'fields,distinct,group_count');
SELECT count(*) >= 0 AS log_cleared FROM requests();

-- a group row without its count is an error, not a NULL count
CREATE FOREIGN TABLE odd_nocount (id int NOT NULL, day date)
  SERVER svc OPTIONS (resource 'cap/odd_nocount/', pagination 'limit',
                      capabilities 'group_count');
SELECT try($$SELECT day, count(*) FROM odd_nocount GROUP BY day$$);
SELECT requests();

--
-- 5. The option: checked when set, and only drf has it
--
SELECT try($$ALTER FOREIGN TABLE odd OPTIONS (SET capabilities 'fields, sums')$$);
SELECT try($$ALTER FOREIGN TABLE odd OPTIONS (SET capabilities ',')$$);
CREATE SERVER cap_pg FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/pg/', dialect 'postgrest');
CREATE USER MAPPING FOR PUBLIC SERVER cap_pg;
CREATE FOREIGN TABLE pg_odd (id int) SERVER cap_pg
  OPTIONS (capabilities 'distinct');
SELECT try($$SELECT * FROM pg_odd$$);

--
-- 6. IMPORT FOREIGN SCHEMA reads the declarations: parameters whose enum
-- lists every member (a distinct parameter listing some is not one)
--
CREATE SCHEMA imp_cap;
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_cap
  OPTIONS (spec_url '../openapi/capabilities.json');
SELECT * FROM imported_tables('imp_cap');
EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT grp FROM imp_cap.odd;
SELECT grp, count(*) FROM imp_cap.odd GROUP BY grp ORDER BY grp;
SELECT requests();

DROP SCHEMA imp_cap CASCADE;
DROP SERVER cap_pg CASCADE;
DROP SCHEMA t_cap CASCADE;
