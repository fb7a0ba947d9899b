--
-- Per-request context: the setting rest_fdw.context, a JSON object the
-- application sets for its transaction or session, and the server option
-- context_headers, which names the headers that carry its members.
--
CREATE SCHEMA t_context;
SET search_path = t_context, public;
SELECT svc('POST', '/_reset');
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port

-- context_headers: "Header=member" entries; headers that frame the
-- request or carry credentials cannot be named
CREATE SERVER ctx_bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', context_headers 'X-User-Id');
CREATE SERVER ctx_bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', context_headers 'X User=user');
CREATE SERVER ctx_bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', context_headers 'X-User=us er');
CREATE SERVER ctx_bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', context_headers 'X-A=a, authorization=user');
CREATE SERVER ctx_bad FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', context_headers '');

CREATE SERVER ctx_svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           timeout '5', context_headers 'X-User-Id=user, traceparent=trace');
CREATE USER MAPPING FOR PUBLIC SERVER ctx_svc;
CREATE FOREIGN TABLE ctx_books (id bigint, title text)
  SERVER ctx_svc OPTIONS (resource 'books/');

-- ctx_requests(): the requests since the last call, with the headers the
-- context may set, and one it must never set
CREATE FUNCTION ctx_requests() RETURNS SETOF text
LANGUAGE sql AS $$ SELECT svc('GET', '/_log?headers=x-user-id,traceparent,other,x-admin') $$;

-- no context: no header
SELECT title FROM ctx_books WHERE id = 1;
SELECT ctx_requests();

-- SET LOCAL: the requests of this transaction carry the members the
-- server names, and only those
BEGIN;
SET LOCAL rest_fdw.context = '{"user": "alice", "trace": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "other": "x"}';
SELECT title FROM ctx_books WHERE id = 1;
COMMIT;
SELECT title FROM ctx_books WHERE id = 1;
SELECT ctx_requests();

-- set_config for the session; integers are values too; a member the
-- server names may be absent
SELECT set_config('rest_fdw.context', '{"user": 42}', false);
SELECT title FROM ctx_books WHERE id = 2;
SHOW rest_fdw.context;
RESET rest_fdw.context;
SELECT title FROM ctx_books WHERE id = 2;
SELECT ctx_requests();

-- a server without context_headers sends none of it
SET rest_fdw.context = '{"user": "alice"}';
CREATE FOREIGN TABLE plain_ctx_books (id bigint, title text)
  SERVER svc OPTIONS (resource 'books/');
SELECT title FROM plain_ctx_books WHERE id = 1;
SELECT ctx_requests();
RESET rest_fdw.context;

-- a value cannot add a header, nor be anything but a short printable
-- string or an integer; the old value stays
SET rest_fdw.context = '{"user": "bob"}';
SET rest_fdw.context = '{"user": "alice\r\nX-Admin: 1"}';
-- set_context(value): set rest_fdw.context for the session; 'ok', or the
-- SQLSTATE and DETAIL of the error
CREATE FUNCTION set_context(value text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  state text;
  detail text;
BEGIN
  PERFORM set_config('rest_fdw.context', value, false);
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
  RETURN state || ': ' || detail;
END $$;
SELECT v AS value, set_context(v) FROM (VALUES
  ('{"user": "alice\nX-Admin: 1"}'),
  ('{"user": "alice\u0000X-Admin: 1"}'),
  ('{"user": "alice\tx"}'),
  ('{"user": "caf\u00e9"}'),
  ('{"user": {"name": "alice"}}'),
  ('{"user": 1.5}'),
  ('{"user": null}'),
  ('["alice"]'),
  ('{"user": "alice"'),
  ('{"user": "a", "user": "b"}'),
  ('{"us er": "alice"}'),
  ('{"": "alice"}')) AS t(v);
SHOW rest_fdw.context;
SELECT length(v) AS length, set_context(v) FROM (VALUES
  (format('{"user": "%s"}', repeat('a', 1024))),
  (format('{"user": "%s"}', repeat('a', 1025))),
  (format('{"a": "%s", "b": "%s", "c": "%s", "d": "%s"}',
          repeat('a', 1024), repeat('b', 1024), repeat('c', 1024), repeat('d', 1000))),
  ((SELECT format('{%s}', string_agg(format('"k%s": 1', i), ', ')) FROM generate_series(1, 16) i)),
  ((SELECT format('{%s}', string_agg(format('"k%s": 1', i), ', ')) FROM generate_series(1, 17) i))
  ) AS t(v);
SET rest_fdw.context = '{"user": "bob"}';
SHOW rest_fdw.context;
SELECT title FROM ctx_books WHERE id = 1;
SELECT ctx_requests();
RESET rest_fdw.context;

-- two sessions at once, each in a transaction of its own: the service
-- sees each session's user on each of its requests
CREATE EXTENSION dblink;
SELECT format('host=%s port=%s dbname=%s user=%s',
              trim(split_part(current_setting('unix_socket_directories'), ',', 1)),
              current_setting('port'), current_database(), current_user) AS conninfo \gset
SELECT dblink_connect('alice', :'conninfo'), dblink_connect('bob', :'conninfo');
SELECT dblink_exec('alice', 'BEGIN'), dblink_exec('bob', 'BEGIN');
SELECT dblink_exec('alice', $$SET LOCAL rest_fdw.context = '{"user": "alice"}'$$),
       dblink_exec('bob', $$SET LOCAL rest_fdw.context = '{"user": "bob"}'$$);
SELECT dblink_send_query('alice', 'SELECT count(*) FROM t_context.ctx_books'),
       dblink_send_query('bob', 'SELECT count(*) FROM t_context.ctx_books');
SELECT * FROM dblink_get_result('alice') AS r(n bigint);
SELECT * FROM dblink_get_result('bob') AS r(n bigint);
SELECT (SELECT count(*) FROM dblink_get_result('alice') AS r(n bigint)) +
       (SELECT count(*) FROM dblink_get_result('bob') AS r(n bigint)) AS left_over;
SELECT * FROM dblink('bob', 'SELECT title FROM t_context.ctx_books WHERE id = 3') AS r(title text);
SELECT * FROM dblink('alice', 'SELECT title FROM t_context.ctx_books WHERE id = 4') AS r(title text);
SELECT dblink_exec('alice', 'COMMIT'), dblink_exec('bob', 'COMMIT');
SELECT dblink_disconnect('alice'), dblink_disconnect('bob');
-- each session's count and item, in any order between the sessions
SELECT r AS request, count(*) FROM ctx_requests() r GROUP BY r ORDER BY r;
DROP EXTENSION dblink;

DROP SCHEMA t_context CASCADE;
DROP SERVER ctx_svc CASCADE;
