"""The shared skeleton of the Python HTTP services of the tests and benchmarks.

test/rest_service.py (the regression tests' service), bench/postgrest_service.py
and bench/slow_service.py (the benchmark's) and the fuzz test's page server
answer HTTP the same way, and the first three speak parts of the same
PostgREST protocol; this package is what they share, standard library only:

- servicekit.server: the threaded server, its port file and SIGTERM
  handling, the request handler (body reading, query parameters, routing
  by method and path, Response/HttpError, optional gzip, access log);
- servicekit.postgrest: PostgREST's query-string protocol (the filter
  grammar, select=, order=, limit/offset, Prefer, Content-Range, errors);
- servicekit.jsontext: JSON whose numbers keep their source text.

The package lives in test/: test/rest_service.py imports it from its own
directory; the services elsewhere find it through PYTHONPATH=<top>/test,
which their launchers (bench/run.sh, test/fuzz/run.sh) set.
"""
