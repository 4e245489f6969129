#!/bin/sh
# run-browser.sh: build examples/refine-app and drive it in Debian's headless Chromium
# (playwright-core, executablePath) against lighttpd + the built odoo-bridge + the Odoo simulator.
#
# Installs the pinned npm packages (npm ci) of the suite and of the app when
# their node_modules are missing: in the source tree when it is writable,
# else (make distcheck's read-only tree) in a copy under the build tree.
# Builds the app (vite build) every run, so that the suite tests the
# sources as they are; the type check and the bundle size are tests of the
# suite.  Exit 77 (skipped) when Node.js is not installed at all (as
# tests/refine), or when Chromium is not, except under CI (CI=true), where
# tools/install-deps installs it and its absence is a failure.
# SCREENSHOTS=dir saves the screenshots of docs/screenshots there.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "run-browser: node and npm are not installed: SKIP"
	exit 77
fi
if [ ! -x "$CHROMIUM" ]; then
	if [ "${CI:-}" = true ]; then
		echo "run-browser: $CHROMIUM not found (tools/install-deps installs Debian's chromium)" >&2
		exit 1
	fi
	echo "run-browser: $CHROMIUM not found (tools/install-deps installs Debian's chromium): SKIP"
	exit 77
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
	echo "run-browser: node $(node --version) is too old, 20.19 or newer needed (Vite 7)" >&2
	exit 1
fi

# Writable by its mode bits too: root may write anywhere, but make distcheck
# marks its source tree read-only and means it.
writable() { [ -w "$1" ] && [ -n "$(find "$1" -maxdepth 0 -perm -u+w)" ]; }

suite=$here
app=$top_srcdir/examples/refine-app
refine=$top_srcdir/tests/refine   # the stack and the contract checker import its packages (ajv)
if ! writable "$app" || ! writable "$suite"; then
	# Read-only sources: a copy keeps the layout the app and the suite import
	# along (../refine for the app's providers, ../refine/lib for the stack).
	work=$top_builddir/tests/browser-work
	mkdir -p "$work/tests/browser" "$work/tests/refine/lib" "$work/examples/refine" "$work/examples/refine-app"
	# -p: the lockfiles keep their dates (see the npm ci below).
	cp -p "$here/package.json" "$here/package-lock.json" "$here"/*.test.mjs "$work/tests/browser/"
	cp -p "$top_srcdir"/tests/refine/package.json "$top_srcdir"/tests/refine/package-lock.json "$work/tests/refine/"
	cp -p "$top_srcdir"/tests/refine/lib/*.mjs "$work/tests/refine/lib/"
	cp "$top_srcdir"/examples/refine/*.ts "$work/examples/refine/"
	(cd "$top_srcdir/examples/refine-app" && tar cf - --exclude=node_modules --exclude=dist .) | (cd "$work/examples/refine-app" && tar xf -)
	chmod -R u+w "$work"
	suite=$work/tests/browser
	app=$work/examples/refine-app
	refine=$work/tests/refine
fi
for d in "$refine" "$suite" "$app"; do
	# Also when the lockfile changed since the last install (npm's copy:
	# node_modules/.package-lock.json); under a lock on the directory, which
	# run-refine.sh takes too.
	flock "$d" sh -c '
		if [ ! -d "$1/node_modules" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
			echo "run-browser: npm ci in $1"
			cd "$1" && npm ci --no-audit --no-fund --loglevel=error
		fi' sh "$d" || {
		echo "run-browser: npm ci failed (no access to the npm registry?)" >&2
		exit 99
	}
done

echo "run-browser: vite build in $app"
(cd "$app" && node node_modules/vite/bin/vite.js build --logLevel warn) || exit 1

APP_DIR=$app
export APP_DIR
cd "$suite"
exec node --test --test-concurrency=1 ./*.test.mjs
