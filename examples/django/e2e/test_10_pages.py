"""Every page of the webapp and of its admin, read-only.

Each page must answer with the expected status, contain a piece of text
that proves it shows the scripted data, and render the same HTML in both
modes (checked by the shop fixtures)."""

import pytest

# (step name, URL, expected status, text the page must contain)
SITE_PAGES = [
    ("home", "/", 200, "12 books by 7 authors, 12 reviews."),
    ("book_list", "/books/", 200, "A Wizard of Earthsea"),
    ("book_list_page2", "/books/?page=2", 200, "Page 2 of 3 (12 in all)"),
    ("book_list_page3", "/books/?page=3", 200, "The Left Hand of Darkness"),
    ("book_list_author", "/books/?author=1", 200, "The Dispossessed"),
    ("book_list_out_of_stock", "/books/?in_stock=no", 200, "The Cyberiad"),
    ("book_list_search", "/books/?q=the", 200, "The Dispossessed"),
    ("book_list_ordering", "/books/?ordering=-price", 200, "Americanah"),
    ("book_list_combined", "/books/?q=a&in_stock=yes&ordering=price&page=2", 200, "Page 2 of 2"),
    ("book_list_bad_filter", "/books/?author=abc", 200, "Select a valid choice"),
    ("book_detail", "/books/4/", 200, "The ocean thinks."),
    ("book_detail_no_reviews", "/books/3/", 200, "No reviews yet."),
    ("book_detail_missing", "/books/8/", 404, ""),
    ("book_create_form", "/books/new/", 200, "Jorge Luis Borges"),
    ("book_update_form", "/books/4/edit/", 200, 'value="9.75"'),
    ("book_delete_confirm", "/books/4/delete/", 200, "This also deletes its 3 reviews."),
    ("author_list", "/authors/", 200, "Anonymous"),
    ("author_list_page2", "/authors/?page=2", 200, "Ursula K. Le Guin"),
    ("author_detail", "/authors/2/", 200, "The Cyberiad"),
    ("author_create_form", "/authors/new/", 200, "New author"),
    ("author_update_form", "/authors/2/edit/", 200, "Poland"),
    ("author_delete_confirm_protected", "/authors/2/delete/", 200, "an author with books cannot be deleted"),
    ("author_delete_confirm", "/authors/7/delete/", 200, "Delete “Anonymous”?"),
    ("review_list", "/reviews/", 200, "Page 1 of 3"),
    ("review_list_page3", "/reviews/?page=3", 200, "A Wizard of Earthsea"),
    ("review_list_min_rating", "/reviews/?min_rating=5", 200, "Ficciones"),
    ("review_detail", "/reviews/4/", 200, "book by Stanisław Lem"),
    ("review_create_form", "/reviews/new/", 200, "New review"),
    ("review_create_form_for_book", "/reviews/new/?book=4", 200, '<option value="4" selected>Solaris</option>'),
    ("review_update_form", "/reviews/4/edit/", 200, "The ocean thinks."),
    ("review_delete_confirm", "/reviews/4/delete/", 200, "Delete the review by ana of “Solaris”?"),
]

ADMIN_PAGES = [
    ("admin_index", "/admin/", 200, "Site administration"),
    ("admin_book_changelist", "/admin/catalog/book/", 200, "12 books"),
    ("admin_book_changelist_page2", "/admin/catalog/book/?p=2", 200, "Kindred"),
    ("admin_book_search", "/admin/catalog/book/?q=the", 200, "4 results"),
    ("admin_book_search_author", "/admin/catalog/book/?q=lem", 200, "Solaris"),
    ("admin_book_filter_stock", "/admin/catalog/book/?in_stock__exact=0", 200, "3 results"),
    ("admin_book_filter_author", "/admin/catalog/book/?author__id__exact=1", 200, "The Dispossessed"),
    ("admin_book_order_price", "/admin/catalog/book/?o=3", 200, "Ficciones"),
    ("admin_book_order_price_desc_page2", "/admin/catalog/book/?o=-3&p=2", 200, "The Cyberiad"),
    ("admin_book_date_hierarchy", "/admin/catalog/book/?published__year=1969", 200, "The Left Hand of Darkness"),
    ("admin_book_change_form", "/admin/catalog/book/4/change/", 200, 'value="9.75"'),
    ("admin_book_add_form", "/admin/catalog/book/add/", 200, "Add book"),
    ("admin_book_delete_confirm", "/admin/catalog/book/4/delete/", 200, "Review by ana (4/5)"),
    ("admin_book_change_missing", "/admin/catalog/book/8/change/", 302, ""),
    ("admin_author_changelist", "/admin/catalog/author/", 200, "7 authors"),
    ("admin_author_changelist_page2", "/admin/catalog/author/?p=2", 200, "Ursula K. Le Guin"),
    ("admin_author_search", "/admin/catalog/author/?q=an", 200, "results"),
    ("admin_author_filter_country", "/admin/catalog/author/?country=United+States", 200, "Octavia E. Butler"),
    ("admin_author_order_books", "/admin/catalog/author/?o=-4", 200, "Ursula K. Le Guin"),
    ("admin_author_change_form", "/admin/catalog/author/1/change/", 200, "1929-10-21"),
    ("admin_author_delete_protected", "/admin/catalog/author/1/delete/", 200, "protected"),
    ("admin_author_delete_confirm", "/admin/catalog/author/7/delete/", 200, "Are you sure"),
    ("admin_review_changelist", "/admin/reviews/review/", 200, "12 reviews"),
    ("admin_review_changelist_page2", "/admin/reviews/review/?p=2", 200, "Kindred"),
    ("admin_review_search", "/admin/reviews/review/?q=mira", 200, "3 results"),
    ("admin_review_search_book", "/admin/reviews/review/?q=solaris", 200, "3 results"),
    ("admin_review_filter_rating", "/admin/reviews/review/?rating__exact=5", 200, "6 results"),
    ("admin_review_order_book", "/admin/reviews/review/?o=2", 200, "Americanah"),
    ("admin_review_change_form", "/admin/reviews/review/4/change/", 200, "The ocean thinks."),
    ("admin_review_add_form", "/admin/reviews/review/add/", 200, "Add review"),
    ("admin_review_delete_confirm", "/admin/reviews/review/4/delete/", 200, "Are you sure"),
]


def check(shop, name, url, status, text):
    response = shop.get(name, url, status=status)
    assert text in response.content.decode()


@pytest.mark.parametrize("name, url, status, text", SITE_PAGES, ids=[p[0] for p in SITE_PAGES])
def test_site_page(shop, name, url, status, text):
    check(shop, name, url, status, text)


@pytest.mark.parametrize("name, url, status, text", ADMIN_PAGES, ids=[p[0] for p in ADMIN_PAGES])
def test_admin_page(admin_shop, name, url, status, text):
    check(admin_shop, name, url, status, text)


def test_admin_requires_login(shop):
    shop.get("admin_anonymous", "/admin/catalog/book/", status=302)
