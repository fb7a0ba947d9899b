#!/usr/bin/env bash
# rest_fdw benchmark suite: `make bench` (or `bash bench/run.sh`), as root.
#
# Sets up everything itself and removes it at the end:
#   1. Debian packages (tools/install-deps.sh, nginx-light) and the pinned
#      Python packages (bench/requirements.txt) in bench/.venv;
#   2. builds rest_fdw from a copy of the sources (so a concurrent build in
#      the work tree is not disturbed) and installs it into a private copy
#      of PostgreSQL 15 (tools/cluster.sh private_postgres), never into the
#      system's directories; builds bench/curl_floor.c;
#   3. starts a throwaway cluster on a free port (cluster_start), nginx on
#      the generated JSON files, the DRF service (gunicorn), the
#      PostgREST-compatible write service and the 20 ms/page service, all
#      on 127.0.0.1;
#   4. bench/bench.py loads the same rows into every peer and measures;
#      bench/report.py writes bench/RESULTS.md and bench/results.png.
#
# Environment:
#   BENCH_QUICK=1   a 2-3 minute smoke run (fewer rows and repeats); it
#                   writes bench/RESULTS-quick.md and results-quick.png
#   BENCH_KEEP=1    keep the work directory (data, logs) at the end
#   BENCH_RUNS=N    repeats per measurement (default 5, quick 2)
#   BENCH_HOLD=1    developer aid: set up, then wait (see below)
# Exits non-zero, loudly, on any setup error.
set -euo pipefail

bench=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$bench/.." && pwd)
cd "$top"
. tools/cluster.sh
quick=${BENCH_QUICK:-0}
started=$(date +%s)

log() { printf '[bench %4ds] %s\n' $(($(date +%s) - started)) "$*"; }
die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (the cluster runs as the postgres user)"

# --- 1. packages -------------------------------------------------------------
log "Debian packages"
bash tools/install-deps.sh
if ! command -v nginx >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light
fi
command -v pgbench >/dev/null || die "pgbench missing (postgresql-client-15)"
VENV=$bench/.venv
PY=$VENV/bin/python
log "Python packages (bench/requirements.txt)"
[ -x "$PY" ] || python3 -m venv "$VENV"
"$PY" -m pip install -q --disable-pip-version-check -r "$bench/requirements.txt"

# --- 2. build ------------------------------------------------------------------
work=$(mktemp -d /tmp/rest_fdw_bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
	local rc=$? pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	done
	cluster_stop "$work/cluster"
	if [ "${BENCH_KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then
		echo "bench: work directory kept: $work"
	else
		rm -rf "$work"
	fi
	exit $rc
}
trap cleanup EXIT

log "building rest_fdw in $work/build"
mkdir -p "$work/build"
cp ./*.c ./*.h Makefile rest_fdw.control rest_fdw--*.sql "$work/build/"
make -s -C "$work/build" PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log"; die "the build failed"; }
private_postgres "$work/pg"
make -s -C "$work/build" install DESTDIR="$PG_DESTDIR" \
	PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >>"$work/build.log" 2>&1 ||
	{ cat "$work/build.log"; die "make install into the private PostgreSQL failed"; }
gcc -O2 -Wall -o "$work/curl_floor" "$bench/curl_floor.c" -lcurl || die "curl_floor did not build"

# --- 3. cluster and services ----------------------------------------------------
log "throwaway cluster"
cluster_start "$work/cluster"
export PGHOST PGPORT PGUSER PGBIN
"$PGBIN/psql" -qAt -d postgres -c "SELECT version()" >/dev/null || die "the cluster does not answer"

# wait_port_file FILE NAME LOG: wait until a service wrote its port.
wait_port_file() {
	for _ in $(seq 1 150); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	cat "$3" >&2
	die "$2 did not start"
}

# wait_http URL NAME LOG: wait until URL answers with any HTTP status.
wait_http() {
	for _ in $(seq 1 150); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.2
	done
	cat "$3" >&2
	die "$2 did not start"
}

log "nginx"
NGINX_PORT=$(free_port)
mkdir -p "$work/www" "$work/nginx-tmp"
sed -e "s|@WORK@|$work|g; s|@WWW@|$work/www|g; s|@PORT@|$NGINX_PORT|g" \
	"$bench/nginx.conf.in" >"$work/nginx.conf"
nginx -t -q -c "$work/nginx.conf" || die "nginx.conf is invalid"
nginx -c "$work/nginx.conf" >"$work/nginx.out" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$NGINX_PORT/" nginx "$work/nginx.out"

log "DRF service (gunicorn)"
DRF_PORT=$(free_port)
(cd "$bench/drf_service" &&
	DRF_DB_HOST=127.0.0.1 DRF_DB_PORT=$PGPORT DRF_DB_NAME=drfsvc DRF_DB_USER=postgres \
	exec "$VENV/bin/gunicorn" --worker-class gthread --workers 2 --threads 4 \
		--bind "127.0.0.1:$DRF_PORT" --keep-alive 300 \
		--access-logfile "$work/drf-access.log" \
		--access-logformat '%(m)s %(U)s?%(q)s %(s)s %(B)s 0' \
		benchsvc.wsgi) >"$work/drf.out" 2>&1 &
pids+=($!)

log "PostgREST-compatible service, 20 ms/page service"
# both import test/servicekit, the skeleton they share with the test service
export PYTHONPATH=$top/test
(cd "$bench" && exec "$PY" postgrest_service.py --port-file "$work/pgrst.port" \
	--log "$work/pgrst-access.log" \
	--dsn "host=127.0.0.1 port=$PGPORT user=postgres dbname=pgrst") >"$work/pgrst.out" 2>&1 &
pids+=($!)
(cd "$bench" && exec "$PY" slow_service.py --port-file "$work/slow.port" \
	--log "$work/slow-access.log" --rows 20000 --delay 0.020) >"$work/slow.out" 2>&1 &
pids+=($!)
wait_port_file "$work/pgrst.port" "the PostgREST-compatible service" "$work/pgrst.out"
wait_port_file "$work/slow.port" "the 20 ms/page service" "$work/slow.out"
wait_http "http://127.0.0.1:$DRF_PORT/" "the DRF service" "$work/drf.out"

export BENCH_WORK=$work BENCH_QUICK=$quick NGINX_PORT DRF_PORT
export PGRST_PORT=$(cat "$work/pgrst.port") SLOW_PORT=$(cat "$work/slow.port")
export CURL_FLOOR=$work/curl_floor BENCH_PIDS="${pids[*]}"

if [ "${BENCH_HOLD:-0}" = 1 ]; then
	# developer aid: keep everything running; source $work/env.sh in another
	# shell to run bench.py by hand; touch $work/stop to end
	export -p | grep -E ' (PG|BENCH_|NGINX_|DRF_|PGRST_|SLOW_|CURL_)' >"$work/env.sh"
	log "holding: source $work/env.sh; touch $work/stop to end"
	while [ ! -e "$work/stop" ]; do sleep 1; done
	exit 0
fi

# --- 4. measure and report -------------------------------------------------------
log "measuring (bench.py)"
"$PY" "$bench/bench.py"
log "report"
suffix=$([ "$quick" = 1 ] && echo -quick || true)
"$PY" "$bench/report.py" "$work/results.json" "$bench/RESULTS$suffix.md" "$bench/results$suffix.png"
cp "$work/results.json" "$bench/results$suffix.json"
log "done: bench/RESULTS$suffix.md, bench/results$suffix.png"
