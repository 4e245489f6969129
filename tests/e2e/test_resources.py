"""test_resources.py: the resources end to end (DESIGN.md section 3,
"Resources"): lists, paging, sorting, filters, one record, writes and their
errors for products, suppliers, customers, sales, categories and countries,
against the Odoo simulator.  Expected values come from the simulator itself
over XML-RPC, never from hard-coded counts.  Sale lines and the workflow are
in test_sales.py."""

import json
import math
import re
import subprocess
import xmlrpc.client
from urllib.parse import urlencode

import pytest

import harness
from harness import run_cgi

DB = "odoo_pelotazo"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
BAD_PAGINATION = "Parámetros de paginación inválidos"
ALLOW_READ_ONLY = "GET, HEAD, OPTIONS"
RECORD_NOT_FOUND = "Registro no encontrado"
BAD_BODY = "Cuerpo JSON mal formado"

# resource -> (model, base domain); DESIGN.md's table.
RES = {
    "products": ("product.product", []),
    "suppliers": ("res.partner", [["supplier_rank", ">", 0]]),
    "customers": ("res.partner", [["customer_rank", ">", 0]]),
    "sales": ("sale.order", []),
    "categories": ("product.category", []),
    "countries": ("res.country", []),
}
ALL = list(RES)
WRITABLE = ["products", "suppliers", "customers", "sales"]
READ_ONLY = ["categories", "countries"]

PARTNER_FIELDS = ("id name is_company email phone mobile vat street street2 city zip state_id country_id website "
                  "comment active supplier_rank customer_rank write_date").split()
# The exposed fields, as DESIGN.md lists them (the simulator has every one).
FIELDS = {
    "products": ("id name default_code barcode list_price standard_price categ_id type is_storable qty_available "
                 "uom_id sale_ok purchase_ok active description_sale write_date").split(),
    "suppliers": PARTNER_FIELDS,
    "customers": PARTNER_FIELDS,
    "sales": ("id name partner_id date_order validity_date state amount_untaxed amount_tax amount_total currency_id "
              "user_id note client_order_ref invoice_status write_date").split(),
    "categories": "id name complete_name parent_id".split(),
    "countries": "id name code".split(),
}
LINE_FIELDS = ("id product_id name product_uom_qty price_unit discount tax_id price_subtotal price_tax "
               "price_total").split()
# A sortable stored field of each resource, for order checks against the simulator.
SORT_FIELD = {"products": "list_price", "suppliers": "name", "customers": "name", "sales": "amount_total",
              "categories": "name", "countries": "code"}


# ------------------------------------------------------------------ helpers

class Odoo:
    """The simulator over XML-RPC as admin (uid 2): the source of expected values."""

    def __init__(self, url):
        self.proxy = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object", allow_none=False)
        self.types = {}

    def __call__(self, model, method, *args, **kwargs):
        return self.proxy.execute_kw(DB, 2, "admin", model, method, list(args), kwargs)

    def search(self, res, domain=(), **kw):
        model, base = RES[res]
        return self(model, "search", base + list(domain), **kw)

    def count(self, res, domain=(), **kw):
        model, base = RES[res]
        return self(model, "search_count", base + list(domain), **kw)

    def read(self, model, ids, fields):
        """read() under the API's field names, whatever this Odoo calls them
        (harness.RENAMED); a field it no longer has reads as False."""
        names = {f: harness.RENAMED.get((model, f), f) for f in fields if (model, f) not in harness.GONE}
        recs = self(model, "read", list(ids), fields=list(names.values()))
        return [{f: (r[names[f]] if f in names else False) for f in fields} | {"id": r["id"]} for r in recs]

    def ftypes(self, model):
        if model not in self.types:
            fg = self(model, "fields_get", attributes=["type"])
            types = {k: v["type"] for k, v in fg.items()}
            for (m, api), name in harness.RENAMED.items():
                if m == model:
                    types[api] = types[name]
            for m, api in harness.GONE:
                if m == model:
                    types[api] = "char"
            self.types[model] = types
        return self.types[model]

    def api_record(self, res, rid, fields=None, model=None):
        """Record rid as the API must answer it, from what Odoo has (DESIGN's value mapping)."""
        model = model or RES[res][0]
        fields = fields or FIELDS[res]
        rec = self.read(model, [rid], fields)[0]
        types = self.ftypes(model)
        return {f: api_value(types[f], rec[f]) for f in fields}

    def sale_lines(self, order_id):
        ids = self("sale.order", "read", [order_id], fields=["order_line"])[0]["order_line"]
        return [self.api_record(None, i, LINE_FIELDS, "sale.order.line") for i in ids]


def api_value(ftype, v):
    if ftype == "boolean":
        return v
    if v is False:
        return None
    if ftype == "many2one":
        return {"id": v[0], "name": v[1]}
    if ftype == "datetime":
        return v.replace(" ", "T") + "Z"
    return v


class Api:
    """The bridge as CGI with a bearer token."""

    def __init__(self, env, token):
        self.env, self.token = env, token

    def __call__(self, method, path, query="", body=None, raw=None, content_type=None, headers=None, env=None,
                 token=None):
        if not isinstance(query, str):
            query = urlencode(query)
        if body is not None:
            raw = json.dumps(body).encode()
            content_type = content_type or JSON
        h = {"Authorization": "Bearer " + (token or self.token)}
        h.update(headers or {})
        r = run_cgi(env or self.env, method=method, path="/api/v1/" + path, query=query, body=raw or b"",
                    headers=h, content_type=content_type)
        # Sanitizer builds report leaks and undefined behaviour here, after the answer is out.
        assert r.returncode == 0, (method, path, r.returncode, r.stderr[-3000:])
        assert "runtime error" not in r.stderr and "Sanitizer" not in r.stderr, r.stderr[-3000:]
        return r

    def get(self, path, query="", **kw):
        return self("GET", path, query, **kw)


def login(env, username="admin", password="admin"):
    r = run_cgi(env, method="POST", path="/token",
                body=("username=%s&password=%s" % (username, harness.secret(username, password))).encode(),
                content_type=FORM)
    assert r.status == 200, r.raw
    return r.json()["access_token"]


def ok(r, status=200):
    assert r.status == status, (r.status, r.body[:2000], r.stderr[-2000:])
    return r.json()


def error(r, status):
    """The error envelope of r, checked for status and shape."""
    assert r.status == status, (r.status, r.body[:2000])
    d = r.json()
    assert d["statusCode"] == status and d["detail"] == d["message"], d
    return d


def total_of(r):
    return int(r.headers["x-total-count"])


def ids_of(items):
    return [x["id"] for x in items]


# ----------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def menv(sim):
    d = harness.tmpdir()
    yield harness.bridge_env(sim.url, d)
    import shutil
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def token(menv):
    return login(menv)


@pytest.fixture(scope="module")
def api(menv, token):
    return Api(menv, token)


@pytest.fixture(scope="module")
def odoo(sim):
    return Odoo(sim.url)


# -------------------------------------------------------------------- lists

@pytest.mark.parametrize("res", ALL)
def test_envelope_page_limit(sim, api, odoo, res):
    total = odoo.count(res)
    assert total > 5, "the demo data gives every list more than one page"
    field = SORT_FIELD[res]
    for page in (1, 2, math.ceil(total / 5)):
        r = api.get(res, {"page": page, "limit": 5, "sort": field})
        d = ok(r)
        assert set(d) == {"items", "total", "page", "limit", "pages"}
        assert (d["total"], d["page"], d["limit"], d["pages"]) == (total, page, 5, math.ceil(total / 5))
        assert total_of(r) == total
        want = odoo.search(res, offset=(page - 1) * 5, limit=5, order="%s asc, id asc" % field)
        assert ids_of(d["items"]) == want
        assert all(set(x) == set(FIELDS[res]) for x in d["items"])


@pytest.mark.parametrize("res", ALL)
def test_range_start_end_is_an_array(sim, api, odoo, res):
    total = odoo.count(res)
    r = api.get(res, "_start=3&_end=8&_sort=id&_order=desc")
    items = ok(r)
    assert isinstance(items, list) and total_of(r) == total
    assert ids_of(items) == odoo.search(res, offset=3, limit=5, order="id desc")
    # An empty range only counts.
    r = api.get(res, "_start=4&_end=4")
    assert ok(r) == [] and total_of(r) == total


@pytest.mark.parametrize("res", ALL)
def test_no_paging_all_records_then_capped_at_list_max(sim, api, odoo, res):
    total = odoo.count(res)
    r = api.get(res)
    items = ok(r)
    assert isinstance(items, list) and total_of(r) == total
    assert sorted(ids_of(items)) == sorted(odoo.search(res))
    r = api.get(res, env=dict(api.env, LIST_MAX="4"))
    items = ok(r)
    assert len(items) == 4 and total_of(r) == total
    # _start/_end wider than LIST_MAX is cut, not refused.
    r = api.get(res, "_start=1&_end=50", env=dict(api.env, LIST_MAX="3"))
    assert len(ok(r)) == 3 and total_of(r) == total


@pytest.mark.parametrize("res", ALL)
def test_pages_never_overlap_nor_skip(sim, api, odoo, res):
    """Every page at every offset, in both paging styles, adds up to the whole list in its order."""
    want = odoo.search(res)
    whole = ids_of(ok(api.get(res)))
    assert sorted(whole) == sorted(want)
    pages = math.ceil(len(want) / 7)
    walked = []
    for page in range(1, pages + 2):
        d = ok(api.get(res, {"page": page, "limit": 7}))
        assert d["total"] == len(want) and d["pages"] == pages
        walked += ids_of(d["items"])
    assert walked == whole
    walked = []
    for start in range(0, len(want) + 7, 7):
        r = api.get(res, {"_start": start, "_end": start + 7})
        assert total_of(r) == len(want)
        walked += ids_of(ok(r))
    assert walked == whole


@pytest.mark.parametrize("query,param", [
    ("page=0", "page"), ("limit=0", "limit"), ("limit=101", "limit"), ("page=-1", "page"),
    ("page=x", "page"), ("limit=ten", "limit"), ("page=1.5", "page"), ("limit=", "limit"),
    ("page=99999999999", "page"), ("page=1&page=2", "page"),
    ("_start=5&_end=2", "_end"), ("_start=-1&_end=2", "_start"), ("_start=a&_end=2", "_start"),
    ("_start=0&_end=z", "_end"), ("_end=0x10", "_end"),
    ("page=1&_start=0", "page"),
])
def test_bad_pagination_is_400(sim, api, query, param):
    d = error(api.get("products", query), 400)
    assert d["detail"] == BAD_PAGINATION
    assert list(d["errors"]) == [param], d


@pytest.mark.parametrize("res", ALL)
def test_bad_pagination_every_resource(sim, api, res):
    for q in ("page=0", "limit=101", "_start=9&_end=1"):
        assert error(api.get(res, q), 400)["detail"] == BAD_PAGINATION


# ------------------------------------------------------------------ sorting

@pytest.mark.parametrize("res", ALL)
def test_sort_one_field_both_directions(sim, api, odoo, res):
    field = SORT_FIELD[res]
    for direction in ("asc", "desc"):
        items = ok(api.get(res, {"_sort": field, "_order": direction}))
        values = [x[field] for x in items]
        assert values == sorted(values, reverse=direction == "desc")
        assert len(set(values)) > 1, "a sort that cannot fail"
        # Ties broken by id ascending, as the simulator orders them.
        assert ids_of(items) == odoo.search(res, order="%s %s, id asc" % (field, direction))
        minus = ok(api.get(res, {"sort": ("-" if direction == "desc" else "") + field}))
        assert ids_of(minus) == ids_of(items)


def test_sort_two_fields(sim, api, odoo):
    items = ok(api.get("products", "_sort=categ_id,list_price&_order=asc,desc"))
    want = odoo.search("products", order="categ_id asc, list_price desc, id asc")
    assert ids_of(items) == want
    assert ids_of(ok(api.get("products", "sort=categ_id,-list_price"))) == want
    # Within one category, prices go down.
    by_categ = {}
    for x in items:
        by_categ.setdefault(x["categ_id"]["id"], []).append(x["list_price"])
    assert any(len(v) > 1 for v in by_categ.values())
    assert all(v == sorted(v, reverse=True) for v in by_categ.values())
    items = ok(api.get("customers", "_sort=is_company,name&_order=desc,asc"))
    assert ids_of(items) == odoo.search("customers", order="is_company desc, name asc, id asc")


@pytest.mark.parametrize("res,query,param,field", [
    ("products", "_sort=nope", "_sort", "nope"),
    ("products", "sort=-nope", "sort", "nope"),
    ("products", "_sort=qty_available", "_sort", "qty_available"),
    ("products", "sort=name,-qty_available", "sort", "qty_available"),
    ("sales", "_sort=lines", "_sort", "lines"),
    ("customers", "_sort=name,mobile_x&_order=asc,asc", "_sort", "mobile_x"),
    ("countries", "_sort=code&_order=sideways", "_order", None),
    ("categories", "_sort=name,parent_id&_order=asc", "_order", None),
    ("suppliers", "_order=desc", "_order", None),
    ("sales", "_sort=name&sort=name", "sort", None),
])
def test_bad_sort_is_400_naming_the_field(sim, api, res, query, param, field):
    d = error(api.get(res, query), 400)
    assert list(d["errors"]) == [param], d
    if field is not None:
        assert field in d["errors"][param][0], d


# ------------------------------------------------------------------ filters

# (resource, query, the same filter as an Odoo domain)
FILTERS = [
    ("products", "type=service", [["type", "=", "service"]]),
    ("products", "categ_id=8&categ_id=5", [["categ_id", "in", [8, 5]]]),
    ("products", "type_ne=consu", [["type", "!=", "consu"]]),
    ("products", "list_price_gte=100&list_price_lt=500", [["list_price", ">=", 100], ["list_price", "<", 500]]),
    ("products", "list_price_gt=100&list_price_lte=295", [["list_price", ">", 100], ["list_price", "<=", 295]]),
    ("products", "name_like=desk", [["name", "ilike", "desk"]]),
    ("products", "q=desk", ["|", "|", ["name", "ilike", "desk"], ["default_code", "ilike", "desk"],
                           ["barcode", "ilike", "desk"]]),
    ("products", "q=FURN_66", ["|", "|", ["name", "ilike", "FURN_66"], ["default_code", "ilike", "FURN_66"],
                              ["barcode", "ilike", "FURN_66"]]),
    ("products", "sale_ok=false", [["sale_ok", "=", False]]),
    ("products", "active=false", [["active", "=", False]]),
    ("products", "id=45&id=31&id=6", [["id", "in", [45, 31, 6]]]),
    ("products", "categ_id_like=office", [["categ_id", "ilike", "office"]]),
    ("products", "barcode=null", [["barcode", "=", False]]),
    ("products", "default_code_ne=", [["default_code", "!=", False]]),
    ("suppliers", "supplier_rank_gte=2", [["supplier_rank", ">=", 2]]),
    ("suppliers", "q=ventas", ["|", "|", "|", ["name", "ilike", "ventas"], ["email", "ilike", "ventas"],
                              ["phone", "ilike", "ventas"], ["vat", "ilike", "ventas"]]),
    ("customers", "country_id=233", [["country_id", "=", 233]]),
    ("customers", "is_company=false&name_like=a", [["is_company", "=", False], ["name", "ilike", "a"]]),
    ("customers", "q=azure", ["|", "|", "|", ["name", "ilike", "azure"], ["email", "ilike", "azure"],
                             ["phone", "ilike", "azure"], ["vat", "ilike", "azure"]]),
    ("customers", "id=15&id=10", [["id", "in", [15, 10]]]),
    ("sales", "partner_id=10", [["partner_id", "=", 10]]),
    ("sales", "state=sale", [["state", "=", "sale"]]),
    ("sales", "state=sale&state=cancel", [["state", "in", ["sale", "cancel"]]]),
    ("sales", "state_ne=draft&state_ne=sale", [["state", "not in", ["draft", "sale"]]]),
    ("sales", "amount_total_gt=1000", [["amount_total", ">", 1000]]),
    ("sales", "date_order_gte=2026-11-10", [["date_order", ">=", "2026-11-10 00:00:00"]]),
    # 12:05 at +02:00 is S00005's 10:05 UTC: strictly before it.
    ("sales", "date_order_lt=2026-10-30T12:05:00%2B02:00", [["date_order", "<", "2026-10-30 10:05:00"]]),
    ("sales", "date_order_lte=2026-10-30T10:05:00Z", [["date_order", "<=", "2026-10-30 10:05:00"]]),
    ("sales", "validity_date_lte=2026-11-30", [["validity_date", "<=", "2026-11-30"]]),
    ("sales", "q=S0001", ["|", "|", ["name", "ilike", "S0001"], ["partner_id", "ilike", "S0001"],
                          ["client_order_ref", "ilike", "S0001"]]),
    ("sales", "q=deco", ["|", "|", ["name", "ilike", "deco"], ["partner_id", "ilike", "deco"],
                         ["client_order_ref", "ilike", "deco"]]),
    ("categories", "parent_id=2", [["parent_id", "=", 2]]),
    ("categories", "name_like=furn", [["name", "ilike", "furn"]]),
    ("countries", "code=US", [["code", "=", "US"]]),
    ("countries", "q=uni", ["|", ["name", "ilike", "uni"], ["code", "ilike", "uni"]]),
]


@pytest.mark.parametrize("res,query,domain", FILTERS, ids=[r + "?" + q for r, q, _ in FILTERS])
def test_filter_matches_odoo(sim, api, odoo, res, query, domain):
    want = odoo.search(res, domain)
    everything = odoo.count(res, context={"active_test": False})
    assert 0 < len(want) < everything, "a filter that cannot fail: %d of %d" % (len(want), everything)
    r = api.get(res, query)
    assert total_of(r) == len(want)
    assert sorted(ids_of(ok(r))) == sorted(want)
    # The same filter with paging: the count still comes from Odoo.
    r = api.get(res, query + "&page=1&limit=1")
    d = ok(r)
    assert d["total"] == len(want) == total_of(r)


@pytest.mark.parametrize("res,query,param", [
    ("products", "nope=1", "nope"),
    ("products", "name_nope=1", "name_nope"),
    ("products", "list_price_gte=abc", "list_price_gte"),
    ("products", "list_price=1e999", "list_price"),
    ("products", "sale_ok=maybe", "sale_ok"),
    ("products", "sale_ok=", "sale_ok"),
    ("products", "categ_id=abc", "categ_id"),
    ("products", "categ_id=0", "categ_id"),
    ("products", "name_gt=x", "name_gt"),
    ("products", "sale_ok_like=x", "sale_ok_like"),
    ("products", "write_date_gte=yesterday", "write_date_gte"),
    ("products", "type=gadget", "type"),
    ("products", "lines=1", "lines"),
    ("suppliers", "customer_rank_gte=x", "customer_rank_gte"),
    ("customers", "country_id=US", "country_id"),
    ("sales", "date_order_gte=2026-13-01", "date_order_gte"),
    ("sales", "validity_date=2026-02-30", "validity_date"),
    ("sales", "state=bogus", "state"),
    ("sales", "partner_id=abc", "partner_id"),
    ("sales", "amount_total_lt=", "amount_total_lt"),
    ("categories", "complete_name_gte=a", "complete_name_gte"),
    ("countries", "nope_like=x", "nope_like"),
    ("countries", "id=x", "id"),
    # Text XML cannot carry (odoo.c refused the whole call, as a 422).
    ("products", "name_like=a%01", "name_like"),
    ("products", "name=%EF%BF%BE", "name"),
    ("sales", "partner_id_like=%07", "partner_id_like"),
    ("customers", "q=%1b", "q"),
])
def test_bad_filter_is_400_naming_the_parameter(sim, api, res, query, param):
    d = error(api.get(res, query), 400)
    assert list(d["errors"]) == [param], d


def test_filters_and_base_domain(sim, api, odoo):
    """A filter never widens a list beyond its base domain."""
    only_customers = odoo.search("customers", [["supplier_rank", "=", 0]])
    assert only_customers
    r = api.get("suppliers", {"id": only_customers[0]})
    assert ok(r) == [] and total_of(r) == 0
    # getMany past LIST_MAX still gets every record it names.
    some = odoo.search("products", limit=6)
    r = api.get("products", [("id", i) for i in some], env=dict(api.env, LIST_MAX="2"))
    assert sorted(ids_of(ok(r))) == sorted(some)


# ------------------------------------------------------ Odoo round trips

def execute_kw_calls(stats):
    return sum(n for methods in stats["execute_kw"].values() for n in methods.values())


@pytest.fixture
def fcgi_bridge(clean_sim, workdir):
    b = harness.ListeningBridge(harness.bridge_env(clean_sim.url, workdir), workdir)
    yield b
    b.stop()


def test_round_trips_per_page(clean_sim, fcgi_bridge, token, odoo):
    def get(res, query=""):
        r = fcgi_bridge.request("GET", "/api/v1/" + res, query=query, headers={"Authorization": "Bearer " + token})
        assert total_of(r) == totals[res], (res, query)
        return ok(r)

    totals = {res: odoo.count(res) for res in ALL}
    for res in ALL:        # warm up: service login and every schema
        get(res, "page=1&limit=1")
    # web_search_read answers a page with its total: one round trip for
    # any page, plus a search_count for an empty page past the first
    # (Odoo answers length 0 there without counting).
    cases = []
    for res in ALL:
        n = totals[res]
        last = math.ceil(n / 7)
        cases += [
            (res, "", 1),                                  # short first page (all records)
            (res, "page=1&limit=%d" % (n + 1), 1),         # short first page, envelope
            (res, "_start=0&_end=%d" % (n + 5), 1),        # short first page, range
            (res, "page=1&limit=7", 1),                    # full page: Odoo counts in the same call
            (res, "page=%d&limit=7" % last, 1),            # last page
            (res, "page=%d&limit=7" % (last + 2), 2),      # past the end: empty, then counted
            (res, "_start=7&_end=14", 1 if n > 7 else 2),
            (res, "_start=%d&_end=%d" % (n - 1, n + 6), 1),
            (res, "_start=%d&_end=%d" % (n + 3, n + 6), 2),
            (res, "_start=3&_end=3", 1),                   # empty range: only counted
        ]
    for res, query, want in cases:
        clean_sim.reset_stats()
        get(res, query)
        s = clean_sim.stats()
        calls = execute_kw_calls(s)
        assert calls == want, (res, query, s)
        assert not s["common"], "no new login once warm: %r" % s


# --------------------------------------------------------------- one record

@pytest.mark.parametrize("res", ALL)
def test_get_one_as_odoo_has_it(sim, api, odoo, res):
    for rid in odoo.search(res, limit=3, order="id desc"):
        d = ok(api.get("%s/%d" % (res, rid)))
        want = odoo.api_record(res, rid)
        if res == "sales":
            assert [x["id"] for x in d.pop("lines")] == odoo(
                "sale.order", "read", [rid], fields=["order_line"])[0]["order_line"]
        assert d == want
        assert list(d) == FIELDS[res], "fields in table order"


def test_get_product_45_as_design_shows(sim, api):
    d = ok(api.get("products/45"))
    assert d["name"] == "Customizable Desk" and d["default_code"] == "DESK0005"
    assert d["barcode"] is None
    assert d["categ_id"] == {"id": 8, "name": "All / Saleable / Office Furniture"}
    assert d["uom_id"] == {"id": 1, "name": "Units"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["write_date"])
    assert d["sale_ok"] is True and d["active"] is True


@pytest.mark.parametrize("res", ALL)
@pytest.mark.parametrize("rid", ["999999", "abc", "0", "-1", "1.0", "99999999999", "45x"])
def test_get_missing_or_malformed_id_is_404(sim, api, res, rid):
    assert error(api.get("%s/%s" % (res, rid)), 404)["detail"] == RECORD_NOT_FOUND


def test_get_outside_base_domain_is_404(sim, api, odoo):
    customer_only = odoo.search("customers", [["supplier_rank", "=", 0]], limit=1)[0]
    supplier_only = odoo.search("suppliers", [["customer_rank", "=", 0]], limit=1)[0]
    neither = odoo("res.partner", "search", [["customer_rank", "=", 0], ["supplier_rank", "=", 0]], limit=1)[0]
    assert ok(api.get("customers/%d" % customer_only))["id"] == customer_only
    error(api.get("suppliers/%d" % customer_only), 404)
    assert ok(api.get("suppliers/%d" % supplier_only))["id"] == supplier_only
    error(api.get("customers/%d" % supplier_only), 404)
    for res in ("customers", "suppliers"):
        error(api.get("%s/%d" % (res, neither)), 404)


def test_unknown_resource_is_404(sim, api):
    for path in ("nope", "nope/1", "sale_lines", "sale_lines/1"):
        error(api.get(path), 404)
    error(api("POST", "nope", body={"name": "x"}), 404)


def test_archived_record_is_still_found(sim, api, odoo):
    archived = odoo.search("products", [["active", "=", False]], limit=1)[0]
    d = ok(api.get("products/%d" % archived))
    assert d["active"] is False


# ------------------------------------------------------------------- writes

# resource -> (create body, update body, put body, the field whose value the update shows)
WRITES = {
    "products": ({"name": "E2E Widget", "default_code": "E2E-W1", "list_price": 12.5, "categ_id": 8,
                  "type": "consu", "sale_ok": True, "description_sale": "A widget"},
                 {"list_price": 15.25, "barcode": "8400000000017", "categ_id": {"id": 5, "name": "ignored"},
                  "description_sale": None},
                 {"name": "E2E Widget Mk II", "purchase_ok": False}),
    "suppliers": ({"name": "E2E Supplier SL", "is_company": True, "email": "buy@e2e.example", "country_id": 233,
                   "city": "Austin", "vat": "ESB00000000"},
                  {"phone": "+34 600 000 000", "country_id": None, "website": "https://e2e.example"},
                  {"name": "E2E Supplier SA", "street2": "Nave 4"}),
    "customers": ({"name": "E2E Customer", "is_company": False, "email": "c@e2e.example", "street": "Calle 1",
                   "zip": "28001"},
                  # Odoo 19 has no mobile: there it is null and read-only (test below).
                  {"country_id": {"id": 233}, "active": False} if ("res.partner", "mobile") in harness.GONE
                  else {"mobile": "+34 611", "country_id": {"id": 233}, "active": False},
                  {"name": "E2E Customer Renamed", "active": True}),
}


@pytest.mark.parametrize("res", list(WRITES))
def test_create_update_put_delete(clean_sim, api, odoo, res):
    create, update, put = WRITES[res]
    model = RES[res][0]

    r = api("POST", res, body=create)
    d = ok(r, 201)
    rid = d["id"]
    assert r.headers["location"] == "/api/v1/%s/%d" % (res, rid)
    assert d == odoo.api_record(res, rid), "the created record as read back"
    for k, v in create.items():
        assert (d[k]["id"] if isinstance(d[k], dict) else d[k]) == v, k
    if res == "suppliers":
        assert (d["supplier_rank"], d["customer_rank"]) == (1, 0)
    if res == "customers":
        assert (d["customer_rank"], d["supplier_rank"]) == (1, 0)
    assert ok(api.get("%s/%d" % (res, rid))) == d
    assert rid in ids_of(ok(api.get(res, {"id": rid})))

    r = api("PATCH", "%s/%d" % (res, rid), body=update)
    d = ok(r)
    assert d == odoo.api_record(res, rid)
    for k, v in update.items():
        got = d[k]["id"] if isinstance(d[k], dict) else d[k]
        assert got == (v["id"] if isinstance(v, dict) else v), k
    assert d["name"] == create["name"], "PATCH changes only the given fields"

    r = api("PUT", "%s/%d" % (res, rid), body=put)
    d = ok(r)
    assert d == odoo.api_record(res, rid)
    for k, v in put.items():
        assert d[k] == v
    before = ok(api.get("%s/%d" % (res, rid)))

    r = api("DELETE", "%s/%d" % (res, rid))
    assert ok(r) == before, "DELETE answers the record as it was"
    error(api.get("%s/%d" % (res, rid)), 404)
    error(api("DELETE", "%s/%d" % (res, rid)), 404)
    error(api("PATCH", "%s/%d" % (res, rid), body={"name": "ghost"}), 404)
    assert odoo(model, "search_count", [["id", "=", rid]], context={"active_test": False}) == 0


def test_patch_nothing_changes_nothing(clean_sim, api, odoo):
    before = ok(api.get("products/45"))
    clean_sim.reset_stats()
    d = ok(api("PATCH", "products/45", body={}))
    assert d == before
    assert "write" not in clean_sim.stats()["execute_kw"].get("product.product", {})


# resource -> (a body with a read-only field, that field)
READ_ONLY_FIELDS = [
    ("products", {"name": "x", "qty_available": 3}, "qty_available"),
    ("products", {"name": "x", "write_date": "2026-01-01T00:00:00Z"}, "write_date"),
    ("products", {"id": 45, "name": "x"}, "id"),
    ("suppliers", {"name": "x", "supplier_rank": 5}, "supplier_rank"),
    ("customers", {"name": "x", "customer_rank": 0}, "customer_rank"),
    ("sales", {"partner_id": 10, "state": "sale"}, "state"),
    ("sales", {"partner_id": 10, "amount_total": 1}, "amount_total"),
    ("sales", {"partner_id": 10, "name": "S99999"}, "name"),
]


@pytest.mark.parametrize("res,body,field", READ_ONLY_FIELDS + [
    ("products", {"name": "x", "nope": 1}, "nope"),
    ("suppliers", {"name": "x", "customer": True}, "customer"),
    ("sales", {"partner_id": 10, "order_line": []}, "order_line"),
    ("products", {"name": "x", "list_price": "cheap"}, "list_price"),
    # json-c saturates integers past 64 bits; they must not reach Odoo as +-2^63.
    ("products", {"name": "x", "list_price": 12345678901234567890}, "list_price"),
    ("products", {"name": "x", "standard_price": -10 ** 23}, "standard_price"),
    ("sales", {"partner_id": 10, "lines": [{"product_id": 5, "product_uom_qty": 2 ** 64 - 1}]},
     "lines.0.product_uom_qty"),
    ("products", {"name": "x", "type": "gadget"}, "type"),
    ("products", {"name": "x", "sale_ok": "yes"}, "sale_ok"),
    ("products", {"name": "x", "categ_id": "All"}, "categ_id"),
    ("customers", {"name": 42}, "name"),
    ("sales", {"partner_id": 10, "date_order": "yesterday"}, "date_order"),
    ("sales", {"partner_id": 10, "validity_date": "2026-02-30"}, "validity_date"),
])
def test_bad_body_field_is_400_naming_it(clean_sim, api, odoo, res, body, field):
    model = RES[res][0]
    before = odoo(model, "search_count", [], context={"active_test": False})
    d = error(api("POST", res, body=body), 400)
    assert field in d["errors"], d
    assert odoo(model, "search_count", [], context={"active_test": False}) == before, "nothing created"
    rid = odoo.search(res, limit=1)[0]
    before = odoo.api_record(res, rid)
    d = error(api("PATCH", "%s/%d" % (res, rid), body=body), 400)
    assert field in d["errors"], d
    assert odoo.api_record(res, rid) == before, "nothing written"


def test_every_bad_field_named_at_once(clean_sim, api):
    d = error(api("POST", "products", body={"name": "x", "nope": 1, "qty_available": 2, "list_price": "x"}), 400)
    assert set(d["errors"]) == {"nope", "qty_available", "list_price"}


@pytest.mark.parametrize("res", WRITABLE)
@pytest.mark.parametrize("raw", [b'{"name": ', b"[1, 2]", b"\"name\"", b"{'name': 'x'}", b'{"name": "x"} {}',
                                 b'{"name": NaN}', b"", b'{"name": "\xff"}', b'{"list_price": 1.}',
                                 b'{"list_price": -.5}'])
def test_malformed_json_is_400(sim, api, res, raw):
    for method, path in (("POST", res), ("PATCH", res + "/1")):
        r = api(method, path, raw=raw, content_type=JSON)
        assert error(r, 400)["detail"] == BAD_BODY, (method, raw)


@pytest.mark.parametrize("res", WRITABLE)
@pytest.mark.parametrize("ctype", ["text/plain", FORM, "application/jsonp", None])
def test_wrong_content_type_is_415(sim, api, res, ctype):
    for method, path in (("POST", res), ("PATCH", res + "/1"), ("PUT", res + "/1")):
        r = api(method, path, raw=b'{"name": "x"}', content_type=ctype)
        error(r, 415)


def test_json_content_type_with_charset_is_accepted(clean_sim, api):
    r = api("POST", "customers", raw=b'{"name": "Charset"}', content_type="application/json; charset=utf-8")
    ok(r, 201)


def test_required_fields_are_named_and_odoos_defaults_apply(clean_sim, api, odoo):
    n = odoo.count("products")
    d = error(api("POST", "products", body={"list_price": 3}), 400)
    assert d["errors"] == {"name": ["Campo obligatorio"]}, d
    assert odoo.count("products") == n
    # categ_id, type and uom_id are required too, but Odoo has defaults for them.
    p = ok(api("POST", "products", body={"name": "Defaults"}), 201)
    assert p["categ_id"] is not None and p["uom_id"] is not None and p["type"], p


def test_odoo_refusals_are_422_with_odoos_message(clean_sim, api, odoo):
    # A partner that a sale order references cannot be deleted (sale_order_partner_id_fkey).
    partner = odoo("sale.order", "read", [1], fields=["partner_id"])[0]["partner_id"][0]
    assert odoo.count("customers", [["id", "=", partner]]) == 1
    d = error(api("DELETE", "customers/%d" % partner), 422)
    assert "another model requires the record being deleted" in d["detail"]
    assert "sale_order_partner_id_fkey" in d["detail"]
    assert "Traceback" not in d["detail"]
    assert odoo.count("customers", [["id", "=", partner]]) == 1, "nothing deleted, nothing archived"
    assert odoo("res.partner", "read", [partner], fields=["active"])[0]["active"] is True
    # Contacts require a name.
    d = error(api("POST", "customers", body={"name": ""}), 422)
    assert d["detail"] == "The operation cannot be completed: Contacts require a name"
    d = error(api("PATCH", "suppliers/%d" % odoo.search("suppliers", limit=1)[0], body={"name": None}), 422)
    assert "Contacts require a name" in d["detail"]
    # A product that sale lines reference cannot be deleted either.
    product = odoo("sale.order.line", "read", [1], fields=["product_id"])[0]["product_id"][0]
    d = error(api("DELETE", "products/%d" % product), 422)
    assert "another model requires the record being deleted" in d["detail"]


@pytest.mark.parametrize("res", READ_ONLY)
def test_read_only_resources_refuse_writes_with_405(clean_sim, api, odoo, res):
    rid = odoo.search(res, limit=1)[0]
    clean_sim.reset_stats()
    for method, path, body in (("POST", res, {"name": "x"}), ("PATCH", "%s/%d" % (res, rid), {"name": "x"}),
                               ("PUT", "%s/%d" % (res, rid), {"name": "x"}), ("DELETE", "%s/%d" % (res, rid), None),
                               ("PUT", res, {"name": "x"}), ("POST", "%s/%d" % (res, rid), {"name": "x"})):
        r = api(method, path, body=body)
        error(r, 405)
        assert r.headers["allow"] == ALLOW_READ_ONLY, (method, path, r.headers)
    assert execute_kw_calls(clean_sim.stats()) == 0, "refused without asking Odoo"
    ok(api.get("%s/%d" % (res, rid)))


def test_limited_service_account_gets_403_on_writes(clean_sim, api, odoo):
    """AUTH_MODE=service: data calls run as the service account, whatever the token's user: one
    without product rights (demo, a salesman) makes every product write a 403."""
    demo = dict(api.env, ODOO_USERNAME="demo", ODOO_PASSWORD="demo", AUTH_MODE="service")
    if harness.PROTOCOL == "json2":
        demo["ODOO_API_KEY"] = harness.sim_api_key("demo", "demo")
    assert ok(api.get("products/45", env=demo))["id"] == 45, "reads work"
    before = odoo.api_record("products", 45)
    n = odoo.count("products")
    for method, path, body in (("POST", "products", {"name": "Nope"}), ("PATCH", "products/45", {"list_price": 1}),
                               ("PUT", "products/45", {"name": "Nope"}), ("DELETE", "products/45", None)):
        r = api(method, path, body=body, env=demo)
        d = error(r, 403)
        assert "Traceback" not in d["detail"]
    assert odoo.api_record("products", 45) == before and odoo.count("products") == n


def test_writes_are_logged_with_who_what_id_outcome(clean_sim, api, menv, odoo):
    demo_token = login(menv, "demo", "demo")
    r = api("POST", "customers", body={"name": "Logged"}, token=demo_token)
    rid = ok(r, 201)["id"]
    assert "create customers id=%d by demo: created" % rid in r.stderr, r.stderr
    r = api("PATCH", "customers/%d" % rid, body={"city": "Sevilla"})
    ok(r)
    assert "update customers id=%d by admin: updated" % rid in r.stderr, r.stderr
    r = api("DELETE", "customers/%d" % rid, token=demo_token)
    ok(r)
    assert "delete customers id=%d by demo: deleted" % rid in r.stderr, r.stderr
    r = api("DELETE", "customers/10")
    error(r, 422)
    lines = [l for l in r.stderr.splitlines() if "delete customers id=10 by admin: " in l]
    assert len(lines) == 1 and "deleted" not in lines[0], r.stderr
    r = api("POST", "customers", body={"name": ""})
    assert re.search(r"create customers id=0 by admin: \S", r.stderr), r.stderr
    # A refused body is not a write: nothing to log as one.
    r = api("POST", "customers", body={"nope": 1})
    assert "create customers" not in r.stderr


def test_list_headers_cors_head_and_english(sim, api, odoo):
    total = odoo.count("products")
    r = api.get("products", "_start=0&_end=2", headers={"Origin": "http://localhost:5173"})
    assert total_of(r) == total
    assert "X-Total-Count" in r.headers["access-control-expose-headers"]
    r = api("HEAD", "products", "page=1&limit=2")
    assert r.status == 200 and r.body == b"" and total_of(r) == total
    d = error(api.get("products", "nope=1&page=1", headers={"Accept-Language": "en"}), 400)
    assert d["detail"] == "Invalid query parameter" and d["errors"] == {"nope": ["Unknown parameter"]}
    d = error(api.get("products", "page=0", headers={"Accept-Language": "en"}), 400)
    assert d["detail"] == "Invalid pagination parameters"
    d = error(api("POST", "products", body={"qty_available": 1}, headers={"Accept-Language": "en"}), 400)
    assert d["errors"] == {"qty_available": ["Read-only field"]}


def test_location_under_a_prefix(clean_sim, api):
    """Mounted under /erp (SCRIPT_NAME), the Location of a created record keeps the prefix."""
    body = json.dumps({"name": "Prefixed"}).encode()
    cgi = harness.cgi_env(api.env, "POST", "/api/v1/customers", "", body,
                          {"Authorization": "Bearer " + api.token}, JSON)
    cgi["SCRIPT_NAME"] = "/erp"
    p = subprocess.run(harness.BRIDGE_WRAPPER + [harness.BRIDGE], input=body, env=cgi, capture_output=True,
                       timeout=30)
    r = harness.CgiResult(p.stdout, p.stderr, p.returncode)
    d = ok(r, 201)
    assert r.headers["location"] == "/erp/api/v1/customers/%d" % d["id"]


def test_characters_xml_rpc_cannot_carry_are_refused_in_bodies(clean_sim, api, odoo):
    """Control characters and U+FFFE/U+FFFF: XML 1.0 cannot carry them at all.  A 400 naming
    the field, before Odoo."""
    rid = odoo.search("customers", limit=1)[0]
    before = odoo.api_record("customers", rid)
    for body, key in (({"name": "Caf\u00e9 \U0001F600\u0007"}, "name"), ({"comment": "\U0001F44D\u0008"}, "comment"),
                      ({"street": "a\u0001b"}, "street"), ({"city": "esc\u001b[0m"}, "city"),
                      ({"zip": "\ufffe"}, "zip")):
        d = error(api("PATCH", "customers/%d" % rid, body=body), 400)
        assert list(d["errors"]) == [key], d
    d = error(api("POST", "sales", body={"partner_id": rid, "lines": [{"product_id": 5, "name": "\u0007"}]}), 400)
    assert list(d["errors"]) == ["lines.0.name"]
    assert odoo.api_record("customers", rid) == before
    # Accented letters and other BMP characters are fine.
    d = ok(api("PATCH", "customers/%d" % rid, body={"name": "Lucía Ñandú \u20ac\u4e2d", "comment": "a\tb\nc"}))
    assert d["name"] == "Lucía Ñandú \u20ac\u4e2d" and d["comment"] == "a\tb\nc"


def test_record_with_an_emoji_written_in_odoo_reads(clean_sim, api, odoo):
    """xmlrpc-c 1.33 refuses characters past U+FFFF in answers ("not in the Basic Multilingual
    Plane"): odoo.c swaps them for placeholders before it parses, so a record Odoo holds with
    an emoji (typed in Odoo's own UI) reads as any other."""
    rid = odoo.search("customers", limit=1)[0]
    odoo("res.partner", "write", [rid], {"name": "Emoji \U0001F600"})
    assert ok(api.get("customers/%d" % rid))["name"] == "Emoji \U0001F600"


def test_emoji_round_trip(clean_sim, api, odoo):
    """A customer created with an emoji in its name reads back equal, through the API and in Odoo,
    in its list page and its q search, and DELETE answers it as it was.  Next to it, text that
    looks like odoo.c's placeholders (private-use characters) comes back unchanged."""
    name = "Caf\u00e9 \U0001F600 \U0001F44D\U0010FFFF"
    lookalike = "\ue03d\ue600 \ue800\ue000 \ue600"
    d = ok(api("POST", "customers", body={"name": name, "comment": lookalike}), 201)
    rid = d["id"]
    assert (d["name"], d["comment"]) == (name, lookalike)
    assert odoo.read("res.partner", [rid], ["name", "comment"])[0] == {"id": rid, "name": name, "comment": lookalike}
    assert ok(api.get("customers/%d" % rid)) == d
    page = ok(api.get("customers", {"q": "\U0001F600", "_start": 0, "_end": 50}))
    assert [r["name"] for r in page if r["id"] == rid] == [name]
    assert rid in ids_of(ok(api.get("customers", {"_start": 0, "_end": 10, "_sort": "id", "_order": "desc"})))
    # Raw UTF-8 in the body (json.dumps above sent "\ud83d\ude00" escapes).
    raw = json.dumps({"street": "Calle \U0001F3E0"}, ensure_ascii=False).encode()
    d = ok(api("PATCH", "customers/%d" % rid, raw=raw, content_type=JSON))
    assert d["street"] == "Calle \U0001F3E0" and d["name"] == name
    assert ok(api("DELETE", "customers/%d" % rid)) == d


def test_field_names_stay_across_versions(api, odoo):
    """A sale line's tax_id and a partner's mobile keep their API names on
    every Odoo; on Odoo 19 tax_id is tax_ids underneath, and mobile, which
    19 no longer has, is null and read-only (README, "Upgrading")."""
    sale = ok(api.get("sales/1"))
    assert all(isinstance(line["tax_id"], list) for line in sale["lines"])
    assert sale["lines"] == odoo.sale_lines(1)
    customer = ok(api.get("customers/15"))
    assert "mobile" in customer
    r = api("PATCH", "customers/15", body={"mobile": "+34 600 000 000"})
    if ("res.partner", "mobile") in harness.GONE:
        assert customer["mobile"] is None
        d = error(r, 400)
        assert "mobile" in d["errors"], d
    else:
        assert ok(r)["mobile"] == "+34 600 000 000"
        ok(api("PATCH", "customers/15", body={"mobile": customer["mobile"]}))


# Lists of every resource the ways Refine and the FastAPI contract ask for them.
DIFF_QUERIES = [
    (res, q) for res in ("products", "suppliers", "customers", "sales", "categories", "countries")
    for q in ("", "page=1&limit=10", "page=2&limit=5", "page=99&limit=10", "_start=0&_end=25",
              "_start=3&_end=7&_sort=name&_order=desc", "q=a", "_start=0&_end=0")
] + [
    ("products", "_start=0&_end=10&sale_ok=true&_sort=list_price&_order=desc"),
    ("products", "list_price_gte=100&list_price_lte=2000"),
    ("products", "barcode=null&_start=0&_end=50"),
    ("customers", "country_id=233&_start=0&_end=50"),
    ("sales", "state=sale&_sort=date_order&_order=asc"),
    ("sales", "partner_id=15&_start=0&_end=50"),
]


def test_fast_path_answers_as_the_tree_path(api):
    """ODOO_FAST_PATH (issue 20): the same list answers, byte for byte and
    header for header, with the one-pass conversion of XML-RPC answers on
    and off (over JSON-2 it does not apply, and the answers agree all the same)."""
    on, off = dict(api.env, ODOO_FAST_PATH="on"), dict(api.env, ODOO_FAST_PATH="off")
    r = api("GET", "products", query="page=1&limit=10", env=dict(on, LOG_LEVEL="debug"))
    assert ("converted in one pass" in r.stderr) == (harness.PROTOCOL == "xmlrpc"), r.stderr[-2000:]
    for res, q in DIFF_QUERIES:
        a = api("GET", res, query=q, env=on)
        b = api("GET", res, query=q, env=off)
        assert a.status == b.status == 200, (res, q, a.status, b.status)
        assert a.body == b.body, (res, q)
        assert a.headers.get("x-total-count") == b.headers.get("x-total-count"), (res, q)
