#!/bin/sh
# run-e2e-19-xmlrpc.sh: the end-to-end tier again, against the simulator as Odoo 19 over xmlrpc (see harness.VARIANT).
E2E_ODOO=19-xmlrpc
export E2E_ODOO
# On the compiled-in resource table (the main run loads resources/default.json from disk).
E2E_RESOURCES_FILE=${E2E_RESOURCES_FILE-}
export E2E_RESOURCES_FILE
exec sh "$(dirname "$0")/run-e2e.sh" "$@"
