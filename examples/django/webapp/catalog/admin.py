"""Admin of the catalog app.

Small pages (list_per_page = 5) so that the changelists have a page 2.
"""

from django.contrib import admin
from django.db.models import Count

from .models import Author, Book


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "born", "book_count"]
    list_filter = ["country"]
    search_fields = ["name"]
    list_per_page = 5

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(book_count=Count("books"))

    @admin.display(ordering="book_count", description="Books")
    def book_count(self, author):
        return author.book_count


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "price", "published", "in_stock"]
    list_filter = ["in_stock", "author", "published"]
    search_fields = ["title", "author__name"]
    list_select_related = ["author"]
    list_per_page = 5
    date_hierarchy = "published"
