"""Routes: the token endpoint, the API, the control endpoints."""

from django.urls import path
from oauth2_provider.views import TokenView

from authsvc import views

urlpatterns = [
    path("o/token/", TokenView.as_view()),
    path("api/books/", views.Books.as_view()),
    path("api/books/<int:pk>/", views.Book.as_view()),
    path("_log", views.control_log),
    path("_tokens", views.control_tokens),
    path("_revoke", views.control_revoke),
]
