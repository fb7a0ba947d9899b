"""The service's own tables: the monolith's models, named after their columns."""

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
    born = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        db_table = "svc_author"


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="books")
    price = models.DecimalField(max_digits=8, decimal_places=2)
    published = models.DateField(null=True, blank=True)
    in_stock = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        db_table = "svc_book"


class Place(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        db_table = "svc_place"


class Restaurant(Place):
    """A multi-table inheritance child: its table has place_ptr_id and seats."""

    seats = models.IntegerField()

    class Meta:
        db_table = "svc_restaurant"


class Booking(models.Model):
    """A key to a multi-table child, whose primary key is itself a key
    (place_ptr_id): the column holds Place ids."""

    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE)
    guests = models.IntegerField()

    class Meta:
        ordering = ["id"]
        db_table = "svc_booking"
