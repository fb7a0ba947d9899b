"""Django's PostgreSQL backend, with what rest_fdw foreign tables need.

GROUP BY every selected column: for Author.objects.annotate(Count("books"))
Django groups by the primary key alone and lets PostgreSQL infer the other
columns from the PRIMARY KEY constraint.  A foreign table has no such
constraint, so on a moved table the query fails with 'column
"catalog_author.name" must appear in the GROUP BY clause'.  Grouping by all
selected columns is what Django does on other databases; on local tables it
gives the same rows.

Flushing (TransactionTestCase between tests, `manage.py flush`): Django
truncates every table in one TRUNCATE inside a transaction.  rest_fdw
refuses TRUNCATE inside a transaction block on tables with option undo
(a TRUNCATE cannot be undone), so foreign tables are emptied by DELETE
instead, which rest_fdw can undo and sends as one DELETE per row; local
tables are truncated as before.

Everything else is Django's PostgreSQL backend, so a project can use this
ENGINE before, during and after its tables move.
"""

from django.db.backends.postgresql import base, features, operations


class DatabaseFeatures(features.DatabaseFeatures):
    """PostgreSQL's features, without inferring GROUP BY from primary keys."""

    def allows_group_by_selected_pks_on_model(self, model):
        return False


def referencing_first(tables):
    """`tables` ordered so that a model's table comes before the tables its
    foreign keys point to: the service may protect a referenced row (DRF
    kit: on_delete=PROTECT), where TRUNCATE ... CASCADE would not care.
    Tables of no model keep their order; a cycle keeps the rest in order."""
    from django.apps import apps

    references = {table: set() for table in tables}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table not in references:
            continue
        for field in model._meta.concrete_fields:
            target = field.related_model._meta.db_table if field.is_relation and field.related_model else None
            if target in references and target != table:
                references[table].add(target)
    ordered, left = [], list(tables)
    while left:
        # a table no remaining table references goes next
        free = [t for t in left if not any(t in references[o] for o in left if o != t)]
        chosen = free[0] if free else left[0]
        ordered.append(chosen)
        left.remove(chosen)
    return ordered


class DatabaseOperations(operations.DatabaseOperations):
    """PostgreSQL's operations; flushing empties foreign tables by DELETE."""

    def foreign_tables(self, tables):
        """Those of `tables` that are foreign tables, by their names."""
        if not tables:
            return set()
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_class c"
                " WHERE c.relkind = 'f' AND c.relname = ANY(%s)"
                " AND pg_table_is_visible(c.oid)",
                [list(tables)],
            )
            return {row[0] for row in cursor.fetchall()}

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        foreign = self.foreign_tables(tables)
        local = [table for table in tables if table not in foreign]
        sql = super().sql_flush(
            style, local, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        return sql + [
            "%s %s;" % (style.SQL_KEYWORD("DELETE FROM"), style.SQL_FIELD(self.quote_name(table)))
            for table in referencing_first([t for t in tables if t in foreign])
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's PostgreSQL connection with the features and operations above."""

    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
