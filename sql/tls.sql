--
-- HTTPS against the test service's TLS port, with a throwaway CA made at
-- test time (test/tls_setup.sh): the CA in ssl_ca_file is trusted, the
-- system's bundle alone is not; ssl_verify 'false' trusts anything; a
-- client certificate is sent when configured.  The test command exports
-- REST_TLS_PORT and REST_TLS_DIR.
--
CREATE SCHEMA t_tls;
SET search_path = t_tls, public;
SELECT svc('POST', '/_reset');
\getenv tls_port REST_TLS_PORT
\getenv tls_dir REST_TLS_DIR
\set tls_connect_to '::127.0.0.1:' :tls_port
\set ca :tls_dir '/ca.pem'
\set client_cert :tls_dir '/client.pem'
\set client_key :tls_dir '/client.key'

-- the CA is given: the service's certificate is verified
CREATE SERVER tls_ca FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://svc.test/api/', connect_to :'tls_connect_to',
           ssl_ca_file :'ca');
CREATE USER MAPPING FOR PUBLIC SERVER tls_ca;
CREATE FOREIGN TABLE books_ca (id bigint, title text)
  SERVER tls_ca OPTIONS (resource 'plain/books/');
SELECT count(*) FROM books_ca;

-- without it: a certificate problem, curl's message in DETAIL, no retry
CREATE SERVER tls_noca FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://svc.test/api/', connect_to :'tls_connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER tls_noca;
CREATE FOREIGN TABLE books_noca (id bigint, title text)
  SERVER tls_noca OPTIONS (resource 'plain/books/');
SELECT curl_wording(try('SELECT * FROM books_noca')) AS try;
SELECT count(*) FROM books_ca;

-- a certificate for another name
CREATE SERVER tls_name FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://other.test/api/', connect_to :'tls_connect_to',
           ssl_ca_file :'ca');
CREATE USER MAPPING FOR PUBLIC SERVER tls_name;
CREATE FOREIGN TABLE books_name (id bigint, title text)
  SERVER tls_name OPTIONS (resource 'plain/books/');
SELECT curl_wording(try('SELECT * FROM books_name')) AS try;

-- ssl_verify 'false' (superuser only) accepts it anyway
CREATE SERVER tls_noverify FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://other.test/api/', connect_to :'tls_connect_to',
           ssl_verify 'false');
CREATE USER MAPPING FOR PUBLIC SERVER tls_noverify;
CREATE FOREIGN TABLE books_noverify (id bigint, title text)
  SERVER tls_noverify OPTIONS (resource 'plain/books/');
SELECT count(*) FROM books_noverify;

-- a client certificate, seen by the service
CREATE SERVER tls_client FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://svc.test/api/', connect_to :'tls_connect_to',
           ssl_ca_file :'ca', ssl_cert_file :'client_cert',
           ssl_key_file :'client_key');
CREATE USER MAPPING FOR PUBLIC SERVER tls_client;
CREATE FOREIGN TABLE books_client (id bigint, title text)
  SERVER tls_client OPTIONS (resource 'plain/books/');
SELECT svc('GET', '/_log');
SELECT count(*) FROM books_client;
SELECT count(*) FROM books_ca;
SELECT svc('GET', '/_log?headers=x-tls-client-cn');

-- a client certificate file that is not there
ALTER SERVER tls_client OPTIONS (SET ssl_cert_file '/nonexistent/client.pem');
SELECT split_part(try('SELECT * FROM books_client'), E'\n', 1);
SELECT count(*) FROM books_ca;

-- HTTPS to the plain HTTP port
\getenv port REST_TEST_PORT
\set plain_connect_to '::127.0.0.1:' :port
CREATE SERVER tls_wrong FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://svc.test/api/', connect_to :'plain_connect_to',
           ssl_ca_file :'ca', max_retries '0');
CREATE USER MAPPING FOR PUBLIC SERVER tls_wrong;
CREATE FOREIGN TABLE books_wrong (id bigint, title text)
  SERVER tls_wrong OPTIONS (resource 'plain/books/');
SELECT split_part(try('SELECT * FROM books_wrong'), E'\n', 1);
SELECT count(*) FROM books_ca;

SET client_min_messages = warning;
DROP SERVER tls_ca, tls_noca, tls_name, tls_noverify, tls_client, tls_wrong
  CASCADE;
RESET client_min_messages;
