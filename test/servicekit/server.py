"""The HTTP skeleton of the test and benchmark services.

A service subclasses Handler and gives it a Router (or overrides route());
every request, whatever its method, goes through one path:

    dispatch: read the body (Content-Length or chunked), split the path
      from the query, then serve():
    serve: answer() -> a Response, send() it, write the access log line;
    answer: route() -> a Response; an HttpError raised on the way is its
      response, any other exception a 500 (the service keeps serving).

A service with state, logs or faults of its own overrides serve().  Paths
starting with "/_" are the services' control endpoints: the access log
leaves them out.  Server is a threaded HTTP/1.1 server (a daemon thread
per connection) that publishes its port in a file and stops on SIGTERM.
"""

import gzip
import http.server
import os
import re
import signal
import threading
import traceback
import urllib.parse

from servicekit.jsontext import dumps

JSON = "application/json"


class Response:
    """A complete response: status, body (JSON value, str or bytes), headers."""

    def __init__(self, status, body=None, headers=None, ctype=JSON,
                 indent=None):
        """Store the pieces; body None means an empty body, ctype None no
        Content-Type header."""
        self.status = status
        self.headers = list((headers or {}).items()) if isinstance(
            headers, dict) else list(headers or [])
        self.ctype = ctype
        if body is None:
            self.body = b""
        elif isinstance(body, bytes):
            self.body = body
        elif isinstance(body, str) and not (ctype or "").startswith(JSON):
            self.body = body.encode("utf-8")
        else:
            self.body = dumps(body, indent).encode("utf-8")


class HttpError(Exception):
    """An error response raised from request handling."""

    def __init__(self, status, body, headers=None, ctype=JSON):
        """Remember status, JSON-able body and extra headers."""
        super().__init__(status)
        self.response = Response(status, body, headers, ctype)


class Router:
    """Routes a request by its path (a regular expression that must match
    all of it, the first that does) and its method."""

    def __init__(self, not_found):
        """not_found(handler) makes the HttpError for a path no route has."""
        self.routes = []
        self.not_found = not_found

    def add(self, pattern, action):
        """Route pattern to action(handler, *groups), or, when action is a
        dict, the methods it names to their actions (other methods go on
        to the next route)."""
        self.routes.append((re.compile(pattern), action))

    def route(self, req):
        """The Response of the route the request's path and method take."""
        for rx, action in self.routes:
            m = rx.fullmatch(req.route_path)
            if m is None:
                continue
            if isinstance(action, dict):
                if req.method not in action:
                    continue
                action = action[req.method]
            return action(req, *m.groups())
        raise self.not_found(req)


class AccessLog:
    """A log file, one line a request: METHOD PATH STATUS SENT RECEIVED
    (the body sizes in bytes), written as each response ends."""

    def __init__(self, path):
        """Open path for appending."""
        self.file = open(path, "a")
        self.lock = threading.Lock()

    def write(self, method, path, status, sent, received):
        """Append one request's line, flushed."""
        with self.lock:
            self.file.write("%s %s %d %d %d\n" % (method, path, status, sent,
                                                   received))
            self.file.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    """One connection: reads requests and answers them (see the module)."""

    protocol_version = "HTTP/1.1"
    # headers and body are written separately: without TCP_NODELAY, every
    # response would wait for the client's delayed ACK (40 ms on Linux)
    disable_nagle_algorithm = True
    router = None         # a Router, unless route() is overridden
    access_log = None     # an AccessLog, or no log
    gzip_min = None       # gzip larger bodies when the client accepts gzip

    def log_message(self, fmt, *args):
        """Silence the per-request stderr log."""

    def do_GET(self):
        """Every method takes the same path."""
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def dispatch(self):
        """Read the request's body, split its path, serve it."""
        try:
            self.body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        self.method = "GET" if self.command == "HEAD" else self.command
        self.route_path, _, self.query = self.path.partition("?")
        self.serve()

    def serve(self):
        """Answer the request, send the answer, log it."""
        resp = self.answer()
        sent = self.send(resp)
        if self.access_log is not None and not self.route_path.startswith("/_"):
            self.access_log.write(self.command, self.path, resp.status, sent,
                                  len(self.body))

    def answer(self):
        """The request's Response: route()'s, an HttpError's, or a 500."""
        try:
            return self.route()
        except HttpError as e:
            return e.response
        except Exception as e:  # a bug here: answer 500, keep serving
            traceback.print_exc()
            return Response(500, {"detail": "internal error: %r" % e})

    def route(self):
        """The Response of the service's route for this request."""
        return self.router.route(self)

    def read_body(self):
        """Read the request body (Content-Length or chunked)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def params_list(self):
        """Decoded query parameters as an ordered list of (key, value)."""
        return urllib.parse.parse_qsl(self.query, keep_blank_values=True)

    def params_last(self):
        """Decoded query parameters, last value wins (Django QueryDict.get)."""
        return dict(self.params_list())

    def full_url(self):
        """Absolute URL of the request, built from the Host header."""
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
        return "http://" + host + self.path

    def send(self, resp):
        """Write a Response, gzip-encoding large bodies when accepted;
        returns the size of the body before any encoding."""
        body = resp.body
        headers = list(resp.headers)
        no_body = resp.status in (204, 304) or resp.status < 200
        if (not no_body and self.gzip_min is not None
                and len(body) > self.gzip_min and "gzip" in
                (self.headers.get("Accept-Encoding") or "").lower()):
            body = gzip.compress(body, mtime=0)
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        self.send_response(resp.status)
        if not no_body:
            if resp.ctype is not None:
                self.send_header("Content-Type", resp.ctype)
            self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if not no_body and self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()
        return len(resp.body)


class Server(http.server.ThreadingHTTPServer):
    """Threaded HTTP/1.1 server with daemon worker threads."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    @property
    def port(self):
        """The port the server listens on."""
        return self.server_address[1]

    def write_port_file(self, path):
        """Publish the port in path, atomically (a reader never sees it
        half written)."""
        tmp = "%s.tmp.%d" % (path, os.getpid())
        with open(tmp, "w") as f:
            f.write("%d" % self.port)
        os.replace(tmp, path)

    def run(self):
        """Serve until SIGTERM or SIGINT, then close the socket."""

        def stop(signum, frame):
            """Leave serve_forever."""
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            self.serve_forever()
        except SystemExit:
            pass
        finally:
            self.server_close()
