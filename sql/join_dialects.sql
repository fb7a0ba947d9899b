--
-- Joins of two tables of one service done by one scan, on the dialects
-- other than DRF and PostgREST (json-server, the real one and the test
-- service's emulation, JSON:API, OData), and more shapes of query on DRF
-- and PostgREST.  Every join is compared with the same join over local
-- copies of the rows, read from the service at the start (the real
-- services' rows depend on the tests run before).
--
CREATE SCHEMA t_joind;
SET search_path = t_joind, public;
SET datestyle = 'ISO, YMD';
SELECT svc('POST', '/_reset');
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port

-- same_rows(foreign query, local query): EXCEPT ALL both ways and counts;
-- "same" (and whether there are rows) or what differs
CREATE FUNCTION same_rows(fq text, lq text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  extra bigint;
  missing bigint;
  nf bigint;
  nl bigint;
BEGIN
  EXECUTE format('CREATE TEMP TABLE f_rows AS %s', fq);
  EXECUTE format('CREATE TEMP TABLE l_rows AS %s', lq);
  EXECUTE 'SELECT count(*) FROM (SELECT * FROM f_rows EXCEPT ALL SELECT * FROM l_rows) s' INTO extra;
  EXECUTE 'SELECT count(*) FROM (SELECT * FROM l_rows EXCEPT ALL SELECT * FROM f_rows) s' INTO missing;
  EXECUTE 'SELECT count(*) FROM f_rows' INTO nf;
  EXECUTE 'SELECT count(*) FROM l_rows' INTO nl;
  DROP TABLE f_rows;
  DROP TABLE l_rows;
  IF extra = 0 AND missing = 0 AND nf = nl THEN
    RETURN CASE WHEN nf > 0 THEN 'same' ELSE 'same, no rows' END;
  END IF;
  RETURN format('DIFFERENT: rows %s/%s, extra %s, missing %s', nf, nl, extra, missing);
END $$;
-- joined(query): does the plan of the query have a scan of a join?
CREATE FUNCTION joined(query text) RETURNS boolean
LANGUAGE sql AS $$
  SELECT count(*) > 0 FROM explain_lines('VERBOSE, COSTS OFF', query) l
    WHERE l ~ 'Remote join:'
$$;

SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_nestloop = off;

--
-- The test service's json-server emulation: IN lists as repeated
-- parameters (id=1&id=2), pages of two rows
--
CREATE SERVER js_emul FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/js/', dialect 'json-server',
           page_size '2');
ALTER SERVER js_emul OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER js_emul;
CREATE FOREIGN TABLE js_books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  price     numeric(8,2),
  in_stock  boolean
) SERVER js_emul OPTIONS (resource 'books', prefetch '0',
  filters 'id, id__in, author_id, author_id__in, price__gte, price__lte, title, in_stock',
  ordering 'id, title, price');
CREATE FOREIGN TABLE js_authors (
  id   bigint,
  name text,
  born date
) SERVER js_emul OPTIONS (resource 'authors', prefetch '0',
  filters 'id, id__in, name, born__gte', ordering 'id, name');
-- NULL keys, dangling keys, duplicates
INSERT INTO js_authors (name, born) SELECT 'author ' || g, date '1900-01-01' + g
  FROM generate_series(4, 12) g;
INSERT INTO js_books (title, author_id, price, in_stock)
  SELECT 'book ' || g,
         CASE WHEN g % 7 = 0 THEN NULL WHEN g % 11 = 0 THEN 99
              WHEN g % 3 = 0 THEN 2 ELSE g % 10 + 1 END,
         g, g % 2 = 0
  FROM generate_series(6, 30) g;
CREATE TEMP TABLE l_books AS SELECT * FROM js_books;
CREATE TEMP TABLE l_authors AS SELECT * FROM js_authors;
SELECT count(*) FILTER (WHERE author_id IS NULL) AS null_keys,
       count(*) FILTER (WHERE author_id NOT IN (SELECT id FROM l_authors)) AS dangling,
       count(DISTINCT author_id) AS keys
  FROM l_books;
SELECT count(*) > 0 FROM requests();
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.id, a.name FROM js_books b JOIN js_authors a ON b.author_id = a.id;
SELECT b.id, a.name FROM js_books b JOIN js_authors a ON b.author_id = a.id
  WHERE b.id < 8 ORDER BY b.id;
SELECT r FROM requests() r ORDER BY r;
SELECT same_rows(
  'SELECT b.id, b.title, a.id AS aid, a.name FROM js_books b JOIN js_authors a ON b.author_id = a.id',
  'SELECT b.id, b.title, a.id AS aid, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id');
SELECT same_rows(
  'SELECT b.id, b.author_id, a.id AS aid, a.name, a.born FROM js_books b LEFT JOIN js_authors a ON a.id = b.author_id',
  'SELECT b.id, b.author_id, a.id AS aid, a.name, a.born FROM l_books b LEFT JOIN l_authors a ON a.id = b.author_id');
SELECT joined($q$SELECT b.id FROM js_books b JOIN js_authors a ON b.author_id = a.id WHERE b.price <= 20 AND a.born >= '1900-01-07'$q$);
SELECT same_rows(
  $q$SELECT b.title, a.name FROM js_books b JOIN js_authors a ON b.author_id = a.id WHERE b.price <= 20 AND a.born >= '1900-01-07'$q$,
  $q$SELECT b.title, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id WHERE b.price <= 20 AND a.born >= '1900-01-07'$q$);
SELECT same_rows(
  $q$SELECT b.id, a.name FROM js_books b LEFT JOIN js_authors a ON a.id = b.author_id WHERE b.in_stock AND b.title ~ '2'$q$,
  $q$SELECT b.id, a.name FROM l_books b LEFT JOIN l_authors a ON a.id = b.author_id WHERE b.in_stock AND b.title ~ '2'$q$);
SELECT same_rows(
  $q$SELECT b.id, a.name FROM js_books b LEFT JOIN js_authors a ON a.id = b.author_id AND a.name = 'author 5'$q$,
  $q$SELECT b.id, a.name FROM l_books b LEFT JOIN l_authors a ON a.id = b.author_id AND a.name = 'author 5'$q$);
-- more keys than a batch: batches of 12 books, authors two a page
ALTER FOREIGN TABLE js_books OPTIONS (ADD page_size '12');
SELECT same_rows(
  'SELECT b.id, a.id AS aid, a.name FROM js_books b LEFT JOIN js_authors a ON b.author_id = a.id',
  'SELECT b.id, a.id AS aid, a.name FROM l_books b LEFT JOIN l_authors a ON b.author_id = a.id');
SELECT count(*) AS requests, count(*) FILTER (WHERE r ~ '^GET /api/js/authors') AS inner_requests
  FROM requests() r;
ALTER FOREIGN TABLE js_books OPTIONS (DROP page_size);
-- sorted and limited by the service
SELECT same_rows(
  'SELECT b.id, a.name FROM js_books b JOIN js_authors a ON b.author_id = a.id ORDER BY b.title DESC, b.id LIMIT 5',
  'SELECT b.id, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id ORDER BY b.title DESC, b.id LIMIT 5');
-- a self-join: the books whose author_id is a book's id
SELECT same_rows(
  'SELECT b.id, p.id AS pid, p.title FROM js_books b LEFT JOIN js_books p ON b.author_id = p.id',
  'SELECT b.id, p.id AS pid, p.title FROM l_books b LEFT JOIN l_books p ON b.author_id = p.id');
-- the inner table without its id__in filter: PostgreSQL's join
ALTER FOREIGN TABLE js_authors OPTIONS (SET filters 'id, name');
SELECT joined('SELECT b.id FROM js_books b JOIN js_authors a ON b.author_id = a.id');
SELECT same_rows(
  'SELECT b.id, a.name FROM js_books b LEFT JOIN js_authors a ON b.author_id = a.id',
  'SELECT b.id, a.name FROM l_books b LEFT JOIN l_authors a ON b.author_id = a.id');
ALTER FOREIGN TABLE js_authors OPTIONS (SET filters 'id, id__in, name, born__gte');
-- a text key: json-server compares the text of the value
CREATE FOREIGN TABLE js_authors_by_name (name text, id bigint)
  SERVER js_emul OPTIONS (resource 'authors', key 'name', prefetch '0',
                          filters 'name, name__in');
SELECT joined('SELECT b.id FROM js_books b JOIN js_authors_by_name a ON b.title = a.name');
SELECT same_rows(
  'SELECT b.id, a.id AS aid FROM js_books b LEFT JOIN js_authors_by_name a ON b.title = a.name',
  'SELECT b.id, a.id AS aid FROM l_books b LEFT JOIN l_authors a ON b.title = a.name');
SELECT count(*) > 0 FROM requests();
DROP TABLE l_books, l_authors;
SELECT svc('POST', '/_reset');

--
-- The real json-server 0.17: one collection, books, joined to itself
-- (author as a book's id); rows added for NULL and dangling keys
--
\getenv jsport JSON_SERVER_PORT
\set js_connect_to '::127.0.0.1:' :jsport
CREATE SERVER js_real_join FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://json-server.test/', dialect 'json-server',
           page_size '2');
ALTER SERVER js_real_join OPTIONS (ADD connect_to :'js_connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER js_real_join;
CREATE FOREIGN TABLE rjs_books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  price     numeric,
  in_stock  boolean
) SERVER js_real_join OPTIONS (resource 'books',
  filters 'id, id__in, author_id, author_id__in, id__ne, price__gte, price__lte, title',
  ordering 'id');
INSERT INTO rjs_books (id, title, author_id, price, in_stock) VALUES
  (201, 'j1', NULL, 1, true), (202, 'j2', 999, 2, false),
  (203, 'j3', 1, 3, true), (204, 'j4', 201, 4, true), (205, 'j5', 201, 5, false),
  (206, 'j6', 204, 6, true);
CREATE TEMP TABLE l_rbooks AS SELECT * FROM rjs_books;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.id, p.title FROM rjs_books b JOIN rjs_books p ON b.author_id = p.id;
SELECT same_rows(
  'SELECT b.id, b.title, p.id AS pid, p.title AS ptitle FROM rjs_books b JOIN rjs_books p ON b.author_id = p.id',
  'SELECT b.id, b.title, p.id AS pid, p.title AS ptitle FROM l_rbooks b JOIN l_rbooks p ON b.author_id = p.id');
SELECT same_rows(
  'SELECT b.id, p.id AS pid, p.price FROM rjs_books b LEFT JOIN rjs_books p ON b.author_id = p.id',
  'SELECT b.id, p.id AS pid, p.price FROM l_rbooks b LEFT JOIN l_rbooks p ON b.author_id = p.id');
SELECT same_rows(
  'SELECT b.id, p.id AS pid FROM rjs_books b LEFT JOIN rjs_books p ON b.author_id = p.id WHERE b.price >= 3 AND b.price <= 15',
  'SELECT b.id, p.id AS pid FROM l_rbooks b LEFT JOIN l_rbooks p ON b.author_id = p.id WHERE b.price >= 3 AND b.price <= 15');
SELECT same_rows(
  'SELECT b.id, p.id AS pid FROM rjs_books b JOIN rjs_books p ON b.author_id = p.id WHERE p.price >= 3',
  'SELECT b.id, p.id AS pid FROM l_rbooks b JOIN l_rbooks p ON b.author_id = p.id WHERE p.price >= 3');
SELECT same_rows(
  'SELECT b.id, p.id AS pid FROM rjs_books b JOIN rjs_books p ON b.author_id = p.id ORDER BY b.id DESC LIMIT 3',
  'SELECT b.id, p.id AS pid FROM l_rbooks b JOIN l_rbooks p ON b.author_id = p.id ORDER BY b.id DESC LIMIT 3');
DELETE FROM rjs_books WHERE id > 200;
DROP TABLE l_rbooks;

--
-- JSON:API (djangorestframework-jsonapi): filter[id__in]=1,2
--
\getenv japort JSONAPI_PORT
\set ja_connect_to '::127.0.0.1:' :japort
CREATE SERVER ja_join FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://jsonapi.test/api/', dialect 'jsonapi');
ALTER SERVER ja_join OPTIONS (ADD connect_to :'ja_connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER ja_join;
CREATE FOREIGN TABLE ja_books (
  id        bigint,
  title     text,
  author_id bigint,
  price     numeric(8,2),
  in_stock  boolean
) SERVER ja_join OPTIONS (resource 'books/', page_size '3',
  filters 'id, id__in, author_id, author_id__in, price__*, in_stock',
  ordering '*');
CREATE FOREIGN TABLE ja_authors (
  id   bigint,
  name text NOT NULL,
  born date
) SERVER ja_join OPTIONS (resource 'authors/', page_size '2',
  filters 'id__in, name, born__*', ordering '*', collation_matches 'true');
CREATE TEMP TABLE l_books AS SELECT * FROM ja_books;
CREATE TEMP TABLE l_authors AS SELECT * FROM ja_authors;
SELECT count(*) FILTER (WHERE author_id IS NULL) > 0 AS null_keys FROM l_books;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.id, a.name FROM ja_books b JOIN ja_authors a ON b.author_id = a.id;
SELECT same_rows(
  'SELECT b.id, b.title, a.id AS aid, a.name FROM ja_books b JOIN ja_authors a ON b.author_id = a.id',
  'SELECT b.id, b.title, a.id AS aid, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id');
SELECT same_rows(
  'SELECT b.id, a.id AS aid, a.name, a.born FROM ja_books b LEFT JOIN ja_authors a ON a.id = b.author_id',
  'SELECT b.id, a.id AS aid, a.name, a.born FROM l_books b LEFT JOIN l_authors a ON a.id = b.author_id');
SELECT same_rows(
  $q$SELECT b.id, a.name FROM ja_books b JOIN ja_authors a ON b.author_id = a.id WHERE b.price >= 8 AND a.born >= '1900-01-01'$q$,
  $q$SELECT b.id, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id WHERE b.price >= 8 AND a.born >= '1900-01-01'$q$);
SELECT same_rows(
  $q$SELECT b.id, a.name FROM ja_books b LEFT JOIN ja_authors a ON b.author_id = a.id AND a.name = 'Stanisław Lem' WHERE b.in_stock$q$,
  $q$SELECT b.id, a.name FROM l_books b LEFT JOIN l_authors a ON b.author_id = a.id AND a.name = 'Stanisław Lem' WHERE b.in_stock$q$);
SELECT same_rows(
  'SELECT b.id, a.name FROM ja_books b JOIN ja_authors a ON b.author_id = a.id ORDER BY b.price DESC NULLS LAST, b.id LIMIT 4',
  'SELECT b.id, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id ORDER BY b.price DESC NULLS LAST, b.id LIMIT 4');
-- a self-join, and more keys than a batch (batches of three books)
SELECT same_rows(
  'SELECT b.id, p.title FROM ja_books b LEFT JOIN ja_books p ON b.author_id = p.id',
  'SELECT b.id, p.title FROM l_books b LEFT JOIN l_books p ON b.author_id = p.id');
-- authors without id__in: PostgreSQL's join
ALTER FOREIGN TABLE ja_authors OPTIONS (SET filters 'name');
SELECT joined('SELECT b.id FROM ja_books b JOIN ja_authors a ON b.author_id = a.id');
SELECT same_rows(
  'SELECT b.id, a.name FROM ja_books b LEFT JOIN ja_authors a ON a.id = b.author_id',
  'SELECT b.id, a.name FROM l_books b LEFT JOIN l_authors a ON a.id = b.author_id');
DROP TABLE l_books, l_authors;

--
-- OData (SAP CAP): ID in (1,2); Books answers pages of three
--
\getenv odport ODATA_PORT
\set od_connect_to '::127.0.0.1:' :odport
CREATE SERVER od_join FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://odata.test/odata/v4/catalog/', dialect 'odata');
ALTER SERVER od_join OPTIONS (ADD connect_to :'od_connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER od_join;
CREATE FOREIGN TABLE od_books (
  id        integer OPTIONS (field 'ID'),
  title     text,
  author_id integer OPTIONS (field 'author_ID'),
  price     numeric,
  stock     integer,
  in_stock  boolean
) SERVER od_join OPTIONS (resource 'Books', key 'id', page_size '2');
CREATE FOREIGN TABLE od_authors (
  id      integer OPTIONS (field 'ID'),
  name    text,
  country text
) SERVER od_join OPTIONS (resource 'Authors', key 'id', page_size '2');
CREATE TEMP TABLE l_books AS SELECT * FROM od_books;
CREATE TEMP TABLE l_authors AS SELECT * FROM od_authors;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.id, a.name FROM od_books b JOIN od_authors a ON b.author_id = a.id;
SELECT same_rows(
  'SELECT b.id, b.title, a.id AS aid, a.name FROM od_books b JOIN od_authors a ON b.author_id = a.id',
  'SELECT b.id, b.title, a.id AS aid, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id');
SELECT same_rows(
  'SELECT b.id, a.id AS aid, a.name, a.country FROM od_books b LEFT JOIN od_authors a ON a.id = b.author_id',
  'SELECT b.id, a.id AS aid, a.name, a.country FROM l_books b LEFT JOIN l_authors a ON a.id = b.author_id');
SELECT same_rows(
  $q$SELECT b.id, a.name FROM od_books b JOIN od_authors a ON b.author_id = a.id WHERE b.stock > 0 AND a.country <> 'PL'$q$,
  $q$SELECT b.id, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id WHERE b.stock > 0 AND a.country <> 'PL'$q$);
SELECT same_rows(
  $q$SELECT b.id, a.name FROM od_books b LEFT JOIN od_authors a ON b.author_id = a.id AND a.country = 'US' WHERE b.in_stock IS NOT TRUE$q$,
  $q$SELECT b.id, a.name FROM l_books b LEFT JOIN l_authors a ON b.author_id = a.id AND a.country = 'US' WHERE b.in_stock IS NOT TRUE$q$);
SELECT same_rows(
  'SELECT b.id, a.name FROM od_books b JOIN od_authors a ON b.author_id = a.id ORDER BY b.title, b.id LIMIT 4',
  'SELECT b.id, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id ORDER BY b.title, b.id LIMIT 4');
SELECT same_rows(
  'SELECT b.id, p.title FROM od_books b LEFT JOIN od_books p ON b.author_id = p.id',
  'SELECT b.id, p.title FROM l_books b LEFT JOIN l_books p ON b.author_id = p.id');
DROP TABLE l_books, l_authors;

--
-- More shapes, on DRF (the test service's books and authors, three books
-- a page) and PostgREST (the same rows)
--
CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  price     numeric(8,2),
  in_stock  boolean
) SERVER svc OPTIONS (
  resource 'books/', page_size_param 'page_size', page_size '3', prefetch '0',
  filters 'id, id__in, author_id, author_id__in, price__lt, price__gte,
           title, in_stock',
  ordering 'id, price, title', collation_matches 'true');
CREATE FOREIGN TABLE authors (
  id   bigint,
  name text,
  born date
) SERVER svc OPTIONS (resource 'authors/', pagination 'limit',
                      page_size '100', prefetch '0',
                      filters 'id, id__in, name, born__gte',
                      ordering 'id, name', collation_matches 'true');
INSERT INTO authors (name, born) SELECT 'author ' || g, date '1900-01-01' + g
  FROM generate_series(4, 12) g;
INSERT INTO books (title, author_id, price, in_stock)
  SELECT 'book ' || g,
         CASE WHEN g % 7 = 0 THEN NULL WHEN g % 11 = 0 THEN 99
              WHEN g % 3 = 0 THEN 2 WHEN g % 5 = 0 THEN 6 ELSE g % 10 + 1 END,
         g, g % 2 = 0
  FROM generate_series(6, 30) g;
CREATE TEMP TABLE l_books AS SELECT * FROM books;
CREATE TEMP TABLE l_authors AS SELECT * FROM authors;
CREATE SERVER pgrst_joind FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/pg/', dialect 'postgrest');
ALTER SERVER pgrst_joind OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER pgrst_joind;
CREATE FOREIGN TABLE pg_books (id bigint, title text,
                               author_id bigint OPTIONS (field 'author'),
                               price numeric(8,2), in_stock boolean)
  SERVER pgrst_joind OPTIONS (resource 'books', collation_matches 'true',
                              prefetch '0', page_size '4');
CREATE FOREIGN TABLE pg_authors (id bigint, name text, born date)
  SERVER pgrst_joind OPTIONS (resource 'authors', collation_matches 'true',
                              prefetch '0');
-- same_join(query): the query (%1$s books, %2$s authors) on DRF, on
-- PostgREST, each compared with the local copies, and whether each plan
-- has a scan of a join
CREATE FUNCTION same_join(q text) RETURNS TABLE (dialect text, pushed boolean, rows text)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY SELECT 'drf', joined(format(q, 'books', 'authors')),
    same_rows(format(q, 'books', 'authors'), format(q, 'l_books', 'l_authors'));
  RETURN QUERY SELECT 'postgrest', joined(format(q, 'pg_books', 'pg_authors')),
    same_rows(format(q, 'pg_books', 'pg_authors'), format(q, 'l_books', 'l_authors'));
END $$;
SELECT count(*) > 0 FROM requests();

-- a self-join: the book whose id is a book's author_id
SELECT * FROM same_join('SELECT b.id, p.id AS pid, p.title FROM %1$s b JOIN %1$s p ON b.author_id = p.id');
SELECT * FROM same_join('SELECT b.id, p.id AS pid, p.title FROM %1$s b LEFT JOIN %1$s p ON p.id = b.author_id');
SELECT * FROM same_join('SELECT b.id, p.title FROM %1$s b LEFT JOIN %1$s p ON p.id = b.author_id WHERE b.price < 20 AND p.in_stock IS NOT FALSE');
-- three tables: a join of a join is PostgreSQL's, on a scan of a join
SELECT * FROM same_join('SELECT b.id, a.name, p.title FROM %1$s b JOIN %2$s a ON b.author_id = a.id JOIN %1$s p ON p.id = a.id');
SELECT * FROM same_join('SELECT b.id, a.name, p.title FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id LEFT JOIN %1$s p ON p.id = b.author_id');
SELECT * FROM same_join('SELECT b.id, a.name, a2.name AS n2 FROM %1$s b JOIN %2$s a ON b.author_id = a.id LEFT JOIN %2$s a2 ON a2.id = b.id');
-- a key fixed by a constant on either side
SELECT * FROM same_join('SELECT b.id, a.name FROM %1$s b JOIN %2$s a ON b.author_id = a.id WHERE a.id = 2');
SELECT * FROM same_join('SELECT b.id, a.name FROM %1$s b JOIN %2$s a ON b.author_id = a.id WHERE b.author_id = 2');
SELECT * FROM same_join('SELECT b.id, a.name FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id WHERE b.id = 6');
SELECT * FROM same_join('SELECT b.id, a.name FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id WHERE b.author_id = 6');
SELECT * FROM same_join('SELECT b.id, a.name FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id AND a.id = 2');
-- conditions of a LEFT join that stay above it, or in its ON on the outer side
SELECT * FROM same_join('SELECT b.id, a.name FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id WHERE a.name IS NULL');
SELECT * FROM same_join($q$SELECT b.id, a.name FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id WHERE coalesce(a.name, 'x') <> 'Anonymous'$q$);
SELECT * FROM same_join('SELECT b.id, a.name FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id AND b.price < 15');
SELECT * FROM same_join('SELECT b.id FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id WHERE a.id IS NULL');
-- in a subquery, a CTE, with LIMIT under ORDER BY the inner side's column
SELECT * FROM same_join('SELECT * FROM (SELECT b.id, a.name FROM %1$s b JOIN %2$s a ON b.author_id = a.id ORDER BY a.name DESC, b.id LIMIT 7) s');
SELECT * FROM same_join('SELECT * FROM (SELECT b.id, a.name FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id ORDER BY a.name NULLS FIRST, b.id LIMIT 7) s');
SELECT * FROM same_join('SELECT * FROM (SELECT b.id, a.id AS aid FROM %1$s b JOIN %2$s a ON b.author_id = a.id ORDER BY a.id DESC, b.id DESC LIMIT 5) s');
SELECT * FROM same_join('SELECT * FROM (SELECT b.id, a.id AS aid FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id ORDER BY a.id, b.id LIMIT 9) s');
SELECT * FROM same_join('SELECT * FROM (SELECT b.id, b.author_id FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id ORDER BY b.author_id DESC, b.id LIMIT 9) s');
SELECT * FROM same_join('WITH j AS MATERIALIZED (SELECT b.id, a.name FROM %1$s b JOIN %2$s a ON b.author_id = a.id) SELECT name, count(*) FROM j GROUP BY name');
SELECT * FROM same_join('SELECT x.id, (SELECT count(*) FROM %1$s b JOIN %2$s a ON b.author_id = a.id WHERE b.price < x.id) AS n FROM l_authors x');
SELECT * FROM same_join('SELECT a.id FROM l_authors a WHERE EXISTS (SELECT FROM %1$s b JOIN %2$s a2 ON b.author_id = a2.id WHERE a2.born > a.born)');
-- the outer side grouped or distinct
SELECT * FROM same_join('SELECT d.author_id, a.name FROM (SELECT DISTINCT author_id FROM %1$s) d JOIN %2$s a ON a.id = d.author_id');
SELECT * FROM same_join('SELECT d.author_id, d.n, a.name FROM (SELECT author_id, count(*) AS n FROM %1$s GROUP BY author_id) d LEFT JOIN %2$s a ON a.id = d.author_id');
SELECT * FROM same_join('SELECT DISTINCT a.name FROM %1$s b JOIN %2$s a ON b.author_id = a.id');
SELECT * FROM same_join('SELECT a.name, count(b.id), sum(b.price) FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id GROUP BY a.name');
-- whole rows and system columns
SELECT * FROM same_join('SELECT b::text AS b, a.name FROM %1$s b JOIN %2$s a ON b.author_id = a.id');
SELECT * FROM same_join('SELECT b.id, a::text AS a FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id');
SELECT * FROM same_join('SELECT b.id, a.name, b.tableoid <> 0 AS t FROM %1$s b JOIN %2$s a ON b.author_id = a.id');
SELECT * FROM same_join('SELECT b.id, a.tableoid IS NULL AS t FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id');
SELECT * FROM same_join('SELECT b.id, row(a.id, a.name)::text AS r FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id');
-- a join key of another integer width on the outer side
SELECT * FROM same_join('SELECT b.id, a.name FROM (SELECT id, author_id::int AS author_id FROM %1$s) b LEFT JOIN %2$s a ON b.author_id = a.id');

-- prepared statements with generic plans: the values are parameters of
-- the outer and inner requests
SET plan_cache_mode = force_generic_plan;
PREPARE jf(numeric, date) AS SELECT b.id, a.name FROM books b
  JOIN authors a ON b.author_id = a.id WHERE b.price < $1 AND a.born >= $2;
PREPARE jl(numeric, date) AS SELECT b.id, a.name FROM l_books b
  JOIN l_authors a ON b.author_id = a.id WHERE b.price < $1 AND a.born >= $2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE jf(20, '1900-01-07');
SELECT same_rows('EXECUTE jf(20, ''1900-01-07'')', 'EXECUTE jl(20, ''1900-01-07'')');
SELECT same_rows('EXECUTE jf(12, ''1900-01-01'')', 'EXECUTE jl(12, ''1900-01-01'')');
SELECT same_rows('EXECUTE jf(100, NULL)', 'EXECUTE jl(100, NULL)');
PREPARE pf(bigint) AS SELECT b.id, a.name FROM pg_books b
  LEFT JOIN pg_authors a ON b.author_id = a.id WHERE b.author_id = $1;
PREPARE pl(bigint) AS SELECT b.id, a.name FROM l_books b
  LEFT JOIN l_authors a ON b.author_id = a.id WHERE b.author_id = $1;
SELECT same_rows('EXECUTE pf(2)', 'EXECUTE pl(2)');
SELECT same_rows('EXECUTE pf(99)', 'EXECUTE pl(99)');
SELECT same_rows('EXECUTE pf(NULL)', 'EXECUTE pl(NULL)');
PREPARE qf(bigint) AS SELECT b.id, a.name FROM pg_books b
  LEFT JOIN pg_authors a ON b.author_id = a.id AND a.id <> $1 WHERE b.id > $1;
PREPARE ql(bigint) AS SELECT b.id, a.name FROM l_books b
  LEFT JOIN l_authors a ON b.author_id = a.id AND a.id <> $1 WHERE b.id > $1;
SELECT same_rows('EXECUTE qf(2)', 'EXECUTE ql(2)');
SELECT same_rows('EXECUTE qf(20)', 'EXECUTE ql(20)');
DEALLOCATE ALL;
RESET plan_cache_mode;

-- UPDATE ... FROM ... RETURNING: PostgreSQL's join
SELECT joined($q$UPDATE books b SET price = b.price + 1 FROM authors a WHERE a.id = b.author_id AND a.name LIKE 'author 1%' RETURNING b.id, b.price, a.name$q$);
CREATE TEMP TABLE f_ret AS SELECT 0 AS id, 0::numeric AS price, ''::text AS name WITH NO DATA;
WITH u AS (UPDATE books b SET price = b.price + 1 FROM authors a
  WHERE a.id = b.author_id AND a.name LIKE 'author 1%' RETURNING b.id, b.price, a.name)
  INSERT INTO f_ret SELECT * FROM u;
CREATE TEMP TABLE l_ret AS SELECT 0 AS id, 0::numeric AS price, ''::text AS name WITH NO DATA;
WITH u AS (UPDATE l_books b SET price = b.price + 1 FROM l_authors a
  WHERE a.id = b.author_id AND a.name LIKE 'author 1%' RETURNING b.id, b.price, a.name)
  INSERT INTO l_ret SELECT * FROM u;
SELECT same_rows('SELECT * FROM f_ret', 'SELECT * FROM l_ret');
SELECT same_rows('SELECT id, price FROM books', 'SELECT id, price FROM l_books');
SELECT * FROM same_join('SELECT b.id, b.price, a.name FROM %1$s b LEFT JOIN %2$s a ON a.id = b.author_id');

-- conditions checked on the joined row that read a whole row or a system
-- column, which the join's target does not hold
SELECT * FROM same_join($q$SELECT b.id, a.name FROM %1$s b JOIN %2$s a ON b.author_id = a.id WHERE b::text LIKE '%%book 1%%'$q$);
SELECT * FROM same_join($q$SELECT b.id, a.name FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id WHERE b::text LIKE '%%book 1%%'$q$);
SELECT * FROM same_join($q$SELECT b.id FROM %1$s b JOIN %2$s a ON b.author_id = a.id WHERE a::text LIKE '%%author 1%%'$q$);
SELECT * FROM same_join('SELECT b.id, a.name FROM %1$s b JOIN %2$s a ON b.author_id = a.id WHERE b.tableoid <> 0 AND a.tableoid <> 0');
SELECT * FROM same_join('SELECT b.id, a.name FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id WHERE b.tableoid <> 0');

-- text keys: names with the characters of URLs and of the dialects'
-- lists, case and white space variants, a duplicate name and 'null'
-- (Café Ω is a title already)
INSERT INTO authors (name) VALUES ('a,b'), ('x"y'), ('(p)'), ('q''s'),
  ('Café Ω'), ('a&b=c'), ('100% #1'), (' lead'), ('trail '), ('UPPER'),
  ('null'), ('a.b'), ('in.(x)'), ('x\y'), ('*');
INSERT INTO authors (name) VALUES ('a,b');
INSERT INTO books (title, author_id) VALUES ('a,b', 1), ('a', 1), ('b', 1),
  ('x"y', 1), ('(p)', 1), ('q''s', 1), ('cafe ω', 1), ('café ω', 1),
  ('a&b=c', 1), ('100% #1', 1), ('lead', 1), (' lead', 1), ('trail', 1),
  ('upper', 1), ('UPPER', 1), ('null', 1), ('a.b', 1), ('aXb', 1),
  ('in.(x)', 1), ('x\y', 1), ('*', 1), ('anything', 1);
DROP TABLE l_books, l_authors;
CREATE TEMP TABLE l_books AS SELECT * FROM books;
CREATE TEMP TABLE l_authors AS SELECT * FROM authors;
CREATE FOREIGN TABLE authors_by_name (name text, id bigint)
  SERVER svc OPTIONS (resource 'authors/', key 'name', prefetch '0',
                      filters 'name, name__in');
CREATE FOREIGN TABLE pg_authors_by_name (name text, id bigint)
  SERVER pgrst_joind OPTIONS (resource 'authors', key 'name', prefetch '0');
CREATE FOREIGN TABLE js_authors_by_name2 (name text, id bigint)
  SERVER js_emul OPTIONS (resource 'authors', key 'name', prefetch '0',
                          filters 'name, name__in');
CREATE FOREIGN TABLE js_books2 (id bigint, title text)
  SERVER js_emul OPTIONS (resource 'books', prefetch '0', page_size '5');
SELECT joined('SELECT b.id FROM books b JOIN authors_by_name a ON b.title = a.name');
SELECT same_rows(
  'SELECT b.id, a.id AS aid FROM books b LEFT JOIN authors_by_name a ON b.title = a.name',
  'SELECT b.id, a.id AS aid FROM l_books b LEFT JOIN l_authors a ON b.title = a.name');
SELECT joined('SELECT b.id FROM pg_books b JOIN pg_authors_by_name a ON b.title = a.name');
SELECT same_rows(
  'SELECT b.id, a.id AS aid FROM pg_books b LEFT JOIN pg_authors_by_name a ON b.title = a.name',
  'SELECT b.id, a.id AS aid FROM l_books b LEFT JOIN l_authors a ON b.title = a.name');
SELECT same_rows(
  'SELECT b.id, a.id AS aid FROM pg_books b JOIN pg_authors_by_name a ON b.title = a.name',
  'SELECT b.id, a.id AS aid FROM l_books b JOIN l_authors a ON b.title = a.name');
SELECT joined('SELECT b.id FROM js_books2 b JOIN js_authors_by_name2 a ON b.title = a.name');
SELECT same_rows(
  'SELECT b.id, a.id AS aid FROM js_books2 b LEFT JOIN js_authors_by_name2 a ON b.title = a.name',
  'SELECT b.id, a.id AS aid FROM l_books b LEFT JOIN l_authors a ON b.title = a.name');
SELECT same_rows(
  'SELECT b.id, a.id AS aid FROM js_books2 b JOIN js_authors_by_name2 a ON b.title = a.name',
  'SELECT b.id, a.id AS aid FROM l_books b JOIN l_authors a ON b.title = a.name');
-- an IN list on the outer side, split over requests
SELECT * FROM same_join('SELECT b.id, a.name FROM %1$s b LEFT JOIN %2$s a ON b.author_id = a.id WHERE b.id IN (1, 3, 5, 7, 9, 11, 13, 40, 41)');
SELECT * FROM same_join('SELECT b.id, a.name FROM %1$s b JOIN %2$s a ON b.author_id = a.id WHERE b.author_id IN (1, 2, 6, 99)');

RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_nestloop;
DROP FUNCTION same_join(text);
DROP FUNCTION same_rows(text, text);
DROP FUNCTION joined(text);
SELECT svc('POST', '/_reset');
DROP SCHEMA t_joind CASCADE;
DROP SERVER js_emul CASCADE;
DROP SERVER js_real_join CASCADE;
DROP SERVER ja_join CASCADE;
DROP SERVER od_join CASCADE;
DROP SERVER pgrst_joind CASCADE;
