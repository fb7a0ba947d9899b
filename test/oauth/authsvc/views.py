"""The API, its authentication, the request log and the control endpoints.

The API serves one collection, /api/books/ (and its rows at
/api/books/ID/), to bearer tokens of the token
endpoint (django-oauth-toolkit's client-credentials grant) that carry the
scope "read".  Tokens of the application named "refused" are never
accepted, as by an API that does not trust that client: every request
with one is answered 401.

Control endpoints (not logged; for the tests only):
  GET /_log      the requests since the last call, one a line, then cleared
  GET /_tokens   every access token issued, revoked ones too, one a line
  GET /_revoke   delete every access token (as if they were revoked)
"""

import base64
import json
from urllib.parse import parse_qs, unquote_plus

from django.http import HttpResponse
from oauth2_provider.models import AccessToken
from rest_framework.response import Response
from rest_framework.views import APIView

LOG = []
ISSUED = []

BOOKS = [
    {"id": 1, "title": "Dune"},
    {"id": 2, "title": "Emma"},
    {"id": 3, "title": "Ulysses"},
]


class Books(APIView):
    """The collection: a bare JSON array."""

    required_scopes = ["read"]

    def get(self, request):
        return Response(BOOKS)


class Book(APIView):
    """One row of the collection."""

    required_scopes = ["read"]

    def get(self, request, pk):
        for book in BOOKS:
            if book["id"] == pk:
                return Response(book)
        return Response({"detail": "Not found."}, status=404)


def basic_client_id(request):
    """The client id of a Basic Authorization header, or "-"."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if not auth.startswith("Basic "):
        return "-"
    try:
        user = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
    except ValueError:
        return "?"
    return unquote_plus(user)


def log_line(request):
    """What the log says of a request: method, path and, for the token
    endpoint, the client id and the grant's non-secret parameters."""
    line = "%s %s" % (request.method, request.get_full_path())
    if request.path == "/o/token/":
        form = parse_qs(request.body.decode("utf-8", "replace"))
        fields = ["client=" + basic_client_id(request)]
        for name in ("grant_type", "scope", "audience"):
            if name in form:
                fields.append("%s=%s" % (name, form[name][0]))
        fields.append("type=" + request.META.get("CONTENT_TYPE", ""))
        line += " " + " ".join(fields)
    elif "HTTP_AUTHORIZATION" in request.META:
        line += " " + request.META["HTTP_AUTHORIZATION"].split(" ")[0]
    return line


class RequestLog:
    """Middleware: record every request but the control endpoints', with
    the status it was answered with."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        line = None if request.path.startswith("/_") else log_line(request)
        response = self.get_response(request)
        if request.path == "/o/token/" and response.status_code == 200:
            ISSUED.append(json.loads(response.content)["access_token"])
        if line is not None:
            LOG.append("%s -> %d" % (line, response.status_code))
        return response


def control_log(request):
    lines = LOG[:]
    LOG.clear()
    return HttpResponse("".join(line + "\n" for line in lines),
                        content_type="text/plain")


def control_tokens(request):
    return HttpResponse("".join(t + "\n" for t in ISSUED),
                        content_type="text/plain")


def control_revoke(request):
    AccessToken.objects.all().delete()
    return HttpResponse("revoked\n", content_type="text/plain")
