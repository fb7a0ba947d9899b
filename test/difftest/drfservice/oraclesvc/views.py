"""Two routes over the model: /api/items/ pages by limit and offset,
/api/pitems/ by page number with a client page size capped at 15."""

from django.http import QueryDict
from django_filters import rest_framework as filters
from rest_framework import pagination, serializers, viewsets

from .models import Item

TEXT = ["exact", "iexact", "lt", "lte", "gt", "gte", "in", "isnull",
        "startswith", "istartswith", "endswith", "iendswith",
        "contains", "icontains"]
ORDERED = ["exact", "lt", "lte", "gt", "gte", "in", "isnull"]

FILTERS = {
    "id": ["exact", "lt", "lte", "gt", "gte", "in"],
    "name": TEXT,
    "tag": TEXT,
    "grp": ORDERED,
    "num": ORDERED,
    "day": ORDERED,
    "at": ORDERED,
    "flag": ["exact", "isnull"],
}


class ItemFilterSet(filters.FilterSet):
    """django-filter's FilterSet for FILTERS, built once per process.

    django-filter deep-copies every filter and builds a new form class for
    each request, some 40 ms for these 64 filters on a busy 2-core
    machine; these filters keep no per-request state (no "method"
    filters), so the instances share them and their form class.  What a
    request's parameters mean is unchanged.  Needs a process per request
    at a time (gunicorn's sync workers), since the filters point back to
    the FilterSet of the request being served.
    """

    class Meta:
        model = Item
        fields = FILTERS

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = Item.objects.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = self.base_filters
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    def get_form_class(self):
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "name", "tag", "grp", "num", "day", "at", "flag"]


class SmallPages(pagination.PageNumberPagination):
    page_size = 10
    page_size_query_param = "page_size"
    max_page_size = 15


class ItemViewSet(viewsets.ModelViewSet):
    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    filterset_class = ItemFilterSet
    ordering_fields = "__all__"


class PagedItemViewSet(ItemViewSet):
    pagination_class = SmallPages
