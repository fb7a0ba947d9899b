--
-- The cache of table descriptions (tablecache.c): in one session, every
-- change of a foreign table, its columns, its server or the user mapping
-- is seen by the next query, and a query under way keeps what it read.
--
CREATE SCHEMA t_cache;
SET search_path = t_cache, public;
SET datestyle = 'ISO, YMD';
SELECT svc('POST', '/_reset');

\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER cache_svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           timeout '5');
CREATE USER MAPPING FOR PUBLIC SERVER cache_svc
  OPTIONS (headers 'X-Token: one');

-- the requests, with the header the user mapping sets
CREATE FUNCTION cache_requests() RETURNS SETOF text
LANGUAGE sql AS $$ SELECT svc('GET', '/_log?headers=x-token') $$;

CREATE FOREIGN TABLE cbooks (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author')
) SERVER cache_svc OPTIONS (resource 'books/', key 'id');

SELECT * FROM cbooks ORDER BY id;
SELECT cache_requests();
-- read again: the same
SELECT * FROM cbooks WHERE id = 2;
SELECT cache_requests();

-- table options
ALTER FOREIGN TABLE cbooks OPTIONS (SET resource 'plain/books/');
SELECT id, title FROM cbooks ORDER BY id;
SELECT cache_requests();
ALTER FOREIGN TABLE cbooks OPTIONS (SET resource 'books/',
  ADD page_size_param 'page_size', ADD page_size '4');
SELECT id, title FROM cbooks ORDER BY id;
SELECT cache_requests();
ALTER FOREIGN TABLE cbooks OPTIONS (DROP page_size_param, DROP page_size);
-- the key option: a point lookup by another column
ALTER FOREIGN TABLE cbooks OPTIONS (SET key 'author_id');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM cbooks WHERE id = 3;
ALTER FOREIGN TABLE cbooks OPTIONS (SET key 'id');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM cbooks WHERE id = 3;

-- column options: the JSON member name
ALTER FOREIGN TABLE cbooks ALTER COLUMN author_id OPTIONS (SET field 'id');
SELECT id, author_id FROM cbooks ORDER BY id;
ALTER FOREIGN TABLE cbooks ALTER COLUMN author_id OPTIONS (SET field '/publisher/city');
SELECT id, author_id FROM cbooks ORDER BY id;
ALTER FOREIGN TABLE cbooks ALTER COLUMN author_id TYPE text;
SELECT id, author_id FROM cbooks ORDER BY id;
ALTER FOREIGN TABLE cbooks ALTER COLUMN author_id TYPE bigint,
  ALTER COLUMN author_id OPTIONS (SET field 'author');
SELECT cache_requests();

-- column types
ALTER FOREIGN TABLE cbooks ADD COLUMN price numeric(8,2);
SELECT id, price FROM cbooks ORDER BY id;
CREATE TEMP TABLE prices AS SELECT id, price FROM cbooks;
ALTER FOREIGN TABLE cbooks ALTER COLUMN price TYPE numeric(8,0);
SELECT id, price FROM cbooks ORDER BY id;
-- as the local copy rounded (no difference)
(SELECT id, price FROM cbooks
 EXCEPT ALL SELECT id, price::numeric(8,0) FROM prices)
UNION ALL
(SELECT id, price::numeric(8,0) FROM prices
 EXCEPT ALL SELECT id, price FROM cbooks);
-- a domain's constraint
CREATE DOMAIN cheap AS numeric CHECK (VALUE < 100);
ALTER FOREIGN TABLE cbooks ALTER COLUMN price TYPE cheap;
SELECT sum(price) FROM cbooks;
ALTER DOMAIN cheap DROP CONSTRAINT cheap_check;
ALTER DOMAIN cheap ADD CONSTRAINT cheap_check CHECK (VALUE < 10);
SELECT split_part(try('SELECT sum(price) FROM t_cache.cbooks'), E'\n', 1);
ALTER FOREIGN TABLE cbooks ALTER COLUMN price TYPE numeric;
SELECT sum(price) FROM cbooks;
SELECT cache_requests();

-- added, renamed and dropped columns
ALTER FOREIGN TABLE cbooks ADD COLUMN published date;
SELECT id, published FROM cbooks ORDER BY id;
-- a renamed column reads the member of its new name
ALTER FOREIGN TABLE cbooks RENAME COLUMN title TO name;
SELECT id, name FROM cbooks ORDER BY id;
ALTER FOREIGN TABLE cbooks ALTER COLUMN name OPTIONS (ADD field 'title');
SELECT id, name FROM cbooks ORDER BY id;
ALTER FOREIGN TABLE cbooks DROP COLUMN price;
SELECT * FROM cbooks ORDER BY id;
SELECT cache_requests();

-- server options
ALTER SERVER cache_svc OPTIONS (SET base_url 'http://svc.test/api/capped/');
SELECT id, name FROM cbooks ORDER BY id;
SELECT cache_requests();
ALTER SERVER cache_svc OPTIONS (SET base_url 'http://svc.test/api/',
  ADD page_size_param 'page_size', ADD page_size '3');
SELECT id, name FROM cbooks ORDER BY id;
SELECT cache_requests();
ALTER SERVER cache_svc OPTIONS (DROP page_size_param, DROP page_size);

-- user mapping options: the service sees the new header
ALTER USER MAPPING FOR PUBLIC SERVER cache_svc
  OPTIONS (SET headers 'X-Token: two');
SELECT count(*) FROM cbooks;
SELECT cache_requests();
-- dropped: no mapping, then a user's own
DROP USER MAPPING FOR PUBLIC SERVER cache_svc;
SELECT split_part(try('SELECT count(*) FROM t_cache.cbooks'), ':', 1);
CREATE USER MAPPING FOR CURRENT_USER SERVER cache_svc
  OPTIONS (headers 'X-Token: three');
SELECT count(*) FROM cbooks;
SELECT cache_requests();
-- a PUBLIC mapping does not replace the user's own; dropping that does
CREATE USER MAPPING FOR PUBLIC SERVER cache_svc
  OPTIONS (headers 'X-Token: four');
SELECT count(*) FROM cbooks;
DROP USER MAPPING FOR CURRENT_USER SERVER cache_svc;
SELECT count(*) FROM cbooks;
SELECT cache_requests();

-- a prepared statement executed again after a change
PREPARE by_id(bigint) AS SELECT id, name FROM cbooks WHERE id = $1;
EXECUTE by_id(2);
ALTER FOREIGN TABLE cbooks ALTER COLUMN name OPTIONS (SET field 'author');
EXECUTE by_id(2);
ALTER USER MAPPING FOR PUBLIC SERVER cache_svc
  OPTIONS (SET headers 'X-Token: five');
EXECUTE by_id(2);
ALTER FOREIGN TABLE cbooks OPTIONS (SET resource 'plain/books/');
PREPARE scan_all AS SELECT id, name FROM cbooks ORDER BY id;
EXECUTE scan_all;
ALTER FOREIGN TABLE cbooks OPTIONS (SET resource 'books/');
EXECUTE scan_all;
SELECT cache_requests();
DEALLOCATE by_id;
DEALLOCATE scan_all;
ALTER FOREIGN TABLE cbooks ALTER COLUMN name OPTIONS (SET field 'title');

-- a change made while a scan reads its pages: the scan ends with what it
-- read at its start, the next query sees the change
CREATE FUNCTION cache_bump(n bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER SERVER cache_svc OPTIONS (SET timeout %L)', (5 + n)::text);
  EXECUTE format('ALTER USER MAPPING FOR PUBLIC SERVER cache_svc OPTIONS (SET headers %L)',
                 'X-Token: bump' || n);
  RETURN n;
END $$;
SELECT id, name, cache_bump(id) FROM cbooks ORDER BY id;
SELECT cache_requests();
SELECT count(*) FROM cbooks;
SELECT cache_requests();
SELECT option_value FROM pg_foreign_server,
  pg_options_to_table(srvoptions)
  WHERE srvname = 'cache_svc' AND option_name = 'timeout';

-- a rolled-back change is forgotten too
BEGIN;
ALTER FOREIGN TABLE cbooks OPTIONS (SET resource 'plain/books/');
SELECT count(*) FROM cbooks;
ROLLBACK;
SELECT count(*) FROM cbooks;
SELECT cache_requests();

DROP SCHEMA t_cache CASCADE;
DROP SERVER cache_svc CASCADE;
