--
-- Retries: a request that failed for a reason that may pass (no
-- connection, an empty reply, HTTP 429, 502, 503, 504) is made again if
-- its method is idempotent, within max_retries and retry_max_time,
-- following Retry-After.  POST only with an idempotency key, the same for
-- every try.  The service's request log shows every try.
--
CREATE SCHEMA t_retry;
SET search_path = t_retry, public;
SELECT svc('POST', '/_reset');
CREATE FOREIGN TABLE books (
  id    bigint,
  title text
) SERVER svc OPTIONS (resource 'plain/books/');

-- a 503, then success: two requests, every row
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=503');
SELECT count(*) FROM books;
SELECT requests();
-- 502, then 504, then success: three requests (max_retries is 2)
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=502');
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=504');
SELECT count(*) FROM books;
SELECT requests();
-- 500 is not retried
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=500');
SELECT try('SELECT count(*) FROM books');
SELECT requests();
-- a connection closed without a response, then success
SELECT svc('POST', '/_fault?path=/api/plain/books/&close=1');
SELECT count(*) FROM books;
SELECT requests();

-- the waits (shown at DEBUG1): doubling from 100 ms, or what Retry-After
-- asks
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=503&times=2');
SET client_min_messages = debug1;
SELECT count(*) FROM books;
RESET client_min_messages;
-- 429 with Retry-After: 1 (seconds), then success
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=429&retry_after=1');
SET client_min_messages = debug1;
SELECT count(*) FROM books;
RESET client_min_messages;
-- Retry-After as an HTTP date in the past: retried at once
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=503&retry_after=Wed,%2021%20Oct%202015%2007:28:00%20GMT');
SET client_min_messages = debug1;
SELECT count(*) FROM books;
RESET client_min_messages;
-- an invalid Retry-After: the usual wait
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=429&retry_after=soon');
SET client_min_messages = debug1;
SELECT count(*) FROM books;
RESET client_min_messages;
SELECT requests();

-- Retry-After past what is left of retry_max_time (10 s): fails at once,
-- with the 429 error and its hint
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=429&retry_after=3600');
SELECT count(*) FROM books;
SELECT requests();
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=429&retry_after=Fri,%2031%20Dec%202100%2023:59:59%20GMT');
SELECT try('SELECT count(*) FROM books');
SELECT requests();

-- max_retries exhausted: the error names the attempts
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=503&times=3');
SELECT count(*) FROM books;
SELECT requests();
SELECT count(*) FROM books;

-- servers with fewer retries, or less time for them
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER r_r0 FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           max_retries '0');
CREATE SERVER r_r1 FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           max_retries '1');
CREATE SERVER r_quick FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           retry_max_time '0.05');
CREATE USER MAPPING FOR PUBLIC SERVER r_r0;
CREATE USER MAPPING FOR PUBLIC SERVER r_r1;
CREATE USER MAPPING FOR PUBLIC SERVER r_quick;
CREATE FOREIGN TABLE books_r0 (id bigint, title text)
  SERVER r_r0 OPTIONS (resource 'plain/books/');
CREATE FOREIGN TABLE books_r1 (id bigint, title text)
  SERVER r_r1 OPTIONS (resource 'plain/books/');
CREATE FOREIGN TABLE books_quick (id bigint, title text)
  SERVER r_quick OPTIONS (resource 'plain/books/');
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=503&times=2');
SELECT try('SELECT count(*) FROM books_r0');
SELECT try('SELECT count(*) FROM books_r1');
SELECT requests();
-- the first wait (100 ms) does not fit in 50 ms
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=503');
SELECT try('SELECT count(*) FROM books_quick');
SELECT requests();

-- a cancel during the wait before a retry
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=503&retry_after=5');
SET statement_timeout = '300ms';
SELECT count(*) FROM books;
RESET statement_timeout;
SELECT count(*) FROM books;
SELECT requests();

-- option values
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://h/', max_retries '11');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://h/', retry_max_time '0');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://h/', retry_methods 'GET,POST');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://h/', retry_methods 'GET,FETCH');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://h/', idempotency_key_header 'Idempotency Key');

-- writes: POST is not retried without an idempotency key
CREATE FOREIGN TABLE wbooks (id bigint, title text)
  SERVER svc OPTIONS (resource 'books/');
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&status=503');
SELECT try($$INSERT INTO wbooks (title) VALUES ('Once')$$);
SELECT requests();
-- nor are DELETE and PATCH unless retry_methods names them
SELECT svc('POST', '/_fault?path=/api/books/1/&method=DELETE&status=503');
SELECT try('DELETE FROM wbooks WHERE id = 1');
SELECT requests();

-- with idempotency_key_header, a POST is retried with the same key
CREATE SERVER r_idem FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           idempotency_key_header 'Idempotency-Key',
           retry_methods 'GET, DELETE');
CREATE USER MAPPING FOR PUBLIC SERVER r_idem;
CREATE FOREIGN TABLE ibooks (id bigint, title text)
  SERVER r_idem OPTIONS (resource 'books/');
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&status=503');
INSERT INTO ibooks (title) VALUES ('Twice') RETURNING title;
CREATE TEMP TABLE keys AS
  SELECT n, substring(line from '\[idempotency-key: (.*)\]$') AS key, line
  FROM svc('GET', '/_log?headers=idempotency-key') WITH ORDINALITY AS l(line, n);
SELECT count(*) AS requests,
       count(DISTINCT key) AS keys,
       bool_and(line LIKE 'POST /api/books/ {"title":"Twice"%') AS same_body,
       bool_and(key ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$') AS uuid_v4
FROM keys;
-- the next POST has a key of its own
INSERT INTO ibooks (title) VALUES ('Thrice');
SELECT count(*) AS requests,
       bool_and(substring(line from '\[idempotency-key: (.*)\]$') NOT IN (SELECT key FROM keys)) AS new_key
FROM svc('GET', '/_log?headers=idempotency-key') AS line;
-- PATCH is not retried (not in retry_methods), DELETE is
SELECT svc('POST', '/_fault?path=/api/books/6/&method=PATCH&status=503');
SELECT try($$UPDATE ibooks SET title = 'Twice!' WHERE id = 6$$);
SELECT requests();
SELECT svc('POST', '/_fault?path=/api/books/6/&method=DELETE&status=503');
DELETE FROM ibooks WHERE id = 6;
SELECT requests();

SET client_min_messages = warning;
DROP SERVER r_r0, r_r1, r_quick, r_idem CASCADE;
RESET client_min_messages;
