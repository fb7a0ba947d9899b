"""Helpers shared by bench.py and django_bench.py.

- Proc: a backend's own accounting from /proc/<pid>: CPU time
  (utime + stime of /proc/<pid>/stat, and the finer on-CPU nanoseconds of
  /proc/<pid>/schedstat) and memory (VmHWM, VmRSS of /proc/<pid>/status).
- Logs: the services' access logs (one request a line, "METHOD URI STATUS
  RESPONSE_BYTES REQUEST_BYTES"), read from a mark, to count the requests
  and bytes a measurement caused; GETs answered 404 by nginx are kept so
  that a URL with no pre-generated file fails the run.
- connect(): a psycopg connection as the harness uses it.
"""
import os
import statistics
import time

import psycopg

CLK_TCK = os.sysconf("SC_CLK_TCK")


class Proc:
    """A snapshot of one process's CPU time and memory."""

    def __init__(self, pid):
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # fields[0] is the state (field 3); utime and stime are fields 14, 15
        self.cpu_ticks = int(fields[11]) + int(fields[12])
        with open("/proc/%d/schedstat" % pid) as f:
            self.cpu_ns = int(f.read().split()[0])
        self.hwm_kb = self.rss_kb = 0
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    self.hwm_kb = int(line.split()[1])
                elif line.startswith("VmRSS:"):
                    self.rss_kb = int(line.split()[1])

    def cpu_ms_since(self, before):
        """utime + stime spent since an earlier snapshot, in ms."""
        return (self.cpu_ticks - before.cpu_ticks) * 1000.0 / CLK_TCK

    def sched_ms_since(self, before):
        """On-CPU time since an earlier snapshot (schedstat), in ms."""
        return (self.cpu_ns - before.cpu_ns) / 1e6


class Logs:
    """The services' access logs, read from a mark."""

    def __init__(self, paths):
        self.paths = [p for p in paths if p]
        self.marks = {}

    def mark(self, settle=0.05):
        """Remember where each log ends now (after the last line settles)."""
        time.sleep(settle)
        self.marks = {p: (os.path.getsize(p) if os.path.exists(p) else 0)
                      for p in self.paths}

    def read(self, settle=0.05):
        """Requests, response bytes, request bytes, and 404 GETs since the mark."""
        time.sleep(settle)  # gunicorn writes its line after the response
        requests = rbytes = qbytes = 0
        missing = []
        for p, start in self.marks.items():
            if not os.path.exists(p):
                continue
            with open(p, "rb") as f:
                f.seek(start)
                data = f.read()
            for line in data.decode(errors="replace").splitlines():
                parts = line.split()
                if len(parts) < 4 or "/_stats" in parts[1]:
                    continue
                requests += 1
                rbytes += int(parts[3]) if parts[3].isdigit() else 0
                if len(parts) > 4 and parts[4].isdigit():
                    qbytes += int(parts[4])
                if parts[0] == "GET" and parts[2] == "404":
                    missing.append(parts[1])
        return requests, rbytes, qbytes, missing


def connect(dbname, **kw):
    """Autocommit, and no automatic prepared statements (as Django: every
    statement is parsed and planned)."""
    conn = psycopg.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"],
                           user="postgres", dbname=dbname, autocommit=True, **kw)
    conn.prepare_threshold = None
    return conn


def backend_pid(conn):
    return conn.execute("SELECT pg_backend_pid()").fetchone()[0]


def summary(values):
    """Median, min, max, and the count of a list of numbers (None if empty)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "n": len(values)}
