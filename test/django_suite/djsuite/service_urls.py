"""The service: every table of the test apps as a collection named after
the table (/api/<db_table>/), through the kit, and the OpenAPI document at
/api/schema/.

Foreign keys are plain values here: the test run's database checks them
(deferred, as Django's PostgreSQL constraints are), and a row may point at
a row of an app the service does not serve (auth.User, ContentType)."""

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from rest_fdw_django.kit import service_viewset

from .modules import models_of, modules


def _plain_field(field):
    """A serializer field for a foreign key's value, typed after the
    field it points at, with no check that the row exists."""
    target = field.target_field
    for cls in type(target).__mro__:
        if cls in serializers.ModelSerializer.serializer_field_mapping:
            kind = serializers.ModelSerializer.serializer_field_mapping[cls]
            break
    else:
        kind = serializers.CharField
    kwargs = {"allow_null": field.null, "required": not (field.null or field.has_default())}
    if kind is serializers.CharField:
        kwargs["allow_blank"] = True
    if kind is serializers.ModelField:
        kwargs["model_field"] = target
    return kind(**kwargs)


def _serializer(model):
    """The kit's serializer, with foreign keys as plain values."""
    from rest_fdw_django.kit.serializers import serializer_for

    base = serializer_for(model)
    attrs = {f.attname: _plain_field(f) for f in model._meta.concrete_fields if f.is_relation}
    attrs["Meta"] = base.Meta
    # named after the table: the OpenAPI document's component names must
    # differ, and many test apps have a Book or an Author
    return type(f"{model._meta.db_table}Serializer", (base,), attrs)


router = DefaultRouter()
for model in models_of(apps, modules()):
    table = model._meta.db_table
    router.register(table, service_viewset(model, serializer_class=_serializer(model)),
                    basename=table)

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view()),
    path("api/", include(router.urls)),
]
