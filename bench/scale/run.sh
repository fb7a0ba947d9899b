#!/usr/bin/env bash
# Scale benchmark of the Django example (`make bench-scale`), and the scale
# smoke test (`bash bench/scale/smoke.sh`), as root on Debian 12.
#
#   bash bench/scale/run.sh bench   every page timed in both modes at
#                                   20k authors / 100k books / 300k reviews;
#                                   writes bench/scale/results.json,
#                                   RESULTS.md, results.png
#   bash bench/scale/run.sh smoke [--write]
#                                   services mode at 1k / 3k / 6k rows,
#                                   each page once; fails when a page sends
#                                   more requests than smoke_thresholds.json
#                                   (--write records today's counts there)
# Environment (bench): SCALE_QUICK=1 (2k / 10k / 30k rows, 3 repeats;
# writes results-quick.*), SCALE_REVIEWS=N (another review count, e.g. the
# 1M variant; writes results-<N>.*), SCALE_REPS (default 5),
# SCALE_STATEMENT_TIMEOUT_MS (default 30000), SCALE_KEEP=1 (keep /tmp work).
#
# The stack is the example's own (examples/django/stack.sh: venv_install,
# stack_up, stack_down), on a private copy of PostgreSQL 15 with rest_fdw
# built from a copy of this tree.  Two webapp databases: shop_monolith
# (migrations at 0001, local tables) and shop_services (every migration:
# the tables moved, while still empty, into the services).  gen.py then
# loads the same generated rows with COPY into the monolith's tables and
# into the services' own databases.  Each webapp runs under gunicorn (one
# worker) with bench/scale/scale_settings.py; measure.py does the rest.
set -euo pipefail
# The whole script is one compound command, read before it runs, so that
# editing this file during a run does not disturb the run.
{

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
action=${1:-bench}
shift || true
. "$top/examples/django/stack.sh"
started=$(date +%s)
log() { printf '[scale %4ds] %s\n' $(($(date +%s) - started)) "$*"; }

[ "$(id -u)" = 0 ] || { echo "run.sh: run as root (the cluster runs as the postgres user)" >&2; exit 1; }
case $action in
bench)
	if [ "${SCALE_QUICK:-0}" = 1 ]; then
		authors=2000 books=10000 reviews=${SCALE_REVIEWS:-30000} reps=${SCALE_REPS:-3} suffix=-quick
	else
		authors=20000 books=100000 reviews=${SCALE_REVIEWS:-300000} reps=${SCALE_REPS:-5} suffix=
		[ "$reviews" = 300000 ] || suffix=-$reviews
	fi ;;
smoke) authors=1000 books=3000 reviews=6000 reps=1
	export SCALE_STATEMENT_TIMEOUT_MS=${SCALE_STATEMENT_TIMEOUT_MS:-300000} ;;
*) echo "usage: run.sh bench | smoke [--write]" >&2; exit 2 ;;
esac
# SCALE_SIZES="AUTHORS BOOKS REVIEWS": other sizes (a developer's aid)
[ -n "${SCALE_SIZES:-}" ] && read -r authors books reviews <<<"$SCALE_SIZES"
export SCALE_AUTHORS=$authors SCALE_BOOKS=$books SCALE_REVIEWS=$reviews
export SCALE_STATEMENT_TIMEOUT_MS=${SCALE_STATEMENT_TIMEOUT_MS:-30000}

log "Python packages"
venv_install
if [ "$action" = bench ]; then
	[ -x "$top/bench/.venv/bin/python" ] || python3 -m venv "$top/bench/.venv"
	"$top/bench/.venv/bin/pip" install -q --disable-pip-version-check -r "$top/bench/requirements.txt"
fi

work=$(mktemp -d /tmp/rest_fdw_scale.XXXXXX)
chmod 755 "$work"
cleanup() {
	local rc=$?
	stack_down "$work"
	# removed after a successful run unless SCALE_KEEP=1
	case ${SCALE_KEEP:-0}:$rc in
	0:0) rm -rf "$work" ;;
	*) echo "run.sh: work directory kept: $work" ;;
	esac
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building rest_fdw into a private PostgreSQL 15"
build_rest_fdw "$work"

log "cluster and services (examples/django/stack.sh)"
stack_up "$work"
base="host=127.0.0.1 port=$PGPORT user=postgres"

# start_webapp MODE: the webapp on database shop_MODE under gunicorn.
start_webapp() {
	local mode=$1 port
	port=$(free_port)
	(cd "$EXAMPLE_DIR/webapp" &&
		SHOP_DB_NAME=shop_$mode DJANGO_SETTINGS_MODULE=scale_settings PYTHONPATH=$here \
		SCALE_QUERY_LOG=$work/queries_$mode.pickle \
		exec "$VENV/bin/gunicorn" --workers 1 --timeout 900 --bind "127.0.0.1:$port" \
			shop.wsgi) >"$work/webapp_$mode.log" 2>&1 &
	echo $! >"$work/webapp_$mode.pid"
	wait_http "http://127.0.0.1:$port/admin/login/" "webapp ($mode)" "$work/webapp_$mode.log"
	declare -g "webapp_port_$mode=$port"
	export "SCALE_${mode^^}_URL=http://127.0.0.1:$port"
	export "SCALE_${mode^^}_DSN=$base dbname=shop_$mode"
	export "SCALE_${mode^^}_LOG=$work/queries_$mode.pickle"
}

# migrate_webapp MODE: create shop_MODE and migrate it as the mode says.
migrate_webapp() {
	local mode=$1 app
	createdb "shop_$mode"
	(
		cd "$EXAMPLE_DIR/webapp"
		export SHOP_DB_NAME=shop_$mode
		if [ "$mode" = monolith ]; then
			"$PY" manage.py migrate catalog 0001 -v0
			"$PY" manage.py migrate reviews 0001 -v0
			for app in contenttypes auth admin sessions; do "$PY" manage.py migrate "$app" -v0; done
		else
			"$PY" manage.py migrate -v0
		fi
		DJANGO_SUPERUSER_PASSWORD=admin "$PY" manage.py createsuperuser --noinput \
			--username admin --email admin@example.com >/dev/null
	)
}

modes="monolith services"
[ "$action" = smoke ] && modes=services
for mode in $modes; do
	log "webapp database shop_$mode"
	migrate_webapp "$mode"
done

log "rows: $authors authors, $books books, $reviews reviews (COPY)"
targets=(catalog "$base dbname=catalog" reviews "$base dbname=reviews")
[ "$action" = bench ] && targets+=(webapp "$base dbname=shop_monolith")
"$PY" "$here/gen.py" "$authors" "$books" "$reviews" "${targets[@]}"

for mode in $modes; do
	start_webapp "$mode"
done

cd "$here"
if [ "$action" = smoke ]; then
	log "smoke: every page once in services mode"
	"$PY" measure.py smoke "$here/smoke_thresholds.json" "$@"
	log "done"
	exit 0
fi
out=$here/results$suffix.json
log "measuring every page ($reps runs per mode) into $out"
"$PY" measure.py bench "$out.new" --reps "$reps"
mv "$out.new" "$out"
"$top/bench/.venv/bin/python" report.py "$out" "RESULTS$suffix.md" "results$suffix.png" \
	"$(date +%s) $started" "SCALE_QUICK=${SCALE_QUICK:-0} SCALE_REVIEWS=$reviews SCALE_STATEMENT_TIMEOUT_MS=$SCALE_STATEMENT_TIMEOUT_MS bash bench/scale/run.sh bench"
log "done: bench/scale/RESULTS$suffix.md"
exit
}
