--
-- Where the backend may be made to connect, and to which URL: IMPORT's
-- spec_url, proxies in the environment, dot segments in item URLs.
--
CREATE SCHEMA t_reach;
SET search_path = t_reach, public;
SELECT svc('POST', '/_reset');

-- spec_url: a role that is not a superuser may fetch a document only at
-- the origin of the server's base_url while rest_fdw.allowed_hosts is
-- empty, since it bounds nothing then
CREATE ROLE reach_user;
GRANT USAGE ON FOREIGN SERVER svc TO reach_user;
CREATE SCHEMA reach_import AUTHORIZATION reach_user;
SET ROLE reach_user;
IMPORT FOREIGN SCHEMA openapi LIMIT TO (authors) FROM SERVER svc
  INTO reach_import OPTIONS (spec_url '/openapi/drf.json');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc
  INTO reach_import OPTIONS (spec_url 'http://docs.test/openapi/types31.json');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc
  INTO reach_import OPTIONS (spec_url 'http://svc.test:8080/openapi/types31.json');
RESET ROLE;
SELECT requests();
-- once the superuser lists hosts, they bound spec_url as every request
-- (svc.test and docs.test are 127.0.0.1 through connect_to)
SET rest_fdw.allowed_hosts = '127.0.0.1';
SET ROLE reach_user;
IMPORT FOREIGN SCHEMA openapi LIMIT TO (samples) FROM SERVER svc
  INTO reach_import OPTIONS (spec_url 'http://docs.test/openapi/types31.json');
RESET ROLE;
SET rest_fdw.allowed_hosts = '10.0.0.1';
SET ROLE reach_user;
IMPORT FOREIGN SCHEMA openapi LIMIT TO (samples) FROM SERVER svc
  INTO reach_import OPTIONS (spec_url 'http://docs.test/openapi/types31.json');
RESET ROLE;
RESET rest_fdw.allowed_hosts;
SELECT requests();
-- a superuser may fetch any URL
IMPORT FOREIGN SCHEMA openapi LIMIT TO (samples) FROM SERVER svc
  INTO t_reach OPTIONS (spec_url 'http://docs.test/openapi/types31.json');
SELECT requests();
SELECT ft.ftrelid::regclass AS foreign_table
  FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid
 WHERE c.relnamespace IN ('reach_import'::regnamespace, 't_reach'::regnamespace)
 ORDER BY 1::text;
DROP SCHEMA reach_import CASCADE;
REVOKE ALL ON FOREIGN SERVER svc FROM reach_user;
DROP ROLE reach_user;

-- proxies: the test command starts the postmaster with http_proxy,
-- https_proxy and all_proxy naming a port nothing listens on (except for
-- 127.0.0.1); programs that follow them cannot reach svc.test, rest_fdw
-- ignores them
CREATE TEMP TABLE program_out (line text);
COPY program_out FROM PROGRAM 'test -n "$http_proxy" && test -n "$https_proxy" && test -n "$all_proxy" && echo set || echo unset';
SELECT line AS proxies_in_environment FROM program_out;
TRUNCATE program_out;
DO $$
BEGIN
  EXECUTE format('COPY program_out FROM PROGRAM %L',
                 format('curl -s -o /dev/null -w "%%{http_code}" --connect-to ::127.0.0.1:%s http://svc.test/api/books/1/ || true',
                        current_setting('rest_test.port')));
END $$;
SELECT line AS http_code_of_curl FROM program_out;
CREATE FOREIGN TABLE books (id bigint, title text)
  SERVER svc OPTIONS (resource 'books/');
SELECT title FROM books WHERE id = 1;
SELECT requests();

-- a key "." or ".." is a value, not a dot segment: its dots are encoded,
-- so that it never addresses the collection or its parent
CREATE FOREIGN TABLE text_books (id text, title text)
  SERVER svc OPTIONS (resource 'books/');
SELECT * FROM text_books WHERE id = '..';
SELECT * FROM text_books WHERE id = '.';
SELECT * FROM text_books WHERE id = '...';
SELECT * FROM text_books WHERE id = '1';
SELECT requests();
UPDATE text_books SET title = 'x' WHERE id = '..';
DELETE FROM text_books WHERE id = '.';
SELECT requests();

DROP SCHEMA t_reach CASCADE;
