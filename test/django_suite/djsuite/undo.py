"""Emulated mode: service mode without rest_fdw's option undo, plus what a
ROLLBACK that undid the service's writes would give, emulated from outside
(service mode has the real thing; this mode is kept to compare with): the service's tables are put
back, through the service's own database, where Django's rollbacks put a
local table.

- a TestCase class starts from empty tables; after its setUpClass (its
  fixtures and setUpTestData) the tables' rows are kept, and every test
  starts from them (Django rolls each test's atomic back);
- a TransactionTestCase test starts from empty tables.

Savepoints rolled back inside a test are not emulated, so a test that
checks them still fails here.  What passes here and fails in service mode
fails for want of undo."""

import os

import psycopg
from django.apps import apps
from django.test import TestCase, TransactionTestCase

from .modules import models_of, modules


class ServiceTables:
    """The service's tables of the test apps, in its own database."""

    def __init__(self):
        self.conn = psycopg.connect(
            host=os.environ["PGHOST"], port=os.environ["PGPORT"],
            user=os.environ.get("PGUSER", "postgres"), dbname="djsuite_service", autocommit=True,
        )
        self.tables = [m._meta.db_table for m in models_of(apps, modules())]
        self.kept = {}  # table -> the temporary table holding its rows

    @staticmethod
    def _q(name):
        return '"' + name.replace('"', '""') + '"'

    def clear(self):
        """Every table empty, nothing kept."""
        self.conn.execute("TRUNCATE " + ", ".join(self._q(t) for t in self.tables))
        for copy in self.kept.values():
            self.conn.execute(f"DROP TABLE {copy}")
        self.kept = {}

    def _with_rows(self):
        union = " UNION ALL ".join(
            f"SELECT {i} WHERE EXISTS (SELECT FROM {self._q(t)})" for i, t in enumerate(self.tables)
        )
        return [self.tables[i] for (i,) in self.conn.execute(union).fetchall()]

    def keep(self):
        """Remember the rows of every table."""
        for i, table in enumerate(self._with_rows()):
            copy = f"djsuite_kept_{i}"
            self.conn.execute(f"CREATE TEMP TABLE {copy} AS SELECT * FROM {self._q(table)}")
            self.kept[table] = copy

    def restore(self):
        """Every table back to the rows keep() remembered."""
        statements = [f"DELETE FROM {self._q(t)}" for t in set(self._with_rows()) | set(self.kept)]
        statements += [f"INSERT INTO {self._q(t)} SELECT * FROM {c}" for t, c in self.kept.items()]
        if statements:
            self.conn.execute("; ".join(statements))


def install():
    """Patch Django's test cases to put the service's tables back."""
    tables = ServiceTables()
    set_up_class = TestCase.setUpClass.__func__
    test_case_setup = TestCase._fixture_setup.__func__
    transaction_setup = TransactionTestCase._fixture_setup.__func__

    def setUpClass(cls):
        tables.clear()
        set_up_class(cls)
        tables.keep()

    def test_case_fixture_setup(cls):
        tables.restore()
        return test_case_setup(cls)

    def transaction_fixture_setup(cls):
        if not issubclass(cls, TestCase):
            tables.clear()
        return transaction_setup(cls)

    TestCase.setUpClass = classmethod(setUpClass)
    TestCase._fixture_setup = classmethod(test_case_fixture_setup)
    TransactionTestCase._fixture_setup = classmethod(transaction_fixture_setup)
