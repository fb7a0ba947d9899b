#!/usr/bin/env python3
"""The differential test's data set, and its copies for each service.

One set of rows (ROWS) holds the values that break REST translations:
NULLs, empty strings, unicode that case-folds oddly (ß, ſ, İ, the Kelvin
sign, final sigma), characters that PostgREST, django-filter or URLs treat
specially (, . : ( ) " ' % _ \\ + & # * and spaces), strings that look like
keywords ("null", "true"), characters outside the Basic Multilingual Plane
(UTF-16 and code point order differ), equal sort keys, numeric scales
(9.9, 9.90, 9.900), dates and timestamps written with different offsets,
and booleans.

Each service stores them its own way, and the local table the oracle
compares with holds exactly what that service holds:

- postgrest: test/fixtures/oracle.json, read by test/rest_service.py (JSON
  numbers verbatim, timestamps as PostgREST prints them: UTC, "+00:00");
- json-server: a db.json written at run time (numbers as JavaScript reads
  and prints them: 9.90 becomes 9.9; timestamps as the text stored);
- drf: rows inserted into the Django service's table (numeric(14,4),
  timestamptz), which Django REST framework serializes;
- odata: rows the SAP CAP service inserts at start through its own INSERT
  (test/odata, REST_FDW_ODATA_ITEMS): decimals as the doubles SQLite holds
  (as JavaScript prints them), instants in UTC truncated to milliseconds.

Usage: data.py --write-fixture PATH | --check-fixture PATH | --odata-items PATH
"""

import argparse
import datetime
import json
import sys
from decimal import Decimal

# Column name -> SQL type of the local tables (numeric typmod per dialect).
COLUMNS = [
    ("id", "bigint"),
    ("name", "text"),
    ("tag", "text"),
    ("grp", "integer"),
    ("num", "numeric"),
    ("day", "date"),
    ("at", "timestamptz"),
    ("flag", "boolean"),
]

NAMES = [
    None, "", " ", "alpha", "Alpha", "ALPHA", "alpha beta", "a,b", "a.b",
    "a:b", "(x)", 'say "hi"', "it's", "100%", "snake_case", "back\\slash",
    "a+b", "r&d", "#tag", "null", "NULL", "true", "a*b", "*", "Café", "café",
    "CAFÉ", "straße", "STRASSE", "ſ", "İstanbul", "istanbul", "ΣΑΣ", "σας",
    "\U0001F600 smile", "\uFF46ullwidth", "日本語", "Kelvin \u212A", "a%b_c",
    " lead", "trail ", "tab\there", "zeta", "alpha",
]
TAGS = [None, "red", "", "Red", "blue", None, "green,blue", "x.y", "red",
        "a(b)", "RED", "q\"t", "blue"]
GRPS = [None, 0, 1, 1, 2, 2, 2, -3, 2147483647, 5, None, 1, -2147483648]
NUMS = [None, "0", "9.9", "9.90", "9.900", "-1.5", "100", "0.01", "1e-2",
        "12345678.9123", "-0.0001", "9.9", "3.14159", "100.00", None, "-100"]
DAYS = [None, "2024-02-29", "2024-01-01", "2024-01-01", "1999-12-31",
        "1970-01-01", "2038-01-19", "0001-01-01", "2024-03-01", None,
        "2023-12-31"]
# instants written with different offsets (several are the same instant)
ATS = [None, "2024-01-01T00:00:00+00:00", "2024-01-01T01:00:00+01:00",
       "2023-12-31T20:30:00-03:30", "2024-03-10T12:34:56.789+05:30",
       "2023-12-31T23:59:59.999999-08:00", "2024-06-30T23:30:00-02:30",
       "1970-01-01T00:00:00+00:00", "2024-02-29T12:00:00.5+00:00", None,
       "2024-01-01T00:00:00.000001+00:00", "2000-01-01T00:00:00+14:00"]
FLAGS = [None, True, False, True, False, False, True]


def build_rows():
    """The rows, as dicts of Python values (numbers as decimal text)."""
    rows = []
    for i, name in enumerate(NAMES):
        rows.append({
            "id": i + 1,
            "name": name,
            "tag": TAGS[(i * 5) % len(TAGS)],
            "grp": GRPS[(i * 3) % len(GRPS)],
            "num": NUMS[(i * 7) % len(NUMS)],
            "day": DAYS[(i * 2 + i // 11) % len(DAYS)],
            "at": ATS[(i * 5 + 1) % len(ATS)],
            "flag": FLAGS[i % len(FLAGS)],
        })
    return rows


ROWS = build_rows()


def utc_text(at):
    """A timestamp as PostgREST prints timestamptz in UTC."""
    t = datetime.datetime.fromisoformat(at).astimezone(datetime.timezone.utc)
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond:
        text += ("." + "%06d" % t.microsecond).rstrip("0")
    return text + "+00:00"


def js_number(text):
    """A decimal as JavaScript prints the number it parses from it."""
    d = Decimal(text)
    f = float(d)
    r = repr(f)
    if r.endswith(".0"):
        r = r[:-2]
    if r == "-0":
        r = "0"
    return r


def postgrest_rows():
    """The rows as the PostgREST fixture holds them."""
    out = []
    for r in ROWS:
        r = dict(r)
        if r["at"] is not None:
            r["at"] = utc_text(r["at"])
        out.append(r)
    return out


def json_server_rows():
    """The rows as json-server holds them (numbers as JavaScript's)."""
    out = []
    for r in ROWS:
        r = dict(r)
        if r["num"] is not None:
            r["num"] = js_number(r["num"])
        out.append(r)
    return out


def dumps_rows(rows):
    """JSON text of rows with the numeric column as a bare JSON number."""
    lines = []
    for r in rows:
        parts = []
        for col, _ in COLUMNS:
            v = r[col]
            if col == "num" and v is not None:
                parts.append('"num": ' + v)
            else:
                parts.append(json.dumps(col) + ": " + json.dumps(v, ensure_ascii=False))
        lines.append("  {" + ", ".join(parts) + "}")
    return "[\n" + ",\n".join(lines) + "\n]\n"


def json_server_db():
    """The db.json text of json-server (the collection "items")."""
    return '{"items": ' + dumps_rows(json_server_rows()) + "}\n"


# --- odata (SAP CAP over SQLite) ------------------------------------------

def odata_rows():
    """The rows as the CAP service holds them: numbers as JavaScript's
    doubles, instants in UTC to the millisecond (it truncates the rest)."""
    out = []
    for r in json_server_rows():
        r = dict(r)
        if r["at"] is not None:
            t = datetime.datetime.fromisoformat(r["at"]).astimezone(datetime.timezone.utc)
            t = t.replace(microsecond=t.microsecond // 1000 * 1000)
            r["at"] = t.isoformat()
        out.append(r)
    return out


def odata_items_json():
    """The JSON rows the CAP service loads into Items at start (decimals
    as bare JSON numbers, instants as written)."""
    return dumps_rows(ROWS)


def sql_literal(v):
    """A SQL literal for a value (text as standard string, NULL)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def insert_sql(table, rows):
    """INSERT statement loading rows into table."""
    cols = [c for c, _ in COLUMNS]
    values = ",\n".join(
        "(" + ", ".join(sql_literal(r[c]) for c in cols) + ")" for r in rows)
    return "INSERT INTO %s (%s) VALUES\n%s" % (table, ", ".join(cols), values)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--write-fixture")
    ap.add_argument("--check-fixture")
    ap.add_argument("--odata-items")
    args = ap.parse_args()
    if args.odata_items:
        with open(args.odata_items, "w", encoding="utf-8") as f:
            f.write(odata_items_json())
    text = dumps_rows(postgrest_rows())
    if args.write_fixture:
        with open(args.write_fixture, "w", encoding="utf-8") as f:
            f.write(text)
    if args.check_fixture:
        with open(args.check_fixture, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit("%s is stale: run data.py --write-fixture %s"
                         % (args.check_fixture, args.check_fixture))


if __name__ == "__main__":
    main()
