"""URLs of the catalog app: books and authors."""

from django.urls import path

from . import views

urlpatterns = [
    path("books/", views.book_list, name="book-list"),
    path("books/new/", views.BookCreateView.as_view(), name="book-create"),
    path("books/<int:pk>/", views.BookDetailView.as_view(), name="book-detail"),
    path("books/<int:pk>/edit/", views.BookUpdateView.as_view(), name="book-update"),
    path("books/<int:pk>/delete/", views.BookDeleteView.as_view(), name="book-delete"),
    path("authors/", views.AuthorListView.as_view(), name="author-list"),
    path("authors/new/", views.author_edit, name="author-create"),
    path("authors/<int:pk>/", views.author_detail, name="author-detail"),
    path("authors/<int:pk>/edit/", views.author_edit, name="author-update"),
    path("authors/<int:pk>/delete/", views.author_delete, name="author-delete"),
]
