"""manage.py load_items: replace the items by the rows of a JSON array
read from standard input ([{"id": 1, "name": ..., "num": "9.90", ...}]),
as the differential test's data.py writes them."""

import json
import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from oraclesvc.models import Item


class Command(BaseCommand):
    help = "Replace the items by the JSON rows read from standard input."

    def handle(self, *args, **options):
        rows = json.load(sys.stdin)
        with transaction.atomic():
            Item.objects.all().delete()
            Item.objects.bulk_create(Item(**row) for row in rows)
        self.stdout.write("%d items" % len(rows))
