"""test_sale.py: sale amounts and taxes, the workflow of WORKFLOW.txt, one2many commands."""

import pytest

from conftest import DEMO

CONFIRMED_LINE = ("Once a sales order is confirmed, you can't remove one of its lines (we need to "
                  "track if something gets invoiced or delivered).\n"
                  "                Set the quantity to 0 instead.")

LINE_FIELDS = ["product_id", "name", "product_uom_qty", "price_unit", "discount", "tax_id",
               "price_subtotal", "price_tax", "price_total", "product_uom"]
ORDER_FIELDS = ["name", "state", "amount_untaxed", "amount_tax", "amount_total", "order_line"]


def create_capture_order(local):
    """The order of create_sale_order_with_lines.request.xml."""
    return local.call("sale.order", "create", {
        "partner_id": 12, "client_order_ref": "reference capture",
        "order_line": [[0, 0, {"product_id": 5, "product_uom_qty": 3}],
                       [0, 0, {"product_id": 6, "product_uom_qty": 1, "price_unit": 99.5,
                               "name": "custom description line", "tax_id": [[6, 0, [1]]]}]]})


def read(local, model, ids, fields):
    return local.call(model, "read", ids, fields)


def order(local, rid):
    return read(local, "sale.order", [rid], ORDER_FIELDS)[0]


def lines(local, rid):
    return local.call("sale.order.line", "search_read", [("order_id", "=", rid)], LINE_FIELDS)


def test_captured_order_amounts(local):
    """The numbers of read_created_sale_order(_lines): 15% tax, rounded per line."""
    rid = create_capture_order(local)
    assert rid == 28
    assert order(local, rid) == {"id": 28, "name": "S00028", "state": "draft",
                                 "amount_untaxed": 309.5, "amount_tax": 14.93,
                                 "amount_total": 324.43, "order_line": [53, 54]}
    first, second = lines(local, rid)
    assert first["name"] == "[FURN_7777] Office Chair"
    assert first["price_unit"] == 70.0          # from the product when not given
    assert first["price_subtotal"] == 210.0
    assert first["tax_id"] == [] and first["price_tax"] == 0.0
    assert first["product_uom"] == [1, "Units"]
    assert second["name"] == "custom description line"
    assert second["tax_id"] == [1]
    assert (second["price_subtotal"], second["price_total"]) == (99.5, 114.43)
    # price_tax is a float field: Odoo stores the unrounded difference.
    assert second["price_tax"] == 14.930000000000007


@pytest.mark.parametrize("qty,price,discount,taxes,subtotal,tax,total", [
    (3, 100.0, 10.0, [], 270.0, 0.0, 270.0),
    (2, 19.99, 0.0, [1], 39.98, 6.0, 45.98),
    (1, 0.05, 0.0, [1], 0.05, 0.01, 0.06),
    (7, 33.33, 12.5, [1], 204.15, 30.62, 234.77),
    (1, 10.0, 100.0, [1], 0.0, 0.0, 0.0),
    # 15% of 0.10 is 0.01499999... in binary: Odoo's HALF-UP gives 0.02, round() 0.01.
    (1, 0.1, 0.0, [1], 0.1, 0.02, 0.12),
])
def test_line_amounts(local, qty, price, discount, taxes, subtotal, tax, total):
    """qty x price x (1 - discount/100), 15% on lines with tax 1, currency rounding."""
    rid = local.call("sale.order", "create", {"partner_id": 10, "order_line": [[0, 0, {
        "product_id": 5, "product_uom_qty": qty, "price_unit": price, "discount": discount,
        "tax_id": [[6, 0, taxes]]}]]})
    values = order(local, rid)
    assert (values["amount_untaxed"], values["amount_tax"], values["amount_total"]) == \
        (subtotal, tax, total)


def test_demo_orders_as_sampled(local):
    """samples/sale.order.json: orders 1, 4 and 19."""
    found = local.call("sale.order", "search_read", [("id", "in", [1, 4, 19])],
                       ["name", "partner_id", "state", "amount_total", "order_line", "user_id"],
                       order="id")
    assert found == [
        {"id": 1, "name": "S00001", "partner_id": [10, "Deco Addict"], "state": "draft",
         "amount_total": 1740.0, "order_line": [1, 2, 3], "user_id": [6, "Marc Demo"]},
        {"id": 4, "name": "S00004", "partner_id": [11, "Gemini Furniture"], "state": "sale",
         "amount_total": 2240.0, "order_line": [8, 9, 10, 11], "user_id": [2, "Mitchell Admin"]},
        {"id": 19, "name": "S00019", "partner_id": [8, "YourCompany, Joel Willis"],
         "state": "sent", "amount_total": 1740.0, "order_line": [40, 41, 42],
         "user_id": [2, "Mitchell Admin"]}]


def test_states_in_demo(local):
    for state in ("draft", "sent", "sale", "cancel"):
        assert local.call("sale.order", "search_count", [("state", "=", state)]) >= 2


def test_confirm(local):
    rid = create_capture_order(local)
    assert local.call("sale.order", "action_confirm", [rid]) is True
    assert order(local, rid)["state"] == "sale"
    fault = local.fault("sale.order", "action_confirm", [rid])
    assert (fault.code, fault.string) == (2, "Some orders are not in a state requiring "
                                             "confirmation.")
    fault = local.fault("sale.order", "action_confirm", [18])          # cancelled
    assert fault.code == 2


def test_confirm_sent(local):
    assert local.call("sale.order", "action_confirm", [6]) is True
    assert order(local, 6)["state"] == "sale"


def test_cancel_confirmed_needs_the_context(local):
    """Without disable_cancel_warning a confirmed order gets the wizard, not cancelled."""
    action = local.call("sale.order", "action_cancel", [4])
    assert action["res_model"] == "sale.order.cancel"
    assert action["type"] == "ir.actions.act_window"
    assert action["name"] == "Cancel Sales Order"
    assert action["context"]["default_order_id"] == 4
    assert order(local, 4)["state"] == "sale"
    assert local.call("sale.order", "action_cancel", [4],
                      context={"disable_cancel_warning": True}) is True
    assert order(local, 4)["state"] == "cancel"


def test_cancel_draft_directly(local):
    assert local.call("sale.order", "action_cancel", [2]) is True
    assert order(local, 2)["state"] == "cancel"


def test_cancel_sent_is_a_quotation_wizard(local):
    assert local.call("sale.order", "action_cancel", [6])["name"] == "Cancel Quotation"


def test_draft(local):
    assert local.call("sale.order", "action_draft", [18]) is True        # cancel -> draft
    assert order(local, 18)["state"] == "draft"
    assert local.call("sale.order", "action_draft", [4]) is True         # sale: no-op
    assert order(local, 4)["state"] == "sale"


def test_quotation_sent(local):
    assert local.call("sale.order", "action_quotation_sent", [1]) is True
    assert order(local, 1)["state"] == "sent"
    assert local.fault("sale.order", "action_quotation_sent", [1]).code == 2


@pytest.mark.parametrize("rid", [4, 6])
def test_unlink_sent_or_confirmed_refused(local, rid):
    fault = local.fault("sale.order", "unlink", [rid])
    assert (fault.code, fault.string) == (2, "You can not delete a sent quotation or a confirmed "
                                             "sales order. You must first cancel it.")
    assert read(local, "sale.order", [rid], ["name"])


@pytest.mark.parametrize("rid", [1, 18])
def test_unlink_draft_or_cancelled(local, rid):
    line_ids = order(local, rid)["order_line"]
    assert local.call("sale.order", "unlink", [rid]) is True
    assert read(local, "sale.order", [rid], ["name"]) == []
    assert read(local, "sale.order.line", line_ids, ["name"]) == []     # cascade


def test_demo_user_runs_the_workflow_of_his_own_orders_only(local):
    assert read(local, "sale.order", [1], ["user_id"])[0]["user_id"] == [6, "Marc Demo"]
    assert local.call("sale.order", "action_confirm", [1], _user=DEMO) is True
    assert order(local, 1)["state"] == "sale"
    fault = local.fault("sale.order", "action_confirm", [2], _user=DEMO)
    assert fault.code == 4
    assert fault.string.startswith("Uh-oh! Looks like you have stumbled upon some top-secret "
                                   "records.\n\nSorry, Marc Demo (id=6) doesn't have 'write' "
                                   "access to:\n- Sales Order (sale.order)\n")
    assert order(local, 2)["state"] == "draft"


def test_failed_create_uses_a_number(local):
    """A create that fails still consumes S000NN (PostgreSQL sequences do not roll back)."""
    fault = local.fault("sale.order", "create", {"order_line": [[0, 0, {"product_id": 5}]]})
    assert fault.code == 2
    assert fault.string.endswith("Model: Sales Order (sale.order)\nField: Customer (partner_id)\n")
    rid = local.call("sale.order", "create", {"partner_id": 10})
    assert order(local, rid)["name"] == "S00029"
    assert local.call("sale.order", "search_count", [("name", "=", "S00028")]) == 0


def test_create_with_unknown_partner(local):
    fault = local.fault("sale.order", "create", {"partner_id": 99999})
    assert fault.code == 2
    assert fault.string.endswith("Constraint: sale_order_partner_id_fkey\n")


def test_line_without_product(local):
    fault = local.fault("sale.order", "create", {
        "partner_id": 10, "order_line": [[0, 0, {"name": "free text", "price_unit": 5}]]})
    assert (fault.code, fault.string) == (2, "The operation cannot be completed: Missing required "
                                             "fields on accountable sale order line.")
    assert local.call("sale.order", "create", {"partner_id": 10, "order_line": [[0, 0, {
        "name": "A section", "display_type": "line_section"}]]})


def line_ids(local, rid):
    return order(local, rid)["order_line"]


@pytest.mark.parametrize("commands,expected", [
    # (0, 0, vals) adds, (1, id, vals) updates, (2, id) deletes.
    ([[0, 0, {"product_id": 41, "product_uom_qty": 2}]], [1, 2, 3, 53]),
    ([[1, 2, {"product_uom_qty": 7}]], [1, 2, 3]),
    ([[2, 3, 0]], [1, 2]),
    # (3, id): order_id is ondelete cascade, so the line is deleted too.
    ([[3, 1, 0]], [2, 3]),
    # (4, id) moves a line of another order here.
    ([[4, 4, 0]], [1, 2, 3, 4]),
    # (5,) clears, (6, 0, ids) keeps only ids.
    ([[5, 0, 0], [0, 0, {"product_id": 6}]], [53]),
    ([[6, 0, [1, 3]]], [1, 3]),
    # DESIGN.md section 6's PATCH: update one, add one, remove two.
    ([[1, 1, {"product_uom_qty": 4}], [0, 0, {"product_id": 6, "product_uom_qty": 1}],
      [2, 2, 0], [2, 3, 0]], [1, 53]),
    # Bare ids are links.
    ([4], [1, 2, 3, 4]),
])
def test_order_line_commands(local, commands, expected):
    assert local.call("sale.order", "write", [1], {"order_line": commands}) is True
    assert line_ids(local, 1) == expected


def test_update_command_values(local):
    local.call("sale.order", "write", [1], {"order_line": [[1, 2, {"product_uom_qty": 7,
                                                                   "discount": 50}]]})
    line = read(local, "sale.order.line", [2], ["product_uom_qty", "price_subtotal"])[0]
    assert (line["product_uom_qty"], line["price_subtotal"]) == (7.0, 507.5)
    assert order(local, 1)["amount_total"] == 885.0 + 507.5 + 130.0


def test_new_product_brings_its_price(local):
    local.call("sale.order.line", "write", [3], {"product_id": 13})
    line = read(local, "sale.order.line", [3], ["name", "price_unit"])[0]
    assert line == {"id": 3, "name": "[E-COM07] Large Cabinet", "price_unit": 320.0}


def test_confirmed_lines_cannot_be_removed(local):
    """WORKFLOW.txt: [[5,0,0],[0,0,...]] on a confirmed order fails, and changes nothing."""
    before = line_ids(local, 4)
    fault = local.fault("sale.order", "write", [4], {"order_line": [
        [1, 8, {"product_uom_qty": 99}], [5, 0, 0], [0, 0, {"product_id": 5}]]})
    assert (fault.code, fault.string) == (2, CONFIRMED_LINE)
    assert line_ids(local, 4) == before
    assert read(local, "sale.order.line", [8], ["product_uom_qty"])[0]["product_uom_qty"] == 2.0
    for command in ([2, 9, 0], [3, 9, 0], [6, 0, [8]]):
        assert local.fault("sale.order", "write", [4], {"order_line": [command]}).string == \
            CONFIRMED_LINE
    assert local.fault("sale.order.line", "unlink", [9]).string == CONFIRMED_LINE


def test_confirmed_lines_can_change_quantity_and_grow(local):
    assert local.call("sale.order", "write", [4], {"order_line": [
        [1, 8, {"product_uom_qty": 0}], [0, 0, {"product_id": 6}]]}) is True
    assert line_ids(local, 4) == [8, 9, 10, 11, 53]


def test_failing_command_rolls_the_write_back(local):
    fault = local.fault("sale.order", "write", [1], {"client_order_ref": "changed",
                                                     "order_line": [[1, 1, {"discount": 50}],
                                                                    [1, 999, {"discount": 1}]]})
    assert fault.code == 2
    assert fault.string == ("Record does not exist or has been deleted.\n"
                            "(Record: sale.order.line(999,), User: 2)")
    values = read(local, "sale.order", [1], ["client_order_ref", "amount_total"])[0]
    assert values == {"id": 1, "client_order_ref": False, "amount_total": 1740.0}


def test_partner_with_orders_cannot_be_deleted(local):
    fault = local.fault("res.partner", "unlink", [16])
    assert fault.code == 2
    assert fault.string.endswith("Model: Sales Order (sale.order)\n"
                                 "Constraint: sale_order_partner_id_fkey\n")


def test_product_on_a_line_cannot_be_deleted(local):
    fault = local.fault("product.product", "unlink", [5])
    assert fault.string.endswith("Model: Sales Order Line (sale.order.line)\n"
                                 "Constraint: sale_order_line_product_id_fkey\n")


def test_partner_change_moves_the_addresses(local):
    local.call("sale.order", "write", [1], {"partner_id": 9})
    values = read(local, "sale.order", [1], ["partner_invoice_id", "partner_shipping_id"])[0]
    assert values["partner_invoice_id"] == [9, "Wood Corner"]
    assert values["partner_shipping_id"] == [9, "Wood Corner"]


def test_line_display_name(local):
    assert read(local, "sale.order.line", [1], ["display_name"])[0]["display_name"] == \
        "S00001 - [FURN_6667] Acoustic Bloc Screens (Wood)"
