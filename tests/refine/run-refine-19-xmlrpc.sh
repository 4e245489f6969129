#!/bin/sh
# run-refine-19-xmlrpc.sh: the Refine suite again, against the simulator as Odoo 19 over xmlrpc (see lib/stack.mjs).
E2E_ODOO=19-xmlrpc
export E2E_ODOO
exec sh "$(dirname "$0")/run-refine.sh" "$@"
