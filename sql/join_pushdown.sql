--
-- Joins of two tables of one service done by one scan: the outer table is
-- read as its own scan reads it, a batch of rows at a time, and the inner
-- table is asked for the batch's distinct keys with one "key IN (...)"
-- request (Django's select_related and list_select_related).
--
CREATE SCHEMA t_join;
SET search_path = t_join, public;
SET datestyle = 'ISO, YMD';
SELECT svc('POST', '/_reset');
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port

-- books of three per page: a batch is three outer rows
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

-- more rows: books without an author, with an author the service does not
-- have (a dangling key), many books of one author, and authors no book has
INSERT INTO authors (name, born) SELECT 'author ' || g, date '1900-01-01' + g
  FROM generate_series(4, 12) g;
INSERT INTO books (title, author_id, price, in_stock)
  SELECT 'book ' || g,
         CASE WHEN g % 7 = 0 THEN NULL WHEN g % 11 = 0 THEN 99
              WHEN g % 3 = 0 THEN 2 ELSE g % 10 + 1 END,
         g, g % 2 = 0
  FROM generate_series(6, 30) g;
SELECT count(*) FROM books;
SELECT count(*) FROM authors;
SELECT count(*) > 0 FROM requests();

-- local copies of the same rows
CREATE TEMP TABLE l_books AS SELECT * FROM books;
CREATE TEMP TABLE l_authors AS SELECT * FROM authors;
SELECT count(*) FROM l_books WHERE author_id IS NULL;
SELECT count(*) FROM l_books b WHERE NOT EXISTS
  (SELECT FROM l_authors a WHERE a.id = b.author_id) AND author_id IS NOT NULL;
SELECT count(*) FROM (SELECT author_id FROM l_books
  GROUP BY 1 HAVING count(*) > 1) s;
SELECT count(*) FROM requests();

-- The rows of each shape, with PostgreSQL's own joins disabled so that
-- the scan of the join is the plan even where reading the small authors
-- collection once would be cheaper (costs are below, at scale).
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_nestloop = off;

-- select_related("author") of a non-null foreign key: an inner join
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.id, b.title, a.id, a.name FROM books b JOIN authors a ON b.author_id = a.id;
SELECT b.id, b.title, a.name FROM books b JOIN authors a ON b.author_id = a.id
  ORDER BY b.id;
-- 10 pages of books, and one authors request per page of books (a batch
-- of NULL keys only asks for nothing)
SELECT r FROM requests() r ORDER BY r;
SELECT same_rows(
  'SELECT b.id, b.title, a.id AS aid, a.name FROM books b JOIN authors a ON b.author_id = a.id',
  'SELECT b.id, b.title, a.id AS aid, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id');
SELECT count(*) FROM requests();

-- a nullable foreign key: a LEFT join, NULL-extended for NULL and
-- dangling keys
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.id, a.name FROM books b LEFT JOIN authors a ON a.id = b.author_id;
SELECT b.id, b.author_id, a.id, a.name FROM books b
  LEFT JOIN authors a ON a.id = b.author_id WHERE b.id < 14 ORDER BY b.id;
SELECT r FROM requests() r ORDER BY r;
SELECT same_rows(
  'SELECT b.id, b.author_id, a.id AS aid, a.name, a.born FROM books b LEFT JOIN authors a ON a.id = b.author_id',
  'SELECT b.id, b.author_id, a.id AS aid, a.name, a.born FROM l_books b LEFT JOIN l_authors a ON a.id = b.author_id');
SELECT count(*) FROM requests();

-- conditions on each side: sent with each request; DRF may ignore a
-- filter, so they are checked again on the joined row
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.title, a.name FROM books b JOIN authors a ON b.author_id = a.id
  WHERE b.price < 20 AND a.born >= '1900-01-07';
SELECT b.title, a.name FROM books b JOIN authors a ON b.author_id = a.id
  WHERE b.price < 20 AND a.born >= '1900-01-07' ORDER BY b.title;
SELECT r FROM requests() r ORDER BY r;
SELECT same_rows(
  $q$SELECT b.title, a.name FROM books b JOIN authors a ON b.author_id = a.id WHERE b.price < 20 AND a.born >= '1900-01-07'$q$,
  $q$SELECT b.title, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id WHERE b.price < 20 AND a.born >= '1900-01-07'$q$);
-- a condition the service cannot evaluate, on the joined row
SELECT same_rows(
  $q$SELECT b.title, a.name FROM books b JOIN authors a ON b.author_id = a.id WHERE a.name LIKE '%r%' AND b.title ~ '1'$q$,
  $q$SELECT b.title, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id WHERE a.name LIKE '%r%' AND b.title ~ '1'$q$);
-- on the outer side of a LEFT join
SELECT same_rows(
  $q$SELECT b.id, a.name FROM books b LEFT JOIN authors a ON a.id = b.author_id WHERE b.in_stock AND b.title ~ '2'$q$,
  $q$SELECT b.id, a.name FROM l_books b LEFT JOIN l_authors a ON a.id = b.author_id WHERE b.in_stock AND b.title ~ '2'$q$);
-- on the inner side of a LEFT join (ON clause): PostgreSQL's join (below)
SELECT same_rows(
  $q$SELECT b.id, a.name FROM books b LEFT JOIN authors a ON a.id = b.author_id AND a.born >= '1900-01-07'$q$,
  $q$SELECT b.id, a.name FROM l_books b LEFT JOIN l_authors a ON a.id = b.author_id AND a.born >= '1900-01-07'$q$);
SELECT count(*) > 0 FROM requests();

-- the admin's changelist: ORDER BY and LIMIT; the service sorts the outer
-- side, and the scan stops after the first batches
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.id, b.title, a.name FROM books b JOIN authors a ON b.author_id = a.id
  ORDER BY b.title DESC, b.id DESC LIMIT 4;
SELECT b.id, b.title, a.name FROM books b JOIN authors a ON b.author_id = a.id
  ORDER BY b.title DESC, b.id DESC LIMIT 4;
SELECT r FROM requests() r ORDER BY r;
SELECT b.id, b.title, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id
  ORDER BY b.title DESC, b.id DESC LIMIT 4;
-- a LEFT join with LIMIT and OFFSET
SELECT b.id, a.name FROM books b LEFT JOIN authors a ON a.id = b.author_id
  ORDER BY b.id LIMIT 5 OFFSET 10;
SELECT b.id, a.name FROM l_books b LEFT JOIN l_authors a ON a.id = b.author_id
  ORDER BY b.id LIMIT 5 OFFSET 10;
SELECT count(*) FROM requests();

-- EXPLAIN ANALYZE counts the batches and the requests of both sides
SELECT line FROM explain_lines('ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF',
  'SELECT b.id, a.name FROM books b JOIN authors a ON b.author_id = a.id') line
  WHERE line ~ 'Remote (batches|requests)';
SELECT count(*) FROM requests();
-- a join scan run again with other values: a subquery per row, whose
-- outer request carries the value
SELECT g, (SELECT count(*) FROM books b JOIN authors a ON b.author_id = a.id
           WHERE b.price < g) AS n
  FROM generate_series(10, 30, 10) g;
SELECT g, (SELECT count(*) FROM l_books b JOIN l_authors a ON b.author_id = a.id
           WHERE b.price < g) AS n
  FROM generate_series(10, 30, 10) g;
SELECT substring(r FROM '^GET /api/[a-z]+/') AS collection,
       substring(r FROM 'price__lt=[0-9]+') AS sent, count(*)
  FROM requests() r GROUP BY 1, 2 ORDER BY 1, 2;

-- an empty outer side: one request, none to the inner table
SELECT b.id, a.name FROM books b JOIN authors a ON b.author_id = a.id
  WHERE b.price < 0;
SELECT b.id, a.name FROM books b LEFT JOIN authors a ON b.author_id = a.id
  WHERE b.price < 0;
SELECT r FROM requests() r ORDER BY r;

-- the outer side in one batch of many duplicate keys, more keys than a
-- batch: authors of 12 per batch, books of 3 per page
ALTER FOREIGN TABLE books OPTIONS (SET page_size '12');
SELECT same_rows(
  'SELECT b.id, a.id AS aid, a.name FROM books b JOIN authors a ON b.author_id = a.id',
  'SELECT b.id, a.id AS aid, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id');
SELECT r FROM requests() r ORDER BY r;
SELECT same_rows(
  'SELECT b.id, a.id AS aid, a.name FROM books b LEFT JOIN authors a ON b.author_id = a.id',
  'SELECT b.id, a.id AS aid, a.name FROM l_books b LEFT JOIN l_authors a ON b.author_id = a.id');
-- authors the other way round: the key of books is not what authors
-- points to, so the join is PostgreSQL's
SELECT same_rows(
  'SELECT a.id, b.id AS bid FROM authors a JOIN books b ON b.author_id = a.id',
  'SELECT a.id, b.id AS bid FROM l_authors a JOIN l_books b ON b.author_id = a.id');
SELECT count(*) > 0 FROM requests();
-- inner answers of several pages: authors two a page
ALTER FOREIGN TABLE authors OPTIONS (SET page_size '2');
SELECT same_rows(
  'SELECT b.id, a.id AS aid, a.name FROM books b JOIN authors a ON b.author_id = a.id',
  'SELECT b.id, a.id AS aid, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id');
SELECT r FROM requests() r ORDER BY r;
ALTER FOREIGN TABLE authors OPTIONS (SET page_size '100');
ALTER FOREIGN TABLE books OPTIONS (SET page_size '3');
SELECT count(*) > 0 FROM requests();

RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_nestloop;

-- not pushed down: a second join clause, a join on a column that is not
-- the inner key, a condition on the inner side of a LEFT join, FOR
-- UPDATE, UPDATE ... FROM
EXPLAIN (COSTS OFF)
  SELECT b.id FROM books b JOIN authors a ON b.author_id = a.id AND b.title = a.name;
EXPLAIN (COSTS OFF)
  SELECT b.id FROM books b JOIN authors a ON b.title = a.name;
EXPLAIN (COSTS OFF)
  SELECT b.id, a.name FROM books b LEFT JOIN authors a
    ON a.id = b.author_id AND a.born >= '1900-01-07';
EXPLAIN (COSTS OFF)
  SELECT b.id FROM books b JOIN authors a ON b.author_id = a.id FOR UPDATE OF b;
SELECT node FROM (SELECT regexp_replace(line, '^\s*(->\s*)?', '') AS node
  FROM explain_lines('COSTS OFF',
    'UPDATE books b SET price = price + 1 FROM authors a WHERE a.id = b.author_id AND a.name = ''Anonymous''') line) s
  WHERE node ~ '^(Update|Foreign Scan|Hash|Nested|Merge)';
UPDATE books b SET in_stock = NOT in_stock FROM authors a
  WHERE a.id = b.author_id AND a.name = 'Anonymous';
UPDATE l_books b SET in_stock = NOT in_stock FROM l_authors a
  WHERE a.id = b.author_id AND a.name = 'Anonymous';
SELECT same_rows('SELECT id, in_stock FROM books', 'SELECT id, in_stock FROM l_books');
SELECT count(*) > 0 FROM requests();

-- Costs.  The small authors collection is read in one request: a hash
-- join of both scans is cheaper than a request per page of books.
ANALYZE books;
ANALYZE authors;
EXPLAIN (COSTS OFF)
  SELECT b.id, a.name FROM books b JOIN authors a ON b.author_id = a.id;
SELECT count(*) > 0 FROM requests();
-- 3000 "reviews" (the service's items), 10 of each "book" 1 to 300 (grp),
-- and 3000 "books" (items again), read 100 a page (30 requests for all)
CREATE FOREIGN TABLE reviews (id int, book_id int OPTIONS (field 'grp'),
                              category int, label text)
  SERVER svc OPTIONS (resource 'items/', page_size_param 'page_size',
                      page_size '100', prefetch '0',
                      filters 'id, id__in, category', ordering 'id');
CREATE FOREIGN TABLE ibooks (id int, label text, category int)
  SERVER svc OPTIONS (resource 'items/', page_size_param 'page_size',
                      page_size '100', prefetch '0',
                      filters 'id, id__in, category', ordering 'id');
CREATE TEMP TABLE l_reviews AS SELECT * FROM reviews;
CREATE TEMP TABLE l_ibooks AS SELECT * FROM ibooks;
ANALYZE reviews;
ANALYZE ibooks;
SELECT count(*) > 0 FROM requests();
-- the reviews of one category (300, 3 pages) with their books: 3 pages
-- and 3 requests for their books, instead of the 30 pages of books
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT r.id, b.label FROM reviews r JOIN ibooks b ON r.book_id = b.id
  WHERE r.category = 1;
SELECT same_rows(
  'SELECT r.id, b.label FROM reviews r JOIN ibooks b ON r.book_id = b.id WHERE r.category = 1',
  'SELECT r.id, b.label FROM l_reviews r JOIN l_ibooks b ON r.book_id = b.id WHERE r.category = 1');
SELECT count(*) AS requests,
       count(*) FILTER (WHERE r ~ 'id__in=') AS inner_requests
  FROM requests() r;
-- Review.objects.select_related("book").order_by("id")[:25]: one page of
-- 25 reviews (the LIMIT bounds it), one request for their books
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT r.id, r.label, b.id, b.label FROM reviews r
  JOIN ibooks b ON r.book_id = b.id ORDER BY r.id LIMIT 25;
SELECT same_rows(
  'SELECT r.id, r.label, b.id AS bid, b.label AS blabel FROM reviews r JOIN ibooks b ON r.book_id = b.id ORDER BY r.id LIMIT 25',
  'SELECT r.id, r.label, b.id AS bid, b.label AS blabel FROM l_reviews r JOIN l_ibooks b ON r.book_id = b.id ORDER BY r.id LIMIT 25');
-- the books request asks for the distinct keys of the first 25 reviews
CREATE TEMP TABLE asked AS SELECT r FROM requests() r;
SELECT regexp_replace(r, 'id__in=[0-9%C]*', 'id__in=...') AS r FROM asked ORDER BY r;
SELECT (SELECT array_agg(v::int ORDER BY v::int)
          FROM asked, regexp_split_to_table(substring(r FROM 'id__in=([0-9%C]*)'), '%2C') v) =
       (SELECT array_agg(DISTINCT book_id ORDER BY book_id)
          FROM (SELECT book_id FROM l_reviews ORDER BY id LIMIT 25) s) AS right_keys;
DROP TABLE asked;
-- and LEFT, as list_select_related of a nullable key
SELECT same_rows(
  'SELECT r.id, b.label FROM reviews r LEFT JOIN ibooks b ON r.book_id = b.id ORDER BY r.id LIMIT 150',
  'SELECT r.id, b.label FROM l_reviews r LEFT JOIN l_ibooks b ON r.book_id = b.id ORDER BY r.id LIMIT 150');
SELECT count(*) AS requests,
       count(*) FILTER (WHERE r ~ 'id__in=') AS inner_requests
  FROM requests() r;

-- PostgREST: id=in.(...), and conditions evaluated exactly by the
-- service, so none is checked again, on either side of a LEFT join too
CREATE SERVER pgrst_join FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/pg/', dialect 'postgrest');
ALTER SERVER pgrst_join OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER pgrst_join;
CREATE FOREIGN TABLE pg_books (id bigint, title text,
                               author_id bigint OPTIONS (field 'author'),
                               price numeric(8,2))
  SERVER pgrst_join OPTIONS (resource 'books', collation_matches 'true',
                        prefetch '0');
CREATE FOREIGN TABLE pg_authors (id bigint, name text, born date)
  SERVER pgrst_join OPTIONS (resource 'authors', collation_matches 'true',
                        prefetch '0');
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.id, a.name FROM pg_books b LEFT JOIN pg_authors a
    ON a.id = b.author_id AND a.born >= '1900-01-07' WHERE b.price < 20;
SELECT b.id, b.author_id, a.name FROM pg_books b LEFT JOIN pg_authors a
    ON a.id = b.author_id AND a.born >= '1900-01-07' WHERE b.price < 12
  ORDER BY b.id;
SELECT r FROM requests() r ORDER BY r;
SELECT same_rows(
  $q$SELECT b.id, a.name FROM pg_books b LEFT JOIN pg_authors a ON a.id = b.author_id AND a.born >= '1900-01-07' WHERE b.price < 20$q$,
  $q$SELECT b.id, a.name FROM l_books b LEFT JOIN l_authors a ON a.id = b.author_id AND a.born >= '1900-01-07' WHERE b.price < 20$q$);
SELECT same_rows(
  'SELECT b.id, b.title, a.id AS aid, a.name FROM pg_books b JOIN pg_authors a ON b.author_id = a.id',
  'SELECT b.id, b.title, a.id AS aid, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id');
SELECT same_rows(
  'SELECT b.id, a.name FROM pg_books b LEFT JOIN pg_authors a ON b.author_id = a.id',
  'SELECT b.id, a.name FROM l_books b LEFT JOIN l_authors a ON b.author_id = a.id');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.id, a.name FROM pg_books b JOIN pg_authors a ON b.author_id = a.id
  ORDER BY b.title LIMIT 3;
SELECT b.id, a.name FROM pg_books b JOIN pg_authors a ON b.author_id = a.id
  ORDER BY b.title LIMIT 3;
SELECT b.id, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id
  ORDER BY b.title LIMIT 3;
SELECT count(*) > 0 FROM requests();
-- with pages asked for ahead (the default prefetch)
ALTER FOREIGN TABLE books OPTIONS (DROP prefetch);
ALTER FOREIGN TABLE authors OPTIONS (DROP prefetch);
SELECT same_rows(
  'SELECT b.id, a.id AS aid, a.name FROM books b LEFT JOIN authors a ON b.author_id = a.id',
  'SELECT b.id, a.id AS aid, a.name FROM l_books b LEFT JOIN l_authors a ON b.author_id = a.id');
SELECT count(*) > 0 FROM requests();
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_nestloop;
-- tables of two servers: PostgreSQL's join
EXPLAIN (COSTS OFF)
  SELECT b.id, a.name FROM pg_books b JOIN authors a ON b.author_id = a.id;

-- a query without join keeps its plan
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, title FROM books ORDER BY id LIMIT 2;

-- A LIMIT (+ OFFSET) above the join bounds the first outer request: a page
-- of that many rows, none asked for ahead, and one inner request for their
-- keys (Book.objects.select_related("author")[:5]).  Pages of 20 books,
-- read ahead by default.
CREATE FOREIGN TABLE books20 (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  price     numeric(8,2)
) SERVER svc OPTIONS (
  resource 'books/', page_size_param 'page_size', page_size '20',
  filters 'id, id__in, author_id, author_id__in, price__lt',
  ordering 'id, price, title', collation_matches 'true');
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_nestloop = off;
SELECT count(*) > 0 FROM requests();
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.id, b.title, a.name FROM books20 b JOIN authors a
    ON b.author_id = a.id LIMIT 5;
CREATE TEMP TABLE f_limit AS
  SELECT b.id, b.title, a.name FROM books20 b JOIN authors a
    ON b.author_id = a.id LIMIT 5;
CREATE TEMP TABLE asked AS SELECT r FROM requests() r;
SELECT regexp_replace(r, 'id__in=[0-9%C]*', 'id__in=...') AS r FROM asked ORDER BY r;
-- the inner request carries the keys of those 5 books only
SELECT (SELECT array_agg(v::bigint ORDER BY v::bigint)
          FROM asked, regexp_split_to_table(substring(r FROM 'id__in=([0-9%C]*)'), '%2C') v) =
       (SELECT array_agg(DISTINCT author_id ORDER BY author_id)
          FROM (SELECT author_id FROM l_books ORDER BY id LIMIT 5) s
         WHERE author_id IS NOT NULL) AS right_keys;
DROP TABLE asked;
-- the 5 rows are joined rows of the local copies
SELECT count(*) AS rows,
       count(*) FILTER (WHERE NOT EXISTS
         (SELECT FROM l_books lb JOIN l_authors la ON lb.author_id = la.id
           WHERE lb.id = f.id AND lb.title = f.title AND la.name = f.name))
         AS not_local
  FROM f_limit f;
DROP TABLE f_limit;
SELECT count(*) > 0 FROM requests();
-- LEFT JOIN in the outer side's order, with an OFFSET: a page of 8
SELECT same_rows(
  'SELECT b.id, b.author_id, a.name FROM books20 b LEFT JOIN authors a ON b.author_id = a.id ORDER BY b.id LIMIT 5 OFFSET 3',
  'SELECT b.id, b.author_id, a.name FROM l_books b LEFT JOIN l_authors a ON b.author_id = a.id ORDER BY b.id LIMIT 5 OFFSET 3');
CREATE TEMP TABLE asked AS SELECT r FROM requests() r;
SELECT regexp_replace(r, 'id__in=[0-9%C]*', 'id__in=...') AS r FROM asked ORDER BY r;
SELECT (SELECT array_agg(v::bigint ORDER BY v::bigint)
          FROM asked, regexp_split_to_table(substring(r FROM 'id__in=([0-9%C]*)'), '%2C') v) =
       (SELECT array_agg(DISTINCT author_id ORDER BY author_id)
          FROM (SELECT author_id FROM l_books ORDER BY id LIMIT 8) s
         WHERE author_id IS NOT NULL) AS right_keys;
DROP TABLE asked;
-- an INNER join whose first outer rows have no inner row (the authors'
-- condition leaves few): the scan goes on past the bound, with its pages
SELECT b.id, b.author_id, a.name FROM l_books b JOIN l_authors a
    ON b.author_id = a.id AND a.born >= date '1900-01-10'
  ORDER BY b.id LIMIT 3;
SELECT b.id, b.author_id, a.name FROM books20 b JOIN authors a
    ON b.author_id = a.id AND a.born >= date '1900-01-10'
  ORDER BY b.id LIMIT 3;
SELECT regexp_replace(r, 'id__in=[0-9%C]*', 'id__in=...') AS r
  FROM requests() r ORDER BY r;
SELECT same_rows(
  'SELECT b.id, b.author_id, a.name FROM books20 b JOIN authors a ON b.author_id = a.id AND a.born >= date ''1900-01-10'' ORDER BY b.id LIMIT 3 OFFSET 1',
  'SELECT b.id, b.author_id, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id AND a.born >= date ''1900-01-10'' ORDER BY b.id LIMIT 3 OFFSET 1');
-- dangling keys (author 99) and NULL keys among the first rows: still the
-- LIMIT's rows
SELECT same_rows(
  'SELECT b.id, a.name FROM books20 b JOIN authors a ON b.author_id = a.id WHERE b.id >= 20 ORDER BY b.id LIMIT 4',
  'SELECT b.id, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id WHERE b.id >= 20 ORDER BY b.id LIMIT 4');
-- an ORDER BY the service does not sort by: every row is read, no bound
SELECT count(*) > 0 FROM requests();
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT b.id, a.name FROM books20 b JOIN authors a ON b.author_id = a.id
  ORDER BY a.name, b.id LIMIT 5;
SELECT same_rows(
  'SELECT b.id, a.name FROM books20 b JOIN authors a ON b.author_id = a.id ORDER BY a.name, b.id LIMIT 5',
  'SELECT b.id, a.name FROM l_books b JOIN l_authors a ON b.author_id = a.id ORDER BY a.name, b.id LIMIT 5');
SELECT regexp_replace(r, 'id__in=[0-9%C]*', 'id__in=...') AS r
  FROM requests() r ORDER BY r;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_nestloop;
DROP FOREIGN TABLE books20;

-- The cost of an IN list split to fit max_url_length: a request per part.
-- The generated items collection (3000 rows, grp 1 to 300) joined to
-- itself on grp = id: with room for few keys per URL, reading the inner
-- collection whole costs less than a request per handful of keys, and the
-- planner keeps its own join; with the default room, the join is sent.
CREATE SERVER short_urls FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', max_url_length '256');
ALTER SERVER short_urls OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER short_urls;
CREATE FOREIGN TABLE items_o (id int, grp int) SERVER short_urls
  OPTIONS (resource 'items/', pagination 'page', page_size_param 'page_size',
           page_size '1000', prefetch '0', ordering 'id');
CREATE FOREIGN TABLE items_i (id int, label text) SERVER short_urls
  OPTIONS (resource 'items/', pagination 'page', page_size_param 'page_size',
           page_size '1000', prefetch '0', filters 'id, id__in');
EXPLAIN (COSTS OFF)
  SELECT o.id, i.label FROM items_o o JOIN items_i i ON i.id = o.grp
  ORDER BY o.id;
SELECT count(*), sum(id), count(DISTINCT label) FROM
  (SELECT o.id, i.label FROM items_o o JOIN items_i i ON i.id = o.grp
   ORDER BY o.id) j;
SELECT count(*) AS requests FROM requests();
ALTER SERVER short_urls OPTIONS (SET max_url_length '100000');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT o.id, i.label FROM items_o o JOIN items_i i ON i.id = o.grp
  ORDER BY o.id;
SELECT count(*), sum(id), count(DISTINCT label) FROM
  (SELECT o.id, i.label FROM items_o o JOIN items_i i ON i.id = o.grp
   ORDER BY o.id) j;
SELECT count(*) AS requests FROM requests();
DROP SERVER short_urls CASCADE;

SELECT svc('POST', '/_reset');
DROP SCHEMA t_join CASCADE;
DROP SERVER pgrst_join CASCADE;
