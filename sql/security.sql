--
-- Secrets stay in user mappings: sent to the service, never shown to
-- other roles, in messages or in EXPLAIN.  Superuser-only options.
--
SELECT svc('POST', '/_reset');
CREATE ROLE rest_app LOGIN;
CREATE ROLE rest_other LOGIN;
GRANT USAGE ON FOREIGN SERVER svc TO rest_app, rest_other;

CREATE SERVER secure FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/');
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
ALTER SERVER secure OPTIONS (ADD connect_to :'connect_to');
GRANT USAGE ON FOREIGN SERVER secure TO rest_app, rest_other;
CREATE USER MAPPING FOR rest_app SERVER secure
  OPTIONS (bearer_token 's3cret', headers 'X-Api-Key: key-123');
CREATE USER MAPPING FOR rest_other SERVER secure
  OPTIONS (bearer_token 'wrong-token-456');
CREATE FOREIGN TABLE secure_items (id int, secret_value text)
  SERVER secure OPTIONS (resource 'secure/');
GRANT SELECT ON secure_items TO rest_app, rest_other;

SET ROLE rest_app;
SELECT * FROM secure_items ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM secure_items;
-- the owner of a mapping sees its options, another role does not
SELECT usename, umoptions FROM pg_user_mappings WHERE srvname = 'secure' ORDER BY usename;
SET ROLE rest_other;
SELECT usename, umoptions FROM pg_user_mappings WHERE srvname = 'secure' ORDER BY usename;
-- a refused token: 42501, and the token is not in the message
SELECT * FROM secure_items;
SELECT try('SELECT * FROM secure_items') LIKE '%wrong-token%' AS token_in_message;
RESET ROLE;
SELECT svc('GET', '/_log?headers=authorization,x-api-key');

-- basic authentication
ALTER USER MAPPING FOR rest_other SERVER secure
  OPTIONS (DROP bearer_token, ADD username 'alice', ADD password 'wonder land');
SET ROLE rest_other;
SELECT count(*) FROM secure_items;
RESET ROLE;
SELECT svc('GET', '/_log?headers=authorization');
-- a mapping change takes effect at once (the cached handle is rebuilt)
ALTER USER MAPPING FOR rest_other SERVER secure OPTIONS (SET password 'wrong');
SET ROLE rest_other;
SELECT try('SELECT count(*) FROM secure_items');
RESET ROLE;

-- no user mapping, no access
CREATE ROLE rest_nomap LOGIN;
GRANT SELECT ON secure_items TO rest_nomap;
SET ROLE rest_nomap;
-- (its SQLSTATE, undefined_object: PostgreSQL 17 reworded the message)
\set VERBOSITY sqlstate
SELECT * FROM secure_items;
\set VERBOSITY default
RESET ROLE;

-- a view owned by another role reads and writes with the owner's mapping,
-- when it is planned as when it runs: rest_nomap has no mapping of its own
CREATE SCHEMA owned AUTHORIZATION rest_app;
GRANT USAGE ON SCHEMA owned TO rest_nomap;
CREATE FOREIGN TABLE owned.books (id bigint, price numeric)
  SERVER secure OPTIONS (resource 'books/');
ALTER FOREIGN TABLE owned.books OWNER TO rest_app;
SET ROLE rest_app;
CREATE VIEW owned.books_v AS SELECT id, price FROM owned.books;
GRANT SELECT, UPDATE ON owned.books_v TO rest_nomap;
RESET ROLE;
SELECT requests();
SET ROLE rest_nomap;
SELECT * FROM owned.books_v WHERE id = 1;
UPDATE owned.books_v SET price = 12.50 WHERE id = 1;
UPDATE owned.books_v SET price = price + 1 WHERE id = 1 RETURNING *;
EXPLAIN (VERBOSE, COSTS OFF) UPDATE owned.books_v SET price = 12.50 WHERE id = 1;
RESET ROLE;
SELECT r FROM svc('GET', '/_log?headers=x-api-key') r;
DROP SCHEMA owned CASCADE;
SELECT svc('POST', '/_reset');

-- connect_to is for superusers only
GRANT USAGE ON FOREIGN DATA WRAPPER rest_fdw TO rest_app;
SET ROLE rest_app;
CREATE SERVER mine FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://h/', connect_to '::127.0.0.1:5432');
CREATE SERVER mine FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://h/');
DROP SERVER mine;
RESET ROLE;

DROP FOREIGN TABLE secure_items;
DROP SERVER secure CASCADE;
REVOKE ALL ON FOREIGN SERVER svc FROM rest_app, rest_other;
REVOKE ALL ON FOREIGN DATA WRAPPER rest_fdw FROM rest_app;
DROP ROLE rest_app;
DROP ROLE rest_other;
DROP ROLE rest_nomap;
