"""test_servers.py: one suite of HTTP checks run through every shipped
deployment (lighttpd FastCGI, Apache mod_fcgid, Apache CGI, nginx in front of
--listen), each server started once per module from its shipped file; plus
process recycling under mod_fcgid and a valgrind run under lighttpd."""

import json
import os
import shutil
import socket

import pytest

import harness
import servers

ORIGIN = "http://localhost:5173"
# Set low in the bridge's config file so that a small body crosses it.
MAX_BODY = 4096
# The body limit the shipped server configs set for themselves (2 MiB).
SERVER_LIMIT = 2 * 1024 * 1024

# Knobs the tests turn in their copy of a shipped file (each must match).
EDITS = {
    # Recycle a process every 20 requests, and enable the documented prefix
    # mount next to the root one.
    "apache-fcgid": [("MaxRequestsPerProcess 1000", "MaxRequestsPerProcess 20"),
                     ('#AliasMatch "^/erp(', 'AliasMatch "^/erp(')],
}
# Server-wide mod_fcgid settings, in the test's own httpd.conf (not the
# shipped file): without them mod_fcgid's spawn throttle and its 3 s scans
# make 500 requests with a process replaced every 20 take a minute.  They
# change how fast processes are replaced, not whether requests survive it.
MAIN_EXTRA = {
    "apache-fcgid": "FcgidSpawnScoreUpLimit 1000\nFcgidErrorScanInterval 1\nFcgidZombieScanInterval 1\n",
}
NEEDS = {
    "lighttpd": ["lighttpd"],
    "apache-fcgid": ["apache2", servers.APACHE_MODULES + "/mod_fcgid.so"],
    "apache-cgi": ["apache2", servers.APACHE_MODULES + "/mod_cgid.so"],
    "nginx": ["nginx"],
}


def missing(kind):
    for need in NEEDS[kind]:
        if not (os.path.exists(need) if need.startswith("/") else shutil.which(need)):
            return need
    return None


def start_deployment(kind, sim, valgrind=False):
    if missing(kind):
        pytest.skip("%s is not installed (tools/install-deps installs it)" % missing(kind))
    return servers.Deployment(kind, sim, settings={"MAX_BODY": MAX_BODY}, edits=EDITS.get(kind, ()),
                              main_extra=MAIN_EXTRA.get(kind, ""), valgrind=valgrind)


def finish(d):
    """Stops d by pid, then fails if its logs show a crash, a sanitizer
    report or a valgrind error, whatever the answers looked like."""
    d.stop()
    problems = d.problems()
    if problems:
        pytest.fail("%s (files kept in %s):\n%s" % (d.kind, d.dir, "\n".join(problems)), pytrace=False)
    d.remove()


@pytest.fixture(scope="module", params=list(servers.KINDS))
def deployment(request, sim):
    d = start_deployment(request.param, sim)
    try:
        d.start()
        yield d
    finally:
        finish(d)


@pytest.fixture
def http(deployment):
    return harness.Http(deployment.port)


def is_bridge_answer(r):
    """The bridge sets X-Request-Id on every answer; the servers do not."""
    return r.getheader("X-Request-Id") is not None


def assert_error(r, status):
    assert r.status == status, (r.status, r.body)
    assert r.getheader("Content-Type") == "application/json; charset=utf-8"
    assert r.data["statusCode"] == status and r.data["detail"] == r.data["message"], r.body


# ---- the checks, in terms of an Http client ----

def check_health(h):
    r = h.request("GET", "/health", headers={"X-Request-Id": "e2e-health"})
    assert r.status == 200, (r.status, r.body)
    assert r.data["status"] == "ok"
    assert r.data["odoo"]["reachable"] is True and r.data["odoo"]["version"] == harness.SERVER_VERSION
    assert r.getheader("X-Request-Id") == "e2e-health"


def check_token_flow(h):
    h.login("admin", "admin")
    r = h.request("GET", "/api/v1/me")
    assert r.status == 200, (r.status, r.body)
    assert r.data["login"] == "admin"


def check_list(h):
    h.login()
    r = h.request("GET", "/api/v1/customers?_start=0&_end=5&_sort=id&_order=asc", headers={"Origin": ORIGIN})
    assert r.status == 200, (r.status, r.body)
    assert isinstance(r.data, list) and 0 < len(r.data) <= 5
    total = int(r.getheader("X-Total-Count"))
    assert total >= len(r.data)
    assert r.getheader("Access-Control-Allow-Origin") == ORIGIN
    assert "X-Total-Count" in r.getheader("Access-Control-Expose-Headers", "")
    ids = [c["id"] for c in r.data]
    assert ids == sorted(ids)


def check_customer_crud(h):
    h.login()
    name = "E2E Customer " + harness.random_id()
    r = h.request("POST", "/api/v1/customers", json_body={"name": name, "email": "e2e@example.com"})
    assert r.status == 201, (r.status, r.body)
    cid = r.data["id"]
    assert r.data["name"] == name and r.data["customer_rank"] > 0
    assert r.getheader("Location", "").endswith("/api/v1/customers/%d" % cid)

    r = h.request("PATCH", "/api/v1/customers/%d" % cid, json_body={"phone": "+34 600 000 000"})
    assert r.status == 200, (r.status, r.body)
    assert r.data["phone"] == "+34 600 000 000" and r.data["name"] == name

    r = h.request("GET", "/api/v1/customers/%d" % cid)
    assert r.status == 200 and r.data["phone"] == "+34 600 000 000", (r.status, r.body)

    r = h.request("DELETE", "/api/v1/customers/%d" % cid)
    assert r.status == 200, (r.status, r.body)
    assert r.data["id"] == cid

    r = h.request("GET", "/api/v1/customers/%d" % cid)
    assert_error(r, 404)


def anonymous(h):
    """A client without the token h may hold."""
    return harness.Http(h.port, prefix=h.prefix)


def check_no_token(h):
    r = anonymous(h).request("GET", "/api/v1/customers")
    assert_error(r, 401)
    assert r.getheader("WWW-Authenticate") == "Bearer"


def check_bad_token(h):
    # A token the bridge rejects as invalid (not as missing) proves that the
    # server handed it the Authorization header.
    r = anonymous(h).request("GET", "/api/v1/customers", headers={"Authorization": "Bearer not.a.token"})
    assert_error(r, 401)
    assert r.getheader("WWW-Authenticate") == 'Bearer error="invalid_token"'


def check_not_found(h):
    h.login()
    for path in ("/api/v1/nothing-here", "/api/v1/customers/999999", "/api"):
        r = h.request("GET", path)
        assert_error(r, 404)


def check_body_over_max_body(h):
    h.login()
    big = {"name": "x" * (MAX_BODY + 1000)}
    r = h.request("POST", "/api/v1/customers", json_body=big)
    assert_error(r, 413)
    r = anonymous(h).request(
        "POST", "/token", form={"username": "admin", "password": "y" * (MAX_BODY + 1000)})
    assert_error(r, 413)


def check_preflight(h):
    r = h.request("OPTIONS", "/api/v1/customers", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert r.status == 204, (r.status, r.body)
    assert r.getheader("Access-Control-Allow-Origin") == ORIGIN
    assert "POST" in r.getheader("Access-Control-Allow-Methods", "")
    assert "authorization" in r.getheader("Access-Control-Allow-Headers", "").lower()
    assert r.body == b""


def check_metrics(h):
    # The server hands the bridge the client's address (REMOTE_ADDR): loopback may read them.
    h.request("GET", "/health")
    r = anonymous(h).request("GET", "/metrics")
    assert r.status == 200, (r.status, r.body)
    assert r.getheader("Content-Type") == "text/plain; version=0.0.4; charset=utf-8"
    assert b'odoo_bridge_http_requests_total{route="/health",method="GET",status="2xx"} ' in r.body, r.body


CORE_CHECKS = [check_health, check_token_flow, check_list, check_customer_crud, check_no_token,
               check_bad_token, check_not_found, check_body_over_max_body, check_preflight, check_metrics]


# ---- the suite, once per server ----

def test_health(http):
    check_health(http)


def test_token_flow(http):
    check_token_flow(http)


def test_authorised_list_with_total_count(http):
    check_list(http)


def test_customer_create_update_delete(http, clean_sim):
    check_customer_crud(http)


def test_no_token_is_401(http):
    check_no_token(http)


def test_authorization_header_reaches_the_bridge(http):
    check_bad_token(http)


def test_unknown_route_is_the_bridges_404(http):
    check_not_found(http)


def test_body_over_max_body_is_the_bridges_413(http):
    # Under mod_cgid stdin and stdout are one socket: a CGI bridge that
    # refused a body without reading it used to lose its 413 to a reset.
    check_body_over_max_body(http)


def test_body_over_the_servers_limit_is_refused_early(deployment):
    """The server's own limit (2 MiB in every shipped config) answers 413 on
    the Content-Length alone, without waiting for the body."""
    with socket.create_connection(("127.0.0.1", deployment.port), timeout=15) as s:
        s.sendall(("POST /api/v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   "Content-Length: %d\r\n\r\n" % (SERVER_LIMIT + 1)).encode())
        head = s.recv(4096).decode("latin-1")
    assert head.startswith("HTTP/1.1 413 "), head[:200]
    assert "x-request-id" not in head.lower(), "the server, not the bridge, answers"


def test_metrics_answer_loopback(http):
    check_metrics(http)


def test_cors_preflight(http):
    check_preflight(http)


def test_api_documentation_reaches_the_bridge(http):
    """The shipped configs pass /openapi.json and /docs (README, "API
    documentation"); the document's URLs follow the mount."""
    r = http.request("GET", "/openapi.json")
    assert r.status == 200 and is_bridge_answer(r), (r.status, r.body[:300])
    flow = r.data["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]
    assert flow["tokenUrl"] == http.prefix + "/token"
    r = http.request("GET", "/docs")
    assert r.status == 200 and is_bridge_answer(r)
    assert r.getheader("Content-Type") == "text/html; charset=utf-8"
    assert ('url: "%s/openapi.json"' % http.prefix).encode() in r.body


@pytest.mark.parametrize("path", ["/apifoo", "/api.bak", "/apiv1/customers", "/tokens", "/token/x", "/healthz",
                                  "/metricsz", "/metrics/x"])
def test_prefix_trap_is_not_served_by_the_bridge(http, path):
    r = http.request("GET", path)
    assert r.status == 404, (r.status, r.body)
    assert not is_bridge_answer(r), "%s reached the bridge: %r" % (path, r.body)
    assert r.data is None or "statusCode" not in r.data


def test_logout_through_the_server(http):
    """DELETE /token and POST /token/revoke reach the bridge; the revoked token is refused afterwards."""
    r = http.request("DELETE", "/token")
    assert r.status == 401 and is_bridge_answer(r), (r.status, r.body)
    tok = http.login()
    auth = {"Authorization": "Bearer " + tok}
    assert http.request("GET", "/api/v1/me", headers=auth).status == 200
    r = http.request("POST", "/token/revoke", headers=auth)
    assert r.status == 204, (r.status, r.body)
    r = http.request("GET", "/api/v1/me", headers=auth)
    assert r.status == 401 and is_bridge_answer(r), (r.status, r.body)
    tok = http.login()
    r = http.request("DELETE", "/token", headers={"Authorization": "Bearer " + tok})
    assert r.status == 204, (r.status, r.body)


def test_fcgid_recycles_processes_without_failing_requests(deployment, http):
    if deployment.kind != "apache-fcgid":
        pytest.skip("only mod_fcgid recycles processes (MaxRequestsPerProcess)")
    before = deployment.read_log().count("exit(lifetime expired)")
    counted = metric(http, HEALTH_OK)
    failed = []
    for i in range(500):
        r = http.request("GET", "/health")
        if r.status != 200:
            failed.append((i, r.status, r.body[:200]))
    assert not failed, failed[:5]
    # 500 requests at 20 per process: about 25 processes replaced, which
    # proves the test's MaxRequestsPerProcess reached mod_fcgid.
    harness.wait_for(lambda: deployment.read_log().count("exit(lifetime expired)") - before >= 20,
                     timeout=15, what="mod_fcgid to replace processes")
    # /metrics counted every one of them, whichever process, gone or not, answered.
    assert metric(http, HEALTH_OK) - counted == 500


HEALTH_OK = 'odoo_bridge_http_requests_total{route="/health",method="GET",status="2xx"}'


def metric(h, series):
    """The value of one series in a /metrics scrape (0 when absent)."""
    r = anonymous(h).request("GET", "/metrics")
    assert r.status == 200, (r.status, r.body)
    for line in r.body.decode().splitlines():
        if line.startswith(series + " "):
            return int(line.split()[-1])
    return 0


def test_apache_prefix_mount(deployment):
    if deployment.kind != "apache-fcgid":
        pytest.skip("the prefix mount is exercised under Apache mod_fcgid")
    h = harness.Http(deployment.port, prefix="/erp")
    check_health(h)
    check_token_flow(h)
    test_api_documentation_reaches_the_bridge(h)
    r = h.request("GET", "/apifoo")
    assert r.status == 404 and not is_bridge_answer(r)


# ---- every bridge process under valgrind, behind lighttpd ----

def test_valgrind_lighttpd(sim, clean_sim):
    """A small run with every bridge process lighttpd starts under valgrind;
    fails on any memcheck error or definite leak.  (With ODOO_BRIDGE_WRAPPER
    set, the whole suite above already runs so.)"""
    if harness.BRIDGE_WRAPPER:
        pytest.skip("ODOO_BRIDGE_WRAPPER is set: every server above ran under it")
    if not shutil.which("valgrind"):
        pytest.skip("valgrind is not installed (tools/install-deps installs it)")
    if servers.sanitized(harness.BRIDGE):
        pytest.skip("built with sanitizers, which do not run under valgrind")
    d = start_deployment("lighttpd", sim, valgrind=True)
    try:
        d.start()
        h = harness.Http(d.port)
        h.request("GET", "/health", timeout=120)   # the processes start slowly under valgrind
        for check in CORE_CHECKS:
            check(h)
    finally:
        d.stop()
    logs = d.vg_logs()
    assert logs, "no valgrind log: the wrapper did not run"
    finish(d)
