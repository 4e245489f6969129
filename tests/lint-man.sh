#!/bin/sh
# lint-man.sh: the manual pages pass mandoc -Tlint at warning level.
set -eu
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
rc=0
for m in "$srcdir"/man/*.[0-9]; do
	# mandoc's notes about its own database are not about our pages.
	out=$(mandoc -Tlint -Wwarning "$m" 2>&1 | grep -v 'mandoc.db' || true)
	if [ -n "$out" ]; then
		echo "$out"
		rc=1
	else
		echo "ok: $(basename "$m")"
	fi
done
exit $rc
