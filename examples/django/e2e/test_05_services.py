"""The two services on their own (services mode only): what rest_fdw and
move_table rely on, checked over HTTP without the webapp.

The tests that write do so outside any webapp transaction, so no rollback
can undo them: they are `committed` tests, after which the suite loads the
scripted data into the services again (conftest.py)."""

import os

import pytest
import requests

from conftest import SERVICES

pytestmark = pytest.mark.skipif(not SERVICES, reason="services mode only")


@pytest.fixture
def api():
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {os.environ['SERVICE_TOKEN']}"
    return session


def catalog(path):
    return os.environ["CATALOG_SERVICE_URL"] + path


def reviews(path):
    return os.environ["REVIEWS_SERVICE_URL"] + path


def test_token_required():
    assert requests.get(catalog("books/"), timeout=10).status_code == 403
    assert requests.get(reviews("reviews/"), timeout=10).status_code == 401


def test_catalog_pages_filters_and_ordering(api):
    page = api.get(catalog("books/"), timeout=10).json()
    assert page["count"] == 12 and len(page["results"]) == 10
    assert page["next"] == catalog("books/?limit=10&offset=10")
    assert page["results"][3] == {
        "id": 4, "title": "Solaris", "author_id": 2, "price": "9.75",
        "published": "1961-06-01", "in_stock": True, "pages": 204,
    }
    query = "books/?author_id__in=1,2&price__gte=10&title__icontains=the&ordering=-price"
    assert [b["id"] for b in api.get(catalog(query), timeout=10).json()["results"]] == [5, 3, 2]
    assert api.get(catalog("books/?published__isnull=true"), timeout=10).json()["count"] == 1
    assert api.get(catalog("authors/?name__istartswith=o"), timeout=10).json()["count"] == 1


@pytest.mark.committed(reload=True)
def test_catalog_client_ids(api):
    created = api.post(catalog("authors/"), json={"id": 40, "name": "Explicit"}, timeout=10)
    assert created.status_code == 201 and created.json()["id"] == 40
    again = api.post(catalog("authors/"), json={"id": 40, "name": "Again"}, timeout=10)
    assert again.status_code == 409
    assert api.post(catalog("authors/"), json={"name": "Next"}, timeout=10).json()["id"] == 41


def test_catalog_schema(api):
    schema = api.get(catalog("schema/"), params={"format": "json"}, timeout=10).json()
    assert "/api/books/" in schema["paths"] and "/api/books/{id}/" in schema["paths"]


@pytest.mark.committed(reload=True)
def test_reviews_api(api):
    page = api.get(reviews("reviews/?book__in=1,4&rating__gte=4&ordering=-created"), timeout=10).json()
    assert [r["id"] for r in page["results"]] == [6, 4, 2, 1]
    assert page["results"][0]["created"] == "2025-01-07T14:00:00Z"
    created = api.post(reviews("reviews/"), json={"id": 30, "book_id": 1, "reviewer": "x", "rating": 3}, timeout=10)
    assert created.status_code == 201 and created.json()["id"] == 30
    assert api.post(reviews("reviews/"), json={"id": 30, "book_id": 1, "reviewer": "x", "rating": 3}, timeout=10).status_code == 409
    assert api.post(reviews("reviews/"), json={"book_id": 1, "reviewer": "y", "rating": 4}, timeout=10).json()["id"] == 31
    assert api.post(reviews("reviews/"), json={"book_id": 1, "reviewer": "y", "rating": 6}, timeout=10).status_code == 400
    assert api.patch(reviews("reviews/30/"), json={"rating": 5}, timeout=10).json()["rating"] == 5
    assert api.patch(reviews("reviews/99/"), json={"rating": 5}, timeout=10).status_code == 404
    whole = {"book_id": 2, "reviewer": "z", "rating": 1, "body": "", "created": "2025-01-01T00:00:00Z"}
    replaced = api.put(reviews("reviews/30/"), json=whole, timeout=10)
    assert replaced.status_code == 200 and replaced.json()["reviewer"] == "z"
    assert api.put(reviews("reviews/30/"), json={"rating": 2}, timeout=10).status_code == 400
    assert api.put(reviews("reviews/30/"), json=dict(whole, id=31), timeout=10).status_code == 400
    assert api.put(reviews("reviews/99/"), json=whole, timeout=10).status_code == 404
    assert api.delete(reviews("reviews/30/"), timeout=10).status_code == 204
    assert api.get(reviews("reviews/30/"), timeout=10).status_code == 404
