"""test_cgi.py: the bridge as a plain CGI program and as a FastCGI responder
(through cgi-fcgi), checked byte for byte where the answer is deterministic."""

import json
import os
import subprocess

import pytest

import harness
from harness import cgi_fcgi, run_cgi  # noqa: F401 (cgi_fcgi is imported from here by other modules)


def expected(status, reason, body, rid, extra=""):
    b = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    head = ("Status: %d %s\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            "Content-Length: %d\r\n"
            "X-Request-Id: %s\r\n"
            "X-Content-Type-Options: nosniff\r\n%s"
            "\r\n") % (status, reason, len(b), rid, extra)
    return head.encode() + b


def envelope(status, text):
    return {"detail": text, "message": text, "statusCode": status}


def test_cgi_unknown_route_exact_output(env):
    r = run_cgi(env, path="/nope", headers={"X-Request-Id": "t-404"})
    assert r.returncode == 0
    assert r.raw == expected(404, "Not Found", envelope(404, "No encontrado"), "t-404")


def test_cgi_english_when_asked(env):
    r = run_cgi(env, path="/nope", headers={"X-Request-Id": "t-en", "Accept-Language": "en-US,en;q=0.9"})
    assert r.raw == expected(404, "Not Found", envelope(404, "Not found"), "t-en")


def test_cgi_method_not_allowed_has_allow(env):
    r = run_cgi(env, method="PUT", path="/token", headers={"X-Request-Id": "t-405"})
    assert r.raw == expected(405, "Method Not Allowed", envelope(405, "Método no permitido"), "t-405",
                             "Allow: POST, DELETE, OPTIONS\r\n")


def test_cgi_no_token_is_401(env):
    r = run_cgi(env, path="/api/v1/products", headers={"X-Request-Id": "t-401"})
    assert r.status == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["statusCode"] == 401


def test_cgi_bad_token_is_401_invalid_token(env):
    r = run_cgi(env, path="/api/v1/products", headers={"Authorization": "Bearer abc.def.ghi"})
    assert r.status == 401
    assert r.json()["detail"] == "No se pudo validar el token"
    assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_cgi_malformed_query_is_400(env):
    r = run_cgi(env, path="/api/v1/products", query="name=%zz", headers={"X-Request-Id": "t-400"})
    assert r.raw == expected(400, "Bad Request", envelope(400, "Cadena de consulta mal formada"), "t-400")


def test_cgi_body_over_max_body_is_413(env):
    env = dict(env, MAX_BODY="1024")
    r = run_cgi(env, method="POST", path="/token", body=b"x" * 5000,
                content_type="application/x-www-form-urlencoded")
    assert r.status == 413
    assert r.json()["statusCode"] == 413


def test_cgi_preflight_allowed_origin(env):
    r = run_cgi(env, method="OPTIONS", path="/api/v1/products",
                headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "GET",
                         "Access-Control-Request-Headers": "authorization"})
    assert r.status == 204
    assert r.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "GET" in r.headers["access-control-allow-methods"]
    assert "Authorization" in r.headers["access-control-allow-headers"]
    assert r.body == b""


def test_cgi_preflight_other_origin_gets_no_cors(env):
    r = run_cgi(env, method="OPTIONS", path="/api/v1/products",
                headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert r.status == 204
    assert "access-control-allow-origin" not in r.headers


def test_cgi_cors_on_errors_too(env):
    r = run_cgi(env, path="/api/v1/products", headers={"Origin": "http://localhost:5173"})
    assert r.status == 401
    assert r.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "X-Total-Count" in r.headers["access-control-expose-headers"]


def test_cgi_request_id_generated_when_absent(env):
    r = run_cgi(env, path="/nope")
    rid = r.headers["x-request-id"]
    assert len(rid) == 24 and all(c in "0123456789abcdef" for c in rid)
    assert rid in r.stderr, "the access log line carries the request id"


def test_cgi_access_log_line(env):
    r = run_cgi(env, path="/api/v1/products", headers={"X-Request-Id": "t-log", "Authorization": "Bearer s3cr3t.t0k3n.x"})
    lines = [l for l in r.stderr.splitlines() if "GET /api/v1/products 401" in l]
    assert len(lines) == 1, r.stderr
    assert "[t-log]" in lines[0] and "ms" in lines[0]
    assert "s3cr3t" not in r.stderr, "the Authorization header is never logged"


def test_cgi_health_against_simulator(env):
    r = run_cgi(env, path="/health")
    assert r.status == 200, r.raw
    d = r.json()
    assert d["status"] == "ok"
    assert d["odoo"]["reachable"] is True
    assert d["odoo"]["version"] == harness.SERVER_VERSION
    assert isinstance(d["odoo"]["latency_ms"], int)


@pytest.mark.parametrize("bad,msg", [
    ({"ODOO_PASSWORD": ""}, "ODOO_PASSWORD is required but not set"),
    ({"JWT_SECRET": "short"}, "JWT_SECRET: must be at least 32 bytes long"),
    ({"ODOO_TIMEOUT_MS": "soon"}, "ODOO_TIMEOUT_MS: 'soon' is not a whole number"),
])
def test_bad_config_stops_with_one_line(env, bad, msg):
    e = dict(env)
    e.update(bad)
    r = run_cgi(e, path="/health")
    assert r.returncode != 0
    assert r.raw == b""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and msg in lines[0], r.stderr


def test_check_config(env):
    p = subprocess.run(harness.BRIDGE_WRAPPER + [harness.BRIDGE, "--check-config", "--ping"], env=env,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert "configuration OK" in p.stdout
    assert "logs in" in p.stdout
    assert env["JWT_SECRET"] not in p.stdout + p.stderr


def test_check_config_names_the_file(env, workdir):
    import os
    path = os.path.join(workdir, "odoo-bridge.conf")
    with open(path, "w") as f:
        f.write("ODOO_DB=odoo_pelotazo\n")
    p = subprocess.run(harness.BRIDGE_WRAPPER + [harness.BRIDGE, "--config", path, "--check-config"], env=env,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "configuration OK (file %s)\nresources OK: 6 routes from %s\n" % (
        path, env.get("RESOURCES_FILE") or "the compiled-in default")


def test_check_config_wrong_password(env):
    e = dict(env, ODOO_PASSWORD="wrong-password")
    if harness.PROTOCOL == "json2":
        e["ODOO_API_KEY"] = "0123456789abcdef0123456789abcdef01234567"   # a key Odoo does not know
    p = subprocess.run(harness.BRIDGE_WRAPPER + [harness.BRIDGE, "--check-config", "--ping"], env=e,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode != 0
    assert "cannot log in" in p.stderr
    assert "wrong-password" not in p.stdout + p.stderr
    assert "0123456789abcdef0123456789abcdef01234567" not in p.stdout + p.stderr


def test_version_and_help():
    p = subprocess.run([harness.BRIDGE, "--version"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.startswith("odoo-bridge ")
    p = subprocess.run([harness.BRIDGE, "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "--listen" in p.stdout
    p = subprocess.run([harness.BRIDGE, "--bogus"], capture_output=True, text=True)
    assert p.returncode == 2


# ---- FastCGI: the same answers through libfcgi's cgi-fcgi client ----

@pytest.fixture
def listening_bridge(env, workdir):
    b = harness.ListeningBridge(env, workdir, threads=2)
    yield b.addr
    assert b.stop() == 0, "SIGTERM ends the bridge cleanly"


def test_fastcgi_listen_exact_output(listening_bridge):
    r = cgi_fcgi(listening_bridge, {}, path="/nope", headers={"X-Request-Id": "f-404"})
    # cgi-fcgi turns the FastCGI answer back into CGI output.
    assert r.raw == expected(404, "Not Found", envelope(404, "No encontrado"), "f-404")


def test_fastcgi_listen_many_requests_one_process(listening_bridge):
    for i in range(20):
        r = cgi_fcgi(listening_bridge, {}, path="/health")
        assert r.status == 200, r.raw
    r = cgi_fcgi(listening_bridge, {}, method="POST", path="/token", body=b"username=x",
                 content_type="text/plain", headers={"X-Request-Id": "f-415"})
    assert r.status == 415


def test_fastcgi_on_fd0_spawned(env, workdir):
    """As a web server starts it: the FastCGI socket on fd 0 (spawn-fcgi does what mod_fcgid does)."""
    sock = os.path.join(workdir, "fcgi.sock")
    pidfile = os.path.join(workdir, "fcgi.pid")
    args = ["spawn-fcgi", "-s", sock, "-P", pidfile, "-n", "--"] + harness.BRIDGE_WRAPPER + [harness.BRIDGE]
    proc = subprocess.Popen(args, env=env, stderr=open(os.path.join(workdir, "spawn.log"), "w"))
    try:
        harness.wait_for(lambda: os.path.exists(sock), what="fd-0 socket")
        r = cgi_fcgi(sock, {}, path="/nope", headers={"X-Request-Id": "s-404"})
        assert r.raw == expected(404, "Not Found", envelope(404, "No encontrado"), "s-404")
        r = cgi_fcgi(sock, {}, path="/health")
        assert r.status == 200
    finally:
        harness.stop(proc)


@pytest.mark.parametrize("attempt", range(2))
def test_sigterm_finishes_request_in_progress(clean_sim, env, workdir, attempt):
    """SIGTERM during a request: the answer is still sent, then the process
    exits 0 even though its other threads sit in accept(). Repeated, so
    that the request lands on the main thread and on the others."""
    import threading
    import signal
    import time
    b = harness.ListeningBridge(env, workdir, threads=3)
    try:
        assert b.request("GET", "/health").status == 200
        clean_sim.control("latency", {"ms": 2500})
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("r", b.request("GET", "/health")))
        t.start()
        # Signal while the request is inside the bridge, waiting on Odoo
        # (the simulator counts a call only after its latency).
        time.sleep(0.8)
        assert t.is_alive()
        b.proc.send_signal(signal.SIGTERM)
        t.join(10)
        assert result["r"].status == 200, result["r"].raw
        b.proc.wait(5)
        assert b.proc.returncode == 0
    finally:
        b.stop()
