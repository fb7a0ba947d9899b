"""Routes of the JSON:API test service, and its OpenAPI document at
/api/openapi.json (djangorestframework-jsonapi's schema generator)."""

from django.urls import include, path
from rest_framework.renderers import JSONOpenAPIRenderer
from rest_framework.routers import DefaultRouter
from rest_framework.schemas import get_schema_view
from rest_framework_json_api.schemas.openapi import SchemaGenerator

from .views import (AuthorViewSet, BookViewSet, ItemViewSet, OffsetBookViewSet,
                    OffsetItemViewSet)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("books", BookViewSet, basename="book")
router.register("books-by-offset", OffsetBookViewSet, basename="offsetbook")
router.register("authors", AuthorViewSet, basename="author")
router.register("items", ItemViewSet, basename="item")
router.register("items-by-offset", OffsetItemViewSet, basename="offsetitem")

schema_view = get_schema_view(
    title="JSON:API test service", version="1.0",
    generator_class=SchemaGenerator, renderer_classes=[JSONOpenAPIRenderer],
    patterns=[path("api/", include(router.urls))])

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/openapi.json", schema_view, name="openapi"),
]
