--
-- JSON values into column types, through each type's input function.
--
CREATE SCHEMA t_types;
SET search_path = t_types, public;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT svc('POST', '/_reset');

CREATE FOREIGN TABLE types (
  id       integer,
  i2       smallint,
  i4       integer,
  i8       bigint,
  num      numeric,
  num_str  numeric(10,2),
  f8       float8,
  bool_t   boolean,
  txt      text,
  dt       date,
  ts       timestamp,
  tstz     timestamptz,
  uid      uuid,
  arr_int  integer[],
  arr_txt  text[],
  obj      jsonb,
  obj_json json OPTIONS (field 'obj'),
  "any"    jsonb,
  any_text text OPTIONS (field 'any'),
  tm       time,
  deep     jsonb OPTIONS (field '/obj/nested/deep'),
  deep_x   text OPTIONS (field '/obj/nested/deep/1/x'),
  absent   text
) SERVER svc OPTIONS (resource 'plain/types/');

\x on
SELECT * FROM types ORDER BY id;
\x off

-- numbers stay exact: no trip through a C double
SELECT i8, i8 = 9007199254740993 AS exact_i8, num, num_str FROM types WHERE id = 1;
-- escapes, surrogate pairs and non-ASCII text
SELECT txt, length(txt), octet_length(txt) FROM types WHERE id = 1;
-- JSON Pointers into nested objects and arrays (RFC 6901)
SELECT id, deep, deep_x FROM types ORDER BY id;
-- JSON null and a missing member are both NULL
SELECT id, i4 IS NULL AS i4_null, txt IS NULL AS txt_null, absent IS NULL AS absent_null
  FROM types ORDER BY id;
-- whole-row references convert every column
SELECT t FROM types t WHERE id = 2;

-- a value that does not fit its column: an error naming the column, the
-- table and the request
CREATE FOREIGN TABLE types_narrow (
  id  integer,
  txt varchar(5)
) SERVER svc OPTIONS (resource 'plain/types/');
SELECT * FROM types_narrow;
CREATE FOREIGN TABLE types_badint (
  id  integer,
  i8  smallint
) SERVER svc OPTIONS (resource 'plain/types/');
SELECT * FROM types_badint;
CREATE FOREIGN TABLE types_badnum (
  id  integer,
  txt numeric
) SERVER svc OPTIONS (resource 'plain/types/');
SELECT * FROM types_badnum;
-- an array into a scalar column, and an object into an array column
CREATE FOREIGN TABLE types_badarr (
  id  integer,
  arr_int integer
) SERVER svc OPTIONS (resource 'plain/types/');
SELECT * FROM types_badarr;
CREATE FOREIGN TABLE types_badarr2 (
  id  integer,
  obj integer[]
) SERVER svc OPTIONS (resource 'plain/types/');
SELECT * FROM types_badarr2;
-- only the columns a query reads are converted
SELECT id FROM types_badint ORDER BY id;
SELECT requests();

-- JSON Pointer segments that are array indexes (RFC 6901) select elements;
-- "-" (past the end) and "01" (leading zero) never match
CREATE FOREIGN TABLE types_ptr (
  id     integer,
  deep0  integer OPTIONS (field '/obj/nested/deep/0'),
  deep1  jsonb   OPTIONS (field '/obj/nested/deep/1'),
  deep1x jsonb   OPTIONS (field '/obj/nested/deep/1/x'),
  past   jsonb   OPTIONS (field '/obj/nested/deep/-'),
  lead0  jsonb   OPTIONS (field '/obj/nested/deep/01'),
  arr1   text    OPTIONS (field '/arr_txt/1')
) SERVER svc OPTIONS (resource 'plain/types/');
SELECT * FROM types_ptr ORDER BY id;
