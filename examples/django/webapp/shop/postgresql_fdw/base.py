"""Django's PostgreSQL backend, told that GROUP BY must list every column.

Django normally groups an aggregate query such as
Author.objects.annotate(Count("books")) by the primary key alone, relying on
PostgreSQL to infer that the other columns depend on it.  PostgreSQL infers
that only from a PRIMARY KEY constraint, and a foreign table cannot have
one, so once catalog_author is a rest_fdw foreign table that query fails
with 'column "catalog_author.name" must appear in the GROUP BY clause'.
Grouping by all selected columns is what Django does on other databases; it
gives the same results on local and foreign tables.

Used through settings.DATABASES["default"]["ENGINE"] = "shop.postgresql_fdw"
in both modes.
"""

from django.db.backends.postgresql import base, features


class DatabaseFeatures(features.DatabaseFeatures):
    def allows_group_by_selected_pks_on_model(self, model):
        return False


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
