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
