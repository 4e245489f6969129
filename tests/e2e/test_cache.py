"""test_cache.py: the response cache (DESIGN.md section 7, "Cache"; src/cache.h)
end to end, the bridge as CGI (one process per request, so every hit comes
from the file the processes share): X-Cache, ETag and 304, Cache-Control:
no-cache, CACHE_TTL=0, read-your-writes for every write path, the TTL of
changes made straight in Odoo (the simulator), the lookups' own TTL, the
per-user scope, and a revoked token never served from the cache."""

import time
import xmlrpc.client

import pytest

import harness
from harness import run_cgi

DB = "odoo_pelotazo"
FORM = "application/x-www-form-urlencoded"
PAGE = ("products", "page=1&limit=10")


class Odoo:
    """The simulator over XML-RPC, as admin: changes made behind the bridge's back."""

    def __init__(self, url):
        self.proxy = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object")

    def __call__(self, model, method, *args, **kw):
        return self.proxy.execute_kw(DB, 2, "admin", model, method, list(args), kw)


def login(env, user="admin", password=None):
    body = "username=%s&password=%s" % (user, harness.secret(user, password or user))
    r = run_cgi(env, method="POST", path="/token", body=body.encode(), content_type=FORM)
    assert r.status == 200, r.raw
    return r.json()["access_token"]


class Client:
    def __init__(self, env, token):
        self.env, self.token = env, token

    def __call__(self, method, path, query="", body=None, headers=None):
        import json
        h = {"Authorization": "Bearer " + self.token}
        h.update(headers or {})
        raw = json.dumps(body).encode() if body is not None else b""
        r = run_cgi(self.env, method=method, path="/api/v1/" + path, query=query, body=raw, headers=h,
                    content_type="application/json" if body is not None else None)
        assert r.returncode == 0 and "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr[-3000:]
        return r

    def get(self, path, query="", **kw):
        return self("GET", path, query, **kw)

    def warm(self, path, query=""):
        """Reads until the answer comes from the cache: the first miss of a
        resource learns which models it shows, the next one stores the page."""
        for _ in range(3):
            r = self.get(path, query)
            assert r.status == 200, r.raw
            if r.headers.get("x-cache") == "hit":
                return r
        raise AssertionError("%s?%s never came from the cache: %r" % (path, query, r.headers))


def xcache(r):
    return r.headers.get("x-cache")


@pytest.fixture
def odoo(clean_sim):
    return Odoo(clean_sim.url)


def make_env(sim, workdir, **kw):
    return harness.bridge_env(sim.url, workdir, **kw)


@pytest.fixture
def client(clean_sim, workdir):
    env = make_env(clean_sim, workdir, CACHE_TTL=60)
    return Client(env, login(env))


# ------------------------------------------------------------ the headers

def test_miss_then_hit_with_the_same_bytes_and_headers(client):
    first = client.get(*PAGE)
    assert first.status == 200 and xcache(first) == "miss"
    hit = client.warm(*PAGE)
    assert hit.body == first.body
    assert hit.headers["x-total-count"] == first.headers["x-total-count"]
    assert hit.headers["content-type"] == first.headers["content-type"]
    assert hit.headers["etag"] == first.headers["etag"] and hit.headers["etag"].startswith('"')


def test_parameter_order_is_one_entry_repeated_ids_are_not(client):
    client.warm("products", "limit=5&page=2")
    assert xcache(client.get("products", "page=2&limit=5")) == "hit"
    a = client.warm("products", "id=45&id=5")
    b = client.get("products", "id=5&id=45")
    assert xcache(b) != "hit"
    assert sorted(x["id"] for x in a.json()) == sorted(x["id"] for x in b.json())


def test_if_none_match_gives_304_until_the_page_changes(client):
    r = client.warm("products/45")
    etag = r.headers["etag"]
    nm = client.get("products/45", headers={"If-None-Match": etag})
    assert nm.status == 304 and nm.body == b"" and nm.headers["etag"] == etag
    assert client.get("products/45", headers={"If-None-Match": 'W/"x", ' + etag}).status == 304
    assert client.get("products/45", headers={"If-None-Match": '"something-else"'}).status == 200
    assert client("PATCH", "products/45", body={"list_price": 751.5}).status == 200
    r = client.get("products/45", headers={"If-None-Match": etag})
    assert r.status == 200 and r.json()["list_price"] == 751.5 and r.headers["etag"] != etag


def test_no_cache_bypasses_and_refreshes(client, odoo):
    client.warm("products/45")
    odoo("product.product", "write", [45], {"name": "Renamed in Odoo"})
    assert client.get("products/45").json()["name"] != "Renamed in Odoo", "cached for CACHE_TTL=60"
    r = client.get("products/45", headers={"Cache-Control": "no-cache"})
    assert xcache(r) == "bypass" and r.json()["name"] == "Renamed in Odoo"
    r = client.get("products/45")
    assert xcache(r) == "hit" and r.json()["name"] == "Renamed in Odoo", "the entry was refreshed"


@pytest.mark.parametrize("headers", [{"Cache-Control": "max-age=0"}, {"Pragma": "no-cache"},
                                     {"Cache-Control": "private, NO-CACHE"}])
def test_reload_and_http10_no_cache_bypass(client, odoo, headers):
    """A browser's reload (max-age=0) and an HTTP/1.0 client's Pragma:
    no-cache bypass the cache as Cache-Control: no-cache does (RFC 9111
    5.2.1.1, 5.4); Pragma counts only without a Cache-Control."""
    client.warm("products/45")
    odoo("product.product", "write", [45], {"name": "Renamed for %s" % list(headers.values())[0]})
    r = client.get("products/45", headers=headers)
    assert xcache(r) == "bypass" and r.json()["name"].startswith("Renamed for")
    odoo("product.product", "write", [45], {"name": "Renamed again"})
    r = client.get("products/45", headers={"Cache-Control": "max-age=60", "Pragma": "no-cache"})
    assert xcache(r) == "hit" and r.json()["name"] != "Renamed again"


def test_errors_are_not_cached(client):
    for _ in range(3):
        r = client.get("products/999999")
        assert r.status == 404 and "x-cache" not in r.headers and "etag" not in r.headers
    r = client.get("products", "nope=1")
    assert r.status == 400 and "x-cache" not in r.headers


def test_cache_ttl_0_turns_the_cache_off(clean_sim, workdir):
    env = make_env(clean_sim, workdir, CACHE_TTL=0)
    c = Client(env, login(env))
    clean_sim.reset_stats()
    for _ in range(3):
        r = c.get(*PAGE)
        assert r.status == 200 and "x-cache" not in r.headers
    calls = clean_sim.stats()["execute_kw"]["product.product"]
    assert calls.get("web_search_read", 0) + calls.get("search_read", 0) == 3


def test_a_hit_costs_no_odoo_call(client, clean_sim):
    client.warm(*PAGE)
    clean_sim.reset_stats()
    assert xcache(client.get(*PAGE)) == "hit"
    assert clean_sim.stats()["execute_kw"] == {}


def test_a_revoked_token_is_never_served_from_the_cache(client):
    client.warm(*PAGE)
    r = run_cgi(client.env, method="DELETE", path="/token", headers={"Authorization": "Bearer " + client.token})
    assert r.status in (200, 204), r.raw
    r = client.get(*PAGE)
    assert r.status == 401 and "x-cache" not in r.headers


# --------------------------------------------------------- read your writes

def test_read_your_writes_create_update_delete(client):
    for res, body, change in (("products", {"name": "Cache test product", "list_price": 3.0}, {"list_price": 4.5}),
                              ("customers", {"name": "Cache test customer"}, {"city": "Sevilla"}),
                              ("suppliers", {"name": "Cache test supplier"}, {"city": "Cádiz"})):
        q = "_start=0&_end=1000"
        before = client.warm(res, q).json()
        r = client("POST", res, body=body)
        assert r.status == 201, r.raw
        rid = r.json()["id"]
        after = client.get(res, q)
        assert xcache(after) == "miss" and rid in [x["id"] for x in after.json()]
        assert len(after.json()) == len(before) + 1
        client.warm(res + "/%d" % rid)
        client.warm(res, q)
        assert client("PATCH", "%s/%d" % (res, rid), body=change).status == 200
        one = client.get("%s/%d" % (res, rid)).json()
        assert all(one[k] == v for k, v in change.items()), one
        row = [x for x in client.get(res, q).json() if x["id"] == rid][0]
        assert all(row[k] == v for k, v in change.items()), row
        assert client("DELETE", "%s/%d" % (res, rid)).status == 200
        assert client.get("%s/%d" % (res, rid)).status == 404
        assert rid not in [x["id"] for x in client.get(res, q).json()]


def test_read_your_writes_sale_lines_and_every_action(client):
    r = client("POST", "sales", body={"partner_id": 10, "lines": [{"product_id": 45, "product_uom_qty": 1}]})
    assert r.status == 201, r.raw
    sid = r.json()["id"]
    path = "sales/%d" % sid
    lines = client.warm(path).json()["lines"]
    client.warm("sales", "_start=0&_end=1000")

    # Sale lines: one changed, one added (one write on sale.order with line commands).
    d = client("PATCH", path, body={"lines": [{"id": lines[0]["id"], "product_uom_qty": 3},
                                              {"product_id": 5, "product_uom_qty": 2}]})
    assert d.status == 200, d.raw
    got = client.get(path).json()
    assert [(x["product_id"]["id"], x["product_uom_qty"]) for x in got["lines"]] == [(45, 3.0), (5, 2.0)]
    assert got["amount_total"] == d.json()["amount_total"]

    # Each workflow action: the record and the list show the new state at once.
    for action, state in (("confirm", "sale"), ("cancel", "cancel"), ("draft", "draft")):
        client.warm(path)
        client.warm("sales", "_start=0&_end=1000")
        r = client("POST", "%s/%s" % (path, action))
        assert r.status == 200 and r.json()["state"] == state, r.raw
        assert client.get(path).json()["state"] == state, action
        row = [x for x in client.get("sales", "_start=0&_end=1000").json() if x["id"] == sid][0]
        assert row["state"] == state, action


def test_a_write_to_a_related_model_shows_in_pages_that_name_it(client):
    """A sale shows its customer's name: renaming the customer through the bridge changes the sale's page."""
    sid = 1
    d = client.warm("sales/%d" % sid).json()
    pid = d["partner_id"]["id"]
    assert client("PATCH", "customers/%d" % pid, body={"name": "Renamed through the bridge"}).status == 200
    assert client.get("sales/%d" % sid).json()["partner_id"]["name"] == "Renamed through the bridge"


def test_a_failed_write_still_invalidates(client):
    """Odoo may have done part of a call that failed (a timeout): a refused write counts as a write."""
    assert client("POST", "sales/1/confirm").status == 200
    client.warm("sales/1")
    r = client("POST", "sales/1/confirm")     # confirmed already: Odoo refuses (422)
    assert r.status == 422
    assert xcache(client.get("sales/1")) == "miss"


# --------------------------------------------------------------- staleness

def test_outside_changes_show_after_cache_ttl(clean_sim, workdir, odoo):
    # 4 s, not 1: warm() needs two reads within CACHE_TTL, and a process
    # under sanitizers on a loaded machine may take a second to start.
    env = make_env(clean_sim, workdir, CACHE_TTL=4)
    c = Client(env, login(env))
    c.warm("products/45")
    odoo("product.product", "write", [45], {"name": "Changed in Odoo"})
    time.sleep(4.2)
    r = c.get("products/45")
    assert xcache(r) == "miss" and r.json()["name"] == "Changed in Odoo"


def test_lookups_live_cache_ttl_lookups(clean_sim, workdir, odoo):
    env = make_env(clean_sim, workdir, CACHE_TTL=4, CACHE_TTL_LOOKUPS=60)
    c = Client(env, login(env))
    cid = c.warm("categories", "_start=0&_end=1").json()[0]["id"]
    c.warm("products/45")
    old = c.get("categories/%d" % cid)
    c.warm("categories/%d" % cid)
    odoo("product.category", "write", [cid], {"name": "Changed in Odoo"})
    time.sleep(4.2)
    assert xcache(c.get("products/45")) == "miss", "CACHE_TTL=4 for the other resources"
    r = c.get("categories/%d" % cid)
    assert xcache(r) == "hit" and r.body == old.body, "categories live CACHE_TTL_LOOKUPS"


# ------------------------------------------------------------------ scope

@pytest.mark.parametrize("mode", ["user", "service"])
def test_one_users_page_is_never_served_to_another(clean_sim, workdir, mode):
    """Marc Demo (a salesman) sees only his own orders under Odoo's record
    rules; admin sees all.  In user mode each has his own entry; in service
    mode every call runs as the service account, so the page is the same."""
    env = make_env(clean_sim, workdir, CACHE_TTL=60, AUTH_MODE=mode)
    admin, demo = Client(env, login(env, "admin")), Client(env, login(env, "demo"))
    all_sales = admin.warm("sales", "_start=0&_end=1000").json()
    r = demo.get("sales", "_start=0&_end=1000")
    assert r.status == 200
    if mode == "user":
        assert xcache(r) == "miss"
        mine = r.json()
        assert 0 < len(mine) < len(all_sales)
        assert demo.warm("sales", "_start=0&_end=1000").json() == mine
        assert admin.get("sales", "_start=0&_end=1000").json() == all_sales
    else:
        assert xcache(r) == "hit" and r.json() == all_sales


# -------------------------------------------------------------- fields_get

@pytest.mark.parametrize("ttl", [60, 0])
def test_fields_get_is_shared_between_processes(clean_sim, workdir, ttl):
    """Each CGI request is a new process: with the cache on, fields_get is
    asked once per scope and model (CACHE_TTL_LOOKUPS), not once a request."""
    env = make_env(clean_sim, workdir, CACHE_TTL=ttl)
    c = Client(env, login(env))
    assert c.get("customers", "page=1&limit=5").status == 200
    clean_sim.reset_stats()
    assert c.get("customers", "page=2&limit=5").status == 200
    partner = clean_sim.stats()["execute_kw"].get("res.partner", {})
    assert ("fields_get" in partner) == (ttl == 0), partner
