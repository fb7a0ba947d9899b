/* rest_fdw--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION rest_fdw" to load this file. \quit

CREATE FUNCTION rest_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION rest_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER rest_fdw
  HANDLER rest_fdw_handler
  VALIDATOR rest_fdw_validator;

-- rest_fdw.json_mappable(type): can values of this type travel as JSON?
-- Numbers, booleans, strings, dates and times, network addresses, uuid,
-- json, jsonb, enums, and arrays of those; not binary data, money,
-- geometry, ranges or composites.
CREATE FUNCTION json_mappable(typ regtype)
RETURNS boolean
LANGUAGE sql STABLE STRICT AS $$
  SELECT CASE
    WHEN t.typtype = 'd' THEN @extschema@.json_mappable(t.typbasetype)
    WHEN t.typcategory = 'A' THEN @extschema@.json_mappable(t.typelem)
    WHEN t.typtype = 'e' THEN true
    WHEN t.typtype <> 'b' THEN false
    WHEN t.oid = 'money'::regtype THEN false
    ELSE t.typcategory IN ('B', 'N', 'S', 'D', 'I')
         OR t.oid IN ('uuid'::regtype, 'json'::regtype, 'jsonb'::regtype,
                      'interval'::regtype)
  END
  FROM pg_type t WHERE t.oid = typ
$$;

-- rest_fdw.move_table(...): move a local table into a REST service.
--
-- Creates a foreign table with the local table's columns (types and
-- typmods) and its single-column primary key as the key, copies the rows
-- into the service (one POST each, with their keys) unless copy_rows is
-- false, and puts the foreign table in the local table's place under the
-- same name.  The local table is kept as <name>_before_rest, or dropped
-- with drop_local.  Foreign keys of other tables that reference it are
-- dropped (a foreign table cannot be referenced), each with a NOTICE.
-- Returns the number of rows copied.  table_options are more options of
-- the foreign table, as 'name=value' strings (e.g. 'filters=name,born');
-- fields name the JSON members of columns whose names differ, as
-- 'column=member' strings (e.g. 'author_id=author').
--
-- The copy is all or error: a failed request fails the statement, and
-- the transaction rolls back the local changes; rows the service already
-- accepted stay there (remove them before trying again).
CREATE FUNCTION move_table(
    local_table regclass,
    server name,
    resource text,
    copy_rows boolean DEFAULT true,
    drop_local boolean DEFAULT false,
    table_options text[] DEFAULT '{}',
    fields text[] DEFAULT '{}')
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
                            ELSE '' END,
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
  RETURN copied;
END $$;

-- rest_fdw.move_table_back(...): the reverse of move_table.
--
-- Puts the local table kept as <name>_before_rest back in the foreign
-- table's place, after replacing its rows by the service's rows unless
-- copy_rows is false, and drops the foreign table; sequences of the table
-- go past the highest key.  Returns the number of rows copied.  Foreign
-- keys that move_table dropped are not recreated.
CREATE FUNCTION move_table_back(
    foreign_table regclass,
    copy_rows boolean DEFAULT true)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  nsp name;
  rel name;
  kept name;
  seq record;
  copied bigint := 0;
BEGIN
  SELECT n.nspname, c.relname INTO nsp, rel
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid = foreign_table AND c.relkind = 'f';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'cannot move back "%": it is not a foreign table', foreign_table
      USING ERRCODE = 'wrong_object_type';
  END IF;
  kept := left(rel, 63 - length('_before_rest')) || '_before_rest';
  IF to_regclass(format('%I.%I', nsp, kept)) IS NULL THEN
    RAISE EXCEPTION 'cannot move back "%": table "%.%" does not exist', foreign_table, nsp, kept
      USING ERRCODE = 'undefined_table',
            HINT = 'move_table keeps the local table under that name unless drop_local is true; create it again with the same columns.';
  END IF;
  IF copy_rows THEN
    EXECUTE format('DELETE FROM %I.%I', nsp, kept);
    EXECUTE format('INSERT INTO %I.%I SELECT * FROM %I.%I', nsp, kept, nsp, rel);
    GET DIAGNOSTICS copied = ROW_COUNT;
  END IF;
  EXECUTE format('DROP FOREIGN TABLE %I.%I', nsp, rel);
  EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', nsp, kept, rel);

  -- the key's sequence goes past the keys the service assigned
  FOR seq IN
    SELECT a.attname, pg_get_serial_sequence(format('%I.%I', nsp, rel), a.attname) AS name
      FROM pg_attribute a
     WHERE a.attrelid = format('%I.%I', nsp, rel)::regclass AND a.attnum > 0
       AND NOT a.attisdropped
  LOOP
    CONTINUE WHEN seq.name IS NULL;
    EXECUTE format('SELECT setval(%L, greatest(coalesce(max(%I), 0), 1), max(%I) IS NOT NULL) FROM %I.%I',
                   seq.name, seq.attname, seq.attname, nsp, rel);
  END LOOP;
  RETURN copied;
END $$;
