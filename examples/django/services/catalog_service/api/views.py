"""The catalog service's API: ModelViewSets for authors and books with
django-filter lookups, ordering, and limit/offset pagination."""

from rest_framework import viewsets

from .models import Author, Book
from .serializers import AuthorSerializer, BookSerializer

COMPARISONS = ["exact", "gt", "gte", "lt", "lte"]


class AuthorViewSet(viewsets.ModelViewSet):
    queryset = Author.objects.all()
    serializer_class = AuthorSerializer
    filterset_fields = {
        "id": ["exact", "in"],
        "name": ["exact", "in", "icontains", "istartswith"],
        "country": ["exact", "in", "icontains"],
        "born": COMPARISONS + ["isnull"],
    }
    ordering_fields = ["id", "name", "country", "born"]


class BookViewSet(viewsets.ModelViewSet):
    queryset = Book.objects.all()
    serializer_class = BookSerializer
    filterset_fields = {
        "id": ["exact", "in"],
        "title": ["exact", "in", "icontains", "istartswith"],
        "author": ["exact", "in"],
        "author_id": ["exact", "in"],
        "price": COMPARISONS,
        "published": COMPARISONS + ["isnull"],
        "in_stock": ["exact"],
        "pages": COMPARISONS + ["isnull"],
    }
    ordering_fields = ["id", "title", "author", "author_id", "price", "published", "in_stock", "pages"]
