"""test_docs.py: GET /openapi.json and GET /docs through the real binary (CGI
here; lighttpd in tests/refine/openapi.test.mjs, with a browser)."""

import json
import subprocess

import harness
from test_resources import api, menv, token  # noqa: F401


def test_openapi_document_as_the_session_contract_has_it(env):
    r = harness.run_cgi(env, "GET", "/openapi.json")
    assert r.status == 200
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    doc = r.json()
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] == [{"url": "/"}]
    # The fields this Odoo has: on 19 partners have no mobile (answered as null).
    mobile = doc["components"]["schemas"]["customers"]["properties"]["mobile"]
    assert (mobile["type"] == "null") == (("res.partner", "mobile") in harness.GONE)
    assert doc == harness.CONTRACT.doc


def test_mounted_under_a_prefix(env):
    # run_cgi sets SCRIPT_NAME to "" itself: here it is the mount prefix.
    cgi = harness.cgi_env(env, "GET", "/openapi.json")
    cgi["SCRIPT_NAME"] = "/erp"
    p = subprocess.run(harness.BRIDGE_WRAPPER + [harness.BRIDGE], env=cgi, capture_output=True, timeout=30)
    r = harness.CgiResult(p.stdout, p.stderr, p.returncode)
    assert r.status == 200
    doc = r.json()
    assert doc["servers"] == [{"url": "/erp"}]
    assert doc["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == "/erp/token"
    cgi["PATH_INFO"] = "/docs"
    p = subprocess.run(harness.BRIDGE_WRAPPER + [harness.BRIDGE], env=cgi, capture_output=True, timeout=30)
    r = harness.CgiResult(p.stdout, p.stderr, p.returncode)
    assert r.status == 200
    assert b'url: "/erp/openapi.json"' in r.body


def test_docs_page_uses_fastapi_s_cdn_by_default(env):
    r = harness.run_cgi(env, "GET", "/docs")
    assert r.status == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert b'<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>' in r.body
    csp = r.headers["content-security-policy"]
    assert "script-src https://cdn.jsdelivr.net 'sha256-" in csp
    assert "connect-src 'self'" in csp
    assert r.headers["referrer-policy"] == "no-referrer"


def test_docs_off_answers_404_on_both(env):
    env = dict(env, DOCS="off")
    for path in ("/openapi.json", "/docs"):
        r = harness.run_cgi(env, "GET", path)
        assert r.status == 404, path
        assert r.json()["detail"] == "No encontrado"


def test_docs_assets_url_must_be_a_url(env):
    r = harness.run_cgi(dict(env, DOCS_ASSETS_URL="javascript:alert(1)"), "GET", "/docs")
    assert r.returncode != 0
    assert "DOCS_ASSETS_URL" in r.stderr


def test_contract_checks_bulk_answers_and_batch_entries_as_alone():
    """contract.py itself: the bulk paths (a concrete path before a
    templated one), an optional header, and a batch's entries checked as the
    same requests alone, so that a wrong entry fails the test that made it."""
    c = harness.CONTRACT
    js = {"content-type": "application/json; charset=utf-8", "x-request-id": "t"}
    country = {"id": 1, "name": "Andorra", "code": "AD"}
    err = {"detail": "No encontrado", "message": "No encontrado", "statusCode": 404}
    assert c.check("GET", "/api/v1/countries/1", 200, js, json.dumps(country).encode()) == []
    # /api/v1/sales/confirm is the bulk action, not /api/v1/sales/{id} (which has no POST).
    assert c.check("POST", "/api/v1/sales/confirm", 200, js, b"[]") == []
    assert c.check("POST", "/api/v1/sales/confirm", 404, js, json.dumps(err).encode()), "errors.ids is required"
    ids_err = dict(err, errors={"ids": ["Registro no encontrado: 9"]})
    assert c.check("DELETE", "/api/v1/products", 404, js, json.dumps(ids_err).encode()) == []
    # A bulk create answers 201 without Location (a single create's header only).
    assert c.check("POST", "/api/v1/products", 201, js, b'[{"id": 7}]') == []

    def batch(entry, status, body, headers=None):
        req = json.dumps({"requests": [entry]}).encode()
        answer = {"responses": [{"id": entry.get("id"), "status": status, "headers": headers or {}, "body": body}]}
        return c.check("POST", "/api/v1/batch", 200, js, json.dumps(answer).encode(), req)

    get = {"id": "a", "method": "GET", "path": "/api/v1/countries/1"}
    assert batch(get, 200, country) == []
    assert batch(get, 200, dict(country, code=7)), "a field of the wrong type"
    assert batch(get, 418, country), "a status GET does not declare"
    assert batch(dict(get, path="/api/v1/countries"), 200, [country]), "X-Total-Count is required"
    assert batch(dict(get, path="/api/v1/countries"), 200, [country], {"X-Total-Count": "1"}) == []
    full = dict(err, statusCode=413, detail="Lote lleno", message="Lote lleno")
    assert batch(get, 413, full) == [], "an entry not run has the Error shape only"
    assert batch(get, 413, {"detail": 1}), "and that shape"


def test_the_bulk_action_path_takes_post_only(api):
    # The document lists /api/v1/sales/confirm with POST only (not as /api/v1/sales/{id}): 405, not 404.
    for method in ("GET", "DELETE", "PATCH"):
        r = api(method, "sales/confirm")
        assert r.status == 405, (method, r.status, r.body)
        assert r.headers["allow"] == "POST, OPTIONS"
