"""A Django REST framework service for rest_fdw, from a model, in a few lines.

    # urls.py of the service
    from rest_framework.routers import DefaultRouter
    from rest_fdw_django.kit import service_viewset
    from .models import Author, Book

    router = DefaultRouter()
    router.register("authors", service_viewset(Author))
    router.register("books", service_viewset(Book))

Each viewset serves what rest_fdw sends and needs (see the package README):

* JSON member names equal to the columns' (a foreign key `author` is
  `author_id`), so a moved table's columns map to members one to one;
* a client-supplied `id` accepted on create (409 when taken, the sequence
  moved past it, never back), which rest_fdw.move_table needs to copy rows
  and its undo to re-create a deleted row;
* django-filter lookups for every column, named after it: exact, in, the
  comparisons, isnull, and the text lookups rest_fdw sends;
* `?ordering=` on every column, declared as an enum in the OpenAPI document
  (drf-spectacular) so that IMPORT FOREIGN SCHEMA reads it;
* limit/offset pagination with a large max_limit;
* a read path (list and retrieve) that skips DRF's serializers: values()
  and a compact JSON encoder give the same JSON, several times faster.

Needs djangorestframework, django-filter and drf-spectacular
(pip install "django-rest-fdw[kit]"), with "rest_framework",
"django_filters" and "drf_spectacular" in INSTALLED_APPS and
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "drf_spectacular.openapi.AutoSchema".
"""

# Imported on first use (PEP 562), so that REST_FRAMEWORK settings may name
# rest_fdw_django.kit.pagination.ServicePagination without an import cycle
# (rest_framework.generics reads DEFAULT_PAGINATION_CLASS while importing).
_WHERE = {
    "Conflict": "serializers",
    "JSONRenderer": "rendering",
    "OrderingFilter": "filters",
    "ServicePagination": "pagination",
    "ServiceViewSet": "views",
    "filterset_for": "filters",
    "serializer_for": "serializers",
    "service_viewset": "views",
}

__all__ = sorted(_WHERE)


def __getattr__(name):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
