"""FilterSets with the lookups rest_fdw sends, and an ordering filter whose
fields the OpenAPI document lists."""

from django.db import models
from django_filters import rest_framework as django_filters
from rest_framework import filters

from .fields import column_field

COMPARISONS = ["exact", "in", "gt", "gte", "lt", "lte"]
TEXT = ["exact", "in", "iexact", "contains", "icontains", "startswith", "istartswith",
        "endswith", "iendswith", "gt", "gte", "lt", "lte"]


def lookups_for(field):
    """The django-filter lookups rest_fdw's drf dialect can send for a field."""
    if field.is_relation:
        lookups = ["exact", "in"]
    elif isinstance(field, (models.CharField, models.TextField, models.EmailField,
                            models.SlugField, models.URLField)):
        lookups = list(TEXT)
    elif isinstance(field, models.BooleanField):
        lookups = ["exact"]
    elif isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField,
                            models.DateField, models.DateTimeField, models.TimeField,
                            models.DurationField, models.AutoField, models.BigAutoField)):
        lookups = list(COMPARISONS)
    elif isinstance(field, models.UUIDField):
        lookups = ["exact", "in"]
    else:
        return []
    if field.null:
        lookups.append("isnull")
    return lookups


def filterset_for(model):
    """A FilterSet of `model` with every column's lookups, named after the
    column (`author_id__in`, `title__icontains`, `born__isnull`).  A
    foreign key's filters compare the column's values, as SQL does: an id
    no related row has matches nothing (django-filter's own would be a 400,
    "Select a valid choice")."""
    fields = {}
    attrs = {}
    for field in model._meta.local_concrete_fields:
        lookups = lookups_for(field)
        if field.is_relation:
            column = column_field(field)
            for lookup in lookups:
                name = field.attname if lookup == "exact" else f"{field.attname}__{lookup}"
                attrs[name] = ServiceFilterSet.filter_for_field(column, field.attname, lookup)
        elif lookups:
            fields[field.attname] = lookups
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}ServiceFilterSet", (ServiceFilterSet,), attrs)


class ServiceFilterSet(django_filters.FilterSet):
    """A FilterSet that copies only the filters a request names: with a
    lookup per column and operator, copying them all (as django-filter
    does for every request) would cost more than the query."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            self.base_filters = {k: f for k, f in self.base_filters.items() if k in data}
        super().__init__(data, *args, **kwargs)


class FilterBackend(django_filters.DjangoFilterBackend):
    """django-filter's backend, skipped when the request names no filter."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            name in filterset_class.base_filters for name in request.query_params
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class OrderingFilter(filters.OrderingFilter):
    """DRF's OrderingFilter, whose OpenAPI parameter lists the fields as an
    enum ("price", "-price", ...), which IMPORT FOREIGN SCHEMA reads into
    the foreign table's `ordering` option."""

    def get_schema_operation_parameters(self, view):
        queryset = view.get_queryset()
        names = [name for name, _ in self.get_valid_fields(queryset, view, {"request": None})]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(self.ordering_description),
                "style": "form",
                "explode": False,
                "schema": {
                    "type": "array",
                    "items": {"type": "string", "enum": names + ["-" + n for n in names]},
                },
            }
        ]
