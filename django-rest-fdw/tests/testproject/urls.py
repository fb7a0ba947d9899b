"""The service of the tests: svcapp's models through the kit."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from rest_fdw_django.kit import service_viewset
from svcapp.models import Author, Book, Booking, Place, Restaurant
from testproject import web


router = DefaultRouter()
router.register("authors", service_viewset(Author))
router.register("books", service_viewset(Book))
router.register("places", service_viewset(Place))
router.register("restaurants", service_viewset(Restaurant))
router.register("bookings", service_viewset(Booking))

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view()),
    path("api/", include(router.urls)),
    path("web/books/", web.books),
    path("web/fails/", web.fails),
]
