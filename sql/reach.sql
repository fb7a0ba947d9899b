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

-- IMPORT: $refs that share sub-schemas are walked once per path to each,
-- which doubles with each level here; the walk is bounded (and checks for
-- interrupts), as is the depth of nested $refs
CREATE FUNCTION shared_refs_doc(levels int, branches int) RETURNS text
LANGUAGE sql AS $$
  SELECT jsonb_build_object(
    'openapi', '3.0.3', 'info', jsonb_build_object('title', 't', 'version', '1'),
    'paths', jsonb_build_object('/api/items/', jsonb_build_object('get',
      jsonb_build_object('responses', jsonb_build_object('200', jsonb_build_object(
        'description', '', 'content', jsonb_build_object('application/json',
          jsonb_build_object('schema', jsonb_build_object('type', 'array',
            'items', jsonb_build_object('$ref', '#/components/schemas/S0'))))))))),
    'components', jsonb_build_object('schemas',
      (SELECT jsonb_object_agg('S' || i,
                CASE WHEN i = levels
                  THEN '{"type": "object", "properties": {"id": {"type": "integer"}}}'::jsonb
                  ELSE jsonb_build_object('allOf', to_jsonb(array_fill(
                         jsonb_build_object('$ref', '#/components/schemas/S' || (i + 1)),
                         ARRAY[branches])))
                END)
         FROM generate_series(0, levels) i)))::text
$$;
SELECT try(format('IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO t_reach OPTIONS (spec %L)',
                  shared_refs_doc(10, 2)));
SELECT ft.ftrelid::regclass AS foreign_table, a.attname
  FROM pg_foreign_table ft JOIN pg_attribute a ON a.attrelid = ft.ftrelid AND a.attnum > 0
 WHERE ft.ftrelid = 't_reach.items'::regclass;
DROP FOREIGN TABLE t_reach.items;
SET statement_timeout = '20s';
SELECT try(format('IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO t_reach OPTIONS (spec %L)',
                  shared_refs_doc(40, 2)));
SELECT try(format('IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO t_reach OPTIONS (spec %L)',
                  shared_refs_doc(100, 1)));
RESET statement_timeout;

DROP SCHEMA t_reach CASCADE;
