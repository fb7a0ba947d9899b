--
-- Updates of the extension: a database made with version 1.0, with a
-- server, a user mapping and foreign tables, keeps working after
-- ALTER EXTENSION rest_fdw UPDATE, gains the objects of 1.1 and 1.2, and
-- ends with the same objects as a fresh install of 1.2, as an update from
-- 1.1 does.
--
\getenv port REST_TEST_PORT
\set connect_to '::127.0.0.1:' :port
SELECT svc('POST', '/_reset');
CREATE DATABASE rest_upgrade;
\c rest_upgrade
SET client_min_messages = warning;

CREATE EXTENSION rest_fdw VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'rest_fdw';
SELECT to_regprocedure('rest_fdw.version()') IS NULL AS no_version_function;

CREATE SERVER svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           timeout '5');
CREATE USER MAPPING FOR PUBLIC SERVER svc;
CREATE FOREIGN TABLE books (id bigint, title text, price numeric(8,2))
  SERVER svc OPTIONS (resource 'books/', key 'id');
CREATE FOREIGN TABLE authors (id bigint, name text)
  SERVER svc OPTIONS (resource 'authors/', pagination 'limit');
SELECT id, title FROM books WHERE id = 3;
SELECT count(*) FROM authors;
CREATE TEMP TABLE books_before AS SELECT * FROM books;

-- the members of the extension, with their comments
CREATE TEMP VIEW members AS
  SELECT pg_describe_object(d.classid, d.objid, 0) AS member,
         obj_description(d.objid, c.relname) AS comment
    FROM pg_depend d JOIN pg_class c ON c.oid = d.classid
   WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
     AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rest_fdw');
SELECT member, comment FROM members ORDER BY member;

ALTER EXTENSION rest_fdw UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'rest_fdw';

-- the new functions: the loaded library's release, of the SQL version;
-- the session's failed undo requests, none yet
SELECT rest_fdw.version() ~ '^\d+\.\d+\.\d+$' AS looks_like_a_release,
       starts_with(rest_fdw.version(), extversion || '.') AS of_this_version
  FROM pg_extension WHERE extname = 'rest_fdw';
SELECT obj_description('rest_fdw.version()'::regprocedure, 'pg_proc');
SELECT count(*) FROM rest_fdw.undo_failures();
SELECT rest_fdw.undo_failures_reset();

-- the objects made with 1.0 still work, and are still there: the same
-- rows as before the update, lookups by key, writes
(TABLE books EXCEPT ALL TABLE books_before)
UNION ALL
(TABLE books_before EXCEPT ALL TABLE books);
SELECT count(*) = (SELECT count(*) FROM books_before) AS same_count FROM books;
SELECT id, title FROM books WHERE id = 3;
SELECT count(*) FROM authors;
INSERT INTO books (title, price) VALUES ('Upgraded', 1.50)
  RETURNING title, price;
SELECT srvname, usename FROM pg_user_mappings ORDER BY srvname;

-- the members after the update
SELECT member, comment FROM members ORDER BY member;
CREATE TEMP TABLE members_updated AS SELECT * FROM members;

-- a fresh install of 1.2 has the same objects and comments
DROP EXTENSION rest_fdw CASCADE;
CREATE EXTENSION rest_fdw;
SELECT extversion FROM pg_extension WHERE extname = 'rest_fdw';
(SELECT * FROM members EXCEPT SELECT * FROM members_updated)
UNION ALL
(SELECT * FROM members_updated EXCEPT SELECT * FROM members);

-- and so does an update from 1.1
DROP EXTENSION rest_fdw CASCADE;
CREATE EXTENSION rest_fdw VERSION '1.1';
SELECT count(*) FROM members;
ALTER EXTENSION rest_fdw UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'rest_fdw';
(SELECT * FROM members EXCEPT SELECT * FROM members_updated)
UNION ALL
(SELECT * FROM members_updated EXCEPT SELECT * FROM members);

\c contrib_regression
SELECT requests();
DROP DATABASE rest_upgrade;
