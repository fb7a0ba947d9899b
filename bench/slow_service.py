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
DELETE /_stats resets both.  Every page request is one log line.

Usage: slow_service.py --port-file F --log F [--rows 20000] [--delay 0.02]
"""
import argparse
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gen_data


class Stats:
    """Requests seen and the most that were in flight at once."""

    lock = threading.Lock()
    requests = 0
    in_flight = 0
    max_in_flight = 0


class Handler(BaseHTTPRequestHandler):
    """GET of a page, after the delay."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes
    rows = []
    origin = ""
    delay = 0.02
    log_file = None
    cache = {}

    def log_message(self, *args):
        pass

    def send(self, status, data, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_DELETE(self):
        with Stats.lock:
            Stats.requests = Stats.max_in_flight = 0
        self.send(200, b"{}")

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_stats":
            with Stats.lock:
                body = {"requests": Stats.requests, "max_in_flight": Stats.max_in_flight}
            return self.send(200, json.dumps(body).encode())
        start = time.monotonic()
        with Stats.lock:
            Stats.requests += 1
            Stats.in_flight += 1
            Stats.max_in_flight = max(Stats.max_in_flight, Stats.in_flight)
        try:
            # PostgREST reports the total only when asked (Prefer: count=exact)
            exact = "count=exact" in self.headers.get("Prefer", "")
            key = (url.path, url.query, exact)
            if key not in self.cache:
                self.cache[key] = self.page(url, exact)
            status, data, headers = self.cache[key]
            time.sleep(max(0.0, self.delay - (time.monotonic() - start)))
            self.send(status, data, headers)
        finally:
            with Stats.lock:
                Stats.in_flight -= 1
        self.log_file.write("GET %s %d %d 0\n" % (self.path, status, len(data)))
        self.log_file.flush()

    def page(self, url, exact=False):
        """Status, body and headers of the page a URL asks for."""
        params = urllib.parse.parse_qs(url.query)
        limit = int(params.get("limit", ["1000"])[0])
        offset = int(params.get("offset", ["0"])[0])
        rows = self.rows[offset:offset + limit]
        if url.path == "/slowpg":
            end = offset + len(rows) - 1
            total = str(len(self.rows)) if exact else "*"
            rng = "%d-%d/%s" % (offset, end, total) if rows else "*/" + total
            return 200, gen_data.dumps(rows).encode(), [("Content-Range", rng)]
        if url.path != "/slow/":
            return 404, b'{"detail":"not found"}', []
        link = lambda o: "%s/slow/?%s" % (self.origin, gen_data.page_args([], limit, o))
        nxt = offset + limit if offset + limit < len(self.rows) else None
        body = {"count": len(self.rows),
                "next": link(nxt) if nxt is not None else None,
                "previous": link(max(offset - limit, 0)) if offset else None,
                "results": rows}
        return 200, gen_data.dumps(body).encode(), []


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
    Handler.log_file = open(a.log, "a")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 64
    Handler.origin = "http://127.0.0.1:%d" % server.server_address[1]
    with open(a.port_file, "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
