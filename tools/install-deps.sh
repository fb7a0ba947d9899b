#!/usr/bin/env bash
# Install the Debian packages rest_fdw needs to build and test (run as root).
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
	postgresql-15 postgresql-server-dev-15 postgresql-contrib
	libcurl4-openssl-dev libjansson-dev
	build-essential curl openssl python3 python3-venv
)
# node and npm run the real json-server test; the machine may have its own
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
