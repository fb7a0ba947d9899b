/* rest_fdw--1.0--1.1.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION rest_fdw UPDATE TO '1.1'" to load this file. \quit

-- rest_fdw.version(): the version of the rest_fdw library the server has
-- loaded (the release, such as 1.1.0).  After a package upgrade it can be
-- newer than the extension's SQL objects (pg_extension.extversion) until
-- ALTER EXTENSION rest_fdw UPDATE.  Call it qualified: an unqualified
-- version() is PostgreSQL's own.
CREATE FUNCTION @extschema@.version()
RETURNS text
AS 'MODULE_PATHNAME', 'rest_fdw_version'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.version()
  IS 'version of the rest_fdw library that the server has loaded';
COMMENT ON FUNCTION @extschema@.rest_fdw_handler()
  IS 'foreign-data wrapper handler for REST services';
COMMENT ON FUNCTION @extschema@.rest_fdw_validator(text[], oid)
  IS 'checks the options of rest_fdw servers, user mappings and foreign tables';
COMMENT ON FOREIGN DATA WRAPPER rest_fdw
  IS 'REST services as foreign tables';
COMMENT ON FUNCTION @extschema@.json_mappable(regtype)
  IS 'whether values of the type can travel as JSON';
COMMENT ON FUNCTION @extschema@.move_table(regclass, name, text, boolean,
                                           boolean, text[], text[])
  IS 'moves a local table into a REST service and puts a foreign table in its place';
COMMENT ON FUNCTION @extschema@.move_table_back(regclass, boolean)
  IS 'puts the local table kept by move_table back in the foreign table''s place';
