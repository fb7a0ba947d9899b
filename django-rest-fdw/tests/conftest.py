"""The package's tests run against a throwaway PostgreSQL cluster with
rest_fdw installed (run_tests.sh) and a kit service (testproject.urls)
that this process serves on a free loopback port, in a thread: the
foreign tables' requests come from the PostgreSQL server to that thread
(the port: REST_FDW_TEST_PORT, chosen by testproject.settings).
Tests use the live database (autocommit), as the service's own tables are
in it too: each test starts from helpers.monolith() or its own state."""

import os
import socketserver
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

import psycopg
import pytest


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    """A fresh database, every app migrated (shopapp to 0001), and the
    service answering."""
    from django.conf import settings
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    with django_db_blocker.unblock():
        call_command("migrate", "shopapp", "0001", verbosity=0)
        call_command("migrate", "svcapp", verbosity=0)
        for app in ("contenttypes", "auth", "admin", "sessions"):
            call_command("migrate", app, verbosity=0)
    server = _Server(("127.0.0.1", int(os.environ["REST_FDW_TEST_PORT"])), _QuietHandler)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield
    server.shutdown()


@pytest.fixture
def live_db(django_db_setup, django_db_blocker):
    """The live database, in autocommit."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def shop(live_db):
    """The monolith with the scripted rows, the service empty."""
    import helpers

    helpers.monolith()


@pytest.fixture
def moved(shop):
    """shopapp's tables moved into the service."""
    from django.core.management import call_command

    call_command("migrate", "shopapp", verbosity=0)
