"""The one model of the service: a column of every type the oracle tests."""

from django.db import models


class Item(models.Model):
    id = models.BigIntegerField(primary_key=True)
    name = models.TextField(null=True)
    tag = models.TextField(null=True)
    grp = models.IntegerField(null=True)
    num = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    day = models.DateField(null=True)
    at = models.DateTimeField(null=True)
    flag = models.BooleanField(null=True)

    class Meta:
        ordering = ["id"]
        db_table = "items"
