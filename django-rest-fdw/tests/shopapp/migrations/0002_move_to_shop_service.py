from django.db import migrations

from rest_fdw_django.operations import MoveToService


class Migration(migrations.Migration):
    dependencies = [("shopapp", "0001_initial")]

    operations = [
        MoveToService("shop", "Author", resource="authors/"),
        MoveToService("shop", "Book", resource="books/"),
    ]
