--
-- IMPORT FOREIGN SCHEMA from OpenAPI documents: the generated tables, then
-- queries through them against the test service, then bad documents.
--
-- The test service serves the documents of test/openapi/ at /openapi/.
--
CREATE SCHEMA t_import;
\getenv port REST_TEST_PORT
SET search_path = t_import, public;
SET datestyle = 'ISO, YMD';
SET timezone = 'UTC';
SELECT svc('POST', '/_reset');

-- forget the requests made so far
CREATE FUNCTION forget_requests() RETURNS void
LANGUAGE sql AS $$ SELECT count(*) FROM requests() $$;

--
-- drf-spectacular: PaginatedBookList (page pagination, django-filter
-- parameters, ordering enum), PaginatedAuthorList (limit/offset, GET only),
-- and the schema view itself, which is no collection.  spec_url is relative
-- to base_url (http://svc.test/api/).
--
CREATE SCHEMA imp_drf;
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_drf
  OPTIONS (spec_url '../openapi/drf.json');
SELECT requests();
SELECT * FROM imported_tables('imp_drf');
SELECT * FROM imported_columns('imp_drf');

-- the imported tables work against the service, and a scan sends only the
-- filters and orderings the document declares
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, title FROM imp_drf.books
WHERE price >= 9.95 AND price <= 15 AND author = 1 AND published > '1960-01-01'
ORDER BY price DESC;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT * FROM imp_drf.authors WHERE name = 'Anonymous' AND born IS NULL
ORDER BY name;
SELECT id, title, author, price, published, tags, in_stock
FROM imp_drf.books ORDER BY id;
SELECT id, title, price FROM imp_drf.books
WHERE price >= 9.95 AND price <= 15 AND author = 1 ORDER BY price DESC;
SELECT title FROM imp_drf.books WHERE title ILIKE '%man%';
SELECT b.title, a.name, a.born
FROM imp_drf.books b JOIN imp_drf.authors a ON a.id = b.author
ORDER BY b.id;
SELECT * FROM imp_drf.books WHERE id = 3;
INSERT INTO imp_drf.books (title, author, price)
  VALUES ('Hyperion', 3, 8.99) RETURNING id, title, author, price, tags;
UPDATE imp_drf.books SET price = 9.5 WHERE id = 6 RETURNING id, price;
DELETE FROM imp_drf.books WHERE id = 6;
SELECT count(*) FROM imp_drf.books;
-- authors has GET operations only
INSERT INTO imp_drf.authors (name) VALUES ('Ursula K. Le Guin');
SELECT forget_requests();

-- LIMIT TO and EXCEPT name the tables to create
CREATE SCHEMA imp_limit;
IMPORT FOREIGN SCHEMA openapi LIMIT TO (books, nosuchtable) FROM SERVER svc
  INTO imp_limit OPTIONS (spec_url '/openapi/drf.json');
CREATE SCHEMA imp_except;
IMPORT FOREIGN SCHEMA openapi EXCEPT (books) FROM SERVER svc
  INTO imp_except OPTIONS (spec_url '/openapi/drf.json');
SELECT foreign_table FROM imported_tables('imp_limit');
SELECT foreign_table FROM imported_tables('imp_except');
-- importing twice is an error, as for any CREATE FOREIGN TABLE
IMPORT FOREIGN SCHEMA openapi LIMIT TO (books) FROM SERVER svc
  INTO imp_limit OPTIONS (spec_url '/openapi/drf.json');

--
-- FastAPI (OpenAPI 3.1): list[Model] responses (bare arrays), item paths
-- /books/{book_id}/ and /items/{item_id}, anyOf nullable unions, aliases
-- in camelCase, the 422 HTTPValidationError schemas, a server URL
-- (root_path /api/plain), and an absolute spec_url.
--
CREATE SCHEMA imp_fastapi;
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_fastapi
  OPTIONS (spec_url 'http://svc.test/openapi/fastapi.json');
SELECT * FROM imported_tables('imp_fastapi');
SELECT * FROM imported_columns('imp_fastapi');
SELECT id, title, author, price, published, in_stock
FROM imp_fastapi.books WHERE title = 'Dune';
SELECT id, publisher FROM imp_fastapi.books WHERE id = 4;
SELECT forget_requests();

--
-- A hand-written OpenAPI 3.1 document: allOf, type arrays with "null",
-- oneOf/anyOf with {"type": "null"}, enums, a recursive schema, a server
-- variable, parameters and responses by $ref, a cursor-paginated "items"
-- envelope, and a collection nested under a path parameter.
--
CREATE SCHEMA imp_31;
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_31
  OPTIONS (spec_url '/openapi/types31.json');
SELECT * FROM imported_tables('imp_31');
SELECT * FROM imported_columns('imp_31');
\x on
SELECT id, i2, i4, i8, num, num_str, f8, bool_t, txt, dt, ts, tstz, uid,
       arr_int, arr_txt, obj, "any", tm
FROM imp_31.types ORDER BY id;
\x off
SELECT forget_requests();

--
-- An inline document (option spec); its server URL is relative to base_url.
--
CREATE SCHEMA imp_inline;
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_inline OPTIONS (spec $${
  "openapi": "3.0.0",
  "info": {"title": "inline", "version": "1"},
  "servers": [{"url": "/api/plain/"}],
  "paths": {
    "/authors/": {"get": {"responses": {"200": {"description": "",
      "content": {"application/json": {"schema": {"type": "array",
        "items": {"$ref": "#/components/schemas/Person%20Record"}}}}}}}},
    "/authors/{pk}/": {"get": {"responses": {"200": {"description": ""}}}},
    "/cart/": {"get": {"responses": {"200": {"description": "not a page",
      "content": {"application/json": {"schema": {"type": "object",
        "properties": {"id": {"type": "integer"}, "total": {"type": "number"},
                       "items": {"type": "array", "items": {"type": "object",
                         "properties": {"sku": {"type": "string"}}}}}}}}}}}}
  },
  "components": {"schemas": {"Person Record": {
    "type": "object",
    "required": ["pk", "name"],
    "properties": {
      "pk": {"type": "integer", "readOnly": true},
      "id": {"type": "integer", "readOnly": true},
      "name": {"type": "string"},
      "ID": {"type": "string", "nullable": true},
      "born": {"type": "string", "format": "date", "nullable": true}
    }}}}
}$$);
SELECT * FROM imported_tables('imp_inline');
SELECT * FROM imported_columns('imp_inline');
SELECT id, name, born FROM imp_inline.authors ORDER BY id;
SELECT forget_requests();

--
-- Bad IMPORT statements and bad documents.
--
CREATE SCHEMA imp_bad;
-- the remote schema is always "openapi"
IMPORT FOREIGN SCHEMA public FROM SERVER svc INTO imp_bad;
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (url '/openapi/drf.json');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec_url '/openapi/drf.json', spec '{}');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec_url '');
-- without spec_url: schema/ and then /openapi.json are tried
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad;
SELECT requests();
-- the document is fetched like every request: HTTP errors, size, timeout
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec_url '/openapi/missing.json');
SELECT svc('POST', '/_fault?path=/openapi/drf.json&status=403');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec_url '/openapi/drf.json');
\set connect_to '::127.0.0.1:' :port
CREATE SERVER svc_small FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to',
           max_response_size '2kB', timeout '0.5', max_retries '0');
CREATE USER MAPPING FOR PUBLIC SERVER svc_small;
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc_small INTO imp_bad
  OPTIONS (spec_url '/openapi/drf.json');
SELECT svc('POST', '/_fault?path=/openapi/drf.yaml&hang=3');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc_small INTO imp_bad
  OPTIONS (spec_url '/openapi/drf.yaml');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec_url 'ftp://svc.test/openapi/drf.json');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec_url 'http://user:pw@svc.test/openapi/drf.json');
-- credentials go only to base_url's origin; a document elsewhere names
-- the service in its servers
SELECT forget_requests();
CREATE SERVER svc_auth FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/', connect_to :'connect_to');
CREATE USER MAPPING FOR PUBLIC SERVER svc_auth
  OPTIONS (bearer_token 'imp-token');
CREATE SCHEMA imp_auth;
IMPORT FOREIGN SCHEMA openapi LIMIT TO (authors) FROM SERVER svc_auth
  INTO imp_auth OPTIONS (spec_url '/openapi/drf.json');
IMPORT FOREIGN SCHEMA openapi LIMIT TO (types) FROM SERVER svc_auth
  INTO imp_auth OPTIONS (spec_url 'http://docs.test/openapi/types31.json');
SELECT svc('GET', '/_log?headers=authorization');
SELECT foreign_table FROM imported_tables('imp_auth');
-- YAML, HTML and other documents that are not JSON
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec_url '/openapi/drf.yaml');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec E'openapi: 3.1.0\ninfo:\n  title: x\n');
SELECT svc('POST', '/_fault?path=/openapi/drf.json&raw=%3C!DOCTYPE%20html%3E%3Chtml%3E%3C/html%3E');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec_url '/openapi/drf.json');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec '{"openapi": "3.0.0", "paths": {');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec '["openapi"]');
-- documents that are not OpenAPI 3
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec '{"swagger": "2.0", "paths": {}}');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec '{"openapi": "2.5", "paths": {}}');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec '{"info": {"title": "no version"}}');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec '{"openapi": "3.1.0", "paths": []}');
-- a document without collections
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                  "paths": {"/health": {"get": {"responses": {"200": {
                    "description": "ok"}}}}}}');
-- $refs that cannot be resolved
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec '{"openapi": "3.0.3", "paths": {"/api/books/": {"get": {
    "responses": {"200": {"description": "", "content": {"application/json":
      {"schema": {"type": "array",
                  "items": {"$ref": "#/components/schemas/Missing"}}}}}}}}}}');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec '{"openapi": "3.0.3", "paths": {"/api/books/": {"get": {
    "responses": {"200": {"description": "", "content": {"application/json":
      {"schema": {"type": "array",
                  "items": {"$ref": "common.json#/Book"}}}}}}}}}}');
-- $ref cycles: between schemas, and through allOf
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec '{"openapi": "3.0.3", "paths": {"/api/books/": {"get": {
    "responses": {"200": {"description": "", "content": {"application/json":
      {"schema": {"type": "array",
                  "items": {"$ref": "#/components/schemas/A"}}}}}}}}},
    "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"},
                               "B": {"$ref": "#/components/schemas/A"}}}}');
IMPORT FOREIGN SCHEMA openapi FROM SERVER svc INTO imp_bad
  OPTIONS (spec '{"openapi": "3.1.0", "paths": {"/api/books/": {"get": {
    "responses": {"200": {"description": "", "content": {"application/json":
      {"schema": {"type": "array",
                  "items": {"$ref": "#/components/schemas/Book"}}}}}}}}},
    "components": {"schemas": {
      "Book": {"type": "object",
               "properties": {"id": {"type": "integer"},
                              "price": {"$ref": "#/components/schemas/Money"}}},
      "Money": {"allOf": [{"$ref": "#/components/schemas/Amount"}]},
      "Amount": {"anyOf": [{"$ref": "#/components/schemas/Money"},
                           {"type": "null"}]}}}}');
SELECT foreign_table FROM imported_tables('imp_bad');
SELECT forget_requests();

DROP SERVER svc_small CASCADE;
DROP SERVER svc_auth CASCADE;
DROP SCHEMA imp_drf, imp_limit, imp_except, imp_fastapi, imp_31, imp_inline,
  imp_bad, imp_auth CASCADE;
DROP SCHEMA t_import CASCADE;
