"""test_odoo_client.py: how the bridge behaves when Odoo is up, down, slow,
broken or refuses the service account (DESIGN.md section 4), against the
simulator's fault injection."""

import time

import pytest

import harness
from harness import run_cgi


def login(env):
    r = run_cgi(env, method="POST", path="/token",
                body=("username=admin&password=" + harness.secret("admin", "admin")).encode(),
                content_type="application/x-www-form-urlencoded")
    assert r.status == 200, r.raw
    return r.json()["access_token"]


def api(env, token, path, **kw):
    h = dict(kw.pop("headers", {}))
    h["Authorization"] = "Bearer " + token
    return run_cgi(env, path=path, headers=h, **kw)


def test_health_up(clean_sim, env):
    r = run_cgi(env, path="/health")
    assert r.status == 200
    d = r.json()
    assert d == {"status": "ok", "odoo": {"reachable": True, "version": harness.SERVER_VERSION,
                                           "protocol": harness.PROTOCOL,
                                           "latency_ms": d["odoo"]["latency_ms"], "login": True}}
    assert r.headers["cache-control"] == "no-store"
    assert "admin" not in r.body.decode(), "no secrets in /health"


def test_health_down_nothing_listening(env):
    e = dict(env, ODOO_URL="http://127.0.0.1:%d" % harness.free_port())
    r = run_cgi(e, path="/health")
    assert r.status == 503
    d = r.json()
    assert d["status"] == "unavailable"
    assert d["odoo"]["reachable"] is False
    assert d["odoo"]["version"] is None


def test_health_service_login_fails(clean_sim, env):
    clean_sim.control("password", {"login": "admin", "password": "changed-elsewhere"})
    r = run_cgi(env, path="/health")
    assert r.status == 503
    d = r.json()
    assert d["odoo"]["reachable"] is True and d["odoo"]["login"] is False
    assert "changed-elsewhere" not in r.body.decode() + r.stderr


def test_connection_refused_is_503(env):
    token = login(env)
    e = dict(env, ODOO_URL="http://127.0.0.1:%d" % harness.free_port())
    r = api(e, token, "/api/v1/products")
    assert r.status == 503
    assert r.json()["detail"] == "Odoo no está disponible"


def test_simulator_refusing_is_503(clean_sim, env):
    token = login(env)
    clean_sim.control("refuse", {"seconds": 1.5})
    try:
        harness.wait_for(lambda: not harness.port_open(clean_sim.port), timeout=5, what="the simulator to refuse")
        r = api(env, token, "/api/v1/products")
        assert r.status == 503, r.raw
    finally:
        # The control endpoint shares the refused port: wait until it is back.
        harness.wait_for(lambda: harness.port_open(clean_sim.port), timeout=10, what="the simulator to listen again")


def test_timeout_is_504_within_budget(clean_sim, env):
    """One call that outlives ODOO_TIMEOUT_MS answers 504 at once and is not
    retried.  Shown by the simulator's count of calls, not by a tight clock
    (timing targets belong in bench/): the answer comes before the
    simulator's 5 s latency is over, and once it is, the simulator has
    seen one call."""
    token = login(env)
    clean_sim.reset_stats()
    clean_sim.control("latency", {"ms": 5000})
    e = dict(env, ODOO_TIMEOUT_MS="400")
    t0 = time.monotonic()
    r = api(e, token, "/api/v1/products")
    elapsed = time.monotonic() - t0
    assert r.status == 504, r.raw
    assert r.json()["detail"] == "Odoo no respondió a tiempo"
    assert elapsed < 4.5, "took %.2fs: the bridge waited for Odoo's answer" % elapsed
    time.sleep(max(0.0, 5.5 - elapsed))
    st = clean_sim.stats()
    assert st["total"] == 1, "the timed-out call was retried: %r" % st


def test_garbage_body_is_502(clean_sim, env):
    token = login(env)
    clean_sim.control("garbage", {"count": 5})
    r = api(env, token, "/api/v1/products")
    assert r.status == 502, r.raw
    assert r.json()["detail"] == "Odoo devolvió una respuesta no válida"


def test_http_500_is_502(clean_sim, env):
    token = login(env)
    clean_sim.control("http500", {"count": 5})
    r = api(env, token, "/api/v1/products")
    assert r.status == 502, r.raw


@pytest.fixture
def env(sim, workdir):
    """AUTH_MODE=service: these tests are about the service account's login,
    uid cache and re-login (the transport is the same in user mode;
    test_rights.py covers that mode)."""
    return harness.bridge_env(sim.url, workdir, AUTH_MODE="service")


@pytest.fixture
def fcgi_bridge(env, workdir):
    # One thread: the uid and the schema cache are per thread.
    b = harness.ListeningBridge(env, workdir, threads=1)
    yield b.addr
    b.stop()


def fcgi(connect, method, path, body=b"", headers=None, content_type=None):
    return harness.cgi_fcgi(connect, None, method, path, body=body, headers=headers, content_type=content_type)


def test_password_change_relogin_once_then_503(clean_sim, env, fcgi_bridge):
    r = fcgi(fcgi_bridge, "POST", "/token", b"username=admin&password=admin",
             content_type="application/x-www-form-urlencoded")
    assert r.status == 200, r.raw
    token = r.json()["access_token"]
    auth = {"Authorization": "Bearer " + token}
    r = fcgi(fcgi_bridge, "GET", "/api/v1/products", headers=auth)
    assert r.status == 200, r.raw
    # XML-RPC: authenticate calls; JSON-2: the 401s, less the call's own (a re-login by key is one more).
    json2 = harness.PROTOCOL == "json2"
    refusals = (lambda s: s["json2_status"].get("401", 0) - 1) if json2 else \
        (lambda s: s["common"].get("authenticate", 0))
    before = 0 if json2 else refusals(clean_sim.stats())

    clean_sim.control("password", {"login": "admin", "password": "rotated"})
    r = fcgi(fcgi_bridge, "GET", "/api/v1/products", headers=auth)
    assert r.status == 503, r.raw
    after = refusals(clean_sim.stats())
    assert after - before == 1, "exactly one re-login attempt after AccessDenied (%d)" % (after - before)

    # The password is put back: the next call logs in again and works.
    clean_sim.control("password", {"login": "admin", "password": "admin"})
    r = fcgi(fcgi_bridge, "GET", "/api/v1/products", headers=auth)
    assert r.status == 200, r.raw


def test_uid_and_schema_cached_per_process(clean_sim, env, fcgi_bridge):
    r = fcgi(fcgi_bridge, "POST", "/token", b"username=admin&password=admin",
             content_type="application/x-www-form-urlencoded")
    token = r.json()["access_token"]
    auth = {"Authorization": "Bearer " + token}
    for _ in range(3):
        assert fcgi(fcgi_bridge, "GET", "/api/v1/products", headers=auth).status == 200
    s = clean_sim.stats()
    assert s["execute_kw"]["product.product"].get("fields_get", 0) == 1, s
    # one authenticate for the user's /token, one for the service account
    assert s["common"].get("authenticate", 0) == 2, s


def test_schemas_expire_after_cache_ttl_lookups(clean_sim, env, workdir):
    """A process rebuilds its schemas (fields_get) once they are
    CACHE_TTL_LOOKUPS old, so that fields an Odoo module adds show without
    restarting it; never during a request, and not before.  CACHE_TTL=0:
    no shared copy, every rebuild reaches the simulator."""
    b = harness.ListeningBridge(dict(env, CACHE_TTL="0", CACHE_TTL_LOOKUPS="3"), workdir, threads=1)
    try:
        t0 = time.monotonic()
        r = fcgi(b.addr, "POST", "/token", b"username=admin&password=admin",
                 content_type="application/x-www-form-urlencoded")
        auth = {"Authorization": "Bearer " + r.json()["access_token"]}
        fields_get = lambda: clean_sim.stats()["execute_kw"]["product.product"].get("fields_get", 0)
        assert fcgi(b.addr, "GET", "/api/v1/products", headers=auth).status == 200
        assert fcgi(b.addr, "GET", "/api/v1/products", headers=auth).status == 200
        if time.monotonic() - t0 < 3:   # judged only when the machine kept up
            assert fields_get() == 1, "kept within CACHE_TTL_LOOKUPS"
        before = fields_get()
        time.sleep(3.2)
        t1 = time.monotonic()
        assert fcgi(b.addr, "GET", "/api/v1/products", headers=auth).status == 200
        assert fcgi(b.addr, "GET", "/api/v1/products", headers=auth).status == 200
        if time.monotonic() - t1 < 3:
            assert fields_get() == before + 1, "rebuilt once after CACHE_TTL_LOOKUPS"
        else:
            assert fields_get() > before, "rebuilt after CACHE_TTL_LOOKUPS"
    finally:
        b.stop()


def test_unknown_database_is_503(clean_sim, env):
    """ODOO_DB naming no database: Odoo answers the service login with a
    traceback (fault 1); that is a misconfiguration (503), not a bad answer."""
    token = login(env)
    e = dict(env, ODOO_DB="no_such_db")
    r = api(e, token, "/api/v1/products")
    assert r.status == 503, r.raw
    assert "no_such_db" in r.stderr, "the log says which database"
    r = run_cgi(e, path="/health")
    assert r.status == 503
    assert r.json()["odoo"]["reachable"] is True and r.json()["odoo"]["login"] is False
