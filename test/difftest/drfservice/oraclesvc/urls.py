"""Routes of the differential test's service."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .views import ItemViewSet, PagedItemViewSet

router = DefaultRouter()
router.register("items", ItemViewSet, basename="items")
router.register("pitems", PagedItemViewSet, basename="pitems")

urlpatterns = [path("api/", include(router.urls))]
