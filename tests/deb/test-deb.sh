#!/bin/sh
# test-deb.sh: the Debian package from build to purge, as an administrator
# would meet it.  Builds odoo-bridge_<version>_<arch>.deb with
# "dpkg-buildpackage -us -uc -b" from "make dist"'s tarball (so the work tree
# stays clean and debian/ must be distributed), runs lintian (no E: or W:
# allowed), installs it with "apt-get install ./odoo-bridge_*.deb", sets up
# lighttpd as the README's "Deploying" section says, points the bridge at the
# Odoo simulator, checks /health, /token and one list through lighttpd on
# loopback, then removes and purges the package and checks what is left.
#
# Installs a package system-wide: NOT part of "make check"; .ci/run runs it
# as a step of its own.  As root, on Debian 12 with tools/install-deps done,
# from a configured tree ("make dist" must work):
#     tests/deb/test-deb.sh
# Environment: BUILDDIR, the configured tree (default: the source tree);
# TARBALL, a distribution tarball to build from instead of running make
# dist; RESULTS, a folder that receives the .deb, the build log, lintian's
# report and lighttpd's log (default: none kept); PYTHON3.
# lighttpd and the simulator are started here on loopback and stopped by
# pid.  Leftovers of an earlier run (the package, the enabled snippet) are
# purged first, so the script can run again on the same machine.
# The last line is "N passed, N failed"; the exit status is 1 on any failure.
# Functions run from the EXIT trap and through check() only:
# shellcheck disable=SC2317
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${BUILDDIR:-$top}
python=${PYTHON3:-/usr/bin/python3}
results=${RESULTS:-}

CONF=/etc/odoo-bridge/odoo-bridge.conf
EXAMPLES=/usr/share/doc/odoo-bridge/examples
SNIPPET=/etc/lighttpd/conf-available/50-odoo-bridge.conf
ENABLED=/etc/lighttpd/conf-enabled/50-odoo-bridge.conf

export DEBIAN_FRONTEND=noninteractive
# Another apt-get on the machine (other work) waits for us, and we for it.
APT="apt-get -q -y -o DPkg::Lock::Timeout=600"

npass=0
nfail=0
ok() { npass=$((npass + 1)); echo "ok: $*"; }
bad() { nfail=$((nfail + 1)); echo "FAIL: $*"; }
# check DESCRIPTION COMMAND...: one result, from the command's status.
check() {
	what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
	exit $?
}

[ "$(id -u)" = 0 ] || { echo "test-deb: run as root (it installs a package)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/odoo-bridge-deb.XXXXXX")
chmod 0755 "$work"
sim_pid=""
httpd_pid=""

# What an earlier, interrupted run may have left: the snippet it enabled and
# the package.
leftovers() {
	if [ -e "$ENABLED" ] || [ -L "$ENABLED" ]; then
		lighty-disable-mod odoo-bridge >/dev/null 2>&1 || rm -f "$ENABLED"
	fi
	rm -f "$SNIPPET"
	st=$(dpkg-query -W -f='${db:Status-Status}' odoo-bridge 2>/dev/null) || st=""
	if [ -n "$st" ] && [ "$st" != not-installed ]; then
		echo "test-deb: purging the odoo-bridge package left by an earlier run"
		$APT purge odoo-bridge >/dev/null 2>&1 || dpkg --purge odoo-bridge >/dev/null 2>&1 || true
	fi
}

stop_pid() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

cleanup() {
	stop_pid "$httpd_pid"
	stop_pid "$sim_pid"
	leftovers
	if [ -n "$results" ]; then
		mkdir -p "$results"
		cp "$work"/*.deb "$work"/build.log "$work"/lintian.txt "$work"/lighttpd-error.log "$results"/ 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
	"$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits for a file to be non-empty, up to 10 s.
wait_file() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || return 1
		sleep 0.1
	done
}

leftovers

# ------------------------------------------------------------------ build
version=$(sed -n 's/^AC_INIT(\[odoo-bridge\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
arch=$(dpkg --print-architecture)
check "debian/changelog has configure.ac's version ($version)" \
	test "$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)" = "$version"

if [ -n "${TARBALL:-}" ]; then
	tarball=$TARBALL
else
	if ! make -C "$builddir" dist >"$work/dist.log" 2>&1; then
		tail -n 20 "$work/dist.log"
		bad "make dist in $builddir (configure the tree first)"
		finish
	fi
	mv "$builddir/odoo-bridge-$version.tar.gz" "$work/"
	tarball="$work/odoo-bridge-$version.tar.gz"
fi
ok "distribution tarball $(basename "$tarball")"

# Every file of debian/ that git knows is in the tarball (EXTRA_DIST).
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	tar -tzf "$tarball" | sed 's|^[^/]*/||' | sort >"$work/tar.list"
	missing=$(git -C "$top" ls-files debian tests/deb | sort | comm -23 - "$work/tar.list")
	check "the tarball holds every file of debian/ and tests/deb/${missing:+ (missing: $missing)}" test -z "$missing"
fi

mkdir "$work/src"
tar -xzf "$tarball" -C "$work/src"
srcdir="$work/src/odoo-bridge-$version"
echo "test-deb: dpkg-buildpackage -us -uc -b (log: build.log)"
if (cd "$srcdir" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	tail -n 40 "$work/build.log"
	bad "dpkg-buildpackage -us -uc -b"
	finish
fi
deb="odoo-bridge_${version}_${arch}.deb"
changes="odoo-bridge_${version}_${arch}.changes"
mv "$work/src/$deb" "$work/src/$changes" "$work/src"/*.buildinfo "$work/src"/odoo-bridge-dbgsym_*.deb "$work/" 2>/dev/null
check "the build produced $deb" test -f "$work/$deb"
[ -f "$work/$deb" ] || finish
grep -E '^(PASS|FAIL|# TOTAL|# FAIL)' "$work/build.log" | tr '\n' ' ' | sed 's/ $/\n/'

# ---------------------------------------------------------------- lintian
# On the .changes: the .deb, the debug package and the build information.
# Overridden tags are listed (O:), with the reasons in
# debian/odoo-bridge.lintian-overrides.
(cd "$work" && lintian --show-overrides "$changes") 2>&1 | grep -v 'running with root privileges' >"$work/lintian.txt"
sed 's/^/  lintian: /' "$work/lintian.txt"
check "lintian: no error and no warning" sh -c "! grep -Eq '^[EW]: ' '$work/lintian.txt'"

# --------------------------------------------------------------- contents
dpkg-deb -c "$work/$deb" | awk '{ print $1, $2, $NF }' >"$work/contents"
has() { grep -Eq "$1" "$work/contents"; }
check "the .deb holds the program" has '^-rwxr-xr-x root/root \./usr/bin/odoo-bridge$'
check "the .deb holds the manual pages" sh -c "grep -q 'man8/odoo-bridge.8.gz' '$work/contents' && grep -q 'man5/odoo-bridge.conf.5.gz' '$work/contents'"
check "the .deb holds the lighttpd example" has " \.$EXAMPLES/lighttpd/odoo-bridge.conf$"
check "the .deb holds the Apache examples" sh -c "grep -q ' .$EXAMPLES/apache/odoo-bridge.conf$' '$work/contents' && grep -q ' .$EXAMPLES/apache/odoo-bridge-cgi.conf$' '$work/contents'"
check "the .deb holds the nginx example" has " \.$EXAMPLES/contrib/nginx-odoo-bridge.conf$"
# make install's pkgdatadir: the built-in resource table as a file (RESOURCES_FILE's starting point).
check "the .deb holds the default resources file" has ' \./usr/share/odoo-bridge/resources/default\.json$'
check "the .deb holds the systemd unit" has ' \./(usr/)?lib/systemd/system/odoo-bridge\.service$'
check "the .deb holds $CONF, -rw-r----- root/www-data" has "^-rw-r----- root/www-data \.$CONF$"
# hiredis is linked in (REDIS_URL): shlibs must have made it a dependency.
check "the .deb depends on libhiredis" sh -c "dpkg-deb -f '$work/$deb' Depends | grep -q 'libhiredis'"
check "$CONF is a conffile" sh -c "dpkg-deb -I '$work/$deb' conffiles | grep -qx '$CONF'"
check "the packaged conffile holds no secret" sh -c \
	"! dpkg-deb --fsys-tarfile '$work/$deb' | tar -xOf - .$CONF | grep -Eq '^[[:space:]]*(export[[:space:]]+)?(JWT_SECRET|ODOO_PASSWORD)[[:space:]]*='"

# ---------------------------------------------------------------- install
echo "test-deb: apt-get install ./$deb"
if (cd "$work" && $APT install "./$deb") >"$work/install.log" 2>&1; then
	ok "apt-get install ./$deb"
else
	tail -n 30 "$work/install.log"
	bad "apt-get install ./$deb"
	finish
fi
dpkg -L odoo-bridge >"$work/files"
check "/usr/bin/odoo-bridge --version says $version" sh -c "/usr/bin/odoo-bridge --version | grep -qF '$version'"
check "$CONF is 640 root:www-data" test "$(stat -c '%a %U:%G' "$CONF")" = "640 root:www-data"
check "the postinst added one JWT_SECRET of 64 hex digits" sh -c \
	"test \"\$(grep -c '^JWT_SECRET=' '$CONF')\" = 1 && grep -Eq '^JWT_SECRET=[0-9a-f]{64}$' '$CONF'"
secret=$(grep '^JWT_SECRET=' "$CONF")
dpkg-reconfigure -f noninteractive odoo-bridge >"$work/reconfigure.log" 2>&1
check "the postinst run again (dpkg-reconfigure) keeps the secret" test "$(grep '^JWT_SECRET=' "$CONF")" = "$secret"
check "the systemd unit is installed disabled" sh -c \
	'! ls /etc/systemd/system/*.wants/odoo-bridge.service >/dev/null 2>&1'
check "the lighttpd example runs /usr/bin/odoo-bridge" \
	grep -q '"bin-path" => "/usr/bin/odoo-bridge"' "$EXAMPLES/lighttpd/odoo-bridge.conf"

# ------------------------------------------------- configure, as the README
sim_port_file="$work/sim.port"
"$python" "$top/tests/odoo-sim/odoo-sim" --host 127.0.0.1 --port 0 --port-file "$sim_port_file" --quiet &
sim_pid=$!
if ! wait_file "$sim_port_file"; then
	bad "the Odoo simulator starts"
	finish
fi
sim_url="http://127.0.0.1:$(cat "$sim_port_file")"
# The administrator's edit: appended, so the file keeps its owner and mode.
cat >>"$CONF" <<END
ODOO_URL=$sim_url
ODOO_DB=odoo_pelotazo
ODOO_USERNAME=admin
ODOO_PASSWORD=admin
END
check "the edited file is still 640 root:www-data" test "$(stat -c '%a %U:%G' "$CONF")" = "640 root:www-data"
check "odoo-bridge --check-config --ping as www-data accepts the 0640 root:www-data file" \
	runuser -u www-data -- /usr/bin/odoo-bridge --config "$CONF" --check-config --ping

# Reinstalling the same version keeps the changed conffile as it is.
cp -p "$CONF" "$work/conf.edited"
if (cd "$work" && $APT install --reinstall "./$deb") >"$work/reinstall.log" 2>&1; then
	check "apt-get install --reinstall keeps the changed $CONF" cmp -s "$CONF" "$work/conf.edited"
else
	tail -n 20 "$work/reinstall.log"
	bad "apt-get install --reinstall ./$deb"
fi

# The README's lighttpd step, with the lighttpd package's own layout.
cp "$EXAMPLES/lighttpd/odoo-bridge.conf" "$SNIPPET"
lighty-enable-mod odoo-bridge >"$work/enable.log" 2>&1
check "lighty-enable-mod odoo-bridge enables the snippet" test -L "$ENABLED"
check "lighttpd -tt accepts Debian's configuration with the snippet" \
	lighttpd -tt -f /etc/lighttpd/lighttpd.conf

# lighttpd runs here on a loopback port, not through systemd: a small
# configuration of the test's own that includes the enabled snippet, with
# lighttpd's Debian user.  /run/lighttpd, where the snippet puts the socket,
# is made at boot by lighttpd's tmpfiles.d entry: the same here.
[ -d /run/lighttpd ] || install -d -m 0750 -o www-data -g www-data /run/lighttpd
port=$(free_port)
mkdir -p "$work/www"
# lighttpd opens its log after it has become www-data.
install -m 0640 -o www-data -g www-data /dev/null "$work/lighttpd-error.log"
cat >"$work/lighttpd.conf" <<END
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$work/www"
server.errorlog = "$work/lighttpd-error.log"
server.username = "www-data"
server.groupname = "www-data"
include "$ENABLED"
END
# Its own messages before the log is open, and the bridge's, go there too.
lighttpd -D -f "$work/lighttpd.conf" >>"$work/lighttpd-error.log" 2>&1 &
httpd_pid=$!
base="http://127.0.0.1:$port"
i=0
code=000
while [ $i -lt 100 ]; do
	code=$(curl -s -o "$work/health.json" -w '%{http_code}' --max-time 10 "$base/health") || code=000
	[ "$code" = 000 ] || break
	kill -0 "$httpd_pid" 2>/dev/null || break
	i=$((i + 1))
	sleep 0.1
done

# ------------------------------------------------------------- the API
check "GET /health through lighttpd is 200 (got $code: $(head -c 200 "$work/health.json" 2>/dev/null))" test "$code" = 200
token=$(curl -s --max-time 10 -d 'username=admin&password=admin' "$base/token" |
	"$python" -c 'import json, sys; print(json.load(sys.stdin).get("access_token", ""))' 2>/dev/null) || token=""
check "POST /token with admin/admin gives a token" test -n "$token"
n=$(curl -s --max-time 10 -H "Authorization: Bearer $token" "$base/api/v1/products?page=1&limit=5" |
	"$python" -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))' 2>/dev/null) || n=""
check "GET /api/v1/products?page=1&limit=5 gives 5 items (got ${n:-no list})" test "$n" = 5
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -d 'username=admin&password=wrong' "$base/token")
check "POST /token with a wrong password is 401 (got $code)" test "$code" = 401
uid=$(id -u www-data)
check "the bridge, as www-data, keeps its counters in /dev/shm/odoo-bridge-$uid.throttle" \
	test -f "/dev/shm/odoo-bridge-$uid.throttle"
code=$(curl -s -o "$work/metrics.txt" -w '%{http_code}' --max-time 10 "$base/metrics")
check "GET /metrics from loopback is 200 (got $code)" test "$code" = 200
check "/metrics counted the failed login" grep -q '^odoo_bridge_logins_total{result="failed"} [1-9]' "$work/metrics.txt"
check "and keeps its figures in /dev/shm/odoo-bridge-$uid.metrics" test -f "/dev/shm/odoo-bridge-$uid.metrics"
check "the Grafana dashboard is installed uncompressed" test -f "$EXAMPLES/contrib/grafana-odoo-bridge.json"
if [ "$nfail" -gt 0 ]; then
	tail -n 20 "$work/lighttpd-error.log"
fi

stop_pid "$httpd_pid"
httpd_pid=""
stop_pid "$sim_pid"
sim_pid=""
# The README: disable the snippet before removing the package.
lighty-disable-mod odoo-bridge >/dev/null 2>&1
rm -f "$SNIPPET"
check "lighty-disable-mod odoo-bridge disables the snippet" test ! -e "$ENABLED"

# ------------------------------------------------------ remove and purge
if $APT remove odoo-bridge >"$work/remove.log" 2>&1; then ok "apt-get remove odoo-bridge"; else bad "apt-get remove odoo-bridge"; fi
check "remove: the program is gone" test ! -e /usr/bin/odoo-bridge
check "remove: $CONF stays, as edited" cmp -s "$CONF" "$work/conf.edited"
check "remove: the package is in state config-files" \
	test "$(dpkg-query -W -f='${db:Status-Status}' odoo-bridge 2>/dev/null)" = config-files
# The next release keeps revoked tokens next to the counters.
install -m 0600 -o www-data -g www-data /dev/null "/dev/shm/odoo-bridge-$uid.revoked"

if $APT purge odoo-bridge >"$work/purge.log" 2>&1; then ok "apt-get purge odoo-bridge"; else bad "apt-get purge odoo-bridge"; fi
check "purge: /etc/odoo-bridge is gone, with the generated secret" test ! -e /etc/odoo-bridge
check "purge: the throttle file is gone" test ! -e "/dev/shm/odoo-bridge-$uid.throttle"
check "purge: the revocation list is gone" test ! -e "/dev/shm/odoo-bridge-$uid.revoked"
check "purge: the metrics file is gone" test ! -e "/dev/shm/odoo-bridge-$uid.metrics"
check "purge: /run/odoo-bridge is gone" test ! -e /run/odoo-bridge
st=$(dpkg-query -W -f='${db:Status-Status}' odoo-bridge 2>/dev/null) || st=not-installed
check "purge: dpkg knows the package no more (status $st)" test "$st" = not-installed
left=""
while IFS= read -r f; do
	# Directories may be shared (and /lib is /usr/lib's symlink).
	[ -d "$f" ] && continue
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done <"$work/files"
for d in /usr/share/doc/odoo-bridge /etc/odoo-bridge; do
	[ -e "$d" ] && left="$left $d"
done
check "purge: nothing of the package is left${left:+ (left:$left)}" test -z "$left"

finish
