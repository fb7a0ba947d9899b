--
-- pattern_matches: a table vouching that its Django REST framework service
-- matches patterns and folds case as PostgreSQL does (Django on PostgreSQL,
-- same collation).  Its icontains, iexact, contains and istartswith are then
-- exact: still checked here again, but count(*), LIMIT and OFFSET go to the
-- service as with an exact filter.  Without the option they stay here.
--
CREATE SCHEMA t_pattern;
SET search_path = t_pattern, public;
SELECT svc('POST', '/_reset');

CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author')
) SERVER svc OPTIONS (
  resource 'books/', page_size_param 'page_size',
  filters 'author_id, title, title__iexact, title__contains, title__icontains,
           title__istartswith',
  ordering 'id, title', collation_matches 'true', pattern_matches 'true');
CREATE FOREIGN TABLE approx_books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author')
) SERVER svc OPTIONS (
  resource 'books/', page_size_param 'page_size',
  filters 'author_id, title, title__iexact, title__contains, title__icontains,
           title__istartswith',
  ordering 'id, title', collation_matches 'true');

-- ASCII titles, on which the service's case folding is PostgreSQL's
INSERT INTO books (title, author_id)
  VALUES ('The Hobbit', 1), ('Gather', 2), ('THE END', 2), ('Other Tales', 1),
         ('the', 3), (' the', 3);
CREATE TABLE local_books AS SELECT * FROM books;
CREATE TABLE local_approx_books AS SELECT * FROM books;
SELECT count(*) FROM local_books;

-- same_rows(query, tab): a query whose %1$s names a table, run on the
-- foreign table and on its local copy; its rows and whether they agree
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

-- Django's filter(title__icontains='the').count(): the count is sent
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT count(*) FROM books WHERE upper(title::text) LIKE upper('%the%');
SELECT same_rows($$SELECT count(*) FROM %1$s
                   WHERE upper(title::text) LIKE upper('%%the%%')$$);
SELECT requests();
-- without the option it is not: every matching row is read to count it
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT count(*) FROM approx_books WHERE upper(title::text) LIKE upper('%the%');
SELECT same_rows($$SELECT count(*) FROM %1$s
                   WHERE upper(title::text) LIKE upper('%%the%%')$$, 'approx_books');
SELECT requests();

-- a page of Django's list: LIMIT and OFFSET sent with the option only
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id, title FROM books WHERE upper(title::text) LIKE upper('%the%')
  ORDER BY id LIMIT 2 OFFSET 2;
SELECT same_rows($$SELECT id, title FROM %1$s
                   WHERE upper(title::text) LIKE upper('%%the%%')
                   ORDER BY id LIMIT 2 OFFSET 2$$);
SELECT requests();
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT id, title FROM approx_books WHERE upper(title::text) LIKE upper('%the%')
  ORDER BY id LIMIT 2 OFFSET 2;
SELECT same_rows($$SELECT id, title FROM %1$s
                   WHERE upper(title::text) LIKE upper('%%the%%')
                   ORDER BY id LIMIT 2 OFFSET 2$$, 'approx_books');
SELECT requests();

-- iexact, contains, istartswith: counted by the service with the option
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT count(*) FROM books WHERE upper(title::text) = upper('the end');
SELECT same_rows($$SELECT count(*) FROM %1$s
                   WHERE upper(title::text) = upper('the end')$$);
SELECT same_rows($$SELECT count(*) FROM %1$s WHERE title::text LIKE '%%the%%'$$);
SELECT same_rows($$SELECT count(*) FROM %1$s
                   WHERE upper(title::text) LIKE upper('the%%')$$);
SELECT requests();
SELECT same_rows($$SELECT count(*) FROM %1$s
                   WHERE upper(title::text) = upper('the end')$$, 'approx_books');
SELECT same_rows($$SELECT count(*) FROM %1$s WHERE title::text LIKE '%%the%%'$$,
                 'approx_books');
SELECT requests();

-- still approximate with the option: a substring django-filter strips
-- (' the' finds 'the' too) and PostgreSQL's ILIKE (lower case folding,
-- which Django's icontains does not do: it stays here)
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT count(*) FROM books WHERE upper(title::text) LIKE upper('% the%');
SELECT same_rows($$SELECT count(*) FROM %1$s
                   WHERE upper(title::text) LIKE upper('%% the%%')$$);
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT count(*) FROM books WHERE title ILIKE '%the%';
SELECT same_rows($$SELECT count(*) FROM %1$s WHERE title ILIKE '%%the%%'$$);
SELECT requests();

-- the option's values: a boolean, on a foreign table only
ALTER FOREIGN TABLE books OPTIONS (SET pattern_matches 'maybe');
\set VERBOSITY terse
ALTER SERVER svc OPTIONS (ADD pattern_matches 'true');
\set VERBOSITY default
ALTER FOREIGN TABLE books OPTIONS (SET pattern_matches 'false');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT count(*) FROM books WHERE upper(title::text) LIKE upper('%the%');

SELECT svc('POST', '/_reset');
DROP SCHEMA t_pattern CASCADE;
