"""What a service's OpenAPI document declares, read by rest_fdw itself.

rest_fdw's IMPORT FOREIGN SCHEMA maps an OpenAPI document to foreign tables:
column types and nullability from the row schema, the filters, ordering
fields and pagination the list operation declares.  Rather than parse the
document a second time here, read_collections() runs that import into a
throwaway schema, through a throwaway server, inside a savepoint, reads the
tables it made from pg_catalog, and rolls the savepoint back: the database
is left as it was, and the extension remains the one source of truth.
"""

from dataclasses import dataclass, field, replace

from django.db import DatabaseError, transaction
from django.utils.functional import cached_property

from .sql import quote_literal, server_sql

PROBE = "rest_fdw_django_probe"


class ServiceDocumentError(Exception):
    """The service's OpenAPI document could not be read or imported."""


@dataclass(frozen=True)
class Column:
    """A column of an imported table: its name, JSON member, type."""

    name: str
    member: str
    type: str
    not_null: bool


@dataclass
class Collection:
    """A collection of the service, as IMPORT FOREIGN SCHEMA maps it."""

    name: str
    resource: str
    options: dict
    columns: list = field(default_factory=list)

    @cached_property
    def by_member(self):
        return {c.member: c for c in self.columns}

    def declared(self, option):
        """The comma-separated entries of a table option, as a list."""
        return [v.strip() for v in self.options.get(option, "").split(",") if v.strip()]


def read_collections(connection, service):
    """Every collection of `service`'s OpenAPI document, by resource."""
    probe = replace(service, server=PROBE)
    qn = connection.ops.quote_name
    try:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                for statement in server_sql(connection, probe):
                    cursor.cursor.execute(statement)  # not logged: holds the token
                cursor.execute(f"CREATE SCHEMA {qn(PROBE)}")
                cursor.execute(
                    f"IMPORT FOREIGN SCHEMA openapi FROM SERVER {qn(PROBE)} INTO {qn(PROBE)} "
                    f"OPTIONS (spec_url {quote_literal(service.openapi)})"
                )
                collections = _imported(cursor)
            transaction.set_rollback(True, using=connection.alias)
    except DatabaseError as error:
        raise ServiceDocumentError(
            f"cannot read the OpenAPI document {service.openapi!r} of service "
            f"{service.name!r} ({service.url}): {error}".strip()
        ) from error
    return {c.resource: c for c in collections}


def _imported(cursor):
    cursor.execute(
        "SELECT c.oid, c.relname, t.ftoptions FROM pg_foreign_table t "
        "JOIN pg_class c ON c.oid = t.ftrelid WHERE c.relnamespace = %s::regnamespace "
        "ORDER BY c.relname",
        [PROBE],
    )
    collections = []
    for oid, name, options in cursor.fetchall():
        options = _options(options)
        collection = Collection(name=name, resource=options.pop("resource", name), options=options)
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull, attfdwoptions "
            "FROM pg_attribute WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped "
            "ORDER BY attnum",
            [oid],
        )
        for column, typ, not_null, column_options in cursor.fetchall():
            member = _options(column_options).get("field", column)
            collection.columns.append(Column(column, member, typ, not_null))
        collections.append(collection)
    return collections


def _options(entries):
    """pg_catalog's option arrays ('name=value' strings) as a dict."""
    return dict(entry.split("=", 1) for entry in entries or [])
