--
-- A GROUP BY that undoes a LEFT JOIN: SELECT <columns of a> FROM a LEFT
-- JOIN b ON ... GROUP BY <columns of a, its key among them>, without
-- aggregates, has a group per row of a, so it is a scan of a alone
-- (Django's count of Author.objects.annotate(Count("books")): SELECT
-- count(*) FROM (SELECT a.id FROM a LEFT JOIN b ... GROUP BY 1)).  Every
-- other shape keeps PostgreSQL's grouping over the join; each query is
-- compared with the same query on local copies.
--
CREATE SCHEMA t_jgroup;
SET search_path = t_jgroup, public;
SET datestyle = 'ISO, YMD';
SELECT svc('POST', '/_reset');

CREATE FOREIGN TABLE books (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  price     numeric(8,2),
  in_stock  boolean
) SERVER svc OPTIONS (
  resource 'books/', page_size_param 'page_size', page_size '4', prefetch '0',
  filters 'id, id__in, author_id, author_id__in, price__lt, in_stock',
  ordering 'id, price, title', collation_matches 'true');
CREATE FOREIGN TABLE authors (
  id   bigint,
  name text,
  born date
) SERVER svc OPTIONS (resource 'authors/', pagination 'limit',
                      page_size '5', prefetch '0',
                      filters 'id, id__in, name, born__gte',
                      ordering 'id, name', collation_matches 'true');

-- authors without books, with one and with many; books without an author
-- and with an author the service lacks
INSERT INTO authors (name, born)
  SELECT 'author ' || g, date '1900-01-01' + g % 9
  FROM generate_series(1, 13) g;
INSERT INTO books (title, author_id, price, in_stock)
  SELECT 'book ' || g,
         CASE WHEN g % 7 = 0 THEN NULL WHEN g % 11 = 0 THEN 99
              WHEN g % 3 = 0 THEN 2 ELSE g % 5 + 1 END,
         g, CASE WHEN g % 4 = 0 THEN NULL ELSE g % 4 = 1 END
  FROM generate_series(1, 30) g;
CREATE TEMP TABLE l_books AS SELECT * FROM books;
CREATE TEMP TABLE l_authors AS SELECT * FROM authors;
-- authors with no book, with one, with several
SELECT count(*) FILTER (WHERE n = 0) AS none,
       count(*) FILTER (WHERE n = 1) AS one,
       count(*) FILTER (WHERE n > 1) AS several
  FROM (SELECT a.id, count(b.id) AS n FROM l_authors a
          LEFT JOIN l_books b ON b.author_id = a.id GROUP BY a.id) s;
SELECT count(*) > 0 FROM requests();

-- same_local(query): the query on the foreign tables and on the local
-- copies (the names with l_ in front)
CREATE FUNCTION same_local(q text) RETURNS text
LANGUAGE sql AS $$
  SELECT same_rows(q, regexp_replace(q, '\m(books|authors)\M', 'l_\1', 'g'))
$$;

-- the paginator's count: authors read alone, books not at all
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT count(*) FROM (SELECT a.id AS col1 FROM authors a
    LEFT OUTER JOIN books b ON (a.id = b.author_id) GROUP BY 1) subquery;
SELECT count(*) FROM (SELECT a.id AS col1 FROM authors a
  LEFT OUTER JOIN books b ON (a.id = b.author_id) GROUP BY 1) subquery;
SELECT r FROM requests() r ORDER BY r;
SELECT count(*) FROM (SELECT a.id AS col1 FROM l_authors a
  LEFT OUTER JOIN l_books b ON (a.id = b.author_id) GROUP BY 1) subquery;

-- the groups' columns, conditions on a sent (born) and checked here (a
-- pattern), and an ON clause with a condition of its own
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT a.id, a.name, a.born FROM authors a
    LEFT JOIN books b ON a.id = b.author_id AND b.price < 10
  WHERE a.born >= '1900-01-04' AND a.name ~ '1'
  GROUP BY a.id, a.name, a.born;
SELECT same_local($q$SELECT a.id, a.name, a.born FROM authors a
    LEFT JOIN books b ON a.id = b.author_id AND b.price < 10
  WHERE a.born >= '1900-01-04' AND a.name ~ '1'
  GROUP BY a.id, a.name, a.born$q$);
SELECT r FROM requests() r ORDER BY r;
SELECT same_local($q$SELECT a.name, a.born FROM authors a
    LEFT JOIN books b ON a.id = b.author_id AND a.born > '1900-01-05'
  GROUP BY a.born, a.id, a.name$q$);
-- the admin's filter choices: DISTINCT over the groups, here; books the
-- outer table of a LEFT JOIN whose scan the join's is (join_pushdown)
SELECT same_local($q$SELECT DISTINCT a.born FROM authors a
    LEFT OUTER JOIN books b ON (a.id = b.author_id)
  GROUP BY a.id, a.born$q$);
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT DISTINCT b.in_stock FROM books b
    LEFT OUTER JOIN authors a ON (a.id = b.author_id)
  GROUP BY b.id, b.in_stock ORDER BY 1;
SELECT DISTINCT b.in_stock FROM books b
    LEFT OUTER JOIN authors a ON (a.id = b.author_id)
  GROUP BY b.id, b.in_stock ORDER BY 1;
SELECT r FROM requests() r ORDER BY r;
SELECT DISTINCT b.in_stock FROM l_books b
    LEFT OUTER JOIN l_authors a ON (a.id = b.author_id)
  GROUP BY b.id, b.in_stock ORDER BY 1;
-- ORDER BY over the groups sent, LIMIT here; an expression of a's columns
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT a.id, upper(a.name) FROM authors a LEFT JOIN books b
    ON a.id = b.author_id GROUP BY a.id, a.name ORDER BY a.name DESC LIMIT 3;
SELECT a.id, upper(a.name) FROM authors a LEFT JOIN books b
    ON a.id = b.author_id GROUP BY a.id, a.name ORDER BY a.name DESC LIMIT 3;
SELECT a.id, upper(a.name) FROM l_authors a LEFT JOIN l_books b
    ON a.id = b.author_id GROUP BY a.id, a.name ORDER BY a.name DESC LIMIT 3;
SELECT r FROM requests() r ORDER BY r;
-- a HAVING without aggregates is a WHERE
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT a.id FROM authors a LEFT JOIN books b ON a.id = b.author_id
  GROUP BY a.id HAVING a.id > 3;
SELECT same_local($q$SELECT a.id FROM authors a
  LEFT JOIN books b ON a.id = b.author_id GROUP BY a.id HAVING a.id > 3$q$);
SELECT r FROM requests() r ORDER BY r;
-- a parameter in a's condition
PREPARE by_born(date) AS SELECT count(*) FROM (SELECT a.id FROM authors a
  LEFT JOIN books b ON a.id = b.author_id WHERE a.born >= $1 GROUP BY 1) s;
EXECUTE by_born('1900-01-10');
SELECT count(*) FROM l_authors WHERE born >= '1900-01-10';
DEALLOCATE by_born;
SELECT r FROM requests() r ORDER BY r;

-- Not a scan of authors alone: an aggregate, HAVING with one, a GROUP BY
-- without the key, an inner join (authors without books drop out), a WHERE reading
-- books (authors without books kept, with books dropped), books first
-- (its GROUP BY is not a key of authors), a volatile ON clause
SELECT same_local($q$SELECT a.id, count(b.id) AS n FROM authors a
  LEFT JOIN books b ON a.id = b.author_id GROUP BY a.id$q$);
SELECT same_local($q$SELECT a.id FROM authors a
  LEFT JOIN books b ON a.id = b.author_id GROUP BY a.id
  HAVING count(b.id) > 1$q$);
SELECT same_local($q$SELECT a.born FROM authors a
  LEFT JOIN books b ON a.id = b.author_id GROUP BY a.born$q$);
SELECT same_local($q$SELECT a.id FROM authors a
  JOIN books b ON a.id = b.author_id GROUP BY a.id$q$);
SELECT same_local($q$SELECT a.id FROM authors a
  LEFT JOIN books b ON a.id = b.author_id WHERE b.id IS NULL GROUP BY a.id$q$);
SELECT same_local($q$SELECT a.id FROM authors a
  LEFT JOIN books b ON a.id = b.author_id WHERE b.price IS DISTINCT FROM 5
  GROUP BY a.id$q$);
SELECT same_local($q$SELECT b.author_id FROM books b
  LEFT JOIN authors a ON a.id = b.author_id GROUP BY b.author_id$q$);
SELECT same_local($q$SELECT a.id, b.id AS bid FROM authors a
  LEFT JOIN books b ON a.id = b.author_id GROUP BY a.id, b.id$q$);
EXPLAIN (COSTS OFF)
  SELECT a.id, count(b.id) FROM authors a
    LEFT JOIN books b ON a.id = b.author_id GROUP BY a.id;
EXPLAIN (COSTS OFF)
  SELECT a.id FROM authors a JOIN books b ON a.id = b.author_id GROUP BY a.id;
EXPLAIN (COSTS OFF)
  SELECT a.id FROM authors a LEFT JOIN books b ON a.id = b.author_id
  WHERE b.id IS NULL GROUP BY a.id;
EXPLAIN (COSTS OFF)
  SELECT a.born FROM authors a LEFT JOIN books b ON a.id = b.author_id
  GROUP BY a.born;
EXPLAIN (COSTS OFF)
  SELECT a.id FROM authors a LEFT JOIN books b
    ON a.id = b.author_id AND random() < 2 GROUP BY a.id;
SELECT count(*) > 0 FROM requests();

--
-- With count(b.k), k b's key or a NOT NULL column, and b's service
-- counting rows per value (capabilities group_count): a's rows, and the
-- service's counts per b.author_id read whole once and matched to a's keys
-- (Django's Author.objects.annotate(Count("books"))); 0 for an author
-- without books.  The same books, from a collection with the capability.
--
CREATE FOREIGN TABLE cbooks (
  id        bigint,
  title     text,
  author_id bigint OPTIONS (field 'author'),
  price     numeric(8,2),
  in_stock  boolean
) SERVER svc OPTIONS (
  resource 'cap/books/', page_size_param 'page_size', page_size '4',
  prefetch '0', filters 'id, author_id, author_id__in, price__lt, in_stock',
  ordering 'id, price, title', collation_matches 'true',
  capabilities 'group_count');
CREATE FUNCTION same_counts(q text) RETURNS text
LANGUAGE sql AS $$
  SELECT same_rows(q, regexp_replace(regexp_replace(q, '\mcbooks\M', 'l_books', 'g'),
                                     '\mauthors\M', 'l_authors', 'g'))
$$;
SELECT count(*) > 0 FROM requests();

-- the changelist's rows: authors sorted by the service, LIMIT here
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT a.id, a.name, a.born, COUNT(b.id) AS book_count FROM authors a
    LEFT OUTER JOIN cbooks b ON (a.id = b.author_id)
  GROUP BY a.id, a.name, a.born ORDER BY a.name ASC, a.id ASC LIMIT 5;
SELECT a.id, a.name, a.born, COUNT(b.id) AS book_count FROM authors a
    LEFT OUTER JOIN cbooks b ON (a.id = b.author_id)
  GROUP BY a.id, a.name, a.born ORDER BY a.name ASC, a.id ASC LIMIT 5;
SELECT r FROM requests() r ORDER BY r;
SELECT a.id, a.name, a.born, COUNT(b.id) AS book_count FROM l_authors a
    LEFT OUTER JOIN l_books b ON (a.id = b.author_id)
  GROUP BY a.id, a.name, a.born ORDER BY a.name ASC, a.id ASC LIMIT 5;
-- ordered by the count: sorted here
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT a.id, COUNT(b.id) AS book_count FROM authors a
    LEFT OUTER JOIN cbooks b ON (a.id = b.author_id)
  GROUP BY a.id ORDER BY 2 DESC, a.id DESC LIMIT 5;
SELECT a.id, COUNT(b.id) AS book_count FROM authors a
    LEFT OUTER JOIN cbooks b ON (a.id = b.author_id)
  GROUP BY a.id ORDER BY 2 DESC, a.id DESC LIMIT 5;
SELECT a.id, COUNT(b.id) AS book_count FROM l_authors a
    LEFT OUTER JOIN l_books b ON (a.id = b.author_id)
  GROUP BY a.id ORDER BY 2 DESC, a.id DESC LIMIT 5;
SELECT line FROM explain_lines('ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF',
  'SELECT a.id, COUNT(b.id) FROM authors a LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id') line
  WHERE line ~ 'Remote (batches|requests)';
SELECT count(*) > 0 FROM requests();

-- every author, a's conditions sent and checked here, an ON condition on
-- b sent with the counts, two counts and an expression of one, NOT NULL
SELECT same_counts($q$SELECT a.id, a.name, COUNT(b.id) AS n FROM authors a
  LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id, a.name$q$);
SELECT same_counts($q$SELECT a.id, COUNT(b.id) AS n FROM authors a
  LEFT JOIN cbooks b ON b.author_id = a.id
  WHERE a.born >= '1900-01-04' AND a.name ~ '1' GROUP BY a.id$q$);
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT a.id, COUNT(b.id) AS n FROM authors a
    LEFT JOIN cbooks b ON b.author_id = a.id AND b.in_stock
  GROUP BY a.id;
SELECT same_counts($q$SELECT a.id, COUNT(b.id) AS n FROM authors a
  LEFT JOIN cbooks b ON b.author_id = a.id AND b.in_stock GROUP BY a.id$q$);
SELECT r FROM requests() r ORDER BY r;
SELECT same_counts($q$SELECT a.id, COUNT(b.id) AS n, COUNT(b.id) + 1 AS m
  FROM authors a LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id$q$);
SELECT a.id, COUNT(b.id) AS n FROM authors a LEFT JOIN cbooks b
  ON a.id = b.author_id WHERE a.id IN (1, 2, 3, 4) GROUP BY a.id ORDER BY 1;
SELECT a.id, COUNT(b.id) AS n FROM l_authors a LEFT JOIN l_books b
  ON a.id = b.author_id WHERE a.id IN (1, 2, 3, 4) GROUP BY a.id ORDER BY 1;
-- a HAVING on the count (Django's filter(n__gt=1) after annotate), checked
-- on each row; on a count the target does not have; with a's columns
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT a.id, COUNT(b.id) AS n FROM authors a
    LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id
  HAVING COUNT(b.id) > 1;
SELECT same_counts($q$SELECT a.id, COUNT(b.id) AS n FROM authors a
  LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id
  HAVING COUNT(b.id) > 1$q$);
SELECT same_counts($q$SELECT a.id, a.name FROM authors a
  LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id, a.name
  HAVING COUNT(b.id) = 0$q$);
SELECT same_counts($q$SELECT a.id, COUNT(b.id) AS n FROM authors a
  LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id, a.name
  HAVING COUNT(b.id) >= 3 OR a.name ~ '1'$q$);
-- a scan run again with other values: each reads the counts again
SELECT g, (SELECT sum(n) FROM (SELECT a.id, COUNT(b.id) AS n FROM authors a
             LEFT JOIN cbooks b ON a.id = b.author_id WHERE a.id <= g
             GROUP BY a.id) s) AS books
  FROM generate_series(2, 6, 2) g;
SELECT g, (SELECT sum(n) FROM (SELECT a.id, COUNT(b.id) AS n FROM l_authors a
             LEFT JOIN l_books b ON a.id = b.author_id WHERE a.id <= g
             GROUP BY a.id) s) AS books
  FROM generate_series(2, 6, 2) g;
SELECT count(*) > 0 FROM requests();

-- Not the counts' scan: count(*) (1 for an author without books), the
-- count of a column that may be NULL, an ON condition on a, another join
-- clause, a HAVING with count(*), a collection without the capability
SELECT same_counts($q$SELECT a.id, count(*) AS n FROM authors a
  LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id$q$);
SELECT same_counts($q$SELECT a.id, count(b.in_stock) AS n FROM authors a
  LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id$q$);
SELECT same_counts($q$SELECT a.id, count(b.id) AS n FROM authors a
  LEFT JOIN cbooks b ON a.id = b.author_id AND a.born > '1900-01-05'
  GROUP BY a.id$q$);
SELECT same_counts($q$SELECT a.id, count(b.id) AS n FROM authors a
  LEFT JOIN cbooks b ON a.id = b.author_id AND b.price < a.id + 10
  GROUP BY a.id$q$);
SELECT same_counts($q$SELECT a.id, count(b.id) AS n FROM authors a
  LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id
  HAVING count(*) > 1$q$);
SELECT same_local($q$SELECT a.id, count(b.id) AS n FROM authors a
  LEFT JOIN books b ON a.id = b.author_id GROUP BY a.id$q$);
SELECT regexp_replace(line, '^\s*(->\s*)?', '') AS node FROM (VALUES
  ('SELECT a.id, count(*) FROM authors a LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id'),
  ('SELECT a.id, count(b.in_stock) FROM authors a LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id'),
  ($$SELECT a.id, count(b.id) FROM authors a LEFT JOIN cbooks b ON a.id = b.author_id AND a.born > '1900-01-05' GROUP BY a.id$$),
  ('SELECT a.id, count(b.id) FROM authors a LEFT JOIN cbooks b ON a.id = b.author_id GROUP BY a.id HAVING count(*) > 1'),
  ('SELECT a.id, count(b.id) FROM authors a LEFT JOIN books b ON a.id = b.author_id GROUP BY a.id')) v(q),
  LATERAL explain_lines('COSTS OFF', q) line
  WHERE line ~ '(Foreign Scan|Aggregate|Join)';
SELECT count(*) > 0 FROM requests();

-- a service whose groups lack their count: an error, not a count of 0
ALTER FOREIGN TABLE cbooks OPTIONS (SET resource 'cap/books_nocount/');
SELECT a.id, COUNT(b.id) FROM authors a LEFT JOIN cbooks b
  ON a.id = b.author_id GROUP BY a.id;
ALTER FOREIGN TABLE cbooks OPTIONS (SET resource 'cap/books/');
SELECT count(*) > 0 FROM requests();

-- a key whose collation calls two keys equal (nondeterministic): GROUP BY
-- merges them, so the groups are not the rows, and neither scan is used
CREATE COLLATION t_jgroup_ci (provider = icu, locale = 'und-u-ks-level2',
                              deterministic = false);
INSERT INTO authors (name) VALUES ('Same Name'), ('same name');
CREATE FOREIGN TABLE authors_ci (
  id   bigint,
  name text COLLATE t_jgroup_ci,
  born date
) SERVER svc OPTIONS (resource 'authors/', key 'name', pagination 'limit',
                      page_size '5', prefetch '0', filters 'id, name',
                      ordering 'id');
CREATE TEMP TABLE l_authors_ci AS SELECT * FROM authors_ci;
SELECT count(*) FROM (SELECT a.name FROM authors_ci a
  LEFT JOIN books b ON a.id = b.author_id GROUP BY a.name) s;
SELECT count(*) FROM (SELECT a.name FROM l_authors_ci a
  LEFT JOIN l_books b ON a.id = b.author_id GROUP BY a.name) s;
EXPLAIN (COSTS OFF)
  SELECT count(*) FROM (SELECT a.name FROM authors_ci a
    LEFT JOIN books b ON a.id = b.author_id GROUP BY a.name) s;
SELECT count(*) > 0 FROM requests();
