#!/usr/bin/env bash
# Shell helpers shared by run_e2e.sh and demo.sh (source this file).
#
# venv_install: creates .venv and installs requirements.txt and the
#   repository's django-rest-fdw package into it.
# stack_up WORK: starts a throwaway PostgreSQL 15 cluster in WORK/pg (as the
#   postgres user, on a free loopback port), creates the two services'
#   databases, migrates the catalog service, starts the catalog service
#   (gunicorn, one worker) and the reviews service (uvicorn) on free ports,
#   and exports everything the webapp, the services and the e2e suite read:
#   SHOP_DB_HOST/PORT/USER, CATALOG_DB_*, REVIEWS_DB_DSN, SERVICE_TOKEN,
#   CATALOG_SERVICE_URL, REVIEWS_SERVICE_URL.
# build_rest_fdw WORK: builds rest_fdw into a private PostgreSQL 15 copy.
# stack_down WORK: stops what stack_up started (by the pids it recorded).
#
# Never touches the machine's own PostgreSQL (port 5432).

EXAMPLE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$EXAMPLE_DIR/../.." && pwd)
VENV=${VENV:-$EXAMPLE_DIR/.venv}
PY=$VENV/bin/python
. "$TOP_DIR/tools/cluster.sh"

venv_install() {
	[ -x "$PY" ] || python3 -m venv "$VENV"
	"$PY" -m pip install -q --disable-pip-version-check -r "$EXAMPLE_DIR/requirements.txt"
	# django-rest-fdw from this repository, as a project would pip install it
	"$PY" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall \
		"$TOP_DIR/django-rest-fdw"
}

# build_rest_fdw WORK: build rest_fdw from a copy of this tree (WORK/build)
#   and install it into a private copy of PostgreSQL 15 (WORK/privpg).
build_rest_fdw() {
	local work=$1
	rsync -a --exclude .git --exclude examples --exclude bench --exclude test --exclude debian \
		--exclude '*.o' --exclude '*.so' --exclude '*.bc' "$TOP_DIR/" "$work/build/"
	private_postgres "$work/privpg"
	make -s -C "$work/build" PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >"$work/build.log" 2>&1 &&
		make -s -C "$work/build" install DESTDIR="$PG_DESTDIR" \
			PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >>"$work/build.log" 2>&1 ||
		{ cat "$work/build.log"; return 1; }
}

# wait_http URL NAME LOG: wait until URL answers (at most 30 s).
wait_http() {
	local url=$1 name=$2 log=$3
	for _ in $(seq 1 150); do
		"$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" \
			2>/dev/null && return 0
		sleep 0.2
	done
	echo "$name did not start; its log:" >&2
	cat "$log" >&2
	return 1
}

stack_up() {
	local work=$1 catalog_port reviews_port
	mkdir -p "$work"
	chmod 755 "$work"
	cluster_start "$work/pg"
	export SHOP_DB_HOST=127.0.0.1 SHOP_DB_PORT=$PGPORT SHOP_DB_USER=postgres
	export CATALOG_DB_HOST=127.0.0.1 CATALOG_DB_PORT=$PGPORT CATALOG_DB_USER=postgres CATALOG_DB_NAME=catalog
	export REVIEWS_DB_DSN="host=127.0.0.1 port=$PGPORT user=postgres dbname=reviews"
	export SERVICE_TOKEN=${SERVICE_TOKEN:-$("$PY" -c 'import secrets; print(secrets.token_hex(16))')}
	createdb catalog
	createdb reviews

	(cd "$EXAMPLE_DIR/services/catalog_service" && "$PY" manage.py migrate -v0)
	catalog_port=$(free_port)
	(cd "$EXAMPLE_DIR/services/catalog_service" &&
		exec "$VENV/bin/gunicorn" --workers 1 --bind "127.0.0.1:$catalog_port" \
			--access-logfile - catalog_service.wsgi) >"$work/catalog_service.log" 2>&1 &
	echo $! >"$work/catalog_service.pid"
	reviews_port=$(free_port)
	(cd "$EXAMPLE_DIR/services/reviews_service" &&
		exec "$VENV/bin/uvicorn" app:app --host 127.0.0.1 --port "$reviews_port") \
		>"$work/reviews_service.log" 2>&1 &
	echo $! >"$work/reviews_service.pid"

	export CATALOG_SERVICE_URL="http://127.0.0.1:$catalog_port/api/"
	export REVIEWS_SERVICE_URL="http://127.0.0.1:$reviews_port/api/"
	wait_http "http://127.0.0.1:$catalog_port/_stats" "catalog service" "$work/catalog_service.log"
	wait_http "http://127.0.0.1:$reviews_port/_stats" "reviews service" "$work/reviews_service.log"
}

stack_down() {
	local work=$1 pidfile pid
	for pidfile in "$work"/*.pid; do
		[ -f "$pidfile" ] || continue
		pid=$(cat "$pidfile")
		if kill "$pid" 2>/dev/null; then
			for _ in $(seq 1 50); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
		fi
		rm -f "$pidfile"
	done
	cluster_stop "$work/pg"
}
