"""The monolith's side of the context tests: a middleware that records the
headers the service receives, one that takes the web request's user from a
test header, and a page that reads the moved books twice."""

import threading

from django.http import JsonResponse

SERVICE_REQUESTS = []  # (path, X-User-Id, traceparent) of each request to /api/
_lock = threading.Lock()
BARRIER = {"wait": None}  # a threading.Barrier the page waits on between its reads


class RecordServiceHeaders:
    """Record the context headers of each request the service receives."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and "schema" not in request.path:
            with _lock:
                SERVICE_REQUESTS.append((request.get_full_path(), request.headers.get("X-User-Id"),
                                         request.headers.get("traceparent")))
        return self.get_response(request)


class _User:
    is_authenticated = True

    def __init__(self, pk):
        self.pk = pk


class TestUser:
    """request.user from the X-Test-User header (absent: anonymous)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pk = request.headers.get("X-Test-User")
        request.user = _User(int(pk)) if pk else None
        return self.get_response(request)


def books(request):
    """Titles of the moved books (two reads, with a wait between)."""
    from shopapp.models import Book

    first = list(Book.objects.filter(price__gte=request.GET.get("min", 0))
                 .values_list("title", flat=True))
    if BARRIER["wait"] is not None:
        BARRIER["wait"].wait(timeout=30)
    second = list(Book.objects.filter(price__gte=request.GET.get("min", 0))
                  .values_list("title", flat=True))
    return JsonResponse({"first": first, "second": second})


def fails(request):
    """A page that raises after reading."""
    from shopapp.models import Book

    list(Book.objects.all()[:1])
    raise RuntimeError("the page failed")
