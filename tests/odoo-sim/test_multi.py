"""test_multi.py: calls on many records at once (create with a list of
values, write and unlink on many ids, a sale action on many orders), as the
bridge's bulk requests make them: each is one transaction in Odoo, so a
failure in any one record leaves every record as it was, over XML-RPC and
over JSON-2 alike."""

import pytest

from conftest import Local, Process

MISSING = "Record does not exist or has been deleted.\n(Record: %s, User: %d)"


def count(local, model, domain=()):
    return local.call(model, "search_count", list(domain), context={"active_test": False})


def test_create_with_a_list_answers_the_ids_in_order(local):
    ids = local.call("product.product", "create", [{"name": "M0"}, {"name": "M1"}, {"name": "M2"}])
    assert len(ids) == 3 and ids == sorted(ids)
    assert [r["name"] for r in local.call("product.product", "read", ids, ["name"])] == ["M0", "M1", "M2"]


@pytest.mark.parametrize("bad", [{"name": "M2", "categ_id": 999999}, {"list_price": 3.0},
                                 {"name": "M2", "type": "gadget"}, {"name": "M2", "nope": 1}])
def test_create_with_one_bad_item_creates_nothing(local, bad):
    products, templates = count(local, "product.product"), count(local, "product.template")
    local.fault("product.product", "create", [{"name": "M0"}, {"name": "M1"}, bad])
    assert count(local, "product.product") == products
    assert count(local, "product.template") == templates
    assert local.call("product.product", "search", [["name", "in", ["M0", "M1"]]]) == []


def test_create_sales_with_lines_in_one_call_or_none(local):
    orders, lines = count(local, "sale.order"), count(local, "sale.order.line")
    ids = local.call("sale.order", "create", [
        {"partner_id": 10, "order_line": [[0, 0, {"product_id": 5, "product_uom_qty": 2}]]},
        {"partner_id": 11, "order_line": [[0, 0, {"product_id": 6, "product_uom_qty": 1}]]}])
    assert count(local, "sale.order") == orders + 2 and count(local, "sale.order.line") == lines + 2
    local.fault("sale.order", "create", [
        {"partner_id": 10, "order_line": [[0, 0, {"product_id": 5, "product_uom_qty": 2}]]},
        {"partner_id": 11, "order_line": [[0, 0, {"product_id": 999999, "product_uom_qty": 1}]]}])
    assert count(local, "sale.order") == orders + 2 and count(local, "sale.order.line") == lines + 2
    assert len(ids) == 2


def test_write_many_with_a_missing_id_writes_none(local):
    ids = local.call("product.product", "create", [{"name": "W0"}, {"name": "W1"}])
    fault = local.fault("product.product", "write", ids + [999999], {"list_price": 9.0})
    assert fault.string == MISSING % ("product.product(999999,)", 2)
    assert {r["list_price"] for r in local.call("product.product", "read", ids, ["list_price"])} != {9.0}
    assert local.call("product.product", "write", ids, {"list_price": 9.0}) is True
    assert {r["list_price"] for r in local.call("product.product", "read", ids, ["list_price"])} == {9.0}


def test_unlink_many_with_one_refusal_deletes_none(local):
    draft = local.call("sale.order", "search", [["state", "=", "draft"]], limit=1)
    confirmed = local.call("sale.order", "search", [["state", "=", "sale"]], limit=1)
    local.fault("sale.order", "unlink", draft + confirmed)
    assert count(local, "sale.order", [["id", "in", draft + confirmed]]) == 2
    ids = local.call("product.product", "create", [{"name": "U0"}, {"name": "U1"}])
    assert local.call("product.product", "unlink", ids) is True
    assert count(local, "product.product", [["id", "in", ids]]) == 0


def test_confirm_many_is_all_or_nothing(local):
    drafts = local.call("sale.order", "search", [["state", "=", "draft"]], limit=2)
    confirmed = local.call("sale.order", "search", [["state", "=", "sale"]], limit=1)
    local.fault("sale.order", "action_confirm", drafts + confirmed)
    states = [r["state"] for r in local.call("sale.order", "read", drafts, ["state"])]
    assert states == ["draft", "draft"]
    local.call("sale.order", "action_confirm", drafts)
    assert [r["state"] for r in local.call("sale.order", "read", drafts, ["state"])] == ["sale", "sale"]


def test_json2_many_records_in_one_call_or_none(tmp_path):
    process = Process(tmp_path, "--odoo-version", "19")
    try:
        local = Local(version=19)
        before = count(local, "product.product")
        status, _h, body = process.json2("product.product", "create",
                                         {"vals_list": [{"name": "J0"}, {"name": "J1", "categ_id": 999999}]})
        assert status.split()[1] != "200", (status, body)
        status, _h, total = process.json2("product.product", "search_count",
                                          {"domain": [], "context": {"active_test": False}})
        assert total == before, "nothing created"
        status, _h, ids = process.json2("product.product", "create", {"vals_list": [{"name": "J0"}, {"name": "J1"}]})
        assert status.split()[1] == "200" and len(ids) == 2
        status, _h, body = process.json2("product.product", "write", {"ids": ids + [999999], "vals": {"list_price": 4.0}})
        assert status.split()[1] == "404", (status, body)
        _s, _h, recs = process.json2("product.product", "read", {"ids": ids, "fields": ["list_price"]})
        assert 4.0 not in {r["list_price"] for r in recs}
        draft = local.call("sale.order", "search", [["state", "=", "draft"]], limit=1)
        confirmed = local.call("sale.order", "search", [["state", "=", "sale"]], limit=1)
        status, _h, body = process.json2("sale.order", "unlink", {"ids": draft + confirmed})
        assert status.split()[1] == "422", (status, body)
        _s, _h, recs = process.json2("sale.order", "read", {"ids": draft + confirmed, "fields": ["name"]})
        assert len(recs) == 2, "neither deleted"
        assert process.json2("product.product", "unlink", {"ids": ids})[2] is True
    finally:
        process.stop()
