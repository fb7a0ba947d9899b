"""The scripted data every e2e test (and the demo) starts from.

The same rows are loaded into the webapp's own tables (monolith mode, and
before the move in services mode) or straight into the services' databases
(services mode, after a test that committed writes or left rows behind:
see conftest.py), always with these ids, so that pages look the same in
both modes.

Run as a script to load the data into the webapp's local tables (used by
demo.sh before it migrates the tables into the services):
    python data.py load-webapp "host=... port=... dbname=shop user=postgres"
"""

import datetime
import sys
from decimal import Decimal

UTC = datetime.timezone.utc

AUTHOR_COLUMNS = ["id", "name", "country", "born"]
AUTHORS = [
    (1, "Ursula K. Le Guin", "United States", datetime.date(1929, 10, 21)),
    (2, "Stanisław Lem", "Poland", datetime.date(1921, 9, 12)),
    (3, "Octavia E. Butler", "United States", datetime.date(1947, 6, 22)),
    (4, "Italo Calvino", "Italy", datetime.date(1923, 10, 15)),
    (5, "Chimamanda Ngozi Adichie", "Nigeria", datetime.date(1977, 9, 15)),
    (6, "Jorge Luis Borges", "Argentina", datetime.date(1899, 8, 24)),
    (7, "Anonymous", "", None),  # no books: can be deleted
]

BOOK_COLUMNS = ["id", "title", "author_id", "price", "published", "in_stock", "pages"]
BOOKS = [  # id 8 was deleted long ago: ids have gaps, as in real tables
    (1, "A Wizard of Earthsea", 1, Decimal("8.99"), datetime.date(1968, 11, 1), True, 183),
    (2, "The Left Hand of Darkness", 1, Decimal("10.50"), datetime.date(1969, 3, 1), True, 286),
    (3, "The Dispossessed", 1, Decimal("11.25"), datetime.date(1974, 5, 1), False, 387),
    (4, "Solaris", 2, Decimal("9.75"), datetime.date(1961, 6, 1), True, 204),
    (5, "The Cyberiad", 2, Decimal("12.00"), datetime.date(1965, 1, 1), False, None),
    (6, "Kindred", 3, Decimal("9.99"), datetime.date(1979, 6, 1), True, 264),
    (7, "Parable of the Sower", 3, Decimal("14.20"), datetime.date(1993, 10, 1), True, 345),
    (9, "Invisible Cities", 4, Decimal("13.00"), datetime.date(1972, 11, 1), True, 165),
    (10, "If on a Winter's Night a Traveler", 4, Decimal("15.40"), None, False, 260),
    (11, "Half of a Yellow Sun", 5, Decimal("16.00"), datetime.date(2006, 8, 1), True, 433),
    (12, "Americanah", 5, Decimal("17.50"), datetime.date(2013, 5, 14), True, 477),
    (13, "Ficciones", 6, Decimal("7.80"), datetime.date(1944, 1, 1), True, 174),
]


def _at(day, hour):
    return datetime.datetime(2025, 1, day, hour, 0, tzinfo=UTC)


REVIEW_COLUMNS = ["id", "book_id", "reviewer", "rating", "body", "created"]
REVIEWS = [
    (1, 1, "mira", 5, "A school for wizards, long before the others.", _at(2, 9)),
    (2, 1, "tomas", 4, "Quiet and deep.", _at(3, 10)),
    (3, 2, "mira", 5, "Still ahead of its time.", _at(4, 11)),
    (4, 4, "ana", 4, "The ocean thinks.", _at(5, 12)),
    (5, 4, "lee", 3, "Slow in the middle.", _at(6, 13)),
    (6, 4, "tomas", 5, "", _at(7, 14)),
    (7, 6, "ana", 5, "Unputdownable.", _at(8, 15)),
    (8, 7, "lee", 4, "Frighteningly plausible.", _at(9, 16)),
    (9, 9, "mira", 5, "Every city is Venice.", _at(10, 17)),
    (10, 11, "ana", 4, "A war seen from a kitchen.", _at(11, 18)),
    (12, 12, "lee", 2, "Too long for me.", _at(12, 19)),
    (13, 13, "tomas", 5, "Labyrinths!", _at(13, 20)),
]

DATA = {
    "author": (AUTHOR_COLUMNS, AUTHORS),
    "book": (BOOK_COLUMNS, BOOKS),
    "review": (REVIEW_COLUMNS, REVIEWS),
}

# Where each kind of row lives.
WEBAPP_TABLES = {"author": "catalog_author", "book": "catalog_book", "review": "reviews_review"}
CATALOG_TABLES = {"author": "api_author", "book": "api_book"}
REVIEWS_TABLES = {"review": "reviews"}


def reset_tables(cursor, tables):
    """Empty `tables` ({kind: table}, parents first), reload the scripted
    rows, and set each id sequence so that the next id is max(id) + 1."""
    cursor.execute(f"TRUNCATE {', '.join(tables.values())} RESTART IDENTITY CASCADE")
    for kind, table in tables.items():
        columns, rows = DATA[kind]
        placeholders = ", ".join(["%s"] * len(columns))
        for row in rows:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", row
            )
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
        )


if __name__ == "__main__":
    import psycopg

    if len(sys.argv) != 3 or sys.argv[1] != "load-webapp":
        sys.exit(__doc__)
    with psycopg.connect(sys.argv[2]) as conn:
        reset_tables(conn.cursor(), WEBAPP_TABLES)
