"""Move the catalog tables (authors, then books) into the catalog service.

After this migration catalog_author and catalog_book are rest_fdw foreign
tables backed by REST_FDW_SERVICES["catalog"]; the local tables are kept as
catalog_*_before_rest.  The filters, ordering fields and pagination come
from the service's OpenAPI document.  Migrating back to 0001 copies the
service's rows into the local tables again.
"""

from django.db import migrations

from rest_fdw_django.operations import MoveToService


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        MoveToService("catalog", "Author", resource="authors/"),
        MoveToService("catalog", "Book", resource="books/"),
    ]
