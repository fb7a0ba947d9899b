"""REST_FDW_SERVICES, the backend, the test support."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

import helpers
from rest_fdw_django import conf
from rest_fdw_django.sql import server_sql
from rest_fdw_django.testing import ResetServicesMixin, reset_services


def test_service_defaults():
    service = conf.service("shop")
    assert service.server == "shop" and service.dialect == "drf"
    assert service.openapi == "schema/?format=json"
    assert service.options == {"collation_matches": "true"}
    assert service.server_options == {}


def test_server_options_go_into_create_server():
    entry = {"url": "http://127.0.0.1:1/api/", "context_headers": "X-User-Id=user",
             "server_options": {"undo": True, "timeout": 5}}
    with override_settings(REST_FDW_SERVICES={"svc": entry}):
        service = conf.service("svc")
    assert service.server_options == {"undo": "true", "timeout": "5"}
    [create] = [s for s in server_sql(connection, service) if s.startswith("CREATE SERVER")]
    assert create == (
        'CREATE SERVER IF NOT EXISTS "svc" FOREIGN DATA WRAPPER rest_fdw OPTIONS ('
        "base_url 'http://127.0.0.1:1/api/', dialect 'drf', context_headers 'X-User-Id=user', "
        "undo 'true', timeout '5')"
    )


@pytest.mark.parametrize("entry, message", [
    ({"url": "x", "colour": 1}, "unknown keys: colour"),
    ({"url": "x", "dialect": "soap"}, "must be one of"),
    ({"url": "x", "options": []}, "must be a dict"),
    ({"url": "x", "server_options": "undo"}, "'server_options'\\] must be a dict"),
    ({"url": "x", "server_options": {"base_url": "y"}}, "cannot set base_url"),
])
def test_service_errors(entry, message):
    with override_settings(REST_FDW_SERVICES={"bad": entry}):
        with pytest.raises(ImproperlyConfigured, match=message):
            conf.service("bad")
    with pytest.raises(ImproperlyConfigured, match="no service 'nope'; it names: shop"):
        conf.service("nope")


def test_backend_groups_by_every_column(live_db):
    from django.db.models import Count

    from shopapp.models import Author

    sql = str(Author.objects.annotate(n=Count("books")).query)
    assert 'GROUP BY "shopapp_author"."id", "shopapp_author"."name", "shopapp_author"."born"' in sql
    assert connection.vendor == "postgresql"


def test_reset_services_and_the_fixture(live_db, rest_fdw_services):
    assert rest_fdw_services == ["shop"]
    helpers.RESET_CALLS.clear()
    assert reset_services(["other"]) == [] and helpers.RESET_CALLS == []
    assert reset_services() == ["shop"] and helpers.RESET_CALLS == ["shop"]


def test_reset_services_mixin(live_db):
    class Base:
        def setUp(self):
            self.base = True

    class Case(ResetServicesMixin, Base):
        pass

    helpers.RESET_CALLS.clear()
    case = Case()
    case.setUp()
    assert case.base and helpers.RESET_CALLS == ["shop"]
