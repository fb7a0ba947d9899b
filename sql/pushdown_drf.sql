--
-- Pushdown to a Django REST framework service: the query shapes Django
-- sends, what reaches the service, and what stays local.
--
CREATE SCHEMA t_drf;
SET search_path = t_drf, public;
SET datestyle = 'ISO, YMD';
SELECT svc('POST', '/_reset');

-- the service's django-filter FilterSet and OrderingFilter, declared
CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  city      text   OPTIONS (field '/publisher/city'),
  price     numeric(8,2),
  published date,
  tags      jsonb,
  in_stock  boolean
) SERVER svc OPTIONS (
  resource 'books/', page_size_param 'page_size',
  filters 'id__in, author_id, author_id__in, price__lt, price__lte, price__gt,
           price__gte, published__gte, published__lt, published__isnull, title,
           title__iexact, title__contains, title__icontains, title__istartswith,
           in_stock',
  ordering 'id, price, published, title',
  collation_matches 'true');

-- filter(author=2): sent, and checked again (the service may ignore it)
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE author_id = 2;
SELECT id FROM books WHERE author_id = 2;
SELECT requests();
-- filter(title__iexact='dune')
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE upper(title::text) = upper('dune');
SELECT id FROM books WHERE upper(title::text) = upper('dune');
-- filter(title__contains='A: ') and icontains, with Django's escaping
SELECT id FROM books WHERE title::text LIKE '%A: %';
SELECT id FROM books WHERE upper(title::text) LIKE upper('%why%');
SELECT id FROM books WHERE upper(title::text) LIKE upper('q&a%');
-- a literal % in the value: Django escapes it with a backslash
SELECT id FROM books WHERE title::text LIKE '%100\% #%';
SELECT requests();
-- a pattern with a wildcard inside cannot be sent
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE title LIKE 'D_ne';
-- filter(author__in=[1, 3]) and prefetch_related
SELECT id FROM books WHERE author_id IN (1, 3) ORDER BY id;
SELECT id FROM books WHERE author_id = ANY ('{3,1,3}'::bigint[]) ORDER BY id;
-- gt, gte, lt, lte, range
SELECT id FROM books WHERE price BETWEEN 9 AND 15 ORDER BY id;
SELECT id FROM books WHERE 10 < price ORDER BY id;
-- isnull
SELECT id FROM books WHERE published IS NULL;
-- booleans
SELECT id FROM books WHERE in_stock ORDER BY id;
SELECT id FROM books WHERE NOT in_stock ORDER BY id;
SELECT requests();
-- exclude(author=2) on a nullable column: not expressible in django-filter
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE NOT (author_id = 2 AND author_id IS NOT NULL);
SELECT id FROM books WHERE NOT (author_id = 2 AND author_id IS NOT NULL) ORDER BY id;
SELECT requests();

-- values quoted and percent-encoded: , . : ( ) ' " + & % # and non-ASCII
SELECT id FROM books WHERE title = 'Q&A: "Why" (2+2), 100% #1''s';
SELECT id FROM books WHERE title = 'Café Ω';
SELECT requests();

-- ORDER BY ... LIMIT ... OFFSET: order_by('-id')[2:4], first(), last()
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id, title FROM books ORDER BY id DESC LIMIT 2 OFFSET 2;
SELECT id, title FROM books ORDER BY id DESC LIMIT 2 OFFSET 2;
SELECT id FROM books ORDER BY id ASC LIMIT 1;
SELECT id FROM books ORDER BY id DESC LIMIT 1;
-- exists()
SELECT 1 AS a FROM books WHERE author_id = 1 LIMIT 1;
SELECT requests();
-- get(pk=...) sends LIMIT 21: the key picks the item URL instead
SELECT id FROM books WHERE id = 4 LIMIT 21;
SELECT requests();

-- the admin changelist: two counts and a page of rows
EXPLAIN (VERBOSE, COSTS OFF) SELECT COUNT(*) AS __count FROM books WHERE in_stock;
SELECT COUNT(*) AS __count FROM books WHERE in_stock;
SELECT COUNT(*) AS __count FROM books;
SELECT id, published FROM books ORDER BY published DESC, id DESC LIMIT 2 OFFSET 2;
SELECT requests();
-- a sort the service cannot do (NULLS LAST descending) stays local
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books ORDER BY published DESC NULLS LAST LIMIT 2;
-- ... but on a column that holds no NULLs, the key or a NOT NULL one, it is
-- the same sort
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books ORDER BY id DESC NULLS LAST LIMIT 2;
SELECT id FROM books ORDER BY id DESC NULLS LAST LIMIT 2;
CREATE FOREIGN TABLE books_sorted (
  id        bigint,
  title     text NOT NULL,
  published date
) SERVER svc OPTIONS (resource 'books/', page_size_param 'page_size',
                      ordering 'id, title, published', collation_matches 'true');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books_sorted ORDER BY title NULLS FIRST LIMIT 2;
SELECT id FROM books_sorted ORDER BY title NULLS FIRST LIMIT 2;
SELECT requests();
-- a service over SQLite or MySQL puts NULLs first ascending: nulls_sort
-- 'low' says so, and the sorts that put them there are sent, not the others
ALTER FOREIGN TABLE books_sorted OPTIONS (ADD nulls_sort 'low');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books_sorted ORDER BY published NULLS FIRST LIMIT 2;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books_sorted ORDER BY published DESC NULLS LAST LIMIT 2;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books_sorted ORDER BY published LIMIT 2;
-- 'unknown': no sort on a column that may hold NULLs
ALTER FOREIGN TABLE books_sorted OPTIONS (SET nulls_sort 'unknown');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books_sorted ORDER BY published LIMIT 2;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books_sorted ORDER BY title DESC, id LIMIT 2;
ALTER FOREIGN TABLE books_sorted OPTIONS (SET nulls_sort 'first');
DROP FOREIGN TABLE books_sorted;
-- an OFFSET that is not a whole number of pages stays local
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books ORDER BY id LIMIT 2 OFFSET 1;
SELECT id FROM books ORDER BY id LIMIT 2 OFFSET 1;
SELECT requests();

-- a condition the service does not know stays local, and then LIMIT
-- cannot be sent: the service's first rows might all fail it
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id FROM books WHERE city = 'Paris' ORDER BY id LIMIT 1;
SELECT id FROM books WHERE city = 'Paris' ORDER BY id LIMIT 1;
SELECT requests();
-- nor a count
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM books WHERE city = 'Paris';

-- a service that ignores a filter it was said to honour: the local check
-- keeps the answer right
CREATE FOREIGN TABLE books_lenient (
  id    bigint,
  city  text OPTIONS (field '/publisher/city')
) SERVER svc OPTIONS (resource 'books/', filters 'city');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books_lenient WHERE city = 'Paris';
SELECT id FROM books_lenient WHERE city = 'Paris';
SELECT requests();

-- values known only at execution: parameters and now()
SET plan_cache_mode = force_generic_plan;
PREPARE by_author(bigint) AS SELECT id FROM books WHERE author_id = $1 ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_author(1);
EXECUTE by_author(1);
EXECUTE by_author(3);
PREPARE top(int) AS SELECT id FROM books ORDER BY price LIMIT $1;
EXECUTE top(2);
RESET plan_cache_mode;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM books WHERE published < now()::date;
SELECT count(*) FROM books WHERE published < now()::date;
SELECT regexp_replace(r, '\d{4}-\d\d-\d\d', 'TODAY') FROM requests() r;

-- select_related across services: a nested loop asks for each author by
-- key, or the planner reads the authors once
CREATE FOREIGN TABLE authors (
  id   bigint,
  name text
) SERVER svc OPTIONS (resource 'authors/', pagination 'limit',
                      filters 'id__in, name');
CREATE TEMP TABLE local_reviews (book_id bigint, stars int);
INSERT INTO local_reviews VALUES (1, 5), (4, 3);
ANALYZE local_reviews;
-- (the recheck is printed as before PostgreSQL 17, which writes the
-- scanned table's column first)
SELECT replace(line, '(b.id = r.book_id)', '(r.book_id = b.id)') AS "QUERY PLAN"
  FROM explain_lines('VERBOSE, COSTS OFF',
    'SELECT r.stars, b.title FROM local_reviews r JOIN books b ON b.id = r.book_id') line;
SELECT r.stars, b.title FROM local_reviews r JOIN books b ON b.id = r.book_id
  ORDER BY r.stars;
SELECT requests();
-- prefetch_related's IN list, split when the URL would be too long
CREATE SERVER svc_short FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', max_url_length '256');
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
ALTER SERVER svc_short OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER svc_short;
CREATE FOREIGN TABLE books_short (id bigint, author_id bigint OPTIONS (field 'author'))
  SERVER svc_short OPTIONS (resource 'books/', filters 'author_id__in');
SELECT count(*), sum(id) FROM books_short
  WHERE author_id = ANY (ARRAY(SELECT generate_series(1, 120)));
SELECT requests();

-- aggregates and DISTINCT run here, over the filtered rows
SELECT sum(price), max(published) FROM books WHERE author_id = 1;
SELECT DISTINCT author_id FROM books ORDER BY author_id;
SELECT requests();

-- scans inside subqueries, as Django's Paginator.count() and
-- values().distinct().count() send them
SELECT count(*) FROM (SELECT id FROM books GROUP BY 1) s;
SELECT count(*) FROM (SELECT DISTINCT author_id FROM books) s;
SELECT * FROM (SELECT id FROM books ORDER BY id LIMIT 1) s;
SELECT (SELECT count(*) FROM books) AS total;
SELECT requests();
