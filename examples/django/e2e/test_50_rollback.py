"""A view that writes to both services inside transaction.atomic() and then
raises: the rollback must leave both services' databases as they were
(rest_fdw's option undo, on the example's servers), in the two places
Django rolls back: a savepoint inside the test's transaction (TestCase),
and the view's own transaction (autocommit, the way the site runs).

The check reads the databases that own the rows directly: the webapp's
tables in monolith mode, each service's own database (through its own
connection) in services mode; while the view runs, the same check must see
every write there, so the writes did reach the services before being undone.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import path

from catalog.models import Author, Book
from conftest import SERVICES, leaked_rows
from reviews.models import Review
from shop.urls import urlpatterns as shop_urlpatterns

SEEN_BEFORE_RAISING = []
WRITTEN_TABLES = (
    ["api_author", "api_book", "reviews"] if SERVICES
    else ["catalog_author", "catalog_book", "reviews_review"]
)


class Refused(Exception):
    """What the view raises after its writes."""


def write_everywhere_then_fail(request):
    """INSERTs (one by one and a batch), UPDATEs (by key and of several
    rows), DELETEs (by key, and a book with the reviews it cascades to), in
    both services, then an error inside the atomic block."""
    with transaction.atomic():
        author = Author.objects.create(name="Rolled Back", country="Nowhere")
        book = Book.objects.create(title="Never Sold", author=author, price=Decimal("1.00"))
        Review.objects.bulk_create([
            Review(book=book, reviewer="ghost", rating=1, body="gone"),
            Review(book_id=1, reviewer="ghost", rating=2, body="gone too"),
        ])
        solaris = Book.objects.get(id=4)
        solaris.price = Decimal("99.00")
        solaris.save()
        Author.objects.filter(country="United States").update(country="USA")
        Review.objects.filter(book_id=4).update(body="rewritten")
        Book.objects.get(id=6).delete()  # and its review 7
        Review.objects.filter(id=12).delete()
        SEEN_BEFORE_RAISING[:] = leaked_rows()
        raise Refused("after writing to both services")


urlpatterns = shop_urlpatterns + [path("_write_then_fail/", write_everywhere_then_fail)]


def post_and_fail():
    SEEN_BEFORE_RAISING.clear()
    with pytest.raises(Refused):
        Client().post("/_write_then_fail/")
    tables = [line.split(":")[0] for line in SEEN_BEFORE_RAISING]
    assert tables == WRITTEN_TABLES, SEEN_BEFORE_RAISING


@pytest.mark.urls(__name__)
def test_rollback_to_a_savepoint_undoes_both_services(shop):
    post_and_fail()  # the view's atomic() is a savepoint of the test's transaction
    assert leaked_rows() == []
    shop.get("rollback_savepoint_book", "/books/4/")  # same page as the monolith's
    shop.get("rollback_savepoint_authors", "/authors/")


@pytest.mark.urls(__name__)
@pytest.mark.committed
def test_rollback_of_the_view_transaction_undoes_both_services(shop):
    post_and_fail()  # autocommit: the view's atomic() is the transaction
    assert leaked_rows() == []
    shop.get("rollback_transaction_book", "/books/6/")
