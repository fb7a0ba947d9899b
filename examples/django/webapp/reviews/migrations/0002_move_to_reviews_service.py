"""Move the reviews table into the reviews service (a FastAPI service).

After this migration reviews_review is a rest_fdw foreign table backed by
REVIEWS_SERVICE_URL (settings.REST_SERVICES["reviews"]); the local table is
kept as reviews_review_before_rest.  Migrating back to 0001 copies the
service's rows into the local table again.

The table options declare what the service's API can filter and sort by
and its limit/offset pagination (see the catalog's 0002 migration).
"""

from django.db import migrations

from shop.rest_move import move_back, move_to_service

SERVER = "reviews_service"

REVIEW_OPTIONS = [
    "pagination=limit",
    "filters=id, id__in, book_id, book_id__in, rating, rating__gte, rating__lte",
    "ordering=id, book_id, rating, created",
]


def forwards(apps, schema_editor):
    move_to_service(
        schema_editor, SERVER, "reviews", [("reviews_review", "reviews/", REVIEW_OPTIONS)]
    )


def backwards(apps, schema_editor):
    move_back(schema_editor, apps, SERVER, [apps.get_model("reviews", "Review")])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
