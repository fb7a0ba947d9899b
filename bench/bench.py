"""The rest_fdw benchmark driver, run by bench/run.sh (which starts the
cluster and the services and exports where they are).

1. setup: the same rows (gen_data.py) as a CSV file, as local heap tables,
   in a second database (postgres_fdw), in the DRF service's and the
   PostgREST-compatible service's databases, and as nginx's static files;
   the foreign tables of every peer in the database "bench".
2. measure, each measurement repeated RUNS times in a fresh backend, the
   peers interleaved within a run:
   - SQL workloads (point lookup, selective filter, ORDER BY ... LIMIT 10,
     count(*), full scan narrow and wide, writes): wall time per query, the
     backend's CPU time (/proc/<pid>/stat utime+stime) and peak memory
     (VmHWM), HTTP requests and bytes (service access logs; EXPLAIN
     ANALYZE's Remote requests/bytes as a cross-check);
   - pgbench point lookups, 1 and 4 clients;
   - the raw HTTP floor (curl_floor.c, libcurl keep-alive);
   - the 1,000,000-row scan's memory, the 20 ms/page prefetch scan;
   - the Django-level workloads (django_bench.py, a subprocess).
3. the bars, checked on ratios measured in this run; a missed bar gets a
   perf profile of the backend running its workload (if perf works).

Writes $BENCH_WORK/results.json for report.py.
"""
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
import urllib.request

import gen_data
from benchlib import Logs, Proc, backend_pid, connect, summary

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ["BENCH_WORK"]
QUICK = os.environ.get("BENCH_QUICK", "0") == "1"
N = 20_000 if QUICK else 100_000              # rows of every peer
BIG = 200_000 if QUICK else 1_000_000         # rows of the memory scan
RUNS = int(os.environ.get("BENCH_RUNS", "2" if QUICK else "5"))
WRITE_RUNS = min(RUNS, 2 if QUICK else 3)
WRITE_N = 1_000 if QUICK else 10_000          # rows inserted
KEYS = 200 if QUICK else 1_000                # rows updated, then deleted
BUDGET = 0.15 if QUICK else 0.6               # seconds of repeats per run
MAX_ITERS = 300 if QUICK else 2000
PGBENCH_SECONDS = 1 if QUICK else 3
CLIENTS = [1, 4]
WRITE_BASE = 10_000_000                       # ids of written rows
SLOW_PAGES = 20

NGINX = "http://127.0.0.1:%s" % os.environ["NGINX_PORT"]
DRF = "http://127.0.0.1:%s" % os.environ["DRF_PORT"]
PGRST = "http://127.0.0.1:%s" % os.environ["PGRST_PORT"]
SLOW = "http://127.0.0.1:%s" % os.environ["SLOW_PORT"]
WWW = os.path.join(WORK, "www")
DATA = os.path.join(WORK, "data")
LOGS = Logs([os.path.join(WORK, f) for f in
             ("nginx-access.log", "drf-access.log", "pgrst-access.log", "slow-access.log")])

NARROW = ("id bigint, name text, price numeric(8,2), created timestamptz, "
          "active boolean, category_id bigint")
WIDE = NARROW + (", sku text, description text, quantity integer, "
                 "weight numeric(8,3), color text, size text, updated timestamptz, "
                 "rating numeric(3,1), stock integer, vendor_id bigint, "
                 "discount numeric(5,2), barcode text, featured boolean, notes text")
FILTERS = ("id, id__in, category_id, category_id__in, price__lt, price__lte, "
           "price__gt, price__gte")
REST_OPTS = "key 'id', pagination 'limit', filters '%s', ordering 'id, price'" % FILTERS

results = {"workloads": {}, "pgbench": {}, "floor": {}, "django": {}, "profiles": {}}


def say(msg):
    print("[bench.py] " + msg, flush=True)


def fail(msg):
    sys.exit("bench.py: " + msg)


# --------------------------------------------------------------------------
# setup
# --------------------------------------------------------------------------

def write_files():
    """CSV files, nginx's item files and the memory scan's pages."""
    os.makedirs(DATA, exist_ok=True)
    gen_data.write_csv(os.path.join(DATA, "items.csv"), gen_data.row, N)
    gen_data.write_csv(os.path.join(DATA, "wide.csv"), gen_data.wide_row, N)
    os.chmod(DATA, 0o755)
    gen_data.write_items(WWW, "items", gen_data.row, N)
    gen_data.write_items(WWW, "wide", gen_data.wide_row, N)
    gen_data.write_pages(WWW, "items1m", NGINX, gen_data.Collection(gen_data.row, BIG),
                         "limit=1000")


def with_pk(ddl):
    return ddl.replace("id bigint", "id bigint PRIMARY KEY", 1)


def backing_table(conn, name, ddl, csv):
    """A table loaded from a CSV file, with the indexes a service would have."""
    conn.execute("CREATE TABLE %s (%s)" % (name, with_pk(ddl)))
    conn.execute("COPY %s FROM '%s' (FORMAT csv, HEADER true)" % (name, csv))
    conn.execute("CREATE INDEX ON %s (category_id)" % name)
    conn.execute("CREATE INDEX ON %s (price, id)" % name)
    conn.execute("VACUUM ANALYZE %s" % name)


def create_databases():
    """The bench database (peers), and the databases behind them."""
    items_csv = os.path.join(DATA, "items.csv")
    wide_csv = os.path.join(DATA, "wide.csv")
    with connect("postgres") as c:
        for db in ("bench", "remote", "drfsvc", "pgrst"):
            c.execute("CREATE DATABASE %s" % db)
    with connect("remote") as c:
        backing_table(c, "items", NARROW, items_csv)
        backing_table(c, "wide", WIDE, wide_csv)
    with connect("drfsvc") as c:
        backing_table(c, "items", NARROW, items_csv)
    with connect("pgrst") as c:
        c.execute("CREATE TABLE items (%s)" % with_pk(NARROW))
    with connect("bench") as c:
        backing_table(c, "items_local", NARROW, items_csv)
        backing_table(c, "wide_local", WIDE, wide_csv)
        for sql in setup_sql(items_csv, wide_csv):
            c.execute(sql)


def setup_sql(items_csv, wide_csv):
    """Extensions, servers and foreign tables of the bench database."""
    port = os.environ["PGPORT"]
    yield "CREATE EXTENSION rest_fdw"
    yield "CREATE EXTENSION file_fdw"
    yield "CREATE EXTENSION postgres_fdw"
    yield "CREATE SERVER csv FOREIGN DATA WRAPPER file_fdw"
    for t, ddl, f in (("items_file", NARROW, items_csv), ("wide_file", WIDE, wide_csv)):
        yield ("CREATE FOREIGN TABLE %s (%s) SERVER csv OPTIONS "
               "(filename '%s', format 'csv', header 'true')" % (t, ddl, f))
    yield ("CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS "
           "(host '127.0.0.1', port '%s', dbname 'remote', fetch_size '1000')" % port)
    yield "CREATE USER MAPPING FOR postgres SERVER remote OPTIONS (user 'postgres')"
    yield "CREATE FOREIGN TABLE items_pgfdw (%s) SERVER remote OPTIONS (table_name 'items')" % NARROW
    yield "CREATE FOREIGN TABLE wide_pgfdw (%s) SERVER remote OPTIONS (table_name 'wide')" % WIDE
    servers = {
        "nginx": (NGINX + "/", "drf"), "drf": (DRF + "/api/", "drf"),
        "pgrst": (PGRST + "/", "postgrest"), "slow": (SLOW + "/", "drf"),
        "slowpg": (SLOW + "/", "postgrest"),
    }
    for name, (url, dialect) in servers.items():
        yield ("CREATE SERVER %s FOREIGN DATA WRAPPER rest_fdw OPTIONS "
               "(base_url '%s', dialect '%s', page_size '1000')" % (name, url, dialect))
        yield "CREATE USER MAPPING FOR postgres SERVER %s" % name
    tables = [
        ("items_nginx", NARROW, "nginx", "resource 'items/', " + REST_OPTS),
        ("wide_nginx", WIDE, "nginx", "resource 'wide/', " + REST_OPTS),
        ("items1m_nginx", NARROW, "nginx", "resource 'items1m/', " + REST_OPTS),
        ("sink_nginx", NARROW, "nginx", "resource 'sink/', key 'id'"),
        ("items_drf", NARROW, "drf", "resource 'items/', " + REST_OPTS),
        ("items_pgrst", NARROW, "pgrst", "resource 'items', key 'id'"),
        ("items_pgrst1", NARROW, "pgrst", "resource 'items', key 'id', batch_size '1'"),
        ("slow_drf", NARROW, "slow", "resource 'slow/', key 'id', pagination 'limit'"),
        ("slow_pgrst", NARROW, "slowpg", "resource 'slowpg', key 'id'"),
    ]
    for name, ddl, server, opts in tables:
        yield "CREATE FOREIGN TABLE %s (%s) SERVER %s OPTIONS (%s)" % (name, ddl, server, opts)


# Queries against nginx tables whose pages must exist as files.
NGINX_QUERIES = {
    "items": ("items_nginx", gen_data.row, N, [
        "SELECT * FROM items_nginx WHERE category_id = 42",
        "SELECT * FROM items_nginx ORDER BY price, id LIMIT 10",
        "SELECT count(*) FROM items_nginx",
        "SELECT * FROM items_nginx",
        "SELECT * FROM items_nginx ORDER BY id LIMIT 1000",
    ]),
    "wide": ("wide_nginx", gen_data.wide_row, N, ["SELECT * FROM wide_nginx"]),
}


def generate_pages():
    """Run each query against nginx; for each URL that has no file yet
    (a 404 in nginx's access log) write that page and the pages after it;
    again until the query runs through."""
    import psycopg
    with connect("bench") as c:
        for resource, (table, make_row, n, queries) in NGINX_QUERIES.items():
            coll = gen_data.Collection(make_row, n)
            for sql in queries:
                for attempt in range(5):
                    LOGS.mark()
                    try:
                        c.execute(sql).fetchall()
                        error = None
                    except psycopg.Error as e:
                        error = e
                    missing = LOGS.read(settle=0)[3]
                    if error is None and not missing:
                        break
                    if not missing:
                        fail("%s failed: %s" % (sql, error))
                    for uri in missing:
                        gen_data.write_pages(WWW, resource, NGINX, coll, uri.partition("?")[2])
                else:
                    fail("no pages could be generated for: " + sql)


def http_get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read()


# --------------------------------------------------------------------------
# measuring SQL
# --------------------------------------------------------------------------

def run_queries(conn, sql, args_fn, iters):
    """Execute sql iters times; fetch every row; return rows of the last."""
    cur = conn.cursor()
    rows = 0
    for i in range(iters):
        cur.execute(sql, args_fn(i) if args_fn else None)
        rows = len(cur.fetchall()) if cur.description else cur.rowcount
    return rows


def measure(db, sql, args_fn=None, iters=None, warm=None, budget=BUDGET,
            max_iters=MAX_ITERS, before=None):
    """One run of a workload in a fresh backend.

    warm: SQL run once before measuring (default: sql itself), so that the
    library, caches and the keep-alive connection are ready.  iters: how
    many executions; default as many as fit in budget, judged from the
    warm-up.  before(conn): called before the measured part (not timed).
    """
    conn = connect(db)
    pid = backend_pid(conn)
    if warm is None:
        run_queries(conn, sql, args_fn, 1)  # the first one loads caches
        t0 = time.perf_counter()
        run_queries(conn, sql, args_fn, 1)
    else:
        t0 = time.perf_counter()
        conn.execute(warm).fetchall()
    t_warm = time.perf_counter() - t0
    if iters is None:
        iters = max(1, min(max_iters, int(budget / max(t_warm, 1e-5))))
    if before:
        before(conn)
    p0 = Proc(pid)
    LOGS.mark()
    t0 = time.perf_counter()
    rows = run_queries(conn, sql, args_fn, iters)
    elapsed = time.perf_counter() - t0
    p1 = Proc(pid)
    requests, rbytes, qbytes, missing = LOGS.read(settle=0.05)
    conn.close()
    if missing:
        fail("nginx has no file for %d URL(s), e.g. %s (query: %s)" % (
            len(missing), missing[0], sql))
    return {
        "iters": iters, "rows": rows,
        "ms": elapsed * 1000 / iters,
        "cpu_ms": p1.cpu_ms_since(p0) / iters,
        "sched_ms": p1.sched_ms_since(p0) / iters,
        "hwm_kb": p1.hwm_kb, "growth_kb": p1.hwm_kb - p0.hwm_kb,
        "requests": requests / iters, "bytes": rbytes / iters,
        "request_bytes": qbytes / iters,
    }


def record(workload, peer, run, title=None, rows=None):
    """Add one run's measurement to results.workloads[workload][peer]."""
    w = results["workloads"].setdefault(workload, {"title": title, "rows": rows, "peers": {}})
    w["peers"].setdefault(peer, []).append(run)


def explain_counts(db, sql):
    """Remote requests and bytes from EXPLAIN ANALYZE of one execution."""
    with connect(db) as c:
        text = "\n".join(r[0] for r in c.execute(
            "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF) " + sql))
    req = sum(int(x) for x in re.findall(r"Remote requests: (\d+)", text))
    byt = sum(int(x) for x in re.findall(r"Remote bytes: (\d+)", text))
    return {"requests": req, "bytes": byt, "plan": text}


READ_PEERS = [
    ("heap", "items_local"), ("file_fdw", "items_file"),
    ("postgres_fdw", "items_pgfdw"), ("rest_fdw nginx", "items_nginx"),
    ("rest_fdw DRF", "items_drf"),
]
WIDE_PEERS = [
    ("heap", "wide_local"), ("file_fdw", "wide_file"),
    ("postgres_fdw", "wide_pgfdw"), ("rest_fdw nginx", "wide_nginx"),
]
SCAN = "EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) SELECT * FROM {t}"


def random_ids(seed, count, top=None):
    rnd = random.Random(seed)
    top = top or N
    return [rnd.randint(1, top) for _ in range(count)]


def read_workloads():
    """(name, title, rows, sql, args_fn, peers) of the read workloads."""
    ids = random_ids(1, MAX_ITERS)
    no_file = [p for p in READ_PEERS if p[0] != "file_fdw"]
    return [
        ("point", "Point lookup by key (WHERE id = $1)", 1,
         "SELECT * FROM {t} WHERE id = %s", lambda i: (ids[i % len(ids)],), no_file),
        ("filter", "Selective filter (WHERE category_id = 42, %d rows)" % (N // 100),
         N // 100, "SELECT * FROM {t} WHERE category_id = 42", None, READ_PEERS),
        ("order_limit", "ORDER BY price, id LIMIT 10", 10,
         "SELECT * FROM {t} ORDER BY price, id LIMIT 10", None, READ_PEERS),
        ("count", "count(*)", N, "SELECT count(*) FROM {t}", None, READ_PEERS),
        ("scan", "Full scan, %d rows x 6 columns" % N, N, SCAN, None, READ_PEERS),
        ("scan_wide", "Full scan, %d rows x 20 columns" % N, N, SCAN, None, WIDE_PEERS),
    ]


def measure_reads():
    """Every read workload, RUNS times, peers interleaved; then one
    EXPLAIN ANALYZE per rest_fdw peer for its Remote requests/bytes."""
    for name, title, rows, sql, args_fn, peers in read_workloads():
        say("read workload %s" % name)
        scan = name.startswith("scan")
        last_ms = {}
        for run in range(RUNS):
            for peer, table in peers:
                # a scan warms up with a point lookup, and repeats as often
                # as its previous run says fit in the budget
                warm = "SELECT * FROM %s WHERE id = 1" % table if scan else None
                iters = None
                if scan:
                    iters = max(1, min(20, int(BUDGET / last_ms[peer] * 1000))) \
                        if peer in last_ms else 1
                m = measure("bench", sql.format(t=table), args_fn, warm=warm, iters=iters)
                last_ms[peer] = m["ms"]
                record(name, peer, m, title, rows)
        for peer, table in peers:
            if peer.startswith("rest_fdw"):
                plain = "SELECT * FROM " + table if scan else sql.format(t=table)
                if args_fn:
                    plain = plain % args_fn(0)
                results["workloads"][name].setdefault("explain", {})[peer] = \
                    explain_counts("bench", plain)


def measure_memory():
    """A scan of BIG rows from nginx: how much the backend's peak grows
    (the 100,000-row scans' peaks of every peer are in "scan")."""
    say("memory: scan of %d rows" % BIG)
    sql = SCAN.format(t="items1m_nginx")
    for run in range(min(RUNS, 3)):
        m = measure("bench", sql, iters=1, warm="SELECT * FROM items_nginx WHERE id = 1")
        record("scan_1m", "rest_fdw nginx", m, "Scan of %d rows (memory)" % BIG, BIG)


def measure_prefetch():
    """A 20-page scan from the 20 ms/page service, and the same pages
    fetched one after another with libcurl."""
    say("prefetch: %d pages at 20 ms" % SLOW_PAGES)
    urls = ["%s/slow/?%s" % (SLOW, gen_data.page_args([], 1000, o * 1000))
            for o in range(SLOW_PAGES)]
    urls[0] = "%s/slow/?limit=1000" % SLOW
    url_file = os.path.join(WORK, "slow-urls.txt")
    with open(url_file, "w") as f:
        f.write("\n".join(urls) + "\n")
    for run in range(RUNS):
        for peer, table in (("rest_fdw DRF dialect", "slow_drf"),
                            ("rest_fdw PostgREST dialect", "slow_pgrst")):
            def reset(conn):
                urllib.request.urlopen(urllib.request.Request(SLOW + "/_stats", method="DELETE"))
            m = measure("bench", SCAN.format(t=table), iters=1, before=reset)
            m["max_in_flight"] = json.loads(http_get(SLOW + "/_stats"))["max_in_flight"]
            record("prefetch", peer, m, "Scan of %d pages, 20 ms per page" % SLOW_PAGES,
                   SLOW_PAGES * 1000)
        LOGS.mark()
        f = curl_floor(url_file)
        LOGS.read(settle=0)
        record("prefetch", "pages one after another (libcurl)",
               {"ms": f["seconds"] * 1000, "requests": f["requests"], "bytes": f["bytes"]})
    for peer, table in (("rest_fdw DRF dialect", "slow_drf"),
                        ("rest_fdw PostgREST dialect", "slow_pgrst")):
        results["workloads"]["prefetch"].setdefault("explain", {})[peer] = \
            explain_counts("bench", "SELECT * FROM " + table)


# --------------------------------------------------------------------------
# writes
# --------------------------------------------------------------------------

WRITE_PEERS = [
    # peer, table, database and table that hold the rows (None: discarded)
    ("heap", "items_local", ("bench", "items_local")),
    ("postgres_fdw", "items_pgfdw", ("remote", "items")),
    ("rest_fdw DRF", "items_drf", ("drfsvc", "items")),
    ("rest_fdw PostgREST batch_size 100", "items_pgrst", ("pgrst", "items")),
    ("rest_fdw nginx (writes discarded)", "sink_nginx", None),
]
INSERT = ("INSERT INTO {t} (id, name, price, created, active, category_id) "
          "VALUES (%s, %s, %s::numeric, %s::timestamptz, %s, %s)")
INSERT_SELECT = ("INSERT INTO {t} (id, name, price, created, active, category_id) "
                 "SELECT id + %d, name, price, created, active, category_id "
                 "FROM items_local WHERE id <= %d" % (WRITE_BASE, WRITE_N))
UPDATE = "UPDATE {t} SET price = %s::numeric WHERE id = %s"
DELETE = "DELETE FROM {t} WHERE id = %s"


def reset_writes(store):
    """Remove the written rows from the database that holds them."""
    if store is None:
        return
    db, table = store
    with connect(db) as c:
        c.execute("DELETE FROM %s WHERE id > %d" % (table, WRITE_BASE))
        c.execute("VACUUM %s" % table)


def new_rows():
    rows = []
    for i in range(1, WRITE_N + 1):
        r = gen_data.row(i)
        rows.append((WRITE_BASE + i, r["name"], r["price"], r["created"], r["active"],
                     r["category_id"]))
    return rows


def measure_writes():
    """INSERT one row per statement, UPDATE and DELETE by key, INSERT ... SELECT."""
    rows = new_rows()
    keys = random.Random(2).sample([r[0] for r in rows], KEYS)
    titles = {
        "insert_each": "INSERT of %d rows, one per statement" % WRITE_N,
        "update_key": "UPDATE by key (%d statements)" % KEYS,
        "delete_key": "DELETE by key (%d statements)" % KEYS,
        "insert_select": "INSERT ... SELECT of %d rows" % WRITE_N,
    }
    peers = WRITE_PEERS + [("rest_fdw PostgREST batch_size 1", "items_pgrst1", ("pgrst", "items"))]
    for run in range(WRITE_RUNS):
        for peer, table, store in peers:
            say("writes run %d: %s" % (run + 1, peer))
            reset_writes(store)
            if table != "items_pgrst1":
                warm = "SELECT 1 FROM %s WHERE id = 1" % table if store else "SELECT 1"
                m = measure("bench", INSERT.format(t=table), lambda i: rows[i],
                            iters=WRITE_N, warm=warm)
                record("insert_each", peer, per_rows(m, WRITE_N), titles["insert_each"], 1)
                m = measure("bench", UPDATE.format(t=table),
                            lambda i: ("%d.99" % (i % 500), keys[i]), iters=KEYS, warm=warm)
                record("update_key", peer, m, titles["update_key"], 1)
                m = measure("bench", DELETE.format(t=table), lambda i: (keys[i],),
                            iters=KEYS, warm=warm)
                record("delete_key", peer, m, titles["delete_key"], 1)
                reset_writes(store)
            m = measure("bench", INSERT_SELECT.format(t=table), iters=1, warm="SELECT 1")
            record("insert_select", peer, m, titles["insert_select"], WRITE_N)
            reset_writes(store)


def per_rows(m, n):
    """A loop of n single-row statements reported as one workload of n rows."""
    out = dict(m)
    for k in ("ms", "cpu_ms", "sched_ms", "requests", "bytes", "request_bytes"):
        out[k] = m[k] * n
    out["iters"] = 1
    return out


# --------------------------------------------------------------------------
# pgbench, the HTTP floor, Django
# --------------------------------------------------------------------------

def pgbench(table, clients, mode="simple"):
    """One pgbench run of random point lookups; latency (ms) and tps."""
    script = os.path.join(WORK, "pgbench-%s.sql" % table)
    with open(script, "w") as f:
        f.write("\\set id random(1, %d)\nSELECT * FROM %s WHERE id = :id;\n" % (N, table))
    cmd = [os.path.join(os.environ["PGBIN"], "pgbench"), "-n", "-M", mode,
           "-c", str(clients), "-j", str(clients), "-T", str(PGBENCH_SECONDS),
           "-f", script, "-h", os.environ["PGHOST"], "-p", os.environ["PGPORT"],
           "-U", "postgres", "bench"]
    LOGS.mark()
    out = subprocess.run(cmd, capture_output=True, text=True)
    requests, rbytes, _, missing = LOGS.read()
    if out.returncode != 0 or missing:
        fail("pgbench failed on %s: %s %s" % (table, out.stderr[-2000:], missing[:3]))
    lat = float(re.search(r"latency average = ([\d.]+) ms", out.stdout).group(1))
    tps = float(re.search(r"tps = ([\d.]+)", out.stdout).group(1))
    tx = int(re.search(r"number of transactions actually processed: (\d+)", out.stdout).group(1))
    return {"ms": lat, "tps": tps, "requests": requests / max(tx, 1),
            "bytes": rbytes / max(tx, 1)}


def measure_pgbench():
    """pgbench point lookups: simple protocol (as Django) with 1 and 4
    clients, and prepared statements with 1 client."""
    say("pgbench point lookups")
    peers = [p for p in READ_PEERS if p[0] != "file_fdw"]
    for clients, mode in [(c, "simple") for c in CLIENTS] + [(1, "prepared")]:
        key = "point_pgbench_c%d%s" % (clients, "_prepared" if mode == "prepared" else "")
        for run in range(RUNS):
            for peer, table in peers:
                r = pgbench(table, clients, mode)
                w = results["pgbench"].setdefault(key, {
                    "title": "Point lookup, pgbench -M %s, %d client%s" % (
                        mode, clients, "s" if clients > 1 else ""),
                    "clients": clients, "mode": mode, "peers": {}})
                w["peers"].setdefault(peer, []).append(r)


def curl_floor(url_file, rounds=1):
    out = subprocess.run([os.environ["CURL_FLOOR"], url_file, str(rounds)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        fail("curl_floor: " + out.stderr)
    return json.loads(out.stdout)


def measure_floor():
    """Raw HTTP with libcurl and keep-alive: per request, and per full scan."""
    say("raw HTTP floor (libcurl)")
    ids = random_ids(3, 1000)
    files = {
        "point nginx": ["%s/items/%d/" % (NGINX, i) for i in ids],
        "point DRF": ["%s/api/items/%d/" % (DRF, i) for i in ids[:200]],
        "scan pages nginx": ["%s/items/?%s" % (NGINX, gen_data.page_args([], 1000, o))
                             for o in range(0, N, 1000)],
    }
    for name, urls in files.items():
        path = os.path.join(WORK, "floor-%s.txt" % name.replace(" ", "-"))
        with open(path, "w") as f:
            f.write("\n".join(urls) + "\n")
        curl_floor(path)  # warm
        for run in range(RUNS):
            r = curl_floor(path)
            r["ms_total"] = r["seconds"] * 1000
            results["floor"].setdefault(name, []).append(r)


def measure_django():
    """django_bench.py in a subprocess, one JSON document back."""
    say("Django-level workloads")
    env = dict(os.environ, BENCH_RUNS=str(RUNS), BENCH_N=str(N),
               DRF_URL=DRF, NGINX_URL=NGINX)
    out = subprocess.run([sys.executable, os.path.join(HERE, "django_bench.py")],
                         capture_output=True, text=True, env=env, cwd=HERE)
    if out.returncode != 0:
        fail("django_bench.py failed:\n" + out.stderr[-4000:])
    results["django"] = json.loads(out.stdout)


# --------------------------------------------------------------------------
# bars
# --------------------------------------------------------------------------

def med(values, key="ms"):
    s = summary([v[key] for v in values if v.get(key) is not None])
    return s["median"] if s else None


def evaluate_bars():
    """The issue's bars, on medians of this run's measurements."""
    W, P, D = results["workloads"], results["pgbench"], results["django"]
    bars = []

    def bar(name, value, limit, op, detail, workload=None, short=None):
        ok = value is not None and (value <= limit if op == "<=" else value >= limit)
        bars.append({"bar": name, "value": value, "limit": limit, "op": op, "ok": ok,
                     "detail": detail, "workload": workload,
                     "short": "%s (%s %g)" % (short or name[:40], op, limit)})

    pg = P["point_pgbench_c1"]["peers"]
    r = med(pg["rest_fdw nginx"]) / med(pg["postgres_fdw"])
    bar("Point lookup, rest_fdw (nginx) / postgres_fdw latency (pgbench, 1 client)",
        r, 0.6, "<=", "%.3f ms vs %.3f ms" % (med(pg["rest_fdw nginx"]), med(pg["postgres_fdw"])),
        "point", "point lookup / postgres_fdw")
    s = W["scan"]["peers"]
    r = med(s["rest_fdw nginx"]) / med(s["file_fdw"])
    bar("Full scan of %d rows, rest_fdw (nginx, pages of 1,000) / file_fdw" % N, r, 1.5, "<=",
        "%.1f ms vs %.1f ms" % (med(s["rest_fdw nginx"]), med(s["file_fdw"])), "scan",
        "full scan / file_fdw")
    m = W["scan_1m"]["peers"]["rest_fdw nginx"]
    growth = max(x["growth_kb"] for x in m) / 1024.0
    bar("Scan of %d rows: backend peak memory growth (MB, worst run)" % BIG, growth, 32, "<=",
        "VmHWM %.1f MB after the scan" % (max(x["hwm_kb"] for x in m) / 1024.0),
        short="%dk-row scan memory growth, MB" % (BIG // 1000))
    p = W["prefetch"]["peers"]
    seq = med(p["pages one after another (libcurl)"])
    for dialect in ("rest_fdw DRF dialect", "rest_fdw PostgREST dialect"):
        r = seq / med(p[dialect])
        # the bar; the PostgREST dialect (ranges with no total, so
        # the end is unknown in advance) is an extra check beside it
        extra = "PostgREST" in dialect
        bar("%d-page scan at 20 ms/page, speed-up over pages one after another (%s%s)"
            % (SLOW_PAGES, dialect.replace("rest_fdw ", ""), ", extra check" if extra else ""),
            r, 3, ">=",
            "%.0f ms vs %.0f ms sequential; at most %d request(s) in flight"
            % (med(p[dialect]), seq, max(x["max_in_flight"] for x in p[dialect])),
            short="prefetch speed-up, %s" % dialect.split()[1])
    ins = W["insert_select"]["peers"]
    reqs = max(x["requests"] for x in ins["rest_fdw PostgREST batch_size 100"])
    limit = -(-WRITE_N // 100)
    bar("INSERT ... SELECT of %d rows, PostgREST batch_size 100: requests" % WRITE_N,
        reqs, limit, "<=", "at most ceil(%d/100) = %d" % (WRITE_N, limit),
        short="batch INSERT requests")
    r = med(ins["rest_fdw PostgREST batch_size 1"]) / med(ins["rest_fdw PostgREST batch_size 100"])
    bar("INSERT of %d rows, speed-up of batch_size 100 over batch_size 1" % WRITE_N, r, 5, ">=",
        "%.0f ms vs %.0f ms" % (med(ins["rest_fdw PostgREST batch_size 100"]),
                                med(ins["rest_fdw PostgREST batch_size 1"])),
        short="batch INSERT speed-up")
    dl = D["workloads"]["list"]["peers"]
    r = med(dl["rest_fdw DRF"]) / med(dl["django-rest-models"])
    bar("Django ORM list of 1,000 objects, rest_fdw / django-rest-models", r, 0.8, "<=",
        "%.1f ms vs %.1f ms" % (med(dl["rest_fdw DRF"]), med(dl["django-rest-models"])),
        "django_list", "Django list / django-rest-models")
    results["bars"] = bars


# --------------------------------------------------------------------------
# profiles of missed bars
# --------------------------------------------------------------------------

def perf_works():
    """Can perf sample a process here (a software clock: VMs often lack the
    hardware counters)?"""
    data = os.path.join(WORK, "perf-check.data")
    try:
        out = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-o", data, "true"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0


def profile(name, sql, args_fn=None, seconds=5):
    """perf record of a backend repeating a workload; the top symbols."""
    conn = connect("bench")
    pid = backend_pid(conn)
    run_queries(conn, sql, args_fn, 1)
    data = os.path.join(WORK, "perf-%s.data" % name)
    rec = subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-F", "2000", "-g",
                            "-p", str(pid),
                            "-o", data], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    end = time.time() + seconds
    i = 0
    while time.time() < end:
        run_queries(conn, sql, args_fn, 1 if args_fn is None else 50)
        i += 1
    rec.send_signal(2)
    rec.wait(timeout=60)
    conn.close()
    def report(sort, limit):
        rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                              "--sort", sort, "--percent-limit", limit, "-g", "none"],
                             capture_output=True, text=True)
        return [" ".join(l.split()[:4]) for l in rep.stdout.splitlines()
                if l.strip() and not l.startswith("#")]
    results["profiles"][name] = {"sql": sql, "seconds": seconds,
                                 "by_library": report("dso", "0.5")[:12],
                                 "top": report("dso,symbol", "0.4")[:30],
                                 "breakdown": timing_breakdown(sql, args_fn)}


def timing_breakdown(sql, args_fn, n=200):
    """Medians over n EXPLAIN ANALYZE runs in one backend: planning,
    execution, and the time rest_fdw spent waiting for the service."""
    conn = connect("bench")
    keys = {"planning": r"Planning Time: ([\d.]+)", "execution": r"Execution Time: ([\d.]+)",
            "remote wait": r"Remote wait time: ([\d.]+)"}
    values = {k: [] for k in keys}
    for i in range(n + 1):
        q = "EXPLAIN (ANALYZE, VERBOSE) " + sql
        text = "\n".join(r[0] for r in conn.execute(q, args_fn(i) if args_fn else None))
        if i == 0:
            continue  # the first run opens the connection
        for k, rx in keys.items():
            found = re.findall(rx, text)
            if found:
                values[k].append(sum(float(x) for x in found))
    conn.close()
    return {k: summary(v)["median"] for k, v in values.items() if v}


def profile_missed():
    """Profile the backend for each missed bar that has a SQL workload."""
    missed = {b["workload"] for b in results["bars"] if not b["ok"] and b["workload"]}
    if not missed:
        return
    if not perf_works():
        results["profiles"]["note"] = "perf is not usable on this machine"
        return
    ids = random_ids(4, 1000)
    if "point" in missed:
        say("profile: point lookup")
        profile("point lookup, rest_fdw nginx", "SELECT * FROM items_nginx WHERE id = %s",
                lambda i: (ids[i % len(ids)],))
    if "scan" in missed:
        say("profile: full scan")
        profile("full scan, rest_fdw nginx", SCAN.format(t="items_nginx"))
    if "django_list" in missed:
        say("profile: Django list through rest_fdw DRF")
        profile("list of 1,000 rows, rest_fdw DRF (backend side)",
                "SELECT * FROM items_drf ORDER BY id LIMIT 1000")


# --------------------------------------------------------------------------

def versions():
    def cmd(*args):
        try:
            return subprocess.run(args, capture_output=True, text=True).stdout.strip() or \
                subprocess.run(args, capture_output=True, text=True).stderr.strip()
        except OSError:
            return "n/a"
    with connect("bench") as c:
        pgv = c.execute("SELECT version()").fetchone()[0]
        ext = c.execute("SELECT extversion FROM pg_extension WHERE extname = 'rest_fdw'").fetchone()[0]
    top = os.path.dirname(HERE)
    commit = cmd("git", "-C", top, "rev-parse", "--short", "HEAD")
    dirty = subprocess.run(["git", "-C", top, "diff", "--quiet", "HEAD", "--", "*.c", "*.h"]).returncode
    cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")]
    mem = [l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")][0]
    from importlib.metadata import version
    packages = ["Django", "djangorestframework", "django-filter", "dynamic-rest-bse",
                "django-rest-models", "gunicorn", "requests", "psycopg", "matplotlib"]
    return {
        "machine": "%s, %d cores, %.0f GB RAM, %s" % (cpu[0] if cpu else "?", os.cpu_count(),
                                                     int(mem) / 1024 / 1024, platform.platform()),
        "postgresql": pgv, "rest_fdw": "%s (commit %s%s)" % (
            ext, commit, ", C sources modified since" if dirty else ""),
        "nginx": cmd("nginx", "-v"), "libcurl": cmd("curl-config", "--version"),
        "python": platform.python_version(),
        "python packages": ", ".join("%s %s" % (p, version(p)) for p in packages),
    }


def save():
    with open(os.path.join(WORK, "results.json"), "w") as f:
        json.dump(results, f, indent=1, default=str)


def main():
    t0 = time.time()
    say("files: %d rows, %d-row memory scan" % (N, BIG))
    write_files()
    say("databases")
    create_databases()
    generate_pages()
    http_get(DRF + "/api/items/1/")  # the service's first request opens its connection
    results["meta"] = {
        "quick": QUICK, "rows": N, "big_rows": BIG, "runs": RUNS, "write_runs": WRITE_RUNS,
        "write_rows": WRITE_N, "keys": KEYS, "pgbench_seconds": PGBENCH_SECONDS,
        "command": "BENCH_QUICK=1 make bench" if QUICK else "make bench",
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "versions": versions(),
        "loadavg_start": open("/proc/loadavg").read().split()[:3],
    }
    for phase in (measure_floor, measure_reads, measure_pgbench, measure_memory,
                  measure_prefetch, measure_django, measure_writes):
        phase()
        save()  # what was measured so far, should a later phase fail
    evaluate_bars()
    results["meta"]["seconds"] = time.time() - t0
    results["meta"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    save()
    try:
        profile_missed()
    except Exception as e:  # a profile is an aid: the measurements stand
        results["profiles"]["note"] = "profiling failed: %r" % e
    save()
    for b in results["bars"]:
        say("%s %s: %.3g (bar %s %s)" % ("PASS" if b["ok"] else "MISS", b["bar"],
                                         b["value"], b["op"], b["limit"]))


if __name__ == "__main__":
    main()
