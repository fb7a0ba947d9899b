"""The request log: each request's method, path with its query string as
received, content type and body, one line each, appended to the file of
settings.REQUEST_LOG.  GET /_log answers with the lines logged since the
previous GET /_log, and empties the file, so that a test can assert the
requests a statement sent."""

import fcntl

from django.conf import settings
from django.http import HttpResponse


def _log_line(request):
    """The line of one request: METHOD PATH[?QUERY] [CONTENT-TYPE BODY],
    the body as sent (newlines as \\n)."""
    line = request.method + " " + request.get_full_path()
    body = request.body
    if body:
        text = body.decode("utf-8", errors="backslashreplace")
        line += " " + request.META.get("CONTENT_TYPE", "-") + " " + \
            text.replace("\n", "\\n")
    return line


class RequestLogMiddleware:
    """Logs every request but those of the log itself; serves /_log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = settings.REQUEST_LOG
        if request.path == "/_log":
            return self.take_log(path)
        if path:
            with open(path, "a", encoding="utf-8") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                f.write(_log_line(request) + "\n")
        return self.get_response(request)

    @staticmethod
    def take_log(path):
        """The lines logged so far, and an empty log."""
        text = ""
        if path:
            with open(path, "a+", encoding="utf-8") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                f.seek(0)
                text = f.read()
                f.truncate(0)
        return HttpResponse(text, content_type="text/plain; charset=utf-8")
