"""Serializers and viewsets of both APIs over Item."""
from django_filters.rest_framework import DjangoFilterBackend, FilterSet
from dynamic_rest.serializers import DynamicModelSerializer
from dynamic_rest.viewsets import DynamicModelViewSet
from rest_framework import serializers, viewsets
from rest_framework.filters import OrderingFilter

from .models import Item

FIELDS = ["id", "name", "price", "created", "active", "category_id"]


class ItemSerializer(serializers.ModelSerializer):
    """Plain DRF: every column; the client may give the id."""

    class Meta:
        model = Item
        fields = FIELDS


class ItemFilter(FilterSet):
    """The django-filter lookups rest_fdw's "filters" option declares."""

    class Meta:
        model = Item
        fields = {
            "id": ["exact", "in"],
            "category_id": ["exact", "in"],
            "price": ["exact", "lt", "lte", "gt", "gte"],
            "active": ["exact"],
        }


class ItemViewSet(viewsets.ModelViewSet):
    """/api/items/: filters, ordering, limit/offset pages."""

    queryset = Item.objects.all()
    serializer_class = ItemSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ItemFilter
    ordering_fields = ["id", "price"]
    ordering = ["id"]


class ItemDynamicSerializer(DynamicModelSerializer):
    """dynamic-rest, as django-rest-models requires."""

    class Meta:
        model = Item
        name = "item"
        plural_name = "items"
        fields = FIELDS


class ItemDynamicViewSet(DynamicModelViewSet):
    """/dyn/items/: filter{...}, sort[], page/per_page."""

    queryset = Item.objects.all().order_by("id")
    serializer_class = ItemDynamicSerializer
