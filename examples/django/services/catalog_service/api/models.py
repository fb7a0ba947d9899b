"""The catalog service's own tables.

They mirror the webapp's catalog models; the field names are the webapp's
column names because rest_fdw maps each column of a moved table to the JSON
member of the same name.
"""

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
    country = models.CharField(max_length=50, blank=True)
    born = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="books")
    price = models.DecimalField(max_digits=8, decimal_places=2)
    published = models.DateField(null=True, blank=True)
    in_stock = models.BooleanField(default=True)
    pages = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
