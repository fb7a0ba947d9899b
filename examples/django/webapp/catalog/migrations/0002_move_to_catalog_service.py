"""Move the catalog tables (authors, then books) into the catalog service.

After this migration catalog_author and catalog_book are rest_fdw foreign
tables backed by CATALOG_SERVICE_URL (settings.REST_SERVICES["catalog"]);
the previous local tables are kept as catalog_*_before_rest.  Migrating
back to 0001 copies the service's rows into the local tables again.

The table options tell rest_fdw what the service's API can do, so that
filters, ORDER BY, LIMIT/OFFSET and count(*) are sent to the service
instead of done after reading the whole collection: the filters and
ordering fields of the service's FilterSet and OrderingFilter, its
limit/offset pagination, and that its database sorts text as the webapp's
does (both use the C.UTF-8 collation here).
"""

from django.db import migrations

from shop.rest_move import move_back, move_to_service

SERVER = "catalog_service"
COMPARISONS = "{0}, {0}__gt, {0}__gte, {0}__lt, {0}__lte"

AUTHOR_OPTIONS = [
    "pagination=limit",
    "collation_matches=true",
    "filters=id, id__in, name, name__in, name__icontains, name__istartswith, "
    "country, country__in, country__icontains, " + COMPARISONS.format("born") + ", born__isnull",
    "ordering=id, name, country, born",
]
BOOK_OPTIONS = [
    "pagination=limit",
    "collation_matches=true",
    "filters=id, id__in, title, title__in, title__icontains, title__istartswith, "
    "author_id, author_id__in, " + COMPARISONS.format("price") + ", "
    + COMPARISONS.format("published") + ", published__isnull, in_stock, "
    + COMPARISONS.format("pages") + ", pages__isnull",
    "ordering=id, title, author_id, price, published, in_stock, pages",
]


def forwards(apps, schema_editor):
    move_to_service(
        schema_editor,
        SERVER,
        "catalog",
        [
            ("catalog_author", "authors/", AUTHOR_OPTIONS),
            ("catalog_book", "books/", BOOK_OPTIONS),
        ],
    )


def backwards(apps, schema_editor):
    models = [apps.get_model("catalog", "Author"), apps.get_model("catalog", "Book")]
    move_back(schema_editor, apps, SERVER, models)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
