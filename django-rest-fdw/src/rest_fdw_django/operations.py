"""Migration operations that move a model's table into a REST service and back.

    from rest_fdw_django.operations import MoveToService

    class Migration(migrations.Migration):
        dependencies = [("catalog", "0001_initial")]
        operations = [
            MoveToService("catalog", "Author", resource="authors/"),
            MoveToService("catalog", "Book", resource="books/"),
        ]

MoveToService reads the service's OpenAPI document through rest_fdw's
IMPORT FOREIGN SCHEMA (openapi.py), refuses the move if the service does
not declare every column with a matching type (plan.py), creates the
server and user mapping of REST_FDW_SERVICES[service] if needed, and calls
rest_fdw.move_table() with the filters, ordering fields and pagination the
document declares: the local table is kept as <table>_before_rest, a
foreign table takes its name and every row is POSTed to the service; then
move_table analyzes the foreign table (the planner's row count and column
statistics; autovacuum never does it for foreign tables), unless
analyze=False.

Backwards (and MoveBackFromService forwards) rest_fdw.move_table_back()
copies the service's rows into the kept table, gives it its name back and
moves its sequence past the largest key; then the foreign keys the models
declare between this table and other local tables are created again (the
move dropped those that pointed at it), and the server is dropped once no
foreign table uses it.

Neither changes the migration state (the model stays as it is), so
makemigrations never writes or undoes them; `manage.py sqlmigrate app 0002`
(and `--backwards`) prints the SQL without running it, the token replaced
by a placeholder.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations

from . import conf
from .openapi import read_collections
from .plan import local_columns, local_not_null, move_plan
from .sql import drop_unused_server_sql, quote_literal, server_sql, text_array


class MoveToService(migrations.operations.base.Operation):
    """Move model `model_name`'s table into `resource` of REST_FDW_SERVICES[service]."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, service, model_name, resource, fields=None, options=None, check=True,
                 analyze=True):
        self.service = service
        self.model_name = model_name
        self.resource = resource
        self.fields = dict(fields or {})
        self.options = {str(k): conf.option_value(v) for k, v in (options or {}).items()}
        self.check = check
        self.analyze = bool(analyze)

    def deconstruct(self):
        kwargs = {"service": self.service, "model_name": self.model_name, "resource": self.resource}
        if self.fields:
            kwargs["fields"] = self.fields
        if self.options:
            kwargs["options"] = self.options
        if not self.check:
            kwargs["check"] = False
        if not self.analyze:
            kwargs["analyze"] = False
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        pass  # the model is unchanged: only where its rows live changes

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            move_to_service(schema_editor, model, self)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            move_back(schema_editor, to_state.apps, model, conf.service(self.service))

    def describe(self):
        return f"Move {self.model_name} into service {self.service} ({self.resource})"

    @property
    def migration_name_fragment(self):
        return f"move_{self.model_name.lower()}_to_{self.service}"


class MoveBackFromService(MoveToService):
    """The reverse: a model's table comes back from the service; reversing
    this operation moves it there again (so it takes the same arguments)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Move {self.model_name} back from service {self.service} ({self.resource})"

    @property
    def migration_name_fragment(self):
        return f"move_{self.model_name.lower()}_back_from_{self.service}"


def move_to_service(schema_editor, model, operation):
    """Create the service's server if needed and move the model's table."""
    connection = schema_editor.connection
    service = conf.service(operation.service)
    if not service.url:
        raise ImproperlyConfigured(
            f"REST_FDW_SERVICES[{service.name!r}]['url'] is empty: set it to the service's "
            "API root before migrating"
        )
    collections = read_collections(connection, service)
    collection = collections.get(operation.resource)
    if collection is None:
        raise ImproperlyConfigured(
            f"the OpenAPI document of service {service.name!r} has no collection "
            f"{operation.resource!r}; it has: {', '.join(sorted(collections)) or 'none'}"
        )
    table = model._meta.db_table
    plan = move_plan(
        service, collection, table, local_columns(connection, table),
        fields=operation.fields, options=operation.options, check=operation.check,
        not_null=local_not_null(connection, table),
    )
    run_server_sql(schema_editor, service)
    if schema_editor.collect_sql and plan.dropped:
        schema_editor.collected_sql.append(
            f"-- declared by the service for no column of {table}: {', '.join(plan.dropped)}"
        )
    # move_table analyzes the new foreign table by default (extension 1.2);
    # the argument is only sent to skip it, so that a move without it also
    # runs on older versions of the extension
    skip_analyze = "" if operation.analyze else ", analyze_table => false"
    schema_editor.execute(
        f"SELECT rest_fdw.move_table({quote_literal(connection.ops.quote_name(table))}::regclass, "
        f"{quote_literal(plan.server)}, {quote_literal(plan.resource)}, "
        f"table_options => {text_array(plan.option_strings())}, "
        f"fields => {text_array(plan.field_strings())}{skip_analyze})"
    )
    for column in plan.not_null:
        schema_editor.execute(
            f"ALTER FOREIGN TABLE {connection.ops.quote_name(table)} "
            f"ALTER COLUMN {connection.ops.quote_name(column)} SET NOT NULL"
        )


def run_server_sql(schema_editor, service):
    """The server and user mapping statements; the user mapping (which
    holds the token) bypasses Django's SQL logging, and is printed with a
    placeholder instead of the token by sqlmigrate."""
    statements = server_sql(schema_editor.connection, service)
    for statement in statements[:-1]:
        schema_editor.execute(statement)
    if schema_editor.collect_sql:
        shown = server_sql(schema_editor.connection, service, show_token=False)[-1]
        schema_editor.collected_sql.append(shown + ";")
    else:
        with schema_editor.connection.cursor() as cursor:
            cursor.cursor.execute(statements[-1])


def move_back(schema_editor, apps, model, service):
    """Move the model's table back from its service, recreate the foreign
    keys between it and local tables, drop the server once unused."""
    connection = schema_editor.connection
    table = model._meta.db_table
    schema_editor.execute(
        f"SELECT rest_fdw.move_table_back({quote_literal(connection.ops.quote_name(table))}::regclass)"
    )
    # sqlmigrate runs nothing: remember which tables are local again by now
    moved_back = getattr(schema_editor, "rest_fdw_moved_back", set())
    schema_editor.rest_fdw_moved_back = moved_back | {table}
    for statement in foreign_key_statements(schema_editor, apps, model):
        schema_editor.execute(statement)
    schema_editor.execute(drop_unused_server_sql(service.server))


def foreign_key_statements(schema_editor, apps, moved):
    """Django's ADD CONSTRAINT statements for the foreign keys with a
    database constraint from or to the `moved` model (local again) whose
    other side is a local table and that do not exist."""
    connection = schema_editor.connection
    label = moved._meta.label_lower
    statements = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            for field in model._meta.local_fields:
                if field.remote_field is None or not field.db_constraint:
                    continue
                target = field.remote_field.model
                if label not in (model._meta.label_lower, target._meta.label_lower):
                    continue
                others = {m._meta.db_table for m in (model, target)} - {moved._meta.db_table}
                if not all(t in schema_editor.rest_fdw_moved_back or _is_local_table(cursor, t)
                           for t in others):
                    continue
                if _has_foreign_key(connection, cursor, model._meta.db_table, field.column):
                    continue
                statements.append(
                    str(schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s"))
                )
    return statements


def _is_local_table(cursor, table):
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(quote_ident(%s))", [table])
    row = cursor.fetchone()
    return row is not None and row[0] in ("r", "p")


def _has_foreign_key(connection, cursor, table, column):
    if not _is_local_table(cursor, table):
        return False
    constraints = connection.introspection.get_constraints(cursor, table).values()
    return any(c["foreign_key"] and c["columns"] == [column] for c in constraints)

