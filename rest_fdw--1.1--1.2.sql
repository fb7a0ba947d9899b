/* rest_fdw--1.1--1.2.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION rest_fdw UPDATE TO '1.2'" to load this file. \quit

-- rest_fdw.undo_failures(): the undo requests of this session that failed
-- (option undo: a rollback that could not undo a write), oldest first.
-- They are kept until the session ends or undo_failures_reset().  The URL
-- is shown without user information and query; the key apart.
CREATE FUNCTION @extschema@.undo_failures(
    OUT failed_at timestamptz,
    OUT table_name text,
    OUT method text,
    OUT url text,
    OUT key text,
    OUT status integer,
    OUT error text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'rest_fdw_undo_failures'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

-- rest_fdw.undo_failures_reset(): forget them; returns how many there were.
CREATE FUNCTION @extschema@.undo_failures_reset()
RETURNS bigint
AS 'MODULE_PATHNAME', 'rest_fdw_undo_failures_reset'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.undo_failures()
  IS 'the undo requests of this session that failed (option undo)';
COMMENT ON FUNCTION @extschema@.undo_failures_reset()
  IS 'forgets the failed undo requests of this session';

-- rest_fdw.analyze_one(t): ANALYZE one foreign table, for move_table,
-- analyze_schema and analyze_server; true if it was analyzed.  A table the
-- caller may not analyze (not its owner, nor, from PostgreSQL 17 on, with
-- the MAINTAIN privilege) and an ANALYZE that fails (the service's error)
-- are reported as a WARNING, and false returned: one service that is down
-- must not roll back the statistics of the others.
CREATE FUNCTION @extschema@.analyze_one(t regclass)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  owner oid;
  allowed boolean;
BEGIN
  SELECT c.relowner INTO owner FROM pg_class c WHERE c.oid = t;
  allowed := pg_has_role(owner, 'USAGE');
  IF NOT allowed AND current_setting('server_version_num')::int >= 170000 THEN
    allowed := has_table_privilege(t, 'MAINTAIN');
  END IF;
  IF NOT allowed THEN
    RAISE WARNING 'skipping ANALYZE of %: permission denied', t
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Only the table''s owner (or a role with MAINTAIN on it) can analyze it.';
    RETURN false;
  END IF;
  BEGIN
    EXECUTE format('ANALYZE %s', t);
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'could not analyze %: %', t, SQLERRM
      USING ERRCODE = SQLSTATE,
            HINT = 'Run ANALYZE on it again once the service answers.';
    RETURN false;
  END;
  RETURN true;
END $$;

COMMENT ON FUNCTION @extschema@.analyze_one(regclass)
  IS 'analyzes one foreign table; a warning instead of an error if it cannot';

-- rest_fdw.move_table(...): as in 1.0, and
--
-- - the foreign table's columns keep the local table's NOT NULL
--   constraints.  PostgreSQL does not check a foreign table's constraints;
--   rest_fdw does, before a write would send a NULL for such a column
--   (SQLSTATE 23502, as a local table raises), and the planner knows the
--   column holds no NULLs;
-- - the new foreign table is analyzed (the service's count as reltuples,
--   column statistics from a sample of pages) unless analyze_table is
--   false: autovacuum never analyzes a foreign table, and until then the
--   planner takes it for 1,000 rows.  A failed ANALYZE does not undo the
--   move: it is reported as a WARNING, and ANALYZE can be run again later.
--
-- The new parameter changes the signature: the 1.0 function is dropped.
DROP FUNCTION @extschema@.move_table(regclass, name, text, boolean, boolean,
                                     text[], text[]);
CREATE FUNCTION @extschema@.move_table(
    local_table regclass,
    server name,
    resource text,
    copy_rows boolean DEFAULT true,
    drop_local boolean DEFAULT false,
    table_options text[] DEFAULT '{}',
    fields text[] DEFAULT '{}',
    analyze_table boolean DEFAULT true)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  nsp name;
  rel name;
  owner name;
  field_of jsonb := '{}';
  kept name;
  keycol name;
  columns text;
  bad record;
  fk record;
  opts text := '';
  opt text;
  copied bigint := 0;
BEGIN
  SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner)
    INTO nsp, rel, owner
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid = local_table AND c.relkind IN ('r', 'p');
  IF NOT FOUND THEN
    RAISE EXCEPTION 'cannot move "%": it is not a table', local_table
      USING ERRCODE = 'wrong_object_type';
  END IF;
  PERFORM 1 FROM pg_foreign_server s
    JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
   WHERE s.srvname = server AND w.fdwname = 'rest_fdw';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'rest_fdw server "%" does not exist', server
      USING ERRCODE = 'undefined_object';
  END IF;

  SELECT a.attname INTO keycol
    FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
   WHERE i.indrelid = local_table AND i.indisprimary AND i.indnatts = 1;
  IF keycol IS NULL THEN
    RAISE EXCEPTION 'cannot move "%": it has no single-column primary key', local_table
      USING ERRCODE = 'invalid_table_definition',
            HINT = 'The service addresses rows by one key column.';
  END IF;

  FOR bad IN
    SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS typ
      FROM pg_attribute a
     WHERE a.attrelid = local_table AND a.attnum > 0 AND NOT a.attisdropped
       AND NOT @extschema@.json_mappable(a.atttypid)
  LOOP
    RAISE EXCEPTION 'cannot move "%": column "%" of type % has no JSON mapping',
      local_table, bad.attname, bad.typ
      USING ERRCODE = 'feature_not_supported',
            HINT = 'Change the column to a type that JSON can carry (text, numbers, dates, json), or keep the table local.';
  END LOOP;

  FOREACH opt IN ARRAY fields LOOP
    IF position('=' IN opt) = 0 THEN
      RAISE EXCEPTION 'invalid field "%"', opt
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'Write fields as ''column=member''.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = local_table AND NOT a.attisdropped
                      AND a.attnum > 0 AND a.attname = split_part(opt, '=', 1)) THEN
      RAISE EXCEPTION 'column "%" of "%" does not exist', split_part(opt, '=', 1), local_table
        USING ERRCODE = 'undefined_column';
    END IF;
    field_of := field_of || jsonb_build_object(split_part(opt, '=', 1),
                                               substr(opt, position('=' IN opt) + 1));
  END LOOP;

  SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod))
                    || CASE WHEN field_of ? a.attname
                            THEN format(' OPTIONS (field %L)', field_of ->> a.attname)
                            ELSE '' END
                    || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                    ', ' ORDER BY a.attnum)
    INTO columns
    FROM pg_attribute a
   WHERE a.attrelid = local_table AND a.attnum > 0 AND NOT a.attisdropped;

  opts := format('resource %L, key %L', resource, keycol);
  FOREACH opt IN ARRAY table_options LOOP
    IF position('=' IN opt) = 0 THEN
      RAISE EXCEPTION 'invalid table option "%"', opt
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'Write table options as ''name=value''.';
    END IF;
    opts := opts || format(', %I %L', split_part(opt, '=', 1),
                           substr(opt, position('=' IN opt) + 1));
  END LOOP;

  -- foreign keys of other tables cannot reference a foreign table
  FOR fk IN
    SELECT c.conname, c.conrelid::regclass AS tab
      FROM pg_constraint c
     WHERE c.confrelid = local_table AND c.contype = 'f'
  LOOP
    RAISE NOTICE 'dropping foreign key "%" of table % that references %',
      fk.conname, fk.tab, local_table;
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tab, fk.conname);
  END LOOP;

  kept := left(rel, 63 - length('_before_rest')) || '_before_rest';
  EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', nsp, rel, kept);
  EXECUTE format('CREATE FOREIGN TABLE %I.%I (%s) SERVER %I OPTIONS (%s)',
                 nsp, rel, columns, server, opts);
  EXECUTE format('ALTER FOREIGN TABLE %I.%I OWNER TO %I', nsp, rel, owner);

  IF copy_rows THEN
    EXECUTE format('INSERT INTO %I.%I SELECT * FROM %I.%I', nsp, rel, nsp, kept);
    GET DIAGNOSTICS copied = ROW_COUNT;
  END IF;

  IF drop_local THEN
    EXECUTE format('DROP TABLE %I.%I', nsp, kept);
  END IF;

  IF analyze_table THEN
    PERFORM @extschema@.analyze_one(format('%I.%I', nsp, rel)::regclass);
  END IF;
  RETURN copied;
END $$;

COMMENT ON FUNCTION @extschema@.move_table(regclass, name, text, boolean,
                                           boolean, text[], text[], boolean)
  IS 'moves a local table into a REST service and puts a foreign table in its place';

-- rest_fdw.analyze_schema(schema, server): ANALYZE every rest_fdw foreign
-- table of the schema (only those of the server, when given), e.g. after
-- IMPORT FOREIGN SCHEMA, which cannot analyze what it creates.  Returns
-- the tables analyzed, in name order.  A table whose ANALYZE fails (the
-- service's error, or the caller may not analyze it) is reported as a
-- WARNING and left out, and the others are still analyzed, so that one
-- service that is down does not lose the statistics of the others.
CREATE FUNCTION @extschema@.analyze_schema(schema name, server name DEFAULT NULL)
RETURNS SETOF regclass
LANGUAGE plpgsql AS $$
DECLARE
  t regclass;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = schema) THEN
    RAISE EXCEPTION 'schema "%" does not exist', schema
      USING ERRCODE = 'invalid_schema_name';
  END IF;
  FOR t IN
    SELECT c.oid::regclass
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
      JOIN pg_foreign_server s ON s.oid = ft.ftserver
      JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
     WHERE n.nspname = schema AND w.fdwname = 'rest_fdw'
       AND (analyze_schema.server IS NULL OR s.srvname = analyze_schema.server)
     ORDER BY c.relname
  LOOP
    IF @extschema@.analyze_one(t) THEN
      RETURN NEXT t;
    END IF;
  END LOOP;
END $$;

-- rest_fdw.analyze_server(server): ANALYZE every foreign table of a
-- rest_fdw server, in any schema, as analyze_schema does.
CREATE FUNCTION @extschema@.analyze_server(server name)
RETURNS SETOF regclass
LANGUAGE plpgsql AS $$
DECLARE
  t regclass;
BEGIN
  PERFORM 1 FROM pg_foreign_server s
    JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
   WHERE s.srvname = server AND w.fdwname = 'rest_fdw';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'rest_fdw server "%" does not exist', server
      USING ERRCODE = 'undefined_object';
  END IF;
  FOR t IN
    SELECT c.oid::regclass
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
      JOIN pg_foreign_server s ON s.oid = ft.ftserver
     WHERE s.srvname = server
     ORDER BY n.nspname, c.relname
  LOOP
    IF @extschema@.analyze_one(t) THEN
      RETURN NEXT t;
    END IF;
  END LOOP;
END $$;

COMMENT ON FUNCTION @extschema@.analyze_schema(name, name)
  IS 'analyzes the rest_fdw foreign tables of a schema (of one server, if given)';
COMMENT ON FUNCTION @extschema@.analyze_server(name)
  IS 'analyzes the foreign tables of a rest_fdw server';
