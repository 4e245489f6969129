"""odoosim: an Odoo 18 XML-RPC simulator, faithful to the captures in tests/fixtures/odoo-captures."""
