"""The pages, the static server and the report of bench/instructions.sh.

The instruction counts measure rest_fdw's own work per query and per row,
so the service must cost nothing the backend counts and answer the same
bytes every time: the pages are written once, as a Django REST framework
service would render them, and served from files by a tiny HTTP/1.1
server (keep-alive, like the services rest_fdw talks to).

    instructions.py gen WWW NROWS            writes the files
    instructions.py serve WWW PORTFILE LOG    serves them on 127.0.0.1
    instructions.py report OUT.md NROWS COMMAND  BEFORE-LABEL CGDIR-BEFORE
                           AFTER-LABEL CGDIR-AFTER QUERIES
                                             reads callgrind's dumps and
                                             writes the table

A request's path and query string, percent-encoded as one file name,
name its file in WWW; a request with no file is a 404, logged in LOG
(bench/instructions.sh fails if there is any).  The files:

    /<res>/?page_size=<NROWS>   every row, one page ({count, next, ...})
    /<res>/?page_size=1         the first row and the count (count(*))
    /<res>/<id>/                one row (point lookups)

for <res> = items (6 columns: int, text, numeric, timestamptz, bool, date)
and wide (20 columns, the same types in turn).
"""
import datetime
import glob
import http.server
import re
import statistics
import json
import os
import sys
import urllib.parse

EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)

# (name, type) of the 6 columns; the wide table repeats the types
NARROW = [("id", "int"), ("name", "text"), ("price", "numeric"),
          ("created", "timestamptz"), ("active", "bool"), ("released", "date")]
TYPES = ["int", "text", "numeric", "timestamptz", "bool", "date"]
WIDE = NARROW + [("c%d" % i, TYPES[i % len(TYPES)]) for i in range(6, 20)]


def value(kind, i, k):
    """The value of column number k of type kind in row i, as JSON."""
    if kind == "int":
        return i if k == 0 else (i * 7 + k) % 100000
    if kind == "text":
        return "Widget %d/%d" % (i, k)
    if kind == "numeric":
        cents = (i * 7919 + k) % 99900 + 100
        return "%d.%02d" % (cents // 100, cents % 100)
    if kind == "timestamptz":
        ts = EPOCH + datetime.timedelta(minutes=i, seconds=k)
        return ts.strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "bool":
        return (i + k) % 3 == 0
    if kind == "date":
        return (EPOCH.date() + datetime.timedelta(days=i % 3000)).isoformat()
    raise ValueError(kind)


def row(columns, i):
    """Row i of a table of these columns."""
    return {name: value(kind, i, k) for k, (name, kind) in enumerate(columns)}


def file_name(www, path_and_query):
    """Where the answer to a request path (with its query string) is."""
    return os.path.join(www, urllib.parse.quote(path_and_query, safe=""))


def write(www, path_and_query, obj):
    """Write one answer, compact as DRF's JSONRenderer writes it."""
    with open(file_name(www, path_and_query), "w") as f:
        json.dump(obj, f, separators=(",", ":"))


def gen(www, n):
    """Every file both tables need."""
    os.makedirs(www, exist_ok=True)
    for res, columns in (("items", NARROW), ("wide", WIDE)):
        rows = [row(columns, i) for i in range(1, n + 1)]
        write(www, "/%s/?page_size=%d" % (res, n),
              {"count": n, "next": None, "previous": None, "results": rows})
        write(www, "/%s/?page_size=1" % res,
              {"count": n, "next": "/%s/?page=2&page_size=1" % res,
               "previous": None, "results": rows[:1]})
        for r in rows:
            write(www, "/%s/%d/" % (res, r["id"]), r)


class Handler(http.server.BaseHTTPRequestHandler):
    """GET answers from the files; anything else is a 404."""
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        try:
            with open(file_name(self.server.www, self.path), "rb") as f:
                body = f.read()
            status = 200
        except OSError:
            body = b'{"detail":"Not found."}'
            status = 404
            with open(self.server.log, "a") as log:
                log.write("404 %s\n" % self.path)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


def serve(www, port_file, log):
    """Serve WWW on a free port of 127.0.0.1, written to port_file."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.www = www
    server.log = log
    open(log, "a").close()
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


def query_dumps(cgdir, nqueries):
    """Instructions of each of the last nqueries queries of a run.

    callgrind dumps its counters after every CommitTransactionCommand
    (--dump-after): one dump per query of the single-user backend, from
    the end of the previous query's commit to the end of its own (parse,
    plan, execution, commit).  The dumps of the start-up come first, the
    one at exit last; only those of the trigger count.
    """
    dumps = []
    for path in glob.glob(os.path.join(cgdir, "callgrind.out*")):
        part = trigger = total = None
        with open(path) as f:
            for line in f:
                if line.startswith("part:"):
                    part = int(line.split()[1])
                elif line.startswith("desc: Trigger:"):
                    trigger = line
                elif line.startswith(("summary:", "totals:")):
                    total = int(line.split()[1])
                    break
        if trigger and "CommitTransactionCommand" in trigger and total is not None:
            dumps.append((part, total))
    dumps.sort()
    if len(dumps) < nqueries:
        sys.exit("%s: %d dumps, %d queries" % (cgdir, len(dumps), nqueries))
    return [t for _, t in dumps[-nqueries:]]


def measure(cgdir, queries):
    """Median instructions per query kind: [(kind, text, median)]."""
    counts = dict()
    order = []
    for (kind, text, warm), total in zip(queries, query_dumps(cgdir, len(queries))):
        if kind not in counts:
            counts[kind] = (text, [])
            order.append(kind)
        if not warm:
            counts[kind][1].append(total)
    return [(k, counts[k][0], statistics.median(counts[k][1]),
             len(counts[k][1])) for k in order]


def report(out, nrows, command, before_label, before_dir, after_label,
           after_dir, queries_file):
    """Write the table of instructions per query and per row."""
    queries = []
    with open(queries_file) as f:
        for line in f:
            kind, warm, text = line.rstrip("\n").split("\t", 2)
            queries.append((kind, text, warm == "warm"))
    before = measure(before_dir, queries)
    after = measure(after_dir, queries)
    empty_b = before[0][2]
    empty_a = after[0][2]
    per_row = {"scan6", "scan20"}
    lines = [
        "# Instructions per query and per row",
        "",
        "Made by `%s` on %s." % (command, datetime.date.today().isoformat()),
        "",
        "Instructions one backend executes (valgrind --tool=callgrind on a "
        "PostgreSQL 15 postmaster, the session's backend only), from the "
        "end of one query to "
        "the end of the next: parse, plan, execution, commit.  Each figure "
        "is the median of the repeats after a first, warm-up run of the "
        "same query; \"net\" subtracts the empty query (`SELECT 1`) of the "
        "same build.  Rows: %d, served by a static file server "
        "(bench/instructions.py) as one DRF page." % nrows,
        "",
        "- before: %s" % before_label,
        "- after: %s" % after_label,
        "",
        "| query | repeats | before | after | after / before |",
        "|---|---:|---:|---:|---:|",
    ]
    for (kind, text, b, n), (_, _, a, _) in zip(before, after):
        lines.append("| %s `%s` (total) | %d | %s | %s | %.3f |" % (
            kind, text, n, "{:,}".format(int(b)), "{:,}".format(int(a)), a / b))
        if kind == "empty":
            continue
        nb, na = b - empty_b, a - empty_a
        lines.append("| %s net per query | | %s | %s | %.3f |" % (
            kind, "{:,}".format(int(nb)), "{:,}".format(int(na)), na / nb))
        if kind in per_row:
            lines.append("| %s net per row | | %s | %s | %.3f |" % (
                kind, "{:,.0f}".format(nb / nrows), "{:,.0f}".format(na / nrows),
                na / nb))
    lines.append("")
    with open(out, "w") as f:
        f.write("\n".join(lines))
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 10 and sys.argv[1] == "report":
        report(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5],
               sys.argv[6], sys.argv[7], sys.argv[8], sys.argv[9])
    else:
        sys.exit(__doc__)
