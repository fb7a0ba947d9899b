--
-- Joins across two services: a small outer side makes keyed lookups (with
-- Memoize) cheaper than reading the other collection, and a LIMIT over the
-- join reads neither collection completely.
--
CREATE SCHEMA t_join;
SET search_path = t_join, public;
SELECT svc('POST', '/_reset');
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER reviews_svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/',
           connect_to :'connect_to', timeout '5');
CREATE USER MAPPING FOR PUBLIC SERVER reviews_svc;
CREATE SERVER books_svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/',
           connect_to :'connect_to', timeout '5');
CREATE USER MAPPING FOR PUBLIC SERVER books_svc;
-- 3000 "reviews", 10 of each "book" 1 to 300 (the test service's items,
-- grp); 3000 "books", read 100 a page (30 requests for all of them).
-- (prefetch '0': pages asked for ahead of a LIMIT above a join would reach
-- the service or not, as the scan ends.)
CREATE FOREIGN TABLE reviews (id int, book_id int OPTIONS (field 'grp'),
                              category int, label text)
  SERVER reviews_svc OPTIONS (resource 'items_lo/', pagination 'limit',
                              filters 'id, id__in, book_id, category',
                              ordering 'id', prefetch '0');
CREATE FOREIGN TABLE books (id int, label text, category int)
  SERVER books_svc OPTIONS (resource 'items/', pagination 'page',
                            page_size_param 'page_size', page_size '100',
                            key 'id', filters 'id, id__in, category',
                            ordering 'id', prefetch '0');
CREATE TABLE local_reviews AS SELECT * FROM reviews;
CREATE TABLE local_books AS SELECT * FROM books;
ANALYZE reviews;
ANALYZE books;
SELECT count(*) > 0 AS analyzed FROM requests();

-- same(query): does the query give the same rows on the foreign tables as
-- on the local copies (%1$s: reviews, %2$s: books)?
CREATE FUNCTION same(query text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE f text; l text;
BEGIN
  EXECUTE format('SELECT string_agg(q::text, '' '') FROM (%s) q',
                 format(query, 'reviews', 'books')) INTO f;
  EXECUTE format('SELECT string_agg(q::text, '' '') FROM (%s) q',
                 format(query, 'local_reviews', 'local_books')) INTO l;
  RETURN f IS NOT DISTINCT FROM l AND f IS NOT NULL;
END $$;

-- ORDER BY the outer side's column, LIMIT: the first page of reviews,
-- then each review's book by key, once per book (Memoize)
EXPLAIN (VERBOSE, COSTS OFF)
SELECT r.id, b.label FROM reviews r JOIN books b ON b.id = r.book_id
ORDER BY r.id LIMIT 5;
SELECT r.id, b.label FROM reviews r JOIN books b ON b.id = r.book_id
ORDER BY r.id LIMIT 5;
SELECT requests();

-- ORDER BY the inner side's column first: books sorted by the service, the
-- reviews of each book by book_id, sorted here (Incremental Sort) until
-- five rows are found
EXPLAIN (VERBOSE, COSTS OFF)
SELECT r.id, b.id, b.label FROM reviews r JOIN books b ON b.id = r.book_id
ORDER BY b.id, r.id LIMIT 5;
SELECT r.id, b.id, b.label FROM reviews r JOIN books b ON b.id = r.book_id
ORDER BY b.id, r.id LIMIT 5;
SELECT requests();
SELECT same($$SELECT r.id, b.id, b.label FROM %1$s r JOIN %2$s b
              ON b.id = r.book_id ORDER BY b.id, r.id DESC LIMIT 12$$);
SELECT same($$SELECT r.id, b.label FROM %1$s r JOIN %2$s b
              ON b.id = r.book_id ORDER BY r.id LIMIT 7 OFFSET 2$$);
SELECT count(*) > 0 FROM requests();

-- a small outer side (6 reviews): 6 books by key rather than 30 pages
EXPLAIN (VERBOSE, COSTS OFF)
SELECT r.id, b.label FROM reviews r JOIN books b ON b.id = r.book_id
WHERE r.id IN (1, 2, 3, 4, 5, 300) ORDER BY r.id;
SELECT r.id, b.label FROM reviews r JOIN books b ON b.id = r.book_id
WHERE r.id IN (1, 2, 3, 4, 5, 300) ORDER BY r.id;
SELECT requests();

-- a large one (300 reviews): the books are read once, whole
EXPLAIN (VERBOSE, COSTS OFF)
SELECT r.id, b.label FROM reviews r JOIN books b ON b.id = r.book_id
WHERE r.category = 3 ORDER BY r.id;


SELECT same($$SELECT r.id, b.label FROM %1$s r JOIN %2$s b
              ON b.id = r.book_id WHERE r.category = 3 ORDER BY r.id$$);
SELECT requests();

-- At this size, reading the 3000 reviews once (3 requests) serves the
-- ORDER BY b.id above as well as a request per book.  At the scale
-- benchmark's (100,000 books, 300,000 reviews; the statistics say so
-- below), a request per book, until the LIMIT is met, costs less than
-- reading 300 pages of reviews: the books sorted by the service, the
-- reviews of each by book_id.
UPDATE pg_class SET reltuples = 300000 WHERE oid = 'reviews'::regclass;
UPDATE pg_class SET reltuples = 100000 WHERE oid = 'books'::regclass;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT r.id, b.id, b.label FROM reviews r JOIN books b ON b.id = r.book_id
ORDER BY b.id, r.id LIMIT 5;
SELECT r.id, b.id, b.label FROM reviews r JOIN books b ON b.id = r.book_id
ORDER BY b.id, r.id LIMIT 5;
SELECT requests();
SELECT same($$SELECT r.id, b.id, b.label FROM %1$s r JOIN %2$s b
              ON b.id = r.book_id ORDER BY b.id, r.id DESC LIMIT 12$$);
SELECT count(*) FROM requests();

DROP SCHEMA t_join CASCADE;
DROP SERVER reviews_svc CASCADE;
DROP SERVER books_svc CASCADE;
