--
-- The jsonapi dialect against the real djangorestframework-jsonapi 8.1
-- service of test/jsonapi (SQLite), which the test command started on a
-- free port over its fixture.  Every result is compared with a local table
-- holding the fixture's rows (same()), and the requests the service
-- received are shown (ja_requests()).
--
CREATE SCHEMA t_jsonapi;
SET search_path = t_jsonapi, public;
SET datestyle = 'ISO, YMD';
\getenv japort JSONAPI_PORT
\set ja_connect_to '::127.0.0.1:' :japort
CREATE SERVER ja FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://jsonapi.test/api/', dialect 'jsonapi');
ALTER SERVER ja OPTIONS (ADD connect_to :'ja_connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER ja;

-- ja_requests(): the requests the service received since the last call
CREATE FUNCTION ja_requests() RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('pg_temp.ja_out') IS NULL THEN
    CREATE TEMP TABLE ja_out (n serial, line text);
  END IF;
  TRUNCATE ja_out;
  EXECUTE format('COPY ja_out (line) FROM PROGRAM %L WITH (FORMAT csv, DELIMITER E''\x1f'', QUOTE E''\x1e'')',
                 format('curl -sS http://127.0.0.1:%s/_log',
                        current_setting('jsonapi_test.port')::int));
  RETURN QUERY SELECT line FROM ja_out ORDER BY n;
END $$;
SET jsonapi_test.port = :'japort';
SELECT count(*) FROM ja_requests();

-- the service's fixture, as local tables
\set fixture `cat test/jsonapi/jsonapisvc/fixtures/seed.json`
CREATE TABLE l_books AS
  SELECT (o->>'pk')::bigint AS id, o->'fields'->>'title' AS title,
         (o->'fields'->>'author')::bigint AS author_id,
         (o->'fields'->>'price')::numeric(8,2) AS price,
         (o->'fields'->>'stock')::integer AS stock,
         (o->'fields'->>'published')::date AS published,
         (o->'fields'->>'in_stock')::boolean AS in_stock
  FROM jsonb_array_elements(:'fixture'::jsonb) o
  WHERE o->>'model' = 'jsonapisvc.book';
CREATE TABLE l_authors AS
  SELECT (o->>'pk')::bigint AS id, o->'fields'->>'name' AS name,
         (o->'fields'->>'born')::date AS born
  FROM jsonb_array_elements(:'fixture'::jsonb) o
  WHERE o->>'model' = 'jsonapisvc.author';

-- same(query): the query on the foreign table and on its local copy (%1$s
-- is books or l_books, %2$s authors or l_authors); "same, N rows" or both
-- outputs.  Queries end with an ORDER BY that decides every row's place.
CREATE FUNCTION same(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  f text[];
  l text[];
BEGIN
  EXECUTE format('SELECT array_agg(q::text ORDER BY n) FROM (SELECT q, row_number() OVER () AS n FROM (%s) q) s',
                 format(query, 'books', 'authors')) INTO f;
  EXECUTE format('SELECT array_agg(q::text ORDER BY n) FROM (SELECT q, row_number() OVER () AS n FROM (%s) q) s',
                 format(query, 'l_books', 'l_authors')) INTO l;
  IF f IS NOT DISTINCT FROM l THEN
    RETURN format('same, %s rows', coalesce(cardinality(f), 0));
  END IF;
  RETURN format(E'DIFFERENT\n foreign: %s\n local:   %s', f, l);
END $$;

-- books: the FilterSet's lookups (test/jsonapi/jsonapisvc/views.py),
-- columns at /id, /attributes/<name>, /relationships/author/data/id
CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint,
  price     numeric(8,2),
  stock     integer,
  published date,
  in_stock  boolean
) SERVER ja OPTIONS (resource 'books/', page_size '4',
  filters 'id, id__in, id__lt, id__lte, id__gt, id__gte,
           title, title__in, title__isnull, title__lt, title__gte,
           title__contains, title__startswith, title__endswith,
           title__icontains, title__iexact,
           author_id, author_id__in, author_id__isnull,
           price__*, stock__*, published__*, in_stock, in_stock__isnull',
  ordering '*');
-- authors: every name is there (NOT NULL), and SQLite compares text by
-- code point as the cluster's C.UTF-8 does (collation_matches)
CREATE FOREIGN TABLE authors (
  id   bigint,
  name text NOT NULL,
  born date
) SERVER ja OPTIONS (resource 'authors/',
  filters 'id__in, name, name__icontains, born__*',
  ordering '*', collation_matches 'true');

-- a scan: pages of four rows through links.next
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM books;
SELECT same('SELECT * FROM %s ORDER BY id');
SELECT ja_requests();
SELECT same('SELECT * FROM %2$s ORDER BY id');
SELECT ja_requests();

-- exact filters: numbers, dates, booleans, the relationship, IS NULL
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE author_id = 2 AND price >= 7.25;
SELECT same('SELECT id FROM %s WHERE author_id = 2 AND price >= 7.25 ORDER BY id');
SELECT same('SELECT id FROM %s WHERE author_id IN (1, 3, 99) ORDER BY id');
SELECT same('SELECT id FROM %s WHERE author_id = 99 ORDER BY id');
SELECT same('SELECT id FROM %s WHERE author_id IS NULL ORDER BY id');
SELECT same('SELECT id FROM %s WHERE author_id IS NOT NULL ORDER BY id');
SELECT same('SELECT id FROM %s WHERE price BETWEEN 9 AND 13 ORDER BY id');
SELECT same('SELECT id FROM %s WHERE stock < 1 ORDER BY id');
SELECT same('SELECT id FROM %s WHERE published > ''1990-01-01'' ORDER BY id');
SELECT same('SELECT id FROM %s WHERE published IS NULL ORDER BY id');
SELECT same('SELECT id FROM %s WHERE in_stock ORDER BY id');
SELECT same('SELECT id FROM %s WHERE NOT in_stock ORDER BY id');
SELECT same('SELECT id FROM %s WHERE in_stock IS NULL ORDER BY id');
SELECT same('SELECT id FROM %s WHERE id > 1 AND id > 12 ORDER BY id');
SELECT ja_requests();

-- text: equality is checked again (the service's database may compare
-- text differently), LIKE's lookups too (SQLite's LIKE ignores ASCII
-- case), and the case-insensitive lookups stay here (SQLite folds ASCII
-- only) unless the table vouches for the service's comparisons
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE title = 'Q&A: "Why" (2+2), 100% #1''s';
SELECT same('SELECT id FROM %s WHERE title = ''Q&A: "Why" (2+2), 100%% #1''''s'' ORDER BY id');
SELECT same('SELECT id FROM %s WHERE title = ''Café Ω — naïve'' ORDER BY id');
SELECT same('SELECT id FROM %s WHERE title IN (''Solaris'', ''Kindred'') ORDER BY id');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE title::text LIKE '%the%';
SELECT same('SELECT id FROM %s WHERE title::text LIKE ''%%the%%'' ORDER BY id');
SELECT same('SELECT id FROM %s WHERE title::text LIKE ''The%%'' ORDER BY id');
SELECT same('SELECT id FROM %s WHERE title::text LIKE ''%%SSE'' ORDER BY id');
SELECT same('SELECT id FROM %s WHERE title::text LIKE ''%%50\%% off%%'' ORDER BY id');
SELECT same('SELECT id FROM %s WHERE title::text LIKE ''%%a+b%%'' ORDER BY id');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE upper(title::text) LIKE upper('%café%');
SELECT same('SELECT id FROM %s WHERE upper(title::text) LIKE upper(''%%café%%'') ORDER BY id');
SELECT same('SELECT id FROM %s WHERE upper(title::text) = upper(''strasse'') ORDER BY id');
SELECT ja_requests();

-- what django-filter would read otherwise stays here: an empty text (a
-- 400), one with spaces around it (stripped), commas inside an IN (split)
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE title = '';
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE title = ' Solaris';
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE title IN ('straße, comma', 'Solaris');
SELECT same('SELECT id FROM %s WHERE title IN (''straße, comma'', ''Solaris'') ORDER BY id');
-- a decimal against an integer (the service would truncate 1.5 to 1)
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE stock = 1.5;
SELECT same('SELECT id FROM %s WHERE stock = 1.5 ORDER BY id');
-- a decimal with more places than the column's scale: Django's SQLite
-- backend rounds it to the field's (9.985 would be 9.98 there)
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE price > 9.985;
SELECT same('SELECT id FROM %s WHERE price > 9.985 ORDER BY id');
SELECT same('SELECT id FROM %s WHERE price IN (9.99, 12.5, 12.505) ORDER BY id');
SELECT same('SELECT id FROM %s WHERE price IN (9.99, 12.50) ORDER BY id');
-- OR and NOT have no filter[...]
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE author_id = 1 OR price < 3;
SELECT same('SELECT id FROM %s WHERE author_id = 1 OR price < 3 ORDER BY id');
SELECT same('SELECT id FROM %s WHERE NOT (author_id = 2) ORDER BY id');
SELECT ja_requests();

-- sort=-a,b and pages: ORDER BY ... LIMIT ... OFFSET as page[size] and
-- page[number] when the OFFSET is a whole number of pages
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id, title FROM books ORDER BY id DESC LIMIT 3 OFFSET 3;
SELECT same('SELECT id, title FROM %s ORDER BY id DESC LIMIT 3 OFFSET 3');
SELECT ja_requests();
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE author_id IN (1, 2) ORDER BY price DESC, id LIMIT 2;
SELECT same('SELECT id FROM %s WHERE author_id IN (1, 2) ORDER BY price DESC, id LIMIT 2');
SELECT ja_requests();
-- the service's database decides where NULLs go (first ascending on
-- SQLite), which the dialect does not know: only the key and NOT NULL
-- columns are sorted there
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books ORDER BY price LIMIT 3;
SELECT same('SELECT id, price FROM %s ORDER BY price, id LIMIT 3');
EXPLAIN (VERBOSE, COSTS OFF) SELECT name FROM authors ORDER BY name DESC LIMIT 2;
SELECT same('SELECT name FROM %2$s ORDER BY name DESC LIMIT 2');
-- nulls_sort 'low' says SQLite's order: the sorts that put NULLs where it
-- does are sent, the others stay here
ALTER FOREIGN TABLE books OPTIONS (ADD nulls_sort 'low');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books ORDER BY price NULLS FIRST, id LIMIT 3;
SELECT same('SELECT id, price FROM %s ORDER BY price NULLS FIRST, id LIMIT 3');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books ORDER BY published DESC NULLS LAST, id LIMIT 3;
SELECT same('SELECT id, published FROM %s ORDER BY published DESC NULLS LAST, id LIMIT 3');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books ORDER BY price, id LIMIT 3;
SELECT ja_requests();
ALTER FOREIGN TABLE books OPTIONS (DROP nulls_sort);
-- an OFFSET that is not a whole number of pages: the rows are skipped here
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books ORDER BY id LIMIT 2 OFFSET 1;
SELECT same('SELECT id FROM %s ORDER BY id LIMIT 2 OFFSET 1');
SELECT ja_requests();
-- a case-insensitive lookup where the table vouches for the comparisons:
-- sent, and checked again
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM authors WHERE upper(name::text) LIKE upper('%le%');
SELECT same('SELECT id FROM %2$s WHERE upper(name::text) LIKE upper(''%%le%%'') ORDER BY id');
SELECT ja_requests();

-- values known only at execution
SET plan_cache_mode = force_generic_plan;
PREPARE by_author(bigint) AS
  SELECT id FROM books WHERE author_id = $1 ORDER BY id LIMIT 2;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_author(2);
EXECUTE by_author(2);
PREPARE by_title(text) AS SELECT id FROM books WHERE title = $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_title('Kindred');
EXECUTE by_title('Kindred');
EXECUTE by_title('');
RESET plan_cache_mode;
SELECT ja_requests();

-- count(*) from meta.pagination.count
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM books WHERE author_id = 1;
SELECT same('SELECT count(*) FROM %s WHERE author_id = 1');
SELECT same('SELECT count(*) FROM %s');
SELECT ja_requests();

-- one book by its key: the item URL, {"data": {...}}
EXPLAIN (VERBOSE, COSTS OFF) SELECT title FROM books WHERE id = 4;
SELECT same('SELECT title FROM %s WHERE id = 4');
SELECT same('SELECT title FROM %s WHERE id = 40');
SELECT ja_requests();

-- the same books paged by page[offset] and page[limit], whose type is not
-- the last segment of the path: the table option "type" says it
CREATE FOREIGN TABLE books_by_offset (
  id        bigint,
  title     text,
  author_id bigint,
  price     numeric(8,2)
) SERVER ja OPTIONS (resource 'books-by-offset/', pagination 'limit',
                     page_size '5', filters 'author_id', ordering 'id, price',
                     type 'books');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id, title FROM books_by_offset ORDER BY id LIMIT 3 OFFSET 7;
SELECT (SELECT array_agg(id)
        FROM (SELECT id FROM books_by_offset ORDER BY id LIMIT 3 OFFSET 7) f)
       = (SELECT array_agg(id)
          FROM (SELECT id FROM l_books ORDER BY id LIMIT 3 OFFSET 7) l) AS same_window;
SELECT (SELECT array_agg(id) FROM (SELECT id FROM books_by_offset ORDER BY id) f)
       = (SELECT array_agg(id) FROM (SELECT id FROM l_books ORDER BY id) l) AS same_ids;
SELECT (SELECT count(*) FROM books_by_offset WHERE author_id = 2)
       = (SELECT count(*) FROM l_books WHERE author_id = 2) AS same_count;
SELECT ja_requests();

-- writes: application/vnd.api+json bodies {"data": {"type", "id",
-- "attributes", "relationships"}}, the same on the local copy
\set QUIET off
INSERT INTO books (title, author_id, price, stock, published, in_stock)
  VALUES ('Solaris II', 2, 3.10, 2, '2000-02-02', true)
  RETURNING id, title, author_id, price;
INSERT INTO books (id, title, author_id) VALUES (40, 'Client id', NULL)
  RETURNING *;
INSERT INTO books (id, title) VALUES (40, 'skipped'), (41, 'Kept')
  ON CONFLICT DO NOTHING RETURNING id, title;
DELETE FROM books WHERE id = 12;
DELETE FROM books WHERE id = 12;
\set QUIET on
SELECT ja_requests();
INSERT INTO l_books (id, title, author_id, price, stock, published, in_stock)
  SELECT id, title, author_id, price, stock, published, in_stock
  FROM books WHERE id IN (15, 40, 41);
DELETE FROM l_books WHERE id = 12;
SELECT same('SELECT * FROM %s ORDER BY id');
SELECT ja_requests();

-- a duplicate id: the service's 400 with code "unique" is a unique
-- violation; other refusals are the service's errors
SELECT try($$INSERT INTO books (id, title) VALUES (40, 'Client id again')$$);
SELECT try($$INSERT INTO books (title, author_id) VALUES ('unknown author', 77)$$);
SELECT try($$INSERT INTO books (title) VALUES (repeat('x', 201))$$);
-- the key cannot change
SELECT try($$UPDATE books SET id = 300 WHERE id = 3$$);
-- attributes and relationships can: a PATCH changes only the members it
-- names; by key, one PATCH without reading the row, and a missing row is
-- no row
\set QUIET off
EXPLAIN (VERBOSE, COSTS OFF)
  UPDATE books SET price = 11.75, author_id = NULL WHERE id = 3;
UPDATE books SET price = 11.75, author_id = NULL WHERE id = 3;
UPDATE books SET price = 1 WHERE id = 999;
-- otherwise the rows are read first, then one PATCH each; RETURNING shows
-- what the service answers
UPDATE books SET stock = stock + 1, author_id = 3 WHERE author_id = 1
  RETURNING id, stock, author_id;
\set QUIET on
SELECT ja_requests();
UPDATE l_books SET price = 11.75, author_id = NULL WHERE id = 3;
UPDATE l_books SET stock = stock + 1, author_id = 3 WHERE author_id = 1;
SELECT same('SELECT * FROM %s ORDER BY id');
-- the service's refusals, in its own words (source pointer: detail)
SELECT try($$UPDATE books SET author_id = 77 WHERE id = 4$$);
SELECT try($$UPDATE books SET title = repeat('x', 201) WHERE id = 4$$);
SELECT ja_requests();

-- the type of a relationship's resource is its column's option "type"
-- (by default the relationship's name and "s"): another type is refused
ALTER FOREIGN TABLE books ALTER COLUMN author_id OPTIONS (ADD type 'people');
SELECT try($$UPDATE books SET author_id = 2 WHERE id = 4$$);
ALTER FOREIGN TABLE books ALTER COLUMN author_id OPTIONS (SET type 'authors');
\set QUIET off
UPDATE books SET author_id = 2 WHERE id = 4;
-- the offset route's table writes its option's type
INSERT INTO books_by_offset (id, title, author_id) VALUES (42, 'By offset', 2)
  RETURNING id, title, author_id;
\set QUIET on
SELECT ja_requests();
UPDATE l_books SET author_id = 2 WHERE id = 4;
INSERT INTO l_books (id, title, author_id) VALUES (42, 'By offset', 2);
SELECT same('SELECT * FROM %s ORDER BY id');
-- the options "type" are the jsonapi dialect's: checked, and refused on a
-- server of another dialect
SELECT try($$ALTER FOREIGN TABLE books OPTIONS (ADD type 'two words')$$);
CREATE SERVER ja_drf FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://jsonapi.test/api/');
CREATE USER MAPPING FOR PUBLIC SERVER ja_drf;
CREATE FOREIGN TABLE books_drf (id bigint) SERVER ja_drf
  OPTIONS (resource 'books/', type 'books');
SELECT try($$SELECT * FROM books_drf$$);
DROP SERVER ja_drf CASCADE;

-- pages the service cuts to 100 rows: page[size]=150 gets 100 rows and a
-- next link, and LIMIT 120 OFFSET 120 (page 2 of 120 rows, which the
-- service answers with rows 101 to 200) is read from the first page on
INSERT INTO books (id, title, stock) SELECT i, 'bulk ' || i, i FROM generate_series(1001, 1130) i;
INSERT INTO l_books (id, title, stock) SELECT i, 'bulk ' || i, i FROM generate_series(1001, 1130) i;
SELECT method, count(*) FROM (SELECT split_part(r, ' ', 1) AS method FROM ja_requests() r) s GROUP BY 1;
ALTER FOREIGN TABLE books OPTIONS (SET page_size '150');
SELECT same('SELECT id FROM %s ORDER BY id');
SELECT ja_requests();
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books ORDER BY id LIMIT 120 OFFSET 120;
SELECT same('SELECT id FROM %s ORDER BY id LIMIT 120 OFFSET 120');
SELECT ja_requests();

-- IMPORT FOREIGN SCHEMA from the library's OpenAPI document: the id, the
-- attributes and the to-one relationships of each resource; filters from
-- its django-filter parameters, pagination from page[number] or
-- page[limit] and page[offset]
CREATE SCHEMA t_jsonapi_import;
IMPORT FOREIGN SCHEMA openapi LIMIT TO (books, books_by_offset, authors)
  FROM SERVER ja INTO t_jsonapi_import OPTIONS (spec_url 'openapi.json');
SELECT * FROM imported_tables('t_jsonapi_import');
SELECT * FROM imported_columns('t_jsonapi_import');
SELECT ja_requests();
-- the imported tables read and filter as the hand-written ones
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id, title FROM t_jsonapi_import.books
  WHERE author_id = '2' AND price >= 7.25;
SELECT (SELECT array_agg(id::bigint ORDER BY id::bigint)
        FROM t_jsonapi_import.books WHERE author_id = '2' AND price >= 7.25)
       = (SELECT array_agg(id ORDER BY id)
          FROM l_books WHERE author_id = 2 AND price >= 7.25) AS same_ids;
SELECT (SELECT array_agg(row(id::bigint, name::text, born) ORDER BY id::bigint)
        FROM t_jsonapi_import.authors)
       = (SELECT array_agg(row(id, name, born) ORDER BY id)
          FROM l_authors) AS same_authors;
SELECT ja_requests();
-- and write: an attribute and a relationship by key
\set QUIET off
UPDATE t_jsonapi_import.books SET title = 'Imported', author_id = '1'
  WHERE id = '5';
\set QUIET on
SELECT ja_requests();
UPDATE l_books SET title = 'Imported', author_id = 1 WHERE id = 5;
SELECT same('SELECT * FROM %s ORDER BY id');
DROP SCHEMA t_jsonapi_import CASCADE;

DROP SCHEMA t_jsonapi CASCADE;
