#!/usr/bin/env bash
# Build the Debian package postgresql-NN-rest-fdw from this checkout and
# smoke-test it, as root, INSIDE the chroot of PostgreSQL $DEB_PG_VERSION
# (tools/chroot.sh; never on this machine's own PostgreSQL): pg_buildext
# and dpkg-buildpackage, dpkg -i, then a throwaway cluster where CREATE
# EXTENSION works, rest_fdw.version() is the package's upstream version
# and META.json's, and a foreign table reads the test service.
#
# Uses the test service that test/run_all.sh started (REST_TEST_PORT), or
# starts one.  Exits non-zero on any failure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/cluster.sh
version=${DEB_PG_VERSION:-17}

bash tools/chroot.sh create "$version"

work=$(mktemp -d /tmp/rest_fdw_deb.XXXXXX)
chmod 755 "$work"
cleanup() {
	[ -n "${own_service:-}" ] && kill "$REST_SERVICE_PID" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${REST_TEST_PORT:-}" ]; then
	service_start "$work"
	own_service=1
fi

# the files of the checkout, as a release tarball would hold them
release=$(sed -n 's/^REST_FDW_VERSION = //p' Makefile)
src=$work/rest-fdw-$release
mkdir -p "$src"
git ls-files -co --exclude-standard | grep -v '/node_modules/' |
	tar -cf - -T - | tar -xf - -C "$src"

# what runs inside the chroot: build, install, smoke test
cat >"$work/inside.sh" <<'INSIDE'
set -euo pipefail
version=$1 src=$2 work=$3
cd "$src"
pg_buildext updatecontrol
dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1 ||
	{ tail -n 40 "$work/build.log"; exit 1; }
if grep -E '(warning|error):' "$work/build.log"; then
	echo "the package build printed warnings"
	exit 1
fi
deb=$(ls "$work"/postgresql-"$version"-rest-fdw_*.deb)
echo "built ${deb##*/}"
dpkg -i "$deb" >/dev/null
. tools/cluster.sh
PGBIN=/usr/lib/postgresql/$version/bin
trap 'cluster_stop "$work/cluster"' EXIT
cluster_start "$work/cluster"
psql -X -q -v ON_ERROR_STOP=1 -At -d postgres -v port="$REST_TEST_PORT" \
	>"$work/smoke.out" <<'SQL'
CREATE EXTENSION rest_fdw;
SELECT extversion FROM pg_extension WHERE extname = 'rest_fdw';
SELECT rest_fdw.version();
\set base_url 'http://127.0.0.1:' :port '/api/'
CREATE SERVER svc FOREIGN DATA WRAPPER rest_fdw OPTIONS (base_url :'base_url');
CREATE USER MAPPING FOR PUBLIC SERVER svc;
CREATE FOREIGN TABLE books (id bigint, title text)
  SERVER svc OPTIONS (resource 'books/');
SELECT count(*), min(id), max(id) FROM books;
SQL
dpkg-query -W -f='${Version}\n' "postgresql-$version-rest-fdw" >>"$work/smoke.out"
INSIDE

curl -sf -X POST "http://127.0.0.1:$REST_TEST_PORT/_reset" >/dev/null
REST_FDW_CHROOT_ENV="REST_TEST_PORT=$REST_TEST_PORT" \
	bash tools/chroot.sh run "$version" "$work" \
	"bash $work/inside.sh $version $src $work"

cat "$work/smoke.out"
meta=$(python3 -c 'import json; print(json.load(open("META.json"))["version"])')
extversion=$(sed -n "s/^default_version = '\(.*\)'/\1/p" rest_fdw.control)
mapfile -t got <"$work/smoke.out"
debversion=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
want=("$extversion" "$release" "5|1|5" "$debversion")
if [ "${got[*]}" != "${want[*]}" ] || [ "$meta" != "$release" ] ||
	[ "${debversion%-*}" != "$release" ]; then
	echo "deb smoke test: expected ${want[*]} (META.json $meta, debian/changelog $debversion), got ${got[*]}"
	exit 1
fi
echo "deb smoke test: postgresql-$version-rest-fdw $debversion installed and working"
