#!/usr/bin/env bash
# Fuzz rest_fdw's scan: build the extension, install it into a private copy
# of PostgreSQL 15 (never the system's directories), start a throwaway
# cluster, and run test/fuzz/fuzz_scan.py against it for a bounded time.
#
#   bash test/fuzz/run.sh [--seconds N] [fuzz_scan.py options]
#
# N defaults to 60.  Run as root (the cluster runs as the postgres user).
# The Python packages (requirements.txt) go into a virtual environment in
# $REST_FDW_FUZZ_VENV (default /tmp/rest_fdw_fuzz_venv), reused while
# requirements.txt is unchanged.  Exits non-zero on any failure, after a
# last line "N passed, M failed".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
. tools/cluster.sh

args=("$@")
case " ${args[*]-} " in
	*" --seconds "*) ;;
	*) args+=(--seconds 60) ;;
esac

bash tools/install-deps.sh

# the Python side
venv=${REST_FDW_FUZZ_VENV:-/tmp/rest_fdw_fuzz_venv}
stamp=$(sha256sum "$here/requirements.txt" | cut -c1-16)
if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$venv"
	python3 -m venv "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
	echo "$stamp" >"$venv/.requirements"
fi

make -s 2>&1 | tee /tmp/rest_fdw_fuzz_build.log
if grep -qiE 'warning|error' /tmp/rest_fdw_fuzz_build.log; then
	echo "the build printed warnings"; exit 1
fi
work=$(mktemp -d /tmp/rest_fdw_fuzz.XXXXXX)
chmod 755 "$work"
private_postgres "$work/pg"
make -s install DESTDIR="$PG_DESTDIR" >/dev/null
cleanup() {
	cluster_stop "$work"
	rm -rf "$work"
}
trap cleanup EXIT
cluster_start "$work"
export PGDATABASE=postgres
# hypothesis keeps its caches there, not in the work tree
export HYPOTHESIS_STORAGE_DIRECTORY=$venv/hypothesis

status=0
# fuzz_scan.py's server is test/servicekit's
PYTHONPATH=$top/test "$venv/bin/python" "$here/fuzz_scan.py" --server-log "$work/server.log" \
	"${args[@]}" || status=$?
exit $status
