"""What a move sends to rest_fdw.move_table, worked out from the service.

move_plan() matches a model's table with the service's collection (read
from its OpenAPI document, see openapi.py): every column must be a member
the service declares, with a type of the same kind; the filters, ordering
fields and pagination the service declares become the foreign table's
options, named after the local columns, and so do the optional
capabilities (fields=, distinct=, group_by=) when every column is a member
the service declares.
"""

from dataclasses import dataclass, field

from .column_types import mismatch

# options of an imported table that a moved table takes over
CARRIED_OPTIONS = ("filters", "ordering", "pagination", "page_size_param", "max_page_size")


class MoveRefused(Exception):
    """The service's document does not fit the table: moving would lose data."""


@dataclass
class MovePlan:
    """The arguments of rest_fdw.move_table for one table."""

    table: str
    server: str
    resource: str
    table_options: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    dropped: list = field(default_factory=list)  # declarations naming no local column
    not_null: list = field(default_factory=list)  # NOT NULL here and in every answer

    def option_strings(self):
        return [f"{name}={value}" for name, value in self.table_options.items()]

    def field_strings(self):
        return [f"{column}={member}" for column, member in self.fields.items()]


def local_columns(connection, table):
    """(column, format_type) of a local table, in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [connection.ops.quote_name(table)],
        )
        return cursor.fetchall()


def local_not_null(connection, table):
    """The NOT NULL columns of a local table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped AND attnotnull ORDER BY attnum",
            [connection.ops.quote_name(table)],
        )
        return [row[0] for row in cursor.fetchall()]


def move_plan(service, collection, table, columns, fields=None, options=None, check=True,
              not_null=()):
    """The plan to move `table` (its `columns`, from local_columns) into
    `collection` of `service`.  `fields` maps columns to JSON members where
    they differ; `options` adds or overrides table options.  Unless `check`
    is false, a column the service does not declare, or declares with
    another kind of type, refuses the move.  Of the `not_null` columns,
    those the service declares in every answer and never null stay NOT
    NULL on the foreign table (count(id) is then count(*) for the
    planner, which the service may compute per group)."""
    fields = dict(fields or {})
    member_of = {column: fields.get(column, column) for column, _ in columns}
    if check:
        _check_columns(service, collection, table, columns, member_of)
    column_of_member = {member: column for column, member in member_of.items()}
    column_of_imported = {
        c.name: column_of_member[c.member] for c in collection.columns if c.member in column_of_member
    }
    plan = MovePlan(table, service.server, collection.resource, fields=fields)
    declared = collection.by_member
    plan.not_null = [c for c in not_null
                     if member_of.get(c) in declared and declared[member_of[c]].not_null]
    for option in CARRIED_OPTIONS:
        if option not in collection.options:
            continue
        if option in ("filters", "ordering"):
            names = _rename(collection.declared(option), column_of_imported, plan.dropped)
            if names:
                plan.table_options[option] = ",".join(names)
        else:
            plan.table_options[option] = collection.options[option]
    # the capabilities name members: only when every column is one
    if "capabilities" in collection.options and all(
            member in collection.by_member for member in member_of.values()):
        plan.table_options["capabilities"] = collection.options["capabilities"]
    plan.table_options.update(service.options)
    plan.table_options.update(options or {})
    return plan


def _rename(declarations, column_of_imported, dropped):
    """Filters ("col", "col__lookup") or ordering fields renamed after the
    local columns; those naming no local column go to `dropped`."""
    renamed = []
    for declaration in declarations:
        name, sep, lookup = declaration.partition("__")
        if name in column_of_imported:
            renamed.append(column_of_imported[name] + sep + lookup)
        else:
            dropped.append(declaration)
    return renamed


def _check_columns(service, collection, table, columns, member_of):
    problems = []
    for column, local_type in columns:
        declared = collection.by_member.get(member_of[column])
        if declared is None:
            problems.append(
                f"column {column}: the service's rows have no member {member_of[column]!r} "
                "(its values would be lost)"
            )
            continue
        why = mismatch(local_type, declared.type)
        if why:
            problems.append(f"column {column}: {why}")
    if problems:
        raise MoveRefused(
            f"cannot move {table} into {service.name} {collection.resource}: "
            + "; ".join(problems)
            + ". Fix the service or the model, name members that differ with fields=, "
            "or pass check=False."
        )
