"""test_auth.py: POST /token, bearer tokens, /api/v1/me and the login
throttle, end to end against the simulator (DESIGN.md section 3)."""

import base64
import json
import os
import time

import pytest

import harness
from harness import run_cgi

FORM = "application/x-www-form-urlencoded"


def token_request(env, body, content_type=FORM, headers=None):
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    return run_cgi(env, method="POST", path="/token", body=body, content_type=content_type, headers=headers)


def claims(token):
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def test_form_login(clean_sim, env):
    r = token_request(env, b"grant_type=password&username=admin&password=admin&scope=&client_id=&client_secret=")
    assert r.status == 200, r.raw
    d = r.json()
    assert d["token_type"] == "bearer"
    assert d["expires_in"] == 1800
    assert r.headers["cache-control"] == "no-store"
    c = claims(d["access_token"])
    assert c["sub"] == "admin" and c["uid"] == 2 and c["iss"] == "odoo-bridge"
    assert c["exp"] - c["iat"] == 1800 and c["jti"]
    assert json.loads(base64.urlsafe_b64decode(d["access_token"].split(".")[0] + "=="))["alg"] == "HS256"


def test_json_login(clean_sim, env):
    r = token_request(env, {"username": "demo", "password": "demo"}, content_type="application/json")
    assert r.status == 200, r.raw
    assert claims(r.json()["access_token"])["uid"] == 6


def test_wrong_password(clean_sim, env):
    r = token_request(env, b"username=admin&password=nope")
    assert r.status == 401
    assert r.json()["detail"] == "Usuario o contraseña incorrectos"
    assert r.headers["www-authenticate"] == "Bearer"
    r = token_request(env, b"username=admin&password=nope", headers={"Accept-Language": "en"})
    assert r.json()["detail"] == "Incorrect username or password"


def test_unknown_login(clean_sim, env):
    r = token_request(env, b"username=nobody&password=x")
    assert r.status == 401


def test_missing_fields_named(clean_sim, env):
    r = token_request(env, b"grant_type=password")
    assert r.status == 400
    errors = r.json()["errors"]
    assert set(errors) == {"username", "password"}
    r = token_request(env, {"username": "admin"}, content_type="application/json")
    assert r.status == 400
    assert set(r.json()["errors"]) == {"password"}


def test_wrong_grant_type(clean_sim, env):
    r = token_request(env, b"grant_type=client_credentials&username=admin&password=admin")
    assert r.status == 400


def test_wrong_content_type_is_415(clean_sim, env):
    r = token_request(env, b"username=admin&password=admin", content_type="text/plain")
    assert r.status == 415
    r = token_request(env, b"username=admin&password=admin", content_type=None)
    assert r.status == 415


def test_odoo_down_is_503(env):
    e = dict(env, ODOO_URL="http://127.0.0.1:%d" % harness.free_port())
    r = token_request(e, b"username=admin&password=admin")
    assert r.status == 503


def test_me(clean_sim, env):
    t = token_request(env, b"username=admin&password=admin").json()["access_token"]
    r = run_cgi(env, path="/api/v1/me", headers={"Authorization": "Bearer " + t})
    assert r.status == 200, r.raw
    d = r.json()
    assert d["uid"] == 2 and d["login"] == "admin" and d["name"] == "Mitchell Admin"
    assert "email" in d


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_scheme_case_insensitive(clean_sim, env, scheme):
    t = token_request(env, b"username=admin&password=admin").json()["access_token"]
    r = run_cgi(env, path="/api/v1/me", headers={"Authorization": scheme + " " + t})
    assert r.status == 200


def test_token_from_other_secret_refused(clean_sim, env):
    other = dict(env, JWT_SECRET="another-secret-0123456789abcdef0123456789")
    t = token_request(other, b"username=admin&password=admin").json()["access_token"]
    r = run_cgi(env, path="/api/v1/me", headers={"Authorization": "Bearer " + t})
    assert r.status == 401
    assert r.json()["detail"] == "No se pudo validar el token"
    assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_token_expires(clean_sim, env):
    """Valid until exp, refused after (JWT_LEEWAY=0).  A loaded machine may
    take seconds to start a process: the first use is only judged when it
    ended before exp."""
    short = dict(env, JWT_TTL="4", JWT_LEEWAY="0")
    t = token_request(short, b"username=admin&password=admin").json()["access_token"]
    assert claims(t)["exp"] - claims(t)["iat"] == 4
    r = run_cgi(short, path="/api/v1/me", headers={"Authorization": "Bearer " + t})
    if time.time() < claims(t)["exp"]:
        assert r.status == 200, r.raw
    time.sleep(max(0.0, claims(t)["exp"] - time.time()) + 1.2)
    r = run_cgi(short, path="/api/v1/me", headers={"Authorization": "Bearer " + t})
    assert r.status == 401
    assert r.json()["detail"] == "No se pudo validar el token"


def test_throttle_shared_between_processes_then_recovers(clean_sim, env, workdir):
    """N failures, then 429 with Retry-After from a second, separately started
    process sharing the throttle file; Odoo is not asked once blocked; a
    correct login after the window works again."""
    # A window of 8 s: the four processes below must start within it, even
    # under sanitizers on a loaded machine (a process can take a second).
    e = dict(env, LOGIN_MAX_FAILURES="3", LOGIN_WINDOW="8", THROTTLE_FILE=os.path.join(workdir, "shared.throttle"))
    for _ in range(3):
        assert token_request(e, b"username=admin&password=bad").status == 401
    clean_sim.reset_stats()
    # A fresh process: the counters live in the shared file, not in memory.
    r = token_request(e, b"username=admin&password=admin")
    assert r.status == 429, r.raw
    retry = int(r.headers["retry-after"])
    assert 1 <= retry <= 8
    assert clean_sim.stats()["common"].get("authenticate", 0) == 0, "a blocked login does not reach Odoo"
    time.sleep(retry + 0.2)
    r = token_request(e, b"username=admin&password=admin")
    assert r.status == 200, r.raw


def test_throttle_two_fastcgi_processes(clean_sim, env, workdir):
    """Two long-running bridge processes (as mod_fcgid runs them) share one table."""
    e = dict(env, LOGIN_MAX_FAILURES="4", LOGIN_WINDOW="60", THROTTLE_FILE=os.path.join(workdir, "fcgi.throttle"))
    bridges = [harness.ListeningBridge(e, workdir) for _ in range(2)]
    try:
        for i in range(4):
            r = bridges[i % 2].request("POST", "/token", body=b"username=demo&password=bad", content_type=FORM)
            assert r.status == 401
        for b in bridges:
            r = b.request("POST", "/token", body=b"username=demo&password=demo", content_type=FORM)
            assert r.status == 429
            assert int(r.headers["retry-after"]) > 0
        # Another login is not blocked by demo's failures.
        r = bridges[0].request("POST", "/token", body=b"username=admin&password=admin", content_type=FORM)
        assert r.status == 200
    finally:
        for b in bridges:
            b.stop()


def test_success_clears_login_counter(clean_sim, env, workdir):
    e = dict(env, LOGIN_MAX_FAILURES="3", LOGIN_WINDOW="60", THROTTLE_FILE=os.path.join(workdir, "c.throttle"))
    for _ in range(2):
        assert token_request(e, b"username=admin&password=bad").status == 401
    assert token_request(e, b"username=admin&password=admin").status == 200
    for _ in range(2):
        assert token_request(e, b"username=admin&password=bad").status == 401
    assert token_request(e, b"username=admin&password=admin").status == 200


def test_strangers_cannot_lock_out_a_known_good_address(clean_sim, env, workdir):
    """Failures from other addresses reach the login-wide limit: a new
    address is refused without asking Odoo, the address admin logged in
    from before still gets in, and a success does not reset the count."""
    e = dict(env, LOGIN_MAX_FAILURES="3", LOGIN_MAX_FAILURES_LOGIN="4", LOGIN_WINDOW="60",
             THROTTLE_FILE=os.path.join(workdir, "good.throttle"))
    home = dict(e, REMOTE_ADDR="192.0.2.50")
    assert token_request(home, b"username=admin&password=admin").status == 200
    for i in range(4):
        stranger = dict(e, REMOTE_ADDR="203.0.113.%d" % i)
        assert token_request(stranger, b"username=admin&password=guess%d" % i).status == 401
    clean_sim.reset_stats()
    r = token_request(dict(e, REMOTE_ADDR="198.51.100.1"), b"username=admin&password=admin")
    assert r.status == 429, r.raw
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert clean_sim.stats()["common"].get("authenticate", 0) == 0
    assert token_request(home, b"username=admin&password=admin").status == 200
    assert token_request(dict(e, REMOTE_ADDR="198.51.100.1"), b"username=admin&password=admin").status == 429
    # Other logins from the strangers' addresses are not affected (1 failure each, limit 20).
    assert token_request(dict(e, REMOTE_ADDR="203.0.113.0"), b"username=demo&password=demo").status == 200


def test_logs_never_hold_password_or_token(clean_sim, env):
    secret_pw = "Pa55-w0rd-never-logged"
    logs = []
    r = token_request(env, ("username=admin&password=" + secret_pw).encode())
    logs.append(r.stderr)
    r = token_request(dict(env, LOG_LEVEL="debug"), b"username=admin&password=admin")
    logs.append(r.stderr)
    t = r.json()["access_token"]
    for lvl in ("info", "debug"):
        r = run_cgi(dict(env, LOG_LEVEL=lvl), path="/api/v1/products", query="_start=0&_end=2",
                    headers={"Authorization": "Bearer " + t})
        logs.append(r.stderr)
        r = run_cgi(dict(env, LOG_LEVEL=lvl), path="/api/v1/me", headers={"Authorization": "Bearer " + t[:-3] + "abc"})
        logs.append(r.stderr)
    text = "\n".join(logs)
    assert "admin" in text, "the logs were captured"
    assert secret_pw not in text
    assert t not in text and t.split(".")[2] not in text
    assert "password=admin" not in text and env["JWT_SECRET"] not in text
