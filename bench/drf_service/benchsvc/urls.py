"""Routes: /api/ (plain DRF) and /dyn/ (dynamic-rest)."""
from django.urls import include, path
from dynamic_rest.routers import DynamicRouter
from rest_framework.routers import DefaultRouter

from .api import ItemDynamicViewSet, ItemViewSet

plain = DefaultRouter()
plain.register("items", ItemViewSet)
dynamic = DynamicRouter()
dynamic.register("items", ItemDynamicViewSet)

urlpatterns = [
    path("api/", include(plain.urls)),
    path("dyn/", include(dynamic.urls)),
]
