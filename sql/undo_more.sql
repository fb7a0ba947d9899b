--
-- Option undo, when an undo request fails: the WARNING names the method,
-- the URL, the key and the status; rest_fdw.undo_failures() lists it for
-- the rest of the session.  Cancel and statement_timeout end an undo
-- request without failing the rollback; If-Match with the ETag of our
-- write refuses to overwrite a row another client changed (412).
--
CREATE SCHEMA t_undo_more;
SET search_path = t_undo_more, public;
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
SELECT svc('POST', '/_reset');
SELECT rest_fdw.undo_failures_reset() >= 0 AS reset;

CREATE FOREIGN TABLE books (id bigint, title text, price numeric(8,2))
  SERVER svc OPTIONS (resource 'books/', undo 'true');
CREATE FOREIGN TABLE books_plain (id bigint, title text, price numeric(8,2))
  SERVER svc OPTIONS (resource 'books/');
CREATE VIEW service_books AS
  SELECT id, title, price FROM books_plain WHERE id <= 3 ORDER BY id;
-- the failures, without their time
CREATE VIEW failures AS
  SELECT table_name, method, url, key, status, error
    FROM rest_fdw.undo_failures();

-- none yet
SELECT * FROM failures;

-- an undo PATCH the service refuses (503): a WARNING naming the request
-- and the key, and an entry of undo_failures(); the transaction still
-- rolls back, and the other undo requests run
BEGIN;
UPDATE books SET price = 1 WHERE id IN (1, 2);
SELECT svc('POST', '/_fault?path=/api/books/2/&method=PATCH&status=503');
ROLLBACK;
SELECT * FROM service_books;
SELECT * FROM failures;
SELECT failed_at <= now() AND failed_at > now() - interval '1 hour' AS recent
  FROM rest_fdw.undo_failures();
UPDATE books_plain SET price = 19.99 WHERE id = 2;

-- an undo DELETE of an inserted row that fails, in a savepoint: the entry
-- stays after the transaction commits
BEGIN;
SAVEPOINT s;
INSERT INTO books (title, price) VALUES ('Orphan', 1) RETURNING id AS new_id \gset
SELECT svc('POST', '/_fault?path=/api/books/' || :new_id || '/&method=DELETE&status=500');
ROLLBACK TO SAVEPOINT s;
COMMIT;
SELECT table_name, method, url = 'http://svc.test/api/books/' || :new_id || '/' AS url_ok,
       key = :'new_id' AS key_ok, status, error
  FROM rest_fdw.undo_failures() OFFSET 1;
DELETE FROM books_plain WHERE id = :new_id;

-- the failures are the session's: a new session has none
\c
SET search_path = t_undo_more, public;
SELECT count(*) FROM rest_fdw.undo_failures();
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port

-- a server that makes no retries and waits 1 s at most
CREATE SERVER undo_quick FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           timeout '1', max_retries '0', undo 'true');
CREATE USER MAPPING FOR PUBLIC SERVER undo_quick;
CREATE FOREIGN TABLE quick_books (id bigint, title text, price numeric(8,2))
  SERVER undo_quick OPTIONS (resource 'books/');

-- a service that closes the connection: the error text
BEGIN;
UPDATE quick_books SET title = 'Closed' WHERE id = 1;
-- (twice: libcurl itself retries once a reused connection that closes)
SELECT svc('POST', '/_fault?path=/api/books/1/&method=PATCH&close=1&times=2');
ROLLBACK;
SELECT method, url, key, status, curl_wording(error) FROM failures;
SELECT title FROM books_plain WHERE id = 1;
UPDATE books_plain SET title = 'Dune' WHERE id = 1;
SELECT rest_fdw.undo_failures_reset();
SELECT rest_fdw.undo_failures_reset();

-- an undo request that hangs ends at the server's timeout, and the
-- rollback completes; statement_timeout does not apply to a ROLLBACK
-- (PostgreSQL stops its timer before the transaction ends)
BEGIN;
UPDATE quick_books SET price = 2 WHERE id = 3;
SELECT svc('POST', '/_fault?path=/api/books/3/&method=PATCH&hang=30');
ROLLBACK;
SELECT method, url, key, status, error FROM failures;
SELECT price FROM books_plain WHERE id = 3;
UPDATE books_plain SET price = 7 WHERE id = 3;
SELECT rest_fdw.undo_failures_reset();
-- after an undo request that failed with an error, the session still
-- takes a cancel: a scan that hangs stops at statement_timeout
SELECT svc('POST', '/_fault?path=/api/books/&hang=30');
SET statement_timeout = '300ms';
SELECT count(*) FROM books_plain;
RESET statement_timeout;

-- where the abort happens inside a statement (an exception block, a
-- ROLLBACK in a procedure), statement_timeout ends an undo request that
-- hangs, long before the server's timeout (60 s here); the undo requests
-- after it are not sent: each is a WARNING and an entry; then the
-- statement is canceled
CREATE SERVER undo_slow FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           timeout '60', max_retries '0', undo 'true');
CREATE USER MAPPING FOR PUBLIC SERVER undo_slow;
CREATE FOREIGN TABLE slow_books (id bigint, title text, price numeric(8,2))
  SERVER undo_slow OPTIONS (resource 'books/');
SELECT count(*) >= 0 AS log_cleared FROM requests();
\set VERBOSITY terse
SET statement_timeout = '1s';
DO $$
BEGIN
  BEGIN
    UPDATE slow_books SET price = 3 WHERE id = 1;
    UPDATE slow_books SET price = 3 WHERE id = 2;
    PERFORM svc('POST', '/_fault?path=/api/books/2/&method=PATCH&hang=30');
    RAISE EXCEPTION 'roll back';
  EXCEPTION WHEN raise_exception THEN
    NULL;
  END;
END $$;
RESET statement_timeout;
\set VERBOSITY default
SELECT method, url, key, status, error FROM failures;
-- the service got the undo of row 2 (which hung), not that of row 1
SELECT requests();
SELECT id, price FROM service_books;
UPDATE books_plain SET price = 9.95 WHERE id = 1;
UPDATE books_plain SET price = 19.99 WHERE id = 2;
SELECT rest_fdw.undo_failures_reset();

CREATE PROCEDURE write_then_roll_back() LANGUAGE plpgsql AS $$
BEGIN
  UPDATE slow_books SET price = 4 WHERE id = 1;
  PERFORM svc('POST', '/_fault?path=/api/books/1/&method=PATCH&hang=30');
  ROLLBACK;
END $$;
\set VERBOSITY terse
SET statement_timeout = '1s';
CALL write_then_roll_back();
RESET statement_timeout;
\set VERBOSITY default
SELECT method, url, key, status, error FROM failures;
SELECT id, price FROM service_books;
UPDATE books_plain SET price = 9.95 WHERE id = 1;
SELECT rest_fdw.undo_failures_reset();
-- the session goes on
SELECT count(*) FROM service_books;

-- a cancel (pg_cancel_backend) ends an undo request of a ROLLBACK, which
-- completes; another session makes the writes, through dblink
CREATE EXTENSION dblink;
CREATE FUNCTION wait_for_undo(backend int) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..600 LOOP
    PERFORM pg_stat_clear_snapshot();
    IF EXISTS (SELECT FROM pg_stat_activity
                WHERE pid = backend AND query = 'ROLLBACK'
                  AND wait_event_type = 'Extension') THEN
      RETURN true;
    END IF;
    PERFORM pg_sleep(0.05);
  END LOOP;
  RETURN false;
END $$;
SELECT dblink_connect('other',
  format('host=%s port=%s dbname=%s user=%s',
         split_part(current_setting('unix_socket_directories'), ',', 1),
         current_setting('port'), current_database(), current_user));
SELECT dblink_exec('other', 'SET client_min_messages = error');
SELECT dblink_exec('other', 'SET search_path = t_undo_more, public');
SELECT pid AS other_pid FROM dblink('other', 'SELECT pg_backend_pid()') AS t(pid int) \gset
SELECT dblink_exec('other', 'BEGIN');
SELECT dblink_exec('other', 'UPDATE slow_books SET price = 5 WHERE id IN (1, 3)');
SELECT svc('POST', '/_fault?path=/api/books/3/&method=PATCH&hang=30');
SELECT dblink_send_query('other', 'ROLLBACK');
SELECT wait_for_undo(:other_pid);
SELECT pg_cancel_backend(:other_pid);
SELECT * FROM dblink_get_result('other', false) AS t(status text);
SELECT * FROM dblink_get_result('other', false) AS t(status text);
SELECT * FROM dblink('other', 'SELECT method, key, status, error FROM rest_fdw.undo_failures()')
  AS t(method text, key text, status int, error text);
SELECT dblink_disconnect('other');
SELECT id, price FROM service_books;
UPDATE books_plain SET price = 9.95 WHERE id = 1;
UPDATE books_plain SET price = 7 WHERE id = 3;

-- the URL shown has no query (where a token could be): PostgREST's key
-- filter is shown as the key
CREATE SERVER pgrst_undo_more FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/pg/', dialect 'postgrest',
           connect_to :'connect_to', undo 'true');
CREATE USER MAPPING FOR PUBLIC SERVER pgrst_undo_more;
CREATE FOREIGN TABLE pg_books (id bigint, title text, price numeric(8,2))
  SERVER pgrst_undo_more OPTIONS (resource 'books');
BEGIN;
UPDATE pg_books SET price = 5 WHERE id = 2;
SELECT svc('POST', '/_fault?path=/api/pg/books&method=PATCH&status=502');
ROLLBACK;
SELECT method, url, key, status, error FROM failures;
UPDATE pg_books SET price = 19.99 WHERE id = 2;
SELECT rest_fdw.undo_failures_reset();
SELECT svc('POST', '/_reset');

-- batched INSERTs under undo: each POST of several rows asks for them
-- back, and the rollback deletes every key it created
ALTER FOREIGN TABLE pg_books OPTIONS (ADD batch_size '3');
EXPLAIN (VERBOSE, COSTS OFF)
  INSERT INTO pg_books (title, price) SELECT 'Batch ' || i, i FROM generate_series(1, 5) i;
CREATE TEMP TABLE pg_before AS SELECT id, title, price FROM pg_books;
SELECT count(*) >= 0 AS log_cleared FROM requests();
BEGIN;
INSERT INTO pg_books (title, price) SELECT 'Batch ' || i, i FROM generate_series(1, 5) i;
SELECT title, price FROM pg_books WHERE title LIKE 'Batch %' ORDER BY title;
ROLLBACK;
SELECT requests();
-- the service holds the rows it held before
(SELECT id, title, price FROM pg_books EXCEPT ALL TABLE pg_before)
UNION ALL
(TABLE pg_before EXCEPT ALL SELECT id, title, price FROM pg_books);
-- committed, they stay
INSERT INTO pg_books (title, price) SELECT 'Kept ' || i, i FROM generate_series(1, 4) i;
SELECT title, price FROM pg_books WHERE title LIKE 'Kept %' ORDER BY title;
-- ON CONFLICT DO NOTHING: only the rows created are deleted
BEGIN;
INSERT INTO pg_books (id, title, price)
  VALUES (1, 'Dup 1', 1), (1000, 'Fresh', 2), (2, 'Dup 2', 2)
  ON CONFLICT DO NOTHING;
SELECT count(*) >= 0 AS log_cleared FROM requests();
ROLLBACK;
SELECT requests();
SELECT id, title FROM pg_books WHERE id IN (1, 2, 1000) OR title = 'Fresh' ORDER BY id;
SELECT svc('POST', '/_reset');

-- ETags: the service sends one with each item; the undo sends the one of
-- the row as our write left it as If-Match
CREATE FOREIGN TABLE tagged (id bigint, title text, price numeric(8,2))
  SERVER svc OPTIONS (resource 'etag/books/', undo 'true');
CREATE FOREIGN TABLE tagged_other (id bigint, title text, price numeric(8,2))
  SERVER svc OPTIONS (resource 'etag/books/');
SELECT count(*) >= 0 AS log_cleared FROM requests();
BEGIN;
UPDATE tagged SET price = 1 WHERE id = 1;
ROLLBACK;
SELECT regexp_replace(line, '"[0-9a-f]{16}"', '"<etag>"') AS request
  FROM svc('GET', '/_log?headers=if-match') AS line;
SELECT id, price FROM tagged_other WHERE id = 1;

-- another client changes the row between our write and the rollback: the
-- undo is refused with 412, reported, and the other client's value stays
BEGIN;
UPDATE tagged SET price = 2 WHERE id = 1;
UPDATE tagged_other SET title = 'Changed by another client' WHERE id = 1;
ROLLBACK;
SELECT method, url, key, status, error FROM failures;
SELECT id, title, price FROM tagged_other WHERE id = 1;

-- the same for an inserted row: the undo DELETE is refused
BEGIN;
INSERT INTO tagged (title, price) VALUES ('Mine', 1) RETURNING id AS tagged_id \gset
UPDATE tagged_other SET price = 99 WHERE id = :tagged_id;
ROLLBACK;
SELECT method, key = :'tagged_id' AS key_ok, status, error
  FROM failures OFFSET 1;
SELECT title, price FROM tagged_other WHERE id = :tagged_id;

-- a deleted row is re-created by a POST, without If-Match
BEGIN;
DELETE FROM tagged WHERE id = 2;
ROLLBACK;
SELECT count(*) FROM tagged_other WHERE title = 'Café Ω';
SELECT rest_fdw.undo_failures_reset();
SELECT svc('POST', '/_reset');

SET client_min_messages = warning;
DROP SERVER undo_quick CASCADE;
DROP SERVER undo_slow CASCADE;
DROP SERVER pgrst_undo_more CASCADE;
DROP SCHEMA t_undo_more CASCADE;
RESET client_min_messages;
