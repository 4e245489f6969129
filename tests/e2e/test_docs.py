"""test_docs.py: GET /openapi.json and GET /docs through the real binary (CGI
here; lighttpd in tests/refine/openapi.test.mjs, with a browser)."""

import subprocess

import harness


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
