"""test_resfile.py: the resource table from a file (RESOURCES_FILE, issue 18):
the run's own file is the one loaded, a bad file refuses to start with its
line and key, and a workflow action's "from" answers 409 for a record in
another state, without an extra Odoo call."""

import json
import os
import re
import subprocess

import pytest

import contract
import harness
from test_resources import Api, Odoo, error, login, ok

DEFAULT = os.path.join(harness.TOP_SRCDIR, "resources", "default.json")


def default_table():
    with open(DEFAULT, encoding="utf-8") as f:
        return json.load(f)


def write(workdir, table, name="resources.json"):
    path = os.path.join(workdir, name)
    with open(path, "w", encoding="utf-8") as f:
        if isinstance(table, str):
            f.write(table)
        else:
            json.dump(table, f, indent=2)
    return path


def check_config(env):
    return subprocess.run([harness.BRIDGE, "--check-config"], env=env, capture_output=True, text=True, timeout=30)


def test_the_run_loads_what_run_e2e_says(env):
    """run-e2e.sh gives the shipped file from disk; the variants give none (the compiled-in copy)."""
    assert env.get("RESOURCES_FILE", "") == harness.RESOURCES_FILE
    p = check_config(env)
    assert p.returncode == 0, p.stderr
    where = harness.RESOURCES_FILE or "the compiled-in default"
    assert "resources OK: 6 routes from %s" % where in p.stdout


def test_a_file_from_disk_is_the_table(sim, workdir, own_contract):
    """Without countries in the file, /api/v1/countries is no route: the file is what is served."""
    t = default_table()
    t["resources"] = [r for r in t["resources"] if r["name"] != "countries"]
    env = harness.bridge_env(sim.url, workdir, RESOURCES_FILE=write(workdir, t))
    assert "/api/v1/countries" not in own_contract(env)["paths"]
    token = login(env)
    api = Api(env, token)
    error(api.get("countries"), 404)
    assert ok(api.get("categories", {"_start": 0, "_end": 1}))
    # The metrics' route labels follow the table: a resource is named, a path that is none is not.
    text = harness.run_cgi(env, "GET", "/metrics").body.decode()
    assert 'route="/api/v1/categories"' in text, text
    assert 'route="/api/v1/{res}",method="GET",status="4xx"' in text and "/api/v1/countries" not in text, text


@pytest.mark.parametrize("text, where", [
    ('{"resources": [\n  {"name": "x", "model": "res.partner",\n   "fields": ["id"], "rout": true}\n]}\n',
     r":3: resources\[0\]\.rout: unknown key"),
    ('{"resources": [\n  {"name": "x", "model": "res.partner",\n   "fields": [\n     {"name": "id", "q": 1}]}\n]}\n',
     r":4: resources\[0\]\.fields\[0\]\.q: must be true or false"),
    ('{"resources": [\n  {"name": "x",\n   "model": "res.partner",\n   "fields": ["id"],\n'
     '   "domain": [["id", "~", 1]]}\n]}\n', r":5: resources\[0\]\.domain\[0\]: the operator must be"),
    ('{"resources": [\n  {"name": "x", "model": "res.partner", "fields": ["id"],}\n]}\n', r":2: not valid JSON"),
])
def test_a_bad_file_refuses_to_start(sim, workdir, text, where):
    env = harness.bridge_env(sim.url, workdir, RESOURCES_FILE=write(workdir, text))
    p = check_config(env)
    assert p.returncode == 1 and "configuration error: RESOURCES_FILE: " in p.stderr, p.stderr
    assert re.search(re.escape(env["RESOURCES_FILE"]) + where, p.stderr), p.stderr
    # Started by a web server it answers nothing and exits non-zero (the server's 500), all the same.
    r = subprocess.run([harness.BRIDGE], env=harness.cgi_env(env, "GET", "/health"), capture_output=True,
                       timeout=30)
    assert r.returncode == 1 and r.stdout == b"" and b"RESOURCES_FILE" in r.stderr


@pytest.fixture
def own_contract():
    """Answers checked against the OpenAPI document of the table under test (restored after)."""
    saved = harness.CONTRACT

    def use(env):
        r = harness.run_cgi(env, "GET", "/openapi.json")
        assert r.status == 200, r.stderr
        harness.CONTRACT = contract.Contract(r.json())
        return r.json()
    yield use
    harness.CONTRACT = saved


@pytest.fixture
def from_env(sim, workdir, own_contract):
    """The default table with "from" on the sales actions, and the OpenAPI contract of that table."""
    t = default_table()
    sales = next(r for r in t["resources"] if r["name"] == "sales")
    froms = {"confirm": ["draft", "sent"], "cancel": ["draft", "sent", "sale"], "draft": ["cancel"]}
    for a in sales["actions"]:
        a["from"] = froms[a["name"]]
    env = harness.bridge_env(sim.url, workdir, RESOURCES_FILE=write(workdir, t))
    doc = own_contract(env)
    assert "409" in doc["paths"]["/api/v1/sales/{id}/confirm"]["post"]["responses"]
    assert "409" in doc["paths"]["/api/v1/sales/confirm"]["post"]["responses"]
    return env


def calls(sim, model, method):
    return sim.stats()["execute_kw"].get(model, {}).get(method, 0)


def test_from_refuses_a_record_in_another_state(clean_sim, from_env):
    api = Api(from_env, login(from_env))
    odoo = Odoo(clean_sim.url)
    draft = odoo("sale.order", "search", [["state", "=", "draft"]], limit=2)
    confirmed = odoo("sale.order", "search", [["state", "=", "sale"]], limit=1)
    clean_sim.reset_stats()
    d = error(api("POST", "sales/%d/confirm" % confirmed[0]), 409)
    assert d["errors"]["state"] == ["confirm: permitida desde draft, sent; el registro está en sale"], d
    assert calls(clean_sim, "sale.order", "action_confirm") == 0
    # The check rides on the read that finds the record: one read, as without "from".
    assert calls(clean_sim, "sale.order", "read") + calls(clean_sim, "sale.order", "search_read") <= 1, \
        clean_sim.stats()
    d = error(api("POST", "sales/%d/draft" % draft[0], headers={"Accept-Language": "en"}), 409)
    assert d["errors"]["state"] == ["draft: allowed from cancel; the record is draft"], d
    # Bulk: one search_read (as the search without "from"), nothing runs, the record at fault named.
    clean_sim.reset_stats()
    q = "id=%d&id=%d" % (draft[0], confirmed[0])
    d = error(api("POST", "sales/confirm", query=q), 409)
    assert d["errors"]["ids"] == ["%d: sale" % confirmed[0]], d
    assert calls(clean_sim, "sale.order", "action_confirm") == 0
    assert calls(clean_sim, "sale.order", "search_read") == 1 and calls(clean_sim, "sale.order", "search") == 0
    # In the right states, both go through.
    d = ok(api("POST", "sales/confirm", query="id=%d&id=%d" % tuple(draft)))
    assert [o["state"] for o in d] == ["sale", "sale"]
    assert ok(api("POST", "sales/%d/cancel" % confirmed[0]))["state"] == "cancel"



def test_check_config_ping_checks_models_and_fields(sim, workdir):
    """--ping: one fields_get per model; an unknown model fails, a missing field is a warning."""
    env = harness.bridge_env(sim.url, workdir)
    p = subprocess.run([harness.BRIDGE, "--check-config", "--ping"], env=env, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "resources match this Odoo" in p.stdout and "error:" not in p.stdout, p.stdout
    t = default_table()
    countries = next(r for r in t["resources"] if r["name"] == "countries")
    countries["fields"] += ["no_such_field", {"name": "no_such_either", "type": "char"}]
    t["resources"].append({"name": "ghosts", "model": "x.ghost", "fields": ["id"]})
    env["RESOURCES_FILE"] = write(workdir, t)
    p = subprocess.run([harness.BRIDGE, "--check-config", "--ping"], env=env, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "error: ghosts: model x.ghost is not on this Odoo" in p.stdout, p.stdout
    assert "warning: countries.no_such_field: res.country has no such field on this Odoo; dropped" in p.stdout
    assert "warning: countries.no_such_either: res.country has no such field on this Odoo; answered as null" \
        in p.stdout
    assert "1 model of the resources is not on this Odoo" in p.stderr, p.stderr
