#!/usr/bin/env bash
# Django's own ORM tests (tests/runtests.py of Django's source distribution)
# on PostgreSQL with rest_fdw, in up to three modes (README.md):
#   monolith  the test apps' tables are local;
#   service   every table of the test apps is moved into a kit service
#             (djsuite/service_urls.py) right after Django creates them,
#             its server with option undo (rollbacks undo its writes);
#   emulated  as service without option undo, the service's tables put
#             back from outside where Django's rollbacks put local tables
#             (not run unless asked for: to compare with).
#
#   bash test/django_suite/run.sh [--modes "monolith service emulated"]
#        [--modules "basic lookup ..."] [--markdown FILE] [--min-service N]
#        [--strict]
#
# Run as root.  Uses the PostgreSQL of PGBIN if rest_fdw is installed there
# (test/run_all.sh's private copy), else builds rest_fdw and installs it into
# a private copy of PostgreSQL 15.  The Python packages (requirements.txt)
# go into $REST_FDW_DJSUITE_VENV (default /tmp/rest_fdw_djsuite_venv), the
# source distribution into $REST_FDW_DJSUITE_CACHE (default
# /var/cache/rest_fdw/django_suite); both are reused.  Prints the counts
# per module and mode (djsuite/report.py) and exits non-zero if a mode did
# not run, or with --min-service if service mode passed fewer tests.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tools/cluster.sh"

modes="monolith service"
modules=""
report_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--modes) modes=$2; shift 2 ;;
	--modules) modules=$2; shift 2 ;;
	--markdown) report_args+=(--markdown "$(realpath -m "$2")"); shift 2 ;;
	--min-service) report_args+=(--min-service "$2"); shift 2 ;;
	--strict) report_args+=(--strict); shift ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "run.sh: run as root (the cluster runs as the postgres user)" >&2; exit 1; }

start=$(date +%s)
work=$(mktemp -d /tmp/rest_fdw_djsuite.XXXXXX)
chmod 755 "$work"
service_pid=
cleanup() {
	[ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null || true
	cluster_stop "$work/pg"
	if [ "${REST_FDW_DJSUITE_KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# rest_fdw: the caller's private PostgreSQL, or one of our own
if [ ! -f "$("$PGBIN/pg_config" --sharedir 2>/dev/null)/extension/rest_fdw.control" ] ||
	[ -z "${PG_DESTDIR:-}" ]; then
	(cd "$top" && make -s >/dev/null)
	private_postgres "$work/pgroot"
	(cd "$top" && make -s install DESTDIR="$PG_DESTDIR" >/dev/null)
fi

# the Python packages
venv=${REST_FDW_DJSUITE_VENV:-/tmp/rest_fdw_djsuite_venv}
stamp=$(sha256sum "$here/requirements.txt" | cut -c1-16)
if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$venv"
	python3 -m venv "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" 2>&1 | (grep -v "^WARNING: Location" || true)
	echo "$stamp" >"$venv/.requirements"
fi
"$venv/bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall "$top/django-rest-fdw"
py=$venv/bin/python

# Django's source distribution, for tests/
version=$(sed -n 's/^Django==//p' "$here/requirements.txt")
cache=${REST_FDW_DJSUITE_CACHE:-/var/cache/rest_fdw/django_suite}
sdist=$cache/django-$version.tar.gz
mkdir -p "$cache"
if ! (cd "$cache" && sha256sum -c --quiet "$here/django-sdist.sha256" >/dev/null 2>&1); then
	rm -f "$sdist"
	"$venv/bin/pip" download -q --disable-pip-version-check --no-binary :all: --no-deps \
		-d "$cache" "Django==$version"
	(cd "$cache" && sha256sum -c --quiet "$here/django-sdist.sha256")
fi
if [ ! -f "$cache/django-$version/tests/runtests.py" ]; then
	tar -xzf "$sdist" -C "$cache" "django-$version/tests"
fi
tests=$cache/django-$version/tests

cluster_start "$work/pg"
export PGHOST=127.0.0.1 PGPORT PGUSER
export PYTHONPATH=$here:$tests
[ -n "$modules" ] || modules=$("$py" -c 'from djsuite.modules import modules; print(" ".join(modules()))')
export DJSUITE_MODULES=$modules
"$PGBIN/psql" -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -c 'CREATE DATABASE djsuite_service'

# the service, over its own database
"$py" -m djsuite.serve --prepare --port-file "$work/service.port" >"$work/kit_service.log" 2>&1 &
service_pid=$!
for _ in $(seq 1 300); do
	[ -s "$work/service.port" ] && break
	kill -0 "$service_pid" 2>/dev/null || break
	sleep 0.2
done
[ -s "$work/service.port" ] || { echo "the service did not start:"; cat "$work/kit_service.log"; exit 1; }
export DJSUITE_SERVICE_URL=http://127.0.0.1:$(cat "$work/service.port")/api/
echo "cluster on port $PGPORT; service $DJSUITE_SERVICE_URL ($(($(date +%s) - start)) s)"

status=0
for mode in $modes; do
	echo "== Django's tests, $mode mode"
	t0=$(date +%s)
	# runtests.py exits non-zero on any failing test: the counts tell
	(cd "$tests" && DJSUITE_MODE=$mode DJSUITE_RESULTS=$work/$mode.json \
		"$py" runtests.py --settings=djsuite.settings --parallel 1 --noinput -v 1 $modules \
		>"$work/$mode.log" 2>&1) || true
	tail -n 3 "$work/$mode.log"
	[ -s "$work/$mode.json" ] || { echo "$mode mode did not run:"; tail -n 40 "$work/$mode.log"; status=1; }
	echo "($(($(date +%s) - t0)) s)"
done
[ $status -eq 0 ] || exit 1

cd "$here"
"$py" -m djsuite.report "$work" --command "bash test/django_suite/run.sh --modes \"$modes\"${modules:+ --modules \"$modules\"}" \
	--title "Django $version's ORM tests with rest_fdw, $(date -u +%Y-%m-%d); $(($(date +%s) - start)) s in all" \
	"${report_args[@]}"
