--
-- HTTP statuses and broken responses become errors with SQLSTATEs a
-- client can act on; never an empty or partial result.
--
CREATE SCHEMA t_errors;
SET search_path = t_errors, public;
SELECT svc('POST', '/_reset');
CREATE FOREIGN TABLE books (
  id    bigint,
  title text
) SERVER svc OPTIONS (resource 'books/');
CREATE FOREIGN TABLE plain_books (
  id    bigint,
  title text
) SERVER svc OPTIONS (resource 'plain/books/');

-- statuses, with the remote request and status in the context
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=500&body=boom');
SELECT * FROM plain_books;
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=502&times=3');
SELECT try('SELECT * FROM plain_books');
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=503&times=3');
SELECT try('SELECT * FROM plain_books');
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=429&retry_after=30');
SELECT * FROM plain_books;
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=401&body=%7B%22detail%22%3A%22no%22%7D');
SELECT try('SELECT * FROM plain_books');
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=403');
SELECT try('SELECT * FROM plain_books');
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=418');
SELECT try('SELECT * FROM plain_books');
-- a collection that does not exist
CREATE FOREIGN TABLE nowhere (id int) SERVER svc OPTIONS (resource 'nowhere/');
SELECT * FROM nowhere;
-- FastAPI-style validation errors in DETAIL
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&status=422&body=%7B%22detail%22%3A%5B%7B%22loc%22%3A%5B%22body%22%2C%22title%22%5D%2C%22msg%22%3A%22field%20required%22%7D%5D%7D');
INSERT INTO books (title) VALUES ('x');
-- PostgREST-style errors carry their SQLSTATE
SELECT svc('POST', '/_fault?path=/api/books/&method=POST&status=409&body=%7B%22code%22%3A%2223503%22%2C%22message%22%3A%22fk%20violation%22%2C%22details%22%3Anull%2C%22hint%22%3Anull%7D');
SELECT try($$INSERT INTO books (title) VALUES ('x')$$);
-- a long error body is cut
SELECT svc('POST', '/_fault?path=/api/plain/books/&status=500&body=' || repeat('x', 3000));
SELECT length(try('SELECT * FROM plain_books')) < 400 AS bounded;

-- an error on page 3 of 3 fails the whole query
SELECT svc('POST', '/_fault?path=/api/books/&after=2&status=500');
SELECT * FROM books;
SELECT requests();

-- broken bodies
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=%5B%7B%22id%22%3A1%2C%22title%22%3A%22a%22%7D%2C%7B%22id%22%3A2');
SELECT * FROM plain_books;
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=%5B%7B%22id%22%3A1%7D%5Dxyz');
SELECT * FROM plain_books;
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=42');
SELECT * FROM plain_books;
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=%7B%22detail%22%3A%22x%22%7D');
SELECT * FROM plain_books;
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=%5B1%2C2%5D');
SELECT * FROM plain_books;
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=%5B%7B%22id%22%3A1%2C%22title%22%3A%22%FF%FE%22%7D%5D');
SELECT try('SELECT * FROM plain_books');
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=%5B%7B%22id%22%3A1%2C%22title%22%3A%22a%5Cu0000b%22%7D%5D');
SELECT try('SELECT * FROM plain_books');
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=' || repeat('%5B', 5000));
SELECT try('SELECT * FROM plain_books');
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=');
SELECT try('SELECT * FROM plain_books');
-- a body shorter than its Content-Length, and corrupt gzip
SELECT svc('POST', '/_fault?path=/api/plain/books/&truncate=1');
SELECT curl_wording(try('SELECT * FROM plain_books')) AS try;
SELECT svc('POST', '/_fault?path=/api/plain/books/&gzip_corrupt=1');
SELECT try('SELECT * FROM plain_books');
-- a response larger than max_response_size
CREATE SERVER small FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', max_response_size '4kB');
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
ALTER SERVER small OPTIONS (ADD connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER small;
CREATE FOREIGN TABLE small_books (id bigint, title text)
  SERVER small OPTIONS (resource 'plain/books/');
SELECT svc('POST', '/_fault?path=/api/plain/books/&big=100000');
SELECT * FROM small_books;
-- a next link to another origin is refused
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=%7B%22next%22%3A%22http%3A%2F%2Fevil.test%2Fx%22%2C%22results%22%3A%5B%5D%7D');
SELECT * FROM plain_books;
-- next links that go round in circles are refused, not followed forever
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=%7B%22next%22%3A%22%3Fpage%3D2%22%2C%22results%22%3A%5B%7B%22id%22%3A1%2C%22title%22%3A%22a%22%7D%5D%7D');
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=%7B%22next%22%3A%22%2Fapi%2Fplain%2Fbooks%2F%22%2C%22results%22%3A%5B%7B%22id%22%3A2%2C%22title%22%3A%22b%22%7D%5D%7D');
SELECT * FROM plain_books;
SELECT svc('POST', '/_reset');
SELECT svc('POST', '/_fault?path=/api/plain/books/&raw=%7B%22next%22%3A%22%22%2C%22results%22%3A%5B%7B%22id%22%3A1%2C%22title%22%3A%22a%22%7D%5D%7D');
SELECT try('SELECT * FROM plain_books');
SELECT requests();
-- a redirect to file:// is refused
SELECT svc('POST', '/_fault?path=/api/plain/books/&redirect=file%3A%2F%2F%2Fetc%2Fpasswd');
SELECT try('SELECT * FROM plain_books');
-- a service that is not there
CREATE SERVER down FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://127.0.0.1:1/api/', connect_timeout '2');
CREATE USER MAPPING FOR PUBLIC SERVER down;
CREATE FOREIGN TABLE down_books (id int) SERVER down OPTIONS (resource 'books/');
SELECT split_part(try('SELECT * FROM down_books'), E'\n', 1);

-- after all this, the same connection still works
SELECT count(*) FROM books;
SELECT requests();
