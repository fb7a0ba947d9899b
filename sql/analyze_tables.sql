--
-- Statistics of the foreign tables rest_fdw makes: move_table analyzes the
-- table it creates (unless analyze_table is false), and analyze_schema /
-- analyze_server analyze what IMPORT FOREIGN SCHEMA made, which the import
-- itself cannot (PostgreSQL runs only the CREATE FOREIGN TABLE statements
-- an FDW returns).  Autovacuum never analyzes foreign tables.
--
CREATE SCHEMA t_stats;
SET search_path = t_stats, public;
\set SHOW_CONTEXT never
SELECT svc('POST', '/_reset');

-- stats(t): whether t was analyzed (reltuples is -1 until then) and
-- whether its row count and the planner's estimate of a full scan are the
-- table's true count
CREATE FUNCTION stats(t regclass)
RETURNS TABLE (analyzed boolean, reltuples_is_count boolean,
               estimate_is_count boolean)
LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  plan json;
BEGIN
  EXECUTE format('SELECT count(*) FROM %s', t) INTO n;
  EXECUTE format('EXPLAIN (FORMAT JSON) SELECT * FROM %s', t) INTO plan;
  RETURN QUERY
    SELECT c.reltuples >= 0, c.reltuples = n,
           (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric = n
      FROM pg_class c WHERE c.oid = t;
END $$;

-- the methods and paths of the requests since the last call, counted
CREATE FUNCTION request_counts() RETURNS TABLE (request text, n bigint)
LANGUAGE sql AS $$
  SELECT split_part(r, ' ', 1) || ' ' || regexp_replace(split_part(r, ' ', 2), '\?.*', ''),
         count(*)
    FROM requests() r GROUP BY 1 ORDER BY 1
$$;

-- forget the requests made so far
CREATE FUNCTION forget_requests() RETURNS void
LANGUAGE sql AS $$ SELECT count(*) FROM requests() $$;

--
-- move_table analyzes the new foreign table: after the copy, reltuples is
-- the service's count (its own authors and the moved ones), and the
-- planner's estimate too
--
CREATE TABLE writers (id bigint PRIMARY KEY, name text NOT NULL, born date);
INSERT INTO writers SELECT i, format('writer %s', i), NULL
  FROM generate_series(101, 140) i;
SELECT rest_fdw.move_table('writers', 'svc', 'authors/',
                           table_options => '{pagination=limit}');
-- the copy's POSTs, then ANALYZE's one page (the collection fits)
SELECT * FROM request_counts();
SELECT * FROM stats('writers');
SELECT forget_requests();
-- what was sampled is the service's data: the moved names are there
SELECT n_distinct = -1 AS names_unique FROM pg_stats
 WHERE schemaname = 't_stats' AND tablename = 'writers' AND attname = 'name';

-- analyze_table => false: not analyzed, no request but the copy's
CREATE TABLE readers (id bigint PRIMARY KEY, title text NOT NULL);
INSERT INTO readers VALUES (500, 'The Dispossessed');
SELECT rest_fdw.move_table('readers', 'svc', 'plain/books/',
                           analyze_table => false);
SELECT reltuples FROM pg_class WHERE oid = 'readers'::regclass;
SELECT * FROM request_counts();
SELECT * FROM stats('readers');
SELECT forget_requests();

-- a move whose ANALYZE fails still moves: a WARNING says so, and ANALYZE
-- can be run again later
CREATE TABLE ghosts (id bigint PRIMARY KEY, name text);
INSERT INTO ghosts VALUES (1, 'Banquo');
SELECT rest_fdw.move_table('ghosts', 'svc', 'nosuchcollection/', copy_rows => false);
SELECT relkind, reltuples FROM pg_class WHERE oid = 'ghosts'::regclass;
SELECT count(*) FROM ghosts_before_rest;
SELECT * FROM request_counts();

--
-- IMPORT FOREIGN SCHEMA, then analyze_schema: every rest_fdw foreign table
-- of the schema (of the server, when given) is analyzed, in name order
--
CREATE SCHEMA imp_stats;
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_stats
  OPTIONS (spec_url '../openapi/drf.json');
SELECT c.relname, c.reltuples FROM pg_class c
 WHERE c.relnamespace = 'imp_stats'::regnamespace ORDER BY 1;
-- a local table and a table of another FDW's server are left alone
CREATE TABLE imp_stats.local_one (id int);
CREATE FOREIGN DATA WRAPPER other_fdw;
CREATE SERVER other FOREIGN DATA WRAPPER other_fdw;
CREATE FOREIGN TABLE imp_stats.elsewhere (id int) SERVER other;
SELECT count(*) FROM requests();
SELECT * FROM rest_fdw.analyze_schema('imp_stats');
SELECT c.relname, s.* FROM pg_class c, stats(c.oid) s
 WHERE c.relnamespace = 'imp_stats'::regnamespace AND c.relkind = 'f'
   AND c.relname <> 'elsewhere'
 ORDER BY 1;
SELECT relname, reltuples FROM pg_class
 WHERE relname IN ('local_one', 'elsewhere') ORDER BY 1;

-- of one server only; a table whose ANALYZE fails is reported and left
-- out, and the others are still analyzed
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER svc_stats FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           timeout '5');
CREATE USER MAPPING FOR PUBLIC SERVER svc_stats;
CREATE FOREIGN TABLE imp_stats.more_items (id int, grp int)
  SERVER svc_stats OPTIONS (resource 'items/');
CREATE FOREIGN TABLE imp_stats.gone (id int)
  SERVER svc_stats OPTIONS (resource 'nosuchcollection/');
CREATE FOREIGN TABLE t_stats.types_too (id int)
  SERVER svc_stats OPTIONS (resource 'types/');
SELECT * FROM rest_fdw.analyze_schema('imp_stats', 'svc_stats');
SELECT relname, reltuples FROM pg_class
 WHERE oid IN ('imp_stats.more_items'::regclass, 'imp_stats.gone'::regclass)
 ORDER BY 1;
SELECT reltuples = -1 AS not_yet FROM pg_class
 WHERE oid = 't_stats.types_too'::regclass;

-- analyze_server: the server's tables in every schema
SELECT * FROM rest_fdw.analyze_server('svc_stats');
SELECT * FROM stats('t_stats.types_too');

-- unknown names
SELECT * FROM rest_fdw.analyze_schema('nosuchschema');
SELECT * FROM rest_fdw.analyze_server('nosuchserver');
SELECT * FROM rest_fdw.analyze_server('other');

-- a role that does not own the tables: skipped with a WARNING, as
-- ANALYZE itself would skip them
SELECT svc('POST', '/_reset');
CREATE ROLE stats_reader;
GRANT USAGE ON SCHEMA imp_stats, rest_fdw TO stats_reader;
SET ROLE stats_reader;
SELECT * FROM rest_fdw.analyze_schema('imp_stats', 'svc');
RESET ROLE;
SELECT count(*) FROM requests();
DROP OWNED BY stats_reader;
DROP ROLE stats_reader;

DROP SCHEMA imp_stats CASCADE;
DROP SERVER svc_stats CASCADE;
DROP SERVER other;
DROP FOREIGN DATA WRAPPER other_fdw;
DROP SCHEMA t_stats CASCADE;
SELECT svc('POST', '/_reset');
