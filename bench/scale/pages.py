"""The pages the scale benchmark times: every page of the site and admin.

The list starts from the e2e suite's read-only pages (test_10_pages.py:
their URLs mean the same at scale because gen.py keeps the scripted rows
and ids), adds the late pages that only exist at scale, then every admin
URL of every registered model (changelist, add, change, delete, history)
that is still missing.  page_list() also returns the named URL patterns of
the webapp that no page reaches (there should be none but the ones that
need a POST or log out).
"""

import math
import os
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "django"
sys.path[:0] = [str(EXAMPLE / "webapp"), str(EXAMPLE / "e2e")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

import django  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.urls import get_resolver, resolve, reverse  # noqa: E402

import test_10_pages  # noqa: E402  the e2e suite's pages

# A row of each model the e2e pages use too (an author with books, a book
# with reviews, a review); the admin user is the first user.
SAMPLE_PK = {"author": 1, "book": 4, "review": 4, "user": 1}
# Named URLs a GET cannot show (a form's POST target, logging out).
NOT_PAGES = {"login", "logout", "password_change_done", "autocomplete", "jsi18n",
             "view_on_site", "app_list"}


def late_pages(sizes):
    """The last page of each list and changelist (5 rows per page)."""
    last = {kind: math.ceil(sizes[kind + "s"] / 5) for kind in ("author", "book", "review")}
    return [
        ("book_list_last_page", f"/books/?page={last['book']}", 200),
        ("author_list_last_page", f"/authors/?page={last['author']}", 200),
        ("review_list_last_page", f"/reviews/?page={last['review']}", 200),
        ("admin_book_changelist_last_page", f"/admin/catalog/book/?p={last['book']}", 200),
        ("admin_author_changelist_last_page", f"/admin/catalog/author/?p={last['author']}", 200),
        ("admin_review_changelist_last_page", f"/admin/reviews/review/?p={last['review']}", 200),
    ]


def admin_pages():
    """Every admin view of every registered model, for a sample object."""
    out = []
    for model in admin.site._registry:
        meta = model._meta
        prefix = f"admin_{meta.app_label}_{meta.model_name}"
        out.append((f"{prefix}_changelist", reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), 200))
        out.append((f"{prefix}_add", reverse(f"admin:{meta.app_label}_{meta.model_name}_add"), 200))
        pk = SAMPLE_PK.get(meta.model_name)
        if pk is None:
            continue
        for view in ("change", "delete", "history"):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[pk])
            out.append((f"{prefix}_{view}", url, 200))
    return out


def url_names(patterns, namespace=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


def page_list(sizes):
    """([{name, url, expected_status, group}], [uncovered URL names])."""
    pages, seen = [], set()
    e2e = [(n, u, s) for n, u, s, _ in test_10_pages.SITE_PAGES + test_10_pages.ADMIN_PAGES]
    for name, url, status in e2e + late_pages(sizes) + admin_pages():
        path = url.split("?")[0]
        if url in seen or (name.startswith("admin_") and "?" not in url and path in seen):
            continue
        seen.update({url, path})
        group = "admin" if url.startswith("/admin/") else "site"
        pages.append({"name": name, "url": url, "expected_status": status, "group": group})
    # the per-object admin views of models the shop keeps no rows of (groups)
    no_rows = tuple(f"admin:{m._meta.app_label}_{m._meta.model_name}_" for m in admin.site._registry
                    if m._meta.model_name not in SAMPLE_PK)
    reached = set()
    for page in pages:
        match = resolve(page["url"].split("?")[0])
        reached.add(":".join(match.namespaces + [match.url_name]))
    uncovered = sorted(
        name for name in set(url_names(get_resolver().url_patterns)) - reached
        if name.split(":")[-1] not in NOT_PAGES and not name.startswith(no_rows)
        and not name.split(":")[-1].startswith(("password_", "auth_user_password"))
    )
    return pages, uncovered


if __name__ == "__main__":
    listed, missing = page_list({"authors": 20000, "books": 100000, "reviews": 300000})
    for page in listed:
        print(page["expected_status"], page["url"], page["name"])
    print("uncovered:", missing)
