"""results.json of the scale benchmark to RESULTS.md and a chart.

    python report.py RESULTS.json RESULTS.md CHART.png "END START" COMMAND

Run by run.sh with bench/.venv's matplotlib (bench/requirements.txt).
"""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).resolve().parent


def yes(ok):
    return "yes" if ok else "**no**"


def page_rows(pages):
    rows = ["| page | URL | monolith ms | services ms | ratio | ≤ 3× + 50 ms | requests "
            "(catalog + reviews) | limit | ≤ limit | monolith rows read |",
            "|---|---|---:|---:|---:|---|---:|---:|---|---|"]
    for p in pages:
        services = f"{p['services_ms']:.0f}" + (" (timed out)" if p["timed_out"] else "")
        if p["services_runs"] == 1:
            services += " ¹"
        if not p["status_ok"]:
            services += f" (HTTP {p['services_status']})"
        requests = f"{p['requests_total']} ({p['requests']['catalog']} + {p['requests']['reviews']})"
        if p["timed_out"]:
            requests = "≥ " + requests
        rows.append(
            f"| {p['name']} | `{p['url']}` | {p['monolith_ms']:.1f} | {services} | {p['ratio']:.1f} "
            f"| {yes(p['time_ok'])} | {requests} | {p['request_limit']} | {yes(p['requests_ok'])} "
            f"| {', '.join(f'{t} {n}' for t, n in p['monolith_rows'].items()) or '-'} |")
    return rows


def miss_sections(pages):
    out = []
    for p in pages:
        if p["time_ok"] and p["requests_ok"]:
            continue
        out += [f"### {p['name']}: `GET {p['url']}`", "",
                f"{p['services_ms']:.0f} ms in services mode against {p['monolith_ms']:.1f} ms "
                f"(bar {p['time_bar_ms']:.0f} ms), {p['requests_total']} requests "
                f"(limit {p['request_limit']}){', timed out' if p['timed_out'] else ''}; "
                f"{p['statements']['services']} SQL statements.", "",
                "Requests by shape:", ""]
        out += [f"- {s['count']} × `{s['shape']}` (e.g. `{s['examples'][0]}`)"
                for s in p.get("request_shapes", [])]
        slow = p.get("slowest_statement")
        if slow:
            ex = slow["explain"]
            requests = f", {ex['requests']} requests" if ex["requests"] is not None else ""
            out += ["", f"Slowest statement ({slow['span_ms']:.0f} ms of the page"
                    f"{'; ' + slow['error'] if slow['error'] else ''}):", "", "```sql",
                    slow["sql"], "```", f"parameters: {', '.join(slow['params']) or 'none'}", "",
                    f"EXPLAIN ({ex['options']}) ({ex['seconds']} s{requests}):", "", "```",
                    ex["plan"], "```"]
        out.append("")
    return out


def chart(result, path):
    pages = result["pages"]
    fig, ax = plt.subplots(figsize=(11, max(6, len(pages) * 0.22)))
    y = range(len(pages))
    ax.barh([i + 0.2 for i in y], [p["monolith_ms"] for p in pages], 0.4, label="monolith")
    ax.barh([i - 0.2 for i in y], [p["services_ms"] for p in pages], 0.4, label="services",
            color=["tab:orange" if p["time_ok"] else "tab:red" for p in pages])
    ax.scatter([p["time_bar_ms"] for p in pages], list(y), marker="|", color="black", s=60,
               label="bar: 3 × monolith + 50 ms", zorder=3)
    ax.set_yticks(list(y), [p["name"] for p in pages], fontsize=6)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("median ms per page (log scale; red: bar missed)")
    s = result["sizes"]
    ax.set_title(f"Django example, {s['authors']:,} authors / {s['books']:,} books / "
                 f"{s['reviews']:,} reviews: every page, both modes")
    ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(results_path, md_name, png_name, times, command):
    result = json.loads(Path(results_path).read_text())
    end, start = (int(t) for t in times.split())
    pages = result["pages"]
    s = result["sizes"]
    time_ok = sum(p["time_ok"] for p in pages)
    req_ok = sum(p["requests_ok"] for p in pages)
    analyze = result["analyze"]
    lines = [
        "# Scale benchmark of the Django example",
        "",
        f"Made by `{command}` (bench/scale/README.md) in {(end - start) / 60:.1f} minutes "
        f"(the measurement itself {result['seconds'] / 60:.1f}); the numbers are in "
        f"`{Path(results_path).name}`, the chart in `{png_name}`.",
        "",
        f"Rows: {s['authors']:,} authors, {s['books']:,} books, {s['reviews']:,} reviews "
        f"(bench/scale/gen.py), the same in the monolith's tables and in the services' own "
        f"databases. Each page: {result['reps']} requests per mode, alternating monolith and "
        f"services, the median (¹: one request, when the first took over {result['slow_s']:.0f} s); "
        f"statement_timeout {result['statement_timeout_ms'] / 1000:.0f} s in services mode. "
        f"Requests: what the catalog and reviews services received during the page (`/_stats`).",
        "",
        "## Bars",
        "",
        f"- services median ≤ 3 × monolith median + 50 ms: **{time_ok} of {len(pages)} pages**.",
        f"- requests ≤ 20, or, for a page whose monolith version reads more than 1,000 rows of a "
        f"moved table, ≤ max(20, Σ ⌈rows / max page size⌉ + 2) with max page size "
        f"{result['max_page']['catalog']:,} for the catalog (the kit's `max_limit`) and "
        f"{result['max_page']['reviews']} for reviews (its `MAX_LIMIT`), both declared as "
        f"`limit`'s maximum: "
        f"**{req_ok} of {len(pages)} pages**.",
        f"- the planner's row estimate of each moved table after ANALYZE within 10 % of the true "
        f"count: **{sum(t['ok'] for t in analyze['tables'])} of {len(analyze['tables'])} tables** "
        f"(ANALYZE took {analyze['seconds']} s and "
        f"{sum(analyze['requests'].values())} requests).",
        "",
        "| moved table | true rows | planner's estimate | error | within 10 %? |",
        "|---|---:|---:|---:|---|",
    ]
    lines += [f"| {t['table']} | {t['true_rows']:,} | {t['estimated_rows']:,} | "
              f"{t['error'] * 100:.1f} % | {yes(t['ok'])} |" for t in analyze["tables"]]
    if result.get("uncovered"):
        lines += ["", f"URL patterns no page reaches: {result['uncovered']}"]
    lines += ["", "## Every page", ""] + page_rows(pages)
    lines += ["", "## The misses: slowest statement, its EXPLAIN, the requests", ""]
    lines += miss_sections(pages)
    (HERE / md_name).write_text("\n".join(lines) + "\n")
    chart(result, HERE / png_name)


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
