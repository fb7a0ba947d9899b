--
-- OAuth 2.0 client credentials: a user mapping's oauth_token_url,
-- client_id, client_secret, scope and audience, against a real
-- authorization server (django-oauth-toolkit) and an API of Django REST
-- framework that requires its tokens (test/oauth), which the test command
-- started on a free port.  Both are reached as http://auth.test through
-- connect_to.
--
\getenv oauth_port OAUTH_SERVER_PORT
\set connect_to '::127.0.0.1:' :oauth_port
SET oauth_test.port = :'oauth_port';

-- oauth(path): call a control endpoint of the test server, one row a line
-- (/_log: the requests since the last call; /_tokens: every access token
-- issued; /_revoke: delete them all).
CREATE FUNCTION oauth(path text) RETURNS SETOF text
LANGUAGE sql AS $$ SELECT http_lines(current_setting('oauth_test.port'), 'GET', path) $$;

CREATE SERVER auth_svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://auth.test/api/', connect_to :'connect_to',
           timeout '5', pagination 'none');
CREATE FOREIGN TABLE auth_books (id int, title text)
  SERVER auth_svc OPTIONS (resource 'books/');

-- the options come together, and never show the secret
CREATE USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (oauth_token_url 'http://auth.test/o/token/', client_id 'rest-fdw');
CREATE USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (scope 'read');
CREATE USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (oauth_token_url 'http://auth.test/o/token/', client_id 'rest-fdw',
           client_secret 'fdw-secret-0123456789', bearer_token 'abc');
CREATE USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (oauth_token_url 'ftp://auth.test/o/token/', client_id 'rest-fdw',
           client_secret 'fdw-secret-0123456789');
CREATE USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (oauth_token_url 'http://id:pw@auth.test/o/token/',
           client_id 'rest-fdw', client_secret 'fdw-secret-0123456789');
CREATE USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (oauth_token_url 'http://auth.test/o/token/', client_id 'rest-fdw',
           client_secret E'fdw-secret\n0123456789');

CREATE USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (oauth_token_url 'http://auth.test/o/token/', client_id 'rest-fdw',
           client_secret 'fdw-secret-0123456789', scope 'read',
           audience 'books-api');
SELECT oauth('/_log');

-- the first query fetches a token (client credentials as HTTP Basic, the
-- grant, scope and audience as a form), then sends it
SELECT * FROM auth_books ORDER BY id;
SELECT oauth('/_log');
-- the next ones reuse it
SELECT count(*) FROM auth_books;
SELECT title FROM auth_books WHERE id = 2;
SELECT oauth('/_log');

-- a token the service refuses (revoked here) is renewed once, at once
SELECT oauth('/_revoke');
SELECT count(*) FROM auth_books;
SELECT oauth('/_log');

-- a change of the user mapping drops the cached token
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (SET scope 'read write');
SELECT count(*) FROM auth_books;
SELECT oauth('/_log');

-- EXPLAIN shows neither the secret nor the token
SELECT explain_lines('VERBOSE, COSTS OFF', 'SELECT * FROM auth_books');
SELECT count(*) AS lines_with_secrets
  FROM explain_lines('VERBOSE, COSTS OFF', 'SELECT * FROM auth_books') AS e(line),
       (SELECT oauth('/_tokens') UNION ALL SELECT 'fdw-secret-0123456789') AS s(secret)
 WHERE position(secret IN line) > 0;

-- a token lives until shortly before its expires_in: the application
-- "short" gets tokens of 3 seconds, renewed after 2.7
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (SET client_id 'short', SET client_secret 'short-secret-0123456',
           DROP audience);
SELECT count(*) FROM auth_books;
SELECT count(*) FROM auth_books;
SELECT oauth('/_log');
SELECT pg_sleep(3);
SELECT count(*) FROM auth_books;
SELECT oauth('/_log');

-- the token endpoint refuses the client: a clear error, without the secret
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (SET client_id 'rest-fdw', SET client_secret 'wrong-secret-42');
SELECT count(*) FROM auth_books;
SELECT oauth('/_log');

-- the service refuses even a new token: renewed once, then the 401 is
-- reported
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (SET client_id 'refused', SET client_secret 'refused-secret-01234');
SELECT count(*) FROM auth_books;
SELECT oauth('/_log');

-- a token endpoint that answers an error status without an OAuth error
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (SET oauth_token_url 'http://auth.test/o/missing/',
           SET client_id 'rest-fdw', SET client_secret 'fdw-secret-0123456789');
SELECT count(*) FROM auth_books;
SELECT oauth('/_log');

-- a token endpoint at another origin: only a superuser, or anyone once
-- rest_fdw.allowed_hosts bounds where the backend may connect
CREATE ROLE oauth_user;
GRANT USAGE ON FOREIGN SERVER auth_svc TO oauth_user;
GRANT SELECT ON auth_books TO oauth_user;
CREATE USER MAPPING FOR oauth_user SERVER auth_svc
  OPTIONS (oauth_token_url 'http://other.test/o/token/', client_id 'rest-fdw',
           client_secret 'fdw-secret-0123456789');
SET ROLE oauth_user;
SELECT count(*) FROM auth_books;
RESET ROLE;
SELECT oauth('/_log');
ALTER USER MAPPING FOR oauth_user SERVER auth_svc
  OPTIONS (SET oauth_token_url 'http://auth.test/o/token/');
SET ROLE oauth_user;
SELECT count(*) FROM auth_books;
RESET ROLE;
SELECT oauth('/_log');

-- the server log has neither the secrets nor any token, at DEBUG5 too,
-- through a token fetched, one refused by the service and renewed, and an
-- error of the token endpoint
SELECT current_setting('data_directory') || '/../server.log' AS server_log \gset
SELECT size AS log_start FROM pg_stat_file(:'server_log') \gset
SET log_min_messages = debug5;
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (SET oauth_token_url 'http://auth.test/o/token/');
SELECT count(*) FROM auth_books;
SELECT oauth('/_revoke');
SELECT count(*) FROM auth_books;
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_svc
  OPTIONS (SET client_secret 'wrong-secret-42');
SELECT count(*) FROM auth_books;
RESET log_min_messages;
SELECT oauth('/_log');
CREATE TEMP TABLE debug_log AS
  SELECT line FROM regexp_split_to_table(
    pg_read_file(:'server_log', :log_start,
                 (SELECT size FROM pg_stat_file(:'server_log')) - :log_start),
    E'\n') AS l(line);
SELECT count(*) > 0 AS token_requests_logged
  FROM debug_log WHERE line LIKE '%requesting an access token%';
SELECT count(*) > 0 AS renewal_logged
  FROM debug_log WHERE line LIKE '%refused the access token%';
SELECT count(*) AS tokens_issued FROM oauth('/_tokens');
SELECT count(*) AS log_lines_with_secrets
  FROM debug_log,
       (SELECT oauth('/_tokens')
        UNION ALL VALUES ('fdw-secret-0123456789'), ('short-secret-0123456'),
                         ('refused-secret-01234'), ('wrong-secret-42')) AS s(secret)
 WHERE position(secret IN line) > 0;

DROP USER MAPPING FOR oauth_user SERVER auth_svc;
DROP USER MAPPING FOR CURRENT_USER SERVER auth_svc;
REVOKE ALL ON auth_books FROM oauth_user;
REVOKE ALL ON FOREIGN SERVER auth_svc FROM oauth_user;
DROP ROLE oauth_user;
DROP SERVER auth_svc CASCADE;
DROP FUNCTION oauth(text);
