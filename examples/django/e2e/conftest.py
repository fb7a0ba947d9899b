"""Fixtures of the e2e suite: one mode per pytest run (E2E_MODE).

Session: the webapp database shop_<mode> is created afresh and migrated the
way a real project would (django_db_setup): catalog and reviews to 0001, the
scripted data loaded into the local tables, and, in services mode only, the
remaining migrations, whose rest_fdw.move_table() calls POST every row to
the services.  Their servers have rest_fdw's option undo on (the webapp's
REST_FDW_SERVICES, "server_options").

Isolation, as django.test.TestCase gives it: every test runs inside a
transaction of the webapp's connection (pytest-django's `db` fixture) that
is rolled back after it; in services mode rest_fdw then undoes the test's
writes in the services (a POST by a DELETE, an UPDATE by a PATCH back, a
DELETE by a POST of the row).  Nothing reloads the services' data between
tests.  What a rollback cannot take back is handled here:

* id sequences (not transactional in PostgreSQL: a rolled-back INSERT keeps
  its nextval, in the webapp's database and in the service's alike) are set
  back to the scripted data's largest id before each test, in the database
  that owns the rows, so that every test creates the same ids in both modes;
* leaks: after each test (after its rollback) the rows of the database that
  owns the data (the webapp's tables in monolith mode, the services' own
  databases in services mode, read through their own connections) are
  compared with the scripted data; a difference fails the test, and the
  scripted data is loaded again so that the next tests start clean;
* tests marked `committed` run on the live database in autocommit instead
  (TransactionTestCase-style): those that talk to the services over HTTP
  without the webapp, migrate tables back and forth, or need their writes
  committed.  `@pytest.mark.committed(reload=True)` marks those that leave
  rows by design: the scripted data is loaded again after them instead of
  the leak check.

The clock the webapp sees is frozen so that rows created during a test get
the same timestamps in both modes.

Pages: the `shop` fixtures render pages and submit forms.  In monolith mode
each rendering is stored under E2E_SNAPSHOT_DIR; in services mode each is
compared with the stored one (CSRF tokens aside) and the requests the two
services received meanwhile are recorded, then written to E2E_REQUESTS_MD.
"""

import datetime
import difflib
import os
import pathlib
import re

import psycopg
import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from psycopg.rows import dict_row

import data

MODE = settings.E2E_MODE
SERVICES = MODE == "services"
HERE = pathlib.Path(__file__).resolve().parent
SNAPSHOT_DIR = pathlib.Path(os.environ.get("E2E_SNAPSHOT_DIR", HERE / ".snapshots"))
FROZEN_NOW = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)

CATALOG_DSN = " ".join(
    f"{key}={os.environ.get('CATALOG_DB_' + var, default)}"
    for key, var, default in [
        ("host", "HOST", "127.0.0.1"),
        ("port", "PORT", "5432"),
        ("user", "USER", "postgres"),
        ("dbname", "NAME", "catalog"),
    ]
)
REVIEWS_DSN = os.environ.get("REVIEWS_DB_DSN", "")
SERVICE_DBS = [(CATALOG_DSN, data.CATALOG_TABLES), (REVIEWS_DSN, data.REVIEWS_TABLES)]


def service_root(variable):
    """http://host:port/ of a service, from its .../api/ URL."""
    return re.sub(r"api/$", "", os.environ[variable])


STATS_URLS = {}
if SERVICES:
    STATS_URLS = {
        "catalog": service_root("CATALOG_SERVICE_URL") + "_stats",
        "reviews": service_root("REVIEWS_SERVICE_URL") + "_stats",
    }

# What the session learnt, for the tests and the report.
MOVED_ROWS = {}  # kind -> rows found in the services right after the move
REQUEST_LOG = []  # one dict per page rendered in services mode
_used_names = set()


# Database state -------------------------------------------------------------


def migrate_to_monolith():
    """The monolith: the catalog and reviews apps at 0001, the rest migrated."""
    call_command("migrate", "catalog", "0001", verbosity=0)
    call_command("migrate", "reviews", "0001", verbosity=0)
    for app in ["contenttypes", "auth", "admin", "sessions"]:
        call_command("migrate", app, verbosity=0)


def service_rows(kind, where="TRUE", params=()):
    """Rows of `kind` in the owning service's own database."""
    for dsn, tables in SERVICE_DBS:
        if kind in tables:
            with service_connection(dsn).cursor(row_factory=dict_row) as cursor:
                return cursor.execute(
                    f"SELECT * FROM {tables[kind]} WHERE {where} ORDER BY id", params
                ).fetchall()
    raise KeyError(kind)


def webapp_rows(table, where="TRUE", params=()):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id", params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def owner_rows(kind, where="TRUE", params=()):
    """Rows of `kind` ("author", "book", "review") read directly from the
    database that owns them in this mode: the webapp's own tables in
    monolith mode, the service's database in services mode."""
    if SERVICES:
        return service_rows(kind, where, params)
    return webapp_rows(data.WEBAPP_TABLES[kind], where, params)


def clear_services(dsn_tables=SERVICE_DBS):
    for dsn, tables in dsn_tables:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"TRUNCATE {', '.join(tables.values())} RESTART IDENTITY CASCADE")


def owner_databases():
    """(cursor, {kind: table}) of each database that owns rows in this mode;
    the services' through their own connections, in autocommit."""
    if not SERVICES:
        with connection.cursor() as cursor:
            yield cursor, data.WEBAPP_TABLES
        return
    for dsn, tables in SERVICE_DBS:
        with service_connection(dsn).cursor() as cursor:
            yield cursor, tables


_service_connections = {}


def service_connection(dsn):
    """A connection to a service's database kept for the session, in
    autocommit (idle between statements: it holds no locks)."""
    conn = _service_connections.get(dsn)
    if conn is None or conn.closed:
        conn = _service_connections[dsn] = psycopg.connect(dsn, autocommit=True)
    return conn


def set_sequences():
    """Each id sequence back to the scripted data's largest id."""
    for cursor, tables in owner_databases():
        for kind, table in tables.items():
            last = max(row[0] for row in data.DATA[kind][1])
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")


def leaked_rows():
    """What differs from the scripted data in the owning databases: one
    line per kind, listing rows missing, added or changed."""
    found = []
    for cursor, tables in owner_databases():
        for kind, table in tables.items():
            columns, rows = data.DATA[kind]
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
            now = {row[0]: tuple(row) for row in cursor.fetchall()}
            scripted = {row[0]: row for row in rows}
            missing = sorted(set(scripted) - set(now))
            added = sorted(set(now) - set(scripted))
            changed = [now[i] for i in sorted(set(now) & set(scripted)) if now[i] != scripted[i]]
            if missing or added or changed:
                found.append(f"{table}: missing ids {missing}, added {[now[i] for i in added]}, "
                             f"changed {changed}")
    return found


def reload_scripted_data():
    """Empty the owning tables and load the scripted data again."""
    for cursor, tables in owner_databases():
        data.reset_tables(cursor, tables)


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    """Create and migrate shop_<mode>; in services mode, move the tables.
    (Replaces pytest-django's: the suite's database is shop_<mode> itself.)"""
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"],
        dbname="postgres", autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    with django_db_blocker.unblock():
        migrate_to_monolith()
        with connection.cursor() as cursor:
            data.reset_tables(cursor, data.WEBAPP_TABLES)
        if SERVICES:
            clear_services()
            call_command("migrate", verbosity=0)  # the 0002 migrations move the tables
            for kind in data.DATA:
                MOVED_ROWS[kind] = service_rows(kind)
        User.objects.create_superuser("admin", "admin@example.com", "admin")
    yield


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "committed(reload=False): run on the live database in autocommit, not in a "
        "rolled-back transaction; reload=True: reload the scripted data afterwards",
    )


@pytest.fixture
def scripted_ids_and_leak_check(request, django_db_setup, django_db_blocker):
    """Before the test: each id sequence at the scripted data's largest id.
    After it (and after its rollback: this fixture is set up before the db
    fixture, so it is torn down after it): the leak check, or the reload
    that `committed(reload=True)` asks for."""
    with django_db_blocker.unblock():
        set_sequences()
    yield
    marker = request.node.get_closest_marker("committed")
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block, "the leak check ran before the rollback"
        if marker is not None and marker.kwargs.get("reload"):
            reload_scripted_data()
            return
        leaks = leaked_rows()
        if leaks:
            reload_scripted_data()
            pytest.fail("the test left rows that differ from the scripted data:\n"
                        + "\n".join(leaks), pytrace=False)


@pytest.fixture(autouse=True)
def isolation(request, scripted_ids_and_leak_check, django_db_blocker, monkeypatch):
    """Every test: frozen clock, and a rolled-back transaction (the db
    fixture: django.test.TestCase's atomic blocks), or autocommit on the
    live database for `committed` tests."""
    monkeypatch.setattr(timezone, "now", lambda: FROZEN_NOW)
    if request.node.get_closest_marker("committed") is None:
        request.getfixturevalue("db")
        assert connection.in_atomic_block
        yield
    else:
        with django_db_blocker.unblock():
            yield


# Pages ----------------------------------------------------------------------

CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def rendering(response):
    """What must be identical in both modes: status, redirect, HTML."""
    html = CSRF_TOKEN.sub(r"\1(csrf)\2", response.content.decode())
    return f"HTTP {response.status_code} {response.get('Location', '')}\n{html}"


def service_stats(method):
    return {name: getattr(requests, method)(url, timeout=10) for name, url in STATS_URLS.items()}


class Shop:
    """A browser on the webapp that checks and measures every step.

    get()/post() take a step name, unique in the suite; the step's rendering
    is stored (monolith) or compared with the stored one (services)."""

    def __init__(self, client):
        self.client = client

    def get(self, name, url, status=200):
        return self._step(name, "GET", url, status, lambda: self.client.get(url))

    def post(self, name, url, data, status=302):
        return self._step(name, "POST", url, status, lambda: self.client.post(url, data))

    def _step(self, name, method, url, status, send):
        assert name not in _used_names, f"step name {name} used twice"
        _used_names.add(name)
        if SERVICES:
            service_stats("delete")
        entry = {"name": name, "method": method, "url": url, "failed": True}
        try:
            response = send()
            entry["failed"] = response.status_code != status
        finally:
            if SERVICES:
                entry["stats"] = {k: r.json() for k, r in service_stats("get").items()}
                REQUEST_LOG.append(entry)
        assert response.status_code == status, response.content.decode()[:2000]
        self._compare(name, rendering(response))
        return response

    @staticmethod
    def _compare(name, text):
        path = SNAPSHOT_DIR / f"{name}.html"
        if not SERVICES:
            SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            return
        if not path.exists():
            pytest.fail(f"no monolith rendering of {name}: run the suite with E2E_MODE=monolith first")
        expected = path.read_text()
        if text != expected:
            diff = difflib.unified_diff(
                expected.splitlines(), text.splitlines(), "monolith", "services", lineterm="", n=2
            )
            pytest.fail(f"{name} differs between the modes:\n" + "\n".join(list(diff)[:80]))


@pytest.fixture
def shop():
    return Shop(Client())


@pytest.fixture
def admin_shop():
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return Shop(client)


# Report ----------------------------------------------------------------------


def pytest_sessionfinish(session, exitstatus):
    for conn in _service_connections.values():
        conn.close()
    target = os.environ.get("E2E_REQUESTS_MD")
    if not (SERVICES and target and REQUEST_LOG):
        return
    lines = [
        "# HTTP requests per page in services mode",
        "",
        "Written by the e2e suite (`examples/django/run_e2e.sh`): for each step, the number",
        "of requests the catalog service (Django REST framework) and the reviews service",
        "(FastAPI) received while the webapp handled that one request. The 0002 migrations",
        "declare the services' filters, ordering fields and limit/offset pagination, so",
        "rest_fdw sends those to the services; what it cannot send it does locally, after",
        "reading the collection 10 rows per request. A step marked FAILED raised an error",
        "or answered with an unexpected status; its requests are those made until then.",
        "",
        "| step | request | catalog | reviews | total |",
        "|---|---|---:|---:|---:|",
    ]
    for entry in REQUEST_LOG:
        counts = [entry["stats"][name]["count"] for name in ("catalog", "reviews")]
        label = entry["name"] + (" (FAILED)" if entry["failed"] else "")
        lines.append(
            f"| {label} | `{entry['method']} {entry['url']}` "
            f"| {counts[0]} | {counts[1]} | {sum(counts)} |"
        )
    lines += ["", "## The requests of each step", ""]
    for entry in REQUEST_LOG:
        label = entry["name"] + (" (FAILED)" if entry["failed"] else "")
        lines.append(f"### {label}: `{entry['method']} {entry['url']}`")
        lines.append("")
        for name in ("catalog", "reviews"):
            for request in entry["stats"][name]["requests"]:
                lines.append(f"- {name}: `{request}`")
        lines.append("")
    pathlib.Path(target).write_text("\n".join(lines) + "\n")
