"""The example shop's rows at scale, loaded with COPY.

The rows are the e2e suite's scripted data (examples/django/e2e/data.py,
imported, with its ids and gaps: author 7 has no books, book 8 does not
exist, book 3 has no reviews) followed by generated rows up to the asked
sizes, so that the e2e suite's page URLs keep their meaning at scale.  The
generation is seeded: every run loads the same rows.

    python gen.py AUTHORS BOOKS REVIEWS TARGET DSN [TARGET DSN ...]

TARGET is "webapp" (the monolith's tables catalog_author, catalog_book,
reviews_review), "catalog" (the catalog service's api_author, api_book) or
"reviews" (the reviews service's reviews).  Each target's tables are
emptied, loaded, their id sequences moved past the largest id, and
analyzed.
"""

import datetime
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "django" / "e2e"))
import data  # noqa: E402  the e2e suite's scripted rows and table names

SEED = 13
UTC = datetime.timezone.utc
FIRST = ["Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ines", "Jonas",
         "Kaito", "Lena", "Mateo", "Nadia", "Oren", "Priya", "Quentin", "Rosa", "Sven", "Tala"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Novak", "Haddad", "Silva", "Kowalski",
        "Brennan", "Castillo", "Ivanova", "Mehta", "Schulz", "Dubois", "Rossi", "Yilmaz"]
COUNTRIES = ["United States", "Poland", "Italy", "Nigeria", "Argentina", "Japan", "France",
             "Brazil", "India", "Sweden", "Turkey", "Canada", ""]
ADJECTIVES = ["Silent", "Hidden", "Last", "Burning", "Quiet", "Broken", "Golden", "Distant",
              "Secret", "Endless", "Frozen", "Wandering", "Lost", "Bright", "Hollow", "Iron"]
NOUNS = ["River", "City", "Garden", "Winter", "Mirror", "Harbor", "Orchard", "Tower", "Map",
         "Island", "Letter", "Forest", "Machine", "Daughter", "Signal", "Library"]
REVIEWERS = [f"reader{i}" for i in range(500)] + ["mira", "tomas", "ana", "lee"]
BODIES = ["Loved it.", "Not for me.", "A slow start, then wonderful.", "Read it twice.",
          "The ending surprised me.", "", "Too long.", "Beautifully written."]

KINDS = {"webapp": data.WEBAPP_TABLES, "catalog": data.CATALOG_TABLES,
         "reviews": data.REVIEWS_TABLES}


def authors(n, rng):
    """The scripted authors, then generated ones up to n rows in all."""
    yield from data.AUTHORS
    first_id = max(row[0] for row in data.AUTHORS) + 1
    for author_id in range(first_id, first_id + n - len(data.AUTHORS)):
        born = datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(36500))
        yield (author_id, f"{rng.choice(FIRST)} {rng.choice(LAST)} {author_id}",
               rng.choice(COUNTRIES), born if rng.random() > 0.05 else None)


def books(n, n_authors, rng):
    """The scripted books, then generated ones by any author but the
    scripted author without books."""
    yield from data.BOOKS
    no_books = {row[0] for row in data.AUTHORS} - {row[2] for row in data.BOOKS}
    first_id = max(row[0] for row in data.BOOKS) + 1
    for book_id in range(first_id, first_id + n - len(data.BOOKS)):
        author_id = rng.randrange(1, n_authors + 1)
        while author_id in no_books:
            author_id = rng.randrange(1, n_authors + 1)
        published = datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(45000))
        yield (book_id, f"The {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {book_id}", author_id,
               Decimal(rng.randrange(299, 4999)) / 100,
               published if rng.random() > 0.03 else None, rng.random() > 0.2,
               rng.randrange(80, 900) if rng.random() > 0.05 else None)


def reviews(n, book_ids, rng):
    """The scripted reviews, then generated ones of any book the scripted
    data gave reviews, or of a generated book."""
    yield from data.REVIEWS
    scripted_books = {row[0] for row in data.BOOKS}
    reviewed = {row[1] for row in data.REVIEWS}
    targets = [b for b in book_ids if b not in scripted_books or b in reviewed]
    first_id = max(row[0] for row in data.REVIEWS) + 1
    start = datetime.datetime(2020, 1, 1, tzinfo=UTC)
    for review_id in range(first_id, first_id + n - len(data.REVIEWS)):
        created = start + datetime.timedelta(seconds=rng.randrange(5 * 365 * 86400))
        yield (review_id, rng.choice(targets), rng.choice(REVIEWERS), rng.randint(1, 5),
               rng.choice(BODIES), created)


def generate(n_authors, n_books, n_reviews):
    """{kind: rows} for the three kinds, the same rows on every call."""
    rng = random.Random(SEED)
    rows = {"author": list(authors(n_authors, rng)), "book": list(books(n_books, n_authors, rng))}
    rows["review"] = list(reviews(n_reviews, [row[0] for row in rows["book"]], rng))
    return rows


def load(dsn, tables, rows):
    """Empty `tables` ({kind: table}, parents first) and COPY `rows` in."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {', '.join(tables.values())} RESTART IDENTITY CASCADE")
        for kind, table in tables.items():
            columns = data.DATA[kind][0]
            with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows[kind]:
                    copy.write_row(row)
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
            conn.execute(f"ANALYZE {table}")


def main(argv):
    if len(argv) < 6 or len(argv) % 2:
        sys.exit(__doc__)
    started = time.monotonic()
    rows = generate(int(argv[1]), int(argv[2]), int(argv[3]))
    for target, dsn in zip(argv[4::2], argv[5::2]):
        load(dsn, KINDS[target], rows)
    sizes = ", ".join(f"{len(r)} {k}s" for k, r in rows.items())
    print(f"gen.py: {sizes} loaded into {', '.join(argv[4::2])} in "
          f"{time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main(sys.argv)
