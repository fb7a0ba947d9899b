"""MoveToService and MoveBackFromService, through real migrations."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.paginator import Paginator
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

import helpers
from rest_fdw_django.operations import MoveBackFromService, MoveToService
from shopapp.models import Author, Book


def table_options(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ftoptions FROM pg_foreign_table WHERE ftrelid = %s::regclass", [table])
        return dict(o.split("=", 1) for o in cursor.fetchone()[0])


def test_move_reads_the_options_from_the_openapi_document(moved):
    assert helpers.relkind("shopapp_book") == "f"
    assert helpers.relkind("shopapp_book_before_rest") == "r"
    options = table_options("shopapp_book")
    filters = options["filters"].split(",")
    for declared in ("author_id", "author_id__in", "title__icontains", "price__gte", "id__in",
                     "published__isnull", "in_stock"):
        assert declared in filters, declared
    assert set(options["ordering"].split(",")) == {"id", "title", "author_id", "price",
                                                  "published", "in_stock"}
    assert options["pagination"] == "limit"
    assert options["max_page_size"] == "10000"  # the kit's limit maximum
    assert options["collation_matches"] == "true"  # from REST_FDW_SERVICES' options
    assert options["resource"] == "books/" and options["key"] == "id"
    assert options["capabilities"] == "fields,distinct,group_count"


def explain(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (VERBOSE, COSTS OFF) " + sql, params)
        return "\n".join(r[0] for r in cursor.fetchall())


def test_the_service_computes_distinct_values_and_counts(moved):
    Book.objects.create(title="Kindred", author_id=5, price=Decimal("9.99"))
    values = Book.objects.values_list("author_id", flat=True).distinct()
    assert "distinct=author_id" in explain(values.order_by())
    assert sorted(values.order_by()) == [1, 2, 5]
    assert "distinct=author_id&ordering=author_id" in explain(values.order_by("author_id"))
    assert list(values.order_by("author_id")) == [1, 2, 5]
    counts = Book.objects.values("author_id").annotate(n=Count("id")).order_by("author_id")
    assert "group_by=author_id&aggregate=count" in explain(counts)
    assert list(counts) == [{"author_id": 1, "n": 1}, {"author_id": 2, "n": 2},
                            {"author_id": 5, "n": 2}]
    cheap = Book.objects.filter(price__lt=10).values("published").annotate(n=Count("id"))
    assert "price__lt=10" in explain(cheap.order_by()) and "group_by=published" in explain(cheap.order_by())
    assert sorted(cheap.order_by(), key=lambda g: str(g["published"])) == [
        {"published": datetime.date(1968, 11, 1), "n": 1}, {"published": None, "n": 2}]
    # a few columns: fields=
    assert "fields=id%2Ctitle" in explain(Book.objects.only("id", "title").order_by("id"))
    assert [b.title for b in Book.objects.only("id", "title").order_by("id")][-1] == "Kindred"
    # dates() (the admin's date_hierarchy): DISTINCT of an expression of one column
    Book.objects.create(title="Dawn", author_id=5, price=Decimal("50.00"),
                        published=datetime.date(1987, 5, 1))
    years = Book.objects.dates("published", "year")
    assert "distinct=published" in explain(years)
    assert list(years) == sorted({datetime.date(b.published.year, 1, 1)
                                  for b in Book.objects.all() if b.published})


def test_move_copies_every_row_and_the_orm_works_on_it(moved):
    assert helpers.rows("svc_book") == helpers.BOOKS
    assert helpers.rows("svc_author") == helpers.AUTHORS
    # GROUP BY on a foreign table: the backend lists every column
    counts = {a.name: a.n for a in Author.objects.annotate(n=Count("books"))}
    assert counts == {"Ursula K. Le Guin": 1, "Stanisław Lem": 2, "Italo Calvino": 1}
    book = Book.objects.create(title="Kindred", author_id=5, price=Decimal("9.99"))
    assert book.id == 8  # the service moved its sequence past the copied ids
    assert helpers.rows("svc_book")[-1][:3] == (8, "Kindred", 5)


def test_annotate_count_reads_the_authors_and_the_services_counts(moved):
    """Author.objects.annotate(Count("books")) and its paginator count: the
    authors and the service's counts of books per author, never every book."""
    Author.objects.create(name="Octavia E. Butler")  # no books: 0
    authors = Author.objects.annotate(n=Count("books")).order_by("name")
    plan = explain(authors)
    assert "with the service's counts per shopapp_book.author_id" in plan
    assert "group_by=author_id&aggregate=count" in plan
    assert [(a.name, a.n) for a in authors] == [
        ("Italo Calvino", 1), ("Octavia E. Butler", 0), ("Stanisław Lem", 2),
        ("Ursula K. Le Guin", 1)]
    # filter() on the count: a HAVING the same scan checks
    prolific = authors.filter(n__gt=1)
    assert "with the service's counts" in explain(prolific)
    assert [(a.name, a.n) for a in prolific] == [("Stanisław Lem", 2)]
    with CaptureQueriesContext(connection) as queries:
        assert Paginator(authors.all(), 2).count == 4  # a query, not the cache
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (VERBOSE, COSTS OFF) " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(r[0] for r in cursor.fetchall())
    assert "Groups: one per row of shopapp_author" in plan
    assert "books/" not in plan  # the books are not read


def reltuples(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


def test_move_analyzes_the_foreign_tables(moved):
    """The planner knows the service's row counts right after the move."""
    assert reltuples("shopapp_book") == Book.objects.count() == len(helpers.BOOKS)
    assert reltuples("shopapp_author") == Author.objects.count() == len(helpers.AUTHORS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'shopapp_book'")
        assert cursor.fetchone()[0] > 0  # column statistics from the sample


def test_analyze_false_leaves_the_foreign_table_unanalyzed(shop, monkeypatch):
    from importlib import import_module

    migration = import_module("shopapp.migrations.0002_move_to_shop_service").Migration
    monkeypatch.setattr(migration, "operations", [
        MoveToService("shop", "Author", resource="authors/"),
        MoveToService("shop", "Book", resource="books/", analyze=False),
    ])
    out = io.StringIO()
    call_command("sqlmigrate", "shopapp", "0002", stdout=out)
    sql = out.getvalue()
    assert sql.count("analyze_table => false") == 1
    assert sql.index("analyze_table => false") > sql.index("'books/'")
    call_command("migrate", "shopapp", verbosity=0)
    assert helpers.relkind("shopapp_book") == "f"
    assert reltuples("shopapp_book") == -1  # never analyzed
    assert reltuples("shopapp_author") == len(helpers.AUTHORS)
    assert Book.objects.count() == len(helpers.BOOKS)


def test_move_back_restores_rows_sequence_and_foreign_key(moved):
    Book.objects.create(title="Kindred", author_id=5, price=Decimal("9.99"))
    call_command("migrate", "shopapp", "0001", verbosity=0)
    assert helpers.relkind("shopapp_book") == "r" and helpers.relkind("shopapp_author") == "r"
    assert [r[0] for r in helpers.rows("shopapp_book")] == [1, 2, 4, 7, 8]
    assert Author.objects.create(name="New").id == 6
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "shopapp_book").values()
        assert [c["foreign_key"] for c in constraints if c["foreign_key"]] == [("shopapp_author", "id")]
        cursor.execute("SELECT count(*) FROM pg_foreign_server WHERE srvname = 'shop'")
        assert cursor.fetchone() == (0,)  # dropped with its last foreign table


def test_server_options_and_a_rollback_undone_in_the_service(shop):
    """REST_FDW_SERVICES' server_options reach the server MoveToService
    creates; with undo on, a rolled-back atomic() block (a savepoint, and
    the transaction) leaves the service's tables as they were."""
    entry = dict(settings.REST_FDW_SERVICES["shop"], server_options={"undo": True})
    with override_settings(REST_FDW_SERVICES={"shop": entry}):
        call_command("migrate", "shopapp", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT srvoptions FROM pg_foreign_server WHERE srvname = 'shop'")
        assert "undo=true" in cursor.fetchone()[0]
    before = helpers.rows("svc_author"), helpers.rows("svc_book")
    with transaction.atomic():
        Author.objects.create(name="Kept")
        with transaction.atomic():
            Author.objects.create(name="Rolled back")
            book = Book.objects.get(id=1)
            book.price = Decimal("1.00")
            book.save()
            Book.objects.filter(id=2).delete()
            transaction.set_rollback(True)
        assert [a.name for a in Author.objects.filter(name__in=["Kept", "Rolled back"])] == ["Kept"]
        assert Book.objects.get(id=1).price == Decimal("8.99") and Book.objects.filter(id=2).exists()
        transaction.set_rollback(True)
    assert (helpers.rows("svc_author"), helpers.rows("svc_book")) == before


def test_flush_empties_foreign_tables_with_undo_on(shop):
    """Django's flush (TransactionTestCase, manage.py flush) truncates inside
    a transaction, which rest_fdw refuses for tables with undo: the backend
    empties foreign tables by DELETE and truncates the local ones."""
    from django.core.management.color import no_style

    entry = dict(settings.REST_FDW_SERVICES["shop"], server_options={"undo": True})
    with override_settings(REST_FDW_SERVICES={"shop": entry}):
        call_command("migrate", "shopapp", verbosity=0)
    tables = ["shopapp_author", "shopapp_book", "django_admin_log"]
    sql = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    assert sql == [
        'TRUNCATE "django_admin_log" CASCADE;',
        'DELETE FROM "shopapp_book";',  # books reference authors: first
        'DELETE FROM "shopapp_author";',
    ]
    assert helpers.rows("svc_author") and helpers.rows("svc_book")
    connection.ops.execute_sql_flush(sql)
    assert helpers.rows("svc_author") == [] and helpers.rows("svc_book") == []


def test_sqlmigrate_prints_the_sql_without_the_token(shop):
    out = io.StringIO()
    call_command("sqlmigrate", "shopapp", "0002", stdout=out)
    sql = out.getvalue()
    assert "rest_fdw.move_table('\"shopapp_book\"'::regclass, 'shop', 'books/'" in sql
    assert "title__icontains" in sql and "pagination=limit" in sql
    assert "tests-service-token" not in sql
    assert "<the token of REST_FDW_SERVICES[''shop'']>" in sql
    assert helpers.relkind("shopapp_book") == "r"  # nothing ran
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'rest_fdw_django_probe'")
        assert cursor.fetchone() == (0,)


def test_sqlmigrate_backwards(moved):
    out = io.StringIO()
    call_command("sqlmigrate", "shopapp", "0002", backwards=True, stdout=out)
    sql = out.getvalue()
    assert sql.index("move_table_back('\"shopapp_book\"'") < sql.index(
        "move_table_back('\"shopapp_author\"'")
    assert 'FOREIGN KEY ("author_id") REFERENCES "shopapp_author" ("id")' in sql


def test_a_column_the_service_lacks_refuses_the_move(shop, monkeypatch):
    from testproject import urls

    viewset = urls.router.registry[1][1]
    serializer = viewset.serializer_class
    monkeypatch.setattr(serializer.Meta, "fields", [f for f in serializer.Meta.fields
                                                   if f != "published"])
    with pytest.raises(Exception, match="column published: the service's rows have no member"):
        call_command("migrate", "shopapp", verbosity=0)
    assert helpers.relkind("shopapp_book") == "r"


def test_operations_deconstruct_and_leave_the_state_alone(live_db):
    op = MoveToService("shop", "Book", resource="books/", fields={"author_id": "author"},
                       options={"page_size": 100})
    name, args, kwargs = op.deconstruct()
    assert name == "MoveToService" and args == []
    assert kwargs == {"service": "shop", "model_name": "Book", "resource": "books/",
                      "fields": {"author_id": "author"}, "options": {"page_size": "100"}}
    assert MoveToService("shop", "Book", "books/", analyze=False).deconstruct()[2] == {
        "service": "shop", "model_name": "Book", "resource": "books/", "analyze": False}
    assert MoveBackFromService("shop", "Book", "books/").migration_name_fragment == \
        "move_book_back_from_shop"
    out = io.StringIO()
    call_command("makemigrations", "shopapp", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()


def test_admin_list_filter_choices_are_the_services_distinct_values(moved):
    from django.contrib import admin
    from django.contrib.admin.filters import AllValuesFieldListFilter
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/shopapp/book/")
    choices = AllValuesFieldListFilter(Book._meta.get_field("published"), request, {}, Book,
                                       admin.site._registry[Book], "published").lookup_choices
    assert "distinct=published&ordering=published" in explain(choices)
    assert list(choices) == [datetime.date(1965, 1, 1), datetime.date(1968, 11, 1),
                             datetime.date(1972, 11, 1), None]
