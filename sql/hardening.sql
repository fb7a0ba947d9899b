--
-- Hardening: redirects, rest_fdw.allowed_hosts, superuser-only TLS
-- options, and faults (DNS, connect timeout, broken pages), each followed
-- by a query on the same connection that works.
--
CREATE SCHEMA t_hard;
SET search_path = t_hard, public;
SELECT svc('POST', '/_reset');
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE FOREIGN TABLE books (
  id    bigint,
  title text
) SERVER svc OPTIONS (resource 'plain/books/');

--
-- Redirects
--
-- within the origin: followed
SELECT svc('POST', '/_fault?path=/api/plain/books/&redirect=%2Fapi%2Fplain%2Fbooks%2F%3Fmoved%3D1');
SELECT count(*) FROM books;
SELECT requests();
-- to another host: refused by default, before it is contacted
SELECT svc('POST', '/_fault?path=/api/plain/books/&redirect=http%3A%2F%2Fother.test%2Fapi%2Fplain%2Fbooks%2F');
SELECT * FROM books;
SELECT requests();
SELECT count(*) FROM books;
-- to another port, or another scheme, of the same host: refused too
SELECT svc('POST', '/_fault?path=/api/plain/books/&redirect=http%3A%2F%2Fsvc.test%3A8080%2Fapi%2Fplain%2Fbooks%2F');
SELECT try('SELECT * FROM books');
SELECT svc('POST', '/_fault?path=/api/plain/books/&redirect=https%3A%2F%2Fsvc.test%2Fapi%2Fplain%2Fbooks%2F');
SELECT try('SELECT * FROM books');
SELECT count(*) FROM books;
-- a redirect loop: a clear error after 5 redirects
SELECT svc('POST', '/_fault?path=/api/plain/books/&times=0&redirect=%2Fapi%2Fplain%2Fbooks%2F');
SELECT * FROM books;
SELECT requests();
SELECT svc('POST', '/_reset');
SELECT count(*) FROM books;

-- follow_redirects 'none': not even within the origin
CREATE SERVER h_noredir FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           follow_redirects 'none');
CREATE USER MAPPING FOR PUBLIC SERVER h_noredir;
CREATE FOREIGN TABLE books_noredir (id bigint, title text)
  SERVER h_noredir OPTIONS (resource 'plain/books/');
SELECT svc('POST', '/_fault?path=/api/plain/books/&redirect=%2Fapi%2Fplain%2Fbooks%2F%3Fmoved%3D1');
SELECT * FROM books_noredir;
SELECT count(*) FROM books_noredir;

-- follow_redirects 'any' (superuser only): to another origin too ...
CREATE SERVER h_any FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           follow_redirects 'any', max_retries '0');
CREATE USER MAPPING FOR PUBLIC SERVER h_any;
CREATE FOREIGN TABLE books_any (id bigint, title text)
  SERVER h_any OPTIONS (resource 'plain/books/');
\set elsewhere 'http%3A%2F%2F127.0.0.1%3A' :port '%2Fapi%2Fplain%2Fbooks%2F'
SELECT svc('POST', '/_fault?path=/api/plain/books/&redirect=' || :'elsewhere');
SELECT count(*) FROM books_any;
SELECT requests();
-- ... but never with headers from the user mapping
CREATE ROLE rest_hdr;
GRANT USAGE ON SCHEMA t_hard TO rest_hdr;
GRANT SELECT ON books_any TO rest_hdr;
CREATE USER MAPPING FOR rest_hdr SERVER h_any OPTIONS (headers 'X-Api-Key: k');
SELECT svc('POST', '/_fault?path=/api/plain/books/&redirect=' || :'elsewhere');
SET ROLE rest_hdr;
SELECT split_part(t, E'\n', 1) AS error,
       t LIKE '%, and the user mapping sets headers.' AS because_of_headers
FROM try('SELECT * FROM books_any') AS t;
SELECT count(*) FROM books_any;
RESET ROLE;
SELECT requests();
DROP USER MAPPING FOR rest_hdr SERVER h_any;
REVOKE ALL ON books_any FROM rest_hdr;
REVOKE ALL ON SCHEMA t_hard FROM rest_hdr;
DROP ROLE rest_hdr;
-- option values
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://h/', follow_redirects 'always');

--
-- rest_fdw.allowed_hosts
--
SHOW rest_fdw.allowed_hosts;
SET rest_fdw.allowed_hosts = 'svc.test, *.example.com, 127.0.0.1:8001, [::1]:80, 10.0.0.0/8, fd00::/8, ::1';
SHOW rest_fdw.allowed_hosts;
SET rest_fdw.allowed_hosts = 'bad host!';
SET rest_fdw.allowed_hosts = 'svc.test,,example.com';
SET rest_fdw.allowed_hosts = '10.0.0.0/33';
SET rest_fdw.allowed_hosts = 'svc.test:0';
SET rest_fdw.allowed_hosts = 'svc.test:99999';
SET rest_fdw.allowed_hosts = '[::1';
SET rest_fdw.allowed_hosts = 'h.test/8';
SET rest_fdw.allowed_hosts = '*';
RESET rest_fdw.allowed_hosts;

-- a role that may create servers, but not change the setting
CREATE ROLE rest_hard LOGIN;
GRANT USAGE ON FOREIGN DATA WRAPPER rest_fdw TO rest_hard;
CREATE SCHEMA t_hard_role AUTHORIZATION rest_hard;
SET ROLE rest_hard;
SET rest_fdw.allowed_hosts = '';
SET search_path = t_hard_role, public;
\set pg_url 'http://127.0.0.1:' :PORT '/'
\set alias_url 'http://127.0.0.2:' :port '/api/'
\set name_url 'http://localhost:' :port '/api/'
CREATE SERVER h_to_postgres FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url :'pg_url', max_retries '0', connect_timeout '2');
CREATE SERVER h_to_alias FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url :'alias_url', max_retries '0', connect_timeout '2');
CREATE SERVER h_by_name FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url :'name_url', max_retries '0', connect_timeout '2');
CREATE USER MAPPING FOR rest_hard SERVER h_to_postgres;
CREATE USER MAPPING FOR rest_hard SERVER h_to_alias;
CREATE USER MAPPING FOR rest_hard SERVER h_by_name;
CREATE FOREIGN TABLE pg_items (id int) SERVER h_to_postgres OPTIONS (resource 'x/');
CREATE FOREIGN TABLE alias_books (id int) SERVER h_to_alias OPTIONS (resource 'plain/books/');
CREATE FOREIGN TABLE name_books (id int) SERVER h_by_name OPTIONS (resource 'plain/books/');
RESET ROLE;
SET search_path = t_hard, t_hard_role, public;
-- only the test service's address and port are allowed
\set allowed '127.0.0.1:' :port
SET rest_fdw.allowed_hosts = :'allowed';
SET ROLE rest_hard;
SET rest_fdw.allowed_hosts = '';
-- PostgreSQL's own port on the allowed address
SELECT try('SELECT * FROM pg_items');
-- another loopback address
SELECT try('SELECT * FROM alias_books');
-- a name that resolves to the allowed address and port
SELECT count(*) FROM name_books;
RESET ROLE;
-- connect_to targets are checked: svc.test goes to 127.0.0.1
SELECT count(*) FROM books;
SET rest_fdw.allowed_hosts = 'svc.test';
SELECT try('SELECT count(*) FROM books');
SET rest_fdw.allowed_hosts = '*.test, 127.0.0.2';
SELECT try('SELECT count(*) FROM books');
-- a kept-alive connection is not reused under a narrower setting
SET rest_fdw.allowed_hosts = :'allowed';
SELECT count(*) FROM books;
SET rest_fdw.allowed_hosts = '127.0.0.1:1';
SELECT try('SELECT count(*) FROM books');
-- redirects are checked where they lead, by address and by name (a
-- server without connect_to, following every redirect)
\set direct_url 'http://localhost:' :port '/api/'
CREATE SERVER h_direct FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url :'direct_url', follow_redirects 'any', max_retries '0');
CREATE USER MAPPING FOR PUBLIC SERVER h_direct;
CREATE FOREIGN TABLE direct_books (id bigint, title text)
  SERVER h_direct OPTIONS (resource 'plain/books/');
\set alias_redirect 'http%3A%2F%2F127.0.0.2%3A' :port '%2Fapi%2Fplain%2Fbooks%2F'
\set addr_redirect 'http%3A%2F%2F127.0.0.1%3A' :port '%2Fapi%2Fplain%2Fbooks%2F'
SET rest_fdw.allowed_hosts = 'localhost';
SELECT count(*) FROM direct_books;
SELECT svc('POST', '/_fault?path=/api/plain/books/&redirect=' || :'addr_redirect');
SELECT try('SELECT count(*) FROM direct_books');
SELECT count(*) FROM direct_books;
SET rest_fdw.allowed_hosts = :'allowed';
SELECT svc('POST', '/_fault?path=/api/plain/books/&redirect=' || :'alias_redirect');
SELECT try('SELECT count(*) FROM direct_books');
SELECT count(*) FROM direct_books;
-- CIDR ranges: 127.0.0.2 is allowed, so the connection is tried (and
-- refused: nothing listens there)
SET rest_fdw.allowed_hosts = '127.0.0.0/30';
SET ROLE rest_hard;
SELECT split_part(try('SELECT * FROM alias_books'), E'\n', 1);
RESET ROLE;
RESET rest_fdw.allowed_hosts;
SELECT count(*) FROM books;
SELECT requests();

--
-- TLS options: certificates are for superusers to choose
--
SET ROLE rest_hard;
CREATE SERVER h_tls1 FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://h.test/', ssl_verify 'false');
CREATE SERVER h_tls1 FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://h.test/', ssl_ca_file '/etc/ssl/certs/ca-certificates.crt');
CREATE SERVER h_tls1 FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://h.test/', ssl_cert_file '/tmp/c.pem');
CREATE SERVER h_tls1 FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://h.test/', ssl_key_file '/tmp/c.key');
CREATE SERVER h_tls1 FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://h.test/', follow_redirects 'any');
CREATE SERVER h_tls1 FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://h.test/', ssl_verify 'true', follow_redirects 'same-origin');
DROP SERVER h_tls1;
RESET ROLE;
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://h.test/', ssl_ca_file 'ca.pem');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://h.test/', ssl_verify 'maybe');

--
-- Faults, each followed by a working query
--
-- a host that does not resolve
CREATE SERVER h_nowhere FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://nowhere.invalid/api/', connect_timeout '5');
CREATE USER MAPPING FOR PUBLIC SERVER h_nowhere;
CREATE FOREIGN TABLE nowhere_books (id int) SERVER h_nowhere OPTIONS (resource 'books/');
SELECT try('SELECT * FROM nowhere_books');
SELECT count(*) FROM books;
-- a connection that is never accepted: connect_timeout, retried once
SELECT svc('GET', '/_blackhole') AS blackhole \gset
\set bh_connect_to '::127.0.0.1:' :blackhole
CREATE SERVER h_blackhole FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'bh_connect_to',
           connect_timeout '0.3', max_retries '1');
CREATE USER MAPPING FOR PUBLIC SERVER h_blackhole;
CREATE FOREIGN TABLE blackhole_books (id int)
  SERVER h_blackhole OPTIONS (resource 'books/');
SELECT * FROM blackhole_books;
SELECT count(*) FROM books;
-- a body shorter than its Content-Length
SELECT svc('POST', '/_fault?path=/api/plain/books/&truncate=1');
SELECT curl_wording(try('SELECT * FROM books')) AS try;
SELECT count(*) FROM books;
-- a response far larger than max_response_size
CREATE SERVER h_small FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           max_response_size '4kB');
CREATE USER MAPPING FOR PUBLIC SERVER h_small;
CREATE FOREIGN TABLE small_books (id bigint, title text)
  SERVER h_small OPTIONS (resource 'plain/books/');
SELECT svc('POST', '/_fault?path=/api/plain/books/&big=10000000');
SELECT try('SELECT * FROM small_books');
SELECT count(*) FROM small_books;
-- a service that accepts and never answers
CREATE SERVER h_hang FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           timeout '0.5');
CREATE USER MAPPING FOR PUBLIC SERVER h_hang;
CREATE FOREIGN TABLE hang_books (id bigint, title text)
  SERVER h_hang OPTIONS (resource 'plain/books/');
SELECT svc('POST', '/_fault?path=/api/plain/books/&hang=30');
SELECT try('SELECT * FROM hang_books');
SELECT count(*) FROM hang_books;
SELECT requests();
-- 500 on page 3 of 5: an error, not 2 pages of rows
CREATE SERVER h_js FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/js/', connect_to :'connect_to',
           dialect 'json-server', page_size '1', prefetch '0');
CREATE USER MAPPING FOR PUBLIC SERVER h_js;
CREATE FOREIGN TABLE js_books (id bigint, title text)
  SERVER h_js OPTIONS (resource 'books');
SELECT svc('POST', '/_fault?path=/api/js/books&after=2&status=500');
SELECT try('SELECT * FROM js_books');
SELECT regexp_replace(line, '^GET /api/js/books\?.*_page=([0-9]+).*$', 'page \1') AS request
FROM requests() AS line;
-- 503 on page 3 of 5: retried, every row
SELECT svc('POST', '/_fault?path=/api/js/books&after=2&status=503');
SELECT id, title FROM js_books;
SELECT regexp_replace(line, '^GET /api/js/books\?.*_page=([0-9]+).*$', 'page \1') AS request
FROM requests() AS line;

SET client_min_messages = warning;
DROP SCHEMA t_hard_role CASCADE;
DROP SERVER h_noredir, h_any, h_direct, h_to_postgres, h_to_alias, h_by_name, h_nowhere,
  h_blackhole, h_small, h_hang, h_js CASCADE;
RESET client_min_messages;
REVOKE ALL ON FOREIGN DATA WRAPPER rest_fdw FROM rest_hard;
DROP ROLE rest_hard;
