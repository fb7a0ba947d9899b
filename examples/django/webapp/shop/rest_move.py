"""Helpers for the migrations that move tables into REST services.

Used by catalog/migrations/0002_move_to_catalog_service.py and
reviews/migrations/0002_move_to_reviews_service.py.

Forwards, a migration creates a rest_fdw server and a user mapping for its
service and calls rest_fdw.move_table() for each table: the local table is
renamed to <table>_before_rest, a foreign table with the same name and
columns takes its place, every row is POSTed to the service, and foreign
keys that referenced the table are dropped (a foreign table cannot be
referenced).

Backwards, rest_fdw.move_table_back() copies the service's rows into the
kept local table and gives it its name back; this module then moves the id
sequence past the largest id and recreates the foreign keys Django's models
declare, which move_table had dropped.
"""

from django.conf import settings


def _text_array(schema_editor, values):
    if not values:
        return "'{}'::text[]"
    return "ARRAY[" + ", ".join(schema_editor.quote_value(v) for v in values) + "]::text[]"


def move_to_service(schema_editor, server, service, tables):
    """Create SERVER `server` for settings.REST_SERVICES[service] and move
    `tables`, a list of (table, resource, table_options) in that order."""
    config = settings.REST_SERVICES[service]
    if not config["url"]:
        raise RuntimeError(
            f"settings.REST_SERVICES[{service!r}]['url'] is empty: set "
            f"{service.upper()}_SERVICE_URL to the service's /api/ URL before migrating"
        )
    quote = schema_editor.quote_value
    run = schema_editor.execute
    run("CREATE EXTENSION IF NOT EXISTS rest_fdw")
    run(
        f"CREATE SERVER {server} FOREIGN DATA WRAPPER rest_fdw "
        f"OPTIONS (base_url {quote(config['url'])}, dialect 'drf')"
    )
    if config["token"]:
        run(
            f"CREATE USER MAPPING FOR CURRENT_USER SERVER {server} "
            f"OPTIONS (bearer_token {quote(config['token'])})"
        )
    else:
        run(f"CREATE USER MAPPING FOR CURRENT_USER SERVER {server}")
    for table, resource, options in tables:
        run(
            f"SELECT rest_fdw.move_table({quote(table)}::regclass, {quote(server)}, "
            f"{quote(resource)}, table_options => {_text_array(schema_editor, options)})"
        )


def move_back(schema_editor, apps, server, models):
    """Reverse of move_to_service for `models` (historical models), then
    drop the server."""
    run = schema_editor.execute
    quote = schema_editor.quote_value
    quote_name = schema_editor.quote_name
    for model in models:
        table = model._meta.db_table
        pk = model._meta.pk.column
        run(f"SELECT rest_fdw.move_table_back({quote(table)}::regclass)")
        run(
            f"SELECT setval(pg_get_serial_sequence({quote(table)}, {quote(pk)}), "
            f"coalesce(max({quote_name(pk)}), 0) + 1, false) FROM {quote_name(table)}"
        )
    _restore_foreign_keys(schema_editor, apps, models)
    run(f"DROP SERVER {server} CASCADE")


def _restore_foreign_keys(schema_editor, apps, moved):
    """Recreate the database constraints of foreign keys that point at a
    moved model, from tables that are local again, unless they exist."""
    connection = schema_editor.connection
    moved_labels = {m._meta.label_lower for m in moved}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
            row = cursor.fetchone()
            if row is None or row[0] != "r":
                continue
            existing = {
                tuple(c["columns"])
                for c in connection.introspection.get_constraints(cursor, table).values()
                if c["foreign_key"]
            }
            for field in model._meta.local_fields:
                if (
                    field.remote_field is not None
                    and field.db_constraint
                    and field.remote_field.model._meta.label_lower in moved_labels
                    and (field.column,) not in existing
                ):
                    # the statement Django itself uses to add a foreign key
                    schema_editor.execute(
                        schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
                    )
