"""test_redis.py: two bridges sharing one Redis (REDIS_URL), as two hosts
behind a load balancer would: failed logins, revoked tokens, Redis killed
and started again (DESIGN.md section 7, "Shared state").  Each bridge has
its own THROTTLE_FILE and REVOKE_FILE: only Redis joins them.  The same
across real namespaces and a load balancer: test_scaleout.py."""

import json
import os
import time

import pytest

import harness
import servers

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def redis(workdir):
    r = harness.Redis(workdir)
    yield r
    r.close()


@pytest.fixture
def hosts(clean_sim, env, workdir, redis):
    """Bridges A and B, each with the shm files of its own "host"."""
    bridges = []
    prefix = "e2e-%s:" % harness.random_id()   # one deployment: one prefix
    for name in ("a", "b"):
        d = os.path.join(workdir, name)
        os.mkdir(d)
        e = dict(env, REDIS_URL=redis.url, REDIS_PREFIX=prefix,
                 THROTTLE_FILE=os.path.join(d, "throttle"), REVOKE_FILE=os.path.join(d, "revoked"))
        bridges.append(harness.ListeningBridge(e, d, threads=2))
    yield bridges
    for b in bridges:
        b.stop()
        with open(b.log_path) as f:
            bad = [line for line in f if servers.CRASH_PATTERNS.search(line)]
        assert not bad, bad


def login(bridge, user="admin", password="admin"):
    return bridge.request("POST", "/token", body=("username=%s&password=%s" % (user, harness.secret(user, password))).encode(),
                          content_type=FORM)


def health(bridge):
    r = bridge.request("GET", "/health")
    return r.status, r.json()


def test_failed_logins_on_a_count_on_b(hosts, workdir, redis, env):
    a, b = hosts
    # The default limit: 5 failures of one login from one address.
    for i in range(5):
        r = login(a if i < 3 else b, "demo", "wrong")
        assert r.status == 401, r.raw
    for h in (a, b):
        r = login(h, "demo", "demo")
        assert r.status == 429, r.raw
        assert int(r.headers["retry-after"]) > 0


def test_token_revoked_on_a_is_refused_on_b(hosts):
    a, b = hosts
    r = login(a)
    assert r.status == 200, r.raw
    token = r.json()["access_token"]
    auth = {"Authorization": "Bearer " + token}
    assert b.request("GET", "/api/v1/me", headers=auth).status == 200
    r = a.request("POST", "/token/revoke", headers=auth)
    assert r.status == 204, r.raw
    r = b.request("GET", "/api/v1/me", headers=auth)
    assert r.status == 401, r.raw


def test_health_says_redis_up_then_down_then_up(hosts, redis):
    a, b = hosts
    for h in (a, b):
        status, body = health(h)
        assert status == 200 and body["redis"] == "up", body
    redis.kill()
    for h in (a, b):
        status, body = health(h)
        assert status == 200, body            # Redis down is not the bridge down
        assert body["redis"] == "down", body
    redis.start()
    # A reconnection is tried at most once a second.
    harness.wait_for(lambda: all(health(h)[1]["redis"] == "up" for h in (a, b)), timeout=10,
                     what="/health to say redis up again")


def test_killing_redis_mid_run_costs_no_request(hosts, redis):
    """Every answer is the one it would be without Redis: 2xx, or the 4xx the request deserves."""
    a, b = hosts
    token = login(a).json()["access_token"]
    auth = {"Authorization": "Bearer " + token}
    seen = []
    for i in range(60):
        if i == 20:
            redis.kill()
        if i == 40:
            redis.start()
        h = (a, b)[i % 2]
        kind = i % 4
        if kind == 0:
            r = h.request("GET", "/api/v1/products", query="_start=0&_end=5", headers=auth)
            seen.append(("list", r.status))
            assert r.status == 200, r.raw
            assert r.headers.get("x-total-count"), r.raw
        elif kind == 1:
            r = login(h, "demo", "wrong")
            seen.append(("bad login", r.status))
            assert r.status in (401, 429), r.raw
        elif kind == 2:
            r = h.request("GET", "/api/v1/me", headers=auth)
            seen.append(("me", r.status))
            assert r.status == 200, r.raw
        else:
            r = h.request("GET", "/api/v1/products/999999999", headers=auth)
            seen.append(("missing", r.status))
            assert r.status == 404, r.raw
    assert all(s < 500 for _, s in seen), seen
    # One warning per process for the whole outage, not one per request.
    for h in (a, b):
        with open(h.log_path) as f:
            warnings = [line for line in f if "[warn]" in line and "Redis at" in line]
        assert len(warnings) == 1, warnings


def test_health_has_no_redis_without_redis_url(clean_sim, env, workdir):
    b = harness.ListeningBridge(env, workdir)
    try:
        status, body = health(b)
        assert "redis" not in body, body
    finally:
        b.stop()


def test_redis_down_at_start_costs_no_request(clean_sim, env, workdir):
    """A REDIS_URL where nothing listens: the bridge starts and answers."""
    e = dict(env, REDIS_URL="redis://127.0.0.1:%d" % harness.free_port())
    b = harness.ListeningBridge(e, workdir)
    try:
        r = login(b)
        assert r.status == 200, r.raw
        status, body = health(b)
        assert body["redis"] == "down", body
    finally:
        b.stop()
    with open(b.log_path) as f:
        log = f.read()
    assert log.count("Redis at 127.0.0.1") == 1, log   # one warning, not one per request


def test_rediss_is_refused_at_start(env):
    r = harness.run_cgi(dict(env, REDIS_URL="rediss://:pw@127.0.0.1:6379"), path="/health")
    assert r.status == 500 or r.returncode != 0, r.raw
    assert "TLS" in r.stderr and "pw" not in r.stderr, r.stderr
