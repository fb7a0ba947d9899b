"""Turn bench.py's results.json into RESULTS.md and a chart (PNG).

Every figure is the median over the repeated runs of one `make bench`,
with the min-max range beside it; every ratio divides two medians measured
in that same run.

Usage: report.py RESULTS_JSON OUT_MD OUT_PNG
"""
import json
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

REST_PEERS = ("rest_fdw nginx", "rest_fdw DRF")


def stat(runs, key="ms"):
    """(median, min, max) of one key over runs, or None."""
    values = [r[key] for r in runs if r.get(key) is not None]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def med(runs, key="ms"):
    s = stat(runs, key)
    return s[0] if s else None


def fmt_ms(s):
    """A time in ms with its range: 1.23 ms (1.10-1.40)."""
    if s is None:
        return "-"
    m, lo, hi = s
    digits = 3 if m < 1 else 2 if m < 10 else 1 if m < 1000 else 0
    f = "%%.%df" % digits
    return (f + " (" + f + "–" + f + ")") % (m, lo, hi)


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    r = a / b
    return "%.2fx" % r if r < 100 else "%.0fx" % r


def fmt_num(v, digits=1):
    if v is None:
        return "-"
    return ("%%.%df" % digits) % v


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def bold_rest(peer):
    return "**%s**" % peer if peer.startswith("rest_fdw") else peer


# --------------------------------------------------------------------------

def section_bars(res):
    rows = []
    for b in res["bars"]:
        v = b["value"]
        value = "-" if v is None else ("%.0f" % v if b["op"] == "<=" and v >= 10 and
                                       "requests" in b["bar"] else "%.2f" % v)
        extra = "extra check" in b["bar"] or "PostgREST dialect" in b["bar"]
        result = "PASS" if b["ok"] else "**MISS**"
        rows.append([b["bar"], value, "%s %s" % (b["op"], b["limit"]),
                     result + (" (extra)" if extra else ""), b["detail"]])
    return md_table(["bar", "measured", "bar", "result", "medians"], rows)


def workload_table(w, refs=("heap", "postgres_fdw")):
    """Rows of one SQL workload: time, ratios, CPU, memory, HTTP."""
    peers = w["peers"]
    rows = []
    ref_med = {r: med(peers[r]) for r in refs if r in peers}
    nrows = w.get("rows") or 1
    explain = w.get("explain", {})
    for peer, runs in peers.items():
        s = stat(runs)
        cpu = med(runs, "cpu_ms")
        e = explain.get(peer)
        rows.append([
            bold_rest(peer), fmt_ms(s),
            *[fmt_ratio(s[0] if s else None, ref_med.get(r)) for r in refs],
            fmt_num(cpu, 2), fmt_num(cpu * 1000 / nrows if cpu is not None else None, 2),
            fmt_num(med(runs, "hwm_kb") / 1024 if med(runs, "hwm_kb") else None),
            fmt_num(med(runs, "requests"), 1) if peer.startswith("rest_fdw") or
            med(runs, "requests") else "-",
            fmt_num(med(runs, "bytes") / 1024, 1) if med(runs, "bytes") else "-",
            "%d / %d" % (e["requests"], e["bytes"]) if e else "",
        ])
    header = ["peer", "ms per query, median (min–max)"] + ["× %s" % r for r in refs] + [
        "backend CPU ms/query", "CPU µs/row", "backend VmHWM MB", "HTTP requests/query",
        "HTTP KiB/query", "EXPLAIN ANALYZE requests / bytes"]
    return md_table(header, rows)


def section_reads(res):
    out = []
    for key in ("point", "filter", "order_limit", "count", "scan", "scan_wide"):
        w = res["workloads"].get(key)
        if not w:
            continue
        refs = ("heap", "postgres_fdw") if key != "scan" and key != "scan_wide" else \
            ("heap", "file_fdw", "postgres_fdw")
        out.append("### %s\n\n%s\n" % (w["title"], workload_table(w, refs)))
    return "\n".join(out)


def section_pgbench(res):
    groups = [(k, w) for k, w in res["pgbench"].items()]
    peers = list(groups[0][1]["peers"]) if groups else []
    header = ["peer"]
    for _, w in groups:
        label = "-M %s, %d client%s" % (w["mode"], w["clients"], "s" if w["clients"] > 1 else "")
        header += [label + ": latency ms", "× postgres_fdw", "tps"]
    header.append("HTTP requests/tx")
    rows = []
    for peer in peers:
        row = [bold_rest(peer)]
        for _, w in groups:
            runs = w["peers"][peer]
            row += [fmt_ms(stat(runs)), fmt_ratio(med(runs), med(w["peers"]["postgres_fdw"])),
                    fmt_num(med(runs, "tps"), 0)]
        row.append(fmt_num(med(groups[0][1]["peers"][peer], "requests"), 2))
        rows.append(row)
    return md_table(header, rows)


def section_floor(res):
    rows = []
    for name, runs in res["floor"].items():
        rows.append([name, runs[0]["requests"], fmt_ms(stat(runs, "ms_total")),
                     fmt_num(med(runs, "us_per_request"), 1),
                     fmt_num(runs[0]["bytes"] / runs[0]["requests"], 0)])
    return md_table(["URLs (one keep-alive connection)", "requests", "ms total",
                     "µs per request", "bytes per response"], rows)


def section_special(res):
    out = []
    m = res["workloads"].get("scan_1m")
    if m:
        runs = m["peers"]["rest_fdw nginx"]
        out.append("**%s**: %s ms; backend VmHWM %.1f MB after the scan, grown by %.2f MB "
                   "(worst of %d runs) over its peak after a warm-up point lookup; "
                   "%d requests, %.0f MB received." % (
                       m["title"], fmt_ms(stat(runs)), max(r["hwm_kb"] for r in runs) / 1024,
                       max(r["growth_kb"] for r in runs) / 1024, len(runs),
                       med(runs, "requests"), med(runs, "bytes") / 1e6))
    p = res["workloads"].get("prefetch")
    if p:
        seq = med(p["peers"]["pages one after another (libcurl)"])
        rows = []
        for peer, runs in p["peers"].items():
            rows.append([bold_rest(peer), fmt_ms(stat(runs)),
                         fmt_ratio(seq, med(runs)) if peer.startswith("rest_fdw") else "1.00x",
                         fmt_num(med(runs, "requests"), 0),
                         max((r.get("max_in_flight") or 1) for r in runs)])
        out.append("**%s** (the service: bench/slow_service.py)\n\n" % p["title"] + md_table(
            ["", "ms, median (min–max)", "speed-up over one after another", "requests",
             "most requests in flight"], rows))
    return "\n\n".join(out)


def section_writes(res):
    out = []
    for key in ("insert_each", "insert_select", "update_key", "delete_key"):
        w = res["workloads"].get(key)
        if not w:
            continue
        peers = w["peers"]
        rows = []
        for peer, runs in peers.items():
            s = stat(runs)
            rows.append([bold_rest(peer), fmt_ms(s), fmt_ratio(s[0], med(peers["heap"])),
                         fmt_ratio(s[0], med(peers["postgres_fdw"])),
                         fmt_num(med(runs, "cpu_ms"), 1),
                         fmt_num(med(runs, "requests"), 0) if peer.startswith("rest") else "-",
                         fmt_num(med(runs, "request_bytes") / 1024, 1)
                         if med(runs, "request_bytes") else "-"])
        unit = "ms per statement" if key in ("update_key", "delete_key") else "ms for all rows"
        out.append("### %s\n\n%s\n" % (w["title"], md_table(
            ["peer", unit + ", median (min–max)", "× heap", "× postgres_fdw",
             "backend CPU ms", "HTTP requests", "KiB sent"], rows)))
    return "\n".join(out)


def section_django(res):
    d = res["django"]["workloads"]
    rows = []
    ref_l = med(d["list"]["peers"]["django-rest-models"])
    ref_g = med(d["get"]["peers"]["django-rest-models"])
    for peer in d["list"]["peers"]:
        l, g = d["list"]["peers"][peer], d["get"]["peers"][peer]
        rows.append([bold_rest(peer), fmt_ms(stat(l)), fmt_ratio(med(l), ref_l),
                     fmt_num(med(l, "client_cpu_ms"), 1), fmt_num(med(l, "cpu_ms"), 1),
                     fmt_ms(stat(g)), fmt_ratio(med(g), ref_g),
                     fmt_num(med(g, "client_cpu_ms"), 2), fmt_num(med(g, "cpu_ms"), 2),
                     fmt_num(med(l, "requests"), 0) + " / " + fmt_num(med(g, "requests"), 0)])
    return md_table(["peer", "list of 1,000: ms", "× django-rest-models", "Django process CPU ms",
                     "backend CPU ms", "get(): ms", "× django-rest-models",
                     "Django process CPU ms", "backend CPU ms", "HTTP requests list / get"], rows)


def missed_notes(res):
    """For each missed bar: by how much, and what the measurements say."""
    notes = []
    W, P = res["workloads"], res["pgbench"]
    prof = res.get("profiles") or {}
    floor = res.get("floor", {})
    for b in res["bars"]:
        if b["ok"]:
            continue
        v, lim = b["value"], b["limit"]
        if b["op"] == "<=":
            gap = "missed by %.2f (%.0f%% over the bar)" % (v - lim, (v / lim - 1) * 100)
        else:
            gap = "missed by %.2f (%.0f%% under the bar)" % (lim - v, (1 - v / lim) * 100)
        text = "- **%s**: %s." % (b["bar"], gap)
        w = b.get("workload")
        if w == "point":
            pg = P["point_pgbench_c1"]["peers"]
            rest, pgf, heap = med(pg["rest_fdw nginx"]), med(pg["postgres_fdw"]), med(pg["heap"])
            text += (" rest_fdw %.3f ms per lookup, postgres_fdw %.3f ms: the bar needs at most"
                     " %.3f ms, %.3f ms less. For scale, a heap lookup through the same pgbench"
                     " takes %.3f ms and one raw libcurl GET of an item from nginx %.3f ms." % (
                         rest, pgf, lim * pgf, rest - lim * pgf, heap,
                         med(floor["point nginx"], "us_per_request") / 1000))
            both = heap + med(floor["point nginx"], "us_per_request") / 1000
            text += (" Those two alone add up to %.3f ms, %s the bar's %.3f ms." % (
                both, "already above" if both > lim * pgf else "under", lim * pgf))
            loop = W.get("point", {}).get("peers", {})
            if loop:
                text += (" In the psycopg loop (same lookups, one backend) rest_fdw takes %.3f ms"
                         " and postgres_fdw %.3f ms (%.2fx); the backend's CPU per lookup is"
                         " %.3f ms for rest_fdw, %.3f ms for heap and %.3f ms for postgres_fdw"
                         " (whose remote backend's CPU is not counted)." % (
                             med(loop["rest_fdw nginx"]), med(loop["postgres_fdw"]),
                             med(loop["rest_fdw nginx"]) / med(loop["postgres_fdw"]),
                             med(loop["rest_fdw nginx"], "cpu_ms"), med(loop["heap"], "cpu_ms"),
                             med(loop["postgres_fdw"], "cpu_ms")))
            prep = P.get("point_pgbench_c1_prepared", {}).get("peers")
            if prep:
                text += (" With prepared statements (no parse and plan per query) rest_fdw takes"
                         " %.3f ms and postgres_fdw %.3f ms (%.2fx)." % (
                             med(prep["rest_fdw nginx"]), med(prep["postgres_fdw"]),
                             med(prep["rest_fdw nginx"]) / med(prep["postgres_fdw"])))
        elif w == "scan":
            s = W["scan"]["peers"]
            text += (" rest_fdw %.1f ms, file_fdw %.1f ms; raw libcurl transfer of the same %d"
                     " pages: %.1f ms." % (med(s["rest_fdw nginx"]), med(s["file_fdw"]),
                                           floor["scan pages nginx"][0]["requests"],
                                           med(floor["scan pages nginx"], "ms_total")))
        elif "ms/page" in b["bar"]:
            runs = W["prefetch"]["peers"]["rest_fdw %s dialect" % (
                "DRF" if "DRF" in b["bar"] else "PostgREST")]
            most = max(r.get("max_in_flight") or 1 for r in runs)
            text += (" The service saw at most %d request%s in flight at a time" % (
                most, "" if most == 1 else "s"))
            if most == 1:
                text += (": rest_fdw did not fetch pages ahead, it fetched them one after"
                         " another as the baseline does.")
            else:
                text += "."
            if "PostgREST" in b["bar"]:
                text += (" (An extra check beside the issue's bar: the service answers like"
                         " PostgREST without `Prefer: count`, `Content-Range: 0-999/*`, so the"
                         " next page's URL is known but not where the collection ends.)")
        elif w == "django_list":
            d = res["django"]["workloads"]["list"]["peers"]
            text += (" rest_fdw DRF %.1f ms, django-rest-models %.1f ms; the same list through"
                     " requests + json takes %.1f ms from the plain DRF API and %.1f ms from the"
                     " dynamic-rest API, and through rest_fdw from nginx %.1f ms." % (
                         med(d["rest_fdw DRF"]), med(d["django-rest-models"]),
                         med(d["requests + json, DRF API"]),
                         med(d["requests + json, dynamic-rest API"]), med(d["rest_fdw nginx"])))
        for name, p in prof.items():
            if name == "note" or not isinstance(p, dict):
                continue
            if (w == "point" and name.startswith("point")) or \
                    (w == "scan" and name.startswith("full scan")) or \
                    (w == "django_list" and name.startswith("list")):
                bd = p.get("breakdown") or {}
                if bd:
                    text += " One execution (EXPLAIN ANALYZE medians): %s." % ", ".join(
                        "%s %.3f ms" % kv for kv in bd.items())
                text += " Backend CPU by library (perf): %s." % ", ".join(
                    " ".join(x.split()[:2]) for x in p["by_library"][:6])
        notes.append(text)
    return "\n".join(notes) if notes else "Every bar is met."


def section_profiles(res):
    prof = res.get("profiles") or {}
    if not prof:
        return "No bar was missed, so no profile was taken."
    out = []
    if "note" in prof:
        out.append(prof["note"])
    for name, p in prof.items():
        if name == "note":
            continue
        b = p.get("breakdown") or {}
        out.append("#### %s\n\nMedians of 200 `EXPLAIN (ANALYZE, VERBOSE)` runs in one backend: %s."
                   "\n\n`perf record -e cpu-clock -g -p <backend pid>` for %d s while the "
                   "backend repeats `%s` (CPU samples only: time spent waiting is not in it)."
                   "\n\nBy library:\n\n```\n%s\n```\n\nTop symbols:\n\n```\n%s\n```"
                   % (name, ", ".join("%s %.3f ms" % kv for kv in b.items()) or "-",
                      p["seconds"], p["sql"], "\n".join(p["by_library"]), "\n".join(p["top"])))
    return "\n\n".join(out)


METHOD = """\
## How it is measured

- **Peers, same rows.** `bench/gen_data.py` makes the rows; a CSV file feeds the heap tables
  (`COPY`), file_fdw (as is), the second database behind postgres_fdw (`fetch_size 1000`, over
  TCP on 127.0.0.1), the DRF service's database and the static JSON files nginx serves. Every
  table has a primary key on `id` and indexes on `category_id` and `(price, id)`.
- **nginx** (`bench/nginx.conf.in`, one worker, keep-alive) serves `GET /items/42/` from
  `items/i/42.json` and `GET /items/?ARGS` from `items/q/ARGS.json` (nginx's raw `$args`, via
  `try_files`). The harness runs each workload's query once against an empty directory, reads the
  404s from nginx's access log, and writes those pages with a DRF emulator (django-filter lookups,
  `ordering`, `limit`/`offset`, `{count, next, previous, results}`), following every `next`
  link, whose URLs it writes the way rest_fdw builds them. A 404 during a measurement fails the run.
  POST, PATCH and DELETE get a 204 (the "writes discarded" peer: rest_fdw's own cost of a write).
- **DRF service** (`bench/drf_service/`): Django 5.2, Django REST framework, django-filter,
  gunicorn (gthread, 2 workers x 4 threads, keep-alive), its own database. `/api/items/` is
  plain DRF (what rest_fdw and the requests loop read); `/dyn/items/` is the dynamic-rest API that
  django-rest-models requires (same table, same process).
- **PostgREST**: not packaged for Debian 12, PyPI or npm, so `bench/postgrest_service.py` stands
  in: PostgREST's write protocol for rest_fdw (`POST` of an object or an array, loaded with one
  `COPY`; `PATCH`/`DELETE ?id=eq.N`; `Prefer: return=representation`).
- **20 ms per page**: nginx cannot delay a response (`limit_rate` throttles bandwidth, not
  latency), so `bench/slow_service.py`, a threaded server, sleeps 20 ms in each request's own
  thread (concurrent requests overlap) and answers from pages cached in memory. The baseline is
  the same 20 page URLs fetched one after another by `curl_floor` (libcurl, keep-alive).
- **Times** are wall-clock per query as the client sees it (psycopg, autocommit, no prepared
  statements, like Django), rows fetched; pgbench uses `-M simple`. A **full scan** is
  `EXPLAIN (ANALYZE, TIMING OFF) SELECT * FROM t`: every row is produced with every column
  converted, none is sent to the client. Each run is a fresh backend that first runs the query
  (or, for scans, a point lookup on the same table) untimed, then repeats it for about
  %(budget)s s.
- **Backend CPU** is utime+stime from `/proc/<pg_backend_pid()>/stat` before and after the run
  (10 ms ticks; the finer `/proc/<pid>/schedstat` times are in results.json as `sched_ms`);
  **peak memory** is `VmHWM` from `/proc/<pid>/status` after the run; **HTTP requests and bytes**
  come from the services' access logs during the run (response body bytes), and once per
  rest_fdw workload from `EXPLAIN ANALYZE`'s `Remote requests` / `Remote bytes`.
- **Runs**: %(runs)d runs per read measurement, %(write_runs)d per write measurement, the peers
  interleaved inside each run; the machine is shared, so the load average is shown above.
"""


def write_md(res, path, png):
    meta = res["meta"]
    v = meta["versions"]
    parts = [
        "# rest_fdw benchmark results%s\n" % (" (quick mode: a smoke run, not for judging)"
                                              if meta["quick"] else ""),
        "Command: `%s` (bench/run.sh), started %s, took %.0f s. Rows: %d (memory scan: %d). "
        "Load average at start %s, at end %s.\n" % (
            meta["command"], meta["started"], meta["seconds"], meta["rows"], meta["big_rows"],
            " ".join(meta["loadavg_start"]), " ".join(meta["loadavg_end"])),
        md_table(["", "version"], [[k, str(x).replace("\n", " ")] for k, x in v.items()]),
        "\n![results](%s)\n" % png,
        "## Bars\n\nRatios of medians measured in this run; \"(extra)\" marks a check added "
        "beside the issue's bars.\n",
        section_bars(res),
        "\nSee \"Missed bars\" below for the analysis of each miss.\n",
        "\n## Raw HTTP floor (libcurl, keep-alive: bench/curl_floor.c)\n",
        section_floor(res),
        "\n## Point lookups with pgbench (`\\set id random(1, %d)`, %d s per run)\n" % (
            meta["rows"], meta["pgbench_seconds"]),
        section_pgbench(res),
        "\n## Reads (psycopg, one backend per run)\n",
        section_reads(res),
        "\n## Memory and page prefetching\n",
        section_special(res),
        "\n## Django level (bench/django_bench.py)\n\n`list(Model.objects.order_by('id')[:1000])` "
        "and `Model.objects.get(id=random)`; requests + json: one `requests.Session`.\n",
        section_django(res),
        "\n## Writes (%d rows inserted; %d keys updated, then deleted)\n" % (
            meta["write_rows"], meta["keys"]),
        section_writes(res),
        "\n## Missed bars: by how much, and what the measurements show\n",
        missed_notes(res),
        "\n### Profiles\n",
        section_profiles(res),
        "\n" + METHOD % {"budget": "0.6" if not meta["quick"] else "0.15",
                         "runs": meta["runs"], "write_runs": meta["write_runs"]},
    ]
    kit = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS-kit.md")
    if os.path.exists(kit):  # written by kit_bench.sh, kept across runs
        with open(kit) as f:
            parts.append("\n" + f.read())
    with open(path, "w") as f:
        f.write("\n".join(parts))


# --------------------------------------------------------------------------

def chart(res, path):
    """Four panels: the bars, reads vs postgres_fdw, Django, writes."""
    fig, axes = plt.subplots(2, 2, figsize=(16, 11))
    chart_bars(axes[0][0], res)
    chart_reads(axes[0][1], res)
    chart_django(axes[1][0], res)
    chart_writes(axes[1][1], res)
    fig.suptitle("rest_fdw benchmark%s: medians of %d runs, ratios within one run" % (
        " (quick mode)" if res["meta"]["quick"] else "", res["meta"]["runs"]), fontsize=14)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=90)


def chart_bars(ax, res):
    """Each bar as measured / limit: under 1 passes (for >= bars, limit / measured)."""
    names, values, colors = [], [], []
    for b in res["bars"]:
        v = b["value"] or 0
        values.append(v / b["limit"] if b["op"] == "<=" else (b["limit"] / v if v else 10))
        names.append(b.get("short") or b["bar"][:40])
        colors.append("tab:green" if b["ok"] else "tab:red")
    y = range(len(values))
    ax.barh(y, values, color=colors)
    ax.axvline(1.0, color="black", linestyle="--", linewidth=1)
    ax.set_yticks(list(y))
    ax.set_yticklabels(names, fontsize=9)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("measured / bar (left of the dashed line passes)")
    ax.set_title("Bars (green: met, red: missed)")
    for i, b in enumerate(res["bars"]):
        ax.text(values[i], i, "  %.3g" % (b["value"] or 0), va="center", fontsize=8)


def chart_reads(ax, res):
    """Time of each peer per read workload, relative to postgres_fdw (log)."""
    keys = [k for k in ("point", "filter", "order_limit", "count", "scan", "scan_wide")
            if k in res["workloads"]]
    peers = ["heap", "file_fdw", "postgres_fdw", "rest_fdw nginx", "rest_fdw DRF"]
    width = 0.16
    for j, peer in enumerate(peers):
        xs, ys = [], []
        for i, k in enumerate(keys):
            p = res["workloads"][k]["peers"]
            if peer in p and "postgres_fdw" in p:
                xs.append(i + (j - 2) * width)
                ys.append(med(p[peer]) / med(p["postgres_fdw"]))
        ax.bar(xs, ys, width, label=peer)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(keys)))
    ax.set_xticklabels(["point", "filter", "ORDER BY\nLIMIT 10", "count(*)", "scan", "scan\n(20 cols)"][:len(keys)])
    ax.set_ylabel("time / postgres_fdw time (log)")
    ax.set_title("Reads: time relative to postgres_fdw (lower is faster)")
    ax.legend(fontsize=8)


def chart_django(ax, res):
    d = res["django"]["workloads"]
    peers = list(d["list"]["peers"])
    y = range(len(peers))
    lst = [med(d["list"]["peers"][p]) for p in peers]
    get = [med(d["get"]["peers"][p]) * 10 for p in peers]
    ax.barh([i - 0.2 for i in y], lst, 0.4, label="list of 1,000 (ms)")
    ax.barh([i + 0.2 for i in y], get, 0.4, label="get() (ms x 10)")
    ax.set_yticks(list(y))
    ax.set_yticklabels(peers, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("ms (median)")
    ax.set_title("Django ORM level")
    ax.legend(fontsize=8)


def chart_writes(ax, res):
    keys = [k for k in ("insert_each", "insert_select", "update_key", "delete_key")
            if k in res["workloads"]]
    peers = list(res["workloads"]["insert_select"]["peers"])
    width = 0.8 / len(peers)
    for j, peer in enumerate(peers):
        xs, ys = [], []
        for i, k in enumerate(keys):
            p = res["workloads"][k]["peers"]
            if peer in p:
                xs.append(i + (j - len(peers) / 2 + 0.5) * width)
                ys.append(med(p[peer]) / med(p["postgres_fdw"]))
        ax.bar(xs, ys, width, label=peer)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xticks(range(len(keys)))
    ax.set_xticklabels(["INSERT one\nper statement", "INSERT ...\nSELECT", "UPDATE\nby key",
                        "DELETE\nby key"][:len(keys)])
    ax.set_ylabel("time / postgres_fdw time (log)")
    ax.set_title("Writes: time relative to postgres_fdw")
    ax.legend(fontsize=7, ncol=2, loc="upper left")


def main():
    src, md_path, png_path = sys.argv[1:4]
    with open(src) as f:
        res = json.load(f)
    write_md(res, md_path, png_path.rsplit("/", 1)[-1])
    chart(res, png_path)


if __name__ == "__main__":
    main()
