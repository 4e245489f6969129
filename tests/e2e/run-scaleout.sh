#!/bin/sh
# run-scaleout.sh: the scale-out test (tests/e2e/scaleout.py): two lighttpd
# hosts, nginx in front, Redis and the Odoo simulator, each in a network
# namespace the test makes and removes.  Exit 77 (skipped, for "make check")
# where "ip netns" is not permitted: not root, no iproute2, or a container
# without CAP_SYS_ADMIN; the reason is printed.
set -eu
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ "$(id -u)" != 0 ]; then
	echo "run-scaleout: skipped: ip netns needs root"
	exit 77
fi
for tool in ip nginx lighttpd; do
	if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
		echo "run-scaleout: skipped: $tool is not installed (tools/install-deps)"
		exit 77
	fi
done
probe="obprobe$$"
if ! err=$(ip netns add "$probe" 2>&1); then
	echo "run-scaleout: skipped: ip netns is not permitted here: $err"
	exit 77
fi
ip netns del "$probe"
export PYTHONDONTWRITEBYTECODE=1
PATH="$PATH:/usr/sbin:/sbin"
export PATH
exec "${PYTHON3:-/usr/bin/python3}" -m pytest -q -p no:cacheprovider -rfEs "$srcdir/tests/e2e/scaleout.py" "$@"
