"""URL configuration of the shop webapp: the site, and the admin."""

from django.contrib import admin
from django.urls import include, path

from catalog import views as catalog_views

urlpatterns = [
    path("", catalog_views.home, name="home"),
    path("", include("catalog.urls")),
    path("reviews/", include("reviews.urls")),
    path("admin/", admin.site.urls),
]
