#!/usr/bin/env python3
"""Property-based fuzz test of rest_fdw's scan (json.c's page reader and
conversions, and what rest_fdw.c does around them).

A tiny HTTP server on a free loopback port serves generated response
bodies; a foreign table with columns of varied types reads them.  For each
body the driver runs SELECTs through psycopg against a throwaway cluster
(tools/cluster.sh, see run.sh) and checks:

- the backend never crashes: the connection survives every query;
- every failure is an ERROR whose SQLSTATE is a data exception (22xxx),
  54000, an FDW error (HV0xx) or 42804;
- the rows, or the error, are those that a reference model of the reader
  written here predicts: the exact rows for the columns whose conversion is
  easy to predict (bigint, text, varchar, boolean, int[], jsonb compared
  with json.loads), an error with a predicted SQLSTATE otherwise;
- the backend's resident memory (VmRSS) does not grow beyond a bound.

Bodies: valid pages (bare arrays and envelopes, up to three pages linked
by "next") with random nesting, strings with escapes, surrogates, NUL
escapes, raw control bytes and invalid UTF-8, huge numbers and numbers out
of range for the columns, nesting up to 100,000 levels, duplicate keys,
odd "next" and "count" members, top-level scalars, bodies over
max_response_size, random byte mutations, and every truncation of a few
bodies.  Each body is read three ways: SELECT of every column (the page
reader, RestPageBegin/RestPageNextRow), SELECT ... WHERE id = 1 (an item,
RestParseObject) and SELECT count(*) (no conversions).

Usage: fuzz_scan.py --seconds N [--seed S] [--cycles].  The libpq
environment (PGHOST, PGPORT, PGUSER, PGDATABASE) names the cluster.  A
case is a set of pages; hypothesis shrinks a failing one, which is printed.
Prints "N passed, M failed" last (cases) and exits non-zero on any
failure.  --cycles adds "next" links back to pages already read, which a
scan must refuse rather than follow forever.
"""

import argparse
import decimal
import json
import random
import re
import sys
import threading
import time
import traceback
import urllib.parse
from decimal import Decimal

import psycopg
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from servicekit import server
from servicekit.server import Response

MAX_DEPTH = 1000                  # REST_JSON_MAX_DEPTH in json.c
CYCLES = False                    # --cycles: "next" links back to read pages
MAX_RESPONSE = 2 * 1024 * 1024    # the server's max_response_size below
INT64 = (-(1 << 63), (1 << 63) - 1)
INT32 = (-(1 << 31), (1 << 31) - 1)
PG_SPACE = " \t\n\r\v\f"          # isspace() in the C locale

ANY = object()                    # a value the check does not compare

sys.setrecursionlimit(20000)
decimal.getcontext().prec = 2000
decimal.getcontext().Emax = decimal.MAX_EMAX
decimal.getcontext().Emin = decimal.MIN_EMIN


def sqlstate_allowed(code):
    """Is this SQLSTATE an acceptable way for a scan to fail?"""
    return code is not None and (code.startswith("22") or code == "54000" or
                                 code.startswith("HV") or code == "42804")


# ---------------------------------------------------------------------
# The HTTP server
# ---------------------------------------------------------------------

class Pages:
    """The bodies served now: page number -> bytes (page 1 is the first)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pages = {}
        self.requests = 0

    def set(self, pages):
        with self.lock:
            self.pages = dict(pages)


def page_number(path):
    """Page a request path asks for: ?page=N, 1 without it, None if odd."""
    url = urllib.parse.urlsplit(path)
    if url.path == "/api/fz/1/":
        return 1                  # the item with id 1: page 1's body
    if url.path != "/api/fz/":
        return None
    query = urllib.parse.parse_qs(url.query)
    if "page" not in query:
        return 1
    try:
        return int(query["page"][0])
    except ValueError:
        return None


def make_handler(pages):
    """A handler class that answers from pages and counts its requests."""

    class Handler(server.Handler):
        """GET of a page of pages."""

        def route(self):
            """The page the path asks for, or a 404."""
            with pages.lock:
                pages.requests += 1
                body = pages.pages.get(page_number(self.path))
            if body is None:
                return Response(404, b'{"detail": "Not found."}')
            return Response(200, body)

    return Handler


def start_server(pages):
    srv = server.Server(("127.0.0.1", 0), make_handler(pages))
    srv.handle_error = lambda request, address: None  # aborted transfers
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


# ---------------------------------------------------------------------
# The reference model of json.c's reader
# ---------------------------------------------------------------------

class Fail(Exception):
    """The scan must fail with one of these SQLSTATEs."""

    def __init__(self, codes):
        super().__init__(codes)
        self.codes = set(codes) if not isinstance(codes, str) else {codes}


class Node:
    """A parsed JSON value: kind, raw text, and its parts."""
    __slots__ = ("kind", "raw", "text", "text_err", "items", "pairs")

    def __init__(self, kind, raw):
        self.kind = kind          # null false true number string object array
        self.raw = raw            # the value's JSON text (a string: inside)
        self.text = None          # a string's unescaped text, or None
        self.text_err = None      # SQLSTATE of unescaping it strictly
        self.items = None         # array elements
        self.pairs = None         # object members: (key text or None, Node)


HEX = "0123456789abcdefABCDEF"


def unescape(s):
    """json_unescape(strict): (text, None) or (None, SQLSTATE)."""
    out = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        if e != "u":
            out.append({"b": "\b", "f": "\f", "n": "\n", "r": "\r",
                        "t": "\t"}.get(e, e))
            i += 2
            continue
        cp = int(s[i + 2:i + 6], 16)
        if 0xD800 <= cp <= 0xDBFF:
            lo = 0
            if i + 12 <= n and s[i + 6] == "\\" and s[i + 7] == "u":
                lo = int(s[i + 8:i + 12], 16)
            if not 0xDC00 <= lo <= 0xDFFF:
                return None, "22P05"
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
            i += 6
        elif 0xDC00 <= cp <= 0xDFFF or cp == 0:
            return None, "22P05"
        out.append(chr(cp))
        i += 6
    return "".join(out), None


class Scanner:
    """Scans a decoded body as json.c does, raising Fail on errors."""

    def __init__(self, text):
        self.s = text + "\0"
        self.end = len(text)

    def ws(self, p):
        while self.s[p] in " \t\n\r":
            p += 1
        return p

    def string(self, p):
        s = self.s
        q = p + 1
        while True:
            c = s[q]
            if c == '"':
                break
            if c == "\\":
                e = s[q + 1]
                if e in '"\\/bfnrt':
                    q += 2
                elif e == "u":
                    if not all(h in HEX and h != "\0" for h in s[q + 2:q + 6]) \
                            or len(s[q + 2:q + 6]) < 4:
                        raise Fail("22P02")
                    q += 6
                else:
                    raise Fail("22P02")
                continue
            if ord(c) < 0x20:
                raise Fail("22P02")
            q += 1
        node = Node("string", s[p + 1:q])
        node.text, node.text_err = unescape(node.raw)
        return node, q + 1

    def number(self, p):
        s = self.s
        m = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?").match(s, p)
        if not m:
            raise Fail("22P02")
        q = m.end()
        if s[q].isascii() and (s[q].isalnum() or s[q] == "."):
            raise Fail("22P02")
        return Node("number", s[p:q]), q

    def literal(self, p):
        for word in ("true", "false", "null"):
            if self.s.startswith(word, p):
                q = p + len(word)
                if self.s[q].isascii() and self.s[q].isalnum():
                    raise Fail("22P02")
                return Node(word, word), q
        raise Fail("22P02")

    def scalar(self, p):
        c = self.s[p]
        if c == '"':
            return self.string(p)
        if c == "-" or "0" <= c <= "9":
            return self.number(p)
        if c in "tfn":
            return self.literal(p)
        raise Fail("22P02")

    def name(self, p):
        if self.s[p] != '"':
            raise Fail("22P02")
        key, p = self.string(p)
        p = self.ws(p)
        if self.s[p] != ":":
            raise Fail("22P02")
        return key, self.ws(p + 1)

    def value(self, p, level):
        """A value whose container, if any, is at nesting level; walked
        with a stack of open containers, as json_skip_container does."""
        s = self.s
        stack = []                # [node, start, pending member name]
        while True:
            c = s[p]
            if c == "{" or c == "[":
                if level + len(stack) > MAX_DEPTH:
                    raise Fail("54000")
                node = Node("object" if c == "{" else "array", None)
                if c == "{":
                    node.pairs = []
                else:
                    node.items = []
                stack.append([node, p, None])
                p = self.ws(p + 1)
                if s[p] != ("}" if c == "{" else "]"):
                    if c == "{":
                        key, p = self.name(p)
                        stack[-1][2] = key.text
                    continue
                node.raw = s[stack.pop()[1]:p + 1]
                p += 1
                v = node
            else:
                v, p = self.scalar(p)
            # after a value: add it to its container, close finished ones
            while True:
                if not stack:
                    return v, p
                top = stack[-1]
                node = top[0]
                if node.kind == "object":
                    node.pairs.append((top[2], v))
                else:
                    node.items.append(v)
                p = self.ws(p)
                if s[p] == ",":
                    p = self.ws(p + 1)
                    if node.kind == "object":
                        key, p = self.name(p)
                        top[2] = key.text
                    break
                if s[p] != ("}" if node.kind == "object" else "]"):
                    raise Fail("22P02")
                node.raw = s[top[1]:p + 1]
                stack.pop()
                p += 1
                v = node


ROWS_NAMES = ("results", "data", "items", "value")
NEXT_NAMES = ("next", "@odata.nextLink")


def verify_utf8(body):
    """Raise Fail(22021) unless body is UTF-8 (NUL bytes are left alone)."""
    for part in body.split(b"\0"):
        try:
            part.decode("utf-8")
        except UnicodeDecodeError:
            raise Fail("22021")


def read_page(body, on_row):
    """Read a page as RestPageBegin/RestPageNextRow do, calling on_row for
    each row object; returns the envelope's "next" Node (or None)."""
    if len(body) > MAX_RESPONSE:
        raise Fail("54000")
    verify_utf8(body)
    text = body.decode("utf-8")
    sc = Scanner(text)
    p = 0
    if text.startswith("\ufeff"):
        p = 1
    p = sc.ws(p)
    state = {"next": None}
    envelope = False
    c = sc.s[p]

    def walk(p, after_value, want_rows):
        while True:
            if after_value:
                p = sc.ws(p)
                if sc.s[p] == "}":
                    return p + 1, False
                if sc.s[p] != ",":
                    raise Fail("22P02")
                p = sc.ws(p + 1)
            after_value = True
            key, p = sc.name(p)
            if want_rows and sc.s[p] == "[" and key.text in ROWS_NAMES:
                return p + 1, True
            v, p = sc.value(p, 2)
            if key.text in NEXT_NAMES:
                state["next"] = v

    if c == "[":
        p += 1
        level = 2
    elif c == "{":
        envelope = True
        level = 3
        p = sc.ws(p + 1)
        if sc.s[p] == "}":
            raise Fail("HV004")
        p, found = walk(p, False, True)
        if not found:
            raise Fail("HV004")
    else:
        sc.scalar(p)
        raise Fail("HV004")

    first = True
    while True:
        p = sc.ws(p)
        if sc.s[p] == "]":
            p += 1
            if envelope:
                p, _ = walk(p, True, False)
            p = sc.ws(p)
            if p != sc.end:
                raise Fail("22P02")
            return state["next"]
        if not first:
            if sc.s[p] != ",":
                raise Fail("22P02")
            p = sc.ws(p + 1)
        first = False
        if sc.s[p] != "{":
            sc.value(p, level - 1)
            raise Fail("HV004")
        row, p = sc.value(p, level)
        on_row(row)


# ---- conversions ------------------------------------------------------

def member(node, name):
    """The last member of an object with this (unescaped) name."""
    found = None
    for key, v in node.pairs:
        if key == name:
            found = v
    return found


def segment_index(seg):
    if re.fullmatch(r"0|[1-9][0-9]{0,17}", seg):
        return int(seg)
    return -1


def resolve(row, segments):
    """The value a JSON Pointer selects in a row, or None."""
    node = row
    for seg in segments:
        if node is None:
            return None
        if node.kind == "object":
            node = member(node, seg)
        elif node.kind == "array":
            i = segment_index(seg)
            node = node.items[i] if 0 <= i < len(node.items) else None
        else:
            return None
    return node


def value_text(node):
    """value_cstring(raw=false): a string's unescaped text, else raw."""
    if node.kind == "string":
        if node.text_err:
            raise Fail(node.text_err)
        return node.text
    return node.raw


def pg_int(s, lo, hi):
    """pg_strtoint64/32: the digits are accumulated (negated) first, so
    their overflow is reported before trailing garbage."""
    m = re.match("[%s]*([+-]?)([0-9]+)" % PG_SPACE, s)
    if not m:
        raise Fail("22P02")
    magnitude = int(m.group(2))
    if magnitude > -lo:
        raise Fail("22003")
    if s[m.end():].strip(PG_SPACE) != "" or "\0" in s:
        raise Fail("22P02")
    v = -magnitude if m.group(1) == "-" else magnitude
    if v > hi:
        raise Fail("22003")
    return v


def pg_bool(s):
    v = s.strip(PG_SPACE)
    n = len(v)
    low = v.lower()
    if n == 0:
        raise Fail("22P02")
    if low[0] == "o":
        pass                      # "o" alone is ambiguous: see below
    elif "true".startswith(low):
        return True
    elif "false".startswith(low):
        return False
    elif "yes".startswith(low):
        return True
    elif "no".startswith(low):
        return False
    if low == "on":
        return True
    if low in ("of", "off"):
        return False
    if v == "1":
        return True
    if v == "0":
        return False
    raise Fail("22P02")


def container_mismatch(node):
    if node.kind in ("object", "array"):
        raise Fail("42804")


def conv_bigint(node):
    container_mismatch(node)
    return pg_int(value_text(node), *INT64)


def conv_text(node):
    return value_text(node)


def conv_varchar5(node):
    s = value_text(node)
    if len(s) <= 5:
        return s
    if s[5:].strip(" ") == "":
        return s[:5]
    raise Fail("22001")


def conv_bool(node):
    container_mismatch(node)
    if node.kind == "true":
        return True
    if node.kind == "false":
        return False
    return pg_bool(value_text(node))


class Maybe(Exception):
    """The conversion may fail with these codes, or give an unchecked value."""

    def __init__(self, codes, value=ANY):
        super().__init__(codes)
        self.codes = set(codes)
        self.value = value


def conv_numeric82(node):
    container_mismatch(node)
    text = value_text(node)
    if node.kind == "number":
        try:
            d = Decimal(text)
        except (decimal.InvalidOperation, decimal.Overflow):
            raise Maybe({"22P02", "22003"})
        if abs(d.adjusted()) < 900:
            q = d.quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
            if abs(q) >= Decimal(10) ** 6:
                raise Fail("22003")
            return q
    raise Maybe({"22P02", "22003", "22007"})


def conv_other(node):
    """date, timestamptz: only whether it fails is unchecked."""
    if node.kind == "array":
        raise Fail("42804")
    value_text(node)
    raise Maybe({"22P02", "22007", "22008", "22009", "22003"})


def json_value(node, codes):
    """Python value jsonb_in gives for a node (numbers as Decimal); adds the
    codes jsonb_in may fail with to codes; raises Fail when it must fail."""
    k = node.kind
    if k == "null":
        return None
    if k == "true":
        return True
    if k == "false":
        return False
    if k == "number":
        exp = re.search(r"[eE]([+-]?[0-9]+)", node.raw)
        if (exp and abs(int(exp.group(1))) > 900) or len(node.raw) > 900:
            # numeric_in refuses large exponents, and overflows
            codes.update({"22P02", "22003"})
            return ANY
        return Decimal(node.raw)
    if k == "string":
        if node.text_err:
            raise Fail(codes | {"22P02", "22P05"})
        return node.text
    if k == "array":
        return [json_value(i, codes) for i in node.items]
    result = {}
    for key, v in node.pairs:
        if key is None:
            raise Fail(codes | {"22P02", "22P05"})
        result[key] = json_value(v, codes)
    return result


def conv_jsonb(node):
    codes = set()
    value = json_value(node, codes)
    if codes:
        raise Maybe(codes)
    return ("json", value)


def conv_int_array(node):
    if node.kind == "object":
        raise Fail("42804")
    if node.kind != "array":
        value_text(node)
        raise Maybe({"22P02", "22003", "2202E", "54000"})
    out = []
    for e in node.items:
        if e.kind == "null":
            out.append(None)
            continue
        container_mismatch(e)
        out.append(pg_int(value_text(e), *INT32))
    return out


# (name, SQL type, field option, conversion, SELECT expression)
COLUMNS = [
    ("id", "bigint", None, conv_bigint, "id"),
    ("num", "numeric(8,2)", None, conv_numeric82, "num"),
    ("t", "text", None, conv_text, "t"),
    ("v", "varchar(5)", None, conv_varchar5, "v"),
    ("b", "boolean", None, conv_bool, "b"),
    ("d", "date", None, conv_other, "d::text"),
    ("ts", "timestamptz", None, conv_other, "ts::text"),
    ("j", "jsonb", None, conv_jsonb, "j::text"),
    ("ia", "int[]", None, conv_int_array, "ia"),
    ("p", "jsonb", None, conv_jsonb, "p::text"),
    ("pq", "jsonb", "/p/0/q", conv_jsonb, "pq::text"),
    ("p1", "text", "/p/1", conv_text, "p1"),
    ("deep", "jsonb", "/o/a~1b/1/~0", conv_jsonb, "deep::text"),
]
KEYS = ["id", "num", "t", "v", "b", "d", "ts", "j", "ia", "p", "o"]


def column_value(row, col):
    name, _, field, _, _ = col
    if field is None:
        return member(row, name)
    segs = [s.replace("~1", "/").replace("~0", "~") for s in field[1:].split("/")]
    return resolve(row, segs)


class Prediction:
    """What a scan may do: rows (with ANY where unchecked), or an error."""

    def __init__(self):
        self.rows = []
        self.codes = set()        # SQLSTATEs it may fail with
        self.must_fail = False
        self.count = 0            # rows read, for count(*)


def row_converter(pred, convert):
    """on_row for read_page: convert a row's columns into pred.rows, as
    store_row does, in column order."""
    def on_row(row):
        pred.count += 1
        if not convert:
            return
        out = []
        for col in COLUMNS:
            node = column_value(row, col)
            if node is None or node.kind == "null":
                out.append(None)
                continue
            try:
                out.append(col[3](node))
            except Maybe as m:
                pred.codes |= m.codes
                out.append(m.value)
        pred.rows.append(out)
    return on_row


def predict(pages, port, convert=True):
    """Predict a scan of page 1 onwards (following "next")."""
    pred = Prediction()
    seen = []
    number = 1
    on_row = row_converter(pred, convert)
    try:
        while True:
            body = pages.get(number)
            if body is None:
                raise Fail("HV00R")
            seen.append(number)
            nxt = read_page(body, on_row)
            if nxt is None or nxt.kind == "null":
                return pred
            if nxt.kind != "string":
                raise Fail("HV004")
            if nxt.text_err:
                raise Fail(nxt.text_err)
            target = next_target(nxt.text, number, port)
            if target is None:
                raise Fail({"HV000", "HV004", "22P05", "HV00R", "22P02"})
            if target == number:
                raise Fail("HV000")
            if target in seen:
                raise Fail("HV000")   # a loop: must be refused
            number = target
    except Fail as f:
        pred.codes |= f.codes
        pred.must_fail = True
        return pred


def read_object(body, on_row):
    """Read an item's response as RestParseObject does: one object, or an
    array holding exactly one."""
    if len(body) > MAX_RESPONSE:
        raise Fail("54000")
    verify_utf8(body)
    text = body.decode("utf-8")
    sc = Scanner(text)
    p = sc.ws(1 if text.startswith("\ufeff") else 0)
    start = p
    c = sc.s[p]
    if c == "{":
        row, p = sc.value(p, 1)
    elif c == "[":
        p = sc.ws(p + 1)
        if sc.s[p] != "{":
            sc.value(start, 1)
            raise Fail("HV004")
        row, p = sc.value(p, 2)
        p = sc.ws(p)
        if sc.s[p] != "]":
            sc.value(start, 1)
            raise Fail("HV004")
        p += 1
    else:
        sc.scalar(p)
        raise Fail("HV004")
    if sc.ws(p) != sc.end:
        raise Fail("22P02")
    on_row(row)


def predict_item(pages):
    """Predict SELECT ... WHERE id = 1: GET fz/1/, answered with page 1's
    body; an array is read as a page (without following "next"), anything
    else as one object; the rows whose id is 1 are returned."""
    pred = Prediction()
    on_row = row_converter(pred, True)
    body = pages[1]
    try:
        if body.lstrip(b" \t\r\n").startswith(b"["):
            read_page(body, on_row)
        else:
            read_object(body, on_row)
    except Fail as f:
        pred.codes |= f.codes
        pred.must_fail = True
    pred.rows = [r for r in pred.rows if r[0] == 1]
    return pred


def next_target(link, number, port):
    """Page a generated "next" link leads to; -1 other origin, None unknown."""
    m = re.fullmatch(r"http://127\.0\.0\.1:%d/api/fz/\?page=([1-9][0-9]?)" % port,
                     link)
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"\?page=([1-9][0-9]?)", link)
    if m:
        return int(m.group(1))
    if link.startswith("http://elsewhere.invalid/"):
        raise Fail("HV000")
    if link in ("", "#top"):
        return 1                  # libcurl drops the query: the first page
    return None


# ---------------------------------------------------------------------
# Generators
# ---------------------------------------------------------------------

DIGIT = st.sampled_from(range(32))


def chance(p):
    """True with probability about p.  Hypothesis draws integers mostly
    small, but an element of a short sampled_from about uniformly: two of
    them make a number below 1024.  Shrinking goes to 0, False."""
    return st.tuples(DIGIT, DIGIT).map(
        lambda t: t[0] * 32 + t[1] >= 1024 - p * 1024)


class Raw:
    """JSON text put in a document as is."""

    def __init__(self, text):
        self.text = text


class Obj:
    """An object as a list of members, so that names can repeat."""

    def __init__(self, pairs):
        self.pairs = pairs


class Num:
    def __init__(self, text):
        self.text = text


class Str:
    """A string and how to write each character."""

    def __init__(self, value, styles, extra=b""):
        self.value = value
        self.styles = styles      # per character: 0 raw, 1 \\u, 2 short
        self.extra = extra        # raw bytes put inside the quotes


SHORT = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f",
         "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def write_string(s, out):
    out.append(b'"')
    for i, ch in enumerate(s.value):
        style = s.styles[i % len(s.styles)] if s.styles else 0
        cp = ord(ch)
        if style == 2 and ch in SHORT:
            out.append(SHORT[ch].encode())
        elif style == 1 or ch in '"\\' or cp < 0x20 or 0xD800 <= cp <= 0xDFFF:
            if cp > 0xFFFF:
                cp -= 0x10000
                out.append(b"\\u%04x\\u%04X" % (0xD800 + (cp >> 10),
                                                0xDC00 + (cp & 0x3FF)))
            else:
                out.append(b"\\u%04x" % cp)
        else:
            out.append(ch.encode("utf-8"))
    out.append(s.extra)
    out.append(b'"')


def write(v, out, ws):
    """Serialize a generated value; ws is a whitespace generator."""
    if v is None:
        out.append(b"null")
    elif v is True:
        out.append(b"true")
    elif v is False:
        out.append(b"false")
    elif isinstance(v, Num):
        out.append(v.text.encode())
    elif isinstance(v, int):
        out.append(str(v).encode())
    elif isinstance(v, str):
        write_string(Str(v, [0]), out)
    elif isinstance(v, Str):
        write_string(v, out)
    elif isinstance(v, Raw):
        out.append(v.text if isinstance(v.text, bytes) else v.text.encode())
    elif isinstance(v, Obj):
        out.append(b"{" + ws())
        for i, (k, x) in enumerate(v.pairs):
            if i:
                out.append(ws() + b"," + ws())
            write(k, out, ws)
            out.append(ws() + b":" + ws())
            write(x, out, ws)
        out.append(ws() + b"}")
    elif isinstance(v, list):
        out.append(b"[" + ws())
        for i, x in enumerate(v):
            if i:
                out.append(ws() + b"," + ws())
            write(x, out, ws)
        out.append(ws() + b"]")
    else:
        raise TypeError(v)


def serialize(v, rnd):
    out = []
    spaces = [b"", b"", b"", b" ", b"\n", b"\t", b"\r\n  "]

    def ws():
        return rnd.choice(spaces) if rnd.random() < 0.2 else b""
    write(v, out, ws)
    return b"".join(out)


numbers = st.one_of(
    st.integers(-1000, 1000).map(lambda i: Num(str(i))),
    st.sampled_from([
        "0", "-0", "1", "-1", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "2147483647",
        "2147483648", "-2147483649", "1.5", "0.005", "0.015", "-0.005",
        "999999.99", "999999.995", "1000000", "12345678901234567890.12345",
        "1e2", "1E+2", "1e-2", "-1.5e-7", "1e308", "1e309", "1e-400",
        "1e400", "1e1000", "1e1001", "1e-1001", "1e999999999",
        "123456789012345678901234567890123456789012345678901234567890",
    ]).map(Num),
    st.integers(1, 3000).map(lambda n: Num("9" * n)),
    st.tuples(st.integers(-10**12, 10**12), st.integers(0, 10**6),
              st.integers(-30, 30)).map(
        lambda t: Num("%d.%de%d" % t)),
)

special_strings = st.sampled_from([
    "", "a", "abcde", "abcdef", "abc  ", "abcde   x", "t", "TRUE", " yes ",
    "of", "off", "on", "o", "1", "0", "2", " 42 ", "+7", "-0", "1e3", "0x10",
    "2024-02-29", "2024-02-30", "2024-02-29T13:14:15Z", "infinity", "NaN",
    "{1,2,3}", "{1,NULL}", "{{1},{2}}", "{{{{{{{1}}}}}}}", "caf\u00e9",
    "\U0001f600", "line\nbreak", 'quote"back\\slash', "\x00", "a\x00b",
    "\ud800", "\udc00", "\ud83d", "x\udfffy", "\x7f", "\u2028",
])

strings = st.one_of(
    special_strings,
    st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF),
            max_size=12),
)


@st.composite
def styled_strings(draw, base=strings):
    value = draw(base)
    styles = draw(st.lists(st.integers(0, 2), min_size=1, max_size=4))
    extra = b""
    if draw(chance(0.03)):
        # inside the quotes: an escape json.c must refuse or handle
        extra = draw(st.sampled_from([
            b"\\u0000", b"\\ud800", b"\\udc00", b"\\ud800\\u0041",
            b"\\ud83d\\ude00", b"\\x", b"\\u12", b"\\u00zz", b"\x01",
            b"\x1f", b"\\", b"\\U0041", b"\xff", b"\xc3", b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x00",
        ]))
    return Str(value, styles, extra)


scalars = st.one_of(st.none(), st.booleans(), numbers, styled_strings())


member_names = st.one_of(st.sampled_from(KEYS + ["q", "0", "1", "a/b", "~"]),
                         styled_strings())


def make_json_values(max_leaves):
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.lists(st.tuples(member_names, children), max_size=4).map(Obj)),
        max_leaves=max_leaves)


# strategies are built once: building them is what costs
JSON_VALUES = {n: make_json_values(n) for n in (4, 6, 12)}


def json_values(max_leaves=12):
    return JSON_VALUES[max_leaves]


@st.composite
def deep_values(draw):
    """Nesting from a few levels to 100,000, closed or not."""
    depth = draw(st.sampled_from([1, 2, 10, 990, 995, 996, 997, 998, 999,
                                  1000, 1001, 2000, 100000]))
    kind = draw(st.sampled_from(["arr", "obj", "mixed"]))
    closed = not draw(chance(0.2))
    if kind == "arr":
        head, tail = "[" * depth, "]" * depth
        mid = "1"
    elif kind == "obj":
        head, tail = '{"a":' * depth, "}" * depth
        mid = "1"
    else:
        head = "".join('{"a":' if i % 2 else "[" for i in range(depth))
        tail = "".join("}" if i % 2 else "]" for i in reversed(range(depth)))
        mid = "null"
    return Raw(head + mid + (tail if closed else tail[: len(tail) // 2]))


def make_column_values(name):
    """Values for a column, mostly ones its type takes."""
    typed = {
        "id": st.one_of(st.integers(*INT64), numbers),
        "num": numbers,
        "t": styled_strings(),
        "v": styled_strings(),
        "b": st.one_of(st.booleans(), styled_strings(special_strings)),
        "d": st.sampled_from(["2024-02-29", "2023-02-29", "1999-12-31",
                              "not a date", "infinity", "2024-13-01"]),
        "ts": st.sampled_from(["2024-02-29T13:14:15Z", "2024-02-29 13:14:15+02",
                               "2024-02-29T25:00:00Z", "epoch", "x"]),
        "j": json_values(),
        "ia": st.one_of(st.lists(st.one_of(st.none(), st.integers(*INT32),
                                           numbers, styled_strings()),
                                 max_size=6),
                        styled_strings(special_strings)),
        "p": st.one_of(
            st.lists(json_values(6), max_size=3),
            st.tuples(json_values(4), json_values(4)).map(
                lambda t: [Obj([("q", t[0])]), t[1]]),
            st.tuples(json_values(4), json_values(4)).map(
                lambda t: Obj([("0", Obj([("q", t[0])])), ("1", t[1])]))),
        "o": st.one_of(
            json_values(6),
            st.tuples(json_values(4), json_values(4)).map(
                lambda t: Obj([("a/b", [t[0], Obj([("~", t[1])])])]))),
    }[name]
    return st.one_of(typed, typed, typed, scalars, json_values(6),
                     deep_values() if name in ("j", "p", "o", "t") else scalars)


COLUMN_VALUES = {k: make_column_values(k) for k in KEYS}

# well-typed values, so that whole pages convert and rows can be compared
clean_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"),
                     max_size=10)
clean_strings = st.builds(lambda v, s: Str(v, s), clean_text,
                          st.lists(st.integers(0, 2), min_size=1, max_size=3))
clean_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                          st.decimals(allow_nan=False, allow_infinity=False,
                                      places=4).map(lambda d: Num(str(d))),
                          clean_strings)
clean_json = st.recursive(
    clean_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(st.tuples(st.one_of(st.sampled_from(["q", "0", "1", "a/b", "~"]),
                                     clean_strings), children),
                 max_size=4).map(Obj)),
    max_leaves=10)
CLEAN_VALUES = {
    "id": st.integers(*INT64),
    "num": st.decimals(min_value=-999999, max_value=999999, places=3,
                       allow_nan=False).map(lambda d: Num(str(d))),
    "t": clean_strings,
    "v": st.builds(lambda s, n: Str(s + " " * n, [0]),
                   st.text(st.characters(codec="utf-8", exclude_characters="\x00"),
                           max_size=5), st.integers(0, 3)),
    "b": st.booleans(),
    "d": st.sampled_from(["2024-02-29", "1999-12-31", "0001-01-01"]),
    "ts": st.sampled_from(["2024-02-29T13:14:15Z", "2024-02-29 13:14:15.5+02"]),
    "j": clean_json,
    "ia": st.lists(st.one_of(st.none(), st.integers(*INT32)), max_size=5),
    "p": st.one_of(
        st.lists(clean_json, max_size=3),
        st.tuples(clean_json, clean_json).map(lambda t: [Obj([("q", t[0])]), t[1]]),
        st.tuples(clean_json, clean_json).map(
            lambda t: Obj([("0", Obj([("q", t[0])])), ("1", t[1])]))),
    "o": st.one_of(
        clean_json,
        st.tuples(clean_json, clean_json).map(
            lambda t: Obj([("a/b", [t[0], Obj([("~", t[1])])])]))),
}
CLEAN_KEYS = st.lists(st.sampled_from(KEYS), max_size=14)


@st.composite
def clean_rows(draw):
    return Obj([(k, draw(CLEAN_VALUES[k])) for k in draw(CLEAN_KEYS)])
ROW_KEYS = st.lists(st.sampled_from(KEYS + ["zz", "i\\u0064"]), max_size=14)


def column_values(name):
    return COLUMN_VALUES[name]


@st.composite
def rows(draw):
    keys = draw(ROW_KEYS)
    pairs = []
    for k in keys:
        if k == "zz":
            pairs.append((member_names, json_values(6)))
        elif k == "i\\u0064":
            pairs.append((k, column_values("id")))
        else:
            pairs.append((k, column_values(k)))
    row = []
    for k, vals in pairs:
        key = draw(k) if not isinstance(k, str) else k
        if key == "i\\u0064":
            key = Raw('"i\\u0064"')
        row.append((key, draw(vals)))
    return Obj(row)


@st.composite
def page_docs(draw, port, number, npages, clean):
    """A page: bare array or envelope, with rows and maybe odd members."""
    body_rows = draw(st.lists(clean_rows() if clean else rows(), max_size=5))
    if not clean and draw(chance(0.1)):
        # a row that is not an object
        body_rows.insert(draw(st.integers(0, len(body_rows))), draw(json_values(4)))
    if draw(chance(0.25)):
        doc = body_rows
    else:
        name = draw(st.sampled_from(["results", "data", "items", "value",
                                     "resul\\u0074s", "Results"]))
        members = []
        for _ in range(draw(st.integers(0, 3))):
            members.append((draw(st.sampled_from(["count", "next", "previous",
                                                  "results", "x", "@odata.nextLink",
                                                  "n\\u0065xt"])),
                            draw(st.one_of(json_values(4), st.none()))))
        if clean:
            members = [(k, v) for k, v in members if "ext" not in k.lower()]
        nxt = draw(next_links(port, number, npages, clean))
        if nxt is not ANY:
            members.insert(draw(st.integers(0, len(members))), ("next", nxt))
        members.insert(draw(st.integers(0, len(members))), (name, body_rows))
        doc = Obj([(Raw('"%s"' % k) if "\\" in k else k, v) for k, v in members])
    if not clean and draw(chance(0.025)):
        doc = draw(st.one_of(scalars, st.just(Raw("")), st.just(Raw("   "))))
    return doc


def next_links(port, number, npages, clean=False):
    here = "http://127.0.0.1:%d/api/fz/" % port
    choices = [st.just(ANY), st.just(None)]
    if number < npages:
        choices += [st.just("%s?page=%d" % (here, number + 1)),
                    st.just("?page=%d" % (number + 1))]
    if clean:
        return st.one_of(*choices)
    choices += [st.just("%s?page=%d" % (here, 9)),
                st.just("http://elsewhere.invalid/api/fz/?page=2"),
                st.just(here + ("?page=%d" % number if number > 1 else "")),
                st.just(Num("2")), st.just(Obj([])), st.just(True),
                st.just(Str("", [0], b"\\u0000")), st.just("::::")]
    if CYCLES:
        # links back to a page already read: "" resolves to the page
        # without its query (libcurl), "?page=1" to the first page again
        choices += [st.just(""), st.just("?page=1"), st.just("#top")]
    return st.one_of(*choices)


MUTATIONS = [b"\x00", b"\xff", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\x01",
             b'"', b"{", b"}", b"[", b"]", b",", b":", b"\\", b"\xef\xbb\xbf",
             b"-", b"0", b"e", b"\xf0\x9f\x98"]


@st.composite
def cases(draw, port):
    """A case: the pages, page number -> body."""
    npages = draw(st.integers(1, 3))
    rnd = random.Random(draw(st.integers(0, 2**32)))
    clean = draw(chance(0.4))
    pages = {}
    for n in range(1, npages + 1):
        doc = draw(page_docs(port, n, npages, clean))
        body = serialize(doc, rnd)
        if draw(chance(0.03)):
            body = b"\xef\xbb\xbf" + body
        for _ in range(0 if clean else draw(st.sampled_from([0, 0, 0, 0, 1, 2]))):
            kind = draw(st.integers(0, 3))
            at = draw(st.integers(0, len(body)))
            if kind == 0:
                body = body[:at]
            elif kind == 1:
                body = body[:at] + draw(st.sampled_from(MUTATIONS)) + body[at:]
            elif kind == 2:
                body = body[:at] + body[at + 1:]
            else:
                body = body[:at] + draw(st.sampled_from(MUTATIONS)) + body[at + 1:]
        pages[n] = body
    if draw(chance(0.003)):
        # larger than max_response_size
        pages[1] = b'[{"t": "' + b"x" * (MAX_RESPONSE + 10) + b'"}]'
    return pages


# ---------------------------------------------------------------------
# Running a case
# ---------------------------------------------------------------------

class Failure(Exception):
    pass


class Runner:
    def __init__(self, args, pages, port):
        self.args = args
        self.pages = pages
        self.port = port
        self.conn = None
        self.backend_pid = None
        self.rss = []
        self.passed = 0
        self.failed = 0
        self.queries = 0
        self.errors_seen = {}
        self.ok_queries = 0
        self.rows_checked = 0
        self.connect()
        self.setup()
        self.select = "SELECT %s FROM fz" % ", ".join(c[4] for c in COLUMNS)

    def connect(self):
        self.conn = psycopg.connect(autocommit=True)
        self.conn.execute("SET statement_timeout = '10s'")
        self.backend_pid = self.conn.execute("SELECT pg_backend_pid()").fetchone()[0]

    def setup(self):
        c = self.conn
        c.execute("DROP EXTENSION IF EXISTS rest_fdw CASCADE")
        c.execute("CREATE EXTENSION rest_fdw")
        c.execute("CREATE SERVER fz FOREIGN DATA WRAPPER rest_fdw OPTIONS "
                  "(base_url 'http://127.0.0.1:%d/api/', timeout '10', "
                  "max_response_size '%dkB', max_retries '0')"
                  % (self.port, MAX_RESPONSE // 1024))
        c.execute("CREATE USER MAPPING FOR PUBLIC SERVER fz")
        cols = []
        for name, typ, field, _, _ in COLUMNS:
            opt = " OPTIONS (field '%s')" % field if field else ""
            cols.append("%s %s%s" % (name, typ, opt))
        c.execute("CREATE FOREIGN TABLE fz (%s) SERVER fz OPTIONS "
                  "(resource 'fz/', pagination 'cursor')" % ", ".join(cols))

    def vmrss_kb(self):
        with open("/proc/%d/status" % self.backend_pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def query(self, sql):
        """(rows, None) or (None, sqlstate); Failure if the backend died."""
        self.queries += 1
        started = time.monotonic()
        requests = self.pages.requests
        try:
            cur = self.conn.execute(sql)
            return cur.fetchall(), None
        except psycopg.errors.QueryCanceled:
            print("SLOW: %s: %.1f s, %d requests; %s"
                  % (sql[:60], time.monotonic() - started,
                     self.pages.requests - requests,
                     describe(self.pages.pages)), flush=True)
            return None, "57014"
        except psycopg.OperationalError as e:
            if self.conn.closed or e.sqlstate is None:
                pid = self.backend_pid
                self.connect()
                self.setup()
                raise Failure("backend %d died: %s" % (pid, e))
            return None, e.sqlstate
        except psycopg.Error as e:
            if self.conn.closed:
                self.connect()
                self.setup()
                raise Failure("connection lost: %s" % e)
            return None, e.sqlstate

    def check(self, pages):
        """Run the queries over one case; raise Failure on a violation.
        Hypothesis lowers the recursion limit while a test runs; values
        nested 1000 deep need more (they are compared recursively)."""
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20000))
        try:
            self.check_case(pages)
        finally:
            sys.setrecursionlimit(limit)

    def check_case(self, pages):
        self.pages.set(pages)
        pred = predict(pages, self.port)
        rows, state = self.query(self.select)
        self.compare(pred, rows, state, "SELECT *")
        if self.args.item:
            rows, state = self.query(self.select + " WHERE id = 1")
            self.compare(predict_item(pages), rows, state, "item")
        if self.args.count:
            cpred = predict(pages, self.port, convert=False)
            rows, state = self.query("SELECT count(*) FROM fz")
            if state is None:
                rows = [[rows[0][0]]]
            cpred.rows = [[cpred.count]]
            self.compare(cpred, rows, state, "count(*)")

    def compare(self, pred, rows, state, what):
        if state is not None:
            self.errors_seen[state] = self.errors_seen.get(state, 0) + 1
            if not sqlstate_allowed(state):
                raise Failure("%s failed with SQLSTATE %s, not an expected one"
                              % (what, state))
            if state not in pred.codes:
                raise Failure("%s failed with SQLSTATE %s; predicted %s"
                              % (what, state,
                                 "rows" if not pred.codes else sorted(pred.codes)))
            return
        if pred.must_fail:
            raise Failure("%s returned %d rows; predicted an error %s"
                          % (what, len(rows), sorted(pred.codes)))
        self.ok_queries += 1
        self.rows_checked += len(rows)
        if len(rows) != len(pred.rows):
            raise Failure("%s returned %d rows; predicted %d"
                          % (what, len(rows), len(pred.rows)))
        for i, (got, want) in enumerate(zip(rows, pred.rows)):
            for j, (g, w) in enumerate(zip(got, want)):
                if w is ANY:
                    continue
                if isinstance(w, tuple) and w[0] == "json":
                    g = None if g is None else json.loads(
                        g, parse_float=Decimal, parse_int=Decimal)
                    w = w[1]
                    if not json_equal(g, w):
                        raise Failure("%s row %d column %s: got %r, predicted %r"
                                      % (what, i, COLUMNS[j][0], g, w))
                elif g != w or type(g) is not type(w) and w is not None \
                        and not isinstance(w, Decimal):
                    raise Failure("%s row %d column %s: got %r, predicted %r"
                                  % (what, i, COLUMNS[j][0] if what != "count(*)"
                                     else "count", g, w))


def json_equal(a, b):
    if b is ANY:
        return True
    if isinstance(b, dict):
        return isinstance(a, dict) and a.keys() == b.keys() and \
            all(json_equal(a[k], b[k]) for k in b)
    if isinstance(b, list):
        return isinstance(a, list) and len(a) == len(b) and \
            all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(b, bool) or b is None:
        return a is b
    return a == b and not isinstance(a, bool)


# ---------------------------------------------------------------------
# Fixed cases: every truncation of a few bodies, top-level scalars
# ---------------------------------------------------------------------

RICH_BODIES = [
    b'{"count": 2, "next": null, "results": [{"id": 1, "t": "a\\u00e9\\ud83d\\ude00\\n",'
    b' "b": true, "num": 12.345, "j": {"k": [1, 2.5e3, "x"], "k": null},'
    b' "ia": [1, null, 3], "p": [{"q": [true]}, "one"], "o": {"a/b": [0, {"~": 5}]}},'
    b' {"id": -9223372036854775808, "v": "abc  ", "t": null, "d": "2024-02-29"}],'
    b' "x": [[], {}]}',
    b'[{"id":1,"t":"x"},{"id":2,"j":[[[[]]]]},{"id":3,"p":{"0":{"q":1},"1":2}}]  ',
]
SCALAR_BODIES = [b"1", b"-0", b'"x"', b"null", b"true", b"false", b"", b"  ",
                 b"1 2", b"[1]", b"[[]]", b'{"results": 1}', b"{}",
                 b'{"results": [], "results": 5}', b"[]", b"[{}]", b"[{}",
                 b"\xef\xbb\xbf[]", b"[] x", b"[]\x00", b"[{}]\n\t\r ",
                 b'{"data": [{"id": 7}], "next": "?page=1"}']


def fixed_cases():
    for body in RICH_BODIES:
        for n in range(len(body) + 1):
            yield {1: body[:n]}
    for body in SCALAR_BODIES:
        yield {1: body}


# ---------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------

def describe(pages):
    return "; ".join("page %d: %r" % (n, b[:300] + (b"..." if len(b) > 300 else b""))
                     for n, b in sorted(pages.items()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--rss-growth-mb", type=float, default=32,
                    help="largest VmRSS growth of the backend after warm-up")
    ap.add_argument("--max-failures", type=int, default=20)
    ap.add_argument("--batch", type=int, default=200,
                    help="examples per hypothesis run")
    ap.add_argument("--no-count", dest="count", action="store_false",
                    help="do not also run SELECT count(*) on each case")
    ap.add_argument("--server-log", help="the cluster's log, checked at the "
                    "end for crashed backends")
    ap.add_argument("--cycles", action="store_true",
                    help="also serve \"next\" links back to pages already read, "
                    "which the scan must refuse (HV000) rather than loop on")
    ap.add_argument("--no-item", dest="item", action="store_false",
                    help="do not also run SELECT ... WHERE id = 1 (GET fz/1/)")
    args = ap.parse_args()
    global CYCLES
    CYCLES = args.cycles

    run_seed = args.seed if args.seed is not None else random.randrange(2**32)
    print("fuzz_scan: seed %d, %g s" % (run_seed, args.seconds), flush=True)
    pages = Pages()
    srv = start_server(pages)
    port = srv.port
    runner = Runner(args, pages, port)
    failures = []
    start = time.monotonic()
    deadline = start + args.seconds

    def record(pages_, exc):
        runner.failed += 1
        msg = "%s\n    %s" % (exc, describe(pages_))
        failures.append(msg)
        print("FAIL: " + msg, flush=True)

    def run_one(case):
        try:
            runner.check(case)
            runner.passed += 1
        except Failure as e:
            record(case, e)

    for case in fixed_cases():
        run_one(case)
    rss_base = runner.vmrss_kb()
    print("fixed cases: %d passed, %d failed; backend VmRSS %d kB"
          % (runner.passed, runner.failed, rss_base), flush=True)

    # hypothesis runs in batches until the time is up; a failing example is
    # shrunk, recorded, and the next batch starts
    batch_seed = random.Random(run_seed)
    while time.monotonic() < deadline and runner.failed < args.max_failures:
        @seed(batch_seed.randrange(2**32))
        @settings(max_examples=args.batch, deadline=None, database=None,
                  derandomize=False, print_blob=False,
                  phases=[Phase.generate, Phase.shrink],
                  suppress_health_check=list(HealthCheck))
        @given(cases(port))
        def prop(case):
            if time.monotonic() > deadline + 120:
                return          # shrinking past the time: stop checking
            try:
                runner.check(case)
            except Failure as e:
                e.case = describe(case)
                raise
            runner.passed += 1

        try:
            prop()
        except Failure as e:
            runner.failed += 1
            failures.append(str(e))
            print("FAIL (shrunk): %s\n    %s" % (e, getattr(e, "case", "")), flush=True)
        except Exception as e:  # noqa: BLE001 - report, go on
            runner.failed += 1
            failures.append(repr(e))
            print("FAIL (driver): %s" % "".join(traceback.format_exception(e)), flush=True)
        rss = runner.vmrss_kb()
        runner.rss.append(rss)
        print("  %6.0f s: %d cases, %d queries, VmRSS %d kB"
              % (time.monotonic() - start, runner.passed + runner.failed,
                 runner.queries, rss), flush=True)

    rss_end = runner.vmrss_kb()
    rss_max = max(runner.rss + [rss_end])
    growth_mb = (rss_end - rss_base) / 1024.0
    print("backend %d VmRSS: %d kB after the fixed cases, %d kB at the end, "
          "%d kB at most (growth %.1f MB, bound %g MB)"
          % (runner.backend_pid, rss_base, rss_end, rss_max, growth_mb,
             args.rss_growth_mb))
    if growth_mb > args.rss_growth_mb:
        runner.failed += 1
        print("FAIL: backend memory grew by %.1f MB" % growth_mb)
    if args.server_log:
        with open(args.server_log, errors="replace") as f:
            crashes = [line.rstrip() for line in f
                       if "terminated by signal" in line or "PANIC" in line]
        for line in crashes:
            print("FAIL: server log: %s" % line)
        runner.failed += len(crashes)
    print("queries that returned rows: %d (%d rows checked)"
          % (runner.ok_queries, runner.rows_checked))
    print("SQLSTATEs seen: %s" % ", ".join(
        "%s x%d" % kv for kv in sorted(runner.errors_seen.items())))
    print("%d cases and %d queries in %.0f s"
          % (runner.passed + runner.failed, runner.queries,
             time.monotonic() - start))
    srv.shutdown()
    print("%d passed, %d failed" % (runner.passed, runner.failed))
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
