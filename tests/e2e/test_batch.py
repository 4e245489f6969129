"""test_batch.py: bulk writes and POST /api/v1/batch end to end (DESIGN.md
section 7, "Batching"; issue 16), against the Odoo simulator: each bulk
request is one Odoo write call and all or nothing (counted from the
simulator's records), validation errors name the item, ids outside the base
domain are a 404 that writes nothing; a batch answers each entry as the
same request alone would, merges consecutive single-record GETs of one
resource into one Odoo read, is not atomic across entries, and keeps its
errors per entry."""

import json

import pytest

import harness
from test_resources import (RECORD_NOT_FOUND, Api, api, error, login, menv, odoo, ok,  # noqa: F401
                            token)

BAD_BODY = "Cuerpo JSON mal formado"


def calls(sim, model=None, method=None):
    """execute_kw calls (JSON-2 ones included, harness.Sim.stats) since the last reset."""
    per = sim.stats()["execute_kw"]
    if model is None:
        return sum(n for methods in per.values() for n in methods.values())
    if method is None:
        return sum(per.get(model, {}).values())
    return per.get(model, {}).get(method, 0)


def count_all(odoo, model, domain=()):
    return odoo(model, "search_count", list(domain), context={"active_test": False})


def new_products(odoo, n, prefix="Bulk"):
    return [odoo("product.product", "create", {"name": "%s %d" % (prefix, i), "list_price": 1.0 + i})
            for i in range(n)]


def ids_query(ids):
    return "&".join("id=%d" % i for i in ids)


# --------------------------------------------------------------- bulk create

def test_bulk_create_is_one_odoo_create_answering_every_record_in_order(clean_sim, api, odoo):
    items = [{"name": "Bulk A", "list_price": 3.5}, {"name": "Bulk B", "default_code": "BULK-B"},
             {"name": "Bulk C", "sale_ok": False}]
    # Warm: the schema and the installed languages are known before the counting starts.
    ok(api("POST", "products", body={"name": "Warm-up"}), 201)
    clean_sim.reset_stats()
    ok(api("POST", "products", body={"name": "Single"}), 201)
    single_calls = calls(clean_sim)
    before = count_all(odoo, "product.product")
    clean_sim.reset_stats()
    r = api("POST", "products", body=items)
    d = ok(r, 201)
    assert calls(clean_sim, "product.product", "create") == 1, clean_sim.stats()
    assert calls(clean_sim) == single_calls, "the same Odoo calls as one record's create"
    assert [x["name"] for x in d] == [i["name"] for i in items], "in the order given"
    assert count_all(odoo, "product.product") == before + 3
    for rec in d:
        assert rec == odoo.api_record("products", rec["id"])
    assert d[1]["default_code"] == "BULK-B" and d[2]["sale_ok"] is False


def test_bulk_create_names_the_item_missing_a_required_field(clean_sim, api, odoo):
    before = count_all(odoo, "product.product")
    d = error(api("POST", "products", body=[{"name": "Has one"}, {"list_price": 2}]), 400)
    assert d["errors"] == {"1.name": ["Campo obligatorio"]}, d
    assert count_all(odoo, "product.product") == before
    ids = odoo.search("sales", limit=2)
    d = error(api("PATCH", "sales", query=[("id", i) for i in ids], body={"partner_id": None}), 400)
    assert d["errors"] == {"partner_id": ["Campo obligatorio"]}, d


def test_bulk_create_one_bad_item_leaves_odoo_unchanged(clean_sim, api, odoo):
    """Item 2 passes the bridge's checks but Odoo refuses it (no such
    category): the one create fails whole, and no product was added."""
    before = count_all(odoo, "product.product")
    clean_sim.reset_stats()
    error(api("POST", "products", body=[{"name": "Atomic 0"}, {"name": "Atomic 1"},
                                            {"name": "Atomic 2", "categ_id": 999999}]), 422)
    assert calls(clean_sim, "product.product", "create") == 1, "Odoo was asked, once"
    assert count_all(odoo, "product.product") == before, "nothing created"
    assert odoo("product.product", "search", [["name", "like", "Atomic"]], context={"active_test": False}) == []


def test_bulk_create_errors_name_the_item(clean_sim, api, odoo):
    before = count_all(odoo, "product.product")
    clean_sim.reset_stats()
    d = error(api("POST", "products", body=[{"name": "ok"}, {"name": "ok too"},
                                            {"name": "x", "list_price": "cheap", "nope": 1}]), 400)
    assert set(d["errors"]) == {"2.list_price", "2.nope"}, d
    assert calls(clean_sim) == 0 or calls(clean_sim, "product.product", "create") == 0
    assert count_all(odoo, "product.product") == before
    d = error(api("POST", "products", body=[{"name": "ok"}, 5]), 400)
    assert d["detail"] == BAD_BODY and set(d["errors"]) == {"1"}, d
    d = error(api("POST", "sales", body=[{"partner_id": 10, "lines": [{"product_id": 5, "product_uom_qty": "2"}]}]),
              400)
    assert set(d["errors"]) == {"0.lines.0.product_uom_qty"}, d


def test_bulk_limits(clean_sim, odoo, workdir):
    env = harness.bridge_env(clean_sim.url, workdir, BULK_MAX=3)
    a = Api(env, login(env))
    before = count_all(odoo, "product.product")
    clean_sim.reset_stats()
    assert error(a("POST", "products", body=[{"name": "L%d" % i} for i in range(4)]), 400)["statusCode"] == 400
    assert error(a("POST", "products", body=[]), 400)
    assert error(a("PATCH", "products", query="id=1&id=2&id=3&id=4", body={"sale_ok": True}), 400)
    assert error(a("DELETE", "products", query="id=1&id=2&id=3&id=4"), 400)
    assert calls(clean_sim, "product.product", "create") == 0
    assert calls(clean_sim, "product.product", "write") == 0
    assert calls(clean_sim, "product.product", "unlink") == 0
    assert count_all(odoo, "product.product") == before
    d = ok(a("POST", "products", body=[{"name": "L%d" % i} for i in range(3)]), 201)
    assert len(d) == 3
    # A repeated id counts once.
    ids = [x["id"] for x in d]
    assert len(ok(a("DELETE", "products", query=ids_query(ids + ids)))) == 3


@pytest.mark.parametrize("query,param", [("", None), ("id=abc", "id"), ("id=0", "id"), ("id=5&name=x", "name")])
def test_bulk_bad_ids_are_400(clean_sim, api, query, param):
    for method, body in (("PATCH", {"sale_ok": True}), ("DELETE", None)):
        d = error(api(method, "products", query=query, body=body), 400)
        if param is not None:
            assert param in d["errors"], d


def test_bulk_sales_create_with_lines_then_confirm_in_one_call(clean_sim, api, odoo):
    orders = [{"partner_id": 10, "lines": [{"product_id": 5, "product_uom_qty": 2}]},
              {"partner_id": 11, "lines": [{"product_id": 6, "product_uom_qty": 1},
                                           {"product_id": 5, "product_uom_qty": 3}]}]
    clean_sim.reset_stats()
    d = ok(api("POST", "sales", body=orders), 201)
    assert calls(clean_sim, "sale.order", "create") == 1
    assert calls(clean_sim, "sale.order.line") == 0 or calls(clean_sim, "sale.order.line", "create") == 0
    assert [len(o["lines"]) for o in d] == [1, 2]
    ids = [o["id"] for o in d]
    for o in d:
        assert o["state"] == "draft" and o["lines"] == odoo.sale_lines(o["id"])
    clean_sim.reset_stats()
    r = api("POST", "sales/confirm", query=ids_query(ids))
    d = ok(r)
    assert calls(clean_sim, "sale.order", "action_confirm") == 1, clean_sim.stats()
    assert [o["id"] for o in d] == ids and all(o["state"] == "sale" for o in d)
    assert [o["state"] for o in odoo("sale.order", "read", ids, fields=["state"])] == ["sale", "sale"]
    # Confirming them again: Odoo refuses the whole call (they are no longer quotations).
    d = error(api("POST", "sales/confirm", query=ids_query(ids)), 422)
    # A missing id: nothing runs.
    draft = odoo("sale.order", "search", [["state", "=", "draft"]], limit=1)
    clean_sim.reset_stats()
    d = error(api("POST", "sales/cancel", query=ids_query(draft + [999999])), 404)
    assert d["errors"]["ids"] == ["%s: 999999" % RECORD_NOT_FOUND], d
    assert calls(clean_sim, "sale.order", "action_cancel") == 0
    # Not an action: POST on a record stays 405; an unknown action of sales too.
    r = api("POST", "products/45", body={})
    assert error(r, 405) and "POST" not in r.headers["allow"]
    error(api("POST", "sales/ship", query="id=1", body={}), 405)


# ------------------------------------------------------ bulk update, delete

def test_bulk_update_one_write_in_the_order_of_the_ids(clean_sim, api, odoo):
    ids = new_products(odoo, 3)
    ids = [ids[2], ids[0], ids[1]]
    clean_sim.reset_stats()
    d = ok(api("PATCH", "products", query=ids_query(ids), body={"list_price": 7.25, "sale_ok": False}))
    assert calls(clean_sim, "product.product", "write") == 1, clean_sim.stats()
    assert [x["id"] for x in d] == ids
    for rec in d:
        assert rec == odoo.api_record("products", rec["id"])
        assert rec["list_price"] == 7.25 and rec["sale_ok"] is False
    ok(api("PUT", "products", query=ids_query(ids), body={"list_price": 8.0}))
    assert {r["list_price"] for r in odoo("product.product", "read", ids, fields=["list_price"])} == {8.0}


def test_bulk_update_missing_or_outside_id_writes_nothing(clean_sim, api, odoo):
    ids = new_products(odoo, 2)
    before = [odoo.api_record("products", i) for i in ids]
    clean_sim.reset_stats()
    d = error(api("PATCH", "products", query=ids_query(ids + [999999]), body={"list_price": 1.5}), 404)
    assert d["errors"]["ids"] == ["%s: 999999" % RECORD_NOT_FOUND], d
    assert calls(clean_sim, "product.product", "write") == 0
    assert [odoo.api_record("products", i) for i in ids] == before
    # A customer that is no supplier is outside /suppliers' base domain.
    customer = odoo("res.partner", "search", [["customer_rank", ">", 0], ["supplier_rank", "=", 0]], limit=1)[0]
    supplier = odoo("res.partner", "search", [["supplier_rank", ">", 0]], limit=1)[0]
    d = error(api("PATCH", "suppliers", query=ids_query([supplier, customer]), body={"city": "Nowhere"}), 404)
    assert d["errors"]["ids"] == ["%s: %d" % (RECORD_NOT_FOUND, customer)], d
    assert odoo("res.partner", "read", [supplier], fields=["city"])[0]["city"] != "Nowhere"
    d = error(api("DELETE", "suppliers", query=ids_query([supplier, customer])), 404)
    assert count_all(odoo, "res.partner", [["id", "in", [supplier, customer]]]) == 2


def test_bulk_update_refuses_lines(clean_sim, api, odoo):
    ids = odoo("sale.order", "search", [["state", "=", "draft"]], limit=2)
    d = error(api("PATCH", "sales", query=ids_query(ids), body={"lines": []}), 400)
    assert set(d["errors"]) == {"lines"}, d
    d = ok(api("PATCH", "sales", query=ids_query(ids), body={"client_order_ref": "BULK-REF"}))
    assert [x["client_order_ref"] for x in d] == ["BULK-REF", "BULK-REF"]
    assert all("lines" in x for x in d)


def test_bulk_delete_one_unlink_answering_the_records_as_they_were(clean_sim, api, odoo):
    ids = new_products(odoo, 3)
    before = [ok(api.get("products/%d" % i)) for i in ids]
    clean_sim.reset_stats()
    d = ok(api("DELETE", "products", query=ids_query(ids)))
    assert calls(clean_sim, "product.product", "unlink") == 1
    assert d == before
    assert count_all(odoo, "product.product", [["id", "in", ids]]) == 0


def test_bulk_delete_one_refusal_deletes_none(clean_sim, api, odoo):
    draft = odoo("sale.order", "search", [["state", "=", "draft"]], limit=1)
    confirmed = odoo("sale.order", "search", [["state", "=", "sale"]], limit=1)
    clean_sim.reset_stats()
    error(api("DELETE", "sales", query=ids_query(draft + confirmed)), 422)
    assert calls(clean_sim, "sale.order", "unlink") == 1
    assert count_all(odoo, "sale.order", [["id", "in", draft + confirmed]]) == 2, "neither deleted"


def test_read_only_resources_refuse_bulk_writes(clean_sim, api):
    for method in ("PATCH", "PUT", "DELETE"):
        r = api(method, "countries", query="id=1", body={"name": "x"} if method != "DELETE" else None)
        error(r, 405)
        assert r.headers["allow"] == "GET, HEAD, OPTIONS"


# --------------------------------------------------------------------- batch

def batch(api, entries, **kw):
    r = api("POST", "batch", body={"requests": entries}, **kw)
    d = ok(r)
    assert [x["id"] for x in d["responses"]] == [e.get("id") for e in entries]
    return d["responses"]


def alone(api, e):
    path, _, query = e["path"].partition("?")
    assert path.startswith("/api/v1/")
    return api(e["method"], path[len("/api/v1/"):], query=query, body=e.get("body"))


HEADERS_THAT_MATTER = ("x-total-count", "allow", "www-authenticate")


def same_as_alone(sub, r):
    assert sub["status"] == r.status, (sub, r.status, r.body[:500])
    assert sub["body"] == (r.json() if r.body else None)
    hs = {k.lower(): v for k, v in sub["headers"].items()}
    for h in HEADERS_THAT_MATTER:
        assert hs.get(h) == r.headers.get(h), (h, sub["headers"], r.headers)


def test_batch_entries_answer_as_alone(clean_sim, api, odoo):
    entries = [
        {"id": "one", "method": "GET", "path": "/api/v1/products/45"},
        {"id": "list", "method": "GET", "path": "/api/v1/products?_start=0&_end=3&_sort=list_price&_order=desc"},
        {"id": "page", "method": "GET", "path": "/api/v1/customers?page=2&limit=5"},
        {"id": "sale", "method": "GET", "path": "/api/v1/sales/1"},
        {"id": "gone", "method": "GET", "path": "/api/v1/products/999999"},
        {"id": "bad", "method": "GET", "path": "/api/v1/products?_sort=qty_available"},
        {"id": "widgets", "method": "GET", "path": "/api/v1/widgets"},
        {"id": "ro", "method": "PATCH", "path": "/api/v1/countries/1", "body": {"name": "x"}},
        {"id": "me", "method": "GET", "path": "/api/v1/me"},
        {"id": 7, "method": "GET", "path": "/api/v1/categories?id=1&id=2"},
        {"id": "escaped", "method": "GET", "path": "/api/v1/product%73/4%35"},
    ]
    subs = batch(api, entries)
    for e, sub in zip(entries[:-1], subs):
        same_as_alone(sub, alone(api, e))
    # Percent-escapes in the path are decoded, as the web server decodes PATH_INFO.
    assert subs[-1]["status"] == 200 and subs[-1]["body"] == subs[0]["body"]
    assert subs[1]["headers"]["X-Total-Count"] == str(odoo.count("products"))


def test_batch_writes_run_in_order_and_are_not_atomic(clean_sim, api, odoo):
    before = count_all(odoo, "product.product")
    subs = batch(api, [
        {"id": "a", "method": "POST", "path": "/api/v1/products", "body": {"name": "Batch A", "list_price": 2.0}},
        {"id": "b", "method": "POST", "path": "/api/v1/products", "body": {"name": "Batch B", "categ_id": 999999}},
        {"id": "c", "method": "POST", "path": "/api/v1/products", "body": [{"name": "Batch C"}, {"name": "Batch D"}]},
    ])
    assert [s["status"] for s in subs] == [201, 422, 201]
    assert subs[0]["headers"]["Location"] == "/api/v1/products/%d" % subs[0]["body"]["id"]
    assert count_all(odoo, "product.product") == before + 3, "a's and c's records stay: no atomicity across entries"
    pid = subs[0]["body"]["id"]
    subs = batch(api, [
        {"id": "u", "method": "PATCH", "path": "/api/v1/products/%d" % pid, "body": {"list_price": 4.0}},
        {"id": "g", "method": "GET", "path": "/api/v1/products/%d" % pid},
        {"id": "d", "method": "DELETE", "path": "/api/v1/products/%d" % pid},
        {"id": "g2", "method": "GET", "path": "/api/v1/products/%d" % pid},
    ])
    assert [s["status"] for s in subs] == [200, 200, 200, 404]
    assert subs[1]["body"]["list_price"] == 4.0, "each entry sees the ones before it"


def test_batch_of_ten_single_reads_is_one_odoo_read(clean_sim, workdir, token, api, odoo):
    b = harness.ListeningBridge(harness.bridge_env(clean_sim.url, workdir), workdir)
    try:
        ids = odoo.search("products", limit=9) + [999999]
        entries = [{"id": str(i), "method": "GET", "path": "/api/v1/products/%d" % i} for i in ids]
        body = json.dumps({"requests": entries}).encode()

        def post():
            r = b.request("POST", "/api/v1/batch", body=body, content_type="application/json",
                          headers={"Authorization": "Bearer " + token})
            assert r.status == 200, r.raw
            return r.json()["responses"]

        post()   # warm up: the login and the schema
        clean_sim.reset_stats()
        subs = post()
        s = clean_sim.stats()
        assert calls(clean_sim) == 1, s
        assert not s["common"], s
        for e, sub in zip(entries, subs):
            same_as_alone(sub, alone(api, e))
        assert subs[-1]["status"] == 404 and subs[-1]["body"]["detail"] == RECORD_NOT_FOUND
        # Sales with their lines: one read as well (web_search_read nests the lines).
        sids = odoo.search("sales", limit=4)
        entries = [{"id": str(i), "method": "GET", "path": "/api/v1/sales/%d" % i} for i in sids]
        body = json.dumps({"requests": entries}).encode()
        post()
        clean_sim.reset_stats()
        subs = post()
        assert calls(clean_sim) == 1, clean_sim.stats()
        for e, sub in zip(entries, subs):
            same_as_alone(sub, alone(api, e))
    finally:
        b.stop()


def test_batch_per_entry_errors(clean_sim, api):
    entries = [
        {"id": "ok", "method": "GET", "path": "/api/v1/products/45"},
        {"id": "nested", "method": "POST", "path": "/api/v1/batch", "body": {"requests": []}},
        {"id": "token", "method": "POST", "path": "/token", "body": {"username": "admin", "password": "admin"}},
        {"id": "logout", "method": "DELETE", "path": "/token"},
        {"id": "revoke", "method": "POST", "path": "/token/revoke"},
        {"id": "nomethod", "path": "/api/v1/products/45"},
        {"id": "badmethod", "method": "TRACE", "path": "/api/v1/products/45"},
        {"id": "relative", "method": "GET", "path": "api/v1/products/45"},
        {"id": "getbody", "method": "GET", "path": "/api/v1/products/45", "body": {"x": 1}},
        {"id": "extra", "method": "GET", "path": "/api/v1/products/45", "headers": {}},
        {"id": "badquery", "method": "GET", "path": "/api/v1/products?a=%zz"},
        {"id": "last", "method": "GET", "path": "/api/v1/products/45"},
    ]
    subs = batch(api, entries)
    status = {s["id"]: s["status"] for s in subs}
    assert status == {"ok": 200, "nested": 400, "token": 400, "logout": 400, "revoke": 400, "nomethod": 400,
                      "badmethod": 400, "relative": 400, "getbody": 400, "extra": 400, "badquery": 400,
                      "last": 200}, status
    for s in subs[1:-1]:
        assert s["body"]["statusCode"] == 400 and s["body"]["detail"], s
    # An entry that is not an object, or has no usable id, still gets its 400 (id null).
    r = api("POST", "batch", body={"requests": [5, {"method": "GET", "path": "/api/v1/products/45"}]})
    assert [(s["id"], s["status"]) for s in ok(r)["responses"]] == [(None, 400), (None, 400)]


def test_batch_body_and_limits(clean_sim, odoo, workdir):
    env = harness.bridge_env(clean_sim.url, workdir, BATCH_MAX=3, BATCH_MAX_RESPONSE=65536)
    a = Api(env, login(env))
    get = {"id": "x", "method": "GET", "path": "/api/v1/products/45"}
    error(a("POST", "batch", body={"requests": [get] * 4}), 400)
    error(a("POST", "batch", body=[get]), 400)
    error(a("POST", "batch", body={"requests": [get], "atomic": True}), 400)
    error(a("POST", "batch", raw=b'{"requests": []}', content_type="text/plain"), 415)
    assert ok(a("POST", "batch", body={"requests": []})) == {"responses": []}
    # Each whole product list is about 20 KiB: past 64 KiB of answers the rest is not run.
    # The entries' Odoo reads are counted: no answer from the response cache.
    env = harness.bridge_env(clean_sim.url, workdir, BATCH_MAX=20, BATCH_MAX_RESPONSE=65536, CACHE_TTL=0)
    a = Api(env, login(env))
    one = len(json.dumps(ok(a.get("products"))))
    clean_sim.reset_stats()
    subs = ok(a("POST", "batch", body={"requests": [{"id": i, "method": "GET", "path": "/api/v1/products"}
                                                    for i in range(20)]}))["responses"]
    statuses = [s["status"] for s in subs]
    ran = statuses.count(200)
    assert statuses == [200] * ran + [413] * (20 - ran), statuses
    # Entries start while the answers so far are under 64 KiB: the one that crosses it still runs.
    assert (ran - 1) * one < 65536 <= ran * one * 1.1, (one, ran)
    reads = calls(clean_sim, "product.product", "web_search_read") + calls(clean_sim, "product.product", "search_read")
    assert reads == ran, "entries past the bound are not run"
    assert subs[-1]["body"]["statusCode"] == 413


def test_batch_runs_with_the_callers_rights(clean_sim, api, menv):
    demo = Api(menv, login(menv, "demo", "demo"))
    subs = batch(demo, [
        {"id": "read", "method": "GET", "path": "/api/v1/products/45"},
        {"id": "write", "method": "PATCH", "path": "/api/v1/products/45", "body": {"list_price": 1.0}},
        {"id": "bulk", "method": "POST", "path": "/api/v1/products", "body": [{"name": "demo's"}]},
    ])
    assert [s["status"] for s in subs] == [200, 403, 403]
    r = api("POST", "batch", body={"requests": []}, token="not-a-token")
    error(r, 401)
