"""Django's PostgreSQL backend, with what rest_fdw foreign tables need.

GROUP BY every selected column: for Author.objects.annotate(Count("books"))
Django groups by the primary key alone and lets PostgreSQL infer the other
columns from the PRIMARY KEY constraint.  A foreign table has no such
constraint, so on a moved table the query fails with 'column
"catalog_author.name" must appear in the GROUP BY clause'.  Grouping by all
selected columns is what Django does on other databases; on local tables it
gives the same rows.

Everything else is Django's PostgreSQL backend, so a project can use this
ENGINE before, during and after its tables move.
"""

from django.db.backends.postgresql import base, features


class DatabaseFeatures(features.DatabaseFeatures):
    """PostgreSQL's features, without inferring GROUP BY from primary keys."""

    def allows_group_by_selected_pks_on_model(self, model):
        return False


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's PostgreSQL connection with the features above."""

    features_class = DatabaseFeatures
