--
-- Writes that must do exactly what they would do to a local table:
-- ON CONFLICT DO NOTHING, columns set by defaults and triggers, responses
-- that cannot be read after the service wrote, numbers as JSON numbers,
-- and changes of the key or of nested members.  Each result is compared
-- with a local table given the same statements, and with what the service
-- holds and received.
--
CREATE SCHEMA t_wexact;
SET search_path = t_wexact, public;
SET datestyle = 'ISO, YMD';
SELECT svc('POST', '/_reset');

\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER wx_pg FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/pg/', dialect 'postgrest');
ALTER SERVER wx_pg OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER wx_pg;
CREATE SERVER wx_js FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/js/', dialect 'json-server');
ALTER SERVER wx_js OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER wx_js;
\getenv jsport JSON_SERVER_PORT
\set js_connect_to '::127.0.0.1:' :jsport
CREATE SERVER wx_real_js FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://json-server.test/', dialect 'json-server');
ALTER SERVER wx_real_js OPTIONS (ADD connect_to :'js_connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER wx_real_js;

-- same_rows(a, b): do two queries give the same rows (as multisets)?
CREATE FUNCTION same_rows(a text, b text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  differ boolean;
BEGIN
  EXECUTE format('SELECT EXISTS ((%s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL %s))',
                 a, b, b, a) INTO differ;
  RETURN NOT differ;
END $$;

-- the command tags carry the row counts
\set QUIET off

--
-- 1. INSERT ... ON CONFLICT DO NOTHING (Django's bulk_create with
-- ignore_conflicts=True): rows the service refuses as duplicates are
-- skipped, counted nowhere and not returned.
--

-- Django REST framework: the 400 of its uniqueness validator, alone
CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  price     numeric(8,2)
) SERVER svc OPTIONS (resource 'books/');
CREATE TABLE local_books (id bigserial PRIMARY KEY, title text UNIQUE,
                          author_id bigint, price numeric(8,2));
INSERT INTO local_books SELECT * FROM books;
SELECT setval('local_books_id_seq', 5);
INSERT INTO books (title, author_id)
  VALUES ('Dune', 1), ('Hyperion', 4), ('Dune', 2), ('Hyperion', 5)
  ON CONFLICT DO NOTHING RETURNING id, title, author_id;
INSERT INTO local_books (title, author_id)
  VALUES ('Dune', 1), ('Hyperion', 4), ('Dune', 2), ('Hyperion', 5)
  ON CONFLICT DO NOTHING RETURNING id, title, author_id;
SELECT requests();
-- (the keys differ: a local sequence advances for skipped rows too)
SELECT same_rows('SELECT title, author_id, price FROM books',
                 'SELECT title, author_id, price FROM local_books');
-- without RETURNING, the count alone
INSERT INTO books (title) VALUES ('Dune'), ('Emma') ON CONFLICT DO NOTHING;
INSERT INTO local_books (title) VALUES ('Dune'), ('Emma') ON CONFLICT DO NOTHING;
SELECT same_rows('SELECT title, author_id, price FROM books',
                 'SELECT title, author_id, price FROM local_books');
-- a row refused for another reason besides is an error, as a local
-- table's NOT NULL would be
SELECT try($$INSERT INTO books (title) VALUES ('') ON CONFLICT DO NOTHING$$);
-- a 409 from a service that is not PostgREST
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&status=409');
INSERT INTO books (title) VALUES ('Conflicting') ON CONFLICT DO NOTHING RETURNING id;
-- DRF's other uniqueness messages skip the row; with another error
-- besides, the row is refused for more than a duplicate
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&status=400&body=%7B%22non_field_errors%22%3A%5B%22The%20fields%20title%2C%20author%20must%20make%20a%20unique%20set.%22%5D%7D');
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&status=400&body=%7B%22title%22%3A%5B%22This%20field%20must%20be%20unique.%22%5D%7D');
INSERT INTO books (title) VALUES ('Together'), ('Unique') ON CONFLICT DO NOTHING;
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&status=400&body=%7B%22title%22%3A%5B%22book%20with%20this%20title%20already%20exists.%22%5D%2C%22price%22%3A%5B%22A%20valid%20number%20is%20required.%22%5D%7D');
SELECT try($$INSERT INTO books (title) VALUES ('Mixed') ON CONFLICT DO NOTHING$$);
-- without ON CONFLICT a duplicate is a unique violation
SELECT try($$INSERT INTO books (title) VALUES ('Dune')$$);
SELECT requests();
-- what PostgreSQL itself refuses on a foreign table, which has no unique
-- index
SELECT try($$INSERT INTO books (id, title) VALUES (1, 'x') ON CONFLICT (id) DO NOTHING$$);
SELECT try($$INSERT INTO books (id, title) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET title = excluded.title$$);
SELECT try($$INSERT INTO books (id, title) VALUES (1, 'x') ON CONFLICT DO UPDATE SET title = excluded.title$$);
SELECT requests();

-- PostgREST: Prefer: resolution=ignore-duplicates skips a duplicate
-- primary key; a 409 with SQLSTATE 23505 (another unique constraint) skips
-- the row; a 409 with another SQLSTATE stays an error
CREATE FOREIGN TABLE pbooks (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author')
) SERVER wx_pg OPTIONS (resource 'books');
CREATE TABLE local_pbooks (id bigint PRIMARY KEY, title text UNIQUE,
                           author_id bigint);
INSERT INTO local_pbooks SELECT * FROM pbooks;
INSERT INTO pbooks VALUES (1, 'Dup id', 1), (70, 'Seventy', 1), (71, 'Dune', 1)
  ON CONFLICT DO NOTHING RETURNING *;
INSERT INTO local_pbooks VALUES (1, 'Dup id', 1), (70, 'Seventy', 1), (71, 'Dune', 1)
  ON CONFLICT DO NOTHING RETURNING *;
SELECT svc('GET', '/_log?headers=prefer');
SELECT same_rows('SELECT * FROM pbooks', 'SELECT * FROM local_pbooks');
SELECT svc('POST', '/_fault?path=/api/pg/books&method=POST&status=409&body=%7B%22code%22%3A%2223503%22%2C%22message%22%3A%22fk%22%7D');
SELECT try($$INSERT INTO pbooks VALUES (72, 'FK', 99) ON CONFLICT DO NOTHING$$);
-- in batches: one POST per batch, the rows created counted from the
-- representation; a duplicate of another constraint fails the whole
-- request, and then its rows go one at a time
ALTER FOREIGN TABLE pbooks OPTIONS (ADD batch_size '10');
EXPLAIN (VERBOSE, COSTS OFF)
  INSERT INTO pbooks SELECT i, 'Batch ' || i, 1 FROM generate_series(1, 3) i
  ON CONFLICT DO NOTHING;
INSERT INTO pbooks VALUES (2, 'Dup 2', 1), (80, 'Eighty', 1), (70, 'Dup 70', 1),
  (81, 'Eighty-one', 1) ON CONFLICT DO NOTHING;
INSERT INTO local_pbooks VALUES (2, 'Dup 2', 1), (80, 'Eighty', 1), (70, 'Dup 70', 1),
  (81, 'Eighty-one', 1) ON CONFLICT DO NOTHING;
SELECT svc('GET', '/_log?headers=prefer');
INSERT INTO pbooks VALUES (82, 'Eighty-two', 1), (83, 'Dune', 1), (3, 'Dup 3', 1),
  (84, 'Eighty-four', 1) ON CONFLICT DO NOTHING;
INSERT INTO local_pbooks VALUES (82, 'Eighty-two', 1), (83, 'Dune', 1), (3, 'Dup 3', 1),
  (84, 'Eighty-four', 1) ON CONFLICT DO NOTHING;
SELECT svc('GET', '/_log?headers=prefer');
SELECT same_rows('SELECT * FROM pbooks', 'SELECT * FROM local_pbooks');
-- the objects of one batch have the same members: a row whose key is left
-- to the service goes in another request than a row that gives its key
INSERT INTO pbooks (id, title)
  VALUES (NULL, 'Keyless 1'), (90, 'Ninety'), (91, 'Ninety-one'), (NULL, 'Keyless 2');
SELECT requests();
SELECT id, title FROM pbooks WHERE id >= 90 OR title LIKE 'Keyless%' ORDER BY id;
ALTER FOREIGN TABLE pbooks OPTIONS (DROP batch_size);

-- json-server: the 500 of a duplicate id, raised before inserting
CREATE FOREIGN TABLE jbooks (id bigint, title text) SERVER wx_js
  OPTIONS (resource 'books');
INSERT INTO jbooks VALUES (1, 'Dup'), (60, 'Sixty') ON CONFLICT DO NOTHING RETURNING *;
SELECT try($$INSERT INTO jbooks VALUES (1, 'Dup')$$);
SELECT requests();
-- and the real json-server
CREATE FOREIGN TABLE rbooks (id bigint, title text, price numeric)
  SERVER wx_real_js OPTIONS (resource 'books', filters 'price__gte',
                             ordering 'id, price');
INSERT INTO rbooks VALUES (1, 'Dup', 1), (60, 'Sixty', 60) ON CONFLICT DO NOTHING RETURNING *;
SELECT id, title FROM rbooks WHERE id IN (1, 60) ORDER BY id;
DELETE FROM rbooks WHERE id = 60;

--
-- 2. Columns set by DEFAULTs and BEFORE ROW triggers are sent, as a local
-- table would store them; a column the INSERT does not name and that
-- stays NULL is left out, for the service's own default (the key).
--
SELECT svc('POST', '/_reset');
CREATE FOREIGN TABLE tbooks (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  price     numeric(8,2) DEFAULT 5.00,
  published date,
  in_stock  boolean
) SERVER svc OPTIONS (resource 'books/');
CREATE TABLE local_tbooks (id bigint PRIMARY KEY, title text, author_id bigint,
                           price numeric(8,2) DEFAULT 5.00, published date,
                           in_stock boolean);
INSERT INTO local_tbooks SELECT * FROM tbooks;
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.in_stock := true;
  ELSIF NEW.price IS DISTINCT FROM OLD.price THEN
    NEW.published := '2000-01-01';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON tbooks
  FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON local_tbooks
  FOR EACH ROW EXECUTE FUNCTION stamp();
INSERT INTO tbooks (title) VALUES ('Hyperion') RETURNING *;
INSERT INTO local_tbooks (id, title) VALUES (6, 'Hyperion') RETURNING *;
SELECT requests();
-- a column the INSERT names is sent even when NULL
INSERT INTO tbooks (title, price) VALUES ('Emma', NULL) RETURNING id, price, in_stock;
INSERT INTO local_tbooks (id, title, price) VALUES (7, 'Emma', NULL) RETURNING id, price, in_stock;
SELECT requests();
-- UPDATE: the trigger's change goes in the PATCH with the column set
UPDATE tbooks SET price = 8.25 WHERE title = 'Hyperion';
UPDATE local_tbooks SET price = 8.25 WHERE title = 'Hyperion';
-- and nothing the trigger leaves alone
UPDATE tbooks SET author_id = 3 WHERE id = 1;
UPDATE local_tbooks SET author_id = 3 WHERE id = 1;
SELECT requests();
SELECT same_rows('SELECT * FROM tbooks', 'SELECT * FROM local_tbooks');
-- a stored generated column holds a value too
CREATE FOREIGN TABLE gbooks (
  id        bigint,
  title     text,
  price     numeric(8,2),
  in_stock  boolean GENERATED ALWAYS AS (price IS NOT NULL) STORED
) SERVER svc OPTIONS (resource 'books/');
INSERT INTO gbooks (title, price) VALUES ('Generated', 3) RETURNING in_stock;
SELECT requests();
-- PostgREST: a default reaches a batched INSERT too; row triggers turn
-- batching off, as postgres_fdw does
CREATE FOREIGN TABLE dbooks (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author') DEFAULT 2
) SERVER wx_pg OPTIONS (resource 'books', batch_size '10');
INSERT INTO dbooks (title) VALUES ('Default 1'), ('Default 2');
CREATE TRIGGER stamp_noop BEFORE INSERT ON dbooks
  FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
EXPLAIN (VERBOSE, COSTS OFF) INSERT INTO dbooks (title) VALUES ('x'), ('y');
SELECT requests();
SELECT title, author_id FROM dbooks WHERE title LIKE 'Default%' ORDER BY title;

--
-- 3. A response the service sends after it wrote cannot undo the write:
-- it is an error only when the row is needed (RETURNING), and then the
-- error says that the write happened.
--
SELECT svc('POST', '/_reset');
-- 201 with an empty body
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&apply=1&status=201&body=');
INSERT INTO books (title) VALUES ('Empty 201');
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&apply=1&status=201&body=');
SELECT try($$INSERT INTO books (title) VALUES ('Empty 201 returning') RETURNING id$$);
-- 204
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&apply=1&status=204');
INSERT INTO books (title) VALUES ('No content');
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&apply=1&status=204');
SELECT try($$INSERT INTO books (title) VALUES ('No content returning') RETURNING id$$);
-- 200 with HTML
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&apply=1&status=200&content_type=text/html&body=%3Chtml%3Eok%3C/html%3E');
INSERT INTO books (title) VALUES ('Html');
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&apply=1&status=200&content_type=text/html&body=%3Chtml%3Eok%3C/html%3E');
SELECT try($$INSERT INTO books (title) VALUES ('Html returning') RETURNING id$$);
-- 201 with a member that does not convert
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&apply=1&status=201&body=%7B%22id%22%3A%22abc%22%7D');
INSERT INTO books (title) VALUES ('Bad id');
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&apply=1&status=201&body=%7B%22id%22%3A%22abc%22%7D');
SELECT try($$INSERT INTO books (title) VALUES ('Bad id returning') RETURNING id$$);
SELECT requests();
-- every one of them was written
SELECT id, title FROM books WHERE id > 5 ORDER BY id;
-- UPDATE and DELETE: the row is counted, and RETURNING has the row the
-- scan read, or the error says the row was written
SELECT svc('POST', '/_fault?path=/api/books/6/&method=PATCH&apply=1&status=200&content_type=text/html&body=%3Chtml%3Eok%3C/html%3E');
UPDATE books SET price = 1 WHERE title = 'Empty 201';
SELECT svc('POST', '/_fault?path=/api/books/6/&method=PATCH&apply=1&status=200&content_type=text/html&body=%3Chtml%3Eok%3C/html%3E');
SELECT try($$UPDATE books SET price = 2 WHERE title = 'Empty 201' RETURNING price$$);
SELECT svc('POST', '/_fault?path=/api/books/6/&method=PATCH&apply=1&status=204');
UPDATE books SET price = 3 WHERE title = 'Empty 201' RETURNING id, title, price;
-- by key, without reading the row first, RETURNING has nothing else
SELECT svc('POST', '/_fault?path=/api/books/6/&method=PATCH&apply=1&status=204');
SELECT try($$UPDATE books SET price = 4 WHERE id = 6 RETURNING id, title, price$$);
SELECT svc('POST', '/_fault?path=/api/books/6/&method=PATCH&apply=1&status=200&content_type=text/html&body=x');
UPDATE books SET price = 5 WHERE id = 6;
SELECT svc('POST', '/_fault?path=/api/books/8/&method=DELETE&apply=1&status=200&content_type=text/html&body=x');
DELETE FROM books WHERE title = 'No content' RETURNING id, title;
SELECT svc('POST', '/_fault?path=/api/books/9/&method=DELETE&apply=1&status=200&content_type=text/html&body=x');
DELETE FROM books WHERE id = 9;
SELECT requests();
SELECT id, title, price FROM books WHERE id > 5 ORDER BY id;
-- PostgREST, by key: DELETE ... RETURNING reads the response
SELECT svc('POST', '/_fault?path=/api/pg/books&method=DELETE&apply=1&status=200&body=%5B%7B%22id%22%3A%22x%22%7D%5D');
SELECT try($$DELETE FROM pbooks WHERE id = 5 RETURNING id, title$$);
SELECT count(*) FROM pbooks WHERE id = 5;

--
-- 4. Numbers are JSON numbers with the digits PostgreSQL prints, so that
-- the service compares and sorts them as numbers; except that Django REST
-- framework's DecimalField takes numeric as a string.  json and jsonb go
-- as they are.  NaN and infinity are errors.
--
SELECT svc('POST', '/_reset');
CREATE TABLE local_types (
  id      bigint,
  i2      smallint,
  i4      integer,
  i8      bigint,
  num     numeric,
  f4      real,
  f8      double precision,
  bool_t  boolean,
  dt      date,
  arr_int numeric[],
  arr_txt text[],
  obj     jsonb,
  "any"   json
);
CREATE FOREIGN TABLE types_drf (
  id      bigint,
  i2      smallint,
  i4      integer,
  i8      bigint,
  num     numeric,
  f4      real OPTIONS (field 'num_str'),
  f8      double precision,
  bool_t  boolean,
  dt      date,
  arr_int numeric[],
  arr_txt text[],
  obj     jsonb,
  "any"   json
) SERVER svc OPTIONS (resource 'types/');
CREATE FOREIGN TABLE types_pg (
  id      bigint,
  i2      smallint,
  i4      integer,
  i8      bigint,
  num     numeric,
  f4      real OPTIONS (field 'num_str'),
  f8      double precision,
  bool_t  boolean,
  dt      date,
  arr_int numeric[],
  arr_txt text[],
  obj     jsonb,
  "any"   json
) SERVER wx_pg OPTIONS (resource 'types');
CREATE FOREIGN TABLE types_js (
  id      bigint,
  i8      bigint,
  num     numeric,
  f4      real OPTIONS (field 'num_str'),
  f8      double precision,
  arr_int numeric[]
) SERVER wx_js OPTIONS (resource 'types');
INSERT INTO local_types VALUES
  (10, -32768, 2147483647, 9007199254740993, 12345678901234567890.123456789,
   0.1, 0.1, true, '2024-02-29', '{1.50,-2,1e-3}', '{a,"b\"c"}',
   '{"a": 1.10, "big": 123456789012345678901234567890, "s": "x"}',
   '{"k" : [1, 2.50, 1e400]}'),
  (11, 0, -1, -9007199254740993, -0.000000000000000000001, 3.4028235e38,
   1.5e300, false, NULL, '{}', '{}', '[]', '"s"');
-- (Django REST framework assigns its own keys)
INSERT INTO types_drf SELECT * FROM local_types RETURNING id;
SELECT requests();
SELECT same_rows('SELECT i2, i4, i8, num, f4, f8, bool_t, dt, arr_int, arr_txt, obj, "any"::jsonb FROM types_drf WHERE id > 3',
                 'SELECT i2, i4, i8, num, f4, f8, bool_t, dt, arr_int, arr_txt, obj, "any"::jsonb FROM local_types');
SELECT svc('POST', '/_reset');
INSERT INTO types_pg SELECT * FROM local_types RETURNING id;
SELECT requests();
SELECT same_rows('SELECT i2, i4, i8, num, f4, f8, bool_t, dt, arr_int, arr_txt, obj, "any"::jsonb FROM types_pg WHERE id > 3',
                 'SELECT i2, i4, i8, num, f4, f8, bool_t, dt, arr_int, arr_txt, obj, "any"::jsonb FROM local_types');
UPDATE types_pg SET num = 1.000, f8 = -0.5 WHERE id = 10;
SELECT requests();
-- NaN and infinity: no request at all
SELECT try($$INSERT INTO types_pg (id, num) VALUES (20, 'NaN')$$);
SELECT try($$INSERT INTO types_pg (id, f8) VALUES (20, '-Infinity')$$);
SELECT try($$INSERT INTO types_drf (id, f4) VALUES (20, 'NaN')$$);
SELECT try($$INSERT INTO types_pg (id, arr_int) VALUES (20, '{1,NaN}')$$);
-- json-server keeps numbers as JavaScript numbers: what one cannot hold
-- exactly is refused, not stored changed
INSERT INTO types_js (id, i8, num, f4, f8, arr_int)
  VALUES (12, 9007199254740992, 0.1, 0.1, 0.1, '{2.5}');
SELECT try($$INSERT INTO types_js (id, i8) VALUES (13, 9007199254740993)$$);
SELECT try($$INSERT INTO types_js (id, num) VALUES (13, 12345678901234567890.123456789)$$);
SELECT try($$INSERT INTO types_js (id, arr_int) VALUES (13, '{0.1234567890123456789}')$$);
SELECT requests();
SELECT id, i8, num, f4, f8, arr_int FROM types_js WHERE id = 12;

-- the real json-server: numbers written as numbers are compared and
-- sorted as numbers, as a local table does
CREATE TABLE local_rbooks AS SELECT * FROM rbooks;
INSERT INTO rbooks (title, price) VALUES ('Cheap', 9.5), ('Dear', 100), ('Middle', 25.75);
INSERT INTO local_rbooks VALUES (6, 'Cheap', 9.5), (7, 'Dear', 100), (8, 'Middle', 25.75);
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, price FROM rbooks ORDER BY price DESC LIMIT 3;
SELECT id, price FROM rbooks ORDER BY price DESC LIMIT 3;
SELECT id, price FROM local_rbooks ORDER BY price DESC LIMIT 3;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM rbooks ORDER BY price;
SELECT array(SELECT id FROM rbooks ORDER BY price) =
       array(SELECT id FROM local_rbooks ORDER BY price) AS same_order;
-- _gte would compare the strings of numbers as strings too; the condition
-- is checked again here, which removes no row the service matched
SELECT explain_lines('ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF',
  'SELECT id, price FROM rbooks WHERE price >= 10');
SELECT same_rows('SELECT id, price FROM rbooks WHERE price >= 10',
                 'SELECT id, price FROM local_rbooks WHERE price >= 10');
UPDATE rbooks SET price = 8.5 WHERE id = 7;
UPDATE local_rbooks SET price = 8.5 WHERE id = 7;
SELECT array(SELECT id FROM rbooks ORDER BY price LIMIT 3) =
       array(SELECT id FROM local_rbooks ORDER BY price LIMIT 3) AS same_order;

--
-- 5. The key, and members nested in another member: a PATCH cannot
-- change them faithfully everywhere, so they are sent only when they
-- change, and a change the service would not make is refused.
--
SELECT svc('POST', '/_reset');
CREATE FOREIGN TABLE nbooks (
  id        bigint,
  title     text,
  city      text OPTIONS (field '/publisher/city'),
  price     numeric(8,2)
) SERVER svc OPTIONS (resource 'books/');
-- Django's save() sets every column: unchanged ones are left out when
-- sending them would clobber what no column maps
UPDATE nbooks SET title = 'Dune!', city = 'Philadelphia', id = 1 WHERE id = 1;
SELECT requests();
SELECT try($$UPDATE nbooks SET city = 'Rome' WHERE id = 1$$);
SELECT try($$UPDATE nbooks SET id = 70 WHERE id = 1$$);
SELECT try($$UPDATE rbooks SET id = 70 WHERE id = 1$$);
SELECT requests();
SELECT id, title, city FROM nbooks WHERE id = 1;
-- PostgREST changes the key
UPDATE pbooks SET id = 70 WHERE id = 4 RETURNING id, title;
SELECT try($$UPDATE pbooks SET id = 1 WHERE id = 70$$);
SELECT requests();
SELECT id, title FROM pbooks WHERE id IN (4, 70);
-- a column set to NULL is sent as null
UPDATE nbooks SET price = NULL WHERE id = 2 RETURNING id, price;
SELECT requests();
SELECT price FROM nbooks WHERE id = 2;

-- leave the real json-server as it was
DELETE FROM rbooks WHERE id > 5;
\set QUIET on
SELECT count(*) FROM rbooks;

-- TRUNCATE deletes every row over every page, also where the scan would
-- ask for pages ahead (json-server, DRF numbered pages)
SELECT svc('POST', '/_reset');
CREATE FOREIGN TABLE trunc_js (id bigint, title text) SERVER wx_js
  OPTIONS (resource 'books/', page_size '2', truncatable 'true');
CREATE SERVER wx_drf FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/');
ALTER SERVER wx_drf OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER wx_drf;
CREATE FOREIGN TABLE trunc_drf (id bigint, title text) SERVER wx_drf
  OPTIONS (resource 'authors/', pagination 'page', page_size_param 'page_size',
           page_size '2', truncatable 'true');
SELECT count(*) > 2 AS several_pages FROM trunc_js;
SELECT count(*) > 2 AS several_pages FROM trunc_drf;
TRUNCATE trunc_js;
TRUNCATE trunc_drf;
SELECT count(*) AS left_js FROM trunc_js;
SELECT count(*) AS left_drf FROM trunc_drf;
SELECT svc('POST', '/_reset');

-- an UPDATE that reads the row first compares the key it read with the
-- row's new key by value, not by how the datum is stored (a numeric or
-- text key read from JSON and the same key from the whole row)
CREATE FOREIGN TABLE nkey_books (id numeric, title text) SERVER wx_drf
  OPTIONS (resource 'books/');
UPDATE nkey_books SET title = title || '!' WHERE title = 'Dune' RETURNING id, title;
SELECT requests();
SELECT id, title FROM nkey_books WHERE id = 1;
SELECT svc('POST', '/_reset');
