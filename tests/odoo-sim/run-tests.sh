#!/bin/sh
# run-tests.sh: runs the Odoo simulator's pytest suite (from make check, or by hand).
# make check exports top_srcdir and PYTHON3; nothing is written to the source tree.

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
python=${PYTHON3:-/usr/bin/python3}

if [ "$python" = no ] || ! "$python" -c 'import pytest' 2>/dev/null; then
	echo "run-tests.sh: needs $python with pytest (Debian: python3-pytest); skipped" >&2
	exit 77
fi

PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
top_srcdir=$srcdir
export top_srcdir
exec "$python" -m pytest -q -c "$srcdir/tests/odoo-sim/pytest.ini" \
	--rootdir "$srcdir/tests/odoo-sim" "$srcdir/tests/odoo-sim" "$@"
