"""A view that writes to both services inside transaction.atomic() and then
raises: the rollback must leave both services' databases as they were
(rest_fdw's option undo, on the example's servers), in the two places
Django rolls back: a savepoint inside the test's transaction (TestCase),
and the view's own transaction (autocommit, the way the site runs).

The check reads the databases that own the rows directly: the webapp's
tables in monolith mode, each service's own database (through its own
connection) in services mode; while the view runs, the same check must see
every write there, so the writes did reach the services before being undone.

Then the ORM's other write patterns, each in an atomic() block rolled back
inside the test's transaction: bulk_update, update() of every row with F(),
delete() of every row, INSERT ... SELECT, a bulk_create of 25 rows, released
savepoints under a rolled-back one, get_or_create / update_or_create, the
same row written several times, an error after writes.
"""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import F
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


def bulk_update():
    books = list(Book.objects.filter(id__in=[1, 2, 3]))
    for book in books:
        book.price = Decimal("1.11")
    Book.objects.bulk_update(books, ["price"])


def update_every_row():
    assert Book.objects.update(price=F("price") + 1) == 12


def delete_every_row():
    Review.objects.all().delete()


def insert_select():
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO reviews_review (book_id, reviewer, rating, body, created) "
                       "SELECT id, 'bulk', 3, '', now() FROM catalog_book WHERE id < 5")
        assert cursor.rowcount == 4


def bulk_create_many():
    Review.objects.bulk_create([Review(book_id=1, reviewer=f"r{i}", rating=3) for i in range(25)])


def released_savepoints():
    with transaction.atomic():
        Author.objects.create(name="Inner")
        Book.objects.filter(id=1).update(title="Inner")
    with transaction.atomic():
        Review.objects.filter(id=1).delete()


def get_or_update_or_create():
    Author.objects.get_or_create(name="Got", defaults={"country": "X"})
    Author.objects.update_or_create(id=1, defaults={"country": "Elsewhere"})
    Author.objects.update_or_create(id=99, defaults={"name": "Ninety-nine"})


def same_row_again():
    Book.objects.filter(id=1).update(price=Decimal("2.00"))
    Book.objects.filter(id=1).update(price=Decimal("3.00"))
    Book.objects.get(id=1).delete()
    author = Author.objects.create(name="Short-lived")
    author.name = "Renamed"
    author.save()
    author.delete()
    Author.objects.create(name="Survivor")


@pytest.mark.parametrize("writes", [
    bulk_update, update_every_row, delete_every_row, insert_select, bulk_create_many,
    released_savepoints, get_or_update_or_create, same_row_again,
], ids=lambda f: f.__name__)
def test_orm_writes_rolled_back(writes):
    with transaction.atomic():
        writes()
        assert leaked_rows(), "the writes reached the owning databases"
        transaction.set_rollback(True)
    assert leaked_rows() == []


def test_error_after_writes_rolls_back():
    # the monolith refuses the NULL itself (IntegrityError, not_null_violation); the
    # foreign table move_table created has no NOT NULL, so in services mode the
    # service refuses it (DataError from its 400)
    with pytest.raises(DatabaseError), transaction.atomic():
        Author.objects.create(name="Before the error")
        Review.objects.filter(id=1).update(rating=1)
        assert leaked_rows()
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO reviews_review (book_id, reviewer, rating, body, created) "
                           "VALUES (1, NULL, 3, '', now())")
    assert leaked_rows() == []
