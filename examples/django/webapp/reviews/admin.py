"""Admin of the reviews app; its changelist joins reviews to catalog books."""

from django.contrib import admin

from .models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["id", "book", "reviewer", "rating", "created"]
    list_filter = ["rating"]
    search_fields = ["reviewer", "body", "book__title"]
    list_select_related = ["book"]
    list_per_page = 5
