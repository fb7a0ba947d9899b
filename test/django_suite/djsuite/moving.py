"""Service mode: every table of the test apps moves into the service, with
the package's own planning (rest_fdw_django.plan: the filters, ordering
and pagination the service's OpenAPI document declares) and
rest_fdw.move_table(), right after Django created the test database."""

from django.apps import apps
from django.db import DatabaseError, connections, transaction

from rest_fdw_django import conf
from rest_fdw_django.openapi import read_collections
from rest_fdw_django.plan import MoveRefused, local_columns, move_plan
from rest_fdw_django.sql import quote_literal, server_sql, text_array

from .modules import models_of, modules


def move_all(alias="default", service_name="suite"):
    """Move every test app table of database `alias` into the service;
    returns ({table: why} of the tables that stay local, {table: why} of
    those moved without the package's type check)."""
    connection = connections[alias]
    service = conf.service(service_name)
    collections = read_collections(connection, service)
    with connection.cursor() as cursor:
        for statement in server_sql(connection, service):
            cursor.cursor.execute(statement)
    kept, unchecked = {}, {}
    for model in models_of(apps, modules()):
        table = model._meta.db_table
        collection = collections.get(f"{table}/")
        if collection is None:
            kept[table] = "the service has no such collection"
            continue
        try:
            try:
                with transaction.atomic(using=alias):
                    move_one(connection, service, collection, model)
            except MoveRefused as refused:
                # a type the document declares in a way rest_fdw's import
                # reads as another kind (e.g. a nullable, blank SlugField's
                # oneOf of two strings, read as jsonb): the local types
                # stay the foreign table's; the tests tell whether values
                # survive
                with transaction.atomic(using=alias):
                    move_one(connection, service, collection, model, check=False)
                unchecked[table] = str(refused).split(": ", 1)[1].split(". Fix")[0]
        except DatabaseError as error:
            kept[table] = str(error).strip().splitlines()[0]
    return kept, unchecked


def move_one(connection, service, collection, model, check=True):
    """rest_fdw.move_table() of one (empty) table, dropping the local one."""
    table = model._meta.db_table
    # the kit names members after the fields' attnames, not their db_column
    fields = {f.column: f.attname for f in model._meta.concrete_fields if f.column != f.attname}
    plan = move_plan(service, collection, table, local_columns(connection, table),
                     fields=fields, check=check)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rest_fdw.move_table({quote_literal(connection.ops.quote_name(table))}::regclass, "
            f"{quote_literal(plan.server)}, {quote_literal(plan.resource)}, drop_local => true, "
            f"table_options => {text_array(plan.option_strings())}, "
            f"fields => {text_array(plan.field_strings())})"
        )
