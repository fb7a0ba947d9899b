"""Times every page of the example shop in both modes; writes results JSON.

Run by run.sh in the example's virtualenv, with the stack's environment
(stack.sh: CATALOG_DB_*, REVIEWS_DB_DSN, the services' URLs) and:
  SCALE_MONOLITH_URL, SCALE_SERVICES_URL  the two webapps (gunicorn, one
      worker each; SCALE_SERVICES_URL only in smoke mode)
  SCALE_MONOLITH_DSN, SCALE_SERVICES_DSN  their databases
  SCALE_MONOLITH_LOG, SCALE_SERVICES_LOG  their query logs (scale_settings)
  SCALE_AUTHORS, SCALE_BOOKS, SCALE_REVIEWS  the sizes loaded (gen.py)

    python measure.py bench OUT.json [--reps N]
    python measure.py smoke THRESHOLDS.json [--write]

bench: ANALYZE the moved tables and compare the planner's estimates with
the services' true counts; then for every page (pages.py), requests to the
monolith and to the services webapp in turn, REPS times each (once when a
page takes longer than SLOW_S), the median, the requests the two services
received (their /_stats), the rows of each moved table the monolith's page
read (its statements run again and counted), the bars; for a page that
misses a bar, the EXPLAIN of its slowest statement and its requests.
smoke: services mode only, each page once as the migrations left the moved
tables and once more after an ANALYZE of them; fails if a page sends more
requests than THRESHOLDS.json allows for that pass (--write records today's
counts).
"""

import json
import math
import os
import pickle
import re
import statistics
import sys
import time

import psycopg
import requests

import pages

SLOW_S = 2.0           # a page slower than this is timed once
EXPLAIN_ANALYZE_S = 5  # a missed page faster than this gets EXPLAIN ANALYZE
MOVED = {  # moved table -> (service, its table in the service's database)
    "catalog_author": ("catalog", "api_author"),
    "catalog_book": ("catalog", "api_book"),
    "reviews_review": ("reviews", "reviews"),
}
# The largest page each service sends, as its OpenAPI document declares it
# (limit's maximum): the reviews service caps limit at 100 (MAX_LIMIT in
# app.py), the catalog service (django-rest-fdw's kit) at 10,000 (its
# pagination's max_limit).
MAX_PAGE = {"catalog": 10000, "reviews": 100}
ROWS_EXEMPT = 1000  # a page reading more rows of a moved table than this...
REQUEST_BAR = 20    # ...may send more requests than this


def catalog_dsn():
    return " ".join(f"{k}={os.environ[v]}" for k, v in [
        ("host", "CATALOG_DB_HOST"), ("port", "CATALOG_DB_PORT"),
        ("user", "CATALOG_DB_USER"), ("dbname", "CATALOG_DB_NAME")])


SERVICE_DSN = {"catalog": catalog_dsn(), "reviews": os.environ["REVIEWS_DB_DSN"]}
STATS = {name: re.sub(r"api/$", "_stats", os.environ[var]) for name, var in
         [("catalog", "CATALOG_SERVICE_URL"), ("reviews", "REVIEWS_SERVICE_URL")]}
HEADERS = {"Authorization": f"Bearer {os.environ.get('SERVICE_TOKEN', '')}"}


class Webapp:
    """One mode's webapp: its URL, database, query log, and two browsers
    (anonymous for the site, logged in for the admin)."""

    def __init__(self, mode):
        self.mode = mode
        upper = mode.upper()
        self.url = os.environ[f"SCALE_{upper}_URL"].rstrip("/")
        self.dsn = os.environ[f"SCALE_{upper}_DSN"]
        self.log = os.environ[f"SCALE_{upper}_LOG"]
        self.anonymous = requests.Session()
        self.admin = requests.Session()
        self.admin.get(self.url + "/admin/login/", timeout=60)
        token = self.admin.cookies["csrftoken"]
        answer = self.admin.post(self.url + "/admin/login/?next=/admin/", timeout=60, data={
            "username": "admin", "password": "admin", "csrfmiddlewaretoken": token,
            "next": "/admin/"}, headers={"Referer": self.url + "/admin/login/"})
        if "Log out" not in answer.text:
            sys.exit(f"measure.py: the admin login failed on the {mode} webapp")

    def get(self, page):
        """(seconds, status) of one GET of `page`."""
        browser = self.admin if page["url"].startswith("/admin/") else self.anonymous
        started = time.perf_counter()
        answer = browser.get(self.url + page["url"], allow_redirects=False, timeout=900)
        return time.perf_counter() - started, answer.status_code

    def last_queries(self):
        with open(self.log, "rb") as log:
            return pickle.load(log)["queries"]


def service_stats(method):
    """DELETE (clear) or GET the two services' request records."""
    out = {}
    for name, url in STATS.items():
        answer = requests.request(method, url, headers=HEADERS, timeout=60)
        answer.raise_for_status()
        out[name] = answer.json() if method == "GET" else None
    return out


def moved_tables(sql):
    return [t for t in MOVED if re.search(rf'\b"?{t}"?\b', sql)]


def monolith_rows(webapp, queries):
    """{moved table: rows the monolith's statements returned from it}: each
    SELECT is run again and its rows counted (a statement reading several
    moved tables counts for each)."""
    rows = {}
    with psycopg.connect(webapp.dsn, autocommit=True) as conn:
        cursor = psycopg.ClientCursor(conn)
        for query in queries:
            tables = moved_tables(query["sql"])
            if not tables or not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(query["sql"], query["params"])
            count = len(cursor.fetchall())
            for table in tables:
                rows[table] = rows.get(table, 0) + count
    return rows


def request_limit(rows):
    """The requests bar of a page, from the rows its monolith version read."""
    big = {t: n for t, n in rows.items() if n > ROWS_EXEMPT}
    if not big:
        return REQUEST_BAR
    pages_needed = sum(math.ceil(n / MAX_PAGE[MOVED[t][0]]) for t, n in big.items())
    return max(REQUEST_BAR, pages_needed + 2)


def summarize_requests(stats):
    """The page's requests grouped by shape (numbers replaced by N)."""
    shapes = {}
    for service, record in stats.items():
        for line in record["requests"]:
            shape = f"{service}: " + re.sub(r"\d+", "N", line)
            entry = shapes.setdefault(shape, {"shape": shape, "count": 0, "examples": []})
            entry["count"] += 1
            if len(entry["examples"]) < 2:
                entry["examples"].append(line)
    return sorted(shapes.values(), key=lambda e: -e["count"])[:8]


def explain(webapp, query, analyze):
    """EXPLAIN (VERBOSE[, ANALYZE]) of one statement in the services
    webapp's database, with the requests it made when analyzed."""
    options = "ANALYZE, VERBOSE" if analyze else "VERBOSE"
    with psycopg.connect(webapp.dsn, autocommit=True) as conn:
        conn.execute("SET statement_timeout = '120s'")
        cursor = psycopg.ClientCursor(conn)
        service_stats("DELETE")
        started = time.perf_counter()
        try:
            cursor.execute(f"EXPLAIN ({options}) {query['sql']}", query["params"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        except psycopg.Error as error:
            plan = f"EXPLAIN ({options}) failed: {error}"
        seconds = time.perf_counter() - started
        stats = service_stats("GET")
    return {"options": options, "plan": plan, "seconds": round(seconds, 3),
            "requests": sum(s["count"] for s in stats.values()) if analyze else None}


def slowest(queries):
    return max(queries, key=lambda q: q["span"]) if queries else None


def measure_page(page, mono, serv, reps):
    """Every number of one page (see the module's docstring)."""
    result = {k: page[k] for k in ("name", "url", "group", "expected_status")}
    times = {"monolith": [], "services": []}
    status = {}
    counts = []
    for rep in range(reps):
        for webapp in (mono, serv):
            if rep and times[webapp.mode][0] > SLOW_S:
                continue
            if webapp is serv:
                service_stats("DELETE")
            seconds, status[webapp.mode] = webapp.get(page)
            times[webapp.mode].append(seconds)
            if webapp is serv:
                stats = service_stats("GET")
                counts.append({name: s["count"] for name, s in stats.items()})
                if rep == 0:
                    result["request_shapes"] = summarize_requests(stats)
                    serv_queries = serv.last_queries()
            elif rep == 0:
                mono_queries = mono.last_queries()
    for mode, values in times.items():
        result[f"{mode}_ms"] = round(statistics.median(values) * 1000, 1)
        result[f"{mode}_runs"] = len(values)
        result[f"{mode}_status"] = status[mode]
    result["requests"] = counts[0]
    result["requests_total"] = sum(counts[0].values())
    result["requests_stable"] = all(c == counts[0] for c in counts)
    result["statements"] = {"monolith": len(mono_queries), "services": len(serv_queries)}
    errors = [q["error"] for q in serv_queries if q["error"]]
    result["timed_out"] = any("statement timeout" in e for e in errors)
    result["errors"] = errors[:3]
    result["monolith_rows"] = monolith_rows(mono, mono_queries)
    result["request_limit"] = request_limit(result["monolith_rows"])
    bar = 3 * result["monolith_ms"] + 50
    result["time_bar_ms"] = round(bar, 1)
    ok_status = status["services"] == status["monolith"] == page["expected_status"]
    result["status_ok"] = ok_status
    result["time_ok"] = ok_status and not result["timed_out"] and result["services_ms"] <= bar
    result["requests_ok"] = (ok_status and not result["timed_out"]
                             and result["requests_total"] <= result["request_limit"])
    result["ratio"] = round(result["services_ms"] / max(result["monolith_ms"], 0.001), 2)
    if not (result["time_ok"] and result["requests_ok"]):
        query = slowest(serv_queries)
        if query:
            result["slowest_statement"] = {
                "sql": query["sql"], "params": [repr(p) for p in (query["params"] or ())],
                "span_ms": round(query["span"] * 1000, 1), "error": query["error"],
                "explain": explain(serv, query, times["services"][0] < EXPLAIN_ANALYZE_S),
            }
    return result


def analyze_check(serv):
    """ANALYZE the moved tables; per table the planner's estimate against
    the service's true count, and what ANALYZE cost."""
    out = []
    with psycopg.connect(serv.dsn, autocommit=True) as conn:
        service_stats("DELETE")
        started = time.perf_counter()
        conn.execute(f"ANALYZE {', '.join(MOVED)}")
        seconds = time.perf_counter() - started
        stats = service_stats("GET")
        for table, (service, own_table) in MOVED.items():
            plan = conn.execute(f"EXPLAIN (FORMAT JSON) SELECT * FROM {table}").fetchone()[0]
            estimate = plan[0]["Plan"]["Plan Rows"]
            with psycopg.connect(SERVICE_DSN[service]) as own:
                true = own.execute(f"SELECT count(*) FROM {own_table}").fetchone()[0]
            error = abs(estimate - true) / true if true else float(estimate != 0)
            out.append({"table": table, "true_rows": true, "estimated_rows": estimate,
                        "error": round(error, 4), "ok": error <= 0.10})
    return {"tables": out, "seconds": round(seconds, 2),
            "requests": {name: s["count"] for name, s in stats.items()}}


def sizes():
    return {k: int(os.environ[f"SCALE_{k.upper()}"]) for k in ("authors", "books", "reviews")}


def bench(out_path, reps):
    started = time.time()
    mono, serv = Webapp("monolith"), Webapp("services")
    result = {"sizes": sizes(), "reps": reps, "slow_s": SLOW_S,
              "statement_timeout_ms": int(os.environ.get("SCALE_STATEMENT_TIMEOUT_MS", 0)),
              "max_page": MAX_PAGE, "analyze": analyze_check(serv), "pages": []}
    page_list, result["uncovered"] = pages.page_list(result["sizes"])
    for page in page_list:
        entry = measure_page(page, mono, serv, reps)
        result["pages"].append(entry)
        print(f"  {entry['name']:40} {entry['monolith_ms']:9.1f} {entry['services_ms']:10.1f} ms"
              f" {entry['requests_total']:6} req{'  TIMED OUT' if entry['timed_out'] else ''}",
              flush=True)
    result["seconds"] = round(time.time() - started, 1)
    with open(out_path, "w") as out:
        json.dump(result, out, indent=1)
        out.write("\n")


def allowed_requests(recorded):
    """The smoke test's limit for a page that sent `recorded` requests when
    the thresholds were written: 10 % + 2 more, for the plans that ANALYZE's
    random sample of a collection read in part may change."""
    return int(recorded * 1.1) + 2


# The smoke test's two passes: the moved tables as the migrations left them
# (moved while empty, so never analyzed with rows in them), then after an
# ANALYZE of each, as the README tells users to keep their statistics; each
# with its own recorded counts.
SMOKE_PASSES = (("as migrated", "max_requests"), ("after ANALYZE", "max_requests_analyzed"))


def smoke(path, write):
    serv = Webapp("services")
    serv.get({"url": "/admin/"})
    page_list, uncovered = pages.page_list(sizes())
    recorded_sets = {} if write else json.load(open(path))
    counts, failures = {}, []
    for phase, key in SMOKE_PASSES:
        if key == "max_requests_analyzed":
            with psycopg.connect(serv.dsn, autocommit=True) as conn:
                conn.execute(f"ANALYZE {', '.join(MOVED)}")
        print(f"pass: {phase}", flush=True)
        counts[key] = smoke_pass(serv, page_list, recorded_sets.get(key, {}), write,
                                 phase, failures)
    if uncovered:
        failures.append(f"URL patterns no page covers: {uncovered}")
    if write:
        with open(path, "w") as out:
            json.dump({"sizes": sizes(), **counts}, out, indent=1)
            out.write("\n")
    if failures:
        sys.exit(f"scale smoke test FAILED: {failures}")
    print(f"scale smoke test passed: {len(page_list)} pages in {len(SMOKE_PASSES)} passes "
          "within their request counts")


def smoke_pass(serv, page_list, limits, write, phase, failures):
    """Request every page once; the requests each sent, by page name.  A
    page over its limit (or with another status) is added to failures."""
    counts = {}
    for page in page_list:
        service_stats("DELETE")
        seconds, status = serv.get(page)
        counts[page["name"]] = total = sum(s["count"] for s in service_stats("GET").values())
        recorded = limits.get(page["name"])
        limit = None if recorded is None else allowed_requests(recorded)
        verdict = "ok"
        if status != page["expected_status"]:
            verdict = f"FAILED: status {status}, expected {page['expected_status']}"
        elif not write and (limit is None or total > limit):
            verdict = f"FAILED: more than {limit} requests (recorded {recorded})"
        if verdict != "ok":
            failures.append(f"{page['name']} ({phase})")
        print(f"  {page['name']:40} {total:6} requests (limit {limit}) {seconds * 1000:8.0f} ms "
              f"{verdict}", flush=True)
    return counts


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "bench":
        bench(sys.argv[2], int(sys.argv[4]) if sys.argv[3:4] == ["--reps"] else 5)
    elif len(sys.argv) >= 3 and sys.argv[1] == "smoke":
        smoke(sys.argv[2], sys.argv[3:4] == ["--write"])
    else:
        sys.exit(__doc__)
