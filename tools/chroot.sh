#!/usr/bin/env bash
# Debian chroots holding other PostgreSQL versions, for the test command
# (run as root).  Each is a minimal Debian made by debootstrap, with that
# version's server, its server-dev headers and the build and packaging
# tools, cached under $REST_FDW_CHROOTS (/var/cache/rest_fdw).  A run
# never changes the cached chroot: it works in a throwaway overlay of it, in
# a private mount namespace, so several checkouts can use one chroot at once
# and every mount is gone when the run ends, whatever happens.
#
#   tools/chroot.sh versions             the versions tested in a chroot
#   tools/chroot.sh create VERSION       make the chroot if it is missing
#   tools/chroot.sh run VERSION DIR CMD  run CMD (sh -c) as root inside a
#                                        throwaway overlay of the chroot,
#                                        with host directory DIR mounted at
#                                        the same path
#   tools/chroot.sh remove [VERSION...]  delete the chroots (make clean-chroots)
set -euo pipefail

cache=${REST_FDW_CHROOTS:-/var/cache/rest_fdw}
mirror=${REST_FDW_MIRROR:-http://deb.debian.org/debian}
chroot_versions="17 18"

# suite_of VERSION: the Debian release that ships PostgreSQL VERSION.
suite_of() {
	case $1 in
		17) echo trixie ;;
		18) echo sid ;;
		*) echo "no Debian release in reach ships PostgreSQL $1" >&2; return 1 ;;
	esac
}

# packages_of VERSION: what the chroot of VERSION has installed.
packages_of() {
	echo "postgresql-$1 postgresql-server-dev-$1 postgresql-server-dev-all" \
		"libcurl4-openssl-dev libjansson-dev build-essential curl ca-certificates python3" \
		"debhelper dpkg-dev fakeroot"
}

# stamp_of VERSION: what a finished chroot records, so that a chroot made
# for another package list is made again.
stamp_of() {
	echo "$(suite_of "$1") $(packages_of "$1")"
}

# with_lock VERSION MODE CMD...: run CMD holding the chroot's lock, shared
# (-s) to use it or exclusive (-x) to make or delete it.
with_lock() {
	local version=$1 mode=$2
	shift 2
	mkdir -p "$cache"
	(
		flock "$mode" 9
		# the command's processes do not inherit the lock: a server left
		# behind must not keep every later run waiting
		"$@" 9>&-
	) 9>"$cache/pg$version.lock"
}

# make_chroot VERSION: debootstrap the chroot into a temporary directory,
# install the packages, and move it into place only when all went well.
make_chroot() {
	local version=$1 suite root tmp start
	suite=$(suite_of "$version")
	root=$cache/pg$version
	if [ -f "$root/.rest_fdw-stamp" ] && [ "$(cat "$root/.rest_fdw-stamp")" = "$(stamp_of "$version")" ]; then
		return 0
	fi
	command -v debootstrap >/dev/null ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
	start=$(date +%s)
	echo "making the PostgreSQL $version chroot (Debian $suite) in $root"
	tmp=$cache/pg$version.new
	rm -rf "$tmp"
	debootstrap --variant=minbase "$suite" "$tmp" "$mirror" >"$cache/pg$version.debootstrap.log" 2>&1 ||
		{ tail -n 20 "$cache/pg$version.debootstrap.log"; rm -rf "$tmp"; return 1; }
	# No service starts inside the chroot, no cluster is made by the
	# packages, and an archive past its Valid-Until date (sid's) is accepted.
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 755 "$tmp/usr/sbin/policy-rc.d"
	mkdir -p "$tmp/etc/postgresql-common/createcluster.d"
	echo "create_main_cluster = false" >"$tmp/etc/postgresql-common/createcluster.d/rest_fdw.conf"
	echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99rest-fdw"
	cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null || true
	# shellcheck disable=SC2046
	if ! in_chroot "$tmp" / "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $(packages_of "$version") && apt-get clean" \
		>"$cache/pg$version.apt.log" 2>&1; then
		tail -n 30 "$cache/pg$version.apt.log"
		rm -rf "$tmp"
		return 1
	fi
	stamp_of "$version" >"$tmp/.rest_fdw-stamp"
	rm -rf "$root"
	mv "$tmp" "$root"
	echo "made the PostgreSQL $version chroot in $(($(date +%s) - start)) s"
}

# in_chroot ROOT DIR CMD: run CMD in ROOT with /proc, /dev, /dev/shm and
# host directory DIR mounted, in a private mount namespace, unmounting
# everything when CMD ends.
in_chroot() {
	local root=$1 dir=$2 cmd=$3
	unshare --mount --propagation private bash -euc '
		root=$1 dir=$2 cmd=$3
		mounted=()
		cleanup() {
			local i
			for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
				umount -l "${mounted[i]}" 2>/dev/null || true
			done
		}
		trap cleanup EXIT
		mount_at() {
			mkdir -p "$2"
			mount "${@:3}" "$1" "$2"
			mounted+=("$2")
		}
		mount_at proc "$root/proc" -t proc
		mount_at /dev "$root/dev" --rbind
		mount_at shm "$root/dev/shm" -t tmpfs
		if [ "$dir" != / ]; then
			mount_at "$dir" "$root$dir" --bind
		fi
		chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			LANG=C.UTF-8 HOME=/root TERM=dumb DEBIAN_FRONTEND=noninteractive \
			${REST_FDW_CHROOT_ENV:-} \
			/bin/sh -c "$cmd"
	' in_chroot "$root" "$dir" "$cmd"
}

# run_overlay VERSION DIR CMD: run CMD in a throwaway overlay of the chroot.
run_overlay() {
	local version=$1 dir=$2 cmd=$3 lower tmp
	lower=$cache/pg$version
	[ -f "$lower/.rest_fdw-stamp" ] || { echo "no PostgreSQL $version chroot; run: tools/chroot.sh create $version" >&2; return 1; }
	tmp=$(mktemp -d /tmp/rest_fdw_chroot.XXXXXX)
	local status=0
	unshare --mount --propagation private bash -euc '
		lower=$1 tmp=$2 dir=$3 cmd=$4 self=$5
		mkdir -p "$tmp/upper" "$tmp/work" "$tmp/root"
		trap "umount -l \"$tmp/root\" 2>/dev/null || true" EXIT
		mount -t overlay overlay -o "lowerdir=$lower,upperdir=$tmp/upper,workdir=$tmp/work" "$tmp/root"
		"$self" __in_chroot "$tmp/root" "$dir" "$cmd"
	' run_overlay "$lower" "$tmp" "$dir" "$cmd" "$(readlink -f "$0")" || status=$?
	rm -rf "$tmp"
	return $status
}

case ${1:-} in
	versions)
		echo "$chroot_versions"
		;;
	create)
		[ $# -eq 2 ] || { echo "usage: $0 create VERSION" >&2; exit 2; }
		suite_of "$2" >/dev/null
		with_lock "$2" -x make_chroot "$2"
		;;
	run)
		[ $# -eq 4 ] || { echo "usage: $0 run VERSION DIR CMD" >&2; exit 2; }
		suite_of "$2" >/dev/null
		with_lock "$2" -s run_overlay "$2" "$3" "$4"
		;;
	__in_chroot)
		in_chroot "$2" "$3" "$4"
		;;
	remove)
		shift
		[ $# -gt 0 ] || set -- $chroot_versions
		for v in "$@"; do
			suite_of "$v" >/dev/null
			with_lock "$v" -x rm -rf "$cache/pg$v" "$cache/pg$v.new"
			rm -f "$cache/pg$v.lock" "$cache/pg$v".*.log
		done
		rmdir "$cache" 2>/dev/null || true
		;;
	*)
		echo "usage: $0 versions | create VERSION | run VERSION DIR CMD | remove [VERSION...]" >&2
		exit 2
		;;
esac
