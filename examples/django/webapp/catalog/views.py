"""Views of the catalog app.

A mix of function-based and class-based views, as a real monolith has.
They use the ORM only; in services mode every query below becomes HTTP
requests to the catalog (and reviews) services through rest_fdw.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Avg, Count, ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView

from reviews.models import Review

from .forms import AuthorForm, BookFilterForm, BookForm
from .models import Author, Book

PAGE_SIZE = 5


def home(request):
    """Landing page with a few counts from both domains."""
    context = {
        "book_count": Book.objects.count(),
        "author_count": Author.objects.count(),
        "review_count": Review.objects.count(),
        "latest_reviews": Review.objects.select_related("book")[:3],
    }
    return render(request, "catalog/home.html", context)


# Books -------------------------------------------------------------------


def book_list(request):
    """Books with filters (author, in stock), title search, ordering, pages."""
    form = BookFilterForm(request.GET or None)
    books = form.filter(Book.objects.select_related("author"))
    page = Paginator(books, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/book_list.html",
        {"form": form, "page_obj": page, "query": query.urlencode()},
    )


class BookDetailView(DetailView):
    """One book with its reviews: the page that crosses both services."""

    model = Book
    queryset = Book.objects.select_related("author")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = self.object.reviews.all()
        context["reviews"] = reviews
        context["rating"] = reviews.aggregate(average=Avg("rating"), count=Count("id"))
        return context


class BookCreateView(CreateView):
    model = Book
    form_class = BookForm

    def form_valid(self, form):
        messages.success(self.request, "Book created.")
        return super().form_valid(form)


class BookUpdateView(UpdateView):
    model = Book
    form_class = BookForm

    def form_valid(self, form):
        messages.success(self.request, "Book saved.")
        return super().form_valid(form)


class BookDeleteView(DeleteView):
    """Asks for confirmation; deleting a book also deletes its reviews."""

    model = Book
    success_url = reverse_lazy("book-list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["review_count"] = self.object.reviews.count()
        return context

    def form_valid(self, form):
        messages.success(self.request, f"Book “{self.object}” deleted.")
        return super().form_valid(form)


# Authors -----------------------------------------------------------------


class AuthorListView(ListView):
    model = Author
    paginate_by = PAGE_SIZE
    queryset = Author.objects.annotate(book_count=Count("books")).order_by("name", "id")


def author_detail(request, pk):
    author = get_object_or_404(Author, pk=pk)
    books = author.books.order_by("published", "id")
    return render(request, "catalog/author_detail.html", {"author": author, "books": books})


def author_edit(request, pk=None):
    """Create (no pk) or edit an author with a plain function view."""
    author = get_object_or_404(Author, pk=pk) if pk else None
    form = AuthorForm(request.POST or None, instance=author)
    if request.method == "POST" and form.is_valid():
        author = form.save()
        messages.success(request, "Author saved.")
        return redirect(author)
    return render(request, "catalog/author_form.html", {"form": form, "author": author})


def author_delete(request, pk):
    """Confirmation page; an author who still has books cannot be deleted."""
    author = get_object_or_404(Author, pk=pk)
    if request.method == "POST":
        try:
            author.delete()
        except ProtectedError:
            messages.error(request, f"“{author}” still has books and was not deleted.")
            return redirect(author)
        messages.success(request, f"Author “{author}” deleted.")
        return redirect("author-list")
    context = {"author": author, "book_count": author.books.count()}
    return render(request, "catalog/author_confirm_delete.html", context)
