"""URLs of the catalog service: the API (django-rest-fdw's service kit: a
viewset per model, its filters, ordering and pages made from the model),
its OpenAPI schema, and /_stats."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api import stats
from api.models import Author, Book
from rest_fdw_django.kit import service_viewset

router = DefaultRouter()
router.register("authors", service_viewset(Author))
router.register("books", service_viewset(Book))

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/", include(router.urls)),
    path("_stats", stats.stats_view),
]
