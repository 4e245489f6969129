"""test_metrics.py: GET /metrics through lighttpd with two bridge processes
and one of them recycled: the counters add up to the requests made, the Odoo
calls to what the simulator saw, promtool accepts the exposition, the
endpoint answers only METRICS_ALLOW and METRICS_TOKEN, and the shipped
Grafana dashboard queries only metrics that exist."""

import json
import os
import re
import shutil
import signal
import subprocess
import threading

import pytest

import harness
import servers

TOKEN = "e2e-metrics-token-0123456789"
DASHBOARD = os.path.join(harness.TOP_SRCDIR, "contrib", "grafana-odoo-bridge.json")
PROCS = 2

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:   # python3-prometheus-client (tools/install-deps)
    text_string_to_metric_families = None


def need_tools():
    if shutil.which("lighttpd") is None:
        pytest.skip("lighttpd is not installed (tools/install-deps installs it)")
    if text_string_to_metric_families is None:
        pytest.skip("python3-prometheus-client is not installed (tools/install-deps installs it)")


def lighttpd(sim, settings, procs=PROCS):
    need_tools()
    d = servers.Deployment("lighttpd", sim, settings=settings,
                           edits=[('"max-procs" => 4', '"max-procs" => %d' % procs)])
    d.start()
    # lighttpd starts its processes one after the other: wait for all of them to count.
    harness.wait_for(lambda: len(d._bridge_pids()) == procs and
                     all(maps_file(p, d.path("run", "metrics")) for p in d._bridge_pids()),
                     timeout=30, what="%d bridge processes with their metrics open" % procs)
    return d


def finish(d):
    d.stop()
    problems = d.problems()
    assert not problems, "\n".join(problems)
    d.remove()


@pytest.fixture(scope="module")
def deployment(sim):
    d = lighttpd(sim, {})
    try:
        yield d
    finally:
        finish(d)


def scrape(h, **kw):
    r = h.request("GET", "/metrics", **kw)
    assert r.status == 200, (r.status, r.body)
    assert r.getheader("Content-Type") == "text/plain; version=0.0.4; charset=utf-8"
    assert r.getheader("Cache-Control") == "no-store"
    return r.body.decode()


def samples(text):
    """{(sample name, sorted label items): value} of an exposition, read by
    the Prometheus client library's own parser."""
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            assert key not in out, "sample repeated: %r" % (key,)
            out[key] = s.value
    return out


def families(text):
    return {fam.name: fam.type for fam in text_string_to_metric_families(text)}


def delta(before, after, name, **labels):
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0) - before.get(key, 0)


def series(snap, name):
    """{labels dict as a tuple: value} of one sample name."""
    return {k[1]: v for k, v in snap.items() if k[0] == name}


def promtool_check(text):
    if shutil.which("promtool") is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing in CI (Debian's prometheus package; tools/install-deps)")
        return "promtool is not installed (Debian's prometheus package): exposition not linted"
    p = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    assert p.returncode == 0, "promtool check metrics:\n%s\n---\n%s" % (p.stdout.decode(), text)
    return None


def maps_file(pid, path):
    """Whether process pid has path mapped (it has opened its metrics)."""
    try:
        with open("/proc/%d/maps" % pid) as f:
            return any(line.rstrip().endswith(" " + path) for line in f)
    except OSError:
        return False


def in_parallel(n, fn):
    errors = []

    def run(i):
        try:
            fn(i)
        except Exception as e:   # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_counters_add_up_across_processes_and_a_recycle(deployment, clean_sim):
    h = harness.Http(deployment.port)
    pids = set(deployment._bridge_pids())
    assert len(pids) == PROCS, pids

    before = samples(scrape(h))
    clean_sim.reset_stats()
    made = {}

    def count(route, method, status_class, n=1):
        made[(route, method, status_class)] = made.get((route, method, status_class), 0) + n

    h.login()
    count("/token", "POST", "2xx")
    for _ in range(2):
        r = harness.Http(deployment.port).request("POST", "/token", form={"username": "admin", "password": "nope"})
        assert r.status == 401, (r.status, r.body)
        count("/token", "POST", "4xx")

    # Requests at the same time, with Odoo slowed down, so that lighttpd
    # hands them to both processes.
    clean_sim.control("latency", {"ms": 100})
    token = h.token

    def lists(i):
        c = harness.Http(deployment.port)
        c.token = token
        for _ in range(3):
            r = c.request("GET", "/api/v1/products?_start=0&_end=2")
            assert r.status == 200, (r.status, r.body)

    in_parallel(6, lists)
    count("/api/v1/products", "GET", "2xx", 18)
    clean_sim.control("latency", {"ms": 0})

    r = h.request("GET", "/api/v1/products/999999")
    assert r.status == 404, (r.status, r.body)
    count("/api/v1/products/{id}", "GET", "4xx")
    r = h.request("GET", "/api/v1/no-such-resource")
    assert r.status == 404, (r.status, r.body)
    count("/api/v1/{res}", "GET", "4xx")
    r = h.request("DELETE", "/token")
    assert r.status == 204, (r.status, r.body)
    count("/token", "DELETE", "2xx")

    # One process recycled: its counts stay, lighttpd starts another.
    victim = sorted(pids)[0]
    os.kill(victim, signal.SIGTERM)
    harness.wait_for(lambda: victim not in deployment._bridge_pids() and len(deployment._bridge_pids()) == PROCS,
                     timeout=30, what="lighttpd to replace the bridge process")
    # Started is not yet counted: wait until the new process has mapped the file.
    newcomer = (set(deployment._bridge_pids()) - pids).pop()
    harness.wait_for(lambda: maps_file(newcomer, deployment.path("run", "metrics")), timeout=30,
                     what="the new process to open METRICS_FILE")

    for _ in range(5):
        r = h.request("GET", "/health")
        assert r.status == 200, (r.status, r.body)
    count("/health", "GET", "2xx", 5)
    h.login()
    count("/token", "POST", "2xx")
    count("/metrics", "GET", "2xx")   # the first scrape

    text = scrape(h)
    note = promtool_check(text)
    after = samples(text)

    # HTTP: every request the test made, under its route template, and nothing else.
    got = {}
    for labels, v in series(after, "odoo_bridge_http_requests_total").items():
        d = v - before.get(("odoo_bridge_http_requests_total", labels), 0)
        if d:
            lab = dict(labels)
            got[(lab["route"], lab["method"], lab["status"])] = d
    assert got == made
    for labels, v in series(after, "odoo_bridge_http_requests_total").items():
        assert after[("odoo_bridge_http_request_duration_seconds_count", labels)] == v

    # Logins and logout.
    assert delta(before, after, "odoo_bridge_logins_total", result="ok") == 2
    assert delta(before, after, "odoo_bridge_logins_total", result="failed") == 2
    assert delta(before, after, "odoo_bridge_tokens_revoked_total") == 1
    # Two processes at start, one more after the recycle.
    assert after[("odoo_bridge_process_starts_total", ())] == PROCS + 1
    assert after[("odoo_bridge_metrics_shared", ())] == 1

    # Odoo: each (model, method) counted as often as the simulator saw it.
    seen = clean_sim.stats()
    odoo = {}
    for labels, v in series(after, "odoo_bridge_odoo_calls_total").items():
        d = v - before.get(("odoo_bridge_odoo_calls_total", labels), 0)
        lab = dict(labels)
        if d and lab["model"] != "common":
            assert lab["outcome"] == "ok", labels
            odoo[(lab["model"], lab["method"])] = odoo.get((lab["model"], lab["method"]), 0) + d
    logins = seen["common"].get("authenticate", 0)
    want = {(m, meth): n for m, per in seen["execute_kw"].items() for meth, n in per.items() if n}
    if harness.PROTOCOL == "json2":
        # A JSON-2 login is one call of one or two requests: context_get
        # (which stats() counts as the login) and, for a key, a read of its
        # user (json2.c).  The test reads no user otherwise.
        want.pop(("res.users", "read"), None)
    assert odoo == want
    auth = sum(v - before.get(("odoo_bridge_odoo_calls_total", k), 0)
               for k, v in series(after, "odoo_bridge_odoo_calls_total").items()
               if dict(k)["model"] == "common" and dict(k)["method"] == "authenticate")
    assert auth == logins

    info = series(after, "odoo_bridge_build_info")
    assert len(info) == 1
    lab = dict(next(iter(info)))
    assert lab["odoo_protocol"] == harness.PROTOCOL
    assert lab["odoo_version"] == harness.SERVER_VERSION, "asked by /health"
    if note:
        pytest.skip(note)


def test_histograms_are_cumulative(deployment):
    h = harness.Http(deployment.port)
    h.request("GET", "/health")
    snap = samples(scrape(h))
    for name in ("odoo_bridge_http_request_duration_seconds", "odoo_bridge_odoo_call_duration_seconds"):
        for labels, count in series(snap, name + "_count").items():
            buckets = sorted(((float(le), v) for k, v in series(snap, name + "_bucket").items()
                              for le in [dict(k)["le"]]
                              if tuple(x for x in k if x[0] != "le") == labels), key=lambda b: b[0])
            assert buckets[-1] == (float("inf"), count), (name, labels)
            values = [v for _, v in buckets]
            assert values == sorted(values), (name, labels, buckets)
            assert snap[(name + "_sum", labels)] >= 0


def test_the_shipped_grafana_dashboard_queries_existing_metrics(deployment):
    with open(DASHBOARD) as f:
        dash = json.load(f)
    exprs = []

    def walk(o):
        if isinstance(o, dict):
            if isinstance(o.get("expr"), str):
                exprs.append(o["expr"])
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(dash)
    assert exprs, "the dashboard has no queries"
    text = scrape(harness.Http(deployment.port))
    fams = families(text)
    names = set()
    for fam, kind in fams.items():
        if kind == "histogram":
            names |= {fam + "_bucket", fam + "_sum", fam + "_count"}
        elif kind == "counter":
            names.add(fam + "_total")
        else:
            names.add(fam)
    used = {n for e in exprs for n in re.findall(r"\bodoo_bridge_[a-z0-9_]+", e)}
    assert used, exprs
    assert used <= names, "queried but not exposed: %s" % sorted(used - names)
    # Every label a query groups or filters by is one the metric has.
    for e in exprs:
        for m in re.finditer(r"by \(([^)]*)\)", e):
            for label in (x.strip() for x in m.group(1).split(",")):
                assert label in ("route", "method", "status", "model", "outcome", "result", "le",
                                 "instance", "job", "version", "odoo_protocol", "odoo_version"), (label, e)


def test_not_public_by_default_and_open_to_the_token(sim):
    # 192.0.2.0/24 is TEST-NET-1: the test's loopback client is not in it.
    d = lighttpd(sim, {"METRICS_ALLOW": "192.0.2.0/24", "METRICS_TOKEN": TOKEN}, procs=1)
    try:
        h = harness.Http(d.port)
        r = h.request("GET", "/metrics")
        assert r.status == 403, (r.status, r.body)
        assert r.getheader("Content-Type") == "application/json; charset=utf-8"
        assert r.data["detail"] == "No tiene permiso para ver las métricas"
        assert b"odoo_bridge" not in r.body
        r = h.request("GET", "/metrics", headers={"Authorization": "Bearer " + TOKEN + "x"})
        assert r.status == 403, (r.status, r.body)
        r = h.request("GET", "/metrics", headers={"Authorization": "Basic " + TOKEN})
        assert r.status == 403, (r.status, r.body)
        text = scrape(h, headers={"Authorization": "Bearer " + TOKEN})
        # The refused scrapes were counted as what they were.
        snap = samples(text)
        assert snap[("odoo_bridge_http_requests_total",
                     (("method", "GET"), ("route", "/metrics"), ("status", "4xx")))] == 3
        assert "metrics: refused addr=127.0.0.1" in d.read_log() + d.read_log("server.out")
    finally:
        finish(d)
