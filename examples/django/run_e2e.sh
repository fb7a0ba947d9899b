#!/usr/bin/env bash
# End-to-end test of the Django example, in both modes.
#
# Run as root on Debian 12, after rest_fdw is built and installed
# (tools/install-deps.sh, then `make && make install` at the top).  It
# installs the Python packages into examples/django/.venv, starts a
# throwaway PostgreSQL cluster and both services on free loopback ports,
# runs the e2e suite with E2E_MODE=monolith (which stores every page it
# renders) and then with E2E_MODE=services (which compares every page with
# the monolith's and writes e2e/REQUESTS.md), stops everything, and exits
# non-zero if either run failed.  Extra arguments go to both pytest runs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/stack.sh"

[ "$(id -u)" = 0 ] || { echo "run_e2e.sh: run as root (the cluster runs as the postgres user)" >&2; exit 1; }
sharedir=$("$PGBIN/pg_config" --sharedir 2>/dev/null || true)
if [ ! -f "$sharedir/extension/rest_fdw.control" ]; then
	echo "run_e2e.sh: rest_fdw is not installed; run 'make && make install' in $TOP_DIR first" >&2
	exit 1
fi
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
fi
venv_install

work=$(mktemp -d /tmp/shop_e2e.XXXXXX)
trap 'stack_down "$work"; rm -rf "$work"' EXIT
stack_up "$work"
echo "cluster on port $PGPORT; catalog service $CATALOG_SERVICE_URL; reviews service $REVIEWS_SERVICE_URL"

export E2E_SNAPSHOT_DIR=$work/snapshots
export E2E_REQUESTS_MD=$here/e2e/REQUESTS.md
cd "$here/e2e"
monolith=0 services=0
echo "== monolith mode"
E2E_MODE=monolith "$VENV/bin/pytest" -q "$@" || monolith=$?
echo "== services mode"
E2E_MODE=services "$VENV/bin/pytest" -q "$@" || services=$?

if [ "$monolith" != 0 ] || [ "$services" != 0 ]; then
	echo "run_e2e.sh: FAILED (monolith exit $monolith, services exit $services); service logs:" >&2
	tail -n 30 "$work"/*_service.log >&2
	exit 1
fi
echo "run_e2e.sh: both modes passed; request counts in e2e/REQUESTS.md"
