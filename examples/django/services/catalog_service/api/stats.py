"""Request counting for the e2e tests and the demo.

Every request except /_stats itself is recorded as "METHOD /path?query".
GET /_stats returns {"count": n, "requests": [...]}; DELETE /_stats clears
the record.  The list lives in the process, so run one worker.
"""

import json
import threading

from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

_lock = threading.Lock()
_requests = []


class RequestStatsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/_stats":
            with _lock:
                _requests.append(f"{request.method} {request.get_full_path()}")
        return self.get_response(request)


@csrf_exempt
def stats_view(request):
    if request.method == "DELETE":
        with _lock:
            _requests.clear()
        return HttpResponse(status=204)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "DELETE"])
    with _lock:
        body = {"count": len(_requests), "requests": list(_requests)}
    return HttpResponse(json.dumps(body), content_type="application/json")
