--
-- A request in progress stops on statement_timeout (SQLSTATE 57014) and
-- on the server's timeout, and the next query works.
--
CREATE SCHEMA t_cancel;
SET search_path = t_cancel, public;
SELECT svc('POST', '/_reset');
CREATE FOREIGN TABLE books (
  id    bigint,
  title text
) SERVER svc OPTIONS (resource 'books/');

SELECT svc('POST', '/_fault?path=/api/books/&hang=30');
SET statement_timeout = '300ms';
SELECT * FROM books;
RESET statement_timeout;
-- the same backend and connection cache go on working
SELECT count(*) FROM books;

-- the server's total timeout bounds every request
CREATE SERVER slow FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', timeout '0.5');
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
ALTER SERVER slow OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER slow;
CREATE FOREIGN TABLE slow_books (id bigint) SERVER slow OPTIONS (resource 'books/');
SELECT svc('POST', '/_fault?path=/api/books/&hang=30');
SELECT try('SELECT * FROM slow_books');
SELECT svc('POST', '/_fault?path=/api/books/&drip=30');
SELECT try('SELECT * FROM slow_books');
SELECT count(*) FROM slow_books;
-- cancel during a write
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&hang=30');
SET statement_timeout = '300ms';
INSERT INTO books (title) VALUES ('never');
RESET statement_timeout;
SELECT count(*) FROM books;
