"""conftest.py: what the odoo-sim tests share: paths, an in-process database, a process."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xmlrpc.client

import pytest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from odoosim import errors, rpc  # noqa: E402
from odoosim.services import DATABASE, Database  # noqa: E402

SRCDIR = os.environ.get("top_srcdir") or os.path.normpath(os.path.join(HERE, os.pardir,
                                                                       os.pardir))
FIXTURES = os.path.join(SRCDIR, "tests", "fixtures", "odoo-captures")
PYTHON = os.environ.get("PYTHON3") or sys.executable
SIM = os.path.join(HERE, "odoo-sim")

# The simulated users' API keys (odoosim.demo.api_key(login, password)).
API_KEYS = {"admin": "82ba58973588e38b123b0c54948b76e56e21d56f",
            "demo": "8cc394645583534ebee368414daecb27cfee2c5c",
            "portal": "267883b487b5580b93fdc6a1bc6b6a6715e78c17"}

ADMIN = (DATABASE, 2, "admin")
DEMO = (DATABASE, 6, "demo")
PORTAL = (DATABASE, 7, "portal")


class Fault(Exception):
    """An XML-RPC fault raised by an in-process call: code and string as on the wire."""

    def __init__(self, code, string):
        super().__init__("%s: %s" % (code, string))
        self.code = code
        self.string = string

    @property
    def last_line(self):
        """The faultString's last non-empty line (the exception for tracebacks)."""
        return [line for line in self.string.split("\n") if line][-1]


class Local:
    """The simulated database called in-process, through the same path as XML-RPC."""

    def __init__(self, version=18, name=DATABASE):
        self.db = Database(FIXTURES, name, version)

    def rpc(self, service, method, *params):
        """Call service.method(*params); Fault with the /xmlrpc/2 code on failure."""
        body = xmlrpc.client.dumps(tuple(params), method, allow_none=True).encode()
        response, _code = rpc.handle(self.db, service, body, legacy=False)
        try:
            return xmlrpc.client.loads(response)[0][0]
        except xmlrpc.client.Fault as fault:
            raise Fault(fault.faultCode, fault.faultString) from None

    def call(self, model, method, *args, _user=ADMIN, **kwargs):
        """execute_kw(model, method, args, kwargs) as admin (or _user)."""
        return self.rpc("object", "execute_kw", *_user, model, method, list(args), kwargs)

    def fault(self, model, method, *args, **kwargs):
        """The Fault that execute_kw raises (fails the test if it succeeds)."""
        with pytest.raises(Fault) as info:
            self.call(model, method, *args, **kwargs)
        return info.value


@pytest.fixture
def local():
    """A fresh in-process simulated database."""
    return Local()


class Process:
    """A running odoo-sim on a free loopback port, with helpers to call it."""

    def __init__(self, tmp_path, *options, quiet=True, env=None):
        """options: more command line options (e.g. "--odoo-version", "19");
        quiet=False keeps the request log (and Odoo 19's XML-RPC warnings) on
        stderr; env: more environment variables."""
        self.port_file = str(tmp_path / "port")
        self.pid_file = str(tmp_path / "pid")
        base = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        base.pop("ODOO_SIM_VERSION", None)
        env = dict(base, **(env or {}))
        self.proc = subprocess.Popen([PYTHON, SIM, "--port", "0", "--port-file", self.port_file,
                                      "--pid-file", self.pid_file,
                                      *(["--quiet"] if quiet else []),
                                      "--fixtures", FIXTURES, *options],
                                     env=env, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("odoo-sim exited: %s" % self.proc.stderr.read().decode())
            if os.path.exists(self.port_file):
                with open(self.port_file, encoding="ascii") as handle:
                    text = handle.read()
                if text.endswith("\n"):
                    self.port = int(text)
                    break
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("odoo-sim did not start")
            time.sleep(0.02)

    def url(self, path):
        """The URL of path on the simulator."""
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def proxy(self, service, legacy=False):
        """An xmlrpc.client proxy to /xmlrpc/2/<service> (or /xmlrpc/<service>)."""
        return xmlrpc.client.ServerProxy(self.url("/xmlrpc/%s%s" % ("" if legacy else "2/",
                                                                     service)))

    def call(self, model, method, *args, _user=ADMIN, **kwargs):
        """execute_kw over HTTP as admin (or _user)."""
        return self.proxy("object").execute_kw(*_user, model, method, list(args), kwargs)

    def control(self, action, method="POST", **args):
        """A request to the control endpoint: (HTTP status, decoded JSON)."""
        data = json.dumps(args).encode() if method == "POST" else None
        request = urllib.request.Request(self.url("/__sim/" + action), data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def stats(self):
        """The call counters."""
        return self.control("stats", method="GET")[1]

    def raw(self, data, timeout=10):
        """Send raw bytes, read until the server closes: (status line, headers, body)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            chunks = []
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        head, _sep, body = b"".join(chunks).partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            key, _colon, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        return lines[0], headers, body

    def json2(self, model, method, body=None, key=None, headers=None, http_method="POST"):
        """A JSON-2 request (Odoo 19): (status line, headers, decoded JSON or raw body).
        key: the bearer API key (default admin's); headers: more/other headers."""
        data = b"" if body is None else json.dumps(body).encode()
        head = {"Host": "127.0.0.1:%d" % self.port, "Content-Type": "application/json",
                "Authorization": "bearer " + (key or API_KEYS["admin"])}
        head.update(headers or {})
        head["Content-Length"] = str(len(data))
        lines = ["%s /json/2/%s/%s HTTP/1.1" % (http_method, model, method)]
        lines += ["%s: %s" % item for item in head.items() if item[1] is not None]
        status, answer, raw = self.raw(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        if answer.get("content-type", "").startswith("application/json"):
            try:
                return status, answer, json.loads(raw)
            except ValueError:
                pass            # an injected garbage answer
        return status, answer, raw

    def stop(self, sig=None):
        """Stop the process (SIGTERM by default); its exit status."""
        if self.proc.poll() is None:
            if sig is None:
                self.proc.terminate()
            else:
                self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=10)
        finally:
            self.proc.stderr.close()


@pytest.fixture(scope="module")
def sim_process(tmp_path_factory):
    """One simulator process per test module."""
    process = Process(tmp_path_factory.mktemp("sim"))
    yield process
    process.stop()


@pytest.fixture
def sim(sim_process):
    """The module's simulator, reset to its demo data and defaults."""
    status, _answer = sim_process.control("reset")
    assert status == 200
    return sim_process


def pytest_terminal_summary(terminalreporter):
    """Print how many captures the fidelity test matched."""
    for attribute in ("_fidelity_summary", "_fidelity19_summary"):
        summary = getattr(terminalreporter.config, attribute, None)
        if summary:
            terminalreporter.write_line(summary)


__all__ = ["API_KEYS", "ADMIN", "DEMO", "PORTAL", "FIXTURES", "Fault", "Local", "Process", "errors"]
