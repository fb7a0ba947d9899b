"""The service kit's read path against a hand-written ModelViewSet.

Serves the same 10,000 books two ways, in process, over the same
PostgreSQL database: django-rest-fdw's service_viewset(Book), and the
ModelViewSet a team writes by hand (ModelSerializer, django-filter,
OrderingFilter, LimitOffsetPagination, DRF's JSONRenderer).  Each request
goes through the view with DRF's APIRequestFactory (routing and
middleware cost the same for both, and are left out); the two answers are
checked to be the same JSON before anything is timed.

Run by kit_bench.sh (which starts a throwaway cluster); by hand:
    PGHOST=... PGPORT=... python bench/kit_bench.py [--out bench/RESULTS-kit.md]
"""

import argparse
import datetime
import json
import os
import pathlib
import statistics
import sys
import time
from decimal import Decimal

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["testserver"],
    USE_TZ=True,
    TIME_ZONE="UTC",
    INSTALLED_APPS=["django.contrib.contenttypes", "rest_framework", "django_filters",
                    "kitbench"],
    DATABASES={"default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("KIT_BENCH_DB", "kit_bench"),
        "HOST": os.environ["PGHOST"],  # a throwaway cluster's (kit_bench.sh)
        "PORT": os.environ["PGPORT"],
        "USER": os.environ.get("PGUSER", "postgres"),
    }},
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    REST_FRAMEWORK={"UNAUTHENTICATED_USER": None, "DEFAULT_AUTHENTICATION_CLASSES": [],
                    "DEFAULT_PERMISSION_CLASSES": [], "PAGE_SIZE": 100},
)
django.setup()

from django.db import connection  # noqa: E402
from django_filters.rest_framework import DjangoFilterBackend  # noqa: E402
from rest_framework import filters, pagination, serializers, viewsets  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402

from kitbench.models import Book, Shelf  # noqa: E402
from rest_fdw_django.kit import service_viewset  # noqa: E402

ROWS = 10_000


class HandBookSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    shelf_id = serializers.PrimaryKeyRelatedField(source="shelf", queryset=Shelf.objects.all())

    class Meta:
        model = Book
        fields = ["id", "title", "shelf_id", "price", "published", "in_stock", "pages", "added"]


class HandPagination(pagination.LimitOffsetPagination):
    max_limit = 10_000


class HandBookViewSet(viewsets.ModelViewSet):
    """What the example's catalog service was before the kit."""

    queryset = Book.objects.all()
    serializer_class = HandBookSerializer
    pagination_class = HandPagination
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_fields = {"id": ["exact", "in"], "title": ["exact", "icontains"],
                        "shelf_id": ["exact", "in"], "price": ["gte", "lte"]}
    ordering_fields = ["id", "title", "price"]


KitBookViewSet = service_viewset(Book)


def load():
    """A fresh table of ROWS books on 20 shelves."""
    with connection.schema_editor() as editor:
        for model in (Book, Shelf):
            editor.execute(f"DROP TABLE IF EXISTS {model._meta.db_table} CASCADE")
        editor.create_model(Shelf)
        editor.create_model(Book)
    shelves = Shelf.objects.bulk_create([Shelf(name=f"shelf {i}") for i in range(20)])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    Book.objects.bulk_create(
        Book(title=f"Book number {i} — ünïcode", shelf=shelves[i % 20],
             price=Decimal(i % 5000) / 100, published=None if i % 7 == 0 else
             datetime.date(1950, 1, 1) + datetime.timedelta(days=i),
             in_stock=i % 3 != 0, pages=None if i % 11 == 0 else 100 + i % 400,
             added=start + datetime.timedelta(minutes=i))
        for i in range(ROWS)
    )


def view(viewset, action):
    return viewset.as_view({"get": action})


def request(viewset, path, **kwargs):
    action = "retrieve" if kwargs else "list"
    response = view(viewset, action)(APIRequestFactory().get(path), **kwargs)
    response.render()
    assert response.status_code == 200, response.content[:500]
    return response.content


def timed(viewset, path, repeat, **kwargs):
    """Median and quartiles (ms) of `repeat` requests, after two warm-ups."""
    for _ in range(2):
        request(viewset, path, **kwargs)
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        request(viewset, path, **kwargs)
        samples.append((time.perf_counter() - t0) * 1000)
    q = statistics.quantiles(samples, n=4)
    return statistics.median(samples), q[0], q[2]


CASES = [
    ("list of 1,000 rows (`?limit=1000`)", "/books/?limit=1000", 40, {}),
    ("list of 10,000 rows (`?limit=10000`)", "/books/?limit=10000", 8, {}),
    ("filtered list, 500 rows (`?shelf_id__in=1,2&limit=1000`)",
     "/books/?shelf_id__in=1,2&limit=1000", 40, {}),
    ("keyed GET (`/books/4242/`)", "/books/4242/", 300, {"pk": "4242"}),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the Markdown table here")
    args = parser.parse_args()
    load()
    lines = [
        "## The service kit's read path (django-rest-fdw)",
        "",
        "`bash bench/kit_bench.sh` (`bench/kit_bench.py`): the same 10,000 books served in",
        "process over the same PostgreSQL database by `rest_fdw_django.kit.service_viewset(Book)`",
        "and by a hand-written `ModelViewSet` (ModelSerializer, django-filter, OrderingFilter,",
        "LimitOffsetPagination, DRF's JSONRenderer), each request through the view with DRF's",
        "APIRequestFactory; both answers are checked to be the same JSON first. Milliseconds per",
        "request, median (quartiles).",
        "",
        "| request | hand-written ModelViewSet | kit | kit speed-up |",
        "|---|---:|---:|---:|",
    ]
    for label, path, repeat, kwargs in CASES:
        hand, kit = (request(v, path, **kwargs) for v in (HandBookViewSet, KitBookViewSet))
        assert json.loads(hand) == json.loads(kit), f"{label}: the answers differ"
        h = timed(HandBookViewSet, path, repeat, **kwargs)
        k = timed(KitBookViewSet, path, repeat, **kwargs)
        lines.append(
            f"| {label} | {h[0]:.2f} ({h[1]:.2f}–{h[2]:.2f}) | {k[0]:.2f} ({k[1]:.2f}–{k[2]:.2f}) "
            f"| {h[0] / k[0]:.2f}x |"
        )
        print(lines[-1], flush=True)
    lines += ["", f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
              f"measured {datetime.date.today().isoformat()}.", ""]
    if args.out:
        pathlib.Path(args.out).write_text("\n".join(lines))


if __name__ == "__main__":
    main()
