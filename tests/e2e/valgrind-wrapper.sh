#!/bin/sh
# valgrind-wrapper.sh: stands in for the odoo-bridge binary that a web server
# starts, so that every bridge process runs under valgrind (or under the
# command given in ODOO_BRIDGE_WRAPPER).  servers.py installs a copy with
# @WRAPPER@ (the command, with a --log-file in the server's private directory)
# and @BRIDGE@ (the real binary) filled in.  exec keeps the pid, so the web
# server signals the bridge itself.
exec @WRAPPER@ @BRIDGE@ "$@"
