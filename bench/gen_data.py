"""Deterministic benchmark rows, and the files every peer reads them from.

The same rows feed every peer: a CSV file (local heap tables and the
second database are loaded from it with COPY, file_fdw reads it as is) and
static JSON files that nginx serves as if it were a Django REST framework
service (see bench/README.md, "How URLs map to files"):

    <www>/<resource>/i/<id>.json        GET /<resource>/<id>/
    <www>/<resource>/q/<args>.json      GET /<resource>/?<args>

<args> is the raw query string (nginx's $args).  Collection pages are
written by a small DRF emulator (django-filter lookups, ordering,
limit/offset, the {count, next, previous, results} envelope) for each URL
rest_fdw asks for that has no file yet (bench.py runs each workload's query
once and reads nginx's 404s), then for every "next" link those pages hold.
Next links are written the way rest_fdw itself builds page URLs (the first
URL's other parameters, then limit, then offset), so a client that computes
page URLs instead of following links finds the same files.

bench.py and slow_service.py import it; the command line is for making the
files by hand:
    gen_data.py csv OUTDIR NROWS                   items.csv and wide.csv
    gen_data.py items WWW RESOURCE NROWS [--wide]
    gen_data.py pages WWW RESOURCE NROWS [--wide] [--origin URL] URL...
"""
import argparse
import datetime
import json
import os
import sys
import urllib.parse

EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)

COLUMNS = ["id", "name", "price", "created", "active", "category_id"]
WIDE_COLUMNS = COLUMNS + [
    "sku", "description", "quantity", "weight", "color", "size", "updated",
    "rating", "stock", "vendor_id", "discount", "barcode", "featured", "notes",
]
COLORS = ["red", "green", "blue", "black", "white", "yellow", "purple"]
SIZES = ["XS", "S", "M", "L", "XL"]


def iso(ts):
    """ISO 8601 in UTC with a Z, as Django REST framework renders it."""
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def price_of(i):
    """A price between 1.00 and 999.99, spread over the ids."""
    cents = (i * 7919) % 99900 + 100
    return "%d.%02d" % (cents // 100, cents % 100)


def row(i):
    """The narrow row with id i, as a dict in column order."""
    return {
        "id": i,
        "name": "Widget %d" % i,
        "price": price_of(i),
        "created": iso(EPOCH + datetime.timedelta(minutes=i)),
        "active": i % 3 == 0,
        "category_id": i % 100 + 1,
    }


def wide_row(i):
    """The wide row (20 columns) with id i."""
    r = row(i)
    r.update({
        "sku": "SKU-%08d" % i,
        "description": "A fine widget number %d for every purpose" % i,
        "quantity": i % 500,
        "weight": "%d.%03d" % (i % 50, i % 1000),
        "color": COLORS[i % len(COLORS)],
        "size": SIZES[i % len(SIZES)],
        "updated": iso(EPOCH + datetime.timedelta(minutes=i, seconds=30)),
        "rating": "%d.%d" % (i % 5 + 1, i % 10),
        "stock": (i * 13) % 1000,
        "vendor_id": i % 250 + 1,
        "discount": "%d.%02d" % (i % 30, i % 100),
        "barcode": "%013d" % (i * 7),
        "featured": i % 10 == 0,
        "notes": None if i % 4 else "note %d" % i,
    })
    return r


def csv_value(v):
    """A value as file_fdw and COPY read it (empty is NULL)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def write_csv(path, make_row, n):
    """CSV with a header; no value needs quoting (no comma, quote or newline)."""
    with open(path, "w") as f:
        cols = list(make_row(1).keys())
        f.write(",".join(cols) + "\n")
        for i in range(1, n + 1):
            f.write(",".join(csv_value(v) for v in make_row(i).values()) + "\n")


def dumps(obj):
    """Compact JSON, as DRF's JSONRenderer writes it."""
    return json.dumps(obj, separators=(",", ":"))


def write_items(www, resource, make_row, n):
    """One file per item: GET /resource/<id>/."""
    d = os.path.join(www, resource, "i")
    os.makedirs(d, exist_ok=True)
    for i in range(1, n + 1):
        with open(os.path.join(d, "%d.json" % i), "w") as f:
            f.write(dumps(make_row(i)))


class Collection:
    """The rows of a resource, filtered and sorted like django-filter + DRF."""

    LOOKUPS = {
        "exact": lambda a, b: a == b, "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b, "gt": lambda a, b: a > b,
        "gte": lambda a, b: a >= b,
    }

    def __init__(self, make_row, n):
        self.make_row = make_row
        self.n = n
        self._rows = None

    def rows(self):
        """Every row, made once."""
        if self._rows is None:
            self._rows = [self.make_row(i) for i in range(1, self.n + 1)]
        return self._rows

    @staticmethod
    def typed(column, text):
        """A value compared as the service's database would compare it."""
        if column in ("price", "weight", "rating", "discount"):
            return float(text)
        if column in ("id", "category_id", "quantity", "stock", "vendor_id"):
            return int(text)
        if column in ("active", "featured"):
            return text.lower() == "true"
        return text

    def select(self, params):
        """Rows matching the filters of params, in the requested order."""
        if all(k in ("limit", "offset") for k in params) or \
                list(params) == ["ordering"] and params["ordering"] == ["id"]:
            return LazyRows(self.make_row, self.n)
        rows = self.rows()
        for name, values in params.items():
            if name in ("limit", "offset", "ordering", "page", "page_size"):
                continue
            column, _, lookup = name.partition("__")
            lookup = lookup or "exact"
            if lookup == "in":
                wanted = {self.typed(column, v) for v in values[0].split(",")}
                rows = [r for r in rows if self.typed(column, str(r[column])) in wanted]
                continue
            if lookup not in self.LOOKUPS:
                raise SystemExit("emulator: unsupported filter %s" % name)
            op, value = self.LOOKUPS[lookup], self.typed(column, values[0])
            rows = [r for r in rows if op(self.typed(column, str(r[column])), value)]
        if "ordering" in params:
            for field in reversed(params["ordering"][0].split(",")):
                desc = field.startswith("-")
                field = field.lstrip("-")
                rows = sorted(rows, key=lambda r: self.typed(field, str(r[field])),
                              reverse=desc)
        return rows


class LazyRows:
    """Rows 1..n in id order, made only when a page slices them."""

    def __init__(self, make_row, n):
        self.make_row, self.n = make_row, n

    def __len__(self):
        return self.n

    def __getitem__(self, s):
        return [self.make_row(i + 1) for i in range(*s.indices(self.n))]


def split_args(args):
    """The parameters of a query string except limit and offset, in order."""
    pairs = [p for p in args.split("&") if p]
    base = [p for p in pairs if p.split("=", 1)[0] not in ("limit", "offset")]
    params = urllib.parse.parse_qs(args, keep_blank_values=True)
    return base, params


def page_args(base, limit, offset):
    """A page's query string, built as rest_fdw builds it."""
    parts = list(base)
    if limit:
        parts.append("limit=%d" % limit)
    if offset:
        parts.append("offset=%d" % offset)
    return "&".join(parts)


def write_pages(www, resource, origin, coll, args, default_limit=1000):
    """Write the page for query string args and every page after it.

    A first page smaller than default_limit is a pushed-down LIMIT: only
    that page is written (a client that asks for more gets a 404, which
    the harness reports).
    """
    d = os.path.join(www, resource, "q")
    os.makedirs(d, exist_ok=True)
    base, params = split_args(args)
    rows = coll.select(params)
    limit = int(params.get("limit", [default_limit])[0])
    offset = int(params.get("offset", ["0"])[0])
    written = 0
    while True:
        page = rows[offset:offset + limit]
        nxt = offset + limit if offset + limit < len(rows) else None
        prev = None if offset == 0 else max(offset - limit, 0)
        link = lambda o: "%s/%s/?%s" % (origin, resource, page_args(base, limit, o))
        body = {
            "count": len(rows),
            "next": link(nxt) if nxt is not None else None,
            "previous": link(prev) if prev is not None else None,
            "results": page,
        }
        name = args if written == 0 else page_args(base, limit, offset)
        with open(os.path.join(d, name + ".json"), "w") as f:
            f.write(dumps(body))
        written += 1
        if nxt is None or limit < default_limit:
            return written
        offset = nxt


def main():
    """Command line: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["csv", "items", "pages"])
    ap.add_argument("out")
    ap.add_argument("rest", nargs="*")
    ap.add_argument("--wide", action="store_true")
    ap.add_argument("--origin", default="")
    a = ap.parse_intermixed_args()
    make_row = wide_row if a.wide else row
    if a.what == "csv":
        n = int(a.rest[0])
        write_csv(os.path.join(a.out, "items.csv"), row, n)
        write_csv(os.path.join(a.out, "wide.csv"), wide_row, n)
    elif a.what == "items":
        resource, n = a.rest[0], int(a.rest[1])
        write_items(a.out, resource, make_row, n)
    else:
        resource, n, urls = a.rest[0], int(a.rest[1]), a.rest[2:]
        coll = Collection(make_row, n)
        total = 0
        for url in urls:
            args = urllib.parse.urlsplit(url).query
            total += write_pages(a.out, resource, a.origin, coll, args)
        print("%s: %d page files" % (resource, total), file=sys.stderr)


if __name__ == "__main__":
    main()
