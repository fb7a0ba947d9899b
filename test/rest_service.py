#!/usr/bin/env python3
"""Deterministic HTTP test service for the rest_fdw regression tests.

rest_fdw turns SQL on foreign tables into REST calls.  Its regression tests
need a server that behaves exactly like the popular REST back ends the
wrapper targets, that is fully deterministic, and that can be inspected and
sabotaged from the tests.  This module is that server, written against the
Python 3.11 standard library only so that it runs anywhere the tests run.

It serves, under /api/:

* Django REST framework style collections (``/api/books/``,
  ``/api/authors/``, ``/api/types/``, ``/api/secure/``, ``/api/plain/<c>/``,
  and ``/api/items/``, ``/api/items_lo/``: a generated collection of 3000
  rows, by page and by limit/offset)
  with django-filter lookups, ``ordering`` and page-number or limit/offset
  pagination (``/api/capped/books/`` caps page_size at 3, as max_page_size;
  ``/api/capped/items_lo/`` caps limit at 250, as max_limit;
  ``/api/optlimit/authors/`` pages only when asked a limit;
  ``/api/etag/books/`` sends an ETag with each item and honours If-Match,
  refusing a write with 412 when the item changed);
* a PostgREST emulation (``/api/pg/<c>``) with operator filters, ``or``/
  ``and`` trees, ``order``, ``select``, ``Prefer`` and ``Content-Range``;
* a json-server 0.17 emulation (``/api/js/<c>``);
* the OpenAPI documents of ``test/openapi/`` at ``/openapi/<name>``, for
  the IMPORT FOREIGN SCHEMA tests.

All three views share the same in-memory data, loaded from
``test/fixtures/<name>.json``.  JSON numbers are kept verbatim (a parsed
number remembers its source text) so that big integers and long decimals
round-trip exactly.

Control endpoints (not logged): ``GET /_log`` (request log, then cleared),
``GET /_stats``, ``POST /_reset``, ``POST /_fault`` (fault injection:
error statuses, hangs, slow or truncated bodies, corrupt gzip, redirects,
raw malformed bodies, closed connections; with ``apply=1`` the request
takes effect first and the fault only replaces its answer) and
``GET /_blackhole`` (a port that never accepts).  With ``--tls-cert`` the
same API is also served over TLS on a second port.

The HTTP skeleton and PostgREST's query-string grammar come from
``test/servicekit`` (shared with the benchmark services).

Run: ``python3 test/rest_service.py --host 127.0.0.1 --port 0 --port-file F``
"""

import argparse
import base64
import datetime
import hashlib
import os
import re
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from decimal import Decimal, InvalidOperation
from functools import cmp_to_key

from servicekit import postgrest, server
from servicekit.jsontext import JNum, dumps, loads
from servicekit.postgrest import error as pg_error
from servicekit.postgrest import parse_error as pg_parse_error
from servicekit.server import HttpError, Response

FIXTURE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")

# ---------------------------------------------------------------------------
# Collection configuration
# ---------------------------------------------------------------------------

# Column types of every data set (order = column order; "id" comes first).
# Types drive comparisons: int/numeric/float compare as decimals, bool as
# booleans, instant (a timestamptz) as points in time, everything else as
# text.
SCHEMAS = {
    "books": {
        "id": "int", "title": "text", "author": "int", "publisher": "json",
        "price": "numeric", "published": "date", "tags": "text[]",
        "in_stock": "bool",
    },
    "authors": {"id": "int", "name": "text", "born": "date"},
    "types": {
        "id": "int", "i2": "int", "i4": "int", "i8": "int", "num": "numeric",
        "num_str": "numeric", "f8": "float", "bool_t": "bool", "txt": "text",
        "dt": "date", "ts": "timestamp", "tstz": "timestamptz", "uid": "uuid",
        "arr_int": "int[]", "arr_txt": "text[]", "obj": "json", "any": "json",
        "tm": "time",
    },
    "secure": {"id": "int", "secret_value": "text"},
    "items": {"id": "int", "grp": "int", "category": "int", "label": "text",
              "flag": "bool"},
    "odd": {"id": "int", "name": "text", "day": "date", "grp": "int",
            "num": "numeric", "at": "timestamp"},
    # values of every JSON form for the direct conversions (sql/convert.sql):
    # t names the group of types each value v is read as
    "convert": {"id": "int", "t": "text", "v": "json"},
    # the differential test's data set (test/difftest/data.py)
    "oracle": {
        "id": "int", "name": "text", "tag": "text", "grp": "int",
        "num": "numeric", "day": "date", "at": "instant", "flag": "bool",
    },
}

# Data sets generated at reset instead of read from test/fixtures: a
# collection larger than what ANALYZE samples.
ITEMS_COUNT = 3000


def generate_items():
    """ITEMS_COUNT rows: grp 1 to 300, 10 rows each, scattered over the ids;
    category 0 in every other row, 1 to 5 in turn in the others; label
    unique; flag in every third row."""
    return [{"id": i, "grp": i * 7 % 300 + 1,
             "category": 0 if i % 2 == 0 else i // 2 % 5 + 1,
             "label": "item %05d" % i, "flag": i % 3 == 0}
            for i in range(1, ITEMS_COUNT + 1)]


# Names django-filter strips or ignores, or whose case folds differently in
# upper and lower case (U+0130, U+0131, U+017F), and days shared by many rows.
ODD_NAMES = ["lead", " lead", "trail", "trail ", "", " ", "\u0130stanbul",
             "istanbul", "ISTANBUL", "\u017fign", "sign", "\u0131dea", "idea",
             "nbsp\u00a0", "nbsp", None, "Tolstoy", "dat", "DAT", "x", "y", "z"]


def generate_odd():
    """A row per ODD_NAMES entry: day one of three (none in row 17), grp
    one of four, num a number, at a time on that day."""
    rows = []
    for i, name in enumerate(ODD_NAMES, start=1):
        day = None if i == 17 else "2024-01-%02d" % (i % 3 + 1)
        rows.append({"id": i, "name": name, "day": day, "grp": i % 4 + 1,
                     "num": Decimal("%d.5" % (i % 5)) if i != 17 else None,
                     "at": None if day is None else "%sT%02d:00:00" % (day, i)})
    return rows


GENERATED = {"items": generate_items, "odd": generate_odd}

# Defaults for members absent on create (anything not listed defaults to null).
DEFAULTS = {"books": {"tags": []}}

# Unique columns: data set -> column -> PostgreSQL constraint name.
UNIQUE = {"books": {"title": "books_title_key"}}

# NOT NULL columns (besides id) and the DRF "required" fields.
REQUIRED = {"books": ["title"], "authors": ["name"]}

# DRF collections, keyed by the path segment(s) after /api/.
DRF = {
    "books": {
        "data": "books", "pagination": "page", "page_size": 2,
        "filters": ["id", "author", "price", "published", "title", "in_stock"],
        "ordering": ["id", "price", "title", "published"],
    },
    "authors": {
        "data": "authors", "pagination": "limitoffset", "default_limit": 2,
        "filters": ["id", "name", "born"], "ordering": ["id", "name"],
        "accept_id": True,
    },
    "types": {
        "data": "types", "pagination": "page", "page_size": 100,
        "filters": ["id"], "ordering": ["id"],
    },
    "secure": {
        "data": "secure", "pagination": None, "auth": True,
        "filters": ["id"], "ordering": ["id"],
    },
    "items": {
        "data": "items", "pagination": "page", "page_size": 10,
        "filters": ["id", "grp", "category", "flag"], "ordering": ["id"],
    },
    "items_lo": {
        "data": "items", "pagination": "limitoffset", "default_limit": 10,
        "filters": ["id", "grp", "category", "flag"], "ordering": ["id"],
    },
}
for _name in ("books", "authors", "types"):
    DRF["plain/" + _name] = dict(DRF[_name], pagination=None)
DRF["plain/convert"] = {
    "data": "convert", "pagination": None, "filters": ["id", "t"],
    "ordering": ["id"],
}
# PageNumberPagination with max_page_size = 3: a larger page_size is capped
DRF["capped/books"] = dict(DRF["books"], max_page_size=3)
# LimitOffsetPagination with max_limit = 250: a larger limit is capped
DRF["capped/items_lo"] = dict(DRF["items_lo"], max_limit=250)
# LimitOffsetPagination without a default limit: no page without ?limit=
DRF["optlimit/authors"] = dict(DRF["authors"], default_limit=None)
# Django on PostgreSQL: each page its own ORDER BY ... LIMIT ... OFFSET, in
# which rows that tie come in an order of their own ("ties": "per_page"),
# and case-insensitive lookups as UPPER(c) LIKE UPPER(v) ("fold": "upper")
DRF["odd"] = {
    "data": "odd", "pagination": "page", "page_size": 3,
    "filters": ["id", "name", "day", "grp", "num", "at"],
    "ordering": ["id", "day", "grp", "at"], "ties": "per_page",
    "fold": "upper",
}
DRF["odd_lo"] = dict(DRF["odd"], pagination="limitoffset", default_limit=3)
# ... whose key is not among the ordering fields
DRF["odd_nokey"] = dict(DRF["odd"], ordering=["day", "grp"])
# ETags on the items (GET and write responses), If-Match honoured with 412
DRF["etag/books"] = dict(DRF["books"], pagination=None, etag=True)

# The optional capabilities of django-rest-fdw's kit ("capabilities": True):
# ?fields=a,b, ?distinct=c, ?group_by=c&aggregate=count (drf_capabilities)
DRF["cap/odd"] = dict(DRF["odd_lo"], ties=None, capabilities=True)
DRF["cap/items"] = dict(DRF["items_lo"], capabilities=True)
# ... whose group rows lack their count (a broken service)
DRF["cap/odd_nocount"] = dict(DRF["cap/odd"], capabilities="no_count")
DRF["cap/books"] = dict(DRF["books"], capabilities=True)
DRF["cap/books_nocount"] = dict(DRF["books"], capabilities="no_count")

PG_COLLECTIONS = ("books", "authors", "types", "items", "oracle")
JS_COLLECTIONS = ("books", "authors", "types", "items")

MAX_PAGE_SIZE = 1000      # DRF max_page_size
PG_MAX_ROWS = 3           # PostgREST db-max-rows
PG_MAX_ROWS_OF = {"oracle": 8}    # ... for these data sets
GZIP_MIN = 1000           # gzip bodies strictly larger than this
BEARER_TOKEN = "s3cret"
BASIC_USER, BASIC_PASSWORD = "alice", "wonder land"

NUMERIC_TYPES = ("int", "numeric", "float")
LOOKUPS = ("exact", "iexact", "gt", "gte", "lt", "lte", "in", "isnull",
           "startswith", "istartswith", "endswith", "iendswith",
           "contains", "icontains")

# ---------------------------------------------------------------------------
# Shared state
# ---------------------------------------------------------------------------


class State:
    """All mutable server state, guarded by one lock."""

    def __init__(self):
        """Create empty state and load the fixtures."""
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        """Reload fixtures; clear log, faults and statistics."""
        with self.lock:
            self.data = {}
            for name in SCHEMAS:
                if name in GENERATED:
                    self.data[name] = GENERATED[name]()
                    continue
                with open(os.path.join(FIXTURE_DIR, name + ".json"), "rb") as f:
                    self.data[name] = loads(f.read())
            self.log = []
            self.faults = []
            self.connections = 0
            self.requests = 0


STATE = None  # created in main() (or by importers)


# ---------------------------------------------------------------------------
# Value helpers
# ---------------------------------------------------------------------------


def to_decimal(value):
    """Return value as a finite Decimal, or None if it is not numeric."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            return None
        return d if d.is_finite() and value.strip() else None
    return None


def as_text(value):
    """Canonical text of a stored value (like a PostgreSQL ::text cast)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return dumps(value)


def to_instant(value):
    """A timestamptz text as an aware datetime (UTC if no offset), or None."""
    if not isinstance(value, str):
        return None
    try:
        t = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)


def sort_key(value, typ):
    """A totally ordered key for a non-null value of the given column type."""
    if typ == "instant" and to_instant(value) is not None:
        return (4, to_instant(value))
    if typ in NUMERIC_TYPES:
        d = to_decimal(value)
        if d is not None:
            return (1, d)
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float, Decimal)):
        return (1, to_decimal(value))
    if isinstance(value, str):
        return (2, value)
    return (3, dumps(value))


def sort_rows(rows, specs, schema):
    """Sort rows by specs [(column, descending, nulls_first)], then by id."""
    specs = list(specs) + [("id", False, False)]

    def cmp(r1, r2):
        """Compare two rows PostgreSQL-style."""
        for col, desc, nulls_first in specs:
            a, b = r1.get(col), r2.get(col)
            if a is None and b is None:
                continue
            if a is None:
                return -1 if nulls_first else 1
            if b is None:
                return 1 if nulls_first else -1
            ka, kb = sort_key(a, schema.get(col)), sort_key(b, schema.get(col))
            if ka != kb:
                c = -1 if ka < kb else 1
                return -c if desc else c
        return 0

    return sorted(rows, key=cmp_to_key(cmp))


def next_id(rows):
    """max(id) + 1 over rows (1 for an empty collection)."""
    ids = [r["id"] for r in rows if isinstance(r.get("id"), int)]
    return max(ids) + 1 if ids else 1


def find_row(rows, ident):
    """The row whose id equals the integer ident, or None."""
    for row in rows:
        if row.get("id") == ident and not isinstance(row.get("id"), bool):
            return row
    return None


def parse_int_id(text):
    """Parse a path id as a non-negative integer, or return None."""
    return int(text) if re.fullmatch(r"[0-9]+", text) else None


def bool_word(text):
    """django-filter BooleanWidget: true/false/1/0 (any case) or None."""
    return {"true": True, "1": True, "false": False, "0": False}.get(
        text.lower())


def like_regex(pattern, star=True):
    """Translate a LIKE pattern (with * as % when star) into a regex.

    As PostgreSQL's LIKE, a backslash makes the next character literal; a
    pattern ending in one is PostgreSQL's error 22025.
    """
    out = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, None)
            if nxt is None:
                raise pg_error(400, "22025", "LIKE pattern must not end with "
                               "escape character")
            out.append(re.escape(nxt))
        elif ch == "%" or (star and ch == "*"):
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return "".join(out)


# ---------------------------------------------------------------------------
# DRF emulation
# ---------------------------------------------------------------------------


def replace_query_param(url, key, val):
    """DRF's replace_query_param: set key, re-encode the query sorted."""
    scheme, netloc, path, query, fragment = urllib.parse.urlsplit(url)
    qd = urllib.parse.parse_qs(query, keep_blank_values=True)
    qd[key] = [str(val)]
    query = urllib.parse.urlencode(sorted(qd.items()), doseq=True)
    return urllib.parse.urlunsplit((scheme, netloc, path, query, fragment))


def remove_query_param(url, key):
    """DRF's remove_query_param: drop key, re-encode the query sorted."""
    scheme, netloc, path, query, fragment = urllib.parse.urlsplit(url)
    qd = urllib.parse.parse_qs(query, keep_blank_values=True)
    qd.pop(key, None)
    query = urllib.parse.urlencode(sorted(qd.items()), doseq=True)
    return urllib.parse.urlunsplit((scheme, netloc, path, query, fragment))


def pg_upper(text):
    """PostgreSQL's upper() under libc: each character's simple upper case
    (U+0131 and U+017F become I and S; U+0130 and U+00DF stay)."""
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in text)


# django-filter's date and date/time fields: how they parse, what they say
DRF_TIME_FIELDS = {
    "date": (datetime.date.fromisoformat, "Enter a valid date."),
    "timestamp": (datetime.datetime.fromisoformat, "Enter a valid date/time."),
    "timestamptz": (datetime.datetime.fromisoformat, "Enter a valid date/time."),
}


def drf_filter_value(key, raw, typ, errors):
    """Clean one filter value for a column type; None if invalid/ignored."""
    if typ in NUMERIC_TYPES:
        d = to_decimal(raw)
        if d is None:
            errors[key] = ["Enter a number."]
        return d
    if typ in DRF_TIME_FIELDS:
        parse, message = DRF_TIME_FIELDS[typ]
        try:
            parse(raw)
        except ValueError:
            errors[key] = [message]
            return None
        return raw
    if typ == "bool":
        return bool_word(raw)
    return raw


def drf_predicate(field, lookup, value, typ, fold=str.lower):
    """Build a row predicate for a cleaned django-filter lookup; the
    case-insensitive lookups compare the texts fold gives."""

    def get(row):
        """The field value of a row."""
        return row.get(field)

    if lookup == "isnull":
        return lambda r: (get(r) is None) == value

    def comparable(v):
        """A stored value as the filter values are, or None."""
        if v is None:
            return None
        if typ in NUMERIC_TYPES:
            return to_decimal(v)
        if typ == "bool":
            return v
        return as_text(v)

    def cmp_ok(v, op):
        """Compare a stored value to the filter value with op."""
        a = comparable(v)
        return a is not None and op(a, value)

    ops = {
        "exact": lambda a, b: a == b,
        "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b,
    }
    if lookup in ops:
        op = ops[lookup]
        return lambda r: cmp_ok(get(r), op)
    if lookup == "in":
        # a set, as a database's hashed IN list: long lists stay fast
        wanted = set(value)

        def in_list(r):
            """Is the row's value one of the list's?"""
            a = comparable(get(r))
            return a is not None and a in wanted
        return in_list
    text_ops = {
        "iexact": lambda a, b: fold(a) == fold(b),
        "startswith": lambda a, b: a.startswith(b),
        "istartswith": lambda a, b: fold(a).startswith(fold(b)),
        "endswith": lambda a, b: a.endswith(b),
        "iendswith": lambda a, b: fold(a).endswith(fold(b)),
        "contains": lambda a, b: b in a,
        "icontains": lambda a, b: fold(b) in fold(a),
    }
    op = text_ops[lookup]
    return lambda r: get(r) is not None and op(as_text(get(r)), value)


def drf_filter(rows, cfg, params, schema):
    """Apply declared django-filter lookups from params; 400 on bad values."""
    errors = {}
    preds = []
    for key, raw in params.items():
        field, _, lookup = key.partition("__")
        lookup = lookup or "exact"
        if field not in cfg["filters"] or lookup not in LOOKUPS or raw == "":
            continue
        typ = schema[field]
        text_filter = typ not in NUMERIC_TYPES and typ not in ("date", "bool")
        if text_filter and lookup != "isnull":
            # a CharField strips white space; an empty value is no filter
            raw = raw.strip()
            if raw == "":
                continue
        if lookup == "isnull":
            value = bool_word(raw)
        elif lookup == "in":
            value = [drf_filter_value(key, part.strip() if text_filter else part,
                                      typ, errors)
                     for part in raw.split(",")]
            if any(v is None for v in value):
                value = None
        elif lookup in ("exact", "gt", "gte", "lt", "lte"):
            value = drf_filter_value(key, raw, typ, errors)
        else:
            value = raw
        if value is None:
            continue
        preds.append(drf_predicate(field, lookup, value, typ,
                                   pg_upper if cfg.get("fold") == "upper"
                                   else str.lower))
    if errors:
        raise HttpError(400, errors)
    return [r for r in rows if all(p(r) for p in preds)]


def drf_order_specs(cfg, params):
    """The sort specs of ?ordering=a,-b over declared ordering fields."""
    specs = []
    for term in params.get("ordering", "").split(","):
        term = term.strip()
        desc = term.startswith("-")
        name = term[1:] if desc else term
        if name in cfg["ordering"]:
            specs.append((name, desc, desc))
    return specs


def drf_order(rows, cfg, params, schema):
    """Apply ?ordering=a,-b over declared ordering fields (default id)."""
    return sort_rows(rows, drf_order_specs(cfg, params), schema)


def drf_order_per_page(rows, cfg, params, schema):
    """drf_order as a database applies it to one page: rows that tie on
    every ordering field come in an order that depends on the page asked
    (the ids scrambled by page, limit and offset); without ordering
    fields, by id."""
    specs = drf_order_specs(cfg, params)
    if not specs:
        return sort_rows(rows, [], schema)
    seed = sum(ord(c) * 31 ** i for i, c in enumerate(
        params.get("page", "") + "/" + params.get("limit", "") + "/" +
        params.get("offset", "")))

    def scrambled(row):
        """The row's place among rows that tie, on this page."""
        return (row["id"] * 2654435761 + seed * 40503) % 4294967296

    tagged = [dict(r, _tie=scrambled(r)) for r in rows]
    tagged = sort_rows(tagged, specs + [("_tie", False, False)], schema)
    return [{k: v for k, v in r.items() if k != "_tie"} for r in tagged]


def drf_member_list(name, raw, schema):
    """The members a capability parameter names; 400 on an unknown one."""
    names = [n.strip() for n in raw.split(",")]
    unknown = [n for n in names if n not in schema]
    if unknown or not names:
        raise HttpError(400, {name: ["Unknown member: %s." % ", ".join(unknown)]})
    return names


def drf_groups(rows, column, schema, count):
    """A row per distinct value of column (NULL one of its own), in the
    order of first appearance, with the number of rows when count."""
    groups = {}
    for row in rows:
        value = row.get(column)
        key = None if value is None else sort_key(value, schema[column])
        if key not in groups:
            groups[key] = {column: value, "count": 0} if count else {column: value}
        if count:
            groups[key]["count"] += 1
    return list(groups.values())


def drf_capabilities(rows, params, schema):
    """The kit's ?distinct=c and ?group_by=c&aggregate=count over filtered
    rows, ordered by ?ordering= (c, or count), by c by default; None when
    the request asks for neither.  400 on what the kit refuses."""
    if "distinct" not in params and "group_by" not in params:
        if "aggregate" in params:
            raise HttpError(400, {"aggregate": ["Needs group_by."]})
        return None
    if "fields" in params or ("distinct" in params and "group_by" in params):
        raise HttpError(400, {"detail": "distinct, group_by and fields do not combine."})
    count = "group_by" in params
    name = "group_by" if count else "distinct"
    columns = drf_member_list(name, params[name], schema)
    if len(columns) != 1:
        raise HttpError(400, {name: ["One member."]})
    if count and params.get("aggregate") != "count":
        raise HttpError(400, {"aggregate": ["Only count."]})
    if not count and "aggregate" in params:
        raise HttpError(400, {"aggregate": ["Needs group_by."]})
    column = columns[0]
    groups = drf_groups(rows, column, schema, count)
    specs = []
    for term in (params.get("ordering") or column).split(","):
        term = term.strip()
        desc = term.startswith("-")
        field = term[1:] if desc else term
        if field != column and not (count and field == "count"):
            raise HttpError(400, {"ordering": ["Not a grouped member: %s." % field]})
        specs.append((field, desc, desc))
    keys = dict(schema, count="int")
    specs.append((column, False, False))
    return sort_rows([dict(g, id=0) for g in groups], specs, keys), column


def positive_int(text, strict=False, cutoff=None):
    """DRF's _positive_int: parse, reject negatives (and 0 when strict)."""
    ret = int(text)
    if ret < 0 or (ret == 0 and strict):
        raise ValueError()
    if cutoff:
        return min(ret, cutoff)
    return ret


def drf_paginate(rows, cfg, params, url):
    """Wrap rows in a DRF pagination envelope according to cfg."""
    count = len(rows)
    if cfg["pagination"] == "page":
        size = cfg["page_size"]
        if "page_size" in params:
            try:
                size = positive_int(params["page_size"], strict=True,
                                    cutoff=cfg.get("max_page_size",
                                                   MAX_PAGE_SIZE))
            except ValueError:
                pass
        pages = max(1, -(-count // size))
        raw = params.get("page", "1")
        if raw == "last":
            raw = str(pages)
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1 or number > pages:
            raise HttpError(404, {"detail": "Invalid page."})
        start = (number - 1) * size
        nxt = replace_query_param(url, "page", number + 1) \
            if number < pages else None
        if number <= 1:
            prev = None
        elif number - 1 == 1:
            prev = remove_query_param(url, "page")
        else:
            prev = replace_query_param(url, "page", number - 1)
        page = rows[start:start + size]
    else:
        limit = cfg["default_limit"]
        if "limit" in params:
            try:
                limit = positive_int(params["limit"], strict=True,
                                     cutoff=cfg.get("max_limit"))
            except ValueError:
                pass
        try:
            offset = positive_int(params.get("offset", "0"))
        except ValueError:
            offset = 0
        page = rows[offset:offset + limit]
        if offset + limit >= count:
            nxt = None
        else:
            nxt = replace_query_param(
                replace_query_param(url, "limit", limit),
                "offset", offset + limit)
        if offset <= 0:
            prev = None
        else:
            base = replace_query_param(url, "limit", limit)
            if offset - limit <= 0:
                prev = remove_query_param(base, "offset")
            else:
                prev = replace_query_param(base, "offset", offset - limit)
    return {"count": count, "next": nxt, "previous": prev, "results": page}


def drf_check_auth(headers):
    """Enforce the secure collection's Bearer/Basic authentication."""
    auth = headers.get("Authorization")
    unauth = HttpError(
        401, {"detail": "Authentication credentials were not provided."},
        {"WWW-Authenticate": 'Basic realm="api"'})
    if not auth:
        raise unauth
    scheme, _, cred = auth.strip().partition(" ")
    cred = cred.strip()
    if scheme.lower() == "bearer" and cred:
        if cred == BEARER_TOKEN:
            return
        raise HttpError(
            403, {"detail": "You do not have permission to perform this action."})
    if scheme.lower() == "basic" and cred:
        try:
            user, _, pw = base64.b64decode(cred, validate=True).decode(
                "utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            raise unauth
        if user == BASIC_USER and pw == BASIC_PASSWORD:
            return
    raise unauth


def drf_validate(name, body, partial, exclude_id):
    """Validate/normalize a DRF write body; returns the cleaned members."""
    if not isinstance(body, dict):
        raise HttpError(400, {"non_field_errors": [
            "Invalid data. Expected a dictionary, but got %s." %
            type(body).__name__.replace("NoneType", "null")]})
    schema = SCHEMAS[name]
    errors = {}
    clean = {}
    for col, typ in schema.items():
        if col == "id":
            continue
        if col not in body:
            if col in REQUIRED.get(name, ()) and not partial:
                errors[col] = ["This field is required."]
            continue
        v = body[col]
        if col in REQUIRED.get(name, ()) and (v is None or v == ""):
            errors[col] = ["This field may not be null."] if v is None \
                else ["This field may not be blank."]
            continue
        if v is not None and name != "types":
            if typ == "numeric":
                d = to_decimal(v)
                if d is None:
                    errors[col] = ["A valid number is required."]
                    continue
                v = str(d.quantize(Decimal("0.01")))
            elif typ == "int":
                if isinstance(v, str) and re.fullmatch(r"-?[0-9]+", v.strip()):
                    v = int(v)
                if isinstance(v, bool) or not isinstance(v, int):
                    errors[col] = ["Incorrect type. Expected pk value, "
                                   "received %s." % type(v).__name__]
                    continue
            elif typ == "bool":
                if not isinstance(v, bool):
                    b = bool_word(str(v)) if isinstance(v, (str, int)) else None
                    if b is None:
                        errors[col] = ["Must be a valid boolean."]
                        continue
                    v = b
            elif typ == "date":
                try:
                    datetime.date.fromisoformat(v)
                except (TypeError, ValueError):
                    errors[col] = ["Date has wrong format. Use one of these "
                                   "formats instead: YYYY-MM-DD."]
                    continue
            elif typ == "text[]":
                if not isinstance(v, list):
                    errors[col] = ['Expected a list of items but got type "%s".'
                                   % type(v).__name__]
                    continue
        clean[col] = v
    for col in UNIQUE.get(name, {}):
        if col in clean and col not in errors:
            for row in STATE.data[name]:
                if row.get(col) == clean[col] and row.get("id") != exclude_id:
                    errors[col] = ["%s with this %s already exists." %
                                   (name.rstrip("s"), col)]
    if errors:
        raise HttpError(400, errors)
    return clean


def parse_json_body(body, ctype, error):
    """Parse a request body as JSON or raise the given HttpError factory."""
    if ctype and not ctype.split(";")[0].strip().lower().endswith("json"):
        raise HttpError(415, {"detail": 'Unsupported media type "%s" in request.'
                              % ctype})
    try:
        return loads(body)
    except (ValueError, UnicodeDecodeError):
        raise error()


def drf_etag(row):
    """The strong ETag of an item: a digest of its JSON text."""
    return '"%s"' % hashlib.sha1(dumps(row).encode()).hexdigest()[:16]


def drf_check_if_match(req, row):
    """412 unless an If-Match header names the item's current ETag."""
    wanted = req.headers.get("If-Match")
    if wanted is None:
        return
    tags = [t.strip() for t in wanted.split(",")]
    if "*" not in tags and drf_etag(row) not in tags:
        raise HttpError(412, {"detail": "Precondition failed."})


def handle_drf(req, key, ident):
    """Route a DRF request for collection key (ident: path id or None)."""
    if DRF[key].get("etag"):
        resp = handle_drf_rows(req, key, ident)
        if ident is not None or req.method == "POST":
            row = getattr(resp, "row", None)
            if row is not None:
                resp.headers.append(("ETag", drf_etag(row)))
        return resp
    return handle_drf_rows(req, key, ident)


def item_response(status, row):
    """A response that carries its item, for the ETag."""
    resp = Response(status, row)
    resp.row = row
    return resp


def handle_drf_rows(req, key, ident):
    """A DRF request for collection key (ident: path id or None)."""
    cfg = DRF[key]
    name = cfg["data"]
    schema = SCHEMAS[name]
    rows = STATE.data[name]
    if cfg.get("auth"):
        drf_check_auth(req.headers)
    method = req.method
    not_found = HttpError(404, {"detail": "Not found."})

    def body():
        """The parsed JSON request body (DRF error on failure)."""
        return parse_json_body(
            req.body, req.headers.get("Content-Type"),
            lambda: HttpError(400, {"detail": "JSON parse error"}))

    if ident is None:
        if method == "GET":
            params = req.params_last()
            result = drf_filter(rows, cfg, params, schema)
            grouped = drf_capabilities(result, params, schema) \
                if cfg.get("capabilities") else None
            fields = drf_member_list("fields", params["fields"], schema) \
                if cfg.get("capabilities") and "fields" in params else None
            if grouped is not None:
                dropped = ("id", "count") if cfg["capabilities"] == "no_count" else ("id",)
                result = [{k: v for k, v in g.items() if k not in dropped}
                          for g in grouped[0]]
            elif cfg.get("ties") == "per_page":
                result = drf_order_per_page(result, cfg, params, schema)
            else:
                result = drf_order(result, cfg, params, schema)
            if fields is not None:
                result = [{k: r.get(k) for k in fields} for r in result]
            if cfg["pagination"] is None:
                return Response(200, result)
            if (cfg["pagination"] == "limitoffset"
                    and cfg["default_limit"] is None and "limit" not in params):
                return Response(200, result)  # DRF: no limit, no pagination
            return Response(200, drf_paginate(result, cfg, params, req.full_url()))
        if method == "POST":
            data = body()
            clean = drf_validate(name, data, False, None)
            row = {"id": next_id(rows)}
            # a writable id (as rest_fdw.move_table needs), when it is free
            given = data.get("id") if isinstance(data, dict) else None
            if cfg.get("accept_id") and isinstance(given, int) \
                    and not isinstance(given, bool) and find_row(rows, given) is None:
                row = {"id": given}
            for col in schema:
                if col != "id":
                    row[col] = clean.get(col, DEFAULTS.get(name, {}).get(col))
            rows.append(row)
            return item_response(201, row)
        raise HttpError(405, {"detail": 'Method "%s" not allowed.' % method},
                        {"Allow": "GET, POST, HEAD, OPTIONS"})
    ident = parse_int_id(ident)
    row = find_row(rows, ident) if ident is not None else None
    if method not in ("GET", "PUT", "PATCH", "DELETE"):
        raise HttpError(405, {"detail": 'Method "%s" not allowed.' % method},
                        {"Allow": "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"})
    if row is None:
        raise not_found
    if method == "GET":
        return item_response(200, row)
    if cfg.get("etag"):
        drf_check_if_match(req, row)
    if method == "DELETE":
        rows.remove(row)
        return Response(204)
    clean = drf_validate(name, body(), method == "PATCH", row["id"])
    if method == "PUT":
        for col in schema:
            if col != "id":
                row[col] = clean.get(col, DEFAULTS.get(name, {}).get(col))
    else:
        row.update(clean)
    return item_response(200, row)


# ---------------------------------------------------------------------------
# PostgREST emulation
# ---------------------------------------------------------------------------

PG_TYPE_NAMES = {"int": "integer", "numeric": "numeric", "float":
                 "double precision", "bool": "boolean", "date": "date",
                 "uuid": "uuid", "time": "time without time zone",
                 "timestamp": "timestamp without time zone",
                 "timestamptz": "timestamp with time zone"}


class PgInfinity:
    """PostgreSQL's date 'infinity' (sign 1) or '-infinity' (sign -1): after
    or before every date, compared here with dates' ISO text."""

    def __init__(self, sign):
        self.sign = sign

    def __eq__(self, other):
        return isinstance(other, PgInfinity) and other.sign == self.sign

    def __hash__(self):
        return self.sign

    def __lt__(self, other):
        return self.sign < 0 and self != other

    def __gt__(self, other):
        return self.sign > 0 and self != other

    def __le__(self, other):
        return self.sign < 0 or self == other

    def __ge__(self, other):
        return self.sign > 0 or self == other


class PgCollection:
    """Evaluation context for one PostgREST request."""

    def __init__(self, name):
        """Bind to the data set name."""
        self.name = name
        self.schema = SCHEMAS[name]

    def column(self, col):
        """Validate a column name (42703 if unknown)."""
        if col not in self.schema:
            raise pg_error(400, "42703", "column %s.%s does not exist"
                           % (self.name, col))
        return col

    def cast(self, col, text):
        """Convert filter text to the column's comparison domain."""
        typ = self.schema[col]
        if typ in NUMERIC_TYPES:
            d = to_decimal(text)
            if d is None or (typ == "int" and not re.fullmatch(
                    r"\s*[+-]?[0-9]+\s*", text)):
                raise pg_error(400, "22P02", 'invalid input syntax for type %s: "%s"'
                               % (PG_TYPE_NAMES[typ], text))
            return d
        if typ == "bool":
            b = {"true": True, "t": True, "yes": True, "on": True, "1": True,
                 "false": False, "f": False, "no": False, "off": False,
                 "0": False}.get(text.strip().lower())
            if b is None:
                raise pg_error(400, "22P02", 'invalid input syntax for type '
                               'boolean: "%s"' % text)
            return b
        if typ == "date":
            if text in ("infinity", "-infinity"):
                return PgInfinity(-1 if text[0] == "-" else 1)
            try:
                datetime.date.fromisoformat(text)
            except ValueError:
                raise pg_error(400, "22007", 'invalid input syntax for type '
                               'date: "%s"' % text)
        if typ == "instant":
            t = to_instant(text)
            if t is None:
                raise pg_error(400, "22007", 'invalid input syntax for type '
                               'timestamp with time zone: "%s"' % text)
            return t
        return text

    def stored(self, col, row):
        """A row's value in the column's comparison domain (None = NULL)."""
        v = row.get(col)
        if v is None:
            return None
        typ = self.schema[col]
        if typ in NUMERIC_TYPES:
            return to_decimal(v)
        if typ == "bool":
            return v if isinstance(v, bool) else None
        if typ == "instant":
            return to_instant(v)
        return as_text(v)

    def condition(self, col, negate, op, value):
        """Compile a parsed filter on column col into a row test (three-
        valued: True, False or None)."""
        self.column(col)
        if op == "is":
            word = value.lower()

            def test(row):
                """IS test (never NULL)."""
                v = row.get(col)
                if word == "null" or word == "unknown":
                    return v is None
                return v is (word == "true")
        elif op == "in":
            items = [self.cast(col, p) for p in value]

            def test(row):
                """IN list (NULL when the value is NULL)."""
                v = self.stored(col, row)
                return None if v is None else v in items
        elif op in ("like", "ilike"):
            rx = re.compile(like_regex(value), re.S | (
                re.I if op == "ilike" else 0))

            def test(row):
                """LIKE / ILIKE."""
                v = row.get(col)
                return None if v is None else bool(rx.fullmatch(as_text(v)))
        else:
            ref = self.cast(col, value)
            fn = {"eq": lambda a, b: a == b, "neq": lambda a, b: a != b,
                  "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
                  "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b}[op]

            def test(row):
                """Scalar comparison (NULL when the value is NULL)."""
                v = self.stored(col, row)
                if v is None:
                    return None
                try:
                    return fn(v, ref)
                except TypeError:
                    return None
        if not negate:
            return test
        return lambda row: (lambda r: None if r is None else not r)(test(row))

    def compile(self, node):
        """Compile a parsed logic tree into a row test."""
        if node[0] == "filter":
            return self.condition(*node[1:])
        _, kind, negate, terms = node
        tests = [self.compile(t) for t in terms]

        def test(row):
            """Three-valued AND/OR over the terms."""
            vals = [t(row) for t in tests]
            if kind == "or":
                r = True if True in vals else (None if None in vals else False)
            else:
                r = False if False in vals else (None if None in vals else True)
            if negate and r is not None:
                r = not r
            return r
        return test

    def where(self, pairs):
        """Compile all filter parameters into one predicate."""
        tests = [self.compile(postgrest.parse_filter(key, value))
                 for key, value in pairs if key not in postgrest.RESERVED]
        return lambda row: all(t(row) is True for t in tests)

    def project(self, row, cols):
        """A full PostgreSQL-like row: every (selected) column, in order."""
        return {c: row.get(c) for c in (cols or self.schema)}

    def check_write(self, obj, exclude_row=None):
        """Validate a write object: known columns, NOT NULL and UNIQUE."""
        if not isinstance(obj, dict):
            raise pg_error(400, "PGRST102", "All object keys must match")
        for col in obj:
            if col not in self.schema:
                raise pg_error(400, "PGRST204",
                               "Could not find the '%s' column of '%s' in the "
                               "schema cache" % (col, self.name))
        for col in REQUIRED.get(self.name, ()):
            if col in obj and obj[col] is None:
                raise pg_error(400, "23502", 'null value in column "%s" of '
                               'relation "%s" violates not-null constraint'
                               % (col, self.name))
        for col, cname in UNIQUE.get(self.name, {}).items():
            if col in obj:
                for row in STATE.data[self.name]:
                    if row is not exclude_row and row.get(col) == obj[col]:
                        raise pg_error(
                            409, "23505", 'duplicate key value violates unique'
                            ' constraint "%s"' % cname,
                            "Key (%s)=(%s) already exists." % (col, as_text(obj[col])))


# the Content-Range of a write's answer
WRITE_RANGE = {"Content-Range": postgrest.content_range(0, 0)}


def handle_pg(req, name):
    """Route a PostgREST request on data set name."""
    pg = PgCollection(name)
    rows = STATE.data[name]
    pairs = req.params_list()
    params = dict(pairs)
    prefs = postgrest.prefer(req.headers)
    representation = prefs.get("return") == "representation"
    cols = postgrest.parse_select(params.get("select"), pg.column)
    method = req.method
    single = "application/vnd.pgrst.object+json" in (
        req.headers.get("Accept") or "")

    def result(status, out, extra=None):
        """Build the response, honouring the single-object Accept."""
        headers = dict(extra or {})
        if single:
            if len(out) != 1:
                raise pg_error(406, "PGRST116", "JSON object requested, "
                               "multiple (or no) rows returned",
                               "The result contains %d rows" % len(out))
            return Response(status, out[0], headers,
                            "application/vnd.pgrst.object+json; charset=utf-8")
        return Response(status, out, headers, postgrest.CTYPE)

    def body():
        """The parsed JSON body (PGRST102 on failure)."""
        return parse_json_body(
            req.body, None, lambda: pg_error(
                400, "PGRST102", "Empty or invalid json"))

    if method == "GET":
        pred = pg.where(pairs)
        matched = [r for r in rows if pred(r)]
        matched = sort_rows(matched, postgrest.parse_order(
            params.get("order", ""), pg.column), pg.schema)
        total = len(matched)
        offset, limit = postgrest.parse_range(params)
        max_rows = PG_MAX_ROWS_OF.get(name, PG_MAX_ROWS)
        limit = max_rows if limit is None else min(limit, max_rows)
        exact = prefs.get("count") == "exact"
        if exact and offset > total:
            raise postgrest.range_not_satisfiable(offset, total)
        page = matched[offset:offset + max(limit, 0)]
        rng = postgrest.content_range(offset, len(page), total if exact else None)
        return result(200, [pg.project(r, cols) for r in page],
                      {"Content-Range": rng})
    if method == "POST":
        data = body()
        objs = data if isinstance(data, list) else [data]
        # a bulk insert takes objects with the same keys only
        if isinstance(data, list) and any(
                not isinstance(o, dict) or set(o) != set(objs[0]) for o in objs):
            raise pg_error(400, "PGRST102", "All object keys must match")
        # ON CONFLICT (primary key) DO NOTHING; other conflicts still fail
        ignore_dups = prefs.get("resolution") == "ignore-duplicates"
        created = []
        # one statement: it creates every row or none
        for obj in objs:
            pg.check_write(obj)
            for col in REQUIRED.get(name, ()):
                if obj.get(col) is None:
                    raise pg_error(400, "23502", 'null value in column "%s" of '
                                   'relation "%s" violates not-null constraint'
                                   % (col, name))
            for col, cname in UNIQUE.get(name, {}).items():
                if col in obj and any(r.get(col) == obj[col] for r in created):
                    raise pg_error(
                        409, "23505", 'duplicate key value violates unique'
                        ' constraint "%s"' % cname,
                        "Key (%s)=(%s) already exists." % (col, as_text(obj[col])))
            ident = obj.get("id")
            if isinstance(ident, int) and not isinstance(ident, bool):
                if find_row(rows + created, ident) is not None:
                    if ignore_dups:
                        continue
                    raise pg_error(409, "23505", 'duplicate key value violates '
                                   'unique constraint "%s_pkey"' % name,
                                   "Key (id)=(%d) already exists." % ident)
            else:
                ident = next_id(rows + created)
            row = {"id": ident}
            for col in pg.schema:
                if col != "id":
                    row[col] = obj.get(col, DEFAULTS.get(name, {}).get(col))
            created.append(row)
        rows.extend(created)
        if representation:
            return result(201, [pg.project(r, cols) for r in created],
                          WRITE_RANGE)
        return Response(201, None, WRITE_RANGE)
    if method in ("PATCH", "DELETE"):
        pred = pg.where(pairs)
        matched = [r for r in rows if pred(r)]
        if method == "PATCH":
            data = body()
            if len(matched) > 1 and any(c in data for c in UNIQUE.get(name, {})):
                col = next(c for c in UNIQUE[name] if c in data)
                raise pg_error(409, "23505", 'duplicate key value violates '
                               'unique constraint "%s"' % UNIQUE[name][col],
                               "Key (%s)=(%s) already exists."
                               % (col, as_text(data[col])))
            pg.check_write(data, matched[0] if matched else None)
            # the primary key changes too, unless another row has it
            new_id = data.get("id")
            if matched and new_id is not None and any(
                    r.get("id") == new_id and r not in matched for r in rows):
                raise pg_error(409, "23505", 'duplicate key value violates '
                               'unique constraint "%s_pkey"' % name,
                               "Key (id)=(%s) already exists." % as_text(new_id))
            for row in matched:
                row.update(data)
        else:
            for row in matched:
                rows.remove(row)
        if representation:
            return result(200, [pg.project(r, cols) for r in matched],
                          WRITE_RANGE)
        return Response(204, None, WRITE_RANGE)
    raise pg_error(405, "PGRST117", "Unsupported HTTP method: " + method)


# ---------------------------------------------------------------------------
# json-server 0.17 emulation
# ---------------------------------------------------------------------------


def js_get(obj, path):
    """lodash _.get with a dotted path."""
    for part in path.split("."):
        if isinstance(obj, dict) and part in obj:
            obj = obj[part]
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return None
    return obj


def js_has(obj, path):
    """lodash _.has with a dotted path."""
    for part in path.split("."):
        if isinstance(obj, dict) and part in obj:
            obj = obj[part]
        else:
            return False
    return True


def js_number(value):
    """JavaScript's String() of a JSON number: json-server holds numbers as
    doubles, so 9007199254740993 is 9007199254740992 there, 9.90 is 9.9 and
    1e21 is 1e+21."""
    f = float(value)
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "Infinity" if f > 0 else "-Infinity"
    if f == 0:
        return "0"
    text = repr(f)             # the shortest digits that read back as f
    negative = text.startswith("-")
    mantissa, _, exp = text.lstrip("-").partition("e")
    whole, _, frac = mantissa.partition(".")
    all_digits = whole + frac
    digits = all_digits.lstrip("0")
    n = len(whole) - (len(all_digits) - len(digits)) + (int(exp) if exp else 0)
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * -n + digits
    else:
        e = n - 1
        out = digits[0] + ("." + digits[1:] if k > 1 else "") + \
            "e" + ("-" if e < 0 else "+") + str(abs(e))
    return ("-" if negative else "") + out


def js_is_number(value):
    """Is a JSON value a number (not a boolean)?"""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def js_view(value):
    """A JSON value as json-server holds and serves it: numbers as doubles."""
    if js_is_number(value):
        num = JNum(js_number(value)) if js_number(value) not in (
            "NaN", "Infinity", "-Infinity") else None
        if num is not None:
            num.raw = js_number(value)
        return num
    if isinstance(value, dict):
        return {k: js_view(v) for k, v in value.items()}
    if isinstance(value, list):
        return [js_view(v) for v in value]
    return value


def js_str(value):
    """JavaScript's String(value) for JSON values."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return ",".join("" if v is None else js_str(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, str):
        return value
    return js_number(value)


JS_NUMBER_RE = re.compile(
    r"[+-]?(Infinity|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)")


def js_to_number(value):
    """JavaScript's ToNumber of a primitive; None for NaN."""
    if value is True:
        return 1.0
    if value is False:
        return 0.0
    if js_is_number(value):
        return float(value)
    text = value.strip(" \t\n\r\v\f\u00a0\ufeff")
    if text == "":
        return 0.0
    if JS_NUMBER_RE.fullmatch(text):
        return float(text.replace("Infinity", "inf"))
    m = re.fullmatch(r"0([xXoObB])([0-9a-fA-F]+)", text)
    if m:
        try:
            return float(int(m.group(2), {"x": 16, "o": 8, "b": 2}[
                m.group(1).lower()]))
        except ValueError:
            return None
    return None


def js_less(a, b, or_equal):
    """JavaScript's a < b (a <= b with or_equal) for JSON values: strings
    compare by UTF-16 code units, anything else as numbers."""
    pa = js_str(a) if isinstance(a, (list, dict)) else a
    pb = js_str(b) if isinstance(b, (list, dict)) else b
    if isinstance(pa, str) and isinstance(pb, str):
        ka, kb = pa.encode("utf-16-be"), pb.encode("utf-16-be")
        return ka <= kb if or_equal else ka < kb
    na, nb = js_to_number(pa), js_to_number(pb)
    if na is None or nb is None:
        return False
    return na <= nb if or_equal else na < nb


def js_cmp(a, b):
    """Compare two values as lodash's orderBy does (JavaScript < and >)."""
    if js_less(a, b, False):
        return -1
    if js_less(b, a, False):
        return 1
    return 0


def js_response(status, body, headers=None):
    """A json-server style (2-space indented) JSON response."""
    return Response(status, body, headers,
                    "application/json; charset=utf-8", indent=2)


def handle_js(req, name, ident):
    """Route a json-server request on data set name."""
    rows = STATE.data[name]
    method = req.method

    def body():
        """Parsed JSON body (400 on failure)."""
        return parse_json_body(req.body, None, lambda: HttpError(
            400, {"error": "invalid JSON body"}))

    if ident is not None:
        row = next((r for r in rows if js_str(r.get("id")) == ident), None)
        if row is None or method not in ("GET", "PUT", "PATCH", "DELETE"):
            return js_response(404, {})
        if method == "GET":
            return js_response(200, js_view(row))
        if method == "DELETE":
            rows.remove(row)
            return js_response(200, {})
        data = body()
        if not isinstance(data, dict):
            return js_response(400, {})
        rid = row["id"]
        if method == "PUT":
            row.clear()
        row.update({k: v for k, v in data.items() if k != "id"})
        row["id"] = rid
        return js_response(200, js_view(row))
    if method == "POST":
        data = body()
        if not isinstance(data, dict):
            return js_response(400, {})
        if data.get("id") is not None:
            if any(js_str(r.get("id")) == js_str(data["id"]) for r in rows):
                return Response(500, "Error: Insert failed, duplicate id",
                                ctype="text/plain; charset=utf-8")
            row = dict(data)
        else:
            row = {k: v for k, v in data.items() if k != "id"}
            row["id"] = next_id(rows)
        rows.append(row)
        return js_response(201, js_view(row))
    if method != "GET":
        return js_response(404, {})
    query = {}
    for k, v in req.params_list():
        query.setdefault(k, []).append(v)
    special = {k: query.pop(k)[-1] for k in list(query)
               if k in ("q", "_start", "_end", "_limit", "_page", "_sort",
                        "_order", "_embed", "_expand")}
    for k in list(query):
        if k in ("callback", "_") or re.search(r"_(lte|gte|ne|like)$", k):
            continue
        if not any(js_has(r, k) for r in rows):
            del query[k]
    result = [js_view(r) for r in rows]
    if special.get("q"):
        q = special["q"].lower()

        def hit(v):
            """Full-text search over nested string values."""
            if isinstance(v, dict):
                return any(hit(x) for x in v.values())
            if isinstance(v, list):
                return any(hit(x) for x in v)
            return isinstance(v, str) and q in v.lower()
        result = [r for r in result if hit(r)]
    for key, values in query.items():
        if key in ("callback", "_"):
            continue
        m = re.search(r"_(lte|gte|ne|like)$", key)
        kind = m.group(1) if m else "eq"
        path = key[:m.start()] if m else key

        def match(row, value, kind=kind, path=path):
            """One json-server filter value against one row."""
            ev = js_get(row, path)
            if ev is None:
                return False
            if kind == "gte":
                return js_less(value, ev, True)
            if kind == "lte":
                return js_less(ev, value, True)
            if kind == "ne":
                return value != js_str(ev)
            if kind == "like":
                try:
                    return re.search(value, js_str(ev), re.I) is not None
                except re.error:
                    return False
            return value == js_str(ev)
        if kind == "like":
            result = [r for r in result if all(match(r, v) for v in values)]
        else:
            result = [r for r in result if any(match(r, v) for v in values)]
    if special.get("_sort"):
        fields = special["_sort"].split(",")
        orders = special.get("_order", "").lower().split(",")

        def cmp(a, b):
            """lodash orderBy comparison (nulls last ascending)."""
            for i, f in enumerate(fields):
                desc = i < len(orders) and orders[i] == "desc"
                va, vb = js_get(a, f), js_get(b, f)
                if va is None and vb is None:
                    continue
                if va is None or vb is None:
                    c = 1 if va is None else -1
                else:
                    c = js_cmp(va, vb)
                if c:
                    return -c if desc else c
            return 0
        result = sorted(result, key=cmp_to_key(cmp))
    headers = []

    def js_int(text, default):
        """JavaScript parseInt(text, 10) || default."""
        m = re.match(r"\s*([+-]?\d+)", text or "")
        return int(m.group(1)) if m and int(m.group(1)) else default

    if special.get("_end") or special.get("_limit") or special.get("_page"):
        headers.append(("X-Total-Count", str(len(result))))
        headers.append(("Access-Control-Expose-Headers", "X-Total-Count" + (
            ", Link" if special.get("_page") else "")))
    if special.get("_page"):
        page = js_int(special["_page"], 1)
        page = page if page >= 1 else 1
        per = js_int(special.get("_limit"), 10)
        start, end = (page - 1) * per, page * per
        items = result[start:end]
        links = []
        if items and len(items) != len(result):
            full = req.full_url()
            cur = "page=%d" % page

            def link(n):
                """The full URL with the page number replaced (first hit)."""
                return full.replace(cur, "page=%d" % n, 1)
            links.append(("first", link(1)))
            if page > 1:
                links.append(("prev", link(page - 1)))
            if end < len(result):
                links.append(("next", link(page + 1)))
            links.append(("last", link(-(-len(result) // per))))
        headers.append(("Link", ", ".join('<%s>; rel="%s"' % (u, r)
                                          for r, u in links)))
        result = items
    elif special.get("_end"):
        start = js_int(special.get("_start"), 0)
        result = result[start:js_int(special["_end"], 0)]
    elif special.get("_limit"):
        start = js_int(special.get("_start"), 0)
        result = result[start:start + js_int(special["_limit"], 0)]
    return js_response(200, result, headers)


# ---------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------

# ``close``: read the request, then close the connection without a response
# (libcurl: "Empty reply from server").
FAULT_KINDS = ("status", "hang", "drip", "truncate", "gzip_corrupt", "big",
               "redirect", "raw", "close")


def register_fault(params):
    """Validate and store a fault from /_fault query parameters."""
    if not params.get("path"):
        raise HttpError(400, "path is required\n", ctype="text/plain")
    kinds = [k for k in FAULT_KINDS if k in params]
    if len(kinds) != 1:
        raise HttpError(400, "exactly one of %s is required\n"
                        % ", ".join(FAULT_KINDS), ctype="text/plain")
    try:
        fault = {
            "path": params["path"],
            "method": params.get("method", "").upper() or None,
            "times": int(params.get("times", "1")),
            "after": int(params.get("after", "0")),
            "kind": kinds[0],
            "params": params,
        }
        for k in ("status", "big"):
            if k in params:
                int(params[k])
        for k in ("hang", "drip"):
            if k in params:
                float(params[k])
    except ValueError:
        raise HttpError(400, "bad numeric parameter\n", ctype="text/plain")
    STATE.faults.append(fault)


def take_fault(method, path):
    """Return the fault that applies to this request (consuming it) or None."""
    chosen = None
    for fault in list(STATE.faults):
        if fault["path"] != path or (fault["method"] and fault["method"] != method):
            continue
        if fault["after"] > 0:
            fault["after"] -= 1
            continue
        if chosen is None:
            chosen = fault
            if fault["times"] > 0:
                fault["times"] -= 1
                if fault["times"] == 0:
                    STATE.faults.remove(fault)
    return chosen


# ---------------------------------------------------------------------------
# OpenAPI documents (IMPORT FOREIGN SCHEMA tests)
# ---------------------------------------------------------------------------

OPENAPI_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi")
OPENAPI_TYPES = {".json": "application/vnd.oai.openapi+json",
                 ".yaml": "application/vnd.oai.openapi"}


def handle_openapi(name):
    """Serve test/openapi/<name> with drf-spectacular's content types."""
    ext = os.path.splitext(name)[1]
    path = os.path.join(OPENAPI_DIR, name)
    if (not re.fullmatch(r"[A-Za-z0-9_-]+\.[a-z]+", name)
            or ext not in OPENAPI_TYPES or not os.path.isfile(path)):
        raise HttpError(404, {"detail": "Not found."})
    with open(path, "rb") as f:
        return Response(200, f.read(), ctype=OPENAPI_TYPES[ext])


# ---------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------


def route_pg(req, name):
    """/api/pg/<name>: a PostgREST table (42P01 if there is none)."""
    if name not in PG_COLLECTIONS:
        raise pg_error(404, "42P01", 'relation "public.%s" does not exist' % name)
    return handle_pg(req, name)


def route_js(req, name, ident):
    """/api/js/<name>[/<id>]: a json-server collection."""
    if name not in JS_COLLECTIONS:
        raise HttpError(404, {"detail": "Not found."})
    return handle_js(req, name, urllib.parse.unquote(ident) if ident else None)


def route_drf(req, key, ident):
    """/api/<key>/[<id>/]: a DRF collection."""
    if key not in DRF:
        raise HttpError(404, {"detail": "Not found."})
    return handle_drf(req, key, ident)


ROUTES = server.Router(lambda req: HttpError(404, {"detail": "Not found."}))
ROUTES.add(r"/openapi/(.*)", lambda req, name: handle_openapi(name))
ROUTES.add(r"/api/pg/([A-Za-z_]+)", route_pg)
ROUTES.add(r"/api/js/([A-Za-z_]+)(?:/([^/]+))?/?", route_js)
ROUTES.add(r"/api/((?:plain/|capped/|optlimit/|etag/|cap/)?[A-Za-z_]+)/(?:([^/]+)/)?",
           route_drf)

# ---------------------------------------------------------------------------
# Control endpoints (/_*: not logged, no faults)
# ---------------------------------------------------------------------------

TEXT = "text/plain; charset=utf-8"


def control_log(req):
    """GET /_log[?headers=a,b]: the request log (with those headers), then
    cleared."""
    wanted = [h.strip().lower() for h in
              req.params_last().get("headers", "").split(",") if h.strip()]
    out = []
    for line, headers in STATE.log:
        for h in wanted:
            if h in headers:
                line += " [%s: %s]" % (h, headers[h])
        out.append(line + "\n")
    STATE.log = []
    return Response(200, "".join(out), ctype=TEXT)


def control_stats(req):
    """GET /_stats: connections and requests seen."""
    return Response(200, {"connections": STATE.connections,
                          "requests": STATE.requests})


def control_reset(req):
    """POST /_reset: back to the fixtures, no log, no faults."""
    STATE.reset()
    return Response(200, "ok", ctype=TEXT)


def control_fault(req):
    """POST /_fault?path=P&<kind>=...: register a fault."""
    params = req.params_last()
    if "raw" in params:
        # keep the raw body's bytes: it may be invalid UTF-8 on purpose
        params["raw"] = dict(urllib.parse.parse_qsl(
            req.query, keep_blank_values=True, encoding="latin-1"))["raw"]
    register_fault(params)
    return Response(200, "ok", ctype=TEXT)


_BLACKHOLE = []


def blackhole_port():
    """Port of a loopback listener whose accept queue is full and that
    never accepts (a connection attempt hangs until the client's connect
    timeout), created on first use."""
    if not _BLACKHOLE:
        lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lst.bind(("127.0.0.1", 0))
        lst.listen(0)
        addr = lst.getsockname()
        fillers = []
        # Linux queues backlog + 1 connections, then drops SYNs: fill the
        # queue with established connections that are never accepted.
        for _ in range(2):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.settimeout(1.0)
            try:
                c.connect(addr)
            except OSError:
                pass
            fillers.append(c)
        _BLACKHOLE.extend([lst] + fillers)
    return _BLACKHOLE[0].getsockname()[1]


def control_blackhole(req):
    """GET /_blackhole: the port of the never-accepting listener."""
    return Response(200, "%d" % blackhole_port(), ctype=TEXT)


CONTROL = server.Router(lambda req: HttpError(
    404, "unknown control endpoint\n", ctype=TEXT))
CONTROL.add("/_log", {"GET": control_log})
CONTROL.add("/_stats", {"GET": control_stats})
CONTROL.add("/_reset", {"POST": control_reset})
CONTROL.add("/_fault", {"POST": control_fault})
CONTROL.add("/_blackhole", {"GET": control_blackhole})

# ---------------------------------------------------------------------------
# HTTP plumbing
# ---------------------------------------------------------------------------


class Handler(server.Handler):
    """One connection: logs, fault-checks and answers its requests."""

    server_version = "rest_fdw_test_service/1.0"
    router = ROUTES
    gzip_min = GZIP_MIN

    def setup(self):
        """Per-connection setup; the connection is counted on first use."""
        super().setup()
        self.counted = False

    def serve(self):
        """Answer a control request, or log, fault-check and answer an
        API request."""
        if self.route_path.startswith("/_"):
            with STATE.lock:
                try:
                    resp = CONTROL.route(self)
                except HttpError as e:
                    resp = e.response
            self.send(resp)
            return
        with STATE.lock:
            self.record()
            fault = take_fault(self.command, self.route_path)
            if fault is not None and fault["params"].get("apply"):
                # the request takes effect; the fault replaces the answer
                try:
                    self.route()
                except HttpError:
                    pass
            if fault is None:
                resp = self.answer()
        if fault is not None:
            self.apply_fault(fault)
        else:
            self.send(resp)

    def record(self):
        """Count the request (and its connection) and log it."""
        STATE.requests += 1
        if not self.counted:
            self.counted = True
            STATE.connections += 1
        raw_path = self.path.encode("iso-8859-1").decode("utf-8", "replace")
        line = "%s %s" % (self.command, raw_path)
        if self.body:
            text = self.body.decode("utf-8", "replace")
            line += " " + text.replace("\r", "\\r").replace("\n", "\\n")
        STATE.log.append((line, {k.lower(): v for k, v in self.headers.items()}))

    def apply_fault(self, fault):
        """Answer the current request with an injected fault."""
        p = fault["params"]
        kind = fault["kind"]
        if kind == "status":
            status = int(p["status"])
            headers = {}
            if "retry_after" in p:
                headers["Retry-After"] = p["retry_after"]
            body = p.get("body")
            if body is None:
                body = dumps({"detail": "Injected fault %d." % status})
            self.send(Response(status, body.encode("utf-8"), headers,
                               p.get("content_type", "application/json")))
        elif kind == "raw":
            self.send(Response(200, p["raw"].encode("latin-1")))
        elif kind == "redirect":
            self.send(Response(302, b"", {"Location": p["redirect"]}))
        elif kind == "big":
            size = int(p["big"])
            pad = max(0, size - len('[{"id":1,"title":""}]'))
            self.send(Response(200, ('[{"id":1,"title":"%s"}]' % ("x" * pad))
                               .encode("ascii")))
        elif kind == "gzip_corrupt":
            self.send(Response(200, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
                               b"this is not deflate data at all",
                               {"Content-Encoding": "gzip"}))
        elif kind == "hang":
            time.sleep(float(p["hang"]))
            self.close_connection = True
        elif kind == "close":
            self.close_connection = True
        elif kind in ("drip", "truncate"):
            self.send_partial(kind, p)

    def send_partial(self, kind, p):
        """The drip and truncate faults: a body that never completes."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.flush()
        try:
            if kind == "truncate":
                self.wfile.write(b'[{"id":1,"')
                self.wfile.flush()
            else:
                deadline = time.monotonic() + float(p["drip"])
                self.wfile.write(b"[")
                self.wfile.flush()
                while time.monotonic() < deadline:
                    time.sleep(1)
                    self.wfile.write(b" ")
                    self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True


# ---------------------------------------------------------------------------
# TLS
# ---------------------------------------------------------------------------
#
# ``--tls-cert F --tls-key F [--tls-client-ca F] --tls-port-file F``: also
# serve the same API (same data, faults and log) over TLS on a second port.
# With --tls-client-ca, a client certificate is asked for (not required);
# the log shows its subject's CN as the request header X-Tls-Client-Cn.


class TLSHandler(Handler):
    """Handler for the TLS port: handshake in the worker thread."""

    def setup(self):
        """Finish the TLS handshake before reading the request."""
        self.request.settimeout(10)
        self.request.do_handshake()
        self.request.settimeout(None)
        super().setup()

    def parse_request(self):
        """Parse, then put the client certificate's CN in the headers."""
        if not super().parse_request():
            return False
        del self.headers["X-Tls-Client-Cn"]
        cert = self.request.getpeercert() or {}
        for rdn in cert.get("subject", ()):
            for key, value in rdn:
                if key == "commonName":
                    self.headers["X-Tls-Client-Cn"] = value
        return True

    def full_url(self):
        """Absolute https URL of the request."""
        return "https" + super().full_url()[len("http"):]


class TLSServer(server.Server):
    """The threaded server, over TLS."""

    context = None

    def get_request(self):
        """Wrap accepted sockets; the handshake happens in TLSHandler."""
        sock, addr = super().get_request()
        return self.context.wrap_socket(sock, server_side=True,
                                        do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        """Failed handshakes (a client refusing the certificate) are expected."""


def start_tls(args):
    """Serve TLS on a free port in a thread, if --tls-cert was given."""
    if not args.tls_cert:
        return
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.tls_cert, args.tls_key)
    if args.tls_client_ca:
        ctx.load_verify_locations(args.tls_client_ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL
    tls = TLSServer((args.host, 0), TLSHandler)
    tls.context = ctx
    threading.Thread(target=tls.serve_forever, daemon=True).start()
    if args.tls_port_file:
        tls.write_port_file(args.tls_port_file)


def main(argv=None):
    """Parse arguments, bind, publish the port and serve until SIGTERM."""
    global STATE
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--tls-client-ca")
    ap.add_argument("--tls-port-file")
    args = ap.parse_args(argv)
    STATE = State()
    srv = server.Server((args.host, args.port), Handler)
    start_tls(args)
    if args.port_file:
        srv.write_port_file(args.port_file)
    srv.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
