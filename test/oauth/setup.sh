#!/usr/bin/env bash
# Install the packages of test/oauth (requirements.txt) into a virtual
# environment and print the path of its python.  The environment lives in
# $REST_FDW_OAUTH_VENV (default /tmp/rest_fdw_oauth_venv) and is reused
# while requirements.txt is unchanged.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${REST_FDW_OAUTH_VENV:-/tmp/rest_fdw_oauth_venv}
stamp=$(sha256sum "$here/requirements.txt" | cut -c1-16)
if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$venv"
	python3 -m venv "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
	echo "$stamp" >"$venv/.requirements"
fi
echo "$venv/bin/python"
