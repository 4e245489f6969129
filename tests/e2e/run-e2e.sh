#!/bin/sh
# run-e2e.sh: the end-to-end tier (pytest over tests/e2e), run by "make check".
# Writes nothing into the source tree (make distcheck makes it read-only).
set -eu
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export PYTHONDONTWRITEBYTECODE=1
# The main run loads the shipped resources file from disk (RESOURCES_FILE);
# the variants (run-e2e-19-*.sh, run-e2e-fast-path-off.sh) set it empty and
# so run on the compiled-in copy of the same file (harness.bridge_env).
E2E_RESOURCES_FILE=${E2E_RESOURCES_FILE-$srcdir/resources/default.json}
export E2E_RESOURCES_FILE
exec "${PYTHON3:-/usr/bin/python3}" -m pytest -q -p no:cacheprovider -rfEs "$srcdir/tests/e2e" "$@"
