#!/usr/bin/env bash
# The pg_regress suite against one PostgreSQL version, run as root INSIDE a
# chroot of tools/chroot.sh: build the copy of the sources in SRC with
# -Wall -Wextra -Werror against that version's headers, install it (into
# the chroot's throwaway overlay), start a throwaway cluster in SRC/cluster
# and run `make installcheck`.  The test services run outside the chroot, on
# the loopback addresses it shares; their ports come in the environment
# (REST_TEST_PORT, REST_TLS_PORT, REST_TLS_DIR, JSON_SERVER_PORT, JSONAPI_PORT,
# OAUTH_SERVER_PORT, ODATA_PORT).
#
# Usage: bash test/version_regress.sh VERSION SRC
set -euo pipefail

version=$1
src=$2
cd "$src"
. tools/cluster.sh
PGBIN=/usr/lib/postgresql/$version/bin
export PG_CONFIG=$PGBIN/pg_config

make -s clean >/dev/null
make -s 2>&1 | tee build.log
if grep -qiE 'warning|error' build.log; then
	echo "the build against PostgreSQL $version printed warnings"
	exit 1
fi
make -s install >/dev/null

trap 'cluster_stop "$src/cluster"' EXIT
cluster_start "$src/cluster"
make -s installcheck
