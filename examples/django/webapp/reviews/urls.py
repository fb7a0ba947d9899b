"""URLs of the reviews app."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ReviewListView.as_view(), name="review-list"),
    path("new/", views.review_create, name="review-create"),
    path("<int:pk>/", views.review_detail, name="review-detail"),
    path("<int:pk>/edit/", views.ReviewUpdateView.as_view(), name="review-update"),
    path("<int:pk>/delete/", views.ReviewDeleteView.as_view(), name="review-delete"),
]
