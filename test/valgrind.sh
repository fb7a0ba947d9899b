#!/usr/bin/env bash
# Run the pg_regress suite (make installcheck, as test/run_all.sh does)
# against a throwaway cluster whose postgres runs under valgrind memcheck,
# and fail if valgrind reports a memory error or a definite leak whose
# stack passes through rest_fdw.so (any of its source files).
#
#   bash test/valgrind.sh [summary-file]
#
# Run as root, like test/run_all.sh.  REST_FDW_VALGRIND_LOGS=dir keeps the
# valgrind logs (one per process) there.  The extension is installed into a
# private copy of PostgreSQL 15, never the system's directories.  The
# cluster is created with the plain binaries (initdb under valgrind would
# take long and tells nothing about rest_fdw); then the postmaster is
# started under valgrind, and its backends, forked from it, stay there.
#
# Debian's PostgreSQL is not built with USE_VALGRIND, so memcheck does not
# see palloc chunks one by one: it finds uses of uninitialised memory,
# invalid accesses at the edges of malloc'd blocks (every palloc larger
# than 8 kB, such as response bodies, is one), invalid frees, and leaks of
# malloc'd memory (libcurl, jansson, OpenSSL, iconv), not leaks of palloc'd
# memory, which test/fuzz/fuzz_scan.py watches through the backend's RSS.
#
# The pg_regress result is printed but does not decide the exit status:
# under valgrind everything runs 20-50 times slower, and tests that depend
# on timing (cancel, timeouts) may differ.  The summary (also written to
# summary-file if given) ends with "N passed, M failed", where a failure
# is a valgrind report attributed to rest_fdw.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/cluster.sh
summary_file=${1:-}

bash tools/install-deps.sh
if ! command -v valgrind >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends valgrind
fi

make -s 2>&1 | tee /tmp/rest_fdw_valgrind_build.log
if grep -qiE 'warning|error' /tmp/rest_fdw_valgrind_build.log; then
	echo "the build printed warnings"; exit 1
fi
work=$(mktemp -d /tmp/rest_fdw_valgrind.XXXXXX)
chmod 755 "$work"
private_postgres "$work/pg"
make -s install DESTDIR="$PG_DESTDIR" >/dev/null

cleanup() {
	[ -d "$work/data" ] && su postgres -c "$PGBIN/pg_ctl -D '$work/data' -m fast -w -t 600 stop" >/dev/null 2>&1 || true
	[ -n "${REST_SERVICE_PID:-}" ] && kill "$REST_SERVICE_PID" 2>/dev/null || true
	[ -n "${JSON_SERVER_PID:-}" ] && kill "$JSON_SERVER_PID" 2>/dev/null || true
	[ -n "${ODATA_PID:-}" ] && kill "$ODATA_PID" 2>/dev/null || true
	[ -n "${JSONAPI_PID:-}" ] && kill "$JSONAPI_PID" 2>/dev/null || true
	[ -n "${OAUTH_SERVER_PID:-}" ] && kill "$OAUTH_SERVER_PID" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# every service the suite talks to, as test/run_all.sh starts them
service_start "$work"
json_server_start "$work"
jsonapi_start "$work"
oauth_server_start "$work"
odata_start "$work"

# the cluster: initdb natively, then the postmaster under valgrind
mkdir -p "$work/valgrind"
chown postgres: "$work" "$work/valgrind"
su postgres -c "$PGBIN/initdb -D '$work/data' -U postgres -A trust -E UTF8 --locale=C.UTF-8 >'$work/initdb.log' 2>&1"
PGPORT=$(free_port)
export PGHOST=$work PGPORT PGUSER=postgres
valgrind_opts=(
	--tool=memcheck
	--trace-children=yes
	--trace-children-skip='*/sh,*/dash,*/bash,*/curl,*/python3*'
	--leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
	--track-origins=yes --read-var-info=no --num-callers=40
	--error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END
	--suppressions="$top/test/valgrind.supp" --gen-suppressions=all
	--log-file="$work/valgrind/%p.log"
)
cmd=$(printf '%q ' valgrind "${valgrind_opts[@]}" "$PGBIN/postgres" \
	-D "$work/data" -c listen_addresses=127.0.0.1 -p "$PGPORT" -k "$work" \
	-c fsync=off -c max_connections=50)
# the proxy in the postmaster's environment that cluster_start sets
# (tools/cluster.sh), which rest_fdw must ignore (sql/reach.sql)
proxy="http://127.0.0.1:$(free_port)/"
su postgres -c "http_proxy=$proxy https_proxy=$proxy all_proxy=$proxy \
	HTTPS_PROXY=$proxy ALL_PROXY=$proxy no_proxy=127.0.0.1,localhost \
	$cmd >'$work/server.log' 2>&1 &"
for _ in $(seq 1 600); do
	"$PGBIN/pg_isready" -q -h "$PGHOST" -p "$PGPORT" && break
	sleep 1
done
"$PGBIN/pg_isready" -q -h "$PGHOST" -p "$PGPORT" || { echo "postgres under valgrind did not start:"; tail -50 "$work/server.log"; exit 1; }

started=$(date +%s)
regress=ok
if ! make -s installcheck >"$work/installcheck.log" 2>&1; then
	regress=FAILED
fi
elapsed=$(( $(date +%s) - started ))
cp regression.diffs "$work/regression.diffs" 2>/dev/null || true

# stopping the cluster makes every process exit, which writes its leaks
su postgres -c "$PGBIN/pg_ctl -D '$work/data' -m fast -w -t 600 stop" >/dev/null

status=0
python3 - "$work/valgrind" "$regress" "$elapsed" "$work/installcheck.log" \
	>"$work/summary.txt" <<'EOF' || status=$?
"""Summarise valgrind logs; exit 1 if a report concerns rest_fdw."""
import collections
import glob
import os
import re
import sys

logdir, regress, elapsed, installcheck = sys.argv[1:5]
# the source files of rest_fdw.so, named in the frames of its code
SOURCES = r"(?:%s)\.c" % "|".join(
    os.path.basename(f)[:-2] for f in glob.glob(os.path.join(os.getcwd(), "*.c")))
OURS = re.compile(r"rest_fdw\.so|\(" + SOURCES + r":\d+\)")
KIND = re.compile(r"==\d+== (Invalid (?:read|write|free)[^\n]*|Mismatched free[^\n]*|"
                  r"Conditional jump[^\n]*|Use of uninitialised[^\n]*|"
                  r"Syscall param[^\n]*|Source and destination overlap[^\n]*|"
                  r"[0-9,]+ (?:\([0-9,]+ direct, [0-9,]+ indirect\) )?bytes in [0-9,]+ blocks are definitely lost[^\n]*|"
                  r"Argument '[^']*' of function [^\n]*|[^\n]*)")

logs = sorted(glob.glob(os.path.join(logdir, "*.log")))
reports = collections.Counter()
ours = collections.OrderedDict()    # kind and first frames -> [count, log, text]
processes = 0
for path in logs:
    text = open(path, errors="replace").read()
    if "Memcheck" not in text:
        continue
    processes += 1
    for block in re.findall(r"VALGRINDERROR-BEGIN\n(.*?)==\d+== VALGRINDERROR-END", text, re.S):
        kind = KIND.search(block).group(1)
        kind = re.sub(r"[0-9,]+ (\([0-9,]+ direct, [0-9,]+ indirect\) )?bytes in [0-9,]+ blocks",
                      "N bytes in M blocks", kind)
        kind = re.sub(r" in loss record [0-9,]+ of [0-9,]+| of size \d+|\(0x[0-9a-f, x]+\)",
                      "", kind)
        # where: the first frames that name a function outside valgrind
        frames = [f for f in re.findall(r"(?:at|by) 0x[0-9A-F]+: (\S+)", block)
                  if f not in ("???", "malloc", "calloc", "realloc", "free", "strdup")
                  and not f.startswith(("__", "pwrite", "write", "memcpy", "send"))]
        reports["%s, in %s" % (kind, " < ".join(frames[:3]) or "?")] += 1
        # the report's own stacks, without the suggested suppression
        body = block.split("\n{")[0]
        if OURS.search(body):
            # one entry per kind and innermost rest_fdw frame
            mine = re.search(r"(?:at|by) 0x[0-9A-F]+: (\S+ \(" + SOURCES + r":\d+\)|"
                             r"\S+ \(in \S*rest_fdw\.so\))", body)
            key = (kind, mine.group(1) if mine else "")
            if key not in ours:
                ours[key] = [0, os.path.basename(path),
                             "\n".join(re.sub(r"^==\d+== ?", "", line)
                                       for line in body.rstrip().splitlines()[:40])]
            ours[key][0] += 1

print("valgrind memcheck over the pg_regress suite")
print("pg_regress: %s (%s s under valgrind)" % (regress, elapsed))
for line in open(installcheck, errors="replace"):
    if re.match(r"(test |ok |not ok |#)", line.strip()) or "tests" in line:
        print("  " + line.rstrip())
print("processes checked: %d" % processes)
print("valgrind reports, all processes: %d" % sum(reports.values()))
for kind, n in reports.most_common():
    print("  %5d  %s" % (n, kind))
print("reports whose stack passes through rest_fdw.so: %d (%d distinct)"
      % (sum(v[0] for v in ours.values()), len(ours)))
for (kind, where), (n, log, text) in ours.items():
    print("---- %d x %s at %s (first in %s)" % (n, kind, where, log))
    print(text)
print("%d passed, %d failed" % (0 if ours else 1, len(ours)))
sys.exit(1 if ours else 0)
EOF
cat "$work/summary.txt"
[ -n "$summary_file" ] && cp "$work/summary.txt" "$summary_file"
if [ -n "${REST_FDW_VALGRIND_LOGS:-}" ]; then
	mkdir -p "$REST_FDW_VALGRIND_LOGS"
	cp "$work"/valgrind/*.log "$work/server.log" "$REST_FDW_VALGRIND_LOGS/"
fi
exit $status
