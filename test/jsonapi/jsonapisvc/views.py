"""The service's resources: /api/books/ pages by page[number] and
page[size], /api/books-by-offset/ (the same books) by page[offset] and
page[limit], /api/authors/ by page number; /api/items/ and
/api/items-by-offset/ hold the differential test's rows.  Filters are
django-filter's lookups as filter[field.lookup], sort is any field."""

from django_filters import rest_framework as filters
from rest_framework import serializers as drf_serializers
from rest_framework.validators import UniqueValidator
from rest_framework_json_api import pagination, relations, serializers, views

from oraclesvc.models import Item
from oraclesvc.views import FILTERS as ITEM_FILTERS
from oraclesvc.views import ORDERED, TEXT

from .models import Author, Book


class NumberInFilter(filters.BaseInFilter, filters.NumberFilter):
    """filter[x.in]=1,2,3 on a number."""


class BookFilterSet(filters.FilterSet):
    """Django's lookups on every field.  The relationship's filters compare
    the author's id as a number: the default ones (ModelChoiceFilter)
    answer 400 to an id no author has, where a query means no rows."""

    author = filters.NumberFilter(field_name="author_id")
    author__in = NumberInFilter(field_name="author_id")
    author__isnull = filters.BooleanFilter(field_name="author",
                                           lookup_expr="isnull")

    class Meta:
        model = Book
        fields = {
            "id": ["exact", "lt", "lte", "gt", "gte", "in"],
            "title": TEXT,
            "price": ORDERED,
            "stock": ORDERED,
            "published": ORDERED,
            "in_stock": ["exact", "isnull"],
        }


class AuthorFilterSet(filters.FilterSet):
    class Meta:
        model = Author
        fields = {
            "id": ["exact", "lt", "lte", "gt", "gte", "in"],
            "name": TEXT,
            "born": ORDERED,
        }


class ItemFilterSet(filters.FilterSet):
    """The lookups the differential test's DRF service declares."""

    class Meta:
        model = Item
        fields = ITEM_FILTERS


class BookSerializer(serializers.ModelSerializer):
    """A book; its id may be given on POST (a client-generated id)."""

    id = drf_serializers.IntegerField(
        required=False, validators=[UniqueValidator(queryset=Book.objects.all())])
    author = relations.ResourceRelatedField(
        queryset=Author.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Book
        fields = ["id", "title", "author", "price", "stock", "published",
                  "in_stock"]


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name", "born"]


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "name", "tag", "grp", "num", "day", "at", "flag"]


class BookViewSet(views.ModelViewSet):
    queryset = Book.objects.all()
    serializer_class = BookSerializer
    filterset_class = BookFilterSet
    ordering_fields = "__all__"


class OffsetPagination(pagination.JsonApiLimitOffsetPagination):
    default_limit = 5


class OffsetBookViewSet(BookViewSet):
    pagination_class = OffsetPagination


class AuthorViewSet(views.ModelViewSet):
    queryset = Author.objects.all()
    serializer_class = AuthorSerializer
    filterset_class = AuthorFilterSet
    ordering_fields = "__all__"


class ItemViewSet(views.ModelViewSet):
    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    filterset_class = ItemFilterSet
    ordering_fields = "__all__"


class OffsetItemViewSet(ItemViewSet):
    pagination_class = OffsetPagination
