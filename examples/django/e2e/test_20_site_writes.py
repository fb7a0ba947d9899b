"""Writes through the webapp's own forms.

Each write must show the same pages in both modes and land in the database
that owns the data: the webapp's tables in monolith mode, the catalog or
reviews service's own database in services mode (read directly, not through
the webapp)."""

import datetime
from decimal import Decimal

from conftest import FROZEN_NOW, owner_rows

BOOK = {
    "title": "The Lathe of Heaven",
    "author": "1",
    "price": "9.40",
    "published": "1971-03-01",
    "in_stock": "on",
    "pages": "184",
}


def test_create_book(shop):
    shop.post("book_create", "/books/new/", BOOK)  # redirects to /books/14/
    [row] = owner_rows("book", "title = %s", [BOOK["title"]])
    assert row["id"] == 14
    assert row["author_id"] == 1
    assert row["price"] == Decimal("9.40")
    assert row["published"] == datetime.date(1971, 3, 1)
    assert row["in_stock"] is True and row["pages"] == 184
    response = shop.get("book_create_result", "/books/14/")
    assert "Book created." in response.content.decode()
    shop.get("book_create_list", "/books/?author=1")


def test_create_book_invalid(shop):
    response = shop.post(
        "book_create_invalid", "/books/new/", dict(BOOK, title="", price="-1"), status=200
    )
    assert "This field is required." in response.content.decode()
    assert len(owner_rows("book")) == 12


def test_create_book_unknown_author(shop):
    shop.post("book_create_unknown_author", "/books/new/", dict(BOOK, author="99"), status=200)
    assert len(owner_rows("book")) == 12


def test_update_book(shop):
    changes = dict(BOOK, title="Solaris", author="2", price="10.25", published="1961-06-01")
    del changes["in_stock"]  # unchecked box
    shop.post("book_update", "/books/4/edit/", changes)
    [row] = owner_rows("book", "id = 4")
    assert row["price"] == Decimal("10.25") and row["in_stock"] is False
    assert row["pages"] == 184
    shop.get("book_update_result", "/books/4/")


def test_delete_book_with_reviews(shop):
    assert len(owner_rows("review", "book_id = 4")) == 3
    shop.post("book_delete", "/books/4/delete/", {})
    assert owner_rows("book", "id = 4") == []
    assert owner_rows("review", "book_id = 4") == []  # cascaded across services
    assert len(owner_rows("review")) == 9
    shop.get("book_delete_result", "/books/")


def test_create_author(shop):
    author = {"name": "Ted Chiang", "country": "United States", "born": "1967-10-20"}
    shop.post("author_create", "/authors/new/", author)
    [row] = owner_rows("author", "name = 'Ted Chiang'")
    assert row["id"] == 8 and row["born"] == datetime.date(1967, 10, 20)
    shop.get("author_create_result", "/authors/8/")
    shop.get("author_create_list", "/authors/?page=2")


def test_update_author(shop):
    shop.post("author_update", "/authors/7/edit/", {"name": "Anon.", "country": "", "born": ""})
    [row] = owner_rows("author", "id = 7")
    assert row["name"] == "Anon." and row["born"] is None
    shop.get("author_update_result", "/authors/7/")


def test_delete_author(shop):
    shop.post("author_delete", "/authors/7/delete/", {})
    assert owner_rows("author", "id = 7") == []
    shop.get("author_delete_result", "/authors/")


def test_delete_author_with_books_is_refused(shop):
    shop.post("author_delete_protected", "/authors/2/delete/", {})
    assert len(owner_rows("author", "id = 2")) == 1
    assert len(owner_rows("book", "author_id = 2")) == 2
    response = shop.get("author_delete_protected_result", "/authors/2/")
    assert "still has books and was not deleted" in response.content.decode()


def test_create_review(shop):
    review = {"book": "3", "reviewer": "zoe", "rating": "4", "body": "Anarres!"}
    shop.post("review_create", "/reviews/new/?book=3", review)
    [row] = owner_rows("review", "book_id = 3")
    assert row["id"] == 14 and row["reviewer"] == "zoe" and row["rating"] == 4
    assert row["created"] == FROZEN_NOW
    response = shop.get("review_create_result", "/books/3/")
    assert "Anarres!" in response.content.decode()


def test_create_review_invalid(shop):
    review = {"book": "3", "reviewer": "zoe", "rating": "9", "body": ""}
    shop.post("review_create_invalid", "/reviews/new/", review, status=200)
    assert owner_rows("review", "book_id = 3") == []


def test_update_review(shop):
    review = {"book": "4", "reviewer": "ana", "rating": "2", "body": "On second thought."}
    shop.post("review_update", "/reviews/4/edit/", review)
    [row] = owner_rows("review", "id = 4")
    assert row["rating"] == 2 and row["body"] == "On second thought."
    assert row["created"] == datetime.datetime(2025, 1, 5, 12, tzinfo=datetime.timezone.utc)
    shop.get("review_update_result", "/reviews/4/")


def test_move_review_to_another_book(shop):
    review = {"book": "9", "reviewer": "ana", "rating": "4", "body": "The ocean thinks."}
    shop.post("review_move", "/reviews/4/edit/", review)
    assert owner_rows("review", "id = 4")[0]["book_id"] == 9
    shop.get("review_move_result", "/books/9/")


def test_delete_review(shop):
    shop.post("review_delete", "/reviews/5/delete/", {})
    assert owner_rows("review", "id = 5") == []
    shop.get("review_delete_result", "/books/4/")
