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
    returns {table: why} for the tables that stay local."""
    connection = connections[alias]
    service = conf.service(service_name)
    collections = read_collections(connection, service)
    with connection.cursor() as cursor:
        for statement in server_sql(connection, service):
            cursor.cursor.execute(statement)
    kept = {}
    for model in models_of(apps, modules()):
        table = model._meta.db_table
        collection = collections.get(f"{table}/")
        if collection is None:
            kept[table] = "the service has no such collection"
            continue
        try:
            with transaction.atomic(using=alias):
                move_one(connection, service, collection, table)
        except (MoveRefused, DatabaseError) as error:
            kept[table] = str(error).strip().splitlines()[0]
    return kept


def move_one(connection, service, collection, table):
    """rest_fdw.move_table() of one (empty) table, dropping the local one."""
    plan = move_plan(service, collection, table, local_columns(connection, table))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rest_fdw.move_table({quote_literal(connection.ops.quote_name(table))}::regclass, "
            f"{quote_literal(plan.server)}, {quote_literal(plan.resource)}, drop_local => true, "
            f"table_options => {text_array(plan.option_strings())}, "
            f"fields => {text_array(plan.field_strings())})"
        )
