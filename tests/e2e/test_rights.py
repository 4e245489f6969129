"""test_rights.py: whose Odoo rights the API applies (DESIGN.md section 3,
"Whose rights"): each user of the simulator (admin, demo: a salesman for his
own documents, portal: a website customer) against each resource, reading,
creating, updating and deleting, in AUTH_MODE=user and AUTH_MODE=service.
The expected statuses are Odoo 18's own rules as tests/odoo-sim/odoosim/
security.py models them; who Odoo recorded as the author is read back from
the simulator over XML-RPC."""

import json
import xmlrpc.client

import pytest

import harness
from harness import run_cgi

DB = "odoo_pelotazo"
FORM = "application/x-www-form-urlencoded"
USERS = {"admin": ("admin", 2), "demo": ("demo", 6), "portal": ("portal", 7)}
NOT_INTERNAL = "Solo los usuarios internos de Odoo pueden usar esta API; los usuarios del portal y públicos no"
NO_GROUP = "El usuario no pertenece a ninguno de los grupos de Odoo autorizados para esta API"
BODIES = {
    "products": {"name": "Rights test product", "list_price": 10.0},
    "customers": {"name": "Rights test customer"},
    "suppliers": {"name": "Rights test supplier"},
    "sales": {"partner_id": 10, "lines": [{"product_id": 45, "product_uom_qty": 1}]},
}
MODEL = {"products": "product.product", "customers": "res.partner", "suppliers": "res.partner",
         "sales": "sale.order", "categories": "product.category", "countries": "res.country"}
PATCH = {"products": {"list_price": 11.0}, "customers": {"city": "Sevilla"}, "suppliers": {"city": "Sevilla"},
         "sales": {"client_order_ref": "RIGHTS"}}

# (create, update, delete) as Odoo 18 answers each internal user.
WRITES = {
    "admin": {"products": (201, 200, 200), "customers": (201, 200, 200), "suppliers": (201, 200, 200),
              "sales": (201, 200, 200)},
    # Marc Demo: products are Sales Administrators' (AccessError); contacts are his
    # (Contact Creation); sale orders his own (Personal Orders), which a salesman
    # may create and change but not delete (sale's ir.model.access: no unlink).
    "demo": {"products": (403, 403, 403), "customers": (201, 200, 200), "suppliers": (201, 200, 200),
             "sales": (201, 200, 403)},
}


class Odoo:
    def __init__(self, url):
        self.proxy = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object")

    def __call__(self, model, method, *args, uid=2, password="admin", **kw):
        return self.proxy.execute_kw(DB, uid, password, model, method, list(args), kw)


def login(env, user, password=None):
    body = "username=%s&password=%s" % (user, harness.secret(user, password or USERS[user][0]))
    return run_cgi(env, method="POST", path="/token", body=body.encode(), content_type=FORM)


def call(env, token, method, path, body=None, query=""):
    raw = json.dumps(body).encode() if body is not None else b""
    r = run_cgi(env, method=method, path="/api/v1/" + path, query=query, body=raw,
                headers={"Authorization": "Bearer " + token},
                content_type="application/json" if body is not None else None)
    assert r.returncode == 0 and "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr[-3000:]
    return r


@pytest.fixture(scope="module")
def odoo(sim):
    return Odoo(sim.url)


@pytest.fixture(params=["user", "service"])
def mode_env(request, clean_sim, workdir):
    return request.param, harness.bridge_env(clean_sim.url, workdir, AUTH_MODE=request.param)


def token_of(env, user):
    r = login(env, user)
    assert r.status == 200, r.raw
    return r.json()["access_token"]


def test_portal_user_is_refused_at_login(mode_env):
    mode, env = mode_env
    r = login(env, "portal")
    assert r.status == 403, r.raw
    assert r.json()["detail"] == NOT_INTERNAL
    assert b"access_token" not in r.body


def test_service_mode_admits_only_login_groups(clean_sim, workdir):
    env = harness.bridge_env(clean_sim.url, workdir, AUTH_MODE="service", LOGIN_GROUPS="sales_team.group_sale_manager")
    assert login(env, "admin").status == 200
    r = login(env, "demo")
    assert r.status == 403 and r.json()["detail"] == NO_GROUP, r.raw


@pytest.mark.parametrize("user", ["admin", "demo"])
@pytest.mark.parametrize("res", ["products", "customers", "suppliers", "sales"])
def test_write_matrix(mode_env, odoo, user, res):
    """Create, update and delete as each user; every cell is Odoo's answer; the author is the user (user mode)."""
    mode, env = mode_env
    token = token_of(env, user)
    # In service mode every call is the service account's (admin): its rights, its name.
    acting = user if mode == "user" else "admin"
    want_create, want_update, want_delete = WRITES[acting][res]
    r = call(env, token, "POST", res, BODIES[res])
    assert r.status == want_create, (mode, user, res, r.status, r.body[:500])
    if r.status == 201:
        rid = r.json()["id"]
        row = odoo(MODEL[res], "read", [rid], ["create_uid"])[0]
        assert row["create_uid"][0] == USERS[acting][1], (mode, user, res, row)
    else:
        assert b"Traceback" not in r.body
        # A record of someone else's to try the update and delete on.
        rid = odoo(MODEL[res], "create", dict(BODIES[res], name="Admin's") if res != "sales"
                   else {"partner_id": 10})
    r = call(env, token, "PATCH", "%s/%d" % (res, rid), PATCH[res])
    assert r.status == want_update, (mode, user, res, r.status, r.body[:500])
    if r.status == 200:
        row = odoo(MODEL[res], "read", [rid], ["write_uid"])[0]
        assert row["write_uid"][0] == USERS[acting][1], (mode, user, res, row)
    r = call(env, token, "DELETE", "%s/%d" % (res, rid))
    assert r.status == want_delete, (mode, user, res, r.status, r.body[:500])
    assert bool(odoo(MODEL[res], "search", [["id", "=", rid]])) == (want_delete != 200)


@pytest.mark.parametrize("user", ["admin", "demo"])
@pytest.mark.parametrize("res", ["products", "customers", "suppliers", "sales", "categories", "countries"])
def test_read_matrix(mode_env, odoo, user, res):
    """Lists hold what Odoo shows the acting user: its record rules, not the service account's."""
    mode, env = mode_env
    token = token_of(env, user)
    acting = user if mode == "user" else "admin"
    uid, password = USERS[acting][1], USERS[acting][0]
    r = call(env, token, "GET", res, query="_start=0&_end=1000")
    assert r.status == 200, r.body[:500]
    got = sorted(x["id"] for x in r.json())
    base = {"customers": [["customer_rank", ">", 0]], "suppliers": [["supplier_rank", ">", 0]]}.get(res, [])
    want = sorted(odoo(MODEL[res], "search", base, uid=uid, password=password))
    assert got == want
    assert int(r.headers["x-total-count"]) == len(want)


def test_demo_sees_only_his_own_sales(clean_sim, workdir, odoo):
    env = harness.bridge_env(clean_sim.url, workdir)
    admin, demo = token_of(env, "admin"), token_of(env, "demo")
    all_ids = {x["id"] for x in call(env, admin, "GET", "sales", query="_start=0&_end=1000").json()}
    own = {x["id"] for x in call(env, demo, "GET", "sales", query="_start=0&_end=1000").json()}
    assert own and own < all_ids, "Personal Orders: demo sees fewer orders than admin"
    other = min(all_ids - own)
    r = call(env, demo, "GET", "sales/%d" % other)
    assert r.status == 404, "another salesperson's order is not shown (Odoo's search leaves it out)"
    r = call(env, demo, "POST", "sales/%d/confirm" % other)
    assert r.status in (403, 404), r.body
    assert b"Traceback" not in r.body
    if r.status == 403:
        assert "Marc Demo (id=6)" in r.json()["detail"], "Odoo's own message"


def test_403_carries_odoos_message(clean_sim, workdir):
    env = harness.bridge_env(clean_sim.url, workdir)
    r = call(env, token_of(env, "demo"), "POST", "products", BODIES["products"])
    assert r.status == 403
    d = r.json()
    assert d["detail"].startswith("You are not allowed to create 'Product Variant' (product.product) records."), d
    assert "Traceback" not in d["detail"]


def test_password_changed_in_odoo_ends_the_token(clean_sim, workdir):
    env = harness.bridge_env(clean_sim.url, workdir)
    token = token_of(env, "demo")
    assert call(env, token, "GET", "me").status == 200
    clean_sim.control("password", {"login": "demo", "password": "changed"})
    r = call(env, token, "GET", "products", query="page=1&limit=1")
    assert r.status == 401, r.body
    assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert login(env, "demo", "changed").status == 200


def test_me_reports_mode_and_groups(mode_env):
    mode, env = mode_env
    me = call(env, token_of(env, "demo"), "GET", "me").json()
    assert me["mode"] == mode and me["login"] == "demo"
    assert me["groups"] == ["sales_team.group_sale_salesman", "base.group_partner_manager"], me


def test_logout(clean_sim, workdir):
    env = harness.bridge_env(clean_sim.url, workdir)
    token = token_of(env, "demo")
    r = run_cgi(env, method="DELETE", path="/token", headers={"Authorization": "Bearer " + token})
    assert r.status == 204, r.raw
    r = call(env, token, "GET", "me")
    assert r.status == 401 and r.json()["detail"] == "No se pudo validar el token"


def test_no_credential_in_any_log_line(clean_sim, workdir):
    """Every log line of a run at debug level: no password, no token, no sealed credential."""
    env = harness.bridge_env(clean_sim.url, workdir, LOG_LEVEL="debug")
    secrets = ["Wr0ng-Guess-77", "N3w-Pass-For-Demo"]
    logs = []
    tokens = []
    for user in ("admin", "demo"):
        r = login(env, user)
        logs.append(r.stderr)
        tokens.append(r.json()["access_token"])
    for user in ("portal", "demo"):
        r = login(env, user, secrets[0] if user == "demo" else None)
        logs.append(r.stderr)
    for t in tokens:
        for method, path, body in (("GET", "me", None), ("GET", "products", None), ("GET", "sales/1", None),
                                   ("POST", "customers", {"name": "Log check"}), ("POST", "products", {"name": "x"})):
            logs.append(call(env, t, method, path, body).stderr)
    clean_sim.control("password", {"login": "demo", "password": secrets[1]})
    logs.append(call(env, tokens[1], "GET", "products").stderr)
    logs.append(run_cgi(env, method="DELETE", path="/token", headers={"Authorization": "Bearer " + tokens[0]}).stderr)
    text = "\n".join(logs)
    assert "login ok: login=demo" in text and "odoo:" in text, "the run logged at debug level"
    forbidden = secrets + ["password=demo", "password=admin", "portal&"]
    for t in tokens:
        payload = t.split(".")[1]
        forbidden += [t, t.split(".")[2], payload[:40]]
        claims = json.loads(__import__("base64").urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if "cred" in claims:
            forbidden += [claims["cred"], claims["cred"][:24]]
    for s in forbidden:
        assert s not in text, "a credential reached the log: %r" % s
    # The plain passwords of the demo users appear only as part of other words, if at all.
    for line in text.splitlines():
        assert "<string>demo</string>" not in line and "<string>admin</string>" not in line, line
