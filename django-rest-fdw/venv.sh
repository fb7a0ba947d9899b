#!/usr/bin/env bash
# Source this: package_venv makes django-rest-fdw/.venv with the pinned
# packages of requirements-test.txt and this package installed (as
# `pip install ./django-rest-fdw` would), and exports PKG_VENV.
PKG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PKG_VENV=${PKG_VENV:-$PKG_DIR/.venv}
export PKG_VENV

package_venv() {
	[ -x "$PKG_VENV/bin/python" ] || python3 -m venv "$PKG_VENV"
	"$PKG_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$PKG_DIR/requirements-test.txt"
	"$PKG_VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall "$PKG_DIR"
}
