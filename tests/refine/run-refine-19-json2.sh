#!/bin/sh
# run-refine-19-json2.sh: the Refine suite again, against the simulator as Odoo 19 over json2 (see lib/stack.mjs).
E2E_ODOO=19-json2
export E2E_ODOO
exec sh "$(dirname "$0")/run-refine.sh" "$@"
