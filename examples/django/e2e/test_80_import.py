"""IMPORT FOREIGN SCHEMA from each service's live OpenAPI document
(services mode): drf-spectacular's /api/schema/ of the catalog service and
FastAPI's /openapi.json of the reviews service.  The imported tables must
read the same rows as the services' own databases hold."""

import pytest
from django.db import connection

from conftest import SERVICES, service_rows

services_only = pytest.mark.skipif(not SERVICES, reason="services mode only")


def import_schema(schema, server, spec_url):
    """Import a service's collections into a fresh schema; their names."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        cursor.execute(f"CREATE SCHEMA {schema}")
        cursor.execute(
            f"IMPORT FOREIGN SCHEMA openapi FROM SERVER {server} INTO {schema} "
            "OPTIONS (spec_url %s)",
            [spec_url],
        )
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_foreign_table f ON f.ftrelid = c.oid "
            "WHERE c.relnamespace = %s::regnamespace ORDER BY 1",
            [schema],
        )
        return [name for (name,) in cursor.fetchall()]


def imported_ids(schema, table):
    """The ids an imported table reads, in order."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {schema}.{table} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


@services_only
def test_import_from_drf_spectacular():
    tables = import_schema("imported_catalog", "catalog", "schema/?format=json")
    assert {"authors", "books"} <= set(tables), tables
    assert imported_ids("imported_catalog", "books") == [r["id"] for r in service_rows("book")]
    assert imported_ids("imported_catalog", "authors") == [r["id"] for r in service_rows("author")]


@services_only
def test_import_from_fastapi():
    tables = import_schema("imported_reviews", "reviews", "../openapi.json")
    assert "reviews" in tables, tables
    assert imported_ids("imported_reviews", "reviews") == [r["id"] for r in service_rows("review")]
