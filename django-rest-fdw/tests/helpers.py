"""Shared by the tests: the scripted rows, resetting the service's and the
monolith's tables, reading them."""

import datetime
from decimal import Decimal

from django.core.management import call_command
from django.db import connection

AUTHORS = [(1, "Ursula K. Le Guin", datetime.date(1929, 10, 21)), (2, "Stanisław Lem", None),
           (5, "Italo Calvino", datetime.date(1923, 10, 15))]
BOOKS = [
    (1, "A Wizard of Earthsea", 1, Decimal("8.99"), datetime.date(1968, 11, 1), True),
    (2, "Solaris", 2, Decimal("9.75"), None, False),
    (4, "The Cyberiad", 2, Decimal("12.00"), datetime.date(1965, 1, 1), True),
    (7, "Invisible Cities", 5, Decimal("13.00"), datetime.date(1972, 11, 1), True),
]
COLUMNS = {"author": ["id", "name", "born"],
           "book": ["id", "title", "author_id", "price", "published", "in_stock"]}
RESET_CALLS = []


def rows(table):
    """The rows of shopapp_* or svc_* table, columns in the order of COLUMNS."""
    with connection.cursor() as cursor:
        names = ", ".join(COLUMNS[table.split("_")[1]])
        cursor.execute(f"SELECT {names} FROM {table} ORDER BY id")
        return cursor.fetchall()


def relkind(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
        return row and row[0]


def reset_service(service):
    """The `reset` of REST_FDW_SERVICES["shop"]: empty the service's tables."""
    RESET_CALLS.append(service.name)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE svc_book, svc_author RESTART IDENTITY CASCADE")


def load(prefix):
    """The scripted rows into shopapp_* or svc_* tables."""
    with connection.cursor() as cursor:
        for table, data in ((f"{prefix}_author", AUTHORS), (f"{prefix}_book", BOOKS)):
            names = ", ".join(COLUMNS[table.split("_")[1]])
            marks = ", ".join(["%s"] * len(data[0]))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", data)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)")


def monolith():
    """shopapp back at 0001 with the scripted rows; the service empty."""
    call_command("migrate", "shopapp", "0001", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE shopapp_book, shopapp_author, svc_book, svc_author, svc_booking, svc_restaurant, svc_place "
                       "RESTART IDENTITY CASCADE")
        for table in ("shopapp_book_before_rest", "shopapp_author_before_rest"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    load("shopapp")
