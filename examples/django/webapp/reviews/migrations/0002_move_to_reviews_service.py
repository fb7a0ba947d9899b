"""Move the reviews table into the reviews service (a FastAPI service).

After this migration reviews_review is a rest_fdw foreign table backed by
REST_FDW_SERVICES["reviews"]; the local table is kept as
reviews_review_before_rest.  Migrating back to 0001 copies the service's
rows into the local table again.
"""

from django.db import migrations

from rest_fdw_django.operations import MoveToService


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [MoveToService("reviews", "Review", resource="reviews/")]
