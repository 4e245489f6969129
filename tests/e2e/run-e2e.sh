#!/bin/sh
# run-e2e.sh: the end-to-end tier (pytest over tests/e2e), run by "make check".
# Writes nothing into the source tree (make distcheck makes it read-only).
set -eu
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export PYTHONDONTWRITEBYTECODE=1
exec "${PYTHON3:-/usr/bin/python3}" -m pytest -q -p no:cacheprovider -rfEs "$srcdir/tests/e2e" "$@"
