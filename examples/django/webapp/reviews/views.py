"""Views of the reviews app (function-based and class-based).

Reviews belong to the reviews service and books to the catalog service, so
in services mode most pages here read from both.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import DeleteView, ListView, UpdateView

from catalog.models import Book

from .forms import ReviewForm
from .models import Review


class ReviewListView(ListView):
    """All reviews, newest first, optionally only those rated at least N."""

    model = Review
    paginate_by = 5

    def get_queryset(self):
        reviews = Review.objects.select_related("book")
        min_rating = self.request.GET.get("min_rating", "")
        if min_rating.isdigit():
            reviews = reviews.filter(rating__gte=int(min_rating))
        return reviews

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["min_rating"] = self.request.GET.get("min_rating", "")
        return context


def review_detail(request, pk):
    review = get_object_or_404(Review.objects.select_related("book__author"), pk=pk)
    return render(request, "reviews/review_detail.html", {"review": review})


def review_create(request):
    """New review; ?book=<id> preselects the book (from a book's page)."""
    initial = {}
    book_id = request.GET.get("book", "")
    if book_id.isdigit():
        initial["book"] = get_object_or_404(Book, pk=book_id)
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        review = form.save()
        messages.success(request, "Thank you for your review.")
        return redirect(review.book)
    return render(request, "reviews/review_form.html", {"form": form})


class ReviewUpdateView(UpdateView):
    model = Review
    form_class = ReviewForm

    def form_valid(self, form):
        messages.success(self.request, "Review saved.")
        return super().form_valid(form)


class ReviewDeleteView(DeleteView):
    model = Review

    def get_success_url(self):
        return self.object.book.get_absolute_url()

    def form_valid(self, form):
        messages.success(self.request, "Review deleted.")
        return super().form_valid(form)
