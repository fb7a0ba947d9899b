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
  DELETE, 200 with the affected rows as an array when asked, else 204.

Every request is one line in the log file (method, path, status, response
bytes, request bytes), which bench.py counts.  Each connection gets a
thread and a database connection of its own (HTTP/1.1 keep-alive).

Usage: postgrest_service.py --port-file F --log F --dsn DSN
"""
import argparse
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg

COLUMNS = ["id", "name", "price", "created", "active", "category_id"]
local = threading.local()
log_lock = threading.Lock()


def db():
    """This thread's database connection (autocommit)."""
    if getattr(local, "conn", None) is None:
        local.conn = psycopg.connect(Handler.dsn, autocommit=True)
    return local.conn


def key_of(query):
    """The id of an "id=eq.N" filter, or None."""
    value = urllib.parse.parse_qs(query).get("id", [""])[0]
    return int(value[3:]) if value.startswith("eq.") else None


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


class Handler(BaseHTTPRequestHandler):
    """One request: POST, PATCH or DELETE on /items."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes
    dsn = None
    log_file = None

    def log_message(self, *args):
        pass

    def reply(self, status, body=None, received=0):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with log_lock:
            self.log_file.write("%s %s %d %d %d\n" % (
                self.command, self.path, status, len(data), received))
            self.log_file.flush()

    def body(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n) if n else b""
        return (json.loads(raw) if raw else None), n

    def wants_rows(self):
        return "return=representation" in self.headers.get("Prefer", "")

    def do_POST(self):
        rows, n = self.body()
        path = urllib.parse.urlsplit(self.path).path
        if path.rstrip("/") != "/items":
            return self.reply(404, {"message": "no such table"}, n)
        cur = db().cursor()
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
        self.reply(201, out if self.wants_rows() else None, n)

    def do_PATCH(self):
        values, n = self.body()
        key = key_of(urllib.parse.urlsplit(self.path).query)
        cols = [c for c in COLUMNS if c in values]
        cur = db().cursor()
        cur.execute("UPDATE items SET %s WHERE id = %%s RETURNING *" % ", ".join(
            "%s = %%s" % c for c in cols), [values[c] for c in cols] + [key])
        out = as_json_rows(cur)
        self.reply(200, out, n) if self.wants_rows() else self.reply(204, None, n)

    def do_DELETE(self):
        _, n = self.body()
        key = key_of(urllib.parse.urlsplit(self.path).query)
        cur = db().cursor()
        cur.execute("DELETE FROM items WHERE id = %s RETURNING *", [key])
        out = as_json_rows(cur)
        self.reply(200, out, n) if self.wants_rows() else self.reply(204, None, n)

    def do_GET(self):
        self.reply(200, {"service": "postgrest-like"})


def main():
    """Serve until killed; write the chosen port to --port-file."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--dsn", required=True)
    a = ap.parse_args()
    Handler.dsn = a.dsn
    Handler.log_file = open(a.log, "a")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(a.port_file, "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
