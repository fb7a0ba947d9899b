"""The service's two models: authors, and books that refer to them."""

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
    born = models.DateField(null=True)

    class Meta:
        ordering = ["id"]
        db_table = "authors"


class Book(models.Model):
    title = models.CharField(max_length=200, null=True)
    author = models.ForeignKey(Author, null=True, on_delete=models.SET_NULL,
                               related_name="books")
    price = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    stock = models.IntegerField(null=True)
    published = models.DateField(null=True)
    in_stock = models.BooleanField(null=True)

    class Meta:
        ordering = ["id"]
        db_table = "books"

