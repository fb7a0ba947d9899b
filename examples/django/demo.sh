#!/usr/bin/env bash
# Demo of the Django example in services mode.
#
# Run as root on Debian 12, after rest_fdw is built and installed.  Starts
# a throwaway PostgreSQL cluster, the catalog service (DRF) and the reviews
# service (FastAPI), creates the webapp's database as the monolith had it
# (migrations at 0001, the scripted sample data), runs the migrations that
# move the tables into the services, creates an admin login, starts the
# webapp with runserver, prints the URLs and waits.  Ctrl-C stops and
# removes everything.  DEMO_PORT chooses the webapp's port.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/stack.sh"

[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (the cluster runs as the postgres user)" >&2; exit 1; }
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
fi
venv_install

work=$(mktemp -d /tmp/shop_demo.XXXXXX)
web_pid=
cleanup() {
	[ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null || true
	stack_down "$work"
	rm -rf "$work"
	echo "demo stopped"
}
trap cleanup EXIT
trap 'exit 0' INT TERM
stack_up "$work"

export SHOP_DB_NAME=shop
createdb shop
cd "$here/webapp"
echo "== the monolith: catalog and reviews at 0001, sample data in local tables"
"$PY" manage.py migrate catalog 0001 -v0
"$PY" manage.py migrate reviews 0001 -v0
"$PY" "$here/e2e/data.py" load-webapp "host=127.0.0.1 port=$PGPORT user=postgres dbname=shop"
echo "== the move: the 0002 migrations call rest_fdw.move_table()"
"$PY" manage.py migrate
password=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(9))')
DJANGO_SUPERUSER_PASSWORD=$password "$PY" manage.py createsuperuser --noinput \
	--username admin --email admin@example.com >/dev/null

port=${DEMO_PORT:-$(free_port)}
"$PY" manage.py runserver "127.0.0.1:$port" --noreload >"$work/webapp.log" 2>&1 &
web_pid=$!
wait_http "http://127.0.0.1:$port/" "webapp" "$work/webapp.log"

cat <<INFO

The shop runs in services mode:
  site:            http://127.0.0.1:$port/
  admin:           http://127.0.0.1:$port/admin/   (login: admin / $password)
  catalog service: ${CATALOG_SERVICE_URL}  (schema: ${CATALOG_SERVICE_URL}schema/)
  reviews service: ${REVIEWS_SERVICE_URL}reviews/
  requests seen:   ${CATALOG_SERVICE_URL%api/}_stats  and  ${REVIEWS_SERVICE_URL%api/}_stats
  services' bearer token: $SERVICE_TOKEN
  psql:            psql -h 127.0.0.1 -p $PGPORT -U postgres shop   (databases shop, catalog, reviews)
Logs are in $work.  Press Ctrl-C to stop.
INFO
wait "$web_pid"
