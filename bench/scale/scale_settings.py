"""The example webapp's settings as the scale benchmark runs them.

The example's own settings (shop.settings, imported whole), with what a
production deployment and the measurement need:

* DEBUG off, persistent database connections (CONN_MAX_AGE), no
  server-side cursors (in both modes);
* SCALE_STATEMENT_TIMEOUT_MS: a statement_timeout, so that a page that
  would read a whole collection request by request ends in bounded time
  (it is then reported as timed out, with the requests made until then);
* the QueryLog middleware (this file), which records every SQL statement
  a request runs, with its parameters and when it started, and writes the
  list of the last request to SCALE_QUERY_LOG (a pickle) for measure.py.
  The webapp runs one worker, so the file is the last request's.
"""

import os
import pickle
import time

from django.db import connection

from shop.settings import *  # noqa: F401,F403
from shop.settings import DATABASES, MIDDLEWARE

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = None
# Querysets read with iterator() (a form's dropdown) fetch through a plain
# cursor, so that one statement, capped by the statement_timeout, reads
# them (a server-side cursor's FETCHes would each get the whole timeout).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
_timeout = os.environ.get("SCALE_STATEMENT_TIMEOUT_MS")
if _timeout:
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c statement_timeout={int(_timeout)}".strip()
MIDDLEWARE = ["scale_settings.QueryLog"] + list(MIDDLEWARE)


class QueryLog:
    """Middleware: the statements of each request, into SCALE_QUERY_LOG."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = os.environ.get("SCALE_QUERY_LOG")

    def __call__(self, request):
        queries = []

        def record(execute, sql, params, many, context):
            entry = {"sql": sql, "params": params, "start": time.perf_counter(), "error": None}
            queries.append(entry)
            try:
                return execute(sql, params, many, context)
            except Exception as error:
                entry["error"] = f"{type(error).__name__}: {error}"
                raise
            finally:
                entry["end"] = time.perf_counter()

        started = time.perf_counter()
        with connection.execute_wrapper(record):
            response = self.get_response(request)
        ended = time.perf_counter()
        # A statement's span runs until the next one starts: the rows of a
        # server-side cursor (a form's dropdown) are fetched after execute.
        for entry, after in zip(queries, queries[1:] + [None]):
            entry["span"] = (after["start"] if after else ended) - entry["start"]
            entry["start"] -= started
            entry["end"] -= started
        if self.path:
            tmp = self.path + ".tmp"
            with open(tmp, "wb") as out:
                pickle.dump({"path": request.get_full_path(), "queries": queries}, out)
            os.replace(tmp, self.path)
        return response
