"""Tests against services: putting the services' data back between tests.

A write to a foreign table reaches the service when its statement runs.
With rest_fdw's option undo on the server (REST_FDW_SERVICES'
"server_options": {"undo": True}), rolling back the test's transaction
(django.test.TestCase) undoes the test's writes in the service too; without
it the service stays changed.  For tests a rollback cannot isolate (writes
that do not go through the foreign tables, committed migrations) or servers
without undo, a project names, for each service, a function that resets it
(empties it and loads what the tests start from), in REST_FDW_SERVICES:

    REST_FDW_SERVICES = {"catalog": {..., "reset": "myproject.testdata.reset_catalog"}}

    def reset_catalog(service):      # service: rest_fdw_django.conf.Service
        with psycopg.connect(CATALOG_DSN, autocommit=True) as conn:
            conn.execute("TRUNCATE api_book, api_author RESTART IDENTITY CASCADE")
            ...

and then uses one of:

* pytest: the `rest_fdw_services` fixture (pytest_plugin.py), which resets
  every service before the test that asks for it (autouse it in conftest);
* unittest: ResetServicesMixin on a TestCase or TransactionTestCase class;
* the test runner: TEST_RUNNER = "rest_fdw_django.testing.ResetServicesRunner"
  (or ResetServicesRunnerMixin with another runner) resets every service
  before the first test and after the last.
"""

from django.test.runner import DiscoverRunner
from django.utils.module_loading import import_string

from . import conf


def reset_services(names=None):
    """Call the reset function of each service (of `names`, or all) that
    declares one; the services reset, by name."""
    done = []
    for name, service in conf.services().items():
        if (names is None or name in names) and service.reset:
            import_string(service.reset)(service)
            done.append(name)
    return done


class ResetServicesMixin:
    """For TestCase classes: reset the services before each test."""

    rest_fdw_services = None  # None: every service; or a list of names

    def setUp(self):
        reset_services(self.rest_fdw_services)
        super().setUp()


class ResetServicesRunnerMixin:
    """For test runners: reset the services before the first test and
    after the last, so a run starts and leaves them as the tests expect."""

    def setup_databases(self, **kwargs):
        config = super().setup_databases(**kwargs)
        reset_services()
        return config

    def teardown_databases(self, old_config, **kwargs):
        reset_services()
        super().teardown_databases(old_config, **kwargs)


class ResetServicesRunner(ResetServicesRunnerMixin, DiscoverRunner):
    """Django's test runner with ResetServicesRunnerMixin."""
