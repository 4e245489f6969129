#!/bin/sh
# test-install-deps.sh: tools/install-deps against a fake apt-get and
# dpkg-query, with and without a policy-rc.d already in place, when apt-get
# succeeds and when it fails.  Checks the exit status and what becomes of the
# policy file.  Touches nothing outside a temporary directory.
#
# Usage: test-install-deps.sh [SCRIPT]   (default: tools/install-deps)
set -u
here=$(cd "$(dirname "$0")" && pwd)
script=${1:-${top_srcdir:-$here/../..}/tools/install-deps}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/bin"

# dpkg-query: every package is missing unless FAKE_ALL_INSTALLED=1.
cat > "$tmp/bin/dpkg-query" <<'EOS'
#!/bin/sh
[ "${FAKE_ALL_INSTALLED:-0}" = 1 ] && printf 'install ok installed'
exit 0
EOS
# apt-get: logs its calls; while installing, records whether the policy
# file exists and what it answers; exits FAKE_APT_RC on install.
cat > "$tmp/bin/apt-get" <<'EOS'
#!/bin/sh
echo "apt-get $1" >> "$FAKE_LOG"
if [ "$1" = install ]; then
	if [ -x "$POLICY_RC_D" ]; then
		"$POLICY_RC_D" apache2 start; echo "policy-rc.d answers $?" >> "$FAKE_LOG"
	else
		echo "no policy-rc.d" >> "$FAKE_LOG"
	fi
	exit "${FAKE_APT_RC:-0}"
fi
exit 0
EOS
chmod 755 "$tmp/bin/dpkg-query" "$tmp/bin/apt-get"

pass=0 fail=0
check() { # name, condition result (0 = ok), detail
	if [ "$2" -eq 0 ]; then pass=$((pass + 1)); echo "ok - $1"
	else fail=$((fail + 1)); echo "not ok - $1: $3"; fi
}

# run CASE PRESENT APT_RC ALL_INSTALLED: prints the script's exit status.
run() {
	policy="$tmp/$1.policy-rc.d"
	rm -f "$policy"
	if [ "$2" = yes ]; then
		printf '#!/bin/sh\n# the image own\nexit 101\n' > "$policy"; chmod 755 "$policy"
	fi
	: > "$tmp/$1.log"
	PATH="$tmp/bin:$PATH" POLICY_RC_D="$policy" INSTALL_DEPS_ASSUME_ROOT=1 \
		FAKE_LOG="$tmp/$1.log" FAKE_APT_RC="$3" FAKE_ALL_INSTALLED="$4" \
		sh "$script" > "$tmp/$1.out" 2>&1
	echo $?
}

rc=$(run absent-ok no 0 0)
check "no policy-rc.d, install succeeds: exit 0" "$([ "$rc" = 0 ]; echo $?)" "exit $rc"
check "no policy-rc.d: one is in place during the install" \
	"$(grep -qx 'policy-rc.d answers 101' "$tmp/absent-ok.log"; echo $?)" "$(cat "$tmp/absent-ok.log")"
check "no policy-rc.d: the one made is removed" \
	"$([ ! -e "$tmp/absent-ok.policy-rc.d" ]; echo $?)" "still there"

rc=$(run present-ok yes 0 0)
check "policy-rc.d present, install succeeds: exit 0" "$([ "$rc" = 0 ]; echo $?)" "exit $rc"
check "policy-rc.d present: left in place, unchanged" \
	"$(grep -q 'the image own' "$tmp/present-ok.policy-rc.d" 2>/dev/null; echo $?)" "removed or changed"
check "policy-rc.d present: the install ran" \
	"$(grep -qx 'apt-get install' "$tmp/present-ok.log"; echo $?)" "$(cat "$tmp/present-ok.log")"

rc=$(run absent-fail no 100 0)
check "no policy-rc.d, apt-get fails: non-zero exit" "$([ "$rc" != 0 ]; echo $?)" "exit $rc"
check "no policy-rc.d, apt-get fails: the one made is removed" \
	"$([ ! -e "$tmp/absent-fail.policy-rc.d" ]; echo $?)" "still there"

rc=$(run present-fail yes 100 0)
check "policy-rc.d present, apt-get fails: non-zero exit" "$([ "$rc" != 0 ]; echo $?)" "exit $rc"
check "policy-rc.d present, apt-get fails: left in place" \
	"$([ -e "$tmp/present-fail.policy-rc.d" ]; echo $?)" "removed"

rc=$(run installed no 0 1)
check "everything installed: exit 0" "$([ "$rc" = 0 ]; echo $?)" "exit $rc"
check "everything installed: apt-get not called" \
	"$([ ! -s "$tmp/installed.log" ]; echo $?)" "$(cat "$tmp/installed.log")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
