"""Catalog models: authors and their books.

In services mode both tables live in the catalog service; the webapp sees
them as foreign tables with the same names and columns, so nothing here
knows about the move.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse


class Author(models.Model):
    name = models.CharField(max_length=100)
    country = models.CharField(max_length=50, blank=True)
    born = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("author-detail", args=[self.pk])


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="books")
    price = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    published = models.DateField(null=True, blank=True)
    in_stock = models.BooleanField(default=True)
    pages = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["title", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("book-detail", args=[self.pk])
