"""Writes through the Django admin: change form, add form, delete
confirmation and the delete-selected action, checked in the owning
database like the site's own forms."""

from decimal import Decimal

from conftest import owner_rows

SOLARIS = {
    "title": "Solaris",
    "author": "2",
    "price": "9.95",
    "published": "1961-06-01",
    "in_stock": "on",
    "pages": "204",
    "_save": "Save",
}


def test_change_book(admin_shop):
    admin_shop.post("admin_book_change", "/admin/catalog/book/4/change/", SOLARIS)
    assert owner_rows("book", "id = 4")[0]["price"] == Decimal("9.95")
    response = admin_shop.get("admin_book_change_result", "/admin/catalog/book/?o=3")
    assert "was changed successfully" in response.content.decode()


def test_change_book_invalid(admin_shop):
    response = admin_shop.post(
        "admin_book_change_invalid", "/admin/catalog/book/4/change/", dict(SOLARIS, price="abc"), status=200
    )
    assert "Enter a number." in response.content.decode()
    assert owner_rows("book", "id = 4")[0]["price"] == Decimal("9.75")


def test_add_author_and_continue(admin_shop):
    admin_shop.post(
        "admin_author_add",
        "/admin/catalog/author/add/",
        {"name": "Liu Cixin", "country": "China", "born": "1963-06-23", "_continue": "1"},
    )
    [row] = owner_rows("author", "name = 'Liu Cixin'")
    assert row["id"] == 8
    admin_shop.get("admin_author_add_result", "/admin/catalog/author/8/change/")


def test_add_book(admin_shop):
    book = dict(SOLARIS, title="Fiasco", published="1986-01-01", pages="")
    admin_shop.post("admin_book_add", "/admin/catalog/book/add/", book)
    [row] = owner_rows("book", "title = 'Fiasco'")
    assert row["id"] == 14 and row["pages"] is None


def test_delete_book(admin_shop):
    admin_shop.post("admin_book_delete", "/admin/catalog/book/6/delete/", {"post": "yes"})
    assert owner_rows("book", "id = 6") == []
    assert owner_rows("review", "book_id = 6") == []
    admin_shop.get("admin_book_delete_result", "/admin/catalog/book/")


def test_delete_selected_reviews(admin_shop):
    form = {"action": "delete_selected", "_selected_action": ["12", "13"]}
    response = admin_shop.post("admin_review_delete_selected_confirm", "/admin/reviews/review/", form, status=200)
    assert "Are you sure" in response.content.decode()
    admin_shop.post("admin_review_delete_selected", "/admin/reviews/review/", dict(form, post="yes"))
    assert owner_rows("review", "id >= 12") == []
    admin_shop.get("admin_review_delete_selected_result", "/admin/reviews/review/")


def test_change_review(admin_shop):
    review = {"book": "6", "reviewer": "ana", "rating": "3", "body": "Put-downable after all.", "_save": "Save"}
    admin_shop.post("admin_review_change", "/admin/reviews/review/7/change/", review)
    row = owner_rows("review", "id = 7")[0]
    assert row["rating"] == 3 and row["body"] == "Put-downable after all."
    admin_shop.get("admin_review_change_result", "/admin/reviews/review/?rating__exact=3")
