--
-- Option validation.
--
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw;
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'ftp://x/');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://u:p@h/');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://h/?x=1');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://h/', bogus '1');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://h/', dialect 'soap');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://h/', timeout '0');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://h/', timeout 'soon');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://h/', connect_timeout '-1');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://h/', page_size '0');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://h/', max_response_size '10');
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://h/', max_response_size 'lots');
-- secrets belong to user mappings
CREATE SERVER bad FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url 'http://h/', bearer_token 'x');
CREATE SERVER good FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'https://h.example/v1', dialect 'postgrest', connect_timeout '2.5',
           timeout '30', page_size '500', max_response_size '16MB');
ALTER SERVER good OPTIONS (DROP base_url);
ALTER SERVER good OPTIONS (SET dialect 'json-server');
CREATE USER MAPPING FOR CURRENT_USER SERVER good OPTIONS (resource 'x');
CREATE USER MAPPING FOR CURRENT_USER SERVER good OPTIONS (bearer_token '');
CREATE USER MAPPING FOR CURRENT_USER SERVER good OPTIONS (headers 'not a header');
CREATE USER MAPPING FOR CURRENT_USER SERVER good OPTIONS (headers E'X-Api-Key: k\n: v');
CREATE USER MAPPING FOR CURRENT_USER SERVER good
  OPTIONS (bearer_token 't', username 'u', password 'p', headers E'X-Api-Key: k\nX-Tenant: 7');
CREATE FOREIGN TABLE t1 (id int) SERVER good OPTIONS (base_url 'x');
CREATE FOREIGN TABLE t1 (id int) SERVER good OPTIONS (resource '');
CREATE FOREIGN TABLE t1 (id int OPTIONS (name 'x')) SERVER good;
CREATE FOREIGN TABLE t1 (id int OPTIONS (field '')) SERVER good;
CREATE FOREIGN TABLE t1 (id int OPTIONS (field '/a/~2')) SERVER good;
CREATE FOREIGN TABLE t1 (id int OPTIONS (field '/a~1b/~0c/0'), x text) SERVER good
  OPTIONS (resource 'things', key 'x', page_size '10');
-- a key naming no column is reported when the table is used
CREATE FOREIGN TABLE t2 (id int) SERVER good OPTIONS (key 'nope');
SELECT * FROM t2;
DROP SERVER good CASCADE;
