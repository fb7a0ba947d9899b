--
-- Requests made by Django's select_related shapes over two tables of the
-- test service (not part of REGRESS): 3000 "reviews" (the items
-- collection, grp 1 to 300 as book_id) and 3000 "books" (items again),
-- 100 rows a page.  Run it as a pg_regress test after setup, with the test
-- services started as for the regression suite:
--   cp bench/join_requests.sql sql/ && touch expected/join_requests.out &&
--   make installcheck REGRESS="setup join_requests"
-- and read results/join_requests.out (the last table: rows and requests
-- per query).  With join pushdown (join.c): 2, 2, 6, 6, 60 requests;
-- before it: 26, 101, 33, 33, 60.
--
CREATE SCHEMA t_measure;
SET search_path = t_measure, public;
SELECT svc('POST', '/_reset');
CREATE FOREIGN TABLE reviews (id int, book_id int OPTIONS (field 'grp'),
                              category int, label text)
  SERVER svc OPTIONS (resource 'items/', page_size_param 'page_size',
                      page_size '100', prefetch '0',
                      filters 'id, id__in, category', ordering 'id');
CREATE FOREIGN TABLE ibooks (id int, label text, category int)
  SERVER svc OPTIONS (resource 'items/', page_size_param 'page_size',
                      page_size '100', prefetch '0',
                      filters 'id, id__in, category', ordering 'id');
ANALYZE reviews;
ANALYZE ibooks;
SELECT count(*) > 0 FROM requests();
CREATE TEMP TABLE m (q text, rows bigint, requests bigint);
CREATE FUNCTION measure(q text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM (%s) s', q) INTO n;
  INSERT INTO m SELECT q, n, count(*) FROM requests();
END $$;
SELECT measure('SELECT r.id, b.label FROM reviews r JOIN ibooks b ON r.book_id = b.id ORDER BY r.id LIMIT 25');
SELECT measure('SELECT r.id, b.label FROM reviews r LEFT JOIN ibooks b ON r.book_id = b.id ORDER BY r.id LIMIT 100');
SELECT measure('SELECT r.id, b.label FROM reviews r JOIN ibooks b ON r.book_id = b.id WHERE r.category = 1');
SELECT measure('SELECT r.id, b.label FROM reviews r JOIN ibooks b ON r.book_id = b.id WHERE r.category = 1 ORDER BY r.label LIMIT 25');
SELECT measure('SELECT r.id, b.label FROM reviews r JOIN ibooks b ON r.book_id = b.id');
SELECT * FROM m;
DROP FUNCTION measure(text);
SELECT svc('POST', '/_reset');
DROP SCHEMA t_measure CASCADE;
