"""test_versions.py: --odoo-version 17/18/19 (version answer, Odoo 19's fields and behaviour),
API keys over XML-RPC, and JSON-2 beyond the captures (the control knobs, 18's 404)."""

import json
import time
import xmlrpc.client

import pytest

from conftest import API_KEYS, FIXTURES, Fault, Local, Process
from odoosim import demo, json2
from odoosim.services import DATABASE, Database


@pytest.fixture(scope="module")
def local19():
    return Local(version=19)


@pytest.fixture(scope="module")
def sim19_process(tmp_path_factory):
    process = Process(tmp_path_factory.mktemp("sim19"), "--odoo-version", "19")
    yield process
    process.stop()


@pytest.fixture
def sim19(sim19_process):
    status, _answer = sim19_process.control("reset")
    assert status == 200
    return sim19_process


# ---- versions ----------------------------------------------------------------------------

@pytest.mark.parametrize("version,text,info", [
    (17, "17.0", [17, 0, 0, "final", 0, ""]),
    (18, "18.0", [18, 0, 0, "final", 0, ""]),
    (19, "19.0+e-20251227", [19, 0, 0, "final", 0, "e"]),
])
def test_version_answer(version, text, info):
    local = Local(version=version)
    answer = local.rpc("common", "version")
    assert answer["server_version"] == text and answer["server_version_info"] == info
    assert answer["server_serie"] == "%d.0" % version and answer["protocol_version"] == 1
    assert local.rpc("db", "server_version") == text


def test_unknown_version_is_refused():
    with pytest.raises(ValueError):
        Database(FIXTURES, DATABASE, 16)


def test_version_from_the_command_line_and_the_environment(tmp_path):
    process = Process(tmp_path, env={"ODOO_SIM_VERSION": "17"})
    try:
        assert process.proxy("common").version()["server_version"] == "17.0"
        assert process.control("state", method="GET")[1]["odoo_version"] == 17
    finally:
        process.stop()
    process = Process(tmp_path, "--odoo-version", "19", env={"ODOO_SIM_VERSION": "17"})
    try:
        assert process.proxy("common").version()["server_version_info"][0] == 19
    finally:
        process.stop()


@pytest.mark.parametrize("version", [17, 18])
def test_17_and_18_have_odoo_18_fields(version):
    local = Local(version=version)
    lines = local.call("sale.order.line", "fields_get", attributes=["type"])
    assert "tax_id" in lines and "product_uom" in lines and "tax_ids" not in lines
    assert "mobile" in local.call("res.partner", "fields_get", attributes=["type"])
    assert "uom_po_id" in local.call("product.product", "fields_get", attributes=["type"])
    assert local.call("sale.order.line", "search_read", [("order_id", "=", 10)],
                      fields=["tax_id"])[0]["tax_id"] == [1]


def test_19_fields(local19):
    lines = local19.call("sale.order.line", "fields_get", attributes=["type", "relation"])
    assert lines["tax_ids"] == {"type": "many2many", "relation": "account.tax"}
    assert lines["product_uom_id"]["relation"] == "uom.uom"
    assert "tax_id" not in lines and "product_uom" not in lines
    partner = local19.call("res.partner", "fields_get", attributes=["type"])
    for gone in ("mobile", "title", "sale_warn", "purchase_warn", "picking_warn",
                 "invoice_warn"):
        assert gone not in partner
    # Fields only Enterprise modules add are not there (Community behaviour).
    assert "avalara_partner_code" not in partner and "total_due" not in partner
    assert "phone" in partner and "properties" in partner
    product = local19.call("product.product", "fields_get", attributes=["type"])
    assert "uom_po_id" not in product and "avatax_category_id" not in product
    assert "uom_po_id" not in local19.call("product.template", "fields_get")
    assert "mobile" not in local19.call("res.users", "fields_get")


def test_19_taxes_are_read_under_their_new_name(local19):
    line = local19.call("sale.order.line", "search_read", [("order_id", "=", 10)],
                        fields=["tax_ids", "product_uom_id", "price_total"])[0]
    assert line["tax_ids"] == [1] and line["product_uom_id"][0] == 1
    assert line["price_total"] > 0


@pytest.mark.parametrize("call", [
    lambda l: l.call("sale.order.line", "search_read", [], fields=["name", "tax_id"], limit=1),
    lambda l: l.call("sale.order.line", "read", [1], ["tax_id"]),
    lambda l: l.call("res.partner", "search_read", [], fields=["mobile"], limit=1),
])
def test_19_vanished_field_fails_the_call(local19, call):
    with pytest.raises(Fault) as info:
        call(local19)
    assert info.value.code == 1
    assert info.value.last_line.startswith("ValueError: Invalid field '")
    assert " on 'sale.order.line'" in info.value.last_line or \
        " on 'res.partner'" in info.value.last_line


def test_19_vanished_field_in_domain_order_write_create(local19):
    with pytest.raises(Fault) as info:
        local19.call("sale.order.line", "search_count", [("tax_id", "=", 1)])
    assert info.value.last_line == ("ValueError: Invalid field sale.order.line.tax_id in "
                                    "condition ('tax_id', '=', 1)")
    with pytest.raises(Fault) as info:
        local19.call("sale.order.line", "search", [], order="tax_id")
    assert info.value.code == 1
    with pytest.raises(Fault) as info:
        local19.call("sale.order.line", "write", [1], {"tax_id": [(6, 0, [1])]})
    assert info.value.code == 1
    assert local19.call("sale.order.line", "search_count", [("tax_ids", "=", 1)]) > 0
    order = local19.call("sale.order", "create", {"partner_id": 11, "order_line": [
        (0, 0, {"product_id": 5, "product_uom_qty": 2, "tax_ids": [(6, 0, [1])]})]})
    amounts = local19.call("sale.order", "read", [order], ["amount_untaxed", "amount_tax"])[0]
    assert amounts["amount_tax"] == round(amounts["amount_untaxed"] * 0.15, 2)
    with pytest.raises(Fault):
        local19.call("sale.order", "create", {"partner_id": 11, "order_line": [
            (0, 0, {"product_id": 5, "tax_id": [(6, 0, [1])]})]})


def test_19_cancel_has_no_wizard_and_check_access_is_private(local19):
    order = local19.call("sale.order", "create", {"partner_id": 11})
    local19.call("sale.order", "action_confirm", [order])
    assert local19.call("sale.order", "action_cancel", [order]) is True
    assert local19.call("sale.order", "read", [order], ["state"])[0]["state"] == "cancel"
    with pytest.raises(Fault) as info:
        local19.call("res.partner", "check_access", [3], "read")
    assert info.value.code == 4
    assert info.value.string == ("Private methods (such as 'res.partner.check_access') cannot "
                                 "be called remotely.")


def test_18_cancel_still_opens_the_wizard():
    local = Local(version=18)
    order = local.call("sale.order", "create", {"partner_id": 11})
    local.call("sale.order", "action_confirm", [order])
    assert local.call("sale.order", "action_cancel", [order])["res_model"] == "sale.order.cancel"


def test_action_lock_returns_none(local19):
    """Odoo's action_lock returns None: XML-RPC faults, but the lock is made."""
    with pytest.raises(Fault) as info:
        local19.call("sale.order", "action_lock", [4])
    assert info.value.last_line == "TypeError: cannot marshal None unless allow_none is enabled"
    assert local19.call("sale.order", "read", [4], ["locked"])[0]["locked"] is True


# ---- API keys ----------------------------------------------------------------------------

def test_api_keys_are_fixed_and_documented():
    assert API_KEYS == {login: demo.api_key(login, login) for login in API_KEYS}
    assert all(len(key) == 40 and int(key, 16) >= 0 for key in API_KEYS.values())


@pytest.mark.parametrize("version", [17, 18, 19])
@pytest.mark.parametrize("login,uid", [("admin", 2), ("demo", 6), ("portal", 7)])
def test_api_key_in_place_of_the_password(version, login, uid):
    local = Local(version=version)
    key = API_KEYS[login]
    assert local.rpc("common", "authenticate", DATABASE, login, key, {}) == uid
    assert local.rpc("common", "login", DATABASE, login, key) == uid
    assert local.call("res.country", "search_count", [], _user=(DATABASE, uid, key)) > 0
    other = API_KEYS["admin" if login != "admin" else "demo"]
    assert local.rpc("common", "authenticate", DATABASE, login, other, {}) is False
    with pytest.raises(Fault) as info:
        local.call("res.country", "search_count", [], _user=(DATABASE, uid, other))
    assert info.value.code == 3


def test_password_change_changes_the_key(sim19):
    status, _answer = sim19.control("password", login="demo", password="n3w")
    assert status == 200
    users = {user["login"]: user for user in sim19.control("users", method="GET")[1]["users"]}
    assert users["demo"]["api_key"] == demo.api_key("demo", "n3w") != API_KEYS["demo"]
    assert users["admin"]["api_key"] == API_KEYS["admin"]
    status, headers, body = sim19.json2("res.country", "search_count", {"domain": []},
                                        key=API_KEYS["demo"])
    assert status == "HTTP/1.1 401 UNAUTHORIZED" and body["message"] == "Invalid apikey"
    assert headers["www-authenticate"] == "Bearer"
    with pytest.raises(xmlrpc.client.Fault) as info:
        sim19.call("res.country", "search_count", [], _user=("odoo_pelotazo", 6,
                                                             API_KEYS["demo"]))
    assert info.value.faultCode == 3
    status, _headers, body = sim19.json2("res.country", "search_count", {"domain": []},
                                         key=users["demo"]["api_key"])
    assert status == "HTTP/1.1 200 OK" and body > 0
    sim19.control("reset")
    status, _headers, _body = sim19.json2("res.country", "search_count", {"domain": []},
                                          key=API_KEYS["demo"])
    assert status == "HTTP/1.1 200 OK"


# ---- JSON-2 ------------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["17", "18"])
def test_json2_is_a_plain_404_before_19(tmp_path, version):
    process = Process(tmp_path, "--odoo-version", version)
    try:
        status, headers, body = process.json2("res.partner", "search_count", {"domain": []})
        assert status == "HTTP/1.1 404 NOT FOUND"
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert b"The requested URL was not found on the server." in body
        status, _headers, _body = process.raw(b"GET /json/version HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == "HTTP/1.1 404 NOT FOUND"
    finally:
        process.stop()


def test_json2_success_shapes(sim19):
    status, headers, body = sim19.json2("res.partner", "create",
                                        {"vals_list": {"name": "Ünïcode €"}})
    assert status == "HTTP/1.1 200 OK" and isinstance(body, list) and len(body) == 1
    assert headers["x-content-type-options"] == "nosniff" and headers["connection"] == "close"
    _status, _headers, raw = sim19.raw(
        ("POST /json/2/res.partner/read HTTP/1.1\r\nHost: x\r\nAuthorization: BEARER %s\r\n"
         "Content-Type: application/json; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s"
         % (API_KEYS["admin"], len(json.dumps({"ids": body, "fields": ["name"]})),
            json.dumps({"ids": body, "fields": ["name"]}))).encode())
    assert raw == ('[{"id": %d, "name": "Ünïcode €"}]' % body[0]).encode("utf-8")
    status, _headers, total = sim19.json2("sale.order", "read",
                                          {"ids": [4], "fields": ["amount_total"]})
    assert isinstance(total[0]["amount_total"], float)
    assert sim19.json2("res.partner", "write", {"ids": body, "vals": {"phone": "1"}})[2] is True
    assert sim19.json2("res.partner", "read", {"ids": [999999], "fields": ["name"]})[2] == []
    assert sim19.json2("sale.order", "action_lock", {"ids": [4]})[2] is None
    assert sim19.json2("res.partner", "unlink", {"ids": body})[2] is True
    countries = sim19.json2("res.country", "web_search_read", {
        "domain": [("code", "=", "US")], "specification": {
            "currency_id": {"fields": {"name": {}, "symbol": {}}}}})[2]
    assert countries["records"][0]["currency_id"] == {"id": 1, "name": "USD", "symbol": "$"}


def test_json2_errors_and_their_order(sim19):
    no_key = {"Authorization": None}
    # Database before anything, route before the key, content type before the key.
    status, headers, _body = sim19.json2("res.partner", "search_count", {},
                                         headers={"X-Odoo-Database": "nope", **no_key})
    assert status == "HTTP/1.1 404 NOT FOUND" and headers["content-type"].startswith("text/html")
    status, _headers, body = sim19.json2("res.partner", "search_count", http_method="GET",
                                         headers=no_key)
    assert status == "HTTP/1.1 404 NOT FOUND" and body["name"] == "werkzeug.exceptions.NotFound"
    status, headers, _body = sim19.json2("res.partner", "search_count", {},
                                         headers={"Content-Type": "text/plain", **no_key})
    assert status == "HTTP/1.1 415 UNSUPPORTED MEDIA TYPE" and headers["accept"] == \
        "application/json"
    status, headers, body = sim19.json2("x.y", "search_count", headers=no_key)
    assert status == "HTTP/1.1 401 UNAUTHORIZED" and headers["www-authenticate"] == "Bearer"
    assert "x-content-type-options" not in headers
    assert body["arguments"] == [json2.NO_KEY, 401]
    assert body["debug"].splitlines()[0] == "Traceback (most recent call last):"
    # The key before the body and the model.
    status, _headers, body = sim19.json2("x.y", "search_count", key="f" * 40)
    assert status == "HTTP/1.1 401 UNAUTHORIZED" and body["message"] == "Invalid apikey"
    status, _headers, body = sim19.json2("x.y", "search_count", {"domain": []})
    assert status == "HTTP/1.1 404 NOT FOUND"
    status, _headers, body = sim19.json2("res.partner", "_read", {})
    assert status == "HTTP/1.1 403 FORBIDDEN" and body["name"] == "odoo.exceptions.AccessError"
    status, _headers, body = sim19.json2("res.partner", "search_read", {"ids": [3]})
    assert status == "HTTP/1.1 422 UNPROCESSABLE ENTITY"
    status, _headers, body = sim19.json2("res.partner", "search_count", {})
    assert body["message"] == "missing a required argument: 'domain'"
    status, _headers, body = sim19.json2("res.partner", "write",
                                         {"ids": [999999], "vals": {"name": "x"}})
    assert status == "HTTP/1.1 404 NOT FOUND" and body["name"] == "odoo.exceptions.MissingError"
    status, _headers, body = sim19.json2("res.partner", "create", {"vals_list": [{}]})
    assert status == "HTTP/1.1 422 UNPROCESSABLE ENTITY"
    assert body["name"] == "odoo.exceptions.ValidationError"
    assert body["debug"].rstrip("\n").splitlines()[-1] == \
        "odoo.exceptions.ValidationError: " + body["message"]
    status, _headers, body = sim19.json2("res.partner", "search_read",
                                         {"domain": [("nope", "=", 1)]})
    assert status == "HTTP/1.1 500 INTERNAL SERVER ERROR" and body["name"] == \
        "builtins.ValueError"
    assert body["debug"].rstrip("\n").splitlines()[-1].startswith("ValueError: Invalid field")


def test_json2_portal_key_and_rules(sim19):
    status, _headers, orders = sim19.json2("sale.order", "search_read",
                                           {"domain": [], "fields": ["name"]},
                                           key=API_KEYS["portal"])
    assert status == "HTTP/1.1 200 OK" and [o["name"] for o in orders] == ["S00019"]
    status, _headers, _body = sim19.json2("product.product", "search_read", {"domain": []},
                                          key=API_KEYS["portal"])
    assert status == "HTTP/1.1 403 FORBIDDEN"


def test_json2_failed_call_changes_nothing(sim19):
    count = sim19.json2("res.partner", "search_count", {"domain": []})[2]
    status, _headers, _body = sim19.json2("res.partner", "create", {
        "vals_list": [{"name": "kept?"}, {"email": "no name"}]})
    assert status == "HTTP/1.1 422 UNPROCESSABLE ENTITY"
    assert sim19.json2("res.partner", "search_count", {"domain": []})[2] == count


def test_json2_control_knobs(sim19):
    sim19.control("stats/reset")
    sim19.json2("res.partner", "search_count", {"domain": []})
    sim19.json2("res.partner", "search_count", {"domain": []}, key="0" * 40)
    stats = sim19.stats()
    assert stats["json2"] == {"res.partner": {"search_count": 1}}
    assert stats["json2_status"] == {"401": 1}
    sim19.control("http500", count=1)
    status, _headers, _body = sim19.json2("res.partner", "search_count", {"domain": []})
    assert status == "HTTP/1.1 500 INTERNAL SERVER ERROR"
    sim19.control("garbage", count=1, kind="text")
    status, headers, body = sim19.json2("res.partner", "search_count", {"domain": []})
    assert status == "HTTP/1.1 200 OK" and body.startswith(b"odoo-sim:")
    sim19.control("latency", ms=300)
    start = time.monotonic()
    sim19.json2("res.partner", "search_count", {"domain": []})
    assert time.monotonic() - start >= 0.3
    assert sim19.stats()["injected"] == {"garbage": 1, "http500": 1}


def test_19_logs_xmlrpc_deprecation(tmp_path):
    process = Process(tmp_path, "--odoo-version", "19", quiet=False)
    try:
        process.proxy("common").version()
        process.json2("res.partner", "search_count", {"domain": []})
    finally:
        process.proc.terminate()
        log = process.proc.stderr.read().decode()
        process.stop()
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    assert len(warnings) == 1
    assert warnings[0].endswith(" WARNING odoo_pelotazo odoo-sim: The /xmlrpc, /xmlrpc/2 and "
                                "/jsonrpc endpoints are deprecated in Odoo 19 and scheduled "
                                "for removal in Odoo 20.")
