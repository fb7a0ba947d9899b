"""Reviews of books.

A review points at a catalog book.  Once the two apps live in different
services no database can enforce that reference, so the foreign key is
declared with db_constraint=False (the only model change the move needs).
The ORM still joins, filters and cascades through it as usual.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse


class Review(models.Model):
    book = models.ForeignKey(
        "catalog.Book",
        on_delete=models.CASCADE,
        related_name="reviews",
        db_constraint=False,
    )
    reviewer = models.CharField(max_length=100)
    rating = models.IntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    body = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"Review by {self.reviewer} ({self.rating}/5)"

    def get_absolute_url(self):
        return reverse("review-detail", args=[self.pk])
