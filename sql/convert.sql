--
-- Direct conversions (convert.c) against the input functions.
--
-- A column of a common type (integers, boolean, varchar, bpchar, numeric,
-- date, timestamp, timestamptz, uuid) converts the usual forms of its
-- values without the type's input function, and leaves everything else to
-- it.  Whichever way a value goes, the result must be the one the input
-- function gives: the same value (the same text and binary output) or the
-- same error.  The service's collection convert holds values of every
-- form, each in a group t of types it is read as; conv_run() reads each
-- value of a group as a column of a type and compares it with the type's
-- input function called on the same text, as the wrapper calls it (with
-- the column's typmod), here in SQL.
--
CREATE SCHEMA t_convert;
SET search_path = t_convert, public;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT svc('POST', '/_reset');

-- the values, and their text as the input function receives it: a string's
-- contents, or a number's (or true's, or an object's) JSON text
CREATE FOREIGN TABLE corpus (id integer, t text, raw json OPTIONS (field 'v'))
  SERVER svc OPTIONS (resource 'plain/convert/');
CREATE VIEW literals AS SELECT id, t, raw #>> '{}' AS lit FROM corpus;

CREATE TEMP TABLE conv_results (
  typ text, grp text, zone text, style text, id integer, lit text,
  fdw text, sql text, same boolean);

-- conv_run(type, group): read each value of the group as a column of the
-- type through the wrapper, one value per scan (an error stops a scan),
-- and through the type's input function; record both, as text and
-- binary output (of the base type, for a domain) or as SQLSTATE and message.
CREATE FUNCTION conv_run(typ text, grp text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  typid oid;
  typmod integer;
  infunc text;
  sendfunc text;
  call text;
  fdw_text text;
  fdw_bin text;
  sql_text text;
  sql_bin text;
  st text;
  msg text;
BEGIN
  EXECUTE format('CREATE FOREIGN TABLE conv_ft (id integer, v %s) '
                 'SERVER svc OPTIONS (resource %L)', typ, 'plain/convert/');
  SELECT a.atttypid, a.atttypmod, b.typinput::text,
         format('%s(%%s::%s)', b.typsend, format_type(b.oid, NULL)),
         CASE WHEN p.pronargs = 1 THEN format('%s($1::cstring)', b.typinput)
              ELSE format('%s($1::cstring, %s, %s)', b.typinput, b.oid,
                          CASE WHEN t.typtype = 'd' THEN t.typtypmod
                               ELSE a.atttypmod END) END ||
           CASE WHEN t.typtype = 'd' THEN '::' || a.atttypid::regtype ELSE '' END
    INTO typid, typmod, infunc, sendfunc, call
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype
                                   ELSE t.oid END
    JOIN pg_proc p ON p.oid = b.typinput
    WHERE a.attrelid = 'conv_ft'::regclass AND a.attname = 'v';
  FOR r IN SELECT l.id, l.lit FROM literals l WHERE l.t = grp ORDER BY l.id LOOP
    BEGIN
      EXECUTE format('SELECT v::text, encode(%s, ''hex'') FROM conv_ft '
                     'WHERE id = $1', format(sendfunc, 'v'))
        INTO fdw_text, fdw_bin USING r.id;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      fdw_text := 'ERROR ' || st || ': ' || msg;
      fdw_bin := NULL;
    END;
    BEGIN
      EXECUTE format('SELECT x::text, encode(%s, ''hex'') FROM (SELECT %s AS x) s',
                     format(sendfunc, 'x'), call)
        INTO sql_text, sql_bin USING r.lit;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      sql_text := 'ERROR ' || st || ': ' || msg;
      sql_bin := NULL;
    END;
    INSERT INTO conv_results VALUES (typ, grp, current_setting('TimeZone'),
      current_setting('DateStyle'), r.id, r.lit, fdw_text, sql_text,
      fdw_text IS NOT DISTINCT FROM sql_text AND fdw_bin IS NOT DISTINCT FROM sql_bin);
  END LOOP;
  DROP FOREIGN TABLE conv_ft;
END $$;

-- a domain has no direct conversion: its input function checks it (in
-- SQL here, its base type's input function and the cast to the domain)
CREATE DOMAIN pos_int AS integer CHECK (VALUE > 0);

-- integers, as JSON numbers and strings
SELECT conv_run(typ, 'int') FROM unnest(ARRAY['smallint', 'integer', 'bigint',
  'numeric', 'pos_int', 'boolean']) typ;
SELECT conv_run(typ, 'bool') FROM unnest(ARRAY['boolean', 'integer']) typ;
SELECT conv_run(typ, 'text') FROM unnest(ARRAY['text', 'varchar',
  'varchar(5)', 'bpchar', 'char(5)', 'char', 'varchar(1)', 'name']) typ;
SELECT conv_run(typ, 'num') FROM unnest(ARRAY['numeric', 'numeric(10,2)',
  'numeric(5,0)', 'numeric(3,1)', 'numeric(8,3)', 'numeric(2,2)', 'integer',
  'bigint', 'float8', 'real']) typ;
SELECT conv_run(typ, 'uuid') FROM unnest(ARRAY['uuid', 'text']) typ;
-- dates and times, in zones with and without daylight-saving time, zones
-- whose offsets are not whole hours, and a zone whose historical offsets
-- are not whole minutes
SELECT conv_run(typ, grp) FROM unnest(ARRAY['date', 'timestamp',
  'timestamp(0)', 'timestamptz(2)']) typ, unnest(ARRAY['date', 'ts']) grp;
SET timezone = 'UTC';
SELECT conv_run('timestamptz', grp) FROM unnest(ARRAY['date', 'ts']) grp;
SET timezone = 'America/New_York';
SELECT conv_run('timestamptz', grp) FROM unnest(ARRAY['date', 'ts']) grp;
SET timezone = 'Europe/Berlin';
SELECT conv_run('timestamptz', grp) FROM unnest(ARRAY['date', 'ts']) grp;
SET timezone = 'Asia/Kolkata';
SELECT conv_run('timestamptz', 'ts');
SET timezone = 'Australia/Lord_Howe';
SELECT conv_run('timestamptz', 'ts');
SET timezone = 'Europe/Amsterdam';
SELECT conv_run('timestamptz', 'ts');
SET timezone = 'America/St_Johns';
SELECT conv_run('timestamptz', 'ts');
-- a POSIX zone: UTC-3, daylight time by the US rules
SET timezone = 'XXX3YYY';
SELECT conv_run('timestamptz', 'ts');
-- ISO input does not depend on DateStyle
SET timezone = 'America/New_York';
SET datestyle = 'German, DMY';
SELECT conv_run('timestamptz', 'ts');
SELECT conv_run('date', 'date');
SET datestyle = 'Postgres, MDY';
SELECT conv_run('timestamp', 'ts');
SET datestyle = 'ISO, YMD';
SET timezone = 'UTC';

-- every value converts as its input function converts it: no mismatch
SELECT typ, grp, zone, id, left(lit, 40) AS lit, fdw, sql FROM conv_results WHERE NOT same
  ORDER BY typ, grp, zone, id;
-- what was compared
SELECT typ, grp, count(DISTINCT (zone, style)) AS settings, count(*) AS conversions,
       count(*) FILTER (WHERE sql NOT LIKE 'ERROR %') AS "values",
       count(*) FILTER (WHERE sql LIKE 'ERROR %') AS errors,
       count(*) FILTER (WHERE NOT same) AS mismatches
  FROM conv_results GROUP BY typ, grp ORDER BY typ, grp;
-- the errors, the same both ways
SELECT DISTINCT typ, id, left(lit, 40) AS lit, left(fdw, 100) AS error
  FROM conv_results
  WHERE fdw LIKE 'ERROR %' ORDER BY typ, id, error;

-- values of forms the direct conversions leave to the input functions,
-- converted by them
SELECT DISTINCT typ, id, lit, fdw FROM conv_results
  WHERE same AND fdw NOT LIKE 'ERROR %' AND zone = 'UTC' AND
    (typ, lit) IN (('integer', '+5'), ('integer', ' 5 '), ('integer', '007'),
                   ('bigint', '-9223372036854775808'),
                   ('boolean', 'yes'), ('boolean', ' true'), ('boolean', '1'),
                   ('numeric', '1e2'), ('numeric', ' 1.5'), ('numeric', 'NaN'),
                   ('numeric', '.5'), ('numeric(10,2)', '99.95'),
                   ('varchar(5)', 'abcde   '), ('char(5)', 'abcdef  '),
                   ('uuid', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'),
                   ('date', '20240229'), ('date', '0001-01-01'),
                   ('date', '2024-02-29T13:14:15'),
                   ('timestamp', '2024-02-29T24:00:00'),
                   ('timestamp', '2024-02-29T23:59:59.9999999'),
                   ('timestamptz', '0044-03-15 BC'),
                   ('timestamptz', '2024-02-29T13:14:15+15:00'),
                   ('timestamptz', '2024-02-29T13:14:15z'),
                   ('timestamptz(2)', '2024-02-29T13:14:15.125'))
  ORDER BY typ, id;

-- a few of the values: times in New York's daylight-saving transitions,
-- with offsets and fractions of a second, and plain decimals
SELECT id, lit, fdw FROM conv_results
  WHERE typ = 'timestamptz' AND zone = 'America/New_York' AND style = 'ISO, YMD'
    AND lit ~ '^2024-(03-10T0[23]|11-03T01|02-29T13:14:15(\.[0-9]*)?(Z|[+-][0-9:]+)?$)'
  ORDER BY id;
SELECT id, lit, fdw FROM conv_results
  WHERE typ = 'numeric' AND grp = 'num' AND length(lit) < 70
  ORDER BY id;
-- floating-point numbers at the edges: -0, overflow, underflow to zero,
-- denormals (left to the input function), the largest values; and
-- decimals that fit a numeric(p,s) as they are, or need rounding
SELECT typ, id, lit, fdw FROM conv_results
  WHERE typ IN ('float8', 'real', 'numeric(8,3)', 'numeric(2,2)') AND id >= 309
  ORDER BY typ, id;

RESET datestyle;
RESET timezone;
DROP SCHEMA t_convert CASCADE;
