"""Forms of the catalog app: model forms and the book list's filter form."""

from django import forms

from .models import Author, Book


class AuthorForm(forms.ModelForm):
    class Meta:
        model = Author
        fields = ["name", "country", "born"]
        widgets = {"born": forms.DateInput(attrs={"type": "date"})}


class BookForm(forms.ModelForm):
    class Meta:
        model = Book
        fields = ["title", "author", "price", "published", "in_stock", "pages"]
        widgets = {"published": forms.DateInput(attrs={"type": "date"})}


class BookFilterForm(forms.Form):
    """The GET form above the book list: filters, search and ordering."""

    ORDERINGS = [
        ("title", "Title (A-Z)"),
        ("-title", "Title (Z-A)"),
        ("price", "Price (low first)"),
        ("-price", "Price (high first)"),
        ("-published", "Newest first"),
        ("published", "Oldest first"),
    ]
    STOCK = [("", "Any"), ("yes", "In stock"), ("no", "Out of stock")]

    q = forms.CharField(label="Title contains", required=False)
    author = forms.ModelChoiceField(queryset=Author.objects.all(), required=False)
    in_stock = forms.ChoiceField(choices=STOCK, required=False)
    ordering = forms.ChoiceField(choices=ORDERINGS, required=False)

    def filter(self, queryset):
        """Apply the valid filters to a Book queryset."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(title__icontains=data["q"])
        if data["author"]:
            queryset = queryset.filter(author=data["author"])
        if data["in_stock"]:
            queryset = queryset.filter(in_stock=data["in_stock"] == "yes")
        if data["ordering"]:
            queryset = queryset.order_by(data["ordering"], "id")
        return queryset
