#!/usr/bin/env python3
"""Differential test of rest_fdw: foreign tables against local tables.

For each dialect (drf: a Django REST framework + django-filter service;
json-server: the real json-server 0.17; postgrest: the PostgREST emulation
of test/rest_service.py; odata: the real SAP CAP service of test/odata)
the same rows (data.py) live in the service and in
a local table.  Queries generated from a seed run on both; their outputs
must be equal:

- as lists when the ORDER BY is total;
- as multisets, and the ORDER BY keys in the same sequence, when the
  ORDER BY is partial;
- with LIMIT/OFFSET and no ORDER BY: as many rows, all of them rows of the
  query without LIMIT/OFFSET;
- an error must be the same SQLSTATE on both sides.

Besides, ternary logic partitioning (SQLancer's TLP): for a query q and a
predicate p, the foreign rows of q must be the multiset union of those of
q AND p, q AND NOT p and q AND (p) IS NULL (each of which is compared with
the local table too).

Query shapes: every comparison operator and Django lookup (in the SQL the
Django ORM writes), NOT/OR/AND trees with NULL literals and parameters,
IN/NOT IN/ANY/ALL with NULLs, empty arrays and lists long enough to be
split, LIKE/ILIKE with escapes, comparisons through casts and COLLATE,
ORDER BY with NULLS FIRST/LAST and COLLATE, LIMIT/OFFSET (0, NULL,
negative), count(*), count(DISTINCT), DISTINCT, GROUP BY, whole-row
references, joins and semi-joins with a local table and joins of the
table with itself (also as forced nested loops, where two tables of one
server are joined by the scan of the join), GROUP BY t.id over t LEFT JOIN
u ON u.grp = t.id with and without count() (Django's annotate(Count)) and
count(*) of it, prepared statements run with generic plans.

Each query is generated from (seed, dialect, number) alone, so that
"--seed S --dialect D --only N" runs it again.  A mismatch is shrunk
(clauses and subexpressions removed while it still mismatches) and printed
with its seed, the original and the shrunk query, both outputs, EXPLAIN
VERBOSE and the requests the service received.  Last line: "N passed, M
failed" (queries); the exit status is non-zero on any mismatch.

The services' URLs and logs come from the environment (run.sh sets them):
DIFFTEST_DRF_URL, DIFFTEST_DRF_LOG, DIFFTEST_JS_URL, DIFFTEST_JS_LOG,
DIFFTEST_PG_URL, DIFFTEST_JSONAPI_URL, DIFFTEST_JSONAPI_LOG,
DIFFTEST_OD_URL; the cluster from the libpq variables.
"""

import argparse
import collections
import datetime
import os
import random
import re
import sys
import threading
import time
import urllib.request
from decimal import Decimal, InvalidOperation

import psycopg
from psycopg.types.string import TextLoader

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402

# ---------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------

# The filters the DRF service declares (drfservice/oraclesvc/views.py),
# as rest_fdw's "filters" option names them.
TEXT_LOOKUPS = ["iexact", "lt", "lte", "gt", "gte", "in", "isnull",
                "startswith", "istartswith", "endswith", "iendswith",
                "contains", "icontains"]
ORDERED_LOOKUPS = ["lt", "lte", "gt", "gte", "in", "isnull"]
DRF_FILTERS = (["id", "id__lt", "id__lte", "id__gt", "id__gte", "id__in"] +
               [c + ("__" + lk if lk else "") for c in ("name", "tag")
                for lk in [""] + TEXT_LOOKUPS] +
               [c + ("__" + lk if lk else "") for c in ("grp", "num", "day", "at")
                for lk in [""] + ORDERED_LOOKUPS] +
               ["flag", "flag__isnull"])
# json-server 0.17 compares c=v and c_ne=v as text (String(value)) and
# c_gte/c_lte with JavaScript's < on the stored value: declared for the
# columns whose stored JSON makes that PostgreSQL's comparison (the
# timestamps' text has several offsets: none is declared for "at").
JS_FILTERS = ([c + s for c in ("id", "name", "tag", "grp", "num", "day", "flag")
               for s in ("", "__ne", "__in")] +
              [c + s for c in ("id", "grp", "num", "day")
               for s in ("__gte", "__lte")])
JS_ORDERING = "id, name, tag, grp, num, day, flag"

COLTYPES = dict(data.COLUMNS)
COLS = [c for c, _ in data.COLUMNS]
KIND = {"id": "int", "name": "text", "tag": "text", "grp": "int",
        "num": "num", "day": "date", "at": "ts", "flag": "bool"}
SQLTYPE = {"id": "bigint", "name": "text", "tag": "text", "grp": "integer",
           "num": "numeric", "day": "date", "at": "timestamptz",
           "flag": "boolean"}


class Dialect:
    """One dialect: its local table, foreign tables and request log."""

    def __init__(self, name, local, rows, num_type, foreign, logfn):
        self.name = name
        self.local = local
        self.rows = rows
        self.num_type = num_type
        self.foreign = foreign        # [(table, ddl)]
        self.logfn = logfn            # () -> opaque mark; (mark) -> lines


def http_get(url):
    """The body of a GET (text)."""
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode("utf-8", "replace")


def file_log(path):
    """A request log read from a growing file (offset marks)."""
    def mark():
        try:
            return os.path.getsize(path)
        except OSError:
            return 0

    def since(start):
        time.sleep(0.05)
        with open(path, "rb") as f:
            f.seek(start)
            text = f.read().decode("utf-8", "replace")
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
        return [ln for ln in text.splitlines() if ln.strip()]
    return mark, since


def service_log(base, root=None):
    """The test service's request log (GET /_log returns and clears it),
    or that of another service at root with the same endpoint."""
    root = root or re.sub(r"/api/.*$", "", base)

    def mark():
        http_get(root + "/_log")
        return None

    def since(_):
        return [ln for ln in http_get(root + "/_log").splitlines() if ln]
    return mark, since


def table_ddl(name, server, num_type, options):
    """CREATE FOREIGN TABLE for the oracle's columns."""
    cols = ",\n  ".join("%s %s" % (c, num_type if c == "num" else SQLTYPE[c])
                        for c in COLS)
    opts = ", ".join("%s '%s'" % (k, v.replace("'", "''")) for k, v in options)
    return "CREATE FOREIGN TABLE %s (\n  %s\n) SERVER %s OPTIONS (%s)" % (
        name, cols, server, opts)


def make_dialects():
    """The dialects, from the environment run.sh sets."""
    out = {}
    drf = os.environ.get("DIFFTEST_DRF_URL")
    if drf:
        filters = ", ".join(DRF_FILTERS)
        out["drf"] = Dialect(
            "drf", "l_drf", data.ROWS, "numeric(14,4)", [
                ("f_drf", table_ddl("f_drf", "s_drf", "numeric(14,4)", [
                    ("resource", "items/"), ("pagination", "limit"),
                    ("page_size", "50"), ("filters", filters),
                    ("ordering", "*"), ("collation_matches", "true")])),
                ("f_drfp", table_ddl("f_drfp", "s_drf_short", "numeric(14,4)", [
                    ("resource", "pitems/"), ("pagination", "page"),
                    ("page_size_param", "page_size"), ("filters", filters),
                    ("ordering", "*"), ("collation_matches", "true")])),
            ], file_log(os.environ["DIFFTEST_DRF_LOG"]))
        out["drf"].servers = [("s_drf", drf, "drf", []),
                              ("s_drf_short", drf, "drf",
                               [("max_url_length", "300")])]
    js = os.environ.get("DIFFTEST_JS_URL")
    if js:
        filters = ", ".join(JS_FILTERS)
        out["json-server"] = Dialect(
            "json-server", "l_js", data.json_server_rows(), "numeric", [
                ("f_js", table_ddl("f_js", "s_js", "numeric", [
                    ("resource", "items"), ("page_size", "6"),
                    ("filters", filters), ("ordering", JS_ORDERING)])),
                ("f_jss", table_ddl("f_jss", "s_js_short", "numeric", [
                    ("resource", "items"),
                    ("filters", filters), ("ordering", JS_ORDERING)])),
            ], file_log(os.environ["DIFFTEST_JS_LOG"]))
        out["json-server"].servers = [("s_js", js, "json-server", []),
                                      ("s_js_short", js, "json-server",
                                       [("max_url_length", "300")])]
    pg = os.environ.get("DIFFTEST_PG_URL")
    if pg:
        out["postgrest"] = Dialect(
            "postgrest", "l_pg", data.postgrest_rows(), "numeric", [
                ("f_pg", table_ddl("f_pg", "s_pg", "numeric", [
                    ("resource", "oracle"), ("collation_matches", "true")])),
                ("f_pgs", table_ddl("f_pgs", "s_pg_short", "numeric", [
                    ("resource", "oracle"), ("page_size", "5"),
                    ("collation_matches", "true")])),
            ], service_log(pg))
        out["postgrest"].servers = [("s_pg", pg, "postgrest", []),
                                    ("s_pg_short", pg, "postgrest",
                                     [("max_url_length", "300")])]
    ja = os.environ.get("DIFFTEST_JSONAPI_URL")
    if ja:
        out["jsonapi"] = jsonapi_dialect(ja)
    make_odata(out)
    return out


# The jsonapi dialect: djangorestframework-jsonapi over SQLite
# (test/jsonapi), the FilterSet of the DRF service.  SQLite compares and
# orders text by code point, as the cluster's C.UTF-8 does, but folds case
# for ASCII only: f_jao vouches for the collation (collation_matches) and
# so declares no case-insensitive lookup; f_ja declares every lookup and
# does not vouch.
JSONAPI_I_LOOKUPS = ("iexact", "istartswith", "iendswith", "icontains")


def jsonapi_dialect(url):
    """The jsonapi Dialect: numbered pages on items/, offsets on
    items-by-offset/."""
    exact_filters = [f for f in DRF_FILTERS
                     if f.rsplit("__", 1)[-1] not in JSONAPI_I_LOOKUPS]
    d = Dialect(
        "jsonapi", "l_ja", data.ROWS, "numeric(14,4)", [
            ("f_ja", table_ddl("f_ja", "s_ja", "numeric(14,4)", [
                ("resource", "items/"), ("page_size", "7"),
                ("filters", ", ".join(DRF_FILTERS)), ("ordering", "*")])),
            ("f_jao", table_ddl("f_jao", "s_ja_short", "numeric(14,4)", [
                ("resource", "items-by-offset/"), ("pagination", "limit"),
                ("page_size", "5"), ("filters", ", ".join(exact_filters)),
                ("ordering", "*"), ("collation_matches", "true")])),
        ], file_log(os.environ["DIFFTEST_JSONAPI_LOG"]))
    d.servers = [("s_ja", url, "jsonapi", []),
                 ("s_ja_short", url, "jsonapi", [("max_url_length", "300")])]
    return d


# --- odata: the real SAP CAP service (test/odata) ----------------------------

def make_odata(out):
    """The odata dialect, when run.sh started the CAP service: Items (one
    page) and ItemsPaged (pages of 5), every filter and sort by default;
    the service compares text by code points, as "C" does."""
    od = os.environ.get("DIFFTEST_OD_URL")
    if not od:
        return
    root = re.sub(r"/odata/.*$", "", od)
    out["odata"] = Dialect(
        "odata", "l_od", data.odata_rows(), "numeric", [
            ("f_od", table_ddl("f_od", "s_od", "numeric", [
                ("resource", "Items"), ("collation_matches", "true")])),
            ("f_ods", table_ddl("f_ods", "s_od_short", "numeric", [
                ("resource", "ItemsPaged"), ("collation_matches", "true")])),
        ], service_log(od, root))
    out["odata"].servers = [("s_od", od, "odata", []),
                            ("s_od_short", od, "odata",
                             [("max_url_length", "300")])]


# Joins of the table t with itself as u ({t}: the table's name), the
# conditions on u checked with the join or after it.
SELF_JOINS = ["JOIN {t} u ON t.grp = u.id", "LEFT JOIN {t} u ON t.grp = u.id",
              "LEFT JOIN {t} u ON u.id = t.grp AND u.flag",
              "JOIN {t} u ON t.grp = u.id AND u.name IS NOT NULL",
              "LEFT JOIN {t} u ON t.id = u.id", "JOIN {t} u ON u.id = t.id"]

# The local table joined with the foreign ones.
GROUP_JOINS = ["LEFT JOIN {t} u ON u.grp = t.id", "LEFT JOIN {t} u ON t.id = u.grp",
               "LEFT JOIN {t} u ON u.grp = t.id AND u.flag",
               "LEFT JOIN {t} u ON u.grp = t.id AND t.flag",
               "JOIN {t} u ON u.grp = t.id"]

JOIN_ROWS = [(1, 1, 1, "alpha"), (2, 2, 2, "Alpha"), (3, 3, None, None),
             (4, 5, 2, "a,b"), (5, 5, 2, ""), (6, 40, -3, "zeta"),
             (7, None, 0, "café"), (8, 44, 1, "alpha"), (9, 99, 5, "null"),
             (10, 20, 2147483647, "ſ"), (11, 7, None, "a%b_c"),
             (12, 13, 1, "snake_case")]


def setup(conn, dialects):
    """Create the extension, servers, local and foreign tables."""
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION IF NOT EXISTS rest_fdw")
    for d in dialects.values():
        for server, url, dialect, extra in d.servers:
            opts = [("base_url", url), ("dialect", dialect)] + extra
            cur.execute("DROP SERVER IF EXISTS %s CASCADE" % server)
            cur.execute("CREATE SERVER %s FOREIGN DATA WRAPPER rest_fdw OPTIONS (%s)"
                        % (server, ", ".join("%s '%s'" % kv for kv in opts)))
            cur.execute("CREATE USER MAPPING FOR PUBLIC SERVER %s" % server)
        cur.execute("DROP TABLE IF EXISTS %s" % d.local)
        cur.execute("CREATE TABLE %s (%s)" % (d.local, ", ".join(
            "%s %s" % (c, d.num_type if c == "num" else SQLTYPE[c]) for c in COLS)))
        cur.execute(data.insert_sql(d.local, d.rows))
        cur.execute("ANALYZE %s" % d.local)
        for _, ddl in d.foreign:
            cur.execute(ddl)
    cur.execute("DROP TABLE IF EXISTS j")
    cur.execute("CREATE TABLE j (k int PRIMARY KEY, id bigint, grp integer, name text)")
    cur.execute("INSERT INTO j VALUES " + ", ".join(
        "(%s)" % ", ".join(data.sql_literal(v) for v in r) for r in JOIN_ROWS))
    cur.execute("ANALYZE j")


def load_drf(dsn_db):
    """Load the rows into the DRF service's table (database drfsvc)."""
    with psycopg.connect(dbname=dsn_db, autocommit=True) as c:
        c.execute("TRUNCATE items")
        c.execute(data.insert_sql("items", data.ROWS))


# ---------------------------------------------------------------------
# Literals
# ---------------------------------------------------------------------

def q(text):
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


class Lit:
    """A literal: its SQL text and, when it may be a parameter of a
    prepared statement, the parameter's type and value."""

    def __init__(self, sql, ptype=None):
        self.sql = sql
        self.ptype = None if sql.startswith("NULL") else ptype
        m = re.fullmatch(r"(.*)::[a-z0-9_]+(\[\])?", sql, re.S)
        if sql.startswith("DATE "):
            self.pval = sql[5:]
        elif m and m.group(1).endswith("'"):
            self.pval = m.group(1)
        else:
            self.pval = sql


def ts_variants(text):
    """The same instant written differently."""
    t = datetime.datetime.fromisoformat(text)
    out = [t.isoformat(sep=" ")]
    for hours in (0, -3, 5.5):
        tz = datetime.timezone(datetime.timedelta(hours=hours))
        out.append(t.astimezone(tz).isoformat(sep=" "))
    return out


class Values:
    """Value pools per column, from the data set plus edge values."""

    def __init__(self, rows, num_type):
        self.rows = rows
        self.num_type = num_type
        self.pool = {}
        for c in COLS:
            vals = [r[c] for r in rows if r[c] is not None]
            self.pool[c] = vals

    def value(self, rng, col):
        """A literal value for col (SQL text of the column's type)."""
        kind = KIND[col]
        vals = self.pool[col]
        if kind == "int":
            if col == "id":
                cands = [str(rng.randint(-1, 46)), str(rng.choice([0, 1, 44, 45, 100]))]
            else:
                cands = [str(rng.choice(vals)), str(rng.choice([-1, 3, 4, 2147483647, -2147483648]))]
            return Lit(rng.choice(cands), SQLTYPE[col])
        if kind == "num":
            extra = ["9.9", "9.90", "9.900", "9.95", "10", "0", "-0", "0.00", "1e1",
                     "0.000001", "100.000", "-1.50", "12345678.9123"]
            v = rng.choice([str(rng.choice(vals)), rng.choice(extra)])
            return Lit(v, "numeric")
        if kind == "text":
            return Lit(q(self.text(rng, col)), "text")
        if kind == "date":
            extra = ["2024-02-28", "2024-01-02", "2023-12-31", "1970-01-02", "0001-01-01"]
            if rng.random() < 0.02:
                extra = ["infinity", "-infinity"]
            v = rng.choice([rng.choice(vals), rng.choice(extra)])
            return Lit("DATE " + q(v) if rng.random() < 0.5 else q(v) + "::date", "date")
        if kind == "ts":
            v = rng.choice(vals)
            if rng.random() < 0.3:
                v = rng.choice(["2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00.5+00:00",
                                "2023-12-31T23:59:59.999999+00:00", "2024-06-01T00:00:00+02:00"])
            v = rng.choice(ts_variants(v))
            return Lit(q(v) + "::timestamptz", "timestamptz")
        if kind == "bool":
            return Lit(rng.choice(["true", "false"]), "boolean")
        raise AssertionError(col)

    def text(self, rng, col):
        """A text value: one of the column's, changed a little, or odd."""
        vals = self.pool[col]
        r = rng.random()
        v = rng.choice(vals)
        if r < 0.55:
            return v
        if r < 0.65:
            return v.upper() if rng.random() < 0.5 else v.lower()
        if r < 0.75 and v:
            i = rng.randint(0, len(v))
            return v[:i] if rng.random() < 0.5 else v[i:]
        if r < 0.85:
            return v + rng.choice(["", " ", "x", "%", "_", "\\"])
        return rng.choice(["", " ", "null", "NULL", "is.null", "eq.x", "a,b",
                           "(x)", "x)", '"', "\\", "%", "_", "*", "a*", "+",
                           "&", "#", "a&b=c", "?", "%2C", "ΣΑΣ", "ς", "ß",
                           "SS", "\U0001F600", "\uFF46", "k", "K", "\u212A",
                           "İ", "i̇", "ı"])


# ---------------------------------------------------------------------
# Predicates (a small tree, rendered to SQL, shrinkable)
# ---------------------------------------------------------------------

class Node:
    """A predicate node."""

    def children(self):
        return []

    def simpler(self):
        """Simpler predicates to try when shrinking."""
        return list(self.children())


class Raw(Node):
    """A leaf: SQL text with literals that may become parameters."""

    def __init__(self, fmt, lits, shape):
        self.fmt = fmt            # text with {0}, {1} ... for the literals
        self.lits = lits
        self.shape = shape        # the leaf's shape for signatures
        self.alts = []            # simpler leaves

    def sql(self, ctx):
        return self.fmt.format(*[ctx.lit(x) for x in self.lits])

    def sig(self):
        return self.shape

    def simpler(self):
        return [a() if callable(a) else a for a in self.alts]


class Not(Node):
    def __init__(self, a):
        self.a = a

    def children(self):
        return [self.a]

    def sql(self, ctx):
        return "NOT (%s)" % self.a.sql(ctx)

    def sig(self):
        return "NOT (%s)" % self.a.sig()

    def replace(self, i, n):
        return Not(n)


class Bool(Node):
    def __init__(self, op, items):
        self.op = op
        self.items = items

    def children(self):
        return self.items

    def simpler(self):
        out = list(self.items)
        if len(self.items) > 2:
            for i in range(len(self.items)):
                out.append(Bool(self.op, self.items[:i] + self.items[i + 1:]))
        return out

    def sql(self, ctx):
        return "(" + (" %s " % self.op).join(x.sql(ctx) for x in self.items) + ")"

    def sig(self):
        return "(" + (" %s " % self.op).join(x.sig() for x in self.items) + ")"

    def replace(self, i, n):
        items = list(self.items)
        items[i] = n
        return Bool(self.op, items)


def tree_variants(node):
    """Every predicate one simplification step away from node."""
    out = list(node.simpler())
    for i, ch in enumerate(node.children()):
        for v in tree_variants(ch):
            out.append(node.replace(i, v))
    return out


class RenderCtx:
    """Rendering state: parameters collected when prepared."""

    def __init__(self, prepared):
        self.prepared = prepared
        self.params = []          # (type, value sql)

    def lit(self, x):
        if self.prepared and x.ptype:
            self.params.append((x.ptype, x.pval))
            return "$%d" % len(self.params)
        return x.sql


OPS = ["=", "<>", "<", "<=", ">", ">="]
COMMUTE = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class Gen:
    """The query generator of one dialect."""

    def __init__(self, dialect, collations):
        self.d = dialect
        self.vals = Values(dialect.rows, dialect.num_type)
        self.collations = collations

    # -- leaves -------------------------------------------------------

    def leaf(self, rng):
        kind = rng.choices(
            ["cmp", "nullcmp", "isnull", "in", "any", "like", "django",
             "between", "bool", "const", "cast", "collate", "distinct"],
            [24, 3, 6, 12, 7, 10, 8, 4, 5, 2, 5, 3, 2])[0]
        return getattr(self, "leaf_" + kind)(rng)

    def col(self, rng, kinds=None):
        cols = [c for c in COLS if kinds is None or KIND[c] in kinds]
        return rng.choice(cols)

    def leaf_cmp(self, rng):
        c = self.col(rng, ("int", "text", "num", "date", "ts", "bool") if rng.random() < 0.9
                     else ("int",))
        op = rng.choice(OPS)
        v = self.vals.value(rng, c)
        if rng.random() < 0.2:
            return Raw("{0} %s t.%s" % (COMMUTE[op], c), [v], "? %s %s" % (COMMUTE[op], c))
        return Raw("t.%s %s {0}" % (c, op), [v], "%s %s ?" % (c, op))

    def leaf_nullcmp(self, rng):
        c = self.col(rng)
        op = rng.choice(OPS)
        return Raw("t.%s %s NULL::%s" % (c, op, SQLTYPE[c]), [], "%s %s NULL" % (c, op))

    def leaf_isnull(self, rng):
        c = self.col(rng)
        neg = rng.random() < 0.5
        return Raw("t.%s IS %sNULL" % (c, "NOT " if neg else ""), [],
                   "%s IS %sNULL" % (c, "NOT " if neg else ""))

    def value_list(self, rng, c, n):
        out = []
        for _ in range(n):
            if rng.random() < 0.12:
                out.append(Lit("NULL"))
            else:
                out.append(self.vals.value(rng, c))
        return out

    def list_len(self, rng):
        r = rng.random()
        if r < 0.06:
            return rng.randint(60, 400)       # long enough to be split
        return rng.randint(1, 6)

    def in_leaf(self, c, neg, items):
        """c [NOT] IN (items), with shorter lists to shrink to."""
        has_null = any(x.sql == "NULL" for x in items)
        fmt = "t.%s %sIN (%s)" % (c, "NOT " if neg else "",
                                  ", ".join("{%d}" % i for i in range(len(items))))
        leaf = Raw(fmt, items, "%s %sIN (%s%s)" % (
            c, "NOT " if neg else "", "long" if len(items) > 20 else len(items),
            ", NULL" if has_null else ""))
        if len(items) > 1:
            leaf.alts.append(lambda: self.in_leaf(c, neg, items[:len(items) // 2]))
            leaf.alts.append(lambda: self.in_leaf(c, neg, items[len(items) // 2:]))
            nn = [x for x in items if x.sql != "NULL"]
            if nn and has_null:
                leaf.alts.append(lambda: self.in_leaf(c, neg, nn))
        return leaf

    def leaf_in(self, rng):
        c = self.col(rng, ("int", "text", "num", "date", "bool", "ts"))
        items = self.value_list(rng, c, self.list_len(rng))
        return self.in_leaf(c, rng.random() < 0.35, items)

    def leaf_any(self, rng):
        c = self.col(rng, ("int", "text", "num", "date"))
        t = SQLTYPE[c]
        r = rng.random()
        if r < 0.3:
            items = []
        else:
            items = [x.sql for x in self.value_list(rng, c, self.list_len(rng))]
        op, quant = rng.choice([("=", "ANY"), ("<>", "ALL"), ("=", "ALL"), ("<>", "ANY"),
                                ("<", "ANY"), (">=", "ALL")])
        if not items and rng.random() < 0.5:
            arr = "'{}'::%s[]" % t
            param = Lit(arr, t + "[]")
        else:
            arr = "ARRAY[%s]::%s[]" % (", ".join(items), t)
            param = Lit(arr, None)
            if "NULL" not in items and rng.random() < 0.5:
                inner = ",".join(
                    '"%s"' % re.sub(r"^'|'(::.*)?$|^DATE '", "", x).replace("''", "'")
                    .replace("\\", "\\\\").replace('"', '\\"') for x in items)
                param = Lit(q("{" + inner + "}") + "::%s[]" % t, t + "[]")
        shape = "%s %s %s(%s)" % (c, op, quant, "{}" if not items else
                                  ("long" if len(items) > 20 else "list") +
                                  (" NULL" if "NULL" in items else ""))
        return Raw("t.%s %s %s({0})" % (c, op, quant), [param], shape)

    def like_pattern(self, rng, col):
        v = self.vals.text(rng, col)
        if v and rng.random() < 0.5:
            i = rng.randint(0, len(v) - 1)
            v = v[i:i + rng.randint(1, 4)]
        esc = v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        form = rng.choice(["%s%%", "%%%s", "%%%s%%", "%s", "raw"])
        if form == "raw":
            return rng.choice(["%", "", "_", "%%", "a_c", "%a%b%", "\\%%", "%\\_%",
                               "_%", "%.%", "%,%", "% %", "%(%", '%"%', "%:%",
                               "*", "a*%", "%\\\\%", "al%a", "%\U0001F600%"])
        pat = form % (esc if rng.random() < 0.8 else v)
        # a pattern ending in an escape character is an error that a plan
        # raises or not by the rows it reaches (PostgreSQL promises no
        # order of evaluation): such a query has no one right answer
        if (len(pat) - len(pat.rstrip("\\"))) % 2 == 1:
            pat += "\\"
        return pat

    def leaf_like(self, rng):
        c = self.col(rng, ("text",))
        op = rng.choice(["LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE", "LIKE", "ILIKE"])
        pat = self.like_pattern(rng, c)
        return Raw("t.%s %s {0}" % (c, op), [Lit(q(pat), "text")], "%s %s ?" % (c, op))

    def leaf_django(self, rng):
        """The SQL Django's lookups compile to on PostgreSQL."""
        c = self.col(rng, ("text",))
        v = self.vals.text(rng, c)
        esc = v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        lk = rng.choice(["iexact", "contains", "icontains", "startswith",
                         "istartswith", "endswith", "iendswith", "exact", "in",
                         "range", "gt"])
        if lk == "iexact":
            return Raw("UPPER(t.%s::text) = UPPER({0})" % c, [Lit(q(v), "text")],
                       "UPPER(%s::text) = UPPER(?)" % c)
        if lk == "exact":
            return Raw("t.%s = {0}" % c, [Lit(q(v), "text")], "%s = ?" % c)
        if lk == "gt":
            return Raw("t.%s > {0}" % c, [Lit(q(v), "text")], "%s > ?" % c)
        if lk == "in":
            items = [Lit(q(self.vals.text(rng, c)), "text") for _ in range(rng.randint(1, 4))]
            return self.in_leaf(c, False, items)
        if lk == "range":
            a, b = sorted([self.vals.text(rng, c), self.vals.text(rng, c)])
            return Raw("t.%s BETWEEN {0} AND {1}" % c, [Lit(q(a), "text"), Lit(q(b), "text")],
                       "%s BETWEEN ? AND ?" % c)
        pat = {"contains": "%%%s%%", "icontains": "%%%s%%", "startswith": "%s%%",
               "istartswith": "%s%%", "endswith": "%%%s", "iendswith": "%%%s"}[lk] % esc
        if lk.startswith("i"):
            return Raw("UPPER(t.%s::text) LIKE UPPER({0})" % c, [Lit(q(pat), "text")],
                       "UPPER(%s::text) LIKE UPPER(?)" % c)
        return Raw("t.%s::text LIKE {0}" % c, [Lit(q(pat), "text")], "%s::text LIKE ?" % c)

    def leaf_between(self, rng):
        c = self.col(rng, ("int", "num", "date", "ts", "text"))
        a, b = self.vals.value(rng, c), self.vals.value(rng, c)
        neg = rng.random() < 0.3
        sym = "SYMMETRIC " if rng.random() < 0.2 else ""
        return Raw("t.%s %sBETWEEN %s{0} AND {1}" % (c, "NOT " if neg else "", sym), [a, b],
                   "%s %sBETWEEN %s? AND ?" % (c, "NOT " if neg else "", sym))

    def leaf_bool(self, rng):
        f = rng.choice(["t.flag", "NOT t.flag", "t.flag IS TRUE", "t.flag IS NOT TRUE",
                        "t.flag IS FALSE", "t.flag IS NOT FALSE", "t.flag IS UNKNOWN",
                        "t.flag = true", "t.flag <> false", "t.flag IS NOT UNKNOWN"])
        return Raw(f, [], f.replace("t.", ""))

    def leaf_const(self, rng):
        f = rng.choice(["true", "false", "NULL::boolean", "(1 = 1)", "(NULL::int = 1)"])
        return Raw(f, [], f)

    def leaf_cast(self, rng):
        """Comparisons through casts and functions."""
        k = rng.randint(0, 13)
        if k == 0:
            return Raw("t.id = {0}", [Lit(rng.choice(["1.0", "2.0", "5.00", "1.5", "44.0"]),
                                               "numeric")], "id = ?numeric")
        if k == 1:
            return Raw("t.grp = {0}", [Lit(rng.choice(["2.0", "2.5", "1.0", "0.0"]), "numeric")],
                       "grp = ?numeric")
        if k == 2:
            return Raw("t.id::numeric = {0}", [Lit(str(rng.randint(1, 44)), "numeric")],
                       "id::numeric = ?")
        if k == 3:
            return Raw("t.name::varchar(3) = {0}", [Lit(q(self.vals.text(rng, "name")[:3]), "text")],
                       "name::varchar(3) = ?")
        if k == 4:
            return Raw("lower(t.name) = {0}", [Lit(q(self.vals.text(rng, "name").lower()), "text")],
                       "lower(name) = ?")
        if k == 5:
            return Raw("t.at::date = {0}", [Lit(q(rng.choice(self.vals.pool["day"])) + "::date",
                                                "date")], "at::date = ?")
        if k == 6:
            return Raw("t.day = {0}", [Lit(q(rng.choice(self.vals.pool["day"]) + " 00:00:00")
                                           + "::timestamp", "timestamp")], "day = ?timestamp")
        if k == 7:
            return Raw("t.num::text = {0}", [Lit(q(rng.choice(["9.9", "9.90", "9.9000", "100",
                                                                "0.01", "100.00"])), "text")],
                       "num::text = ?")
        if k == 8:
            return Raw("t.grp::text = {0}", [Lit(q(rng.choice(["1", "2", "01", " 2"])), "text")],
                       "grp::text = ?")
        if k == 9:
            return Raw("t.num = {0}", [Lit(rng.choice(["9.9", "9.90", "100", "1e2", "0.010"]) +
                                           "::float8", "float8")], "num = ?float8")
        if k == 10:
            return Raw("t.id = {0}", [Lit(str(rng.randint(1, 44)) + "::int2", "smallint")],
                       "id = ?int2")
        if k == 11:
            return Raw("t.tag || '' = {0}", [Lit(q(self.vals.text(rng, "tag")), "text")],
                       "tag || '' = ?")
        if k == 12:
            return Raw("t.name = {0}", [Lit(q(self.vals.text(rng, "name")) + "::varchar",
                                            "varchar")], "name = ?varchar")
        return Raw("t.flag::text = {0}", [Lit(q(rng.choice(["true", "false", "t"])), "text")],
                   "flag::text = ?")

    def leaf_collate(self, rng):
        c = rng.choice(["name", "tag"])
        coll = rng.choice(self.collations)
        op = rng.choice(OPS)
        v = self.vals.text(rng, c)
        if rng.random() < 0.5:
            return Raw('t.%s %s {0} COLLATE "%s"' % (c, op, coll), [Lit(q(v), "text")],
                       '%s %s ? COLLATE "%s"' % (c, op, coll))
        return Raw('t.%s COLLATE "%s" %s {0}' % (c, coll, op), [Lit(q(v), "text")],
                   '%s COLLATE "%s" %s ?' % (c, coll, op))

    def leaf_distinct(self, rng):
        c = self.col(rng)
        v = self.vals.value(rng, c) if rng.random() < 0.8 else Lit("NULL::" + SQLTYPE[c])
        neg = rng.random() < 0.5
        return Raw("t.%s IS %sDISTINCT FROM {0}" % (c, "NOT " if neg else ""), [v],
                   "%s IS %sDISTINCT FROM ?" % (c, "NOT " if neg else ""))

    # -- trees --------------------------------------------------------

    def pred(self, rng, depth):
        if depth <= 0 or rng.random() < 0.45:
            return self.leaf(rng)
        r = rng.random()
        if r < 0.2:
            return Not(self.pred(rng, depth - 1))
        op = "AND" if r < 0.6 else "OR"
        return Bool(op, [self.pred(rng, depth - 1) for _ in range(rng.randint(2, 3))])

    # -- queries ------------------------------------------------------

    def query(self, rng):
        qy = Query(rng.choice([t for t, _ in self.d.foreign]))
        qy.prepared = rng.random() < 0.15
        shape = rng.choices(["rows", "count", "countlimit", "distinct", "group",
                             "join", "semi", "wholerow", "groupjoin"],
                            [50, 9, 4, 6, 4, 10, 4, 4, 5])[0]
        qy.shape = shape
        if rng.random() < 0.85:
            qy.where = self.pred(rng, rng.choice([0, 1, 1, 2, 2, 3]))
        if shape in ("rows", "wholerow", "join", "semi", "countlimit"):
            qy.cols = ["*"] if rng.random() < 0.25 else rng.sample(COLS, rng.randint(1, 4))
            if rng.random() < 0.5:
                qy.order = self.order(rng, allow_collate=True)
            if rng.random() < 0.45:
                qy.limit, qy.offset = self.limits(rng)
        elif shape == "count":
            qy.cols = [rng.choice(["count(*)", "count(*)", "count(t.%s)" % self.col(rng),
                                   "count(DISTINCT t.%s)" % self.col(rng)])]
        elif shape == "distinct":
            qy.cols = rng.sample(["grp", "tag", "flag", "day", "num", "name"], rng.randint(1, 2))
            if rng.random() < 0.5:
                qy.order = [(c, rng.choice(["", " DESC"]), rng.choice(["", " NULLS FIRST",
                                                                         " NULLS LAST"]), None)
                            for c in qy.cols]
                if rng.random() < 0.5:
                    qy.limit, qy.offset = self.limits(rng)
        elif shape == "group":
            qy.cols = [rng.choice(["grp", "flag", "tag", "day"])]
            if rng.random() < 0.5:
                qy.order = [(qy.cols[0], rng.choice(["", " DESC"]),
                             rng.choice(["", " NULLS FIRST"]), None)]
                if rng.random() < 0.5:
                    qy.limit, qy.offset = self.limits(rng)
        elif shape == "groupjoin":
            # Django's annotate(Count(...)) over a reverse relation (grp
            # points to id): GROUP BY t.id over t LEFT JOIN u, its count,
            # or the paginator's count of it
            qy.cols = ["id"] + rng.sample([c for c in COLS if c != "id"], rng.randint(0, 2))
            qy.join = rng.choice(GROUP_JOINS)
            qy.agg = rng.choice([None, None, "count(u.id)", "count(*)", "count(u.name)"])
            qy.wrap = rng.random() < 0.35
            if not qy.wrap and rng.random() < 0.5:
                qy.order = [(c, rng.choice(["", " DESC"]), rng.choice(["", " NULLS FIRST"]),
                             None) for c in rng.sample(qy.cols, rng.randint(1, len(qy.cols)))]
                if rng.random() < 0.6:
                    qy.limit, qy.offset = self.limits(rng)
        if shape == "join":
            if rng.random() < 0.5:
                qy.join = rng.choice(["JOIN j ON t.id = j.id", "LEFT JOIN j ON t.id = j.id",
                                      "JOIN j ON t.grp = j.grp", "JOIN j ON t.name = j.name",
                                      "RIGHT JOIN j ON t.id = j.id",
                                      "JOIN j ON j.id = t.id AND j.k > 3"])
            else:
                # the table joined to itself (two tables of one server):
                # grp as a foreign key to id, NULL and dangling ones too;
                # the scan of the join when PostgreSQL's joins are off
                qy.join = rng.choice(SELF_JOINS)
            qy.nestloop = rng.random() < (0.7 if "{t}" in qy.join else 0.4)
        if shape == "semi":
            qy.join = rng.choice(["WHERE t.id IN (SELECT id FROM j WHERE k > %d)" % rng.randint(0, 8),
                                  "WHERE t.grp IN (SELECT grp FROM j)",
                                  "WHERE EXISTS (SELECT 1 FROM j WHERE j.id = t.id)",
                                  "WHERE t.id NOT IN (SELECT id FROM j WHERE id IS NOT NULL)",
                                  "WHERE t.id = ANY (SELECT id FROM j)"])
            qy.nestloop = rng.random() < 0.4
        return qy

    def order(self, rng, allow_collate):
        items = []
        for c in rng.sample(COLS, rng.randint(1, 3)):
            coll = None
            if allow_collate and KIND[c] == "text" and rng.random() < 0.25:
                coll = rng.choice(self.collations)
            items.append((c, rng.choice(["", " ASC", " DESC"]),
                          rng.choice(["", "", " NULLS FIRST", " NULLS LAST"]), coll))
        return items

    def limits(self, rng):
        lim = rng.choice(["0", "1", "2", "3", "5", "8", "13", "20", "50", "ALL", "NULL",
                          None, None])
        off = rng.choice([None, None, "0", "1", "2", "5", "9", "20", "40", "NULL"])
        if rng.random() < 0.03:
            lim = "-1"
        if rng.random() < 0.03:
            off = "-2"
        if lim is None and off is None:
            lim = "3"
        return lim, off


class Query:
    """A generated query: renders against a table name."""

    def __init__(self, table):
        self.table = table
        self.shape = "rows"
        self.cols = ["*"]
        self.where = None
        self.order = []
        self.limit = None
        self.offset = None
        self.join = None
        self.nestloop = False
        self.prepared = False
        self.agg = None           # groupjoin: the aggregate, if any
        self.wrap = False         # groupjoin: SELECT count(*) FROM (...) s

    def copy(self, **kw):
        c = Query(self.table)
        c.__dict__.update(self.__dict__)
        c.__dict__.update(kw)
        return c

    def has_limit(self):
        return self.limit is not None or self.offset is not None

    def mode(self):
        """How outputs compare: list, keys, subset or bag."""
        if self.shape in ("count", "countlimit"):
            return "bag"
        if self.shape == "groupjoin":
            # the ORDER BY made total by t.id under a LIMIT only
            if self.has_limit():
                return "list" if self.order else "subset"
            return "bag"
        if self.shape in ("group", "distinct"):
            # ordered by every column of its distinct rows: total
            ordered = set(o[0] for o in self.order)
            if self.order and ordered >= set(self.cols):
                return "list"
            return "subset" if self.has_limit() else "bag"
        if self.has_limit():
            return "list" if self.order else "subset"
        return "keys" if self.order else "bag"

    def key_cols(self):
        """The columns that make an ORDER BY total."""
        if self.shape == "join" and "j ON" in self.join:
            return ["t.id", "j.k"]
        if self.shape == "join" and " u ON" in self.join:
            return ["t.id", "u.id"]
        return ["t.id"]

    def render(self, table, ctx, strip_limit=False):
        """SQL text for table, parameters into ctx."""
        lim, off = (None, None) if strip_limit else (self.limit, self.offset)
        if self.shape == "groupjoin":
            return self.render_groupjoin(table, ctx, lim, off)
        sel = self.select_list()
        frm = "%s t" % table
        where = []
        if self.join and self.shape == "join":
            frm += " " + self.join.replace("{t}", table)
        if self.join and self.shape == "semi":
            where.append(self.join[len("WHERE "):])
        if self.where is not None:
            where.append(self.where.sql(ctx))
        sql = "SELECT %s FROM %s" % (sel, frm)
        if self.shape == "countlimit":
            inner = "SELECT %s FROM %s" % (sel, frm)
            if where:
                inner += " WHERE " + " AND ".join("(%s)" % w for w in where)
            inner += self.order_sql(lim is not None or off is not None)
            inner += self.limit_sql(lim, off)
            return "SELECT count(*) FROM (%s) s" % inner
        if where:
            sql += " WHERE " + " AND ".join("(%s)" % w for w in where)
        if self.shape == "group":
            sql += " GROUP BY t.%s" % self.cols[0]
        sql += self.order_sql(lim is not None or off is not None)
        sql += self.limit_sql(lim, off)
        return sql

    def render_groupjoin(self, table, ctx, lim, off):
        cols = ", ".join("t." + c for c in self.cols)
        sql = "SELECT %s%s FROM %s t %s" % (cols, ", " + self.agg if self.agg else "", table,
                                           self.join.replace("{t}", table))
        if self.where is not None:
            sql += " WHERE " + self.where.sql(ctx)
        sql += " GROUP BY " + cols
        if self.wrap:
            return "SELECT count(*) FROM (%s) s" % sql
        return sql + self.order_sql(lim is not None or off is not None) + \
            self.limit_sql(lim, off)

    def select_list(self):
        if self.shape in ("count",):
            return ", ".join(self.cols)
        if self.shape == "group":
            return "t.%s, count(*)" % self.cols[0]
        if self.shape == "distinct":
            return "DISTINCT " + ", ".join("t." + c for c in self.cols)
        if self.shape == "wholerow":
            cols = ["t::text"]
        else:
            cols = ["t.*" if c == "*" else "t." + c for c in self.cols]
        if self.shape == "join" and " u ON" in self.join:
            cols += ["u.id AS uid", "u.name AS uname", "u.grp AS ugrp"]
        elif self.shape == "join":
            cols.append("j.k")
        # the ORDER BY keys, to check the order of a partial ORDER BY
        if self.order and self.mode() == "keys":
            cols += ["t.%s AS key%d" % (o[0], i) for i, o in enumerate(self.order)]
        return ", ".join(cols)

    def order_sql(self, limited):
        if not self.order:
            return ""
        items = []
        for c, d, nulls, coll in self.order:
            e = "t." + c
            if coll:
                e += ' COLLATE "%s"' % coll
            items.append(e + d + nulls)
        if limited and self.shape not in ("distinct", "group"):
            items += self.key_cols()
        return " ORDER BY " + ", ".join(items)

    def limit_sql(self, lim, off):
        s = ""
        if lim is not None:
            s += " LIMIT " + lim
        if off is not None:
            s += " OFFSET " + off
        return s

    def n_keys(self):
        return len(self.order) if self.order and self.mode() == "keys" else 0

    def sig(self):
        """The query's shape, for grouping mismatches into classes."""
        parts = [self.shape]
        if self.prepared:
            parts.append("prepared")
        if self.join:
            parts.append(self.join if self.shape == "semi" else self.join.split(" ON")[0])
        if self.shape == "groupjoin":
            parts.append("%s%s" % (self.agg or "no aggregate", ", counted" if self.wrap else ""))
        if self.where is not None:
            parts.append("WHERE " + self.where.sig())
        if self.order:
            parts.append("ORDER BY " + ", ".join(
                c + d + n + (' COLLATE "%s"' % coll if coll else "")
                for c, d, n, coll in self.order))
        if self.limit is not None:
            parts.append("LIMIT " + ("<0" if self.limit.startswith("-") else
                                     self.limit if self.limit in ("0", "NULL", "ALL") else "n"))
        if self.offset is not None:
            parts.append("OFFSET " + ("<0" if self.offset.startswith("-") else
                                      self.offset if self.offset in ("0", "NULL") else "m"))
        return " ".join(parts)

    def variants(self):
        """Simpler queries, for shrinking a mismatch."""
        out = []
        if self.where is not None:
            out.append(self.copy(where=None))
            out += [self.copy(where=w) for w in tree_variants(self.where)]
        if self.prepared:
            out.append(self.copy(prepared=False))
        if self.join:
            out.append(self.copy(join=None, shape="rows"))
        if self.nestloop:
            out.append(self.copy(nestloop=False))
        if self.agg is not None:
            out.append(self.copy(agg=None))
        if self.wrap:
            out.append(self.copy(wrap=False))
        if self.limit is not None:
            out.append(self.copy(limit=None))
        if self.offset is not None:
            out.append(self.copy(offset=None))
        for i in range(len(self.order)):
            out.append(self.copy(order=self.order[:i] + self.order[i + 1:]))
        for i, o in enumerate(self.order):
            if o[1] or o[2] or o[3]:
                out.append(self.copy(order=self.order[:i] + [(o[0], "", "", o[3])] +
                                     self.order[i + 1:]))
        if self.shape in ("rows", "join", "semi", "wholerow", "countlimit") and self.cols != ["id"]:
            out.append(self.copy(cols=["id"]))
            if self.shape == "wholerow":
                out.append(self.copy(shape="rows", cols=["*"]))
        if self.shape in ("distinct", "group", "count", "countlimit", "wholerow"):
            out.append(self.copy(shape="rows", cols=["*"] if self.shape != "distinct"
                                 else self.cols))
        return out


# ---------------------------------------------------------------------
# Running and comparing
# ---------------------------------------------------------------------

class Outcome:
    """Rows (tuples of text) or an error."""

    def __init__(self, rows=None, error=None, sqlstate=None):
        self.rows = rows
        self.error = error
        self.sqlstate = sqlstate

    def show(self, limit=6):
        if self.error is not None:
            return "ERROR %s: %s" % (self.sqlstate, self.error.strip().splitlines()[0])
        lines = ["%d rows" % len(self.rows)]
        for r in self.rows[:limit]:
            lines.append("  " + " | ".join("NULL" if v is None else repr(v) for v in r))
        if len(self.rows) > limit:
            lines.append("  ...")
        return "\n".join(lines)


TEXT_TYPES = ["int2", "int4", "int8", "numeric", "bool", "date", "timestamptz",
              "timestamp", "float4", "float8", "json", "jsonb", "oid", "text",
              "varchar", "bpchar", "name"]


def connect():
    """A connection that reads every value as text."""
    conn = psycopg.connect(autocommit=True)
    for t in TEXT_TYPES:
        conn.adapters.register_loader(t, TextLoader)
    conn.execute("SET TimeZone = 'America/St_Johns'")
    conn.execute("SET plan_cache_mode = force_generic_plan")
    conn.execute("SET statement_timeout = '60s'")
    return conn


class Runner:
    """Runs queries on one connection."""

    def __init__(self, conn):
        self.conn = conn
        self.nstmt = 0
        self.nestloop = False

    def settings(self, nestloop):
        if nestloop != self.nestloop:
            v = "off" if nestloop else "on"
            self.conn.execute("SET enable_hashjoin = %s" % v)
            self.conn.execute("SET enable_mergejoin = %s" % v)
            self.nestloop = nestloop

    def statements(self, qy, table, strip_limit=False):
        """The SQL statements that run qy on table (the last returns rows)."""
        ctx = RenderCtx(qy.prepared)
        sql = qy.render(table, ctx, strip_limit)
        if not qy.prepared or not ctx.params:
            return [sql], None
        self.nstmt += 1
        name = "dq%d" % self.nstmt
        prep = "PREPARE %s(%s) AS %s" % (name, ", ".join(t for t, _ in ctx.params), sql)
        exe = "EXECUTE %s(%s)" % (name, ", ".join(v for _, v in ctx.params))
        return [prep, exe], name

    def run(self, qy, table, strip_limit=False):
        self.settings(qy.nestloop)
        stmts, name = self.statements(qy, table, strip_limit)
        try:
            cur = self.conn.cursor()
            for s in stmts[:-1]:
                cur.execute(s)
            cur.execute(stmts[-1])
            rows = [tuple(r) for r in cur.fetchall()]
            return Outcome(rows=rows)
        except psycopg.Error as e:
            if self.conn.closed or self.conn.broken:
                raise
            return Outcome(error=str(e), sqlstate=e.sqlstate)
        finally:
            if name:
                try:
                    self.conn.execute("DEALLOCATE " + name)
                except psycopg.Error:
                    pass

    def sql_text(self, qy, table):
        stmts, _ = self.statements(qy, table)
        return ";\n".join(stmts) + ";"


    def explain(self, qy, table):
        self.settings(qy.nestloop)
        stmts, name = self.statements(qy, table)
        try:
            cur = self.conn.cursor()
            for s in stmts[:-1]:
                cur.execute(s)
            cur.execute("EXPLAIN (VERBOSE, COSTS OFF) " + stmts[-1])
            return "\n".join(r[0] for r in cur.fetchall())
        except psycopg.Error as e:
            return "EXPLAIN failed: %s" % e
        finally:
            if name:
                try:
                    self.conn.execute("DEALLOCATE " + name)
                except psycopg.Error:
                    pass


def sql_text(qy, table):
    """The statements of qy, as text to paste into psql."""
    r = Runner.__new__(Runner)
    r.nstmt = 0
    return r.sql_text(qy, table)


def norm_key(v):
    """An ORDER BY key as compared (9.9 and 9.90 are equal keys)."""
    if v is None:
        return None
    try:
        if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", v):
            return str(Decimal(v).normalize())
    except InvalidOperation:
        pass
    return v


def compare(qy, local, foreign, local_full):
    """None if the outputs agree, else a reason."""
    if local.error is not None or foreign.error is not None:
        if local.error is not None and foreign.error is not None and \
                local.sqlstate == foreign.sqlstate:
            return None
        if local.error is not None and foreign.error is not None:
            return "different errors"
        return "error on one side"
    mode = qy.mode()
    lr, fr = local.rows, foreign.rows
    if qy.shape == "distinct" and "num" in qy.cols:
        # DISTINCT keeps one of 9.9 and 9.90, either
        i = qy.cols.index("num")
        lr = [r[:i] + (norm_key(r[i]),) + r[i + 1:] for r in lr]
        fr = [r[:i] + (norm_key(r[i]),) + r[i + 1:] for r in fr]
    if mode == "list":
        return None if lr == fr else ("different rows" if sorted(map(repr, lr)) !=
                                      sorted(map(repr, fr)) else "different order")
    if sorted(map(repr, lr)) != sorted(map(repr, fr)):
        if mode == "subset":
            if len(lr) != len(fr):
                return "different number of rows"
            full = collections.Counter(map(repr, local_full.rows or []))
            got = collections.Counter(map(repr, fr))
            if any(got[k] > full[k] for k in got):
                return "rows the query without LIMIT does not return"
            return None
        return "different rows"
    if mode == "keys":
        n = qy.n_keys()
        lk = [tuple(norm_key(v) for v in r[-n:]) for r in lr]
        fk = [tuple(norm_key(v) for v in r[-n:]) for r in fr]
        if lk != fk:
            return "ORDER BY keys in a different order"
    return None


class Mismatch:
    def __init__(self, dialect, seed, number, qy, reason, local, foreign, tlp=None):
        self.dialect = dialect
        self.seed = seed
        self.number = number
        self.query = qy
        self.reason = reason
        self.local = local
        self.foreign = foreign
        self.tlp = tlp
        self.shrunk = None
        self.shrunk_local = None
        self.shrunk_foreign = None
        self.requests = []
        self.explain = ""
        self.sql = ""
        self.sql_shrunk = ""
        self.tried = False        # shrunk (or TLP: kept as it is)
        self.described = False    # SQL, EXPLAIN and requests filled in


class Worker:
    """Runs the queries of one dialect."""

    def __init__(self, dialect, seeds, per_seed, args, collations):
        self.d = dialect
        self.seeds = seeds
        self.per_seed = per_seed
        self.args = args
        self.gen = Gen(dialect, collations)
        self.queries = 0
        self.tlp_checks = 0
        self.mismatches = []
        self.failed_queries = 0
        self.shrinks = 0
        self.elapsed = 0.0
        self.error = None
        self.lock = threading.Lock()
        self.shrink_time = 0.0
        self.tl = threading.local()
        self.todo = self.items()
        self.stop = False

    def items(self):
        """(seed, number) of the queries to run, seeds taking turns."""
        if self.args.only is not None:
            for seed in self.seeds:
                yield seed, self.args.only
            return
        n = 0
        while True:
            for seed in self.seeds:
                yield seed, n
            n += 1

    @property
    def local_runner(self):
        return self.tl.local_runner

    @property
    def foreign_runner(self):
        return self.tl.foreign_runner

    def count(self, n=1):
        with self.lock:
            self.queries += n

    def check(self, qy, counted=True):
        """(reason or None, local, foreign)."""
        local = self.run_l(qy)
        foreign = self.run_f(qy)
        full = None
        if qy.mode() == "subset" and local.error is None and foreign.error is None:
            full = self.local_runner.run(qy, self.d.local, strip_limit=True)
        if counted:
            self.count()
        return compare(qy, local, foreign, full), local, foreign

    def run_l(self, qy):
        return self.local_runner.run(qy, self.d.local)

    def run_f(self, qy):
        return self.foreign_runner.run(qy, qy.table)

    def tlp(self, rng, number, seed):
        """One ternary logic partitioning check (four compared queries)."""
        base = Query(rng.choice([t for t, _ in self.d.foreign]))
        base.cols = ["*"] if rng.random() < 0.5 else rng.sample(COLS, rng.randint(1, 3))
        base.prepared = rng.random() < 0.15
        p0 = self.gen.pred(rng, 1) if rng.random() < 0.5 else None
        p = self.gen.pred(rng, rng.choice([0, 1, 2]))
        parts = [None, p, Not(p), IsNullOf(p)]
        outs = []
        bad = None
        for extra in parts:
            qy = base.copy()
            if extra is None:
                qy.where = p0
            else:
                qy.where = extra if p0 is None else Bool("AND", [p0, extra])
            reason, local, foreign = self.check(qy)
            if reason is not None and bad is None:
                bad = Mismatch(self.d.name, seed, number, qy, reason, local, foreign)
            outs.append(foreign)
        with self.lock:
            self.tlp_checks += 1
        if bad is not None:
            return bad
        if all(o.error is None for o in outs):
            whole = sorted(map(repr, outs[0].rows))
            union = sorted(map(repr, outs[1].rows + outs[2].rows + outs[3].rows))
            if whole != union:
                qy = base.copy(where=p0)
                m = Mismatch(self.d.name, seed, number, qy,
                             "TLP: rows(q) != rows(q AND p) + rows(q AND NOT p) + "
                             "rows(q AND p IS NULL)", outs[0], Outcome(
                                 rows=outs[1].rows + outs[2].rows + outs[3].rows))
                m.tlp = p
                return m
        return None

    def one(self, seed, number):
        """Run query number of seed; a Mismatch or None."""
        rng = random.Random("%s:%s:%d" % (seed, self.d.name, number))
        if rng.random() < 0.2:
            return self.tlp(rng, number, seed)
        qy = self.gen.query(rng)
        reason, local, foreign = self.check(qy)
        if reason is None:
            return None
        return Mismatch(self.d.name, seed, number, qy, reason, local, foreign)

    def shrink(self, m):
        """Simplify m's query while it still mismatches."""
        qy = m.query
        budget = self.args.shrink_steps
        improved = True
        while improved and budget > 0:
            improved = False
            for cand in qy.variants():
                budget -= 1
                if budget <= 0:
                    break
                try:
                    reason, local, foreign = self.check(cand, counted=False)
                except psycopg.Error:
                    continue
                if reason == m.reason:     # the same failure, not another one
                    qy = cand
                    m.shrunk_local, m.shrunk_foreign = local, foreign
                    improved = True
                    break
        m.shrunk = qy if qy is not m.query else None

    def describe(self, m):
        """Fill in the SQL, EXPLAIN and requests of a mismatch."""
        qy = m.shrunk or m.query
        m.sql = self.foreign_runner.sql_text(m.query, m.query.table)
        if m.shrunk:
            m.sql_shrunk = self.foreign_runner.sql_text(m.shrunk, m.shrunk.table)
        m.explain = self.foreign_runner.explain(qy, qy.table)
        mark = self.d.logfn[0]()
        self.run_f(qy)
        m.requests = self.d.logfn[1](mark)

    def thread_main(self):
        """One of the dialect's threads: take queries until none is left."""
        try:
            self.tl.local_runner = Runner(connect())
            self.tl.foreign_runner = Runner(connect())
            done = 0
            while True:
                with self.lock:
                    if self.stop or self.queries >= self.args.queries:
                        break
                    try:
                        seed, n = next(self.todo)
                    except StopIteration:
                        break
                m = self.one(seed, n)
                done += 1
                if done % 500 == 0:
                    self.d.logfn[0]()       # the test service's log: clear it
                if m is None:
                    continue
                with self.lock:
                    self.failed_queries += 1
                    shrink = (self.shrinks < self.args.max_shrinks and
                              self.shrink_time < self.args.shrink_seconds)
                    self.shrinks += shrink
                if shrink and m.tlp is None:
                    t = time.time()
                    self.shrink(m)
                    with self.lock:
                        self.shrink_time += time.time() - t
                m.tried = shrink
                with self.lock:
                    self.mismatches.append(m)
        except Exception as e:   # a crash of the backend or a bug here
            import traceback
            with self.lock:
                self.error = (self.error or "") + traceback.format_exc()
                self.stop = True
            print("%s: worker failed: %s" % (self.d.name, e), flush=True)

    def run(self):
        """Run the dialect's queries on --jobs threads, then describe."""
        t0 = time.time()
        threads = [threading.Thread(target=self.thread_main) for _ in range(self.args.jobs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.mismatches.sort(key=lambda m: (str(m.seed), m.number))
        try:
            self.tl.local_runner = Runner(connect())
            self.tl.foreign_runner = Runner(connect())
            seen = collections.Counter()
            for m in self.mismatches:
                if not m.tried:
                    continue
                key = class_key(m)
                if seen[key] < self.args.print_per_class:
                    self.describe(m)
                    m.described = True
                seen[key] += 1
        except Exception:
            import traceback
            self.error = (self.error or "") + traceback.format_exc()
        self.elapsed = time.time() - t0


class IsNullOf(Node):
    """(p) IS NULL, for TLP."""

    def __init__(self, p):
        self.p = p

    def sql(self, ctx):
        return "(%s) IS NULL" % self.p.sql(ctx)

    def sig(self):
        return "(%s) IS NULL" % self.p.sig()

    def children(self):
        return [self.p]

    def replace(self, i, n):
        return IsNullOf(n)


def show_pair(local, foreign, limit=8):
    """Both outcomes, and the rows that only one side returned."""
    out = ["local:", local.show(), "foreign:", foreign.show()]
    if local.rows is not None and foreign.rows is not None:
        lc = collections.Counter(local.rows)
        fc = collections.Counter(foreign.rows)
        only_l = list((lc - fc).elements())
        only_f = list((fc - lc).elements())
        fmt = lambda r: "  " + " | ".join("NULL" if v is None else repr(v) for v in r)
        if only_l or only_f:
            out.append("only local (%d): " % len(only_l))
            out += [fmt(r) for r in only_l[:limit]]
            out.append("only foreign (%d): " % len(only_f))
            out += [fmt(r) for r in only_f[:limit]]
        else:
            out.append("(the same rows, in a different order)")
    return out


def clip(text, width=400):
    """text with each line cut to width characters."""
    return "\n".join(ln if len(ln) <= width else
                     ln[:width] + " ...(%d characters)" % len(ln)
                     for ln in text.split("\n"))


def mismatch_text(m, max_requests=40):
    """The printed form of a mismatch."""
    out = ["=" * 72,
           "MISMATCH dialect=%s seed=%s query=%d: %s" % (m.dialect, m.seed, m.number, m.reason),
           "rerun: difftest.py --dialect %s --seed %s --only %d" % (m.dialect, m.seed, m.number),
           "query (%s):" % ("foreign table %s; local table: the same on its local copy"
                            % m.query.table),
           m.sql or sql_text(m.query, m.query.table)]
    if m.tlp is not None:
        out.append("TLP predicate p: " + m.tlp.sql(RenderCtx(False)))
    out += show_pair(m.local, m.foreign)
    if m.shrunk is not None:
        out += ["shrunk query:", m.sql_shrunk]
        out += ["shrunk " + x if x in ("local:", "foreign:") else x
                for x in show_pair(m.shrunk_local, m.shrunk_foreign)]
    if m.explain:
        out += ["EXPLAIN VERBOSE:", m.explain]
    if m.requests:
        out += ["requests the service received:"] + ["  " + r for r in m.requests[:max_requests]]
        if len(m.requests) > max_requests:
            out.append("  ... (%d in all)" % len(m.requests))
    return "\n".join(out)


def class_key(m):
    """A mismatch's class: dialect, shape of its shrunk query, reason."""
    return (m.dialect, (m.shrunk or m.query).sig(), m.reason)


def classes(mismatches):
    """The shrunk mismatches grouped by class."""
    groups = collections.OrderedDict()
    for m in mismatches:
        if m.tried:
            groups.setdefault(class_key(m), []).append(m)
    return groups


def write_report(path, workers, seeds, wall, detailed=25):
    """A markdown summary of the run: figures, every class on one line,
    and the full text of the first mismatch of the larger classes."""
    lines = ["# Differential test run", "",
             "Seeds: %s. Wall time: %.1f s." % (", ".join(map(str, seeds)), wall), "",
             "| dialect | queries | TLP checks | mismatching queries | shrunk | time |",
             "|---|---|---|---|---|---|"]
    for w in workers:
        lines.append("| %s | %d | %d | %d | %d | %.1f s |" % (
            w.d.name, w.queries, w.tlp_checks, w.failed_queries,
            sum(m.tried for m in w.mismatches), w.elapsed))
    lines += ["", "## Classes (shape of the shrunk query, reason, mismatches, shrunk query)", ""]
    details = []
    for w in workers:
        groups = sorted(classes(w.mismatches).items(), key=lambda kv: -len(kv[1]))
        for i, ((dialect, sig, reason), ms) in enumerate(groups):
            m = ms[0]
            qtext = sql_text(m.shrunk or m.query, m.query.table).replace("\n", " ")
            lines.append("- %s: `%s` -- %s (%d): `%s`" % (
                dialect, sig, reason, len(ms), clip(qtext, 300)))
            if i < detailed:
                details += ["## %s: %s" % (dialect, reason), "",
                            "Shape: `%s` (%d shrunk examples)" % (sig, len(ms)), "",
                            "```", clip(mismatch_text(m, 8)), "```", ""]
    lines += ["", "# The first mismatch of the %d largest classes of each dialect" % detailed, ""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines + details) + "\n")


def collations(conn):
    """Collations to use in COLLATE clauses."""
    names = [r[0] for r in conn.execute(
        "SELECT collname FROM pg_collation WHERE collname IN "
        "('C', 'POSIX', 'ucs_basic', 'C.utf8', 'en-x-icu', 'und-x-icu', 'de-x-icu', "
        "'tr-x-icu', 'en_US.utf8', 'en_US') AND collencoding IN (-1, 6) ORDER BY 1")]
    return names or ["C"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=2000,
                    help="queries compared per dialect, over all seeds (default 2000)")
    ap.add_argument("--seed", action="append",
                    help="a seed (repeatable); 'random' picks one (default: 1, 2, random)")
    ap.add_argument("--dialect", action="append",
                    choices=["drf", "json-server", "postgrest", "jsonapi", "odata"])
    ap.add_argument("--only", type=int, help="run only this query number")
    ap.add_argument("--max-shrinks", type=int, default=1000,
                    help="mismatches per dialect to shrink (within --shrink-seconds)")
    ap.add_argument("--shrink-steps", type=int, default=80,
                    help="queries tried to shrink one mismatch")
    ap.add_argument("--shrink-seconds", type=float, default=10,
                    help="time per dialect spent shrinking (default 10)")
    ap.add_argument("--jobs", type=int, default=3,
                    help="threads (connections) per dialect (default 3)")
    ap.add_argument("--print", type=int, default=3, dest="print_per_class",
                    help="examples printed per mismatch class")
    ap.add_argument("--report", help="write a markdown summary here")
    args = ap.parse_args()

    seeds = args.seed or ["1", "2", "random"]
    seeds = [str(random.SystemRandom().randrange(1, 10 ** 9)) if s == "random" else s
             for s in seeds]
    print("difftest: seeds %s; %d queries per dialect" % (", ".join(seeds), args.queries),
          flush=True)
    dialects = make_dialects()
    if args.dialect:
        dialects = {k: v for k, v in dialects.items() if k in args.dialect}
    if not dialects:
        sys.exit("difftest: no service configured (run it through run.sh)")
    if "drf" in dialects:
        load_drf("drfsvc")
    with connect() as conn:
        setup(conn, dialects)
        colls = collations(conn)
    per_seed = None
    t0 = time.time()
    workers = [Worker(d, seeds, per_seed, args, colls) for d in dialects.values()]
    threads = [threading.Thread(target=w.run) for w in workers]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        for t in threads:
            t.join(timeout=max(0.1, 60 / len(threads)))
        if any(t.is_alive() for t in threads):
            print("difftest: %.0f s: %s" % (time.time() - t0, ", ".join(
                "%s %d queries, %d mismatching" % (w.d.name, w.queries, w.failed_queries)
                for w in workers)), flush=True)
    wall = time.time() - t0

    failed = 0
    for w in workers:
        groups = classes(w.mismatches)
        for key, ms in groups.items():
            print("\n%s: %d mismatch(es) of the shape: %s -- %s" % (
                w.d.name, len(ms), key[1], key[2]))
            for m in [m for m in ms if m.described]:
                print(mismatch_text(m))
        rest = [m for m in w.mismatches if not m.tried]
        if rest:
            print("\n%s: %d more mismatching queries (not shrunk):" % (w.d.name, len(rest)))
            for m in rest[:50]:
                print("  seed=%s query=%d %s: %s" % (m.seed, m.number, m.reason,
                                                     sql_text(m.query, m.query.table)))
        if w.error:
            print("%s: the worker stopped:\n%s" % (w.d.name, w.error))
            failed += 1
        failed += w.failed_queries
    print("\n== mismatch classes (dialect, queries, shape of the shrunk query -- reason: shrunk query)")
    for w in workers:
        for (dialect, sig, reason), ms in classes(w.mismatches).items():
            m = ms[0]
            qtext = sql_text(m.shrunk or m.query, m.query.table).replace("\n", " ")
            print("%s %d %s -- %s: %s" % (dialect, len(ms), sig, reason,
                                          qtext if len(qtext) < 200 else qtext[:200] + "..."))
    print("\n| dialect | queries | TLP checks | mismatching | classes | time |")
    for w in workers:
        print("| %s | %d | %d | %d | %d | %.1f s |" % (
            w.d.name, w.queries, w.tlp_checks, w.failed_queries,
            len(classes(w.mismatches)), w.elapsed))
    print("seeds: %s; wall %.1f s" % (", ".join(seeds), wall))
    if args.report:
        write_report(args.report, workers, seeds, wall)
    total = sum(w.queries for w in workers)
    print("%d passed, %d failed" % (total - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
