"""test_purchase.py: purchase orders, customer invoices and transfers (no capture of them:
written from Odoo 18's source; see odoosim/schemas.py), over XML-RPC and JSON-2."""

import json
import os
import xmlrpc.client

import pytest

from conftest import ADMIN, DEMO, FIXTURES, PORTAL, Local, Process
from odoosim import schemas

MARSHAL_NONE = "cannot marshal None unless allow_none is enabled"
DONE_MOVE_CANCEL = ("You cannot cancel a stock move that has been set to 'Done'. Create a return "
                    "in order to reverse the moves which took place.")
ORDER_FIELDS = ["name", "state", "partner_id", "amount_untaxed", "amount_tax", "amount_total",
                "order_line", "date_approve"]


@pytest.fixture(scope="module")
def sim19_process(tmp_path_factory):
    process = Process(tmp_path_factory.mktemp("sim19"), "--odoo-version", "19")
    yield process
    process.stop()


@pytest.fixture
def sim19(sim19_process):
    assert sim19_process.control("reset")[0] == 200
    return sim19_process


def order(local, rid):
    return local.call("purchase.order", "read", [rid], ORDER_FIELDS)[0]


def create_order(local, **extra):
    vals = {"partner_id": 14, "partner_ref": "LI-test",
            "order_line": [[0, 0, {"product_id": 5, "product_qty": 3}],
                           [0, 0, {"product_id": 6, "product_qty": 2, "price_unit": 19.99,
                                   "taxes_id": [[6, 0, [2]]]}]]}
    vals.update(extra)
    return local.call("purchase.order", "create", vals)


# ---- fields_get ---------------------------------------------------------------------------

def _captured_attributes():
    """{type: attribute set} over every captured Odoo 18 fields_get answer."""
    shapes = {}
    folder = os.path.join(FIXTURES, "fields_get")
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            for desc in json.load(handle).values():
                shapes.setdefault(desc["type"], set()).add(frozenset(desc))
    return shapes


@pytest.mark.parametrize("model", sorted(schemas.UNCAPTURED))
def test_fields_get_has_the_captured_shape(local, model):
    """Every description carries exactly the attributes a real Odoo 18 answer has for its
    type (relation on relational fields, selection on selections), with the same types."""
    captured = _captured_attributes()
    answer = local.call(model, "fields_get")
    assert {"id", "display_name", "create_date", "write_uid"} <= set(answer)
    for fname, desc in answer.items():
        assert frozenset(desc) in captured[desc["type"]], (fname, sorted(desc))
        assert isinstance(desc["string"], str) and desc["string"]
        for flag in ("readonly", "required", "store", "searchable", "sortable"):
            assert isinstance(desc[flag], bool), (fname, flag)
        if not desc["store"] and not desc["searchable"]:
            assert desc["readonly"] and not desc["sortable"], fname


def test_fields_get_purchase_order_as_in_odoo_18_source(local):
    answer = local.call("purchase.order", "fields_get",
                        ["name", "partner_id", "state", "amount_total", "order_line",
                         "date_planned", "notes"])
    assert answer["partner_id"] == {"type": "many2one", "string": "Vendor", "readonly": False,
                                    "required": True, "store": True, "searchable": True,
                                    "sortable": True, "relation": "res.partner"}
    assert answer["state"]["selection"] == [
        ["draft", "RFQ"], ["sent", "RFQ Sent"], ["to approve", "To Approve"],
        ["purchase", "Purchase Order"], ["done", "Locked"], ["cancel", "Cancelled"]]
    assert answer["state"]["readonly"] is True
    assert answer["amount_total"]["type"] == "monetary" and answer["amount_total"]["readonly"]
    assert answer["order_line"]["relation"] == "purchase.order.line"
    assert answer["order_line"]["sortable"] is False
    assert answer["date_planned"]["readonly"] is False       # computed, readonly=False
    assert answer["notes"]["type"] == "html"
    lines = local.call("purchase.order.line", "fields_get", ["taxes_id", "product_qty"],
                       ["type", "relation", "required"])
    assert lines == {"taxes_id": {"type": "many2many", "relation": "account.tax",
                                  "required": False},
                     "product_qty": {"type": "float", "required": True}}


def test_fields_get_account_move(local):
    answer = local.call("account.move", "fields_get", ["move_type", "payment_state", "name"],
                        ["selection", "readonly", "string"])
    assert answer["move_type"]["selection"][:2] == [["entry", "Journal Entry"],
                                                    ["out_invoice", "Customer Invoice"]]
    assert answer["move_type"]["readonly"] is True
    assert ["paid", "Paid"] in answer["payment_state"]["selection"]
    assert answer["name"] == {"string": "Number", "readonly": False}


def test_fields_get_in_odoo_19_renames(sim19):
    status, _headers, lines = sim19.json2("purchase.order.line", "fields_get", {})
    assert status.endswith("200 OK")
    assert "tax_ids" in lines and "taxes_id" not in lines
    assert "product_uom_id" in lines and "product_uom" not in lines
    _status, _headers, orders = sim19.json2("purchase.order", "fields_get", {})
    assert "note" in orders and "notes" not in orders and orders["locked"]["type"] == "boolean"
    assert "done" not in [key for key, _label in orders["state"]["selection"]]


# ---- purchase orders ----------------------------------------------------------------------

def test_create_numbers_and_totals(local):
    rid = create_order(local)
    assert rid == 7
    values = order(local, rid)
    # 3 x 55.00 (the chair's cost: no vendor pricelist) + 2 x 19.99 with 15%.
    assert values["name"] == "P00007" and values["state"] == "draft"
    assert (values["amount_untaxed"], values["amount_tax"], values["amount_total"]) == \
        (204.98, 6.0, 210.98)
    first, second = local.call("purchase.order.line", "read", values["order_line"],
                               ["name", "price_unit", "product_uom", "date_planned",
                                "price_subtotal", "price_total", "taxes_id", "state"])
    assert first["name"] == "[FURN_7777] Office Chair" and first["price_unit"] == 55.0
    assert first["product_uom"] == [1, "Units"] and first["date_planned"]
    assert (second["price_subtotal"], second["price_total"], second["taxes_id"]) == \
        (39.98, 45.98, [2])
    assert second["state"] == "draft"
    assert local.call("purchase.order", "name_search", "LI-test") == [[7, "P00007 (LI-test)"]]


def test_a_failed_create_still_uses_a_number(local):
    fault = local.fault("purchase.order", "create", {"partner_id": 14,
                                                      "order_line": [[0, 0, {"name": "x"}]]})
    assert fault.last_line.endswith("Missing required fields on accountable purchase order line.")
    assert local.call("purchase.order", "read", [create_order(local)], ["name"])[0]["name"] == \
        "P00008"


def test_vendor_is_required(local):
    fault = local.fault("purchase.order", "create", {"partner_ref": "x"})
    assert "Field: Vendor (partner_id)" in fault.string


def test_confirm_cancel_draft(local):
    rid = create_order(local)
    assert local.call("purchase.order", "button_confirm", [rid]) is True
    values = order(local, rid)
    assert values["state"] == "purchase" and values["date_approve"]
    # Odoo's button_confirm skips orders not in draft/sent: True, nothing changes.
    assert local.call("purchase.order", "button_confirm", [rid]) is True
    assert order(local, rid)["state"] == "purchase"
    # button_cancel returns None: XML-RPC cannot marshal it, after the change is made.
    fault = local.fault("purchase.order", "button_cancel", [rid])
    assert fault.code == 1 and fault.last_line == "TypeError: " + MARSHAL_NONE
    assert order(local, rid)["state"] == "cancel"
    assert local.call("purchase.order", "button_draft", [rid]) == {}
    assert order(local, rid)["state"] == "draft"


def test_cancel_refused_when_the_receipt_is_done(local):
    fault = local.fault("purchase.order", "button_cancel", [4])
    assert fault.code == 2 and fault.string == DONE_MOVE_CANCEL
    assert order(local, 4)["state"] == "done"


def test_cancel_cancels_the_open_receipts(local):
    local.fault("purchase.order", "button_cancel", [1])          # None: faultCode 1
    assert local.call("stock.picking", "read", [1], ["state"])[0]["state"] == "cancel"


def test_lock_and_unlock(local):
    local.fault("purchase.order", "button_done", [1])
    assert order(local, 1)["state"] == "done"
    local.fault("purchase.order", "button_unlock", [1])
    assert order(local, 1)["state"] == "purchase"


def test_unlink_needs_a_cancelled_order(local):
    fault = local.fault("purchase.order", "unlink", [2])
    assert fault.code == 2
    assert fault.string == "In order to delete a purchase order, you must cancel it first."
    assert local.call("purchase.order", "unlink", [5]) is True
    assert local.call("purchase.order.line", "search", [("order_id", "=", 5)]) == []


def test_confirmed_lines_cannot_be_deleted(local):
    fault = local.fault("purchase.order", "write", [1], {"order_line": [[2, 1, 0]]})
    assert fault.string == "Cannot delete a purchase order line which is in state " \
        "\u201cPurchase Order\u201d."


def test_order_and_search(local):
    ids = local.call("purchase.order", "search", [])
    assert ids == [6, 5, 4, 3, 2, 1]                 # priority desc, id desc
    assert local.call("purchase.order", "search_count", [("state", "in", ["draft", "sent"])]) == 2
    found = local.call("purchase.order", "search_read", [("partner_id.name", "ilike", "lumber")],
                       ["name"])
    assert found == [{"id": 1, "name": "P00001"}]


# ---- access ---------------------------------------------------------------------------------

@pytest.mark.parametrize("user", [DEMO, PORTAL])
def test_who_may_not_write_purchases(local, user):
    fault = local.fault("purchase.order", "write", [2], {"partner_ref": "x"}, _user=user)
    assert fault.code == 4
    assert fault.string.startswith("You are not allowed to modify 'Purchase Order' "
                                   "(purchase.order) records.\n\nThis operation is allowed for "
                                   "the following groups:\n\t- Invoicing/Billing\n\t- "
                                   "Purchase/Administrator\n\t- Purchase/User\n")
    fault = local.fault("purchase.order", "button_confirm", [2], _user=user)
    assert fault.code == 4


def test_demo_cannot_read_purchases_portal_sees_its_own(local):
    fault = local.fault("purchase.order", "search_read", [], ["name"], _user=DEMO)
    assert fault.code == 4 and "'Purchase Order' (purchase.order)" in fault.string
    assert local.call("purchase.order", "search_read", [], ["name"], _user=PORTAL) == []
    fault = local.fault("purchase.order", "read", [1], ["name"], _user=PORTAL)
    assert fault.code == 4 and "Uh-oh!" in fault.string


def test_portal_reads_its_posted_invoices_only(local):
    # Joel Willis works for YourCompany (partner 1): none of the demo invoices.
    assert local.call("account.move", "search_count", [], _user=PORTAL) == 0
    fault = local.fault("account.move", "action_post", [4], _user=PORTAL)
    assert fault.code == 4
    fault = local.fault("stock.picking", "search_read", [], ["name"], _user=PORTAL)
    assert fault.code == 4


# ---- invoices ---------------------------------------------------------------------------------

def test_invoices_list(local):
    found = local.call("account.move", "search_read", [("move_type", "=", "out_invoice")],
                       ["name", "state", "amount_total", "amount_residual", "payment_state",
                        "display_name"], order="id")
    assert [f["name"] for f in found] == ["INV/2026/00001", "INV/2026/00002", "INV/2026/00003",
                                          "/", "/"]
    assert found[0]["payment_state"] == "paid" and found[0]["amount_residual"] == 0.0
    assert found[2]["payment_state"] == "partial"
    assert found[3]["display_name"] == "Draft Invoice (* 4)"


def test_post_numbers_the_invoice(local):
    assert local.call("account.move", "action_post", [4]) is False
    posted = local.call("account.move", "read", [4], ["name", "state", "invoice_date", "date",
                                                       "amount_total", "payment_state"])[0]
    # The sequence of the invoice date's year: today's, the draft had none (the demo
    # data used INV/2026/00001..3).
    year = posted["invoice_date"][:4]
    assert posted["name"] == "INV/%s/%05d" % (year, 4 if year == "2026" else 1)
    assert posted["state"] == "posted"
    assert posted["invoice_date"] and posted["date"] == posted["invoice_date"]
    assert posted["amount_total"] == 458.1 and posted["payment_state"] == "not_paid"
    fault = local.fault("account.move", "action_post", [4])
    assert fault.code == 2
    assert fault.string == "The entry %s (id 4) must be in draft." % posted["name"]


def test_post_refusals(local):
    fault = local.fault("account.move", "action_post", [5])
    assert fault.string == "You need to add a line before posting."
    rid = local.call("account.move", "create", {
        "move_type": "out_invoice", "invoice_line_ids": [[0, 0, {"product_id": 5}]]})
    fault = local.fault("account.move", "action_post", [rid])
    assert fault.string == ("The field 'Customer' is required, please complete it to validate "
                            "the Customer Invoice.")


def test_default_move_type_from_the_context(local):
    rid = local.call("account.move", "create", {"partner_id": 10},
                     context={"default_move_type": "out_invoice"})
    assert local.call("account.move", "read", [rid], ["move_type", "name", "journal_id"])[0] == \
        {"id": rid, "move_type": "out_invoice", "name": "/", "journal_id": [1, "Customer Invoices"]}


# ---- pickings ---------------------------------------------------------------------------------

def test_pickings(local):
    found = local.call("stock.picking", "search_read", [("picking_type_code", "=", "incoming")],
                       ["name", "state", "purchase_id", "origin"], order="id")
    assert [(f["name"], f["state"], f["purchase_id"]) for f in found] == [
        ("WH/IN/00001", "assigned", [1, "P00001 (LI-7781)"]),
        ("WH/IN/00002", "done", [4, "P00004 (RM-5530)"]),
        ("WH/IN/00003", "cancel", [5, "P00005"])]
    assert local.call("purchase.order", "read", [1], ["picking_ids", "receipt_status"])[0] == \
        {"id": 1, "picking_ids": [1], "receipt_status": "pending"}


# ---- over the wire ------------------------------------------------------------------------

def test_workflow_over_xmlrpc(sim):
    rid = sim.call("purchase.order", "create", {"partner_id": 45, "order_line": [
        [0, 0, {"product_id": 26, "product_qty": 2}]]})
    assert sim.call("purchase.order", "button_confirm", [rid]) is True
    with pytest.raises(xmlrpc.client.Fault) as info:
        sim.call("purchase.order", "button_cancel", [rid])
    assert info.value.faultCode == 1 and MARSHAL_NONE in info.value.faultString
    assert sim.call("purchase.order", "read", [rid], ["state"])[0]["state"] == "cancel"
    assert sim.call("purchase.order", "button_draft", [rid]) == {}
    assert sim.call("account.move", "action_post", [4]) is False


def test_workflow_over_json2(sim19):
    status, _headers, ids = sim19.json2("purchase.order", "create", {"vals_list": [{
        "partner_id": 45, "order_line": [[0, 0, {"product_id": 26, "product_qty": 2,
                                                 "tax_ids": [[6, 0, [2]]]}]]}]})
    assert status.endswith("200 OK") and ids == [7]
    assert sim19.json2("purchase.order", "button_confirm", {"ids": ids})[2] is True
    status, _headers, body = sim19.json2("purchase.order", "button_cancel", {"ids": ids})
    assert status.endswith("200 OK") and body is None                # null: no marshalling
    _status, _headers, read = sim19.json2("purchase.order", "read",
                                          {"ids": ids, "fields": ["state", "amount_total"]})
    assert read == [{"id": 7, "state": "cancel", "amount_total": 230.0}]
    status, _headers, body = sim19.json2("purchase.order", "button_cancel", {"ids": [4]})
    assert status.split()[1] == "422" and body["message"] == DONE_MOVE_CANCEL
    _status, _headers, read = sim19.json2("purchase.order", "read",
                                          {"ids": [4], "fields": ["state", "locked"]})
    assert read == [{"id": 4, "state": "purchase", "locked": True}]


def test_admin_constant_is_the_purchase_manager():
    """The tests above rely on admin being a purchase, invoicing and inventory manager."""
    local = Local()
    assert local.call("res.users", "has_group", [ADMIN[1]], "purchase.group_purchase_manager")
    assert local.call("res.users", "has_group", [ADMIN[1]], "account.group_account_invoice")
