"""A service that takes 20 ms per page, for the page prefetching benchmark.

nginx cannot delay a response (nginx-light has no echo_sleep, and
limit_rate throttles bandwidth, not latency), so this small threaded
server does: each request waits DELAY seconds (time.sleep in its own
thread, so requests in flight at the same time overlap, as they would on a
real service whose time is spent waiting on its database) and then answers
from pages rendered in memory (each rendered on its first request, which
the harness's warm-up run makes).  The delay is
measured from the moment the request line is read.

Two resources over the same rows (gen_data.row), pages of --page-size rows:

- /slow/?limit=L&offset=O      Django REST framework limit/offset envelope
  {count, next, previous, results}, next links as rest_fdw builds them;
- /slowpg?limit=L&offset=O     PostgREST: a bare array and a
  Content-Range: O-E/* header (O-E/N with Prefer: count=exact; an empty
  page ends the scan).

GET /_stats answers {"requests": n, "max_in_flight": m} (not delayed);
DELETE /_stats resets both.  Every page request is one log line.  The
HTTP skeleton and the PostgREST pieces are test/servicekit's
(PYTHONPATH=<top>/test, as bench/run.sh sets it).

Usage: slow_service.py --port-file F --log F [--rows 20000] [--delay 0.02]
"""
import argparse
import contextlib
import json
import threading
import time

import gen_data
from servicekit import postgrest, server
from servicekit.server import HttpError, Response


class Stats:
    """Requests seen and the most that were in flight at once."""

    lock = threading.Lock()
    requests = 0
    in_flight = 0
    max_in_flight = 0

    @classmethod
    @contextlib.contextmanager
    def request(cls):
        """Count a request in flight while the block runs."""
        with cls.lock:
            cls.requests += 1
            cls.in_flight += 1
            cls.max_in_flight = max(cls.max_in_flight, cls.in_flight)
        try:
            yield
        finally:
            with cls.lock:
                cls.in_flight -= 1


def get_stats(req):
    """GET /_stats."""
    with Stats.lock:
        body = {"requests": Stats.requests, "max_in_flight": Stats.max_in_flight}
    return Response(200, json.dumps(body).encode())


def reset_stats(req):
    """DELETE /_stats."""
    with Stats.lock:
        Stats.requests = Stats.max_in_flight = 0
    return Response(200, b"{}")


def postgrest_page(req, offset, limit, exact):
    """/slowpg: a bare array, its place in Content-Range."""
    rows = req.rows[offset:offset + limit]
    rng = postgrest.content_range(offset, len(rows),
                                  len(req.rows) if exact else None)
    return Response(200, gen_data.dumps(rows).encode(), [("Content-Range", rng)])


def drf_page(req, offset, limit):
    """/slow/: the DRF limit/offset envelope."""
    rows = req.rows[offset:offset + limit]

    def link(o):
        """The URL of the page at offset o."""
        return "%s/slow/?%s" % (req.origin, gen_data.page_args([], limit, o))

    nxt = offset + limit if offset + limit < len(req.rows) else None
    body = {"count": len(req.rows),
            "next": link(nxt) if nxt is not None else None,
            "previous": link(max(offset - limit, 0)) if offset else None,
            "results": rows}
    return Response(200, gen_data.dumps(body).encode())


def page(req, exact):
    """The Response of the page a request asks for (not yet delayed)."""
    offset, limit = postgrest.parse_range(req.params_last())
    limit = 1000 if limit is None else limit
    if req.route_path == "/slowpg":
        return postgrest_page(req, offset, limit, exact)
    if req.route_path == "/slow/":
        return drf_page(req, offset, limit)
    raise HttpError(404, b'{"detail":"not found"}')


def delayed_page(req):
    """GET of a page: from the cache (rendered on first use), after the
    delay."""
    start = time.monotonic()
    # PostgREST reports the total only when asked (Prefer: count=exact)
    exact = postgrest.prefer(req.headers).get("count") == "exact"
    key = (req.route_path, req.query, exact)
    if key not in req.cache:
        try:
            req.cache[key] = page(req, exact)
        except HttpError as e:
            req.cache[key] = e.response
    time.sleep(max(0.0, req.delay - (time.monotonic() - start)))
    return req.cache[key]


ROUTES = server.Router(lambda req: HttpError(404, b'{"detail":"not found"}'))
ROUTES.add(r"/_stats", {"GET": get_stats, "DELETE": reset_stats})
ROUTES.add(r".*", {"GET": delayed_page})


class Handler(server.Handler):
    """GET of a page, after the delay."""

    router = ROUTES
    rows = []
    origin = ""
    delay = 0.02
    cache = {}

    def serve(self):
        """Serve, a page request counted in flight until it is answered."""
        if self.route_path.startswith("/_"):
            return super().serve()
        with Stats.request():
            super().serve()


def main():
    """Serve until killed; write the chosen port to --port-file."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--delay", type=float, default=0.02)
    a = ap.parse_args()
    Handler.rows = [gen_data.row(i) for i in range(1, a.rows + 1)]
    Handler.delay = a.delay
    Handler.access_log = server.AccessLog(a.log)
    srv = server.Server(("127.0.0.1", 0), Handler)
    Handler.origin = "http://127.0.0.1:%d" % srv.port
    srv.write_port_file(a.port_file)
    srv.run()


if __name__ == "__main__":
    main()
