#!/usr/bin/env python3
"""The cost of option undo per write: requests and time per single-row
INSERT, UPDATE and DELETE, as Django's create(), save() and delete() send
them, with undo on and off, each committed and rolled back.

Runs against test/rest_service.py (its DRF collection plain/authors, which
takes the key a POST sends, so a rolled-back DELETE comes back whole) and a
PostgreSQL with rest_fdw installed, through psql.  The requests are those
the service logs for the statements measured; the time is measured inside
the server (clock_timestamp() around each statement and its COMMIT or
ROLLBACK, in a procedure), so psql's own cost is not in it.

Usage (bench/undo_bench.sh sets everything up):
  undo_bench.py --psql PSQL --service-port PORT [--rows N] [--repeats R]
                [--markdown FILE]
"""

import argparse
import collections
import subprocess
import sys
import urllib.request

SETUP = """
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS rest_fdw CASCADE;
CREATE EXTENSION rest_fdw;
CREATE SERVER svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://svc.test/api/',
           connect_to '::127.0.0.1:{port}', timeout '10');
CREATE USER MAPPING FOR PUBLIC SERVER svc;
CREATE FOREIGN TABLE a_on (id bigint, name text, born date)
  SERVER svc OPTIONS (resource 'plain/authors/', undo 'true');
CREATE FOREIGN TABLE a_off (id bigint, name text, born date)
  SERVER svc OPTIONS (resource 'plain/authors/');

-- n + 1 writes, each its own transaction; the median time of the last n
-- (the first warms the connection and the caches), in ms
CREATE OR REPLACE PROCEDURE bench(op text, tbl text, first_id bigint,
                                  n int, do_commit bool,
                                  INOUT ms float8 DEFAULT 0)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  times float8[] := '{{}}';
  new_id bigint;
BEGIN
  FOR i IN 0..n LOOP
    t0 := clock_timestamp();
    IF op = 'insert' THEN
      -- Model.objects.create(): INSERT ... RETURNING the key
      EXECUTE format('INSERT INTO %I (name, born) VALUES ($1, $2) RETURNING id', tbl)
        INTO new_id USING 'bench ' || (first_id + i), date '2000-01-01';
    ELSIF op = 'update' THEN
      -- obj.save(): every column but the key, by key
      EXECUTE format('UPDATE %I SET name = $1, born = $2 WHERE id = $3', tbl)
        USING 'saved ' || i, date '2001-01-01', first_id + i;
    ELSIF op = 'delete' THEN
      -- obj.delete(): DELETE ... WHERE id IN (key)
      EXECUTE format('DELETE FROM %I WHERE id IN ($1)', tbl)
        USING first_id + i;
    ELSIF op = 'update_scanned' THEN
      -- a row the scan reads anyway (a condition the service cannot take)
      EXECUTE format('UPDATE %I SET name = $1 WHERE id = $2 AND length(name) > 0', tbl)
        USING 'saved ' || i, first_id + i;
    ELSE
      EXECUTE format('DELETE FROM %I WHERE id = $1 AND length(name) > 0', tbl)
        USING first_id + i;
    END IF;
    IF do_commit THEN COMMIT; ELSE ROLLBACK; END IF;
    IF i > 0 THEN
      times := times || extract(epoch FROM clock_timestamp() - t0)::float8 * 1000;
    END IF;
  END LOOP;
  ms := (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t);
END $$;

-- the rows an UPDATE or DELETE run works on, made unmeasured
CREATE OR REPLACE PROCEDURE make_rows(first_id bigint, n int)
LANGUAGE sql AS $$
  INSERT INTO a_off (id, name, born)
    SELECT first_id + i, 'row ' || (first_id + i), date '1999-01-01'
      FROM generate_series(0, n) i
$$;
"""


OPS = ("insert", "update", "delete", "update_scanned", "delete_scanned")


def psql(args, sql):
    """Run sql in one psql session; return its unaligned output lines."""
    out = subprocess.run(args + ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"],
                         input=sql, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("psql failed:\n" + out.stderr)
    return [line for line in out.stdout.splitlines() if line]


def service_log(port):
    """The requests the service logged since the last call."""
    with urllib.request.urlopen("http://127.0.0.1:%d/_log" % port) as r:
        return [line for line in r.read().decode().splitlines() if line]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--psql", required=True, help="psql command line")
    ap.add_argument("--service-port", type=int, required=True)
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--markdown")
    args = ap.parse_args()
    cmd = args.psql.split()
    port = args.service_port
    n = args.rows

    psql(cmd, SETUP.format(port=port))
    next_id = 1000000
    results = []
    for op in OPS:
        for undo in (False, True):
            for commit in (True, False):
                times = []
                methods = None
                for _ in range(args.repeats):
                    first = next_id
                    next_id += n + 1
                    if op != "insert":
                        psql(cmd, "CALL make_rows(%d, %d);" % (first, n))
                    service_log(port)
                    line = psql(cmd, "CALL bench('%s', '%s', %d, %d, %s);"
                                % (op, "a_on" if undo else "a_off", first,
                                   n, "true" if commit else "false"))
                    log = service_log(port)
                    times.append(float(line[-1]))
                    count = collections.Counter(l.split()[0] for l in log)
                    # per write, the warm-up write included (n + 1 writes)
                    methods = {m: c / (n + 1) for m, c in count.items()}
                results.append({
                    "op": op, "undo": undo, "commit": commit,
                    "ms": min(times),
                    "requests": sum(methods.values()), "methods": methods,
                })
                print("%-6s undo=%-5s %-8s %5.2f req/write %7.3f ms/write  %s"
                      % (op, undo, "commit" if commit else "rollback",
                         results[-1]["requests"], results[-1]["ms"],
                         " ".join("%s %.2f" % kv for kv in sorted(methods.items()))),
                      flush=True)
    psql(cmd, "DELETE FROM a_off WHERE id >= 1000000 OR name LIKE 'bench %';")
    if args.markdown:
        write_markdown(args, results)


def write_markdown(args, results):
    """RESULTS-undo.md: the table and how it was measured."""
    by = {(r["op"], r["undo"], r["commit"]): r for r in results}
    sql = {
        "insert": "`INSERT INTO t (name, born) VALUES (...) RETURNING id` (create())",
        "update": "`UPDATE t SET name = ..., born = ... WHERE id = k` (save())",
        "delete": "`DELETE FROM t WHERE id IN (k)` (delete())",
        "update_scanned": "`UPDATE t SET name = ... WHERE id = k AND length(name) > 0` (scanned)",
        "delete_scanned": "`DELETE FROM t WHERE id = k AND length(name) > 0` (scanned)",
    }
    lines = [
        "# The cost of option undo per write",
        "",
        "Made by `bash bench/undo_bench.sh` (writes per run: %d, runs: %d; time: the median"
        % (args.rows, args.repeats),
        "write of each run, the lowest of the runs;",
        "PostgreSQL 15, test/rest_service.py's DRF collection `plain/authors`, one transaction per",
        "write). Requests are those the service received per write, by method; time is the",
        "server's, from before the statement to after its COMMIT or ROLLBACK, per write.",
        "",
        "| write | end | undo off: requests | undo on: requests | undo off: ms | undo on: ms |",
        "|---|---|---|---|---|---|",
    ]

    def req(r):
        return "%.0f (%s)" % (r["requests"], ", ".join(
            "%s %.0f" % kv for kv in sorted(r["methods"].items())))

    for op in OPS:
        for commit in (True, False):
            off = by[(op, False, commit)]
            on = by[(op, True, commit)]
            lines.append("| %s | %s | %s | %s | %.2f | %.2f |" % (
                sql[op], "COMMIT" if commit else "ROLLBACK", req(off), req(on),
                off["ms"], on["ms"]))
    lines += [
        "",
        "Reading it: with undo on, a committed INSERT sends what it sends without undo (the",
        "POST asks for the created row anyway, for RETURNING), and so do an UPDATE or DELETE of",
        "a row the scan reads anyway (the `scanned` rows: a condition the service cannot take",
        "makes the statement read the row in both modes). An UPDATE or DELETE by key, which",
        "without undo is sent directly (one PATCH or DELETE), reads the row first with undo on",
        "(one GET of the item, then the PATCH or DELETE): one request more per statement. A",
        "rollback adds one request per row written: the DELETE, PATCH or POST that undoes it.",
        "Undo off and rolled back, the write stays on the service. The times are of one",
        "backend on a shared 2-core machine, against a Python test service: noisy; the request",
        "counts are exact.",
        "",
    ]
    with open(args.markdown, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
