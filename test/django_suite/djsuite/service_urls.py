"""The service: every table of the test apps as a collection named after
the table (/api/<db_table>/), through the kit, and the OpenAPI document at
/api/schema/.

Foreign keys are plain values here: the test run's database checks them
(deferred, as Django's PostgreSQL constraints are), and a row may point at
a row of an app the service does not serve (auth.User, ContentType)."""

import contextlib

import psycopg
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from rest_framework.utils.field_mapping import ClassLookupDict

from rest_fdw_django.kit import service_viewset
from rest_fdw_django.kit.serializers import ClientIdSerializer, Conflict, serializer_for

from .modules import models_of, modules


class DatabaseSerializer(ClientIdSerializer):
    """The kit's serializer, accepting what the database accepts: the ORM
    saves blank strings, values outside a field's choices and values its
    validators would refuse, and the tests rely on the database (not the
    service) to refuse what breaks a constraint."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        kwargs.pop("validators", None)
        if "choices" in kwargs:
            kwargs.pop("choices")
            field_class = ClassLookupDict(self.serializer_field_mapping)[model_field]
        if issubclass(field_class, serializers.CharField):
            kwargs["allow_blank"] = True
        return field_class, kwargs

    def get_validators(self):
        return []

    def create(self, validated_data):
        with _constraint_answers():
            return super().create(validated_data)

    def update(self, instance, validated_data):
        with _constraint_answers():
            return super().update(instance, validated_data)


@contextlib.contextmanager
def _constraint_answers():
    """A unique violation answered 409 (what rest_fdw's ON CONFLICT DO
    NOTHING skips), another constraint's 400, instead of a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if isinstance(error.__cause__, psycopg.errors.UniqueViolation):
            raise Conflict(str(error).splitlines()[0]) from error
        raise serializers.ValidationError({"non_field_errors": [str(error).splitlines()[0]]}) from error


def _plain_field(field):
    """A serializer field for a foreign key's value, typed after the
    field it finally points at, with no check that the row exists."""
    target = field.target_field
    while target.is_relation:
        target = target.target_field
    kind = ClassLookupDict(serializers.ModelSerializer.serializer_field_mapping)[target]
    kwargs = {"allow_null": field.null, "required": not (field.null or field.has_default())}
    if kind is serializers.ModelField:
        return kind(model_field=field, **kwargs)
    if issubclass(kind, serializers.CharField):
        kwargs["allow_blank"] = True
    return kind(**kwargs)


def _serializer(model):
    """The kit's serializer (DatabaseSerializer), foreign keys as plain values."""
    base = serializer_for(model, base=DatabaseSerializer)
    attrs = {f.attname: _plain_field(f) for f in model._meta.local_concrete_fields if f.is_relation}
    attrs["Meta"] = base.Meta
    # named after the table: the OpenAPI document's component names must
    # differ, and many test apps have a Book or an Author
    return type(f"{model._meta.db_table}Serializer", (base,), attrs)


def _delete_row(view, instance):
    """A DELETE of the item deletes its row alone, as SQL's DELETE of a row
    of a local table does: the ORM of the test run deletes (or nulls) the
    dependent rows itself, each with its own request, where the service's
    own cascade (Model.delete()) would delete rows the test run did not
    (its undo then finds them gone) and run a query per related model for
    every request."""
    manager = type(instance)._base_manager
    manager.filter(pk=instance.pk)._raw_delete(manager.db)


router = DefaultRouter()
for model in models_of(apps, modules()):
    table = model._meta.db_table
    # every row of the table: a model's default manager may filter
    # (queries.ManagedModel's shows public rows of one tag only)
    router.register(table, service_viewset(model, queryset=model._base_manager.all(),
                                           serializer_class=_serializer(model),
                                           perform_destroy=_delete_row),
                    basename=table)

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view()),
    path("api/", include(router.urls)),
]
