"""PostgREST's query-string protocol, as the services emulate it.

What a PostgREST request says, parsed, and how PostgREST answers in the
parts that do not depend on the rows: the filter grammar (field=[not.]op.
value, in.(list), is.word, [not.](and|or)=(...) trees), select=, order=,
limit/offset, the Prefer header, Content-Range and the error objects.
Evaluating a filter is the service's business: a parsed filter is a plain
tuple (see Grammar.tree).
"""

from servicekit.server import HttpError

# query parameters that are not filters
RESERVED = ("select", "order", "limit", "offset", "columns", "on_conflict")
SIMPLE_OPS = ("eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike")
CTYPE = "application/json; charset=utf-8"


def error(status, code, message, details=None, hint=None):
    """A PostgREST-shaped error."""
    return HttpError(status, {"code": code, "message": message,
                              "details": details, "hint": hint}, ctype=CTYPE)


def parse_error(text, detail):
    """PostgREST's PGRST100 query-string parse error."""
    return error(400, "PGRST100",
                 '"failed to parse filter (%s)" (line 1, column 1)' % text,
                 detail)


class Grammar:
    """PostgREST's filter grammar, as its parser (QueryParams.hs) reads it.

    A logic tree is ``[not.](and|or)(term,...)``, a term a tree or
    ``field.[not.]op.value``.  Inside a tree a value is a double-quoted
    string (backslash escapes) only when the quote closes right before a
    ``,`` or ``)``; otherwise it runs up to the next ``,`` or ``)``, quotes
    included (so ``like.*"a.b"*`` looks for literal quotes).  A top-level
    filter's value is the whole rest of the text.  Space and tab around
    parentheses and commas are skipped.
    """

    class Fail(Exception):
        """A parse failure (PostgREST answers 400 PGRST100)."""

    def __init__(self, text):
        """Parse text from its start."""
        self.s = text
        self.i = 0

    def peek(self):
        """The next character, or '' at the end."""
        return self.s[self.i] if self.i < len(self.s) else ""

    def ws(self):
        """Skip spaces and tabs."""
        while self.peek() in (" ", "\t") and self.peek():
            self.i += 1

    def char(self, c):
        """Consume the character c."""
        if self.peek() != c:
            raise self.Fail("expecting %r" % c)
        self.i += 1

    def word(self, w, ci=False):
        """Consume the word w (case-insensitively when ci)."""
        got = self.s[self.i:self.i + len(w)]
        if (got.lower() if ci else got) != w:
            raise self.Fail("expecting %r" % w)
        self.i += len(w)

    def attempt(self, fn):
        """Parsec's try: fn's value, or None with nothing consumed."""
        save = self.i
        try:
            return (fn(),)
        except self.Fail:
            self.i = save
            return None

    def until(self, stops):
        """many (noneOf stops)."""
        j = self.i
        while self.i < len(self.s) and self.s[self.i] not in stops:
            self.i += 1
        return self.s[j:self.i]

    def quoted(self):
        """A double-quoted value with backslash escapes."""
        self.char('"')
        out = []
        while True:
            c = self.peek()
            if c == "":
                raise self.Fail("unterminated quote")
            self.i += 1
            if c == '"':
                return "".join(out)
            if c == "\\":
                if self.peek() == "":
                    raise self.Fail("unterminated escape")
                c = self.peek()
                self.i += 1
            out.append(c)

    def quoted_whole(self):
        """A quoted value that ends the value (a ',' or ')' follows)."""
        v = self.quoted()
        if self.peek() not in ("", ",", ")"):
            raise self.Fail("quote inside a value")
        return v

    def field(self):
        """A field name: quoted, or identifiers joined by '-'."""
        self.ws()
        got = self.attempt(self.quoted)
        if got is not None:
            name = got[0]
        else:
            j = self.i
            while self.i < len(self.s):
                c = self.s[self.i]
                if c.isalnum() or c in "_ $":
                    self.i += 1
                elif c == "-" and self.s[self.i + 1:self.i + 2] != ">":
                    self.i += 1
                else:
                    break
            name = self.s[j:self.i].strip()
            if not name:
                raise self.Fail("field name (* or [a..z0..9_$])")
        self.ws()
        return name

    def tree(self):
        """pLogicTree: ("filter", col, negate, op, value) or
        ("logic", kind, negate, terms)."""
        got = self.attempt(self.logic_filter)
        if got is not None:
            return got[0]
        negate = self.attempt(lambda: (self.word("not"), self.char("."))) is not None
        if self.attempt(lambda: self.word("and")) is not None:
            kind = "and"
        elif self.attempt(lambda: self.word("or")) is not None:
            kind = "or"
        else:
            raise self.Fail("logic operator (and, or)")
        self.ws()
        self.char("(")
        self.ws()
        terms = [self.tree()]
        self.ws()
        while self.peek() == ",":
            self.i += 1
            self.ws()
            terms.append(self.tree())
            self.ws()
        self.char(")")
        self.ws()
        return ("logic", kind, negate, terms)

    def logic_filter(self):
        """field.opexpr inside a tree."""
        col = self.field()
        self.char(".")
        return ("filter", col) + self.opexpr(True)

    def opexpr(self, in_tree):
        """[not.](in.(list)|is.word|op.value): (negate, op, value)."""
        negate = self.attempt(lambda: (self.word("not"), self.char("."))) is not None
        if self.attempt(lambda: (self.word("in"), self.char("."))) is not None:
            return negate, "in", self.list_value()
        if self.attempt(lambda: (self.word("is"), self.char("."))) is not None:
            for w in ("null", "unknown", "true", "false"):
                if self.attempt(lambda w=w: self.word(w, ci=True)) is not None:
                    return negate, "is", w
            raise self.Fail("null or trilean value (unknown, true, false)")
        j = self.s.find(".", self.i)
        if j < 0:
            raise self.Fail("delimiter (.)")
        op = self.s[self.i:j]
        if op not in SIMPLE_OPS:
            raise self.Fail("unknown single value operator " + op)
        self.i = j + 1
        if not in_tree:
            value = self.s[self.i:]
            self.i = len(self.s)
            return negate, op, value
        got = self.attempt(self.quoted_whole)
        if got is not None:
            return negate, op, got[0]
        if self.peek() == "{":
            got = self.attempt(lambda: (self.char("{"), self.until("{}"),
                                        self.char("}")))
            if got is not None:
                return negate, op, "{" + got[0][1] + "}"
        return negate, op, self.until(",)")

    def list_value(self):
        """(a,"b,c",...): at least one element, maybe empty."""
        self.ws()
        self.char("(")
        self.ws()
        items = []
        while True:
            got = self.attempt(self.quoted_whole)
            items.append(got[0] if got is not None else self.until(",)"))
            if self.peek() != ",":
                break
            self.i += 1
        self.ws()
        self.char(")")
        self.ws()
        return items


def parse_filter(key, value):
    """The filter of one query parameter (not a RESERVED one): a logic tree
    for and=/or=/not.and=/not.or=, else ("filter", key, negate, op, value);
    PGRST100 when the text does not parse."""
    try:
        if key in ("and", "or", "not.and", "not.or"):
            node = Grammar(key + value).tree()
            if node[0] != "logic":
                raise Grammar.Fail("expecting (")
            return node
        return ("filter", key) + Grammar(value).opexpr(False)
    except Grammar.Fail as e:
        raise parse_error(value, str(e))


def parse_order(text, column=lambda col: col):
    """order=col.asc.nullsfirst,... as sort specs [(column, descending,
    nulls_first)]; column(name) checks each column's name as it comes."""
    specs = []
    for term in text.split(","):
        if not term:
            continue
        parts = term.split(".")
        col = column(parts[0])
        desc = False
        nulls = None
        for p in parts[1:]:
            if p in ("asc", "desc"):
                desc = p == "desc"
            elif p in ("nullsfirst", "nullslast"):
                nulls = p == "nullsfirst"
            else:
                raise parse_error(term, "unexpected %r" % p)
        specs.append((col, desc, desc if nulls is None else nulls))
    return specs


def parse_select(text, column=lambda col: col):
    """select=a,b as a column list (None: all columns); column(name) checks
    each name."""
    if not text or text == "*":
        return None
    return [column(c.strip()) for c in text.split(",") if c.strip()]


def parse_range(params):
    """offset= and limit= of a query (a dict): (offset, limit), limit None
    when not given; PGRST100 when one is not an integer."""
    try:
        offset = int(params.get("offset", "0"))
        limit = int(params["limit"]) if "limit" in params else None
    except ValueError:
        raise parse_error("limit/offset", "expecting an integer")
    return offset, limit


def prefer(headers):
    """The Prefer headers as a dict (return=..., count=..., resolution=...)."""
    prefs = {}
    for h in headers.get_all("Prefer") or []:
        for item in h.split(","):
            k, _, v = item.strip().partition("=")
            prefs[k.strip().lower()] = v.strip().lower()
    return prefs


def content_range(offset, count, total=None):
    """The Content-Range of count rows from offset: "O-E/T", or "*/T" with
    no rows; T is the total when known (Prefer: count=exact), else "*"."""
    total_txt = "*" if total is None else str(total)
    if count:
        return "%d-%d/%s" % (offset, offset + count - 1, total_txt)
    return "*/%s" % total_txt


def range_not_satisfiable(offset, total):
    """PGRST103: with a count, an offset past the last row is a 416."""
    return HttpError(416, {
        "code": "PGRST103", "message": "Requested range not satisfiable",
        "details": "An offset of %d was requested, but there are only "
                   "%d rows." % (offset, total), "hint": None},
        {"Content-Range": "*/%d" % total}, ctype=CTYPE)
