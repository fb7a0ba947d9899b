"""The admin of the monolith's models (rest_fdw_check reads it)."""

from django.contrib import admin

from .models import Author, Book


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "born"]
    search_fields = ["name"]


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "price"]
    list_filter = ["in_stock", "published"]
    search_fields = ["title"]
