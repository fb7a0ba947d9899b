"""Django-level workloads, run by bench.py as a subprocess; prints JSON.

The same two ORM calls on every peer (benchclient/models.py):
- list: list(Model.objects.order_by("id")[:1000]), 1,000 model instances;
- get:  Model.objects.get(id=<random>).
Peers: the Django ORM on a heap table, on postgres_fdw, on rest_fdw against
the DRF service and against nginx; django-rest-models against the DRF
service's dynamic-rest API; and plain requests + json in a loop (one
requests.Session, so keep-alive) against the DRF service's plain API and
its dynamic-rest API (which tells the two APIs' own costs apart).

Per peer and run: wall time per call, this process's CPU time per call
(time.process_time), and for database peers the backend's CPU time and
VmHWM; requests and bytes from the services' access logs.

Environment: PGHOST, PGPORT, BENCH_WORK, BENCH_RUNS, BENCH_N, BENCH_QUICK,
DRF_URL, NGINX_URL.
"""
import json
import os
import random
import sys
import time

import django
from django.conf import settings

from benchlib import Logs, Proc

WORK = os.environ["BENCH_WORK"]
RUNS = int(os.environ["BENCH_RUNS"])
N = int(os.environ["BENCH_N"])
QUICK = os.environ.get("BENCH_QUICK") == "1"
DRF = os.environ["DRF_URL"]
LIST_ITERS = 5 if QUICK else 20
GET_ITERS = 50 if QUICK else 300

settings.configure(
    DEBUG=False, USE_TZ=True, TIME_ZONE="UTC",
    INSTALLED_APPS=["rest_models", "benchclient"],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ["PGHOST"], "PORT": os.environ["PGPORT"],
            "NAME": "bench", "USER": "postgres", "CONN_MAX_AGE": None,
        },
        "api": {
            "ENGINE": "rest_models.backend",
            "NAME": DRF + "/dyn/",
            "OPTIONS": {"TIMEOUT": 60},
        },
    },
    DATABASE_ROUTERS=["rest_models.router.RestModelRouter"],
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
)
django.setup()

import requests  # noqa: E402
from django.db import connections  # noqa: E402

from benchclient import models  # noqa: E402

LOGS = Logs([os.path.join(WORK, f) for f in ("nginx-access.log", "drf-access.log")])
ORM_PEERS = {
    "heap": models.ItemLocal,
    "postgres_fdw": models.ItemPgfdw,
    "rest_fdw DRF": models.ItemRestDrf,
    "rest_fdw nginx": models.ItemRestNginx,
    "django-rest-models": models.ItemApi,
}


def orm_calls(model):
    """The list and get calls of one ORM model."""
    return (lambda: list(model.objects.order_by("id")[:1000]),
            lambda i: model.objects.get(id=i))


def requests_calls(session, base, dynamic):
    """The same two calls as requests + json, returning dicts."""
    if dynamic:
        return (lambda: session.get(base + "/dyn/items/",
                                    params={"per_page": 1000, "sort[]": "id"}).json()["items"],
                lambda i: session.get("%s/dyn/items/%d/" % (base, i)).json()["item"])
    return (lambda: session.get(base + "/api/items/",
                                params={"limit": 1000, "ordering": "id"}).json()["results"],
            lambda i: session.get("%s/api/items/%d/" % (base, i)).json())


def backend_pid(peer):
    """The Django connection's backend pid, for database peers."""
    if peer not in ("heap", "postgres_fdw", "rest_fdw DRF", "rest_fdw nginx"):
        return None
    conn = connections["default"]
    conn.ensure_connection()
    with conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def timed(call, args, expect):
    """Run call over args; wall ms and client CPU ms per call, and checks."""
    c0, t0 = time.process_time(), time.perf_counter()
    for a in args:
        out = call(*a)
        if expect is not None and len(out) != expect:
            raise SystemExit("a list returned %d objects, not %d" % (len(out), expect))
    t1, c1 = time.perf_counter(), time.process_time()
    n = len(args)
    return (t1 - t0) * 1000 / n, (c1 - c0) * 1000 / n


def one_run(peer, calls, workload, ids):
    """A measured run of one workload on one peer, after one warm-up call."""
    list_call, get_call = calls
    if workload == "list":
        call, args, expect = list_call, [()] * LIST_ITERS, 1000
    else:
        call, args, expect = get_call, [(i,) for i in ids], None
    call(*args[0])  # warm-up: connection, caches, library
    pid = backend_pid(peer)
    p0 = Proc(pid) if pid else None
    LOGS.mark()
    ms, client_ms = timed(call, args, expect)
    p1 = Proc(pid) if pid else None
    requests_n, rbytes, _, missing = LOGS.read()
    if missing:
        raise SystemExit("nginx has no file for %s (peer %s)" % (missing[0], peer))
    n = len(args)
    out = {"ms": ms, "client_cpu_ms": client_ms, "requests": requests_n / n,
           "bytes": rbytes / n, "iters": n}
    if p1:
        out.update({"cpu_ms": p1.cpu_ms_since(p0) / n, "sched_ms": p1.sched_ms_since(p0) / n,
                    "hwm_kb": p1.hwm_kb})
    return out


def main():
    session = requests.Session()
    peers = dict((p, orm_calls(m)) for p, m in ORM_PEERS.items())
    peers["requests + json, DRF API"] = requests_calls(session, DRF, False)
    peers["requests + json, dynamic-rest API"] = requests_calls(session, DRF, True)
    result = {"workloads": {
        "list": {"title": "Django ORM list of 1,000 objects", "peers": {}},
        "get": {"title": "Django ORM get() by key", "peers": {}},
    }}
    rnd = random.Random(5)
    for run in range(RUNS):
        for workload in ("list", "get"):
            ids = [rnd.randint(1, N) for _ in range(GET_ITERS)]
            for peer, calls in peers.items():
                connections.close_all()  # a fresh backend per run, as in bench.py
                r = one_run(peer, calls, workload, ids)
                result["workloads"][workload]["peers"].setdefault(peer, []).append(r)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
