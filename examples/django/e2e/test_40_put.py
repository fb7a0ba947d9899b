"""UPDATE as PUT (the foreign table option update_method 'put') against the
FastAPI reviews service, whose PUT replaces a review whole (services mode
only): each row is read, then PUT with every column; the counts and
RETURNING are those of a PATCH."""

import pytest
from django.db import connection, transaction

import data
from conftest import SERVICES, owner_rows, service_stats

pytestmark = pytest.mark.skipif(not SERVICES, reason="services mode only")


@pytest.fixture
def put_updates():
    """update_method 'put' for this test: the ALTER is rolled back with it."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER FOREIGN TABLE reviews_review OPTIONS (ADD update_method 'put')")


def reviews_requests():
    return service_stats("get")["reviews"].json()["requests"]


def test_update_as_put(put_updates):
    from reviews.models import Review

    service_stats("delete")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_review SET rating = 2 WHERE id = 3 "
                       "RETURNING id, reviewer, rating, body")
        assert cursor.fetchall() == [(3, "mira", 2, "Still ahead of its time.")]
        cursor.execute("UPDATE reviews_review SET rating = 1 WHERE id = 99")
        assert cursor.rowcount == 0
        cursor.execute("UPDATE reviews_review SET body = body || '!' WHERE book_id = 4")
        assert cursor.rowcount == 3
    review = Review.objects.get(id=7)
    review.rating = 1
    review.save()  # Django's UPDATE of every column by key

    requests = reviews_requests()
    assert requests[:3] == ["GET /api/reviews/3/", "PUT /api/reviews/3/", "GET /api/reviews/99/"]
    assert [r for r in requests if r.startswith("PUT")] == [
        f"PUT /api/reviews/{i}/" for i in (3, 4, 5, 6, 7)]
    assert not [r for r in requests if r.startswith("PATCH")]

    expected = {row[0]: dict(zip(data.REVIEW_COLUMNS, row)) for row in data.REVIEWS}
    expected[3]["rating"] = 2
    for i in (4, 5, 6):
        expected[i]["body"] += "!"
    expected[7]["rating"] = 1
    assert {row["id"]: row for row in owner_rows("review")} == expected


def test_put_refusals(put_updates):
    with connection.cursor() as cursor:
        # the service's own validation, as a PATCH would get it
        with pytest.raises(Exception, match="less than or equal to 5"), transaction.atomic():
            cursor.execute("UPDATE reviews_review SET rating = 9 WHERE id = 1")
    assert owner_rows("review", "id = 1")[0]["rating"] == 5
