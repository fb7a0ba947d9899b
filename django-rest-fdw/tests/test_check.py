"""manage.py rest_fdw_check on moved models, intact and broken."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rest_fdw_django.checking import ERROR, WARNING, check_models


def messages(level, model="shopapp.Book"):
    return [f.message for f in check_models() if f.level == level and f.model == model]


def test_a_moved_kit_service_has_no_errors(moved):
    assert messages(ERROR) == [] and messages(ERROR, "shopapp.Author") == []
    out = io.StringIO()
    call_command("rest_fdw_check", stdout=out)
    assert "0 errors" in out.getvalue()


def test_the_cost_of_what_the_service_does_not_offer(moved):
    with pytest.MonkeyPatch.context() as mp:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ALTER FOREIGN TABLE shopapp_author OPTIONS "
                           "(SET ordering 'id', SET filters 'id,id__in')")
        found = messages(WARNING, "shopapp.Author")
        mp.undo()
    assert "ordering by name (Meta.ordering) is done locally: every page reads the whole " \
           "collection" in found
    assert any(m.startswith("filter name__icontains (admin search_fields name) is not offered")
               for m in found), found


def test_a_broken_field_is_reported(moved, monkeypatch):
    from testproject import urls

    serializer = urls.router.registry[1][1].serializer_class
    monkeypatch.setattr(serializer.Meta, "fields",
                        [f for f in serializer.Meta.fields if f != "published"])
    monkeypatch.delattr(urls.router.registry[1][1], "_read_columns", raising=False)
    errors = messages(ERROR)
    assert any(m.startswith("field published: the service's document has no member 'published'")
               for m in errors), errors
    assert any(m.startswith("field published: the service's answers have no member 'published'")
               for m in errors), errors
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rest_fdw_check", stdout=out)
    assert "field published" in out.getvalue()


def test_a_type_mismatch_is_reported(moved, monkeypatch):
    from rest_framework import serializers

    from testproject import urls

    serializer = urls.router.registry[1][1].serializer_class
    monkeypatch.setitem(serializer._declared_fields, "price", serializers.CharField())
    errors = messages(ERROR)
    assert "field price: the service declares text, the table has numeric(8, 2)" in errors, errors
