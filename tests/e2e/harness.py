"""harness.py: start and stop what the end-to-end tests need (the Odoo
simulator, the bridge in each of its modes, web servers), all on loopback,
and talk HTTP/CGI/FastCGI to them.  Standard library only."""

import hashlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP_SRCDIR = os.environ.get("top_srcdir") or os.path.abspath(os.path.join(HERE, "..", ".."))
TOP_BUILDDIR = os.environ.get("top_builddir") or TOP_SRCDIR
BRIDGE = os.environ.get("ODOO_BRIDGE_BIN") or os.path.join(TOP_BUILDDIR, "odoo-bridge")
SIM = os.path.join(TOP_SRCDIR, "tests", "odoo-sim", "odoo-sim")
PYTHON = os.environ.get("PYTHON3") or "/usr/bin/python3"
# A wrapper (e.g. valgrind) put in front of every bridge process.
BRIDGE_WRAPPER = os.environ.get("ODOO_BRIDGE_WRAPPER", "").split()

JWT_SECRET = "e2e-secret-0123456789abcdef0123456789abcdef"

# The Odoo the suite runs against; make check runs it three times
# (run-e2e.sh, run-e2e-19-xmlrpc.sh, run-e2e-19-json2.sh):
#   18-xmlrpc  the simulator as Odoo 18, over XML-RPC (the default)
#   19-xmlrpc  the simulator as Odoo 19, the bridge held to XML-RPC
#   19-json2   the simulator as Odoo 19, over JSON-2: the service account
#              has an API key, and users log in with theirs (secret())
VARIANT = os.environ.get("E2E_ODOO", "18-xmlrpc")
ODOO_VERSION = int(VARIANT.split("-")[0])
PROTOCOL = VARIANT.split("-")[1]
assert VARIANT in ("18-xmlrpc", "19-xmlrpc", "19-json2"), "E2E_ODOO=%s" % VARIANT

# What /health reports as the server's version (the simulator answers as the captured servers).
SERVER_VERSION = {18: "18.0", 19: "19.0+e-20251227"}[ODOO_VERSION]

# Fields whose Odoo name differs on this version, and fields it no longer
# has (the API keeps its names: README, "Upgrading from Odoo 18 to 19").
RENAMED = {19: {("sale.order.line", "tax_id"): "tax_ids"}}.get(ODOO_VERSION, {})
GONE = {19: {("res.partner", "mobile")}}.get(ODOO_VERSION, set())

# The bridge's OpenAPI document as a contract.Contract, set by conftest.py
# for the session: every answer of the bridge that the helpers below return
# is checked against it, and one outside it fails the test that asked.
CONTRACT = None


def check_contract(method, path, status, headers, body, request_body=None):
    """Fails (AssertionError) when an answer of the bridge (it carries
    X-Request-Id; the web server's own answers do not) is not what the
    OpenAPI document declares (request_body: for a batch's entries)."""
    if CONTRACT is None or "x-request-id" not in headers:
        return
    problems = CONTRACT.check(method, path, status, headers, body, request_body)
    assert not problems, "answer outside the OpenAPI document:\n" + "\n".join(problems)


# The simulator's users and passwords (tests/odoo-sim/README).
SIM_PASSWORDS = {"admin": "admin", "demo": "demo", "portal": "portal"}


def sim_api_key(login, password):
    """The simulator's API key of a user with that password (odoosim/demo.py: fixed, not random)."""
    return hashlib.sha1(("odoo-sim api key:%s:%s" % (login, password)).encode()).hexdigest()


def secret(login, password):
    """What a user gives /token as the password: over JSON-2 the user's API
    key in place of the simulator's password (a wrong password stays wrong)."""
    if PROTOCOL == "json2" and SIM_PASSWORDS.get(login) == password:
        return sim_api_key(login, password)
    return password


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.02)
    raise TimeoutError("timed out waiting for %s" % what)


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def stop(proc, timeout=10):
    """Stops a process we started, by pid: SIGTERM, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Sim:
    """The Odoo simulator on a free loopback port."""

    def __init__(self, tmpdir, extra_args=()):
        self.tmpdir = tmpdir
        portfile = os.path.join(tmpdir, "sim.port")
        self.log = open(os.path.join(tmpdir, "sim.log"), "w")
        self.proc = subprocess.Popen(
            [PYTHON, SIM, "--host", "127.0.0.1", "--port", "0", "--port-file", portfile, "--quiet",
             "--odoo-version", str(ODOO_VERSION), *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: os.path.exists(portfile) and os.path.getsize(portfile) > 0, what="simulator port file")
        with open(portfile) as f:
            self.port = int(f.read().strip())
        self.url = "http://127.0.0.1:%d" % self.port

    def control(self, path, payload=None, method="POST"):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        body = json.dumps(payload or {}).encode()
        c.request(method, "/__sim/" + path, body=body if method == "POST" else None,
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        c.close()
        if r.status != 200:
            raise RuntimeError("simulator control %s: %d %r" % (path, r.status, data))
        return json.loads(data) if data else None

    def stats(self):
        """The simulator's counters, with the JSON-2 calls counted with the
        XML-RPC ones under execute_kw (model -> method -> n), so that a test
        counts Odoo calls whatever the protocol; a JSON-2 login (the key's
        res.users.context_get) counts as common.authenticate."""
        s = self.control("stats", method="GET")
        for model, methods in s.get("json2", {}).items():
            for method, n in methods.items():
                if (model, method) == ("res.users", "context_get"):
                    s["common"]["authenticate"] = s["common"].get("authenticate", 0) + n
                    continue
                per = s["execute_kw"].setdefault(model, {})
                per[method] = per.get(method, 0) + n
        return s

    def reset_stats(self):
        return self.control("stats/reset")

    def reset(self):
        """Restores the demo data.  That is a change made behind the bridges'
        backs, as restoring Odoo's database would be: the response caches of
        the bridges this run made are emptied with it (their files removed;
        a bridge process that holds one keeps its own copy, so long-running
        bridges are made per test), so that no test reads an answer cached
        by an earlier one."""
        for path in list(CACHE_FILES):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        return self.control("reset")

    def close(self):
        stop(self.proc)
        self.log.close()


# Every CACHE_FILE a bridge_env named (Sim.reset empties them).
CACHE_FILES = set()


def bridge_env(sim_url, tmpdir, **extra):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ODOO_URL": sim_url,
        "ODOO_DB": "odoo_pelotazo",
        "ODOO_USERNAME": "admin",
        "ODOO_PASSWORD": "admin",
        "JWT_SECRET": JWT_SECRET,
        "THROTTLE_FILE": os.path.join(tmpdir, "throttle"),
        "REVOKE_FILE": os.path.join(tmpdir, "revoked"),
        # Each test's own counters, not the host's default under /dev/shm.
        "METRICS_FILE": os.path.join(tmpdir, "metrics"),
        "CACHE_FILE": os.path.join(tmpdir, "cache"),
        "EVENTS_FILE": os.path.join(tmpdir, "events"),
        "CORS_ORIGINS": "http://localhost:5173",
        "LOG_LEVEL": "info",
        "ODOO_PROTOCOL": PROTOCOL,
        # run-e2e-fast-path-off.sh: every answer through xmlrpc-c's and json-c's trees (issue 20).
        "ODOO_FAST_PATH": os.environ.get("E2E_FAST_PATH", "on"),
    }
    if PROTOCOL == "json2":
        env["ODOO_API_KEY"] = sim_api_key("admin", "admin")
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    env.update({k: str(v) for k, v in extra.items()})
    CACHE_FILES.add(env["CACHE_FILE"])
    return env


class CgiResult:
    def __init__(self, raw, stderr, returncode):
        self.raw = raw
        self.stderr = stderr.decode("utf-8", "replace")
        self.returncode = returncode
        head, _, body = raw.partition(b"\r\n\r\n")
        self.headers = {}
        self.header_list = []
        lines = head.decode("latin-1").split("\r\n")
        for line in lines:
            if ":" in line:
                k, v = line.split(":", 1)
                self.headers[k.strip().lower()] = v.strip()
                self.header_list.append((k.strip(), v.strip()))
        self.status = int(self.headers.get("status", "200").split()[0])
        self.body = body

    def json(self):
        return json.loads(self.body)


def cgi_env(env, method="GET", path="/", query="", body=b"", headers=None, content_type=None):
    """The CGI variables (RFC 3875 4.1) of one request, on top of env."""
    cgi = dict(env)
    cgi.update({
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": env.get("REMOTE_ADDR", "127.0.0.1"),   # a test may play another client
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
    })
    if body:
        cgi["CONTENT_LENGTH"] = str(len(body))
    if content_type:
        cgi["CONTENT_TYPE"] = content_type
    for k, v in (headers or {}).items():
        cgi["HTTP_" + k.upper().replace("-", "_")] = v
    return cgi


def run_cgi(env, method="GET", path="/", query="", body=b"", headers=None, content_type=None, timeout=30):
    """Runs the bridge once as a plain CGI program (RFC 3875)."""
    cgi = cgi_env(env, method, path, query, body, headers, content_type)
    p = subprocess.run(BRIDGE_WRAPPER + [BRIDGE], input=body, env=cgi, capture_output=True, timeout=timeout)
    r = CgiResult(p.stdout, p.stderr, p.returncode)
    check_contract(method, path, r.status, r.headers, r.body, body)
    return r


def cgi_fcgi(connect, env=None, method="GET", path="/", query="", body=b"", headers=None, content_type=None):
    """One request to a FastCGI responder at connect (host:port or socket
    path) through libfcgi's cgi-fcgi, which prints the answer as CGI output."""
    cgi = cgi_env(env or {}, method, path, query, body, headers, content_type)
    p = subprocess.run(["cgi-fcgi", "-bind", "-connect", connect], input=body, env=cgi,
                       capture_output=True, timeout=30)
    r = CgiResult(p.stdout, p.stderr, p.returncode)
    check_contract(method, path, r.status, r.headers, r.body, body)
    return r


class ListeningBridge:
    """The bridge serving FastCGI on its own loopback socket (--listen)."""

    def __init__(self, env, workdir, threads=1):
        port = free_port()
        self.addr = "127.0.0.1:%d" % port
        self.log_path = os.path.join(workdir, "bridge-%d.log" % port)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(BRIDGE_WRAPPER + [BRIDGE, "--listen", self.addr, "--threads", str(threads)],
                                     env=env, stderr=self.log)
        wait_for(lambda: port_open(port), what="bridge --listen")

    def request(self, method, path, **kw):
        return cgi_fcgi(self.addr, None, method, path, **kw)

    def stop(self):
        stop(self.proc)
        self.log.close()
        return self.proc.returncode


class Http:
    """A tiny HTTP/1.1 client for the web servers under test."""

    def __init__(self, port, host="127.0.0.1", prefix=""):
        self.host, self.port, self.prefix = host, port, prefix
        self.token = None

    def request(self, method, path, body=None, headers=None, json_body=None, form=None, timeout=30):
        h = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            h.setdefault("Content-Type", "application/json")
        elif form is not None:
            from urllib.parse import urlencode
            body = urlencode(form).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if self.token and "Authorization" not in h:
            h["Authorization"] = "Bearer " + self.token
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        c.request(method, self.prefix + path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        r.body = data
        try:
            r.data = json.loads(data) if data else None
        except ValueError:
            r.data = None
        check_contract(method, path, r.status, {k.lower(): v for k, v in r.getheaders()}, data, body)
        return r

    def login(self, username="admin", password="admin"):
        r = self.request("POST", "/token", form={"username": username, "password": secret(username, password)})
        assert r.status == 200, (r.status, r.body)
        self.token = r.data["access_token"]
        return self.token


def tmpdir(prefix="ob-e2e-"):
    return tempfile.mkdtemp(prefix=prefix)


def random_id():
    return secrets.token_hex(6)


REDIS_SERVER = os.environ.get("REDIS_SERVER", "")
if REDIS_SERVER in ("", "no"):
    REDIS_SERVER = "/usr/bin/redis-server"


class Redis:
    """A redis-server of the test's own, without persistence, on host:port
    (a free loopback port by default).  prefix is put in front of its
    command and of redis-cli's (e.g. ["ip", "netns", "exec", NS])."""

    def __init__(self, tmpdir, host="127.0.0.1", port=None, prefix=()):
        if not os.path.exists(REDIS_SERVER):
            import pytest
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        self.tmpdir, self.host, self.prefix = tmpdir, host, list(prefix)
        self.port = port or free_port()
        self.url = "redis://%s:%d" % (host, self.port)
        self.proc = None
        self.start()

    def start(self):
        log = open(os.path.join(self.tmpdir, "redis.log"), "a")
        self.proc = subprocess.Popen(
            self.prefix + [REDIS_SERVER, "--bind", self.host, "--port", str(self.port), "--save", "",
                           "--appendonly", "no", "--protected-mode", "no", "--dir", self.tmpdir,
                           "--daemonize", "no"],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_for(self.answers, what="redis-server on %s:%d" % (self.host, self.port))

    def cli(self, *args):
        p = subprocess.run(self.prefix + ["redis-cli", "-h", self.host, "-p", str(self.port), *args],
                           capture_output=True, timeout=10)
        return p.stdout.decode().strip()

    def answers(self):
        if self.proc.poll() is not None:
            raise RuntimeError("redis-server exited: see %s/redis.log" % self.tmpdir)
        if not self.prefix:
            return port_open(self.port, self.host)
        return self.cli("PING") == "PONG"

    def kill(self):
        """As a crash would end it: SIGKILL, by pid."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def close(self):
        self.kill()
