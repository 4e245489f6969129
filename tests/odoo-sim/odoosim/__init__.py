"""odoosim: an Odoo 18 XML-RPC simulator, faithful to tests/fixtures/odoo-captures."""
