--
-- Set-up shared by the other tests: a server for the test service, which
-- the test command started on a free port, and helpers.
--
-- The service is reached under the fixed URL http://svc.test/api/ through
-- the superuser-only option connect_to, so that messages do not depend on
-- the port.
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
CREATE SERVER svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           timeout '5');
CREATE USER MAPPING FOR PUBLIC SERVER svc;

-- http_lines(port, method, path): call the control API of a test server
-- on 127.0.0.1 with curl and return its answer, one row per line.
CREATE FUNCTION http_lines(port text, method text, path text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
  IF path ~ '[''\\]' OR method !~ '^[A-Z]+$' OR port !~ '^[0-9]+$' THEN
    RAISE EXCEPTION 'unsafe path %', path;
  END IF;
  IF to_regclass('pg_temp.http_out') IS NULL THEN
    CREATE TEMP TABLE http_out (n serial, line text);
  END IF;
  TRUNCATE http_out;
  EXECUTE format('COPY http_out (line) FROM PROGRAM %L WITH (FORMAT csv, DELIMITER E''\x1f'', QUOTE E''\x1e'')',
                 format('curl -sS -X %s ''http://127.0.0.1:%s%s''', method, port, path));
  RETURN QUERY SELECT line FROM http_out ORDER BY n;
END $$;

-- svc(method, path): call the test service's control API.  Its port is in
-- the setting rest_test.port, set below for the database.
CREATE FUNCTION svc(method text, path text) RETURNS SETOF text
LANGUAGE sql AS $$ SELECT http_lines(current_setting('rest_test.port'), method, path) $$;

-- requests(): the requests the service received since the last call.
CREATE FUNCTION requests() RETURNS SETOF text
LANGUAGE sql AS $$ SELECT svc('GET', '/_log') $$;

-- imported_tables(schema), imported_columns(schema): the foreign tables
-- IMPORT FOREIGN SCHEMA made in a schema, their options and their columns
CREATE FUNCTION imported_tables(s name)
RETURNS TABLE (foreign_table name, server name, options text[])
LANGUAGE sql AS $$
  SELECT c.relname, fs.srvname, ft.ftoptions
  FROM pg_foreign_table ft
  JOIN pg_class c ON c.oid = ft.ftrelid
  JOIN pg_foreign_server fs ON fs.oid = ft.ftserver
  WHERE c.relnamespace = s::regnamespace
  ORDER BY c.relname
$$;

CREATE FUNCTION imported_columns(s name)
RETURNS TABLE (foreign_table name, col name, type text, not_null boolean,
               options text[])
LANGUAGE sql AS $$
  SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
         a.attnotnull, a.attfdwoptions
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
  WHERE c.relnamespace = s::regnamespace AND a.attnum > 0
  ORDER BY c.relname, a.attnum
$$;

-- try(query): run a query and show the SQLSTATE, message and detail of
-- its error, or 'ok'.
CREATE FUNCTION try(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  state text;
  msg text;
  detail text;
BEGIN
  EXECUTE query;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          detail = PG_EXCEPTION_DETAIL;
  RETURN state || ': ' || msg || coalesce(E'\nDETAIL: ' || nullif(detail, ''), '');
END $$;

-- curl_wording(message): libcurl's messages in the words of libcurl 7.88
-- (Debian 12), for the tests that show them: later versions reword a few.
CREATE FUNCTION curl_wording(message text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT regexp_replace(regexp_replace(regexp_replace(message,
    'end of response with (\d+) bytes missing',
    'transfer closed with \1 bytes remaining to read'),
    'target hostname', 'target host name'),
    'SSL certificate OpenSSL verify result: (.*) \(\d+\)',
    'SSL certificate problem: \1')
$$;

-- explain_lines(options, query): the lines of EXPLAIN (options) query,
-- without the buffers PostgreSQL 18 shows by default, with actual row counts
-- whole as before 18 ("rows=5", not "rows=5.00") and initplans named as
-- since 17 ("InitPlan 1", not "InitPlan 1 (returns $0)").
CREATE FUNCTION explain_lines(options text, query text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE format('EXPLAIN (%s, BUFFERS OFF) %s', options, query) LOOP
    line := regexp_replace(line, '^(\s*InitPlan \d+) \(returns [^)]*\)$', '\1');
    RETURN NEXT regexp_replace(line, '( rows=\d+)\.00 ', '\1 ', 'g');
  END LOOP;
END $$;

-- messages(command): the messages of a command that psql runs in a session
-- of its own, one row per line, without the lines of the report PostgreSQL
-- 18 adds to ANALYZE VERBOSE's (the time, buffers and WAL it took, which
-- vary from run to run).  Messages of level INFO always reach the client,
-- so only another client can leave that report out.
CREATE FUNCTION messages(command text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  psql text := (SELECT setting FROM pg_config WHERE name = 'BINDIR') || '/psql';
  socket_dir text := trim(split_part(current_setting('unix_socket_directories'), ',', 1));
BEGIN
  IF (command || psql || socket_dir || current_database() || current_user) ~ '''' THEN
    RAISE EXCEPTION 'unsafe command %', command;
  END IF;
  IF to_regclass('pg_temp.messages_out') IS NULL THEN
    CREATE TEMP TABLE messages_out (n serial, line text);
  END IF;
  TRUNCATE messages_out;
  EXECUTE format('COPY messages_out (line) FROM PROGRAM %L WITH (FORMAT csv, DELIMITER E''\x1f'', QUOTE E''\x1e'')',
                 format('''%s'' -X -q -h ''%s'' -p %s -d ''%s'' -U ''%s'' -c ''%s'' 2>&1',
                        psql, socket_dir, current_setting('port'),
                        current_database(), current_user, command));
  RETURN QUERY SELECT line FROM messages_out
    WHERE line ~ '^[A-Z]+:  ' AND line !~ '^INFO:  finished analyzing '
    ORDER BY n;
END $$;

-- same_rows(foreign query, local query): both ways EXCEPT ALL and counts,
-- "rows nf/nl, extra e, missing m" (the join tests)
CREATE FUNCTION same_rows(fq text, lq text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  extra bigint;
  missing bigint;
  nf bigint;
  nl bigint;
BEGIN
  EXECUTE format('CREATE TEMP TABLE f_rows AS %s', fq);
  EXECUTE format('CREATE TEMP TABLE l_rows AS %s', lq);
  EXECUTE 'SELECT count(*) FROM (SELECT * FROM f_rows EXCEPT ALL SELECT * FROM l_rows) s' INTO extra;
  EXECUTE 'SELECT count(*) FROM (SELECT * FROM l_rows EXCEPT ALL SELECT * FROM f_rows) s' INTO missing;
  EXECUTE 'SELECT count(*) FROM f_rows' INTO nf;
  EXECUTE 'SELECT count(*) FROM l_rows' INTO nl;
  DROP TABLE f_rows;
  DROP TABLE l_rows;
  RETURN format('rows %s/%s, extra %s, missing %s', nf, nl, extra, missing);
END $$;

ALTER DATABASE contrib_regression SET rest_test.port = :'port';
SET rest_test.port = :'port';
SELECT svc('POST', '/_reset');
