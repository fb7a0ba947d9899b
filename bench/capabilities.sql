-- What the optional capabilities save (bench/capabilities.sh): requests and
-- bytes of the same queries on the test service's cap/items (3,000 rows),
-- with the table option capabilities and without.
CREATE EXTENSION rest_fdw;
CREATE SERVER svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url :'base_url', timeout '5');
CREATE USER MAPPING FOR PUBLIC SERVER svc;
CREATE FOREIGN TABLE items (id int NOT NULL, grp int, category int, flag boolean)
  SERVER svc OPTIONS (resource 'cap/items/', key 'id', pagination 'limit',
                      page_size '1000', filters 'id, grp, category, flag',
                      ordering 'id', capabilities 'fields,distinct,group_count');
CREATE FOREIGN TABLE items_plain (id int NOT NULL, grp int, category int, flag boolean)
  SERVER svc OPTIONS (resource 'cap/items/', key 'id', pagination 'limit',
                      page_size '1000', filters 'id, grp, category, flag',
                      ordering 'id');
\set e 'EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF)'
:e SELECT DISTINCT grp FROM items;
:e SELECT DISTINCT grp FROM items_plain;
:e SELECT category, count(*) FROM items GROUP BY category;
:e SELECT category, count(*) FROM items_plain GROUP BY category;
:e SELECT id FROM items WHERE flag;
:e SELECT id FROM items_plain WHERE flag;
