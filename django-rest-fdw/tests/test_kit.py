"""The service kit, over HTTP in process (DRF's test client)."""

import pytest
from rest_framework.test import APIClient

import helpers
from rest_fdw_django.kit import serializer_for
from svcapp.models import Book


@pytest.fixture
def api(live_db):
    from django.conf import settings

    helpers.monolith()
    helpers.load("svc")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {settings.SERVICE_TOKEN}")
    return client


def test_list_is_the_serializers_json(api):
    page = api.get("/api/books/?limit=10").json()
    serializer = serializer_for(Book)
    assert page["count"] == 4 and page["next"] is None
    assert page["results"] == [serializer(b).data for b in Book.objects.all()]
    assert page["results"][1] == {"id": 2, "title": "Solaris", "author_id": 2, "price": "9.75",
                                  "published": None, "in_stock": False}


def test_filters_ordering_pages(api):
    got = api.get("/api/books/?author_id__in=2,5&price__gte=10&ordering=-price").json()
    assert [b["id"] for b in got["results"]] == [7, 4]
    assert api.get("/api/books/?title__icontains=SOL").json()["count"] == 1
    assert api.get("/api/books/?published__isnull=true").json()["count"] == 1
    first = api.get("/api/books/?limit=2").json()
    assert first["next"].endswith("/api/books/?limit=2&offset=2")
    assert api.get("/api/books/").json()["count"] == 4


def test_keyed_get(api):
    assert api.get("/api/books/4/").json()["title"] == "The Cyberiad"
    assert api.get("/api/books/3/").status_code == 404
    assert api.get("/api/books/x/").status_code == 404


def test_create_with_an_id(api):
    # helpers.load left the sequence at 100
    created = api.post("/api/authors/", {"id": 140, "name": "Explicit"}, format="json")
    assert created.status_code == 201 and created.json()["id"] == 140
    assert api.post("/api/authors/", {"id": 140, "name": "Again"}, format="json").status_code == 409
    assert api.post("/api/authors/", {"name": "Next"}, format="json").json()["id"] == 141
    assert api.patch("/api/authors/140/", {"id": 3}, format="json").status_code == 400


def test_text_is_stored_as_sent(api):
    # DRF's CharField would strip the spaces and refuse "" (blank=False)
    created = api.post("/api/authors/", {"name": "  Spaced Out "}, format="json")
    assert created.status_code == 201 and created.json()["name"] == "  Spaced Out "
    empty = api.post("/api/authors/", {"name": ""}, format="json")
    assert empty.status_code == 201 and empty.json()["name"] == ""
    assert api.get(f"/api/authors/{created.json()['id']}/").json()["name"] == "  Spaced Out "


def test_an_explicit_lower_id_never_moves_the_sequence_back(api):
    # a deleted row created again under its id (rest_fdw's undo of a DELETE)
    assert api.post("/api/authors/", {"id": 150, "name": "High"}, format="json").status_code == 201
    assert api.delete("/api/authors/150/").status_code == 204
    assert api.post("/api/authors/", {"id": 120, "name": "Again"}, format="json").status_code == 201
    assert api.post("/api/authors/", {"name": "Next"}, format="json").json()["id"] == 151
    assert api.post("/api/authors/", {"id": 3, "name": "Low"}, format="json").status_code == 201
    assert api.post("/api/authors/", {"name": "Then"}, format="json").json()["id"] == 152


def test_token_required(live_db):
    assert APIClient().get("/api/books/").status_code == 403


def test_openapi_declares_ordering_and_required_members(api):
    schema = api.get("/api/schema/?format=json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/books/"]["get"]["parameters"]}
    assert set(params["ordering"]["schema"]["items"]["enum"]) >= {"price", "-price", "author_id"}
    assert {"author_id__in", "title__icontains", "limit", "offset"} <= set(params)
    assert params["limit"]["schema"]["maximum"] == 10_000  # the pagination's max_limit
    assert api.get("/api/books/?limit=20000").json()["count"] == 4
    book = schema["components"]["schemas"]["Book"]
    assert book["required"] == sorted(book["properties"])


def test_foreign_key_filter_on_an_id_nobody_has(api):
    assert api.get("/api/books/?author_id__in=2,999").json()["count"] == 2
    nothing = api.get("/api/books/?author_id=999")
    assert nothing.status_code == 200 and nothing.json()["results"] == []
    assert api.get("/api/books/?author_id__in=998,999").json() == {
        "count": 0, "next": None, "previous": None, "results": []}
    assert api.get("/api/books/?author_id=5").json()["count"] == 1


def test_multi_table_child_has_its_own_table_only(api):
    place = api.post("/api/places/", {"id": 30, "name": "Da Michele"}, format="json")
    assert place.status_code == 201, place.content
    created = api.post("/api/restaurants/", {"place_ptr_id": 30, "seats": 40}, format="json")
    assert created.status_code == 201, created.content
    assert created.json() == {"place_ptr_id": 30, "seats": 40}
    assert api.get("/api/restaurants/").json()["results"] == [{"place_ptr_id": 30, "seats": 40}]
    assert api.patch("/api/restaurants/30/", {"seats": 41}, format="json").status_code == 200
    assert api.get("/api/restaurants/30/").json() == {"place_ptr_id": 30, "seats": 41}
    assert api.get("/api/places/30/").json() == {"id": 30, "name": "Da Michele"}
    schema = api.get("/api/schema/?format=json").json()
    assert sorted(schema["components"]["schemas"]["Restaurant"]["properties"]) == [
        "place_ptr_id", "seats"]
    assert api.delete("/api/restaurants/30/").status_code == 204
    assert api.get("/api/restaurants/30/").status_code == 404
    assert api.get("/api/places/30/").json() == {"id": 30, "name": "Da Michele"}


def test_filter_on_a_key_to_a_multi_table_child(api):
    """A key whose target is a primary key that is itself a key (a child's
    place_ptr_id): its filters compare the column's Place ids."""
    for place_id, name in ((30, "Da Michele"), (31, "Sorbillo")):
        assert api.post("/api/places/", {"id": place_id, "name": name},
                        format="json").status_code == 201
        assert api.post("/api/restaurants/", {"place_ptr_id": place_id, "seats": 40},
                        format="json").status_code == 201
    for restaurant_id, guests in ((30, 2), (31, 4), (30, 6)):
        assert api.post("/api/bookings/", {"restaurant_id": restaurant_id, "guests": guests},
                        format="json").status_code == 201
    assert [b["guests"] for b in api.get("/api/bookings/?restaurant_id=30").json()["results"]] \
        == [2, 6]
    assert api.get("/api/bookings/?restaurant_id__in=31,999").json()["count"] == 1
    assert api.get("/api/bookings/?restaurant_id=999").json()["count"] == 0
    assert api.get("/api/bookings/").json()["results"][0]["restaurant_id"] == 30


# the optional capabilities: fields=, distinct=, group_by=&aggregate=count


def test_fields_gives_those_members_only(api):
    page = api.get("/api/books/?fields=id,price&author_id=2&ordering=-price").json()
    assert page["count"] == 2
    assert page["results"] == [{"id": 4, "price": "12.00"}, {"id": 2, "price": "9.75"}]
    assert api.get("/api/books/?fields=title&limit=1").json()["results"] == [
        {"title": "A Wizard of Earthsea"}]


def test_distinct_values_null_included_filters_first(api):
    Book.objects.create(title="Untitled", author_id=1, price="1.00")
    got = api.get("/api/books/?distinct=published").json()
    assert got["count"] == 4
    assert got["results"] == [{"published": "1965-01-01"}, {"published": "1968-11-01"},
                              {"published": "1972-11-01"}, {"published": None}]
    assert api.get("/api/books/?distinct=author_id&ordering=-author_id").json()["results"] == [
        {"author_id": 5}, {"author_id": 2}, {"author_id": 1}]
    assert api.get("/api/books/?distinct=author_id&price__gte=10").json()["results"] == [
        {"author_id": 2}, {"author_id": 5}]
    assert api.get("/api/books/?distinct=author_id&author_id=999").json() == {
        "count": 0, "next": None, "previous": None, "results": []}


def test_distinct_pages_as_usual(api):
    first = api.get("/api/books/?distinct=author_id&limit=2").json()
    assert first["count"] == 3 and first["results"] == [{"author_id": 1}, {"author_id": 2}]
    assert first["next"].endswith("distinct=author_id&limit=2&offset=2")
    second = api.get(first["next"]).json()
    assert second["results"] == [{"author_id": 5}] and second["next"] is None


def test_counts_per_group(api):
    Book.objects.create(title="Untitled", author_id=2, price="1.00")
    got = api.get("/api/books/?group_by=author_id&aggregate=count").json()
    assert got["count"] == 3
    assert got["results"] == [{"author_id": 1, "count": 1}, {"author_id": 2, "count": 3},
                              {"author_id": 5, "count": 1}]
    by_count = api.get("/api/books/?group_by=author_id&aggregate=count&ordering=-count").json()
    assert [g["author_id"] for g in by_count["results"]] == [2, 1, 5]
    filtered = api.get("/api/books/?group_by=published&aggregate=count&price__lt=10").json()
    assert filtered["results"] == [{"published": "1968-11-01", "count": 1},
                                   {"published": None, "count": 2}]
    # a boolean's groups, ordered by it
    assert api.get("/api/books/?group_by=in_stock&aggregate=count&ordering=in_stock").json()[
        "results"] == [{"in_stock": False, "count": 1}, {"in_stock": True, "count": 4}]


@pytest.mark.parametrize("query", [
    "fields=id,nosuch", "fields=", "distinct=nosuch", "distinct=id,title", "group_by=nosuch&aggregate=count",
    "group_by=author_id", "group_by=author_id&aggregate=sum", "aggregate=count",
    "distinct=author_id&group_by=author_id&aggregate=count", "fields=id&distinct=author_id",
    "distinct=author_id&ordering=title", "distinct=author_id&ordering=count",
    "group_by=author_id&aggregate=count&ordering=price",
])
def test_what_the_protocol_refuses_is_a_400(api, query):
    assert api.get(f"/api/books/?{query}").status_code == 400, query


def test_openapi_declares_the_capabilities(api):
    schema = api.get("/api/schema/?format=json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/books/"]["get"]["parameters"]}
    members = ["id", "title", "author_id", "price", "published", "in_stock"]
    assert sorted(params["fields"]["schema"]["items"]["enum"]) == sorted(members)
    assert sorted(params["distinct"]["schema"]["enum"]) == sorted(members)
    assert sorted(params["group_by"]["schema"]["enum"]) == sorted(members)
    assert params["aggregate"]["schema"]["enum"] == ["count"]
    restaurant = {p["name"]: p for p in schema["paths"]["/api/restaurants/"]["get"]["parameters"]}
    assert sorted(restaurant["distinct"]["schema"]["enum"]) == ["place_ptr_id", "seats"]
