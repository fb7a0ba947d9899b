#!/usr/bin/env bash
# Install the Python packages of the JSON:API test service (requirements.txt,
# all pinned) into a virtual environment, $REST_FDW_JSONAPI_VENV (default
# /tmp/rest_fdw_jsonapi_venv), reused while requirements.txt is unchanged.
# Prints the environment's directory.
#
#   bash test/jsonapi/setup.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
venv=${REST_FDW_JSONAPI_VENV:-/tmp/rest_fdw_jsonapi_venv}
stamp=$(sha256sum "$here/requirements.txt" | cut -c1-16)
if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$venv"
	python3 -m venv "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
	echo "$stamp" >"$venv/.requirements"
fi
echo "$venv"
