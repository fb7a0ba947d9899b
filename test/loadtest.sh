#!/usr/bin/env bash
# Load test of rest_fdw: pgbench with 16 clients for 60 s against foreign
# tables whose service runs as 4 worker processes behind nginx.
#
#   bash test/loadtest.sh [RESULTS_FILE]      (make loadtest)
#
# Run as root on Debian 12.  Builds the extension into a private copy of
# PostgreSQL 15, starts a throwaway cluster, 4 processes of the test service
# (test/rest_service.py, read-only fixtures, so every worker answers alike)
# and nginx (Debian's nginx-light) balancing them with keep-alive upstream
# connections, all on 127.0.0.1.  The clients mix point lookups by key,
# filtered scans of pages and count(*).  It reports the throughput and the
# backends' memory and open descriptors after 10 s and at the end, and
# fails on any failed transaction or on memory or descriptor growth past a
# bound.  LOAD_CLIENTS and LOAD_SECONDS change the load.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/cluster.sh

results=${1:-}
clients=${LOAD_CLIENTS:-16}
seconds=${LOAD_SECONDS:-60}
workers=4
max_rss_growth_kb=${LOAD_MAX_RSS_GROWTH_KB:-4096}

bash tools/install-deps.sh
command -v nginx >/dev/null || {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light
}
make -s >/dev/null

work=$(mktemp -d /tmp/rest_fdw_load.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
	cluster_stop "$work"
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

private_postgres "$work/pg"
make -s install DESTDIR="$PG_DESTDIR" >/dev/null

# the service's workers
upstream=""
for i in $(seq 1 $workers); do
	python3 test/rest_service.py --host 127.0.0.1 --port 0 \
		--port-file "$work/worker$i.port" >"$work/worker$i.log" 2>&1 &
	pids+=($!)
done
for i in $(seq 1 $workers); do
	for _ in $(seq 1 100); do [ -s "$work/worker$i.port" ] && break; sleep 0.1; done
	upstream="$upstream server 127.0.0.1:$(cat "$work/worker$i.port");"
done

# nginx in front of them
nginx_port=$(free_port)
cat >"$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream service { $upstream keepalive 32; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://service;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
    }
  }
}
EOF
nginx -c "$work/nginx.conf"

cluster_start "$work"
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
CREATE EXTENSION rest_fdw;
CREATE SERVER svc FOREIGN DATA WRAPPER rest_fdw
  OPTIONS (base_url 'http://127.0.0.1:$nginx_port/api/', timeout '10');
CREATE USER MAPPING FOR PUBLIC SERVER svc;
CREATE FOREIGN TABLE books (id bigint, title text, author_id bigint OPTIONS (field 'author'),
                            price numeric(8,2), in_stock boolean)
  SERVER svc OPTIONS (resource 'books/', pagination 'page', page_size_param 'page_size',
                      page_size '2', filters 'author_id, in_stock', ordering 'id');
SELECT count(*) FROM books;
SQL

cat >"$work/load.sql" <<'EOF'
\set id random(1, 6)
\set author random(1, 3)
SELECT title FROM books WHERE id = :id;
SELECT id, price FROM books WHERE author_id = :author ORDER BY id;
SELECT count(*) FROM books WHERE in_stock;
EOF

# sample_backends LABEL: VmRSS (kB) and open descriptors summed over the
# client backends.
sample_backends() {
	local rss=0 fds=0 n=0 pid r
	for pid in $(psql -X -t -A -d postgres -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench' AND pid <> pg_backend_pid()"); do
		r=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		rss=$((rss + r))
		fds=$((fds + $(ls "/proc/$pid/fd" 2>/dev/null | wc -l)))
		n=$((n + 1))
	done
	echo "$1 $n $rss $fds"
}

"$PGBIN/pgbench" -n -c "$clients" -j 2 -T "$seconds" -f "$work/load.sql" \
	postgres >"$work/pgbench.log" 2>&1 &
bench=$!
sleep 10
first=$(sample_backends early)
sleep $((seconds - 12))
last=$(sample_backends late)
status=0
wait $bench || status=$?

read -r _ n1 rss1 fds1 <<<"$first"
read -r _ n2 rss2 fds2 <<<"$last"
failed_tx=$( (grep -E "number of failed transactions" "$work/pgbench.log" || echo "x: 0 (") |
	sed -E 's/.*: ([0-9]+).*/\1/')
{
	echo "rest_fdw load test, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
	echo "pgbench: $clients clients, $seconds s, script: point lookup, filtered scan of pages, count(*)"
	echo "service: $workers processes of test/rest_service.py behind nginx (keep-alive upstream)"
	grep -E "number of transactions actually processed|number of failed|latency average|tps =" "$work/pgbench.log"
	echo "client backends after 10 s: $n1 backends, VmRSS $rss1 kB in all, $fds1 open descriptors"
	echo "client backends at the end: $n2 backends, VmRSS $rss2 kB in all, $fds2 open descriptors"
	echo "growth per backend: VmRSS $(( (rss2 - rss1) / (n2 > 0 ? n2 : 1) )) kB, descriptors $(( (fds2 - fds1) / (n2 > 0 ? n2 : 1) ))"
} | tee "$work/summary.txt"
[ -n "$results" ] && cp "$work/summary.txt" "$results"

if [ $status -ne 0 ] || [ "${failed_tx:-0}" != 0 ]; then
	echo "loadtest: FAILED (pgbench exit $status, failed transactions ${failed_tx:-?})"
	tail -20 "$work/pgbench.log"
	exit 1
fi
# sockets come and go with the requests under way (pages asked ahead open
# connections of their own): allow one descriptor per backend either way
if [ "$n1" -ne "$n2" ] || [ $(( (rss2 - rss1) / (n2 > 0 ? n2 : 1) )) -gt "$max_rss_growth_kb" ] ||
	[ $((fds2 - fds1)) -gt "$n2" ]; then
	echo "loadtest: FAILED (backends' memory or descriptors grew)"
	exit 1
fi
echo "loadtest: ok"
