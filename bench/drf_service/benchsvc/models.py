"""The one table of the service, created and loaded by bench/bench.py."""
from django.db import models


class Item(models.Model):
    """A row of the "items" table (ids are given by the client)."""

    id = models.BigIntegerField(primary_key=True)
    name = models.TextField()
    price = models.DecimalField(max_digits=8, decimal_places=2)
    created = models.DateTimeField()
    active = models.BooleanField()
    category_id = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "items"
