#!/bin/sh
# run-refine.sh: run the Refine conformance suite (node --test) against lighttpd + the built odoo-bridge + the Odoo simulator.
#
# Installs the pinned npm packages (npm ci) when node_modules is missing: in
# the source tree when it is writable, else (make distcheck's read-only tree)
# in a copy of the suite under the build tree.  Each test file starts its own
# stack on free loopback ports and stops it by pid.  Exit 77 (skipped) only
# when Node.js is not installed at all.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "run-refine: node and npm are not installed: SKIP"
	exit 77
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
	echo "run-refine: node $(node --version) is too old, 20 or newer needed" >&2
	exit 1
fi

# Writable by its mode bits too: root may write anywhere, but make distcheck
# marks its source tree read-only and means it.
writable() { [ -w "$1" ] && [ -n "$(find "$1" -maxdepth 0 -perm -u+w)" ]; }

suite=$here
if [ ! -d "$suite/node_modules" ] && ! writable "$suite"; then
	# Read-only sources: the suite and its packages go into the build tree.
	suite=$top_builddir/tests/refine-work
	mkdir -p "$suite/lib"
	# -p: the copy's lockfile keeps its date, so that a run starting while
	# another one tests does not find it newer than node_modules.
	cp -p "$here/package.json" "$here/package-lock.json" "$here"/*.test.mjs "$suite/"
	cp -p "$here"/lib/*.mjs "$suite/lib/"
	chmod -R u+w "$suite"
fi
# npm ci also when the lockfile changed since the last install (npm keeps its
# copy in node_modules/.package-lock.json): a pull that adds a package must
# not meet the old node_modules.
# Under a lock on the directory: the three runs of make check -j (and the
# browser suite, which needs these packages too) may start together.
flock "$suite" sh -c '
	if [ ! -d "$1/node_modules" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
		echo "run-refine: npm ci in $1"
		cd "$1" && npm ci --no-audit --no-fund --loglevel=error
	fi' sh "$suite" || {
	echo "run-refine: npm ci failed (no access to the npm registry?)" >&2
	exit 99
}

cd "$suite"
# One file at a time: each starts a simulator, lighttpd and four bridge processes.
exec node --test --test-concurrency=1 ./*.test.mjs
