--
-- The transfers of a connection (one user mapping), which the pages a scan
-- asks for ahead hold: open cursors share them, asking for fewer pages
-- ahead when others hold them, and a subtransaction's abort keeps those of
-- a cursor opened outside it.
--
CREATE SCHEMA t_xfer;
SET search_path = t_xfer, public;
SELECT svc('POST', '/_reset');
-- 300 pages of 10 rows, 8 asked for ahead
CREATE FOREIGN TABLE items (id bigint, grp bigint, label text)
  SERVER svc OPTIONS (resource 'items/', pagination 'page',
                      page_size_param 'page_size', page_size '10',
                      prefetch '8');
CREATE TABLE local_items AS SELECT * FROM items;
SELECT count(*), sum(id) FROM local_items;
SELECT count(*) > 0 AS asked FROM requests();

-- several open cursors that ask for pages ahead: the connection has 12
-- transfers; the second cursor takes those left but one, the others ask
-- for no page ahead but the next, and every cursor returns all its rows
BEGIN;
DECLARE c1 CURSOR FOR SELECT id FROM items;
DECLARE c2 CURSOR FOR SELECT id FROM items;
DECLARE c3 CURSOR FOR SELECT id FROM items;
DECLARE c4 CURSOR FOR SELECT id FROM items;
FETCH 1 FROM c1;
FETCH 1 FROM c2;
FETCH 1 FROM c3;
FETCH 1 FROM c4;
SELECT explain_lines('ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF',
                     'SELECT * FROM items') AS "QUERY PLAN";
MOVE 1000 IN c1;
FETCH 1 FROM c1;
MOVE 1000 IN c3;
FETCH 1 FROM c3;
MOVE 1000 IN c2;
FETCH 1 FROM c2;
MOVE FORWARD ALL IN c4;
MOVE FORWARD ALL IN c3;
MOVE FORWARD ALL IN c2;
MOVE FORWARD ALL IN c1;
COMMIT;
-- 300 pages per scan: none was asked for twice
SELECT count(*) FROM requests();

-- the same, three cursors read in turn row after row in PL/pgSQL: each
-- returns the rows of the local table, in the same order
CREATE FUNCTION read_in_turn() RETURNS TABLE (rows bigint, ids_in_order bool)
LANGUAGE plpgsql AS $$
DECLARE
  a refcursor;
  b refcursor;
  c refcursor;
  ia bigint; ib bigint; ic bigint;
  n bigint := 0;
  ordered bool := true;
BEGIN
  OPEN a FOR SELECT id FROM t_xfer.items;
  OPEN b FOR SELECT id FROM t_xfer.items;
  OPEN c FOR SELECT id FROM t_xfer.items;
  LOOP
    FETCH a INTO ia;
    EXIT WHEN NOT FOUND;
    FETCH b INTO ib;
    FETCH c INTO ic;
    n := n + 1;
    ordered := ordered AND ia = n AND ib = n AND ic = n;
  END LOOP;
  FETCH b INTO ib;
  ordered := ordered AND NOT FOUND;
  FETCH c INTO ic;
  ordered := ordered AND NOT FOUND;
  rows := n; ids_in_order := ordered;
  RETURN NEXT;
END $$;
SELECT * FROM read_in_turn();
SELECT count(*) FROM requests();

-- a cursor opened before a savepoint asks for pages ahead after it; the
-- rollback to the savepoint, after an error, keeps them: the cursor goes on
-- with the right rows, and no page is asked for twice
BEGIN;
DECLARE c CURSOR FOR SELECT id, label FROM items;
FETCH 2 FROM c;
SAVEPOINT s;
MOVE 40 IN c;
FETCH 1 FROM c;
SELECT 1 / 0;
ROLLBACK TO s;
FETCH 2 FROM c;
SAVEPOINT s2;
MOVE 100 IN c;
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=500');
CREATE FOREIGN TABLE broken (id bigint) SERVER svc OPTIONS (resource 'plain/books/');
SELECT * FROM broken;
ROLLBACK TO s2;
FETCH 1 FROM c;
MOVE FORWARD ALL IN c;
COMMIT;
SELECT count(*) AS requests, count(DISTINCT r) AS pages FROM requests() r;
-- a cursor opened after the savepoint goes with it
BEGIN;
SAVEPOINT s;
DECLARE d CURSOR FOR SELECT id FROM items;
FETCH 1 FROM d;
ROLLBACK TO s;
FETCH 1 FROM d;
ROLLBACK;
SELECT explain_lines('ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF',
                     'SELECT * FROM items') AS "QUERY PLAN";
SELECT svc('POST', '/_reset');
