"""test_resfile_examples.py: the shipped examples/resources/*.json (RESOURCES_FILE) end to end:
purchase orders with their lines and workflow, customer invoices (read-only, and post),
stock pickings (read-only), against the simulator's purchase.order, account.move and
stock.picking (modelled from Odoo 18's source: no capture of them exists).  Also
--check-config on each file, and on broken copies, whose errors name the line and key.
Expected values come from the simulator over XML-RPC."""

import contextlib
import json
import os
import re
import shutil
import subprocess
import xmlrpc.client

import pytest

import contract
import harness
from harness import run_cgi
from test_resources import ALLOW_READ_ONLY, RECORD_NOT_FOUND, Api, Odoo, api_value, error, login, ok

EXAMPLES = os.path.join(harness.TOP_SRCDIR, "examples", "resources")
DEFAULT = os.path.join(harness.TOP_SRCDIR, "resources", "default.json")
FILES = ["purchase.json", "invoices.json", "pickings.json"]

# The example's tables, as the API answers them (table order = answer order).
PURCHASE_FIELDS = ("id name partner_id partner_ref date_order date_planned date_approve state amount_untaxed "
                   "amount_tax amount_total currency_id user_id notes origin invoice_status receipt_status "
                   "write_date").split()
PURCHASE_LINE_FIELDS = ("id product_id name product_qty price_unit discount taxes_id date_planned qty_received "
                        "price_subtotal price_tax price_total").split()
INVOICE_FIELDS = ("id name partner_id invoice_date invoice_date_due date state payment_state amount_untaxed "
                  "amount_tax amount_total amount_residual currency_id invoice_origin ref write_date").split()
INVOICE_LINE_FIELDS = "id product_id name quantity price_unit discount tax_ids price_subtotal price_total".split()
PICKING_FIELDS = ("id name origin partner_id picking_type_id picking_type_code state scheduled_date date_done "
                  "location_id location_dest_id user_id write_date").split()
# The Odoo names of the fields Odoo 19 renamed (the examples list both: "odoo": [...]).
RENAMED = {19: {("purchase.order", "notes"): "note", ("purchase.order.line", "taxes_id"): "tax_ids"}}.get(
    harness.ODOO_VERSION, {})

DONE_MOVE_CANCEL = ("You cannot cancel a stock move that has been set to 'Done'. Create a return in order to "
                    "reverse the moves which took place.")
NO_LINE = "You need to add a line before posting."
STATE_CONFLICT = 409


def example(name):
    return os.path.join(EXAMPLES, name)


class Expect(Odoo):
    """The simulator over XML-RPC, read under the examples' API names."""

    def api(self, model, rid, fields):
        names = {f: RENAMED.get((model, f), f) for f in fields}
        rec = self(model, "read", [rid], fields=list(names.values()))[0]
        types = {k: v["type"] for k, v in self(model, "fields_get", attributes=["type"]).items()}
        return {f: api_value(types[names[f]], rec[names[f]]) for f in fields}

    def purchase(self, rid):
        d = self.api("purchase.order", rid, PURCHASE_FIELDS)
        line_ids = self("purchase.order", "read", [rid], fields=["order_line"])[0]["order_line"]
        d["lines"] = [self.api("purchase.order.line", i, PURCHASE_LINE_FIELDS) for i in line_ids]
        return d


# ----------------------------------------------------------------- fixtures

def _env(sim, workdir, name):
    return harness.bridge_env(sim.url, workdir, RESOURCES_FILE=example(name))


@pytest.fixture(scope="module")
def menvs(sim):
    d = harness.tmpdir()
    yield {name: _env(sim, d, name) for name in FILES}
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def contracts(sim, menvs):
    """The OpenAPI document the bridge gives under each example (it lists the loaded
    table's routes), not the default one the session checks answers against."""
    docs = {}
    for name, env in menvs.items():
        r = run_cgi(env, "GET", "/openapi.json")
        assert r.status == 200, (r.status, r.body[:300], r.stderr[-2000:])
        docs[name] = contract.Contract(r.json())
    return docs


@contextlib.contextmanager
def checked_against(doc):
    saved = harness.CONTRACT
    harness.CONTRACT = doc
    try:
        yield
    finally:
        harness.CONTRACT = saved


@pytest.fixture(scope="module", autouse=True)
def example_contract(contracts):
    """The answers are checked against purchase.json's document (the fixtures of the other
    files' clients switch to theirs)."""
    assert any("/purchases" in p for p in contracts["purchase.json"].doc["paths"])
    with checked_against(contracts["purchase.json"]):
        yield


@pytest.fixture(scope="module")
def token(menvs):
    return login(menvs["purchase.json"])


@pytest.fixture(scope="module")
def api(menvs, token):
    return Api(menvs["purchase.json"], token)


@pytest.fixture(scope="module")
def odoo(sim):
    return Expect(sim.url)


# ------------------------------------------------------------ the files

def check_config(path, workdir):
    """--check-config (no --ping: Odoo is not asked) with RESOURCES_FILE=path."""
    e = harness.bridge_env("http://127.0.0.1:9", workdir, RESOURCES_FILE=path)
    return subprocess.run(harness.BRIDGE_WRAPPER + [harness.BRIDGE, "--check-config"], env=e,
                          capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("name", FILES)
def test_check_config_accepts_each_example(workdir, name):
    p = check_config(example(name), workdir)
    assert p.returncode == 0, p.stderr
    assert "configuration OK" in p.stdout


@pytest.mark.parametrize("name", FILES)
def test_check_config_ping_finds_every_model_and_field(sim, menvs, name):
    p = subprocess.run(harness.BRIDGE_WRAPPER + [harness.BRIDGE, "--check-config", "--ping"], env=menvs[name],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "resources match this Odoo (" in p.stdout, p.stdout + p.stderr
    # Warnings only for what the default table knows vanished (Odoo 19: res.partner's mobile).
    with open(DEFAULT) as f:
        default = {r["name"] for r in json.load(f)["resources"]}
    warned = re.findall(r"^warning: (\w+)\.(\w+):", p.stdout, re.M)
    assert len(warned) == len(re.findall(r"^warning:", p.stdout, re.M)), p.stdout
    assert {(res, field) for res, field in warned} <= {(res, f) for res in default
                                                      for m, f in harness.GONE if m == "res.partner"}, p.stdout


@pytest.mark.parametrize("name", FILES)
def test_each_example_holds_the_default_resources(name):
    """A RESOURCES_FILE replaces the default table: each example carries the six default
    resources unchanged (and their lines), followed by its own."""
    with open(DEFAULT) as f:
        default = json.load(f)["resources"]
    with open(example(name)) as f:
        mine = json.load(f)["resources"]
    assert mine[:len(default)] == default
    assert len(mine) > len(default)


# (file, text to replace, its replacement, the key the message must name)
BROKEN = [
    ("purchase.json", '{"name": "confirm", "method": "button_confirm", "from"',
     '{"name": "confirm", "method": "button_confirm", "form"', "form"),
    ("purchase.json", '"resource": "purchase_lines"', '"resource": "purchase_line"', "resource"),
    ("invoices.json", '"domain": [["move_type", "=", "out_invoice"]]',
     '"domain": [["move_type", "=>", "out_invoice"]]', "domain"),
    ("pickings.json", '"name": "pickings"', '"name": "Pickings"', "name"),
]


@pytest.mark.parametrize("name,old,new,key", BROKEN)
def test_check_config_names_line_and_key_of_a_broken_copy(workdir, name, old, new, key):
    with open(example(name)) as f:
        text = f.read()
    assert text.count(old) == 1, old
    broken = text.replace(old, new)
    line = text[:text.index(old)].count("\n") + 1
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(broken)
    p = check_config(path, workdir)
    assert p.returncode != 0
    assert "%s:%d:" % (name, line) in p.stderr, p.stderr
    assert key in p.stderr, p.stderr
    assert "configuration OK" not in p.stdout


def test_a_broken_file_refuses_to_serve(sim, workdir):
    with open(example("purchase.json")) as f:
        text = f.read()
    path = os.path.join(workdir, "purchase.json")
    with open(path, "w") as f:
        f.write(text.replace('"model": "purchase.order"', '"model": "purchase.order", "modle": 1'))
    env = harness.bridge_env(sim.url, workdir, RESOURCES_FILE=path)
    # Started by a web server it answers nothing and exits non-zero (the server's 500).
    r = subprocess.run(harness.BRIDGE_WRAPPER + [harness.BRIDGE],
                       env=harness.cgi_env(env, "GET", "/api/v1/purchases"), capture_output=True, timeout=30)
    assert r.returncode == 1 and r.stdout == b""
    assert re.search(r"purchase\.json:\d+: resources\[\d+\]\.modle: unknown key", r.stderr.decode()), r.stderr


# -------------------------------------------------------- purchase orders

def test_purchase_list(clean_sim, api, odoo):
    r = api.get("purchases", "_start=0&_end=50")
    items = ok(r)
    assert int(r.headers["x-total-count"]) == odoo("purchase.order", "search_count", [])
    want = odoo("purchase.order", "search", [], order="date_order desc")
    assert [x["id"] for x in items] == want
    assert list(items[0]) == PURCHASE_FIELDS, "a list has no lines"
    by_id = {x["id"]: x for x in items}
    one = odoo.api("purchase.order", 1, PURCHASE_FIELDS)
    assert by_id[1] == one and one["partner_id"] == {"id": 14, "name": "Lumber Inc"}
    found = ok(api.get("purchases", "q=LI-7781"))
    assert [x["id"] for x in found] == [1]
    drafts = ok(api.get("purchases", "state=draft&state=sent"))
    assert sorted(x["id"] for x in drafts) == sorted(
        odoo("purchase.order", "search", [["state", "in", ["draft", "sent"]]]))


def test_purchase_detail_has_lines(clean_sim, api, odoo):
    d = ok(api.get("purchases/1"))
    assert list(d) == PURCHASE_FIELDS + ["lines"]
    assert d == odoo.purchase(1)
    assert [x["product_id"]["id"] for x in d["lines"]] == [22, 16]
    assert d["lines"][0]["taxes_id"] == [2]
    assert (d["amount_untaxed"], d["amount_tax"], d["amount_total"]) == (700.0, 105.0, 805.0)


def test_purchase_lifecycle(clean_sim, api, odoo):
    n = odoo("purchase.order", "search_count", [])
    r = api("POST", "purchases", body={
        "partner_id": {"id": 14, "name": "Lumber Inc"}, "partner_ref": "E2E-PO-1", "notes": "<p>dock 3</p>",
        "lines": [{"product_id": 5, "product_qty": 3},
                  {"product_id": 6, "product_qty": 2, "price_unit": 19.99, "taxes_id": [2],
                   "name": "lamps, discounted", "discount": 10}]})
    d = ok(r, 201)
    pid = d["id"]
    assert r.headers["location"] == "/api/v1/purchases/%d" % pid
    assert re.fullmatch(r"P\d{5}", d["name"]) and d["state"] == "draft"
    assert d == odoo.purchase(pid)
    first, second = d["lines"]
    assert first["price_unit"] == 55.0, "Odoo fills the price from the product's cost"
    assert second["name"] == "lamps, discounted" and second["taxes_id"] == [2]
    # 3 x 55 + 2 x 19.99 x 0.9 (35.98, 15% tax = 5.40)
    assert (d["amount_untaxed"], d["amount_tax"], d["amount_total"]) == (200.98, 5.4, 206.38)
    assert d["notes"] == "<p>dock 3</p>"
    assert odoo("purchase.order", "search_count", []) == n + 1
    assert ok(api.get("purchases/%d" % pid)) == d

    # A line changed, one removed: read back with the new totals.
    d = ok(api("PATCH", "purchases/%d" % pid, body={"lines": [{"id": first["id"], "product_qty": 4}]}))
    assert [(x["id"], x["product_qty"]) for x in d["lines"]] == [(first["id"], 4.0)]
    assert (d["amount_untaxed"], d["amount_total"]) == (220.0, 220.0)
    assert d == odoo.purchase(pid)

    # Confirmed; confirming again is refused before Odoo is asked (its button_confirm would
    # skip the order silently).
    d = ok(api("POST", "purchases/%d/confirm" % pid))
    assert d["state"] == "purchase" and d["date_approve"] is not None
    assert d == odoo.purchase(pid)
    clean_sim.reset_stats()
    e = error(api("POST", "purchases/%d/confirm" % pid), STATE_CONFLICT)
    assert "purchase" in json.dumps(e)
    assert "button_confirm" not in clean_sim.stats()["execute_kw"].get("purchase.order", {})
    # Draft is only allowed from cancel.
    error(api("POST", "purchases/%d/draft" % pid), STATE_CONFLICT)

    # Cancelled (Odoo's button_cancel returns None: over XML-RPC a fault after the change),
    # back to draft (button_draft returns {}), cancelled again and deleted.
    d = ok(api("POST", "purchases/%d/cancel" % pid))
    assert d["state"] == "cancel" and d == odoo.purchase(pid)
    d = ok(api("POST", "purchases/%d/draft" % pid))
    assert d["state"] == "draft" and d == odoo.purchase(pid)
    ok(api("POST", "purchases/%d/cancel" % pid))
    ok(api("DELETE", "purchases/%d" % pid))
    assert error(api.get("purchases/%d" % pid), 404)["detail"] == RECORD_NOT_FOUND


def odoo_button(odoo, method, pid):
    """A purchase.order button called over XML-RPC, as admin.  Odoo 18's button_cancel returns
    None, which XML-RPC cannot marshal: faultCode 1, after the change is made."""
    try:
        odoo("purchase.order", method, [pid])
    except xmlrpc.client.Fault as fault:
        assert fault.faultCode == 1 and "cannot marshal None" in fault.faultString, fault


def new_order(odoo):
    return odoo("purchase.order", "create", {"partner_id": 45, "order_line": [[0, 0, {"product_id": 26}]]})


def test_purchase_cancel(clean_sim, api, odoo):
    """Odoo 18's button_cancel returns None: over XML-RPC the fault "cannot marshal None",
    after the order is cancelled (over JSON-2, null).  The bridge takes it for done and
    checks the state."""
    pid = new_order(odoo)
    odoo_button(odoo, "button_confirm", pid)
    d = ok(api("POST", "purchases/%d/cancel" % pid))
    assert d["state"] == "cancel" and d == odoo.purchase(pid)
    error(api("POST", "purchases/%d/cancel" % pid), STATE_CONFLICT)


def test_purchase_back_to_draft(clean_sim, api, odoo):
    """button_draft returns {}: no wizard, the order is a draft again."""
    pid = new_order(odoo)
    odoo_button(odoo, "button_cancel", pid)
    d = ok(api("POST", "purchases/%d/draft" % pid))
    assert d["state"] == "draft" and d == odoo.purchase(pid)


def test_bulk_confirm(clean_sim, api, odoo):
    """POST /purchases/confirm?id=..: every order in one Odoo call; one in a state confirm is
    not allowed from refuses the whole request, and nothing is confirmed."""
    drafts = odoo("purchase.order", "search", [["state", "in", ["draft", "sent"]]], order="id")
    assert len(drafts) == 2
    error(api("POST", "purchases/confirm", "id=%d&id=%d&id=1" % tuple(drafts)), STATE_CONFLICT)
    assert odoo("purchase.order", "search", [["id", "in", drafts], ["state", "=", "purchase"]]) == []
    clean_sim.reset_stats()
    r = api("POST", "purchases/confirm", "id=%d&id=%d" % tuple(drafts))
    assert r.status == 200, (r.status, r.body[:500])
    assert clean_sim.stats()["execute_kw"]["purchase.order"].get("button_confirm") == 1
    assert sorted(odoo("purchase.order", "search", [["id", "in", drafts], ["state", "=", "purchase"]])) == drafts


def test_purchase_delete_needs_a_cancelled_order(clean_sim, api, odoo):
    pid = new_order(odoo)
    e = error(api("DELETE", "purchases/%d" % pid), 422)
    assert e["detail"] == "In order to delete a purchase order, you must cancel it first."
    odoo_button(odoo, "button_cancel", pid)
    before = ok(api.get("purchases/%d" % pid))
    assert ok(api("DELETE", "purchases/%d" % pid)) == before
    assert odoo("purchase.order.line", "search_count", [["order_id", "=", pid]]) == 0


def test_approve_an_order_waiting_for_approval(clean_sim, api, odoo):
    """With two-step approval Odoo's button_confirm leaves a large order 'to approve' (the
    demo's P00006); a manager's button_approve (it returns {}) makes it a purchase order."""
    assert odoo("purchase.order", "read", [6], fields=["state"])[0]["state"] == "to approve"
    error(api("POST", "purchases/6/confirm"), STATE_CONFLICT)
    d = ok(api("POST", "purchases/6/approve"))
    assert d["state"] == "purchase" and d["date_approve"] is not None and d == odoo.purchase(6)
    error(api("POST", "purchases/6/approve"), STATE_CONFLICT)


def test_cancel_of_a_received_order(clean_sim, api, odoo):
    """P00004's receipt is done.  Odoo 18 has it 'done' (locked): not a state cancel is
    allowed from, 409 without asking Odoo.  Odoo 19 has it 'purchase' with the locked flag:
    Odoo itself refuses, and its message comes through as 422."""
    state = odoo("purchase.order", "read", [4], fields=["state"])[0]["state"]
    if state == "done":
        error(api("POST", "purchases/4/cancel"), STATE_CONFLICT)
    else:
        assert error(api("POST", "purchases/4/cancel"), 422)["detail"] == DONE_MOVE_CANCEL
    assert odoo("purchase.order", "read", [4], fields=["state"])[0]["state"] == state


def test_purchase_create_needs_a_vendor(clean_sim, api, odoo):
    n = odoo("purchase.order", "search_count", [])
    r = api("POST", "purchases", body={"partner_ref": "no vendor", "lines": [{"product_id": 5}]})
    assert r.status in (400, 422), r.body
    assert "partner_id" in r.body.decode()
    assert odoo("purchase.order", "search_count", []) == n


def test_odoo_rights_apply(clean_sim, api, menvs, odoo):
    """Each user's own Odoo rights (AUTH_MODE=user): Marc Demo, a salesman without Purchase
    rights, gets Odoo's AccessError as 403 on every purchase call, and still reads what
    his groups allow (the sales of the default table)."""
    demo = login(menvs["purchase.json"], "demo", "demo")
    n = odoo("purchase.order", "search_count", [])
    for method, path, body in (("GET", "purchases", None), ("GET", "purchases/2", None),
                               ("POST", "purchases/2/confirm", None),
                               ("POST", "purchases", {"partner_id": 14, "lines": [{"product_id": 5}]})):
        d = error(api(method, path, body=body, token=demo), 403)
        assert "Traceback" not in d["detail"]
    assert odoo("purchase.order", "read", [2], fields=["state"])[0]["state"] == "draft"
    assert odoo("purchase.order", "search_count", []) == n
    assert ok(api.get("sales/1", token=demo))["id"] == 1


# ----------------------------------------------------------------- invoices

@pytest.fixture
def invoices(menvs, token, contracts):
    with checked_against(contracts["invoices.json"]):
        yield Api(menvs["invoices.json"], token)


def test_invoices_list_is_customer_invoices_only(clean_sim, invoices, odoo):
    r = invoices.get("invoices", "_start=0&_end=50")
    items = ok(r)
    want = odoo("account.move", "search", [["move_type", "=", "out_invoice"]], order="date desc")
    assert [x["id"] for x in items] == want
    assert int(r.headers["x-total-count"]) == len(want) < odoo("account.move", "search_count", [])
    assert list(items[0]) == INVOICE_FIELDS
    assert {x["id"]: x for x in items}[1] == odoo.api("account.move", 1, INVOICE_FIELDS)
    # The vendor bill and the credit note are outside the base domain.
    for other in odoo("account.move", "search", [["move_type", "!=", "out_invoice"]]):
        assert error(invoices.get("invoices/%d" % other), 404)["detail"] == RECORD_NOT_FOUND
    paid = ok(invoices.get("invoices", "payment_state=paid"))
    assert [x["name"] for x in paid] == ["INV/2026/00001"]


def test_invoice_detail_has_its_lines(clean_sim, invoices, odoo):
    d = ok(invoices.get("invoices/1"))
    assert list(d) == INVOICE_FIELDS + ["lines"]
    assert [list(x) for x in d["lines"]] == [INVOICE_LINE_FIELDS] * 2
    assert sum(x["price_total"] for x in d["lines"]) == d["amount_total"] == 2837.5


def test_invoices_are_read_only(clean_sim, invoices, odoo):
    clean_sim.reset_stats()
    for method, path, body in (("POST", "invoices", {"partner_id": 10}), ("PATCH", "invoices/4", {"ref": "x"}),
                               ("PUT", "invoices/4", {"ref": "x"}), ("DELETE", "invoices/4", None)):
        r = invoices(method, path, body=body)
        error(r, 405)
        assert r.headers["allow"] == ALLOW_READ_ONLY, (method, path, r.headers)
    assert not clean_sim.stats()["execute_kw"].get("account.move", {}).keys() - {"fields_get"}


def test_post_an_invoice(clean_sim, invoices, odoo):
    before = ok(invoices.get("invoices/4"))
    assert (before["state"], before["name"]) == ("draft", "/")
    d = ok(invoices("POST", "invoices/4/post"))
    # The journal's sequence of the invoice date's year (today's: the draft had none).
    year = d["invoice_date"][:4]
    assert d["state"] == "posted" and d["name"] == "INV/%s/%05d" % (year, 4 if year == "2026" else 1)
    assert d["payment_state"] == "not_paid" and d["amount_residual"] == d["amount_total"] == 458.1
    assert {k: v for k, v in d.items() if k != "lines"} == odoo.api("account.move", 4, INVOICE_FIELDS)
    # Posted is not a state post is allowed from.
    error(invoices("POST", "invoices/4/post"), STATE_CONFLICT)
    error(invoices("POST", "invoices/1/post"), STATE_CONFLICT)


def test_openapi_lists_read_only_actions(contracts):
    """A read-only resource's document has its GETs and its actions, no other write."""
    paths = contracts["invoices.json"].doc["paths"]

    def methods(path):
        return set(paths[path]) & {"get", "post", "put", "patch", "delete"}
    assert methods("/api/v1/invoices/{id}/post") == {"post"}
    assert methods("/api/v1/invoices/{id}") == {"get"}
    assert methods("/api/v1/invoices") == {"get"}


def test_post_refused_by_odoo(clean_sim, invoices, odoo):
    assert error(invoices("POST", "invoices/5/post"), 422)["detail"] == NO_LINE
    assert odoo("account.move", "read", [5], fields=["state"])[0]["state"] == "draft"


# ----------------------------------------------------------------- pickings

@pytest.fixture
def pickings(menvs, token, contracts):
    with checked_against(contracts["pickings.json"]):
        yield Api(menvs["pickings.json"], token)


def test_pickings_are_listed_and_read_only(clean_sim, pickings, odoo):
    r = pickings.get("pickings", "_start=0&_end=50")
    items = ok(r)
    assert [x["id"] for x in items] == odoo("stock.picking", "search", [], order="scheduled_date asc")
    assert list(items[0]) == PICKING_FIELDS
    d = ok(pickings.get("pickings/2"))
    assert d == odoo.api("stock.picking", 2, PICKING_FIELDS)
    assert (d["name"], d["state"], d["picking_type_code"], d["origin"]) == ("WH/IN/00002", "done", "incoming",
                                                                            "P00004")
    receipts = ok(pickings.get("pickings", "picking_type_code=incoming"))
    assert sorted(x["name"] for x in receipts) == ["WH/IN/00001", "WH/IN/00002", "WH/IN/00003"]
    assert [x["id"] for x in ok(pickings.get("pickings", "q=S00007"))] == [5]
    for method, path in (("POST", "pickings"), ("PATCH", "pickings/2"), ("DELETE", "pickings/2")):
        r = pickings(method, path, body=None if method == "DELETE" else {"origin": "x"})
        error(r, 405)
        assert r.headers["allow"] == ALLOW_READ_ONLY
    assert error(pickings("POST", "pickings/2/validate"), 404)


def test_the_default_resources_still_answer(clean_sim, pickings, odoo):
    assert ok(pickings.get("sales/1"))["name"] == "S00001"
    assert ok(pickings.get("countries", "code=ES"))[0]["name"] == "Spain"
