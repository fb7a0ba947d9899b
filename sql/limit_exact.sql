--
-- LIMIT, OFFSET and count(*) give exactly the rows of a local table holding
-- the same rows: what the service applies, what stays local and why, and
-- what the scan checks when the service pages otherwise than asked.
--
CREATE SCHEMA t_limit;
SET search_path = t_limit, public;
SELECT svc('POST', '/_reset');

\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
\getenv jsport JSON_SERVER_PORT
\set js_connect_to '::127.0.0.1:' :jsport
CREATE SERVER lx_pg FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/pg/', dialect 'postgrest');
ALTER SERVER lx_pg OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER lx_pg;
CREATE SERVER lx_js FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/js/', dialect 'json-server',
           page_size '2');
ALTER SERVER lx_js OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER lx_js;
CREATE SERVER lx_real FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://json-server.test/', dialect 'json-server',
           page_size '2');
ALTER SERVER lx_real OPTIONS (ADD connect_to :'js_connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER lx_real;

-- a Django REST framework collection with its FilterSet declared
CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  price     numeric(8,2),
  in_stock  boolean
) SERVER svc OPTIONS (
  resource 'books/', page_size_param 'page_size',
  filters 'author_id, title, title__iexact, title__icontains, in_stock',
  ordering 'id, price, title');

-- two more books whose titles are equal to Python's str.lower(), which
-- the service folds case with, but not to PostgreSQL's upper(): the first
-- begins with KELVIN SIGN (U+212A), whose upper case is itself
INSERT INTO books (title, author_id, price, in_stock)
  VALUES (E'\u212Aelvin', 1, 5, true), ('kelvin', 1, 6, true);
SELECT id, title, upper(title) = 'KELVIN' AS upper_matches
  FROM books WHERE id > 5 ORDER BY id;

-- the same rows in local tables, read by plain scans
CREATE TABLE local_books AS SELECT * FROM books;
CREATE FOREIGN TABLE pg_books (id bigint, title text,
                               author_id bigint OPTIONS (field 'author'))
  SERVER lx_pg OPTIONS (resource 'books', collation_matches 'true');
CREATE TABLE local_pg_books AS SELECT * FROM pg_books;

-- same_rows(query): run a query whose %1$s names a table on the foreign
-- table and on its local copy; the rows, in order, and whether they agree
CREATE FUNCTION same_rows(query text, tab text DEFAULT 'books') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  remote text;
  here text;
BEGIN
  EXECUTE format('SELECT string_agg(r::text, '' '') FROM (%s) r',
                 format(query, tab)) INTO remote;
  EXECUTE format('SELECT string_agg(r::text, '' '') FROM (%s) r',
                 format(query, 'local_' || tab)) INTO here;
  RETURN CASE WHEN remote IS NOT DISTINCT FROM here
              THEN 'same: ' || coalesce(remote, '(no rows)')
              ELSE 'DIFFERENT: ' || coalesce(remote, '(no rows)') ||
                   ' / local: ' || coalesce(here, '(no rows)') END;
END $$;
SELECT count(*) >= 0 AS log_cleared FROM requests();

--
-- 1. A condition the service evaluates otherwise (case folding, patterns)
-- is checked here again, and then LIMIT, OFFSET and count(*) stay local:
-- the service would cut or count another set of rows.
--
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE upper(title::text) = upper('kelvin') ORDER BY id LIMIT 1;
SELECT same_rows($$SELECT id FROM %1$s WHERE upper(title::text) = upper('kelvin')
                   ORDER BY id LIMIT 1$$);
SELECT same_rows($$SELECT id FROM %1$s WHERE upper(title::text) = upper('kelvin')
                   ORDER BY id LIMIT 1 OFFSET 1$$);
SELECT same_rows($$SELECT id FROM %1$s WHERE upper(title::text) LIKE upper('%%kelvin%%')
                   ORDER BY id LIMIT 1$$);
SELECT requests();
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT count(*) FROM books WHERE upper(title::text) = upper('kelvin');
SELECT same_rows($$SELECT count(*) FROM %1$s WHERE upper(title::text) = upper('kelvin')$$);
SELECT same_rows($$SELECT count(*) FROM %1$s WHERE upper(title::text) LIKE upper('%%elvin')$$);
SELECT requests();
-- PostgREST: ILIKE is its ilike (upper(title) LIKE 'KELVIN' is not sent:
-- see exact_more)
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM pg_books WHERE title ILIKE 'kelvin' ORDER BY id LIMIT 1;
SELECT same_rows($$SELECT id FROM %1$s WHERE title ILIKE 'kelvin' ORDER BY id LIMIT 1$$,
                 'pg_books');
SELECT same_rows($$SELECT count(*) FROM %1$s WHERE title ILIKE 'kelvin'$$, 'pg_books');
SELECT requests();
-- an exact filter still lets LIMIT and count(*) go to the service
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE author_id = 1 ORDER BY id LIMIT 2 OFFSET 2;
SELECT same_rows($$SELECT id FROM %1$s WHERE author_id = 1 ORDER BY id LIMIT 2 OFFSET 2$$);
SELECT same_rows($$SELECT count(*) FROM %1$s WHERE author_id = 1$$);
-- a value known at execution (an initplan's) reads $n, as in the request
SELECT explain_lines('VERBOSE, COSTS OFF',
  $$SELECT id FROM books WHERE author_id = (SELECT 1) ORDER BY id LIMIT 2 OFFSET 2$$);
SELECT same_rows($$SELECT id FROM %1$s WHERE author_id = (SELECT 1)
                   ORDER BY id LIMIT 2 OFFSET 2$$);
SELECT requests();

--
-- 1b. Under a LIMIT the service applies, a row failing a sent filter means
-- the service ignored it: an error, not a short result.  The service has
-- no filter on city, though the table says it has (and that it compares
-- text as we do, without which text equality is approximate on Django).
--
CREATE FOREIGN TABLE books_lenient (
  id    bigint,
  city  text OPTIONS (field '/publisher/city')
) SERVER svc OPTIONS (resource 'books/', filters 'city', ordering 'id',
                      page_size_param 'page_size', collation_matches 'true');
CREATE TABLE local_books_lenient AS SELECT * FROM books_lenient;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books_lenient WHERE city = 'Paris' ORDER BY id LIMIT 1;
SELECT id FROM local_books_lenient WHERE city = 'Paris' ORDER BY id LIMIT 1;
SELECT id FROM books_lenient WHERE city = 'Paris' ORDER BY id LIMIT 1;
SELECT try($$SELECT id FROM books_lenient WHERE city = 'Paris' ORDER BY id LIMIT 1$$);
-- without LIMIT the rows failing it are dropped, which is right
SELECT same_rows($$SELECT id FROM %1$s WHERE city = 'Paris' ORDER BY id$$, 'books_lenient');
SELECT requests();

--
-- 2. OFFSET without LIMIT: json-server's pages start at row 0, and a
-- limit/offset service without a default limit ignores the offset; the
-- offset stays local, or, known only at execution, the scan skips the rows.
--
CREATE FOREIGN TABLE js_books (id bigint, title text)
  SERVER lx_js OPTIONS (resource 'books', ordering 'id', prefetch '0');
CREATE TABLE local_js_books AS SELECT * FROM js_books;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM js_books ORDER BY id OFFSET 2;
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id OFFSET 2$$, 'js_books');
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT ALL OFFSET 5$$, 'js_books');
SELECT requests();
SET plan_cache_mode = force_generic_plan;
PREPARE js_window(bigint, bigint) AS
  SELECT id FROM js_books ORDER BY id LIMIT $1 OFFSET $2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE js_window(NULL, 3);
EXECUTE js_window(NULL, 3);
EXECUTE js_window(2, 3);
SELECT requests();
RESET plan_cache_mode;

-- the real json-server 0.17, with pages asked ahead
CREATE FOREIGN TABLE real_books (id bigint, title text)
  SERVER lx_real OPTIONS (resource 'books', ordering 'id');
CREATE TABLE local_real_books AS SELECT * FROM real_books;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM real_books ORDER BY id OFFSET 2;
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id OFFSET 2$$, 'real_books');
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 2 OFFSET 2$$, 'real_books');
SET plan_cache_mode = force_generic_plan;
PREPARE real_window(bigint, bigint) AS
  SELECT id FROM real_books ORDER BY id LIMIT $1 OFFSET $2;
SELECT count(*) AS n, min(id), max(id) FROM local_real_books;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE real_window(NULL, 1);
EXECUTE real_window(NULL, 1);
EXECUTE real_window(NULL, 3);
EXECUTE real_window(1, 3);
RESET plan_cache_mode;

-- Django REST framework's LimitOffsetPagination without a default limit:
-- every page names its limit (the table's page size), so an OFFSET alone
-- is sent too
CREATE FOREIGN TABLE optlimit_authors (id bigint, name text)
  SERVER svc OPTIONS (resource 'optlimit/authors/', pagination 'limit',
                      ordering 'id');
CREATE TABLE local_optlimit_authors AS SELECT * FROM optlimit_authors;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM optlimit_authors ORDER BY id OFFSET 1;
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id OFFSET 1$$, 'optlimit_authors');
SET plan_cache_mode = force_generic_plan;
PREPARE author_window(bigint, bigint) AS
  SELECT id FROM optlimit_authors ORDER BY id LIMIT $1 OFFSET $2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE author_window(NULL, 1);
EXECUTE author_window(NULL, 1);
EXECUTE author_window(1, 1);
RESET plan_cache_mode;
SELECT requests();

--
-- 3. LIMIT n OFFSET k*n is page k+1 of n rows; a service that caps the
-- page size (max_page_size 3 here) returns another window.  The scan
-- checks the page before returning a row, and goes to the page holding
-- the offset by the service's own page size.
--
CREATE FOREIGN TABLE capped_books (id bigint, title text, in_stock boolean)
  SERVER svc OPTIONS (resource 'capped/books/', page_size_param 'page_size',
                      ordering 'id', filters 'in_stock');
CREATE TABLE local_capped_books AS SELECT * FROM capped_books;
SELECT count(*) >= 0 AS log_cleared FROM requests();
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM capped_books ORDER BY id LIMIT 4 OFFSET 4;
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 4 OFFSET 4$$, 'capped_books');
SELECT requests();
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id DESC LIMIT 4 OFFSET 4$$, 'capped_books');
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 5 OFFSET 5$$, 'capped_books');
SELECT requests();
-- the last page: fewer rows than asked, and no next page
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 4 OFFSET 8$$, 'capped_books');
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 6 OFFSET 6$$, 'capped_books');
SELECT requests();
-- and found again from page 1, by the service's own page size
SELECT same_rows($$SELECT id FROM %1$s WHERE in_stock ORDER BY id LIMIT 4 OFFSET 4$$,
                 'capped_books');
SELECT requests();
-- pages within the cap, and a first page, need no second look
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 2 OFFSET 2$$, 'capped_books');
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 5$$, 'capped_books');
SELECT requests();
-- a plain scan asking pages ahead goes on from the service's links
ALTER FOREIGN TABLE capped_books OPTIONS (ADD pagination 'page');
ALTER SERVER svc OPTIONS (ADD page_size '4');
SELECT same_rows($$SELECT id FROM %1$s$$, 'capped_books');
ALTER SERVER svc OPTIONS (DROP page_size);
-- (page 2 asked ahead and given up reaches the service or not, before the
-- link's request or after it: not shown)
SELECT r FROM requests() r WHERE r <> 'GET /api/capped/books/?page_size=4&page=2';
-- OFFSET past the last row: Django REST framework answers 404 "Invalid page."
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 2 OFFSET 10$$);
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 3 OFFSET 21$$, 'capped_books');
SELECT requests();
-- PostgREST answers 416 to an offset past the last row with a count
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 2 OFFSET 10$$, 'pg_books');
SELECT svc('GET', '/_log?headers=prefer');

--
-- 4. Whole rows and tableoid under a LIMIT the service applies.
--
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT row_to_json(b), tableoid FROM books b ORDER BY id LIMIT 2;
SELECT same_rows($$SELECT row_to_json(b) FROM %1$s b ORDER BY id LIMIT 2 OFFSET 2$$);
SELECT same_rows($$SELECT b::text, b.id FROM %1$s b ORDER BY id LIMIT 2$$);
SELECT same_rows($$SELECT b FROM %1$s b WHERE author_id = 1 ORDER BY id LIMIT 1$$);
SELECT same_rows($$SELECT tableoid = '%1$s'::regclass, id FROM %1$s ORDER BY id LIMIT 2$$);
SELECT same_rows($$SELECT id, tableoid::regclass::text = '%1$s' FROM %1$s
                   ORDER BY id LIMIT 1$$, 'pg_books');
SELECT same_rows($$SELECT row_to_json(b) FROM %1$s b ORDER BY id LIMIT 2 OFFSET 1$$,
                 'js_books');
-- other system columns: the LIMIT stays local
EXPLAIN (VERBOSE, COSTS OFF) SELECT ctid, id FROM books ORDER BY id LIMIT 1;
SELECT requests();

--
-- 5. A negative LIMIT or OFFSET is PostgreSQL's own error, constant or
-- parameter of a generic plan.
--
SELECT try($$SELECT id FROM books ORDER BY id LIMIT 2 OFFSET -2$$);
SELECT try($$SELECT id FROM local_books ORDER BY id LIMIT 2 OFFSET -2$$);
SELECT try($$SELECT id FROM pg_books ORDER BY id LIMIT -1$$);
SELECT try($$SELECT id FROM js_books ORDER BY id LIMIT -1$$);
SELECT try($$SELECT id FROM local_books ORDER BY id LIMIT -1$$);
SET plan_cache_mode = force_generic_plan;
PREPARE pg_window(bigint, bigint) AS
  SELECT id FROM pg_books ORDER BY id LIMIT $1 OFFSET $2;
PREPARE local_window(bigint, bigint) AS
  SELECT id FROM local_pg_books ORDER BY id LIMIT $1 OFFSET $2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE pg_window(2, 1);
SELECT try('EXECUTE pg_window(-1, 0)'), try('EXECUTE local_window(-1, 0)');
SELECT try('EXECUTE pg_window(1, -1)'), try('EXECUTE local_window(1, -1)');
SELECT try('EXECUTE pg_window(-1, -1)'), try('EXECUTE local_window(-1, -1)');
SELECT try('EXECUTE js_window(-2, 0)');
SELECT try('EXECUTE js_window(2, -3)');
EXECUTE pg_window(2, 1);
EXECUTE local_window(2, 1);
EXECUTE pg_window(NULL, NULL);
EXECUTE local_window(NULL, NULL);
EXECUTE pg_window(0, 1);
RESET plan_cache_mode;
SELECT requests();

--
-- Other shapes of LIMIT.
--
-- LIMIT 0: no request
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 0$$);
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT 0$$, 'pg_books');
-- LIMIT ALL and LIMIT NULL are no LIMIT
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM pg_books ORDER BY id LIMIT ALL;
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT NULL OFFSET 3$$, 'pg_books');
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT ALL OFFSET 3$$, 'js_books');
SELECT requests();
-- an order the service cannot sort by
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books ORDER BY author_id, id LIMIT 3;
SELECT same_rows($$SELECT id FROM %1$s ORDER BY author_id, id LIMIT 3$$);
-- FETCH FIRST ... WITH TIES
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM pg_books ORDER BY author_id FETCH FIRST 1 ROW WITH TIES;
SELECT same_rows($$SELECT id FROM (SELECT id FROM %1$s ORDER BY author_id
                   FETCH FIRST 1 ROW WITH TIES) s ORDER BY id$$, 'pg_books');
SELECT same_rows($$SELECT id FROM (SELECT id FROM %1$s ORDER BY title
                   FETCH FIRST 2 ROWS WITH TIES) s ORDER BY id$$);
SELECT requests();

-- a LIMIT per outer row (a correlated subquery), and one from a subquery
CREATE TABLE local_authors (id bigint);
INSERT INTO local_authors VALUES (1), (2), (3), (4);
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT a.id, (SELECT b.id FROM books b WHERE b.author_id = a.id
                ORDER BY b.id DESC LIMIT 1 OFFSET 1) FROM local_authors a;
SELECT same_rows($$SELECT a.id, (SELECT b.id FROM %1$s b WHERE b.author_id = a.id
                   ORDER BY b.id DESC LIMIT 1 OFFSET 1) FROM local_authors a
                   ORDER BY a.id$$);
SELECT requests();
SELECT explain_lines('VERBOSE, COSTS OFF',
  $$SELECT id FROM pg_books ORDER BY id LIMIT (SELECT 2) OFFSET (SELECT 1)$$);
SELECT same_rows($$SELECT id FROM %1$s ORDER BY id LIMIT (SELECT 2) OFFSET (SELECT 1)$$,
                 'pg_books');
SELECT requests();

SELECT svc('POST', '/_reset');
