#!/usr/bin/env bash
# Helpers to run a throwaway PostgreSQL cluster and the test service.
# Sourced by test/run_all.sh and the demo; never touches the machine's own
# PostgreSQL service.  Needs root (the cluster runs as the "postgres" user).

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

# private_postgres DIR [VERSION]: copy the machine's PostgreSQL installation
# of VERSION (15 unless given) into DIR, so that the extension is installed
# there (make install DESTDIR=$PG_DESTDIR) and not into the system's
# directories, where another build could replace it while the tests run.
# PostgreSQL finds its lib and share directories relative to its binaries.
# Exports PGBIN, PG_DESTDIR.
private_postgres() {
	local dir=$1 version=${2:-15}
	mkdir -p "$dir/usr/lib/postgresql" "$dir/usr/share/postgresql"
	cp -a "/usr/lib/postgresql/$version" "$dir/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$version" "$dir/usr/share/postgresql/"
	PG_DESTDIR=$dir
	PGBIN=$dir/usr/lib/postgresql/$version/bin
	export PG_DESTDIR PGBIN
}

# free_port: print a TCP port that is free on 127.0.0.1 now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# cluster_start DIR: initdb a cluster in DIR and start it on a free port,
# listening only on a Unix socket in DIR.  Exports PGHOST, PGPORT, PGUSER.
cluster_start() {
	local dir=$1 proxy
	mkdir -p "$dir"
	chown postgres: "$dir"
	su postgres -c "$PGBIN/initdb -D '$dir/data' -U postgres -A trust -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1"
	PGPORT=$(free_port)
	# A proxy in the postmaster's environment, at a port nothing listens
	# on: rest_fdw must ignore it (sql/reach.sql), and would fail every
	# request if it did not.  The tests' own curl calls go to 127.0.0.1.
	proxy="http://127.0.0.1:$(free_port)/"
	su postgres -c "http_proxy=$proxy https_proxy=$proxy all_proxy=$proxy \
		HTTPS_PROXY=$proxy ALL_PROXY=$proxy no_proxy=127.0.0.1,localhost \
		$PGBIN/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -t 60 \
		-o \"-c listen_addresses='127.0.0.1' -p $PGPORT -k '$dir' -c fsync=off -c max_connections=50\" start" >/dev/null
	export PGHOST=$dir PGPORT PGUSER=postgres
}

# cluster_stop DIR: stop the cluster in DIR.
cluster_stop() {
	local dir=$1
	[ -d "$dir/data" ] && su postgres -c "$PGBIN/pg_ctl -D '$dir/data' -m fast -w stop" >/dev/null 2>&1 || true
}

# service_start DIR: start test/rest_service.py on a free port, and on a
# second one with TLS (certificates made by test/tls_setup.sh in DIR/tls);
# exports REST_TEST_PORT, REST_TLS_PORT, REST_TLS_DIR and REST_SERVICE_PID.
service_start() {
	local dir=$1 top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	rm -f "$dir/service.port" "$dir/service.tls-port"
	bash "$top/test/tls_setup.sh" "$dir/tls"
	python3 "$top/test/rest_service.py" --host 127.0.0.1 --port 0 \
		--port-file "$dir/service.port" \
		--tls-cert "$dir/tls/server.pem" --tls-key "$dir/tls/server.key" \
		--tls-client-ca "$dir/tls/ca.pem" --tls-port-file "$dir/service.tls-port" \
		>"$dir/service.log" 2>&1 &
	REST_SERVICE_PID=$!
	for _ in $(seq 1 100); do
		[ -s "$dir/service.port" ] && [ -s "$dir/service.tls-port" ] && break
		sleep 0.1
	done
	[ -s "$dir/service.port" ] && [ -s "$dir/service.tls-port" ] ||
		{ echo "test service did not start:"; cat "$dir/service.log"; return 1; }
	REST_TEST_PORT=$(cat "$dir/service.port")
	REST_TLS_PORT=$(cat "$dir/service.tls-port")
	REST_TLS_DIR=$dir/tls
	export REST_TEST_PORT REST_TLS_PORT REST_TLS_DIR REST_SERVICE_PID
}

# json_server_start DIR: start the real json-server 0.17 (test/jsonserver)
# on a free port over a copy of its db.json; exports JSON_SERVER_PORT and
# JSON_SERVER_PID.
json_server_start() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	(cd "$top/test/jsonserver" && npm ci --no-audit --no-fund --silent >/dev/null)
	json_server_run "$1"
}

# json_server_run DIR: start the json-server that json_server_start
# installed, over a fresh copy of its db.json in DIR; the same exports.
json_server_run() {
	local dir=$1 top port
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	mkdir -p "$dir"
	cp "$top/test/jsonserver/db.json" "$dir/db.json"
	port=$(free_port)
	"$top/test/jsonserver/node_modules/.bin/json-server" --host 127.0.0.1 \
		--port "$port" --quiet "$dir/db.json" >"$dir/json-server.log" 2>&1 &
	JSON_SERVER_PID=$!
	for _ in $(seq 1 100); do
		curl -sf "http://127.0.0.1:$port/books/1" >/dev/null 2>&1 && break
		sleep 0.1
	done
	curl -sf "http://127.0.0.1:$port/books/1" >/dev/null || { echo "json-server did not start:"; cat "$dir/json-server.log"; return 1; }
	JSON_SERVER_PORT=$port
	export JSON_SERVER_PORT JSON_SERVER_PID
}

# ---------------------------------------------------------------------------
# The JSON:API service (test/jsonapi): djangorestframework-jsonapi over a
# SQLite file, for the jsonapi dialect.
# ---------------------------------------------------------------------------

# jsonapi_start DIR: install the service's Python packages
# (test/jsonapi/setup.sh) and start it (jsonapi_run DIR); the same exports.
jsonapi_start() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	JSONAPI_VENV=$(bash "$top/test/jsonapi/setup.sh")
	export JSONAPI_VENV
	jsonapi_run "$1"
}

# jsonapi_run DIR: start the service that jsonapi_start installed on a free
# port, one gunicorn worker, over a fresh database in DIR/jsonapi seeded
# from its fixture; its request log is DIR/jsonapi/requests.log (GET /_log
# reads and empties it).  Exports JSONAPI_PORT, JSONAPI_PID, JSONAPI_LOG.
jsonapi_run() {
	local dir=$1/jsonapi top port
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	rm -rf "$dir"
	mkdir -p "$dir"
	export JSONAPI_DB=$dir/db.sqlite3 JSONAPI_REQUEST_LOG=$dir/requests.log
	(cd "$top/test/jsonapi" &&
		"$JSONAPI_VENV/bin/python" manage.py migrate -v0 &&
		"$JSONAPI_VENV/bin/python" manage.py loaddata -v0 seed) >"$dir/setup.log" 2>&1 ||
		{ echo "the JSON:API service's database could not be made:"; cat "$dir/setup.log"; return 1; }
	port=$(free_port)
	(cd "$top/test/jsonapi" && exec "$JSONAPI_VENV/bin/gunicorn" --workers 1 \
		--no-control-socket --bind "127.0.0.1:$port" jsonapisvc.wsgi) \
		>"$dir/gunicorn.log" 2>&1 &
	JSONAPI_PID=$!
	for _ in $(seq 1 100); do
		curl -sf "http://127.0.0.1:$port/api/books/1/" >/dev/null 2>&1 && break
		sleep 0.1
	done
	curl -sf "http://127.0.0.1:$port/api/books/1/" >/dev/null ||
		{ echo "the JSON:API service did not start:"; cat "$dir/gunicorn.log"; return 1; }
	curl -sf "http://127.0.0.1:$port/_log" >/dev/null
	JSONAPI_PORT=$port
	JSONAPI_LOG=$JSONAPI_REQUEST_LOG
	export JSONAPI_PORT JSONAPI_PID JSONAPI_LOG
}
# --------------------------- end of the JSON:API service -------------------

# ---- OAuth test server (test/oauth) ----------------------------------------
# oauth_server_start DIR: start test/oauth's authorization server and API
# (django-oauth-toolkit, Django REST framework; its packages in a virtual
# environment made by test/oauth/setup.sh) on a free port; exports
# OAUTH_SERVER_PORT and OAUTH_SERVER_PID.
oauth_server_start() {
	local dir=$1 top py
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	py=$(bash "$top/test/oauth/setup.sh") || return 1
	mkdir -p "$dir"
	rm -f "$dir/oauth.port"
	"$py" "$top/test/oauth/serve.py" --port-file "$dir/oauth.port" \
		>"$dir/oauth.log" 2>&1 &
	OAUTH_SERVER_PID=$!
	for _ in $(seq 1 300); do
		[ -s "$dir/oauth.port" ] && break
		sleep 0.1
	done
	[ -s "$dir/oauth.port" ] || { echo "OAuth test server did not start:"; cat "$dir/oauth.log"; return 1; }
	OAUTH_SERVER_PORT=$(cat "$dir/oauth.port")
	export OAUTH_SERVER_PORT OAUTH_SERVER_PID
}
# ---- end of OAuth test server -----------------------------------------------

# --- OData: the real SAP CAP service (test/odata) ----------------------------

# odata_start DIR: install the CAP service of test/odata (npm ci, only when
# node_modules is older than its lock file: better-sqlite3 compiles for a
# minute) and start it as odata_run does; the same exports.
odata_start() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	if [ ! -x "$top/test/odata/node_modules/.bin/cds-serve" ] ||
		[ ! "$top/test/odata/node_modules/.package-lock.json" -nt "$top/test/odata/package-lock.json" ]; then
		(cd "$top/test/odata" && npm ci --no-audit --no-fund --silent >/dev/null)
	fi
	odata_run "$@"
}

# odata_run DIR [ITEMS]: start the installed CAP service on a free port of
# 127.0.0.1 over a fresh in-memory SQLite database loaded from
# test/odata/db/data (and its Items from the JSON rows in the file ITEMS);
# its log goes to DIR/odata.log.  Its request records are at GET /_log.
# Exports ODATA_PORT and ODATA_PID.
odata_run() {
	local dir=$1 items=${2:-} top port
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	mkdir -p "$dir"
	port=$(free_port)
	(cd "$top/test/odata" && PORT=$port REST_FDW_ODATA_ITEMS=$items \
		exec node_modules/.bin/cds-serve) >"$dir/odata.log" 2>&1 &
	ODATA_PID=$!
	for _ in $(seq 1 300); do
		curl -sf "http://127.0.0.1:$port/odata/v4/catalog/Authors(1)" >/dev/null 2>&1 && break
		sleep 0.1
	done
	curl -sf "http://127.0.0.1:$port/odata/v4/catalog/Authors(1)" >/dev/null ||
		{ echo "the OData service did not start:"; cat "$dir/odata.log"; return 1; }
	curl -sf "http://127.0.0.1:$port/_log" >/dev/null # forget the probes
	ODATA_PORT=$port
	export ODATA_PORT ODATA_PID
}
