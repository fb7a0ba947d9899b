--
-- The odata dialect against the real SAP CAP service (test/odata: @sap/cds
-- with its SQLite database), which the test command started on a free
-- port over the rows of test/odata/db/data.  Every query is compared with
-- the same query on local tables loaded from those files (differ), and
-- the requests the service received are shown (od_log).
--
CREATE SCHEMA t_odata;
CREATE SCHEMA t_odata_local;
SET search_path = t_odata, public;
-- 16 and later feed an ordered aggregate presorted input, which a scan
-- would then ask the service for: plan them as 15 does
DO $$BEGIN
  IF current_setting('server_version_num')::int >= 160000 THEN
    SET enable_presorted_aggregate = off;
  END IF;
END$$;
\getenv odport ODATA_PORT
\getenv abs_srcdir PG_ABS_SRCDIR
\set od_connect_to '::127.0.0.1:' :odport
CREATE SERVER real_od FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://odata.test/odata/v4/catalog/', dialect 'odata');
ALTER SERVER real_od OPTIONS (ADD connect_to :'od_connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER real_od;

-- od_log(): the requests the service received since the last call
SET t_odata.port = :'odport';
CREATE FUNCTION od_log() RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('pg_temp.od_out') IS NULL THEN
    CREATE TEMP TABLE od_out (n serial, line text);
  END IF;
  TRUNCATE od_out;
  EXECUTE format('COPY od_out (line) FROM PROGRAM %L WITH (FORMAT csv, DELIMITER E''\x1f'', QUOTE E''\x1e'')',
                 format('curl -sS http://127.0.0.1:%s/_log',
                        current_setting('t_odata.port')::integer));
  RETURN QUERY SELECT line FROM od_out ORDER BY n;
END $$;

-- differ(query): run the query, in which @ stands for a schema, on the
-- foreign tables (t_odata) and on the local ones (t_odata_local), and
-- compare the rows and their order
CREATE FUNCTION differ(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  extra bigint;
  missing bigint;
  total bigint;
BEGIN
  EXECUTE format($q$
    WITH f AS (SELECT row_number() OVER () AS n, q.* FROM (%s) q),
         l AS (SELECT row_number() OVER () AS n, q.* FROM (%s) q)
    SELECT (SELECT count(*) FROM (SELECT * FROM f EXCEPT ALL SELECT * FROM l) a),
           (SELECT count(*) FROM (SELECT * FROM l EXCEPT ALL SELECT * FROM f) b),
           (SELECT count(*) FROM f)$q$,
    replace(query, '@', 't_odata.'), replace(query, '@', 't_odata_local.'))
    INTO extra, missing, total;
  IF extra = 0 AND missing = 0 THEN
    RETURN format('same: %s rows', total);
  END IF;
  RETURN format('DIFFERENT: %s rows only foreign, %s only local', extra, missing);
END $$;

CREATE FOREIGN TABLE books (
  id        integer OPTIONS (field 'ID'),
  title     text,
  author_id integer OPTIONS (field 'author_ID'),
  price     numeric,
  stock     integer,
  published date,
  in_stock  boolean
) SERVER real_od OPTIONS (resource 'Books', key 'id');
CREATE TABLE t_odata_local.books (
  id        integer PRIMARY KEY,
  title     text,
  author_id integer,
  price     numeric,
  stock     integer,
  published date,
  in_stock  boolean
);
\set csv :abs_srcdir '/test/odata/db/data/rest_fdw.test-Books.csv'
COPY t_odata_local.books FROM :'csv' (FORMAT csv, HEADER);

-- the service's pages of three rows, linked by @odata.nextLink
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM books;
SELECT * FROM books;
SELECT * FROM od_log();
SELECT differ('SELECT * FROM @books ORDER BY id');

-- a row by its key
EXPLAIN (VERBOSE, COSTS OFF) SELECT title FROM books WHERE id = 4;
SELECT title FROM books WHERE id = 4;
SELECT title FROM books WHERE id = 40;
SELECT * FROM od_log();

-- comparisons, and what NULL does: <> is not (c eq v), which keeps no
-- NULL price (OData's ne would)
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE price <> 9.95;
SELECT differ('SELECT id FROM @books WHERE price <> 9.95 ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE price > 10 ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE price >= 9.95 AND price <= 15 ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE stock < 3 ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE published >= ''2000-01-01'' ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE in_stock ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE NOT in_stock ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE in_stock IS NULL ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE title IS NOT NULL ORDER BY id');
SELECT * FROM od_log();

-- IN and NOT IN lists; a NULL in NOT IN means no row, and no request
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE author_id NOT IN (1, 3);
SELECT differ('SELECT id FROM @books WHERE author_id IN (1, 3) ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE author_id NOT IN (1, 3) ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE author_id = ANY (ARRAY[2, NULL]) ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE author_id NOT IN (1, NULL) ORDER BY id');
SELECT * FROM od_log();

-- patterns: startswith, endswith, contains, case-sensitive; below a NOT
-- they are checked here again (false, not NULL, for a NULL title there)
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE title LIKE '%dis%';
SELECT differ('SELECT id FROM @books WHERE title LIKE ''The%'' ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE title LIKE ''%more'' ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE title LIKE ''%dis%'' ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE title LIKE ''%100\%%'' ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE title LIKE ''Solaris'' ORDER BY id');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE NOT (title LIKE '%dis%' OR price > 50) LIMIT 2;
SELECT differ('SELECT id FROM @books WHERE NOT (title LIKE ''%dis%'' OR price > 50) ORDER BY id');
SELECT * FROM od_log();

-- OR, AND and NOT trees, in one $filter with the other conditions
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE (author_id = 1 OR price < 8) AND stock IS NOT NULL;
SELECT differ('SELECT id FROM @books WHERE (author_id = 1 OR price < 8) AND stock IS NOT NULL ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE NOT (author_id = 1 OR stock > 5) ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE NOT (author_id IN (1, 2) AND in_stock) ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE author_id <> 2 OR title IS NULL ORDER BY id');
SELECT * FROM od_log();

-- string literals: quotes doubled, then percent-encoded; text equality is
-- byte for byte
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE title = 'O''Brien''s 50% off & more';
SELECT differ('SELECT id FROM @books WHERE title = ''O''''Brien''''s 50% off & more''');
SELECT differ('SELECT id FROM @books WHERE title = ''Q&A: "Why" (2+2), 100% #1''''s''');
SELECT differ('SELECT id FROM @books WHERE title IN (''Café Ω'', ''Solaris'') ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE title = ''the dispossessed''');
SELECT * FROM od_log();

-- what stays here: case-insensitive lookups (the service folds ASCII
-- only), decimals a double does not hold, instants finer than milliseconds
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE title ILIKE '%dis%';
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE upper(title) = upper('solaris');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE price < 9.950000000000000001;
SELECT differ('SELECT id FROM @books WHERE price < 9.950000000000000001 ORDER BY id');
SELECT differ('SELECT id FROM @books WHERE title ILIKE ''%dis%'' ORDER BY id');

-- sorts, limits and offsets: NULLs come first ascending, last descending,
-- as the service sorts them; other sorts on a nullable column stay here
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, title FROM books ORDER BY id DESC LIMIT 2 OFFSET 1;
SELECT differ('SELECT id, title FROM @books ORDER BY id DESC LIMIT 2 OFFSET 1');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books ORDER BY price NULLS FIRST, id LIMIT 4;
SELECT differ('SELECT id FROM @books ORDER BY price NULLS FIRST, id LIMIT 4');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books ORDER BY stock DESC NULLS LAST, id;
SELECT differ('SELECT id FROM @books ORDER BY stock DESC NULLS LAST, id');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books ORDER BY price, id;
SELECT differ('SELECT id FROM @books ORDER BY price, id');
-- a $top above the service's page size comes in linked pages
SELECT differ('SELECT id FROM @books ORDER BY id LIMIT 5');
SELECT differ('SELECT id FROM @books WHERE price > 1 ORDER BY id OFFSET 2');
SELECT * FROM od_log();

-- count(*) from @odata.count
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM books WHERE author_id = 1;
SELECT differ('SELECT count(*) FROM @books WHERE author_id = 1');
SELECT differ('SELECT count(*) FROM @books');
SELECT * FROM od_log();
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM books WHERE NOT (title LIKE '%dis%');

-- text order where the table vouches that the service's is ours ("C",
-- code points)
CREATE FOREIGN TABLE books_c (
  id        integer OPTIONS (field 'ID'),
  title     text COLLATE "C"
) SERVER real_od OPTIONS (resource 'AllBooks', key 'id', collation_matches 'true');
CREATE VIEW t_odata_local.books_c AS
  SELECT id, title COLLATE "C" AS title FROM t_odata_local.books;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books_c WHERE title > 'Q' ORDER BY title NULLS FIRST;
SELECT differ('SELECT id FROM @books_c WHERE title > ''Q'' ORDER BY title NULLS FIRST');
SELECT differ('SELECT id FROM @books_c WHERE title < ''The'' ORDER BY title DESC');
SELECT * FROM od_log();

-- a text key is quoted in the item URL
CREATE FOREIGN TABLE genres (
  code text,
  name text
) SERVER real_od OPTIONS (resource 'Genres', key 'code');
EXPLAIN (VERBOSE, COSTS OFF) SELECT name FROM genres WHERE code = 'it''s';
SELECT name FROM genres WHERE code = 'it''s';
SELECT name FROM genres WHERE code = 'a/b c';
SELECT name FROM genres WHERE code = 'ß';
SELECT * FROM od_log();

-- writes: POST, PATCH and DELETE on Books(key), done on the local copy too
INSERT INTO books VALUES (9, 'Dune', 2, 8.5, 4, '1965-08-01', true) RETURNING *;
INSERT INTO t_odata_local.books VALUES (9, 'Dune', 2, 8.5, 4, '1965-08-01', true);
-- a duplicate key is a unique violation; a missing key is refused here
SELECT try($$INSERT INTO books (id, title) VALUES (9, 'Dune again')$$);
SELECT try($$INSERT INTO books (title) VALUES ('no key')$$);
\set QUIET off
-- ON CONFLICT DO NOTHING skips the duplicate
INSERT INTO books (id, title) VALUES (9, 'Dune again'), (10, 'Ubik') ON CONFLICT DO NOTHING;
INSERT INTO t_odata_local.books (id, title) VALUES (10, 'Ubik');
UPDATE books SET price = 9.25, stock = 5 WHERE id = 9 RETURNING id, price, stock;
UPDATE t_odata_local.books SET price = 9.25, stock = 5 WHERE id = 9;
UPDATE books SET price = 1 WHERE id = 99;
UPDATE books SET in_stock = false WHERE author_id = 3;
UPDATE t_odata_local.books SET in_stock = false WHERE author_id = 3;
DELETE FROM books WHERE id = 9;
DELETE FROM t_odata_local.books WHERE id = 9;
DELETE FROM books WHERE id = 9;
DELETE FROM books WHERE id = 10;
DELETE FROM t_odata_local.books WHERE id = 10;
\set QUIET on
SELECT * FROM od_log();
SELECT differ('SELECT * FROM @books ORDER BY id');

-- ANALYZE: the count with the first page, then the service's pages (of
-- three, whatever $top asked) by $skip and $top
ANALYZE books;
SELECT reltuples FROM pg_class WHERE oid = 'books'::regclass;
SELECT * FROM od_log();

-- a uuid key is the service's to make
CREATE FOREIGN TABLE notes (
  id   uuid OPTIONS (field 'ID'),
  text text
) SERVER real_od OPTIONS (resource 'Notes', key 'id');
INSERT INTO notes (text) VALUES ('hello') RETURNING id IS NOT NULL AS has_id, text;
SELECT count(*) FROM notes n WHERE n.id = (SELECT id FROM notes WHERE text = 'hello');
SELECT regexp_replace(l, '[0-9a-f-]{36}', '<uuid>', 'g') FROM od_log() l;

-- decimals the service holds as doubles, dates, and instants it keeps in
-- UTC to the millisecond (it truncates the microseconds of row 3); the
-- local copy holds what the service holds
CREATE FOREIGN TABLE items (
  id   bigint,
  name text,
  num  numeric,
  day  date,
  at   timestamptz,
  flag boolean
) SERVER real_od OPTIONS (resource 'Items', key 'id');
CREATE TABLE t_odata_local.items (LIKE items);
INSERT INTO items VALUES
  (1, 'a', 9.90, '2024-02-29', '2024-01-01 00:00:00+00', true),
  (2, 'b', 0.1, '0001-01-01', '2024-01-01 01:00:00.5+01', NULL),
  (3, 'c', -1.5, NULL, '2023-12-31 23:59:59.999999-08', false),
  (4, NULL, NULL, '1999-12-31', NULL, NULL);
INSERT INTO t_odata_local.items VALUES
  (1, 'a', 9.9, '2024-02-29', '2024-01-01 00:00:00+00', true),
  (2, 'b', 0.1, '0001-01-01', '2024-01-01 00:00:00.5+00', NULL),
  (3, 'c', -1.5, NULL, '2024-01-01 07:59:59.999+00', false),
  (4, NULL, NULL, '1999-12-31', NULL, NULL);
SELECT id, num, day, at FROM items ORDER BY id;
SELECT differ('SELECT * FROM @items ORDER BY id');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM items WHERE at >= '2024-01-01 07:59:59.999+00' AND day < '2000-01-01';
SELECT differ('SELECT id FROM @items WHERE at >= ''2024-01-01 07:59:59.999+00'' ORDER BY id');
SELECT differ('SELECT id FROM @items WHERE at = ''2023-12-31 16:00:00-08'' ORDER BY id');
SELECT differ('SELECT id FROM @items WHERE day < ''2000-01-01'' ORDER BY id');
SELECT differ('SELECT id FROM @items WHERE num > 0.1 OR flag ORDER BY id');
SELECT differ('SELECT id FROM @items WHERE num IN (9.9, -1.5) ORDER BY id');
-- what stays here: an instant finer than a millisecond (the service would
-- truncate it), a decimal no double holds, an infinite date
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM items WHERE at < '2024-01-01 07:59:59.9991+00';
SELECT differ('SELECT id FROM @items WHERE at < ''2024-01-01 07:59:59.9991+00'' ORDER BY id');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM items WHERE num < 0.1000000000000000000001;
SELECT differ('SELECT id FROM @items WHERE num < 0.1000000000000000000001 ORDER BY id');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM items WHERE day < 'infinity';
SELECT * FROM od_log();

-- values known at execution: checked when the URL is built, and left out
-- (then checked here) when the service would read them otherwise
SET plan_cache_mode = force_generic_plan;
PREPARE by_num(numeric) AS SELECT id FROM items WHERE num <= $1 ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_num(0.1);
EXECUTE by_num(0.1);
EXECUTE by_num(0.1000000000000000000001);
PREPARE by_id(bigint) AS SELECT name FROM items WHERE id = $1 OR id = $1 + 1 ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_id(2);
EXECUTE by_id(2);
RESET plan_cache_mode;
SELECT * FROM od_log();

-- IMPORT FOREIGN SCHEMA from the OpenAPI document @cap-js/openapi compiles
-- from the service's model: each entity set with its key (Books({ID}),
-- Genres('{code}')) and its structural properties, typed as the document
-- says (decimals with x-sap-precision and x-sap-scale, Edm.Int64 and
-- Edm.Decimal as numbers, not as the strings they may also be); no
-- navigation property (author, sent only with $expand)
CREATE SCHEMA t_odata_import;
IMPORT FOREIGN SCHEMA openapi LIMIT TO (books, genres, items, notes)
  FROM SERVER real_od INTO t_odata_import
  OPTIONS (spec_url '/$api-docs/odata/v4/catalog/openapi.json');
SELECT * FROM imported_tables('t_odata_import');
SELECT * FROM imported_columns('t_odata_import');
SELECT * FROM od_log();
-- the imported tables read, filter and write as the hand-written ones
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id, title FROM t_odata_import.books WHERE price > 10 ORDER BY id;
SELECT (SELECT array_agg(row(id, title::text, author_id, price, stock,
                             published, in_stock) ORDER BY id)
        FROM t_odata_import.books)
       = (SELECT array_agg(row(id, title, author_id, price, stock, published,
                               in_stock) ORDER BY id)
          FROM t_odata_local.books) AS same_books;
SELECT (SELECT array_agg(id ORDER BY id) FROM t_odata_import.books
        WHERE price > 10)
       = (SELECT array_agg(id ORDER BY id) FROM t_odata_local.books
          WHERE price > 10) AS same_ids;
\set QUIET off
INSERT INTO t_odata_import.genres VALUES ('imp', 'Imported');
UPDATE t_odata_import.genres SET name = 'Imported again' WHERE code = 'imp';
SELECT * FROM t_odata_import.genres WHERE code = 'imp';
DELETE FROM t_odata_import.genres WHERE code = 'imp';
\set QUIET on
SELECT * FROM od_log();
DROP SCHEMA t_odata_import CASCADE;

-- errors: a property the service does not have, a collection it does not
-- serve
CREATE FOREIGN TABLE books_bad (
  id    integer OPTIONS (field 'ID'),
  isbn  text
) SERVER real_od OPTIONS (resource 'AllBooks', key 'id');
SELECT try($$SELECT * FROM books_bad WHERE isbn = 'x'$$);
CREATE FOREIGN TABLE nothing (id integer) SERVER real_od OPTIONS (resource 'Nothing');
SELECT try($$SELECT * FROM nothing$$);
SELECT * FROM od_log();

DROP SCHEMA t_odata CASCADE;
DROP SCHEMA t_odata_local CASCADE;
