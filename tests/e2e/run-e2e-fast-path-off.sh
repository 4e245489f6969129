#!/bin/sh
# run-e2e-fast-path-off.sh: the end-to-end tier again, as Odoo 18 over XML-RPC, with
# ODOO_FAST_PATH=off: every answer read through xmlrpc-c and json-c (harness.bridge_env).
E2E_FAST_PATH=off
export E2E_FAST_PATH
# On the compiled-in resource table (the main run loads resources/default.json from disk).
E2E_RESOURCES_FILE=${E2E_RESOURCES_FILE-}
export E2E_RESOURCES_FILE
exec sh "$(dirname "$0")/run-e2e.sh" "$@"
