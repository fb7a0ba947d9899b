"""A PostgREST-compatible write service for the batch INSERT benchmark.

PostgREST itself is not packaged for Debian 12 nor on PyPI/npm, so this
stands in for it, speaking the part of PostgREST's protocol that rest_fdw's
writes use, on one table ("items", same columns as the benchmark rows) of
its own database in the throwaway cluster:

- POST /items with a JSON object or a JSON array of objects: one INSERT
  (a single row, RETURNING * when "Prefer: return=representation") or one
  COPY of the whole array (as PostgREST inserts an array in one statement);
  201, with the rows as a JSON array when asked for them;
- PATCH /items?id=eq.N with an object, DELETE /items?id=eq.N: one UPDATE or
  DELETE, 200 with the affected rows as an array when asked, else 204;
- GET of any path: {"service": "postgrest-like"}.

Every request is one line in the log file (method, path, status, response
bytes, request bytes), which bench.py counts.  Each connection gets a
thread and a database connection of its own (HTTP/1.1 keep-alive).  The
HTTP skeleton and the PostgREST query-string grammar are test/servicekit's
(PYTHONPATH=<top>/test, as bench/run.sh sets it).

Usage: postgrest_service.py --port-file F --log F --dsn DSN
"""
import argparse
import json
import threading

import psycopg
from servicekit import postgrest, server
from servicekit.server import HttpError, Response

COLUMNS = ["id", "name", "price", "created", "active", "category_id"]
local = threading.local()


def db(req):
    """This thread's database connection (autocommit)."""
    if getattr(local, "conn", None) is None:
        local.conn = psycopg.connect(req.dsn, autocommit=True)
    return local.conn


def key_of(req):
    """The id of the request's "id=eq.N" filter, or None."""
    for key, value in req.params_list():
        if key == "id":
            _, _, negate, op, text = postgrest.parse_filter(key, value)
            return int(text) if (negate, op) == (False, "eq") else None
    return None


def as_json_rows(cur):
    """The rows a RETURNING produced, as PostgREST renders them."""
    names = [d.name for d in cur.description]
    out = []
    for r in cur.fetchall():
        d = dict(zip(names, r))
        d["price"] = None if d["price"] is None else str(d["price"])
        d["created"] = None if d["created"] is None else d["created"].isoformat()
        out.append(d)
    return out


def reply(status, body=None):
    """A response with body as JSON (json.dumps' spacing), or none at all
    (no Content-Type either)."""
    if body is None:
        return Response(status, None, ctype=None)
    return Response(status, json.dumps(body).encode())


def wants_rows(req):
    """Does the request ask for the rows (Prefer: return=representation)?"""
    return postgrest.prefer(req.headers).get("return") == "representation"


def request_body(req):
    """The request's JSON body (None when empty)."""
    return json.loads(req.body) if req.body else None


def insert(req):
    """POST /items: one INSERT of an object, one COPY of an array."""
    rows = request_body(req)
    cur = db(req).cursor()
    if isinstance(rows, list):
        with cur.copy("COPY items (%s) FROM STDIN" % ", ".join(COLUMNS)) as copy:
            for r in rows:
                copy.write_row([r.get(c) for c in COLUMNS])
        out = rows
    else:
        cols = [c for c in COLUMNS if c in rows]
        cur.execute("INSERT INTO items (%s) VALUES (%s) RETURNING *" % (
            ", ".join(cols), ", ".join(["%s"] * len(cols))),
            [rows[c] for c in cols])
        out = as_json_rows(cur)
    return reply(201, out if wants_rows(req) else None)


def update(req):
    """PATCH /items?id=eq.N: one UPDATE."""
    values = request_body(req)
    cols = [c for c in COLUMNS if c in values]
    cur = db(req).cursor()
    cur.execute("UPDATE items SET %s WHERE id = %%s RETURNING *" % ", ".join(
        "%s = %%s" % c for c in cols), [values[c] for c in cols] + [key_of(req)])
    out = as_json_rows(cur)
    return reply(200, out) if wants_rows(req) else reply(204)


def delete(req):
    """DELETE /items?id=eq.N: one DELETE."""
    cur = db(req).cursor()
    cur.execute("DELETE FROM items WHERE id = %s RETURNING *", [key_of(req)])
    out = as_json_rows(cur)
    return reply(200, out) if wants_rows(req) else reply(204)


ROUTES = server.Router(lambda req: HttpError(
    404, json.dumps({"message": "no such table"}).encode()))
ROUTES.add(r"/items/*", {"POST": insert, "PATCH": update, "DELETE": delete})
ROUTES.add(r".*", {"GET": lambda req: reply(200, {"service": "postgrest-like"})})


class Handler(server.Handler):
    """One request: POST, PATCH or DELETE on /items."""

    router = ROUTES
    dsn = None


def main():
    """Serve until killed; write the chosen port to --port-file."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--dsn", required=True)
    a = ap.parse_args()
    Handler.dsn = a.dsn
    Handler.access_log = server.AccessLog(a.log)
    srv = server.Server(("127.0.0.1", 0), Handler)
    srv.write_port_file(a.port_file)
    srv.run()


if __name__ == "__main__":
    main()
