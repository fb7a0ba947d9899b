"""The move itself: where the tables are in each mode, what
rest_fdw.move_table() copied, and moving a table back (services mode).

The round trips run last in the suite: they migrate each app back to 0001
and forward again.  They are `committed` tests (autocommit, not inside the
test's rolled-back transaction): each migration commits, the services are
emptied through their own connections before the move forward, and the
rows they add stay; the suite loads the scripted data again after them."""

import pytest
from django.core.management import call_command
from django.db import connection

import data
from conftest import CATALOG_DSN, MOVED_ROWS, REVIEWS_DSN, SERVICES, clear_services, service_rows, webapp_rows

services_only = pytest.mark.skipif(not SERVICES, reason="services mode only")


def relkinds():
    names = [t + suffix for t in data.WEBAPP_TABLES.values() for suffix in ("", "_before_rest")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, relkind FROM pg_class WHERE relname = ANY(%s)", [names])
        return dict(cursor.fetchall())


def test_tables_are_where_the_mode_says():
    kinds = relkinds()
    for table in data.WEBAPP_TABLES.values():
        if SERVICES:
            assert kinds[table] == "f", table  # a rest_fdw foreign table
            assert kinds[table + "_before_rest"] == "r", table
        else:
            assert kinds[table] == "r", table
            assert table + "_before_rest" not in kinds


@services_only
def test_move_copied_every_row():
    for kind, (columns, rows) in data.DATA.items():
        moved = [tuple(row[c] for c in columns) for row in MOVED_ROWS[kind]]
        assert moved == rows, kind


@services_only
@pytest.mark.committed(reload=True)
def test_move_catalog_back_and_forth():
    from catalog.models import Author, Book

    Book.objects.create(title="Fiasco", author_id=2, price="11.00")
    call_command("migrate", "catalog", "0001", verbosity=0)
    assert relkinds()["catalog_book"] == "r" and relkinds()["catalog_author"] == "r"
    assert [r["id"] for r in webapp_rows("catalog_book")] == [r[0] for r in data.BOOKS] + [14]
    assert Author.objects.create(name="New").id == 8  # sequences were fixed
    assert Book.objects.get(title="Fiasco").author.name == "Stanisław Lem"
    with connection.cursor() as cursor:  # the foreign key move_table dropped is back
        constraints = connection.introspection.get_constraints(cursor, "catalog_book").values()
    assert [c["foreign_key"] for c in constraints if c["foreign_key"]] == [("catalog_author", "id")]

    clear_services([(CATALOG_DSN, data.CATALOG_TABLES)])
    call_command("migrate", "catalog", verbosity=0)
    assert relkinds()["catalog_book"] == "f" and relkinds()["catalog_author"] == "f"
    assert [r["id"] for r in service_rows("author")] == [r[0] for r in data.AUTHORS] + [8]
    assert [r["id"] for r in service_rows("book")] == [r[0] for r in data.BOOKS] + [14]
    assert Book.objects.filter(author__name="Stanisław Lem").count() == 3


@services_only
@pytest.mark.committed(reload=True)
def test_move_reviews_back_and_forth():
    from reviews.models import Review

    Review.objects.create(book_id=13, reviewer="kim", rating=5, body="Round trip.")
    call_command("migrate", "reviews", "0001", verbosity=0)
    assert relkinds()["reviews_review"] == "r"
    assert [r["id"] for r in webapp_rows("reviews_review")] == [r[0] for r in data.REVIEWS] + [14]
    assert Review.objects.create(book_id=1, reviewer="x", rating=1).id == 15  # sequence was fixed

    clear_services([(REVIEWS_DSN, data.REVIEWS_TABLES)])
    call_command("migrate", "reviews", verbosity=0)
    assert relkinds()["reviews_review"] == "f"
    assert [r["id"] for r in service_rows("review")] == [r[0] for r in data.REVIEWS] + [14, 15]
    assert Review.objects.filter(book_id=13).count() == 2
