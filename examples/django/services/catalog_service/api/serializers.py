"""Serializers of the catalog service.

Both accept an optional client-supplied id on create (rest_fdw.move_table
POSTs every existing row with its id): a taken id is a 409 Conflict, and
after an explicit id the table's sequence is moved past it, as Django's
loaddata does.  Decimals are strings (DRF's default), dates ISO 8601.
"""

from django.core.management.color import no_style
from django.db import connection
from rest_framework import serializers, status
from rest_framework.exceptions import APIException

from .models import Author, Book


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "An object with this id already exists."
    default_code = "conflict"


class ClientIdSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, min_value=1)

    def validate_id(self, value):
        if self.instance is not None:
            if value != self.instance.pk:
                raise serializers.ValidationError("The id cannot be changed.")
        elif self.Meta.model.objects.filter(pk=value).exists():
            raise Conflict()
        return value

    def create(self, validated_data):
        obj = super().create(validated_data)
        if "id" in validated_data:
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [self.Meta.model]):
                    cursor.execute(sql)
        return obj


class AuthorSerializer(ClientIdSerializer):
    class Meta:
        model = Author
        fields = ["id", "name", "country", "born"]


class BookSerializer(ClientIdSerializer):
    # The webapp's column is author_id, so that is the JSON member's name.
    author_id = serializers.PrimaryKeyRelatedField(source="author", queryset=Author.objects.all())

    class Meta:
        model = Book
        fields = ["id", "title", "author_id", "price", "published", "in_stock", "pages"]
