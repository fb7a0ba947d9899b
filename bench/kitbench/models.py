"""The rows kit_bench.py serves: books with a foreign key, as a catalog has."""

from django.db import models


class Shelf(models.Model):
    name = models.CharField(max_length=50)


class Book(models.Model):
    title = models.CharField(max_length=200)
    shelf = models.ForeignKey(Shelf, on_delete=models.PROTECT)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    published = models.DateField(null=True)
    in_stock = models.BooleanField(default=True)
    pages = models.IntegerField(null=True)
    added = models.DateTimeField()

    class Meta:
        ordering = ["id"]
