"""ServiceViewSet: a ModelViewSet for rest_fdw, with a fast read path."""

from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework import permissions, viewsets
from rest_framework.response import Response
from rest_framework.settings import api_settings

from . import capabilities
from .filters import FilterBackend, OrderingFilter, filterset_for
from .pagination import ServicePagination
from .rendering import JSONRenderer, convert_rows, converter
from .serializers import serializer_for


class ServiceViewSet(viewsets.ModelViewSet):
    """A ModelViewSet over `queryset`'s model whose serializer, FilterSet
    and ordering fields are made from the model (serializer_for,
    filterset_for, every column) unless the subclass sets them.

    list and retrieve read rows with values() and encode them directly
    (the same JSON as the serializer's), unless the subclass overrides
    get_serializer_class or an object-level permission is configured, in
    which case DRF's own path is used.

    The list serves the optional capabilities (capabilities.py): fields=,
    distinct= and group_by=&aggregate=count."""

    pagination_class = ServicePagination
    filter_backends = [FilterBackend, OrderingFilter, capabilities.CapabilitiesFilter]
    renderer_classes = [JSONRenderer]
    # an item's key is any text but "/": a router's default also refuses
    # ".", which a timestamp's, a decimal's or an e-mail key holds (this
    # service renders JSON only: no format suffixes to tell apart)
    lookup_value_regex = "[^/]+"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        queryset = cls.__dict__.get("queryset")
        if queryset is None:
            return
        model = queryset.model
        if "serializer_class" not in cls.__dict__:
            cls.serializer_class = serializer_for(model)
        if "filterset_class" not in cls.__dict__ and "filterset_fields" not in cls.__dict__:
            cls.filterset_class = filterset_for(model)
        if "ordering_fields" not in cls.__dict__:
            cls.ordering_fields = [f.attname for f in model._meta.local_concrete_fields]
        if "ordering" not in cls.__dict__ and not model._meta.ordering:
            cls.ordering = [model._meta.pk.attname]

    # the read path ------------------------------------------------------

    def _columns(self):
        """The JSON members of a row (the serializer's fields, all columns)
        and the converters of those JSON cannot hold as they are."""
        cls = type(self)
        if "_read_columns" not in cls.__dict__:
            names = list(self.get_serializer_class().Meta.fields)
            fields = {f.attname: f for f in self.get_queryset().model._meta.concrete_fields}
            cls._read_columns = names
            cls._read_converters = [
                (n, converter(fields[n])) for n in names if n in fields and converter(fields[n])
            ]
        return cls._read_columns

    def _fast(self):
        if type(self).get_serializer_class is not ServiceViewSet.get_serializer_class:
            return False
        return all(
            type(p).has_object_permission is permissions.BasePermission.has_object_permission
            for p in self.get_permissions()
        )

    # the optional capabilities ---------------------------------------------

    def capability_members(self):
        """The members of a row, which fields= may list."""
        serializer = self.get_serializer_class()()
        return [name for name, field in serializer.fields.items() if not field.write_only]

    def capability_group_members(self):
        """The members that are columns of the model, which distinct= and
        group_by= may name."""
        columns = {f.attname for f in self.get_queryset().model._meta.concrete_fields}
        return [name for name in self.capability_members() if name in columns]

    def _capabilities(self, request):
        """What the request asks of the capabilities, or None (at no cost
        to a request naming none)."""
        if not any(name in request.query_params for name in capabilities.PARAMETERS):
            return None
        return capabilities.parse(request.query_params, self.capability_members(),
                                  self.capability_group_members(),
                                  api_settings.ORDERING_PARAM)

    def _list_groups(self, asked):
        """The page of distinct values or counts per group."""
        rows = asked.groups(self.filter_queryset(self.get_queryset()))
        field = {f.attname: f for f in self.get_queryset().model._meta.concrete_fields}[asked.column]
        converters = [(asked.column, converter(field))] if converter(field) else []
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(asked.group_rows(convert_rows(page, converters)))
        return Response(asked.group_rows(convert_rows(list(rows), converters)))

    def list(self, request, *args, **kwargs):
        asked = self._capabilities(request)
        if asked is not None and asked.grouped:
            return self._list_groups(asked)
        if not self._fast():
            response = super().list(request, *args, **kwargs)
            if asked is not None:
                if isinstance(response.data, dict) and "results" in response.data:
                    response.data["results"] = asked.project(response.data["results"])
                else:
                    response.data = asked.project(response.data)
            return response
        columns = self._columns()
        converters = self._read_converters
        if asked is not None:
            columns = asked.fields
            converters = [(n, c) for n, c in converters if n in columns]
        rows = self.filter_queryset(self.get_queryset()).values(*columns)
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(convert_rows(page, converters))
        return Response(convert_rows(list(rows), converters))

    def retrieve(self, request, *args, **kwargs):
        if not self._fast():
            return super().retrieve(request, *args, **kwargs)
        lookup = self.lookup_url_kwarg or self.lookup_field
        rows = self.filter_queryset(self.get_queryset())
        try:
            row = rows.filter(**{self.lookup_field: self.kwargs[lookup]}).values(*self._columns()).get()
        except (rows.model.DoesNotExist, ValidationError, ValueError, TypeError):
            raise Http404
        return Response(convert_rows([row], self._read_converters)[0])

    def perform_destroy(self, instance):
        """Delete the row of this resource's table only: a multi-table
        inheritance child's parent row is the parent resource's (a client
        deletes it there, and a rollback's undo re-creates each apart)."""
        instance.delete(keep_parents=bool(instance._meta.parents))


def service_viewset(model, queryset=None, **attrs):
    """A ServiceViewSet subclass for `model` (or `queryset`), with `attrs`
    (e.g. permission_classes, pagination_class) set on it."""
    attrs["queryset"] = queryset if queryset is not None else model._default_manager.all()
    return type(f"{model.__name__}ServiceViewSet", (ServiceViewSet,), attrs)
