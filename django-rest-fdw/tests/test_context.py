"""RestFdwContextMiddleware: the service receives each web request's user
and trace (context_headers of the shop server), and nothing after."""

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from rest_fdw_django.middleware import valid_traceparent
from testproject import web

TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture
def recorded(moved):
    web.SERVICE_REQUESTS.clear()
    yield web.SERVICE_REQUESTS
    web.BARRIER["wait"] = None


def book_requests(recorded):
    return [r for r in recorded if r[0].startswith("/api/books/")]


def test_two_concurrent_users(recorded):
    web.BARRIER["wait"] = threading.Barrier(2)
    answers = {}

    def browse(user):
        try:
            answers[user] = Client(HTTP_X_TEST_USER=str(user)).get(f"/web/books/?min={user}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=browse, args=(u,)) for u in (11, 12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert {u: a.status_code for u, a in answers.items()} == {11: 200, 12: 200}
    assert answers[12].json()["first"] == ["The Cyberiad", "Invisible Cities"]
    seen = {}
    for path, user, trace in book_requests(recorded):
        seen.setdefault(re.search(r"price__gte=(\d+)", path).group(1), set()).add(user)
    # each page's two reads went to the service with its own user only
    assert seen == {"11": {"11"}, "12": {"12"}}
    assert len(book_requests(recorded)) >= 4


def test_traceparent_propagated_or_replaced(recorded):
    client = Client(HTTP_X_TEST_USER="3")
    assert client.get("/web/books/", HTTP_TRACEPARENT=TRACE).status_code == 200
    assert {r[2] for r in book_requests(recorded)} == {TRACE}
    for bad in ("00-zz-00f067aa0ba902b7-01", "00-" + "0" * 32 + "-00f067aa0ba902b7-01", ""):
        recorded.clear()
        assert client.get("/web/books/", HTTP_TRACEPARENT=bad).status_code == 200
        traces = {r[2] for r in book_requests(recorded)}
        assert len(traces) == 1
        (trace,) = traces
        assert trace != bad and valid_traceparent(trace)
        assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", trace)


def test_anonymous_sends_no_user(recorded):
    assert Client().get("/web/books/").status_code == 200
    assert {r[1] for r in book_requests(recorded)} == {None}


def value():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('rest_fdw.context', true)")
        return cursor.fetchone()[0]


def test_cleared_after_the_request(recorded):
    assert Client(HTTP_X_TEST_USER="5").get("/web/books/").status_code == 200
    assert value() in ("", None)
    with pytest.raises(RuntimeError):
        Client(HTTP_X_TEST_USER="6").get("/web/fails/")
    assert {r[1] for r in book_requests(recorded)} == {"5", "6"}
    assert value() in ("", None)
    recorded.clear()
    list(__import__("shopapp.models").models.Book.objects.all())
    assert {r[1] for r in book_requests(recorded)} == {None}
    assert {r[2] for r in book_requests(recorded)} == {None}
