"""The suite's report: python -m djsuite.report RESULTS_DIR [options].

Reads RESULTS_DIR/<mode>.json (runner.py) for the modes that ran and
prints, per test module, each mode's counts; then the tests that pass on
local tables and not in service mode, by cause:

- "rows left by rollback (needs undo)": passes in emulated mode (undo.py;
  only where that mode ran: service mode has rest_fdw's own undo);
- else a class read from the error (emulated mode's, where it ran), e.g.
  GROUP BY, a write the service refused, a constraint the foreign table
  does not enforce, a wrong result;
- "listed": in known_failures.txt, with its reason.

--markdown FILE writes the same as RESULTS.md.  --min-service N fails
(exit 1) when fewer than N tests pass in service mode; --strict fails
when a test that passes on local tables fails in service mode for a
cause other than undo and is not listed."""

import argparse
import collections
import json
import os
import re
import sys

OUTCOMES = ("pass", "fail", "error", "skip", "xfail", "not-run")
MODES = ("monolith", "service", "emulated")
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (class, pattern of the error message), the first match wins
CAUSES = [
    ("TransactionTestCase's flush: TRUNCATE of an undo table in a transaction block",
     r"couldn't be flushed"),
    ("GROUP BY on the primary key", r"must appear in the GROUP BY clause"),
    ("a write the service refused (400)", r"service rejected the request|returned HTTP 400"),
    ("a key the service holds already (409)", r"returned HTTP 409"),
    ("an error of the service (500)", r"returned HTTP 5\d\d"),
    ("a constraint the foreign table does not enforce", r"IntegrityError not raised"),
    ("sequences", r"\b(nextval|setval|currval|pg_get_serial_sequence)\b|_seq\b"),
    ("rest_fdw refuses the statement", r"NotSupportedError|feature_not_supported|not supported"),
    ("a wrong result", r"^AssertionError"),
]


def load(directory):
    runs = {}
    for mode in MODES:
        path = os.path.join(directory, f"{mode}.json")
        if os.path.exists(path):
            with open(path) as f:
                runs[mode] = json.load(f)
    return runs


def known_failures(path=os.path.join(HERE, "known_failures.txt")):
    """test id -> reason, from lines 'test.id  reason' ('#' comments)."""
    listed = {}
    if os.path.exists(path):
        for line in open(path):
            line = "" if line.lstrip().startswith("#") else line.strip()
            if line:
                test_id, _, reason = line.partition(" ")
                listed[test_id] = reason.strip()
    return listed


def counts(run):
    """{module: Counter(outcome)} of one run."""
    per = collections.defaultdict(collections.Counter)
    for test_id, entry in run["tests"].items():
        per[test_id.split(".")[0]][entry["outcome"]] += 1
    return per


def seconds(run):
    """{module: seconds its tests (and their classes' setup) took} of one run."""
    per = collections.Counter()
    for test_id, entry in run["tests"].items():
        per[test_id.split(".")[0]] += entry.get("seconds", 0)
    return per


def cause(test_id, runs, listed):
    if test_id in listed:
        return "listed: " + listed[test_id]
    undo = runs.get("emulated", {}).get("tests", {}).get(test_id)
    if undo and undo["outcome"] == "pass":
        return "rows left by rollback (needs undo)"
    entry = undo or runs["service"]["tests"][test_id]
    message = entry["message"]
    for name, pattern in CAUSES:
        if re.search(pattern, message):
            return name
    if entry["outcome"] == "not-run":
        return "not run"
    return "other: " + (message.split(":", 1)[0][:60] or entry["outcome"])


def regressions(runs, listed):
    """(test id, cause, message) of tests passing in monolith, not in service."""
    found = []
    for test_id, entry in sorted(runs["monolith"]["tests"].items()):
        if entry["outcome"] != "pass":
            continue
        svc = runs["service"]["tests"].get(test_id, {"outcome": "not-run", "message": ""})
        if svc["outcome"] == "pass":
            continue
        undo = runs.get("emulated", {}).get("tests", {}).get(test_id)
        message = (undo if undo and undo["outcome"] != "pass" else svc)["message"]
        found.append((test_id, cause(test_id, runs, listed), message))
    return found


def render(runs, listed, command):
    modes = [m for m in MODES if m in runs]
    per = {m: counts(runs[m]) for m in modes}
    modules = sorted(set().union(*(per[m] for m in modes)))
    out = []
    took = {m: seconds(runs[m]) for m in modes}
    head = ("| module | " + " | ".join(f"{m} pass/fail/error/skip" for m in modes)
            + " | " + " | ".join(f"{m} s" for m in modes) + " |")
    out += [head, "|---" * (2 * len(modes) + 1) + "|"]
    totals = {m: collections.Counter() for m in modes}
    for module in modules:
        cells = []
        for m in modes:
            c = per[m][module]
            totals[m].update(c)
            cells.append(_cell(c))
        cells += [f"{took[m][module]:.0f}" for m in modes]
        out.append(f"| {module} | " + " | ".join(cells) + " |")
    out.append("| **all** | " + " | ".join(f"**{_cell(totals[m])}**" for m in modes)
               + " | " + " | ".join(f"**{sum(took[m].values()):.0f}**" for m in modes) + " |")
    out.append("")
    out.append("(fail/error include tests not run after a class setup error; xfail, "
               "expected failures, count as skip; s: the seconds of the module's tests and "
               "their classes' setup, without the test databases' creation)")
    out.append("")
    for m in modes:
        out.append(f"- {m}: {totals[m]['pass']} passed in {runs[m]['seconds']} s"
                   + (f"; tables kept local: {len(runs[m]['kept_local'])}" if runs[m]["kept_local"] else ""))
        for table, why in sorted(runs[m]["kept_local"].items()):
            out.append(f"  - `{table}`: {why}")
        unchecked = runs[m].get("unchecked", {})
        if unchecked:
            out.append(f"  - moved without the type check: {len(unchecked)}")
        for table, why in sorted(unchecked.items()):
            out.append(f"    - `{table}`: {why}")
    if "service" in runs and "monolith" in runs:
        found = regressions(runs, listed)
        by_cause = collections.Counter(c for _, c, _ in found)
        out += ["", f"Tests that pass on local tables and not in service mode: {len(found)}", "",
                "| cause | tests |", "|---|---|"]
        for name, n in by_cause.most_common():
            out.append(f"| {name} | {n} |")
        out += ["", "<details><summary>every such test, with its cause and error</summary>", ""]
        for test_id, name, message in found:
            first = message.splitlines()[0][:160] if message else ""
            out.append(f"- `{test_id}`: {name}" + (f" — `{first}`" if first else ""))
        out += ["", "</details>"]
    if command:
        out += ["", f"Command: `{command}`"]
    return "\n".join(out) + "\n", totals


def _cell(c):
    skip = c["skip"] + c["xfail"]
    return f"{c['pass']}/{c['fail']}/{c['error'] + c['not-run']}/{skip}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--markdown")
    parser.add_argument("--title", default="")
    parser.add_argument("--command", default="")
    parser.add_argument("--min-service", type=int)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    runs = load(args.directory)
    listed = known_failures()
    text, totals = render(runs, listed, args.command)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write((args.title + "\n\n" if args.title else "") + text)
    status = 0
    if args.min_service is not None:
        got = totals["service"]["pass"]
        if got < args.min_service:
            print(f"service mode passed {got} tests, fewer than the committed {args.min_service}")
            status = 1
        else:
            print(f"service mode passed {got} tests (at least {args.min_service}: ok)")
    if args.strict and "service" in runs:
        bad = [t for t, c, _ in regressions(runs, listed)
               if not c.startswith(("listed", "rows left by rollback"))]
        if bad:
            print(f"{len(bad)} tests pass on local tables and fail in service mode, unlisted:")
            print("\n".join("  " + t for t in bad))
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
