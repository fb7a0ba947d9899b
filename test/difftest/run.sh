#!/usr/bin/env bash
# Differential test of rest_fdw's foreign tables against local tables that
# hold the same rows (test/difftest/README.md): build the extension, install
# it into a private copy of PostgreSQL 15, start a throwaway cluster and the
# services (a Django REST framework + django-filter service over a
# database of that cluster, the real json-server 0.17, the PostgREST
# emulation of test/rest_service.py, a djangorestframework-jsonapi
# service over SQLite, test/jsonapi, and the real SAP CAP OData service of
# test/odata), and run difftest.py against them.
#
#   bash test/difftest/run.sh [--queries N] [--seed S ...] [difftest.py options]
#
# Without --queries, 2,000 queries per dialect (the test command's bounded
# run); make difftest runs 50,000.  Run as root.  The Python packages
# (requirements.txt) go into a virtual environment in
# $REST_FDW_DIFFTEST_VENV (default /tmp/rest_fdw_difftest_venv), reused
# while requirements.txt is unchanged.  Exits non-zero on any mismatch,
# after a last line "N passed, M failed" (queries).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
. tools/cluster.sh

bash tools/install-deps.sh

venv=${REST_FDW_DIFFTEST_VENV:-/tmp/rest_fdw_difftest_venv}
stamp=$(sha256sum "$here/requirements.txt" | cut -c1-16)
if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$venv"
	python3 -m venv "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
	echo "$stamp" >"$venv/.requirements"
fi
py=$venv/bin/python

# the PostgREST emulation reads the committed fixture: it must be current
"$py" "$here/data.py" --check-fixture "$top/test/fixtures/oracle.json"

make -s 2>&1 | tee /tmp/rest_fdw_difftest_build.log
if grep -qiE 'warning|error' /tmp/rest_fdw_difftest_build.log; then
	echo "the build printed warnings"; exit 1
fi
work=$(mktemp -d /tmp/rest_fdw_difftest.XXXXXX)
chmod 755 "$work"
private_postgres "$work/pg"
make -s install DESTDIR="$PG_DESTDIR" >/dev/null

pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	cluster_stop "$work"
	if [ "${REST_FDW_DIFFTEST_KEEP:-}" = 1 ]; then
		echo "kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
echo "difftest: build and install $SECONDS s"
cluster_start "$work"
export PGDATABASE=postgres
echo "difftest: cluster $SECONDS s"

# wait_for URL NAME LOG: wait until URL answers (at most 30 s).
wait_for() {
	local i
	for i in $(seq 1 300); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "$2 did not start; its log:"; cat "$3"; exit 1
}

# the PostgREST emulation (its own instance, so that its log is ours)
python3 "$top/test/rest_service.py" --host 127.0.0.1 --port 0 \
	--port-file "$work/service.port" >"$work/service.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/service.port" ] && break; sleep 0.1; done
[ -s "$work/service.port" ] || { echo "test service did not start:"; cat "$work/service.log"; exit 1; }
export DIFFTEST_PG_URL="http://127.0.0.1:$(cat "$work/service.port")/api/pg/"

# the real json-server 0.17 over the oracle's rows; its log names each request
# (npm ci only when node_modules is older than the lock file: the test
# command's json_server_start has just run it)
js=$top/test/jsonserver
if [ ! -x "$js/node_modules/.bin/json-server" ] ||
	[ ! "$js/node_modules/.package-lock.json" -nt "$js/package-lock.json" ]; then
	(cd "$js" && npm ci --no-audit --no-fund --silent >/dev/null)
fi
"$py" -c 'import sys; sys.path.insert(0, sys.argv[1]); import data; sys.stdout.write(data.json_server_db())' \
	"$here" >"$work/db.json"
port=$(free_port)
"$top/test/jsonserver/node_modules/.bin/json-server" --host 127.0.0.1 \
	--port "$port" "$work/db.json" >"$work/json-server.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/items/1" json-server "$work/json-server.log"
export DIFFTEST_JS_URL="http://127.0.0.1:$port/" DIFFTEST_JS_LOG="$work/json-server.log"
echo "difftest: json-server $SECONDS s"

# the real SAP CAP OData service (test/odata) over the oracle's rows, loaded
# into its Items at start; its request log is GET /_log (odata_start runs
# npm ci only when node_modules is older than the lock file)
"$py" "$here/data.py" --odata-items "$work/odata-items.json"
odata_start "$work" "$work/odata-items.json"
pids+=("$ODATA_PID")
export DIFFTEST_OD_URL="http://127.0.0.1:$ODATA_PORT/odata/v4/catalog/"
echo "difftest: odata $SECONDS s"

# the Django REST framework service over the database drfsvc of the cluster
su postgres -c "$PGBIN/createdb -h '$PGHOST' -p $PGPORT drfsvc"
export ORACLE_DB_HOST=127.0.0.1 ORACLE_DB_PORT=$PGPORT ORACLE_DB_USER=postgres ORACLE_DB_NAME=drfsvc
(cd "$here/drfservice" && "$py" manage.py migrate -v0)
port=$(free_port)
(cd "$here/drfservice" && exec "$venv/bin/gunicorn" --workers 2 \
	--bind "127.0.0.1:$port" --access-logfile "$work/drf-access.log" \
	--access-logformat '%(r)s %(s)s' oraclesvc.wsgi) >"$work/drf.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/api/items/?limit=1" "the DRF service" "$work/drf.log"
export DIFFTEST_DRF_URL="http://127.0.0.1:$port/api/" DIFFTEST_DRF_LOG="$work/drf-access.log"

# the JSON:API service (djangorestframework-jsonapi, test/jsonapi) over a
# SQLite file holding the oracle's rows; its request log names each request
ja_venv=$(bash "$top/test/jsonapi/setup.sh")
export JSONAPI_DB=$work/jsonapi.sqlite3 JSONAPI_REQUEST_LOG=$work/jsonapi-requests.log
(cd "$top/test/jsonapi" && "$ja_venv/bin/python" manage.py migrate -v0 &&
	"$py" -c 'import json, sys; sys.path.insert(0, sys.argv[1]); import data; print(json.dumps(data.ROWS))' \
		"$here" | "$ja_venv/bin/python" manage.py load_items) >"$work/jsonapi.log" 2>&1 ||
	{ echo "the JSON:API service's database could not be made:"; cat "$work/jsonapi.log"; exit 1; }
port=$(free_port)
(cd "$top/test/jsonapi" && exec "$ja_venv/bin/gunicorn" --workers 2 --no-control-socket \
	--bind "127.0.0.1:$port" jsonapisvc.wsgi) >>"$work/jsonapi.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/api/items/1/" "the JSON:API service" "$work/jsonapi.log"
export DIFFTEST_JSONAPI_URL="http://127.0.0.1:$port/api/" DIFFTEST_JSONAPI_LOG="$JSONAPI_REQUEST_LOG"
echo "difftest: JSON:API service $SECONDS s"

echo "difftest: setup took $SECONDS s"
status=0
if [ -n "${REST_FDW_DIFFTEST_CMD:-}" ]; then
	# debugging: a command (e.g. bash) in this environment instead
	DIFFTEST_PY=$py DIFFTEST_WORK=$work bash -c "$REST_FDW_DIFFTEST_CMD" || status=$?
	exit $status
fi
"$py" "$here/difftest.py" "$@" || status=$?
exit $status
