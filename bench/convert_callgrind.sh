#!/usr/bin/env bash
# convert_callgrind.sh [REV]: instructions per row of full scans, for the
# build of this tree and that of git revision REV (default HEAD~1), counted by
# callgrind in the backend that runs the scan, inside standard_ExecutorRun
# only (no connection start-up, parse or plan).  The rows (4000 objects with
# timestamptz with and without an offset, numeric as a JSON number and as a
# string, bigint, date, uuid, varchar, boolean) come as one static JSON file
# from python3 -m http.server, so that the service costs the backend nothing.
# PostgreSQL 15, a private copy, a throwaway cluster; run as root.
# Deterministic: the same builds give the same counts run after run.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:-HEAD~1}
rows=4000
work=$(mktemp -d /tmp/convert_callgrind.XXXXXX)
chmod 755 "$work"
. "$top/tools/cluster.sh"
http_pid=
cleanup() {
	[ -n "$http_pid" ] && kill "$http_pid" 2>/dev/null || true
	su postgres -c "$PGBIN/pg_ctl -D '$work/data' -m immediate -w stop" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

# the two builds
git -C "$top" archive "$rev" | (mkdir -p "$work/base" && tar -x -C "$work/base")
make -s -C "$work/base" >/dev/null
git -C "$top" ls-files -co --exclude-standard | grep -v '/node_modules/' |
	(cd "$top" && tar -cf - -T -) | (mkdir -p "$work/new" && tar -x -C "$work/new")
make -s -C "$work/new" >/dev/null

private_postgres "$work/pg"
make -s -C "$work/new" install DESTDIR="$PG_DESTDIR" >/dev/null
lib=$PG_DESTDIR/usr/lib/postgresql/15/lib

# the rows, served as a file
python3 - "$work/www/rows.json" "$rows" <<'EOF'
import os, sys
path, n = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.dirname(path), exist_ok=True)
out = []
for i in range(1, n + 1):
    d = "2024-%02d-%02d" % (i % 12 + 1, i % 28 + 1)
    t = "%02d:%02d:%02d.%06d" % (i % 24, i % 60, (i * 7) % 60, (i * 7919) % 1000000)
    out.append('{"id": %d, "ts": "%sT%s+02:00", "tsl": "%sT%s", "num": %d.%02d, '
               '"nstr": "%d.%02d", "i8": %d, "d": "%s", '
               '"uid": "%08x-9c0b-4ef8-bb6d-6bb9bd380a11", "label": "item %05d", '
               '"flag": %s}'
               % (i, d, t, d, t, i * 37, i % 100, i * 13, i % 100, i * 1000003, d,
                  i, i, "true" if i % 3 == 0 else "false"))
with open(path, "w") as f:
    f.write("[\n" + ",\n".join(out) + "\n]\n")
EOF
http_port=$(free_port)
(cd "$work/www" && exec python3 -m http.server "$http_port" --bind 127.0.0.1) \
	>"$work/http.log" 2>&1 &
http_pid=$!
for _ in $(seq 1 50); do
	curl -sf "http://127.0.0.1:$http_port/rows.json" >/dev/null && break
	sleep 0.1
done

chown -R postgres: "$work"
su postgres -c "$PGBIN/initdb -D '$work/data' -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null

# run_query LABEL SO SQL: the instructions of SQL's executor run with SO
run_query() {
	local label=$1 so=$2 sql=$3 port out
	cp "$so" "$lib/rest_fdw.so.new" && mv "$lib/rest_fdw.so.new" "$lib/rest_fdw.so"
	out=$work/cg.$label
	mkdir -p "$out" && chown postgres: "$out"
	port=$(free_port)
	su postgres -c "valgrind --tool=callgrind --toggle-collect=standard_ExecutorRun \
		--callgrind-out-file=$out/cg.%p $PGBIN/postgres -D '$work/data' -p $port \
		-k '$work' -c listen_addresses= -c timezone=America/New_York \
		>$out/server.log 2>&1 &"
	for _ in $(seq 1 120); do
		"$PGBIN/pg_isready" -q -h "$work" -p "$port" && break
		sleep 1
	done
	if [ ! -f "$work/schema_done" ]; then
		"$PGBIN/psql" -X -q -h "$work" -p "$port" -U postgres -d postgres <<EOF
CREATE EXTENSION rest_fdw;
CREATE SERVER st FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://127.0.0.1:$http_port/', pagination 'none');
CREATE USER MAPPING FOR PUBLIC SERVER st;
CREATE FOREIGN TABLE idonly (id integer) SERVER st OPTIONS (resource 'rows.json');
CREATE FOREIGN TABLE tsnum (id integer, ts timestamptz, tsl timestamptz,
  num numeric, nstr numeric) SERVER st OPTIONS (resource 'rows.json');
CREATE FOREIGN TABLE wide (id integer, ts timestamptz, tsl timestamptz,
  num numeric, nstr numeric, i8 bigint, d date, uid uuid, label varchar(20),
  flag boolean) SERVER st OPTIONS (resource 'rows.json');
EOF
		touch "$work/schema_done"
	fi
	# a fresh backend for the query
	"$PGBIN/psql" -X -q -h "$work" -p "$port" -U postgres -d postgres -c "$sql" >/dev/null
	su postgres -c "$PGBIN/pg_ctl -D '$work/data' -m fast -w -t 300 stop" >/dev/null
	# the one process that ran an executor with rows
	local best=0 f n
	for f in "$out"/cg.*; do
		n=$(grep -m1 '^summary:\|^totals:' "$f" | awk '{print $2}')
		[ "${n:-0}" -gt "$best" ] && best=$n
	done
	echo "$best"
}

printf '%-8s %-60s %14s %14s %10s %10s\n' table query "base Ir" "new Ir" "base/row" "new/row"
for q in "idonly|SELECT count(id) FROM idonly" \
	"tsnum|SELECT count(ts), count(tsl), count(num), count(nstr) FROM tsnum" \
	"wide|SELECT count(ts), count(tsl), count(num), count(nstr), count(i8), count(d), count(uid), count(label), count(flag) FROM wide"; do
	name=${q%%|*}
	sql=${q#*|}
	b=$(run_query "base_$name" "$work/base/rest_fdw.so" "$sql")
	n=$(run_query "new_$name" "$work/new/rest_fdw.so" "$sql")
	printf '%-8s %-60.60s %14d %14d %10d %10d\n' "$name" "$sql" "$b" "$n" $((b / rows)) $((n / rows))
done
