--
-- rest_fdw.move_table: a local table moves into a service, as a Django
-- migration does it with RunSQL; and back.
--
CREATE SCHEMA t_move;
SET search_path = t_move, public;
SET datestyle = 'ISO, YMD';
-- the PL/pgSQL context lines would only repeat the function's name
\set SHOW_CONTEXT never
SELECT svc('POST', '/_reset');

-- the monolith's tables: authors, and books that reference them
CREATE TABLE catalog_author (
  id   bigserial PRIMARY KEY,
  name varchar(100) NOT NULL,
  born date
);
INSERT INTO catalog_author (id, name, born)
  VALUES (10, 'Ursula K. Le Guin', '1929-10-21'), (11, 'Stanisław Lem', '1921-09-12');
CREATE TABLE catalog_book (
  id        bigserial PRIMARY KEY,
  title     text NOT NULL,
  author_id bigint REFERENCES catalog_author (id)
);
INSERT INTO catalog_book (title, author_id) VALUES ('Solaris', 11);

-- what cannot move is refused, and nothing changes
CREATE TABLE blobs (id int PRIMARY KEY, data bytea);
SELECT rest_fdw.move_table('blobs', 'svc', 'blobs/');
CREATE TABLE nokey (name text);
SELECT rest_fdw.move_table('nokey', 'svc', 'nokey/');
SELECT rest_fdw.move_table('catalog_author', 'nosuchserver', 'authors/');
\d catalog_author

-- the move: the foreign table takes the name, the rows go to the service
SELECT rest_fdw.move_table('catalog_author', 'svc', 'authors/',
                           table_options => '{filters=id__in,pagination=limit}');
-- (its definition; psql's \d+ words NOT NULL differently from 18 on)
SELECT server, options FROM imported_tables('t_move') WHERE foreign_table = 'catalog_author';
SELECT col, type, not_null, options FROM imported_columns('t_move') WHERE foreign_table = 'catalog_author';
SELECT requests();
SELECT * FROM catalog_author WHERE id IN (10, 11) ORDER BY id;
-- the local rows are kept under a documented name
SELECT count(*) FROM catalog_author_before_rest;
-- the reference from books was dropped; the join still works
SELECT b.title, a.name FROM catalog_book b JOIN catalog_author a ON a.id = b.author_id;
-- Django's create() goes to the service now
INSERT INTO catalog_author (name) VALUES ('Octavia E. Butler') RETURNING id;
-- the NOT NULL constraints came along: a NULL name is refused before any
-- request, with the SQLSTATE a local table gives (Django's IntegrityError)
SELECT try($$INSERT INTO catalog_author (name) VALUES (NULL)$$);
SELECT requests();

-- and back: the service's rows replace the kept table's
SELECT rest_fdw.move_table_back('catalog_author');
SELECT id, name FROM catalog_author ORDER BY id;
SELECT relkind FROM pg_class WHERE oid = 'catalog_author'::regclass;
-- the key's sequence went past the service's keys
INSERT INTO catalog_author (name) VALUES ('N. K. Jemisin') RETURNING id;
SELECT rest_fdw.move_table_back('catalog_author');

-- JSON member names that differ from the columns'
CREATE TABLE catalog_book2 (id bigint PRIMARY KEY, title text, author_id bigint);
INSERT INTO catalog_book2 VALUES (90, 'Kindred', 12);
SELECT rest_fdw.move_table('catalog_book2', 'svc', 'books/', copy_rows => false,
                           fields => '{author_id=author}');
-- (its definition; psql's \d+ words NOT NULL differently from 18 on)
SELECT server, options FROM imported_tables('t_move') WHERE foreign_table = 'catalog_book2';
SELECT col, type, not_null, options FROM imported_columns('t_move') WHERE foreign_table = 'catalog_book2';
SELECT title, author_id FROM catalog_book2 WHERE id = 3;
SELECT rest_fdw.move_table('catalog_book', 'svc', 'books/', fields => '{nope=x}');
-- a move without copy, dropping the local table
CREATE TABLE tags (id int PRIMARY KEY, label text);
INSERT INTO tags VALUES (1, 'sf');
SELECT rest_fdw.move_table('tags', 'svc', 'plain/books/', copy_rows => false,
                           drop_local => true);
SELECT to_regclass('tags_before_rest') IS NULL AS dropped;
SELECT requests();
