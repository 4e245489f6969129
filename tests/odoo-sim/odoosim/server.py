"""server.py: the simulator's HTTP side: Odoo's XML-RPC routes, the /__sim control endpoint, main().

HTTP behaves as Odoo 18's werkzeug server does: every answer closes the
connection, faults are HTTP 200, GET on an XML-RPC route is 405, a request
without Host is 500.  The control endpoint (loopback clients only) injects
faults: added latency, refused connections (the listening socket is really
closed, then reopened on the same port), garbage bodies, HTTP 500, a changed
password; it also reports and resets the call counters.
"""

import argparse
import email.utils
import errno
import hashlib
import json
import os
import queue
import re
import secrets
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, HTTPServer

from . import json2, rpc
from .services import DATABASE, DEFAULT_VERSION, VERSIONS, Database, default_fixtures

MAX_BODY = 64 * 1024 * 1024
ROUTE = re.compile(r"^/xmlrpc/(2/)?([^/]+)$")

HTML_405 = (b"<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n"
            b"<h1>Method Not Allowed</h1>\n"
            b"<p>The method is not allowed for the requested URL.</p>\n")
HTML_500 = (b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
            b"<h1>Internal Server Error</h1>\n"
            b"<p>The server encountered an internal error and was unable to complete your "
            b"request. Either the server is overloaded or there is an error in the "
            b"application.</p>\n")
HTML_404 = (b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"
            b"<h1>Not Found</h1>\n"
            b"<p>The requested URL was not found on the server. If you entered the URL manually "
            b"please check your spelling and try again.</p>\n")
HTML_400 = (b"<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n"
            b"<h1>Bad Request</h1>\n"
            b"<p>The browser (or proxy) sent a request that this server could not "
            b"understand.</p>\n")
HTML_413 = (b"<!doctype html>\n<html lang=en>\n<title>413 Request Entity Too Large</title>\n"
            b"<h1>Request Entity Too Large</h1>\n"
            b"<p>The data value transmitted exceeds the capacity limit.</p>\n")

# What a "garbage" answer looks like: HTTP 200 bodies that are not XML-RPC.
GARBAGE = {
    "text": (b"text/xml; charset=utf-8", b"odoo-sim: this is not an XML-RPC response\n"),
    "html": (b"text/html; charset=utf-8",
             b"<!doctype html>\n<html><body><h1>Bad Gateway</h1></body></html>\n"),
    "truncated": (b"text/xml; charset=utf-8",
                  b'<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n<value><arr'),
    "empty": (b"text/xml; charset=utf-8", b""),
    "binary": (b"text/xml; charset=utf-8", bytes(range(256))),
}
REASONS = {200: "OK", 400: "BAD REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN",
           404: "NOT FOUND", 405: "METHOD NOT ALLOWED", 413: "REQUEST ENTITY TOO LARGE",
           415: "UNSUPPORTED MEDIA TYPE", 422: "UNPROCESSABLE ENTITY",
           500: "INTERNAL SERVER ERROR"}
# What Odoo 19 logs for every XML-RPC call (README.txt of the Odoo 19 captures).
XMLRPC_DEPRECATED = ("The /xmlrpc, /xmlrpc/2 and /jsonrpc endpoints are deprecated in Odoo 19 "
                     "and scheduled for removal in Odoo 20.")


class Stats:
    """Counts of the calls the simulator answered, by service, model and method."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        """Start counting again from zero."""
        with self.lock:
            self.data = {"total": 0, "common": {}, "execute_kw": {}, "execute": {}, "db": {},
                         "other": {}, "faults": {}, "injected": {"garbage": 0, "http500": 0},
                         "json2": {}, "json2_status": {}, "context_lang": {}}

    def call(self, service, method, params):
        """Count one parsed call (execute_kw by model and method)."""
        with self.lock:
            data = self.data
            data["total"] += 1
            if service == "object" and method in ("execute_kw", "execute"):
                model = params[3] if len(params) > 3 and isinstance(params[3], str) else "?"
                name = params[4] if len(params) > 4 and isinstance(params[4], str) else "?"
                per_model = data[method].setdefault(model, {})
                per_model[name] = per_model.get(name, 0) + 1
                kwargs = params[6] if method == "execute_kw" and len(params) > 6 else None
                self._lang(kwargs.get("context") if isinstance(kwargs, dict) else None)
            elif method is None:
                key = "%s (not XML-RPC)" % service
                data["other"][key] = data["other"].get(key, 0) + 1
            else:
                bucket = data.get(service) if service in ("common", "db") else data["other"]
                key = str(method) if service in ("common", "db") else "%s.%s" % (service, method)
                bucket[key] = bucket.get(key, 0) + 1

    def json2_call(self, model, method, params=None):
        """Count one JSON-2 call that got past authentication, by model and method."""
        with self.lock:
            self.data["total"] += 1
            per_model = self.data["json2"].setdefault(model, {})
            per_model[method] = per_model.get(method, 0) + 1
            self._lang(params.get("context") if isinstance(params, dict) else None)

    def _lang(self, context):
        """Count the calls by the lang of their context ("" for none); the lock is held."""
        lang = context.get("lang") if isinstance(context, dict) else None
        key = lang if isinstance(lang, str) else ""
        self.data["context_lang"][key] = self.data["context_lang"].get(key, 0) + 1

    def count(self, section, key):
        """Count something else (a fault code, an injected failure)."""
        with self.lock:
            bucket = self.data[section]
            bucket[key] = bucket.get(key, 0) + 1

    def snapshot(self):
        """The counters as a JSON-ready dict."""
        with self.lock:
            return json.loads(json.dumps(self.data))


class Simulator:
    """Everything the HTTP handlers share: the database, injected faults, counters."""

    def __init__(self, fixtures=None, latency_ms=0.0, database=DATABASE, quiet=False,
                 verbose=False, version=DEFAULT_VERSION, record=None):
        self.database = Database(fixtures, database, version)
        self.record = record
        self.version = version
        self.default_latency_ms = float(latency_ms)
        self.quiet = quiet
        self.verbose = verbose
        self.stats = Stats()
        self.lock = threading.Lock()
        self.commands = queue.Queue()
        self.port = None
        self.refusing_until = 0.0
        self._defaults()

    def _defaults(self):
        self.latency_ms = self.default_latency_ms
        self.garbage = 0
        self.garbage_kind = "text"
        self.http500 = 0

    def reset(self):
        """Demo data, passwords, injected faults and counters as at start."""
        with self.lock:
            self._defaults()
        self.database.reset()
        self.stats.reset()

    def take_injection(self):
        """The failure to inject in place of the next XML-RPC answer, if any."""
        with self.lock:
            if self.http500 > 0:
                self.http500 -= 1
                return "http500"
            if self.garbage > 0:
                self.garbage -= 1
                return "garbage"
        return None

    def state(self):
        """The current fault settings, for GET /__sim/state."""
        with self.lock:
            return {"latency_ms": self.latency_ms, "garbage": self.garbage,
                    "garbage_kind": self.garbage_kind, "http500": self.http500,
                    "refusing": time.monotonic() < self.refusing_until, "port": self.port,
                    "database": self.database.name, "odoo_version": self.version}


def _is_loopback(address):
    return address in ("::1", "localhost") or address.startswith("127.") or \
        address.startswith("::ffff:127.")


class Handler(BaseHTTPRequestHandler):
    """One HTTP request: an XML-RPC call, a control request, or an error page."""

    server_version = "Werkzeug/2.2.2"
    sys_version = "Python/3.11.2"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    # A client that connects and never sends would hold a thread forever.
    timeout = 60

    @property
    def sim(self):
        return self.server.simulator

    def log_message(self, format, *args):
        if not self.sim.quiet:
            sys.stderr.write("%s - - [%s] %s\n" % (self.address_string(),
                                                    self.log_date_time_string(), format % args))

    def _send(self, code, body, content_type=b"text/html; charset=utf-8", extra=(),
              json_order=False, nosniff=None):
        """Write the whole response at once (one send: no Nagle delay), then close.

        json_order: the header order of Odoo 19's JSON answers (extra headers,
        Content-Length, Content-Type, nosniff); nosniff: whether to send
        X-Content-Type-Options (default: for text/xml)."""
        head = ["HTTP/1.1 %d %s" % (code, REASONS.get(code, "OK")),
                "Server: %s" % self.version_string(),
                "Date: %s" % email.utils.formatdate(usegmt=True)]
        if nosniff is None:
            nosniff = content_type.startswith(b"text/xml")
        if json_order:
            head.extend(extra)
            head.append("Content-Length: %d" % len(body))
            head.append("Content-Type: %s" % content_type.decode("ascii"))
        else:
            head.append("Content-Type: %s" % content_type.decode("ascii"))
            head.extend(extra)
            head.append("Content-Length: %d" % len(body))
        if nosniff:
            head.append("X-Content-Type-Options: nosniff")
        head.append("Connection: close")
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        if self.command != "HEAD":
            data += body
        try:
            self.wfile.write(data)
        except OSError:
            pass
        self.close_connection = True
        self.log_request(code)

    def _json(self, code, value):
        body = (json.dumps(value, sort_keys=True) + "\n").encode("utf-8")
        self._send(code, body, b"application/json")

    def _read_body(self):
        """The request body, or None after answering an error."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            size = 0
            while True:
                line = self.rfile.readline(1024)
                try:
                    length = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    self._send(400, HTML_400)
                    return None
                if length == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                size += length
                if size > MAX_BODY:
                    self._send(413, HTML_413)
                    return None
                chunks.append(self.rfile.read(length))
                self.rfile.readline(1024)
        length = self.headers.get("Content-Length", "0") or "0"
        if not length.isdigit():
            self._send(400, HTML_400)
            return None
        if int(length) > MAX_BODY:
            self._send(413, HTML_413)
            return None
        return self.rfile.read(int(length))

    def _route(self):
        path = self.path.split("?", 1)[0]
        if path == "/__sim" or path.startswith("/__sim/"):
            self._control(path)
            return
        if self.headers.get("Host") is None:
            # Odoo fails on environ['HTTP_HOST'] before routing.
            self._send(500, HTML_500)
            return
        if self.sim.version >= 19:
            if path in ("/json/version", "/web/version"):
                self._version_json()
                return
            if json2.is_json2_path(path):
                self._json2(path)
                return
        match = ROUTE.match(path)
        if not match:
            self._send(404, HTML_404)
            return
        if self.command == "OPTIONS":
            self._send(200, b"", extra=["Allow: POST, OPTIONS"])
            return
        if self.command != "POST":
            self._send(405, HTML_405, extra=["Allow: POST, OPTIONS"])
            return
        body = self._read_body()
        if body is None:
            return
        self._xmlrpc(match.group(2), legacy=match.group(1) is None, body=body)

    def _version_json(self):
        """GET /json/version of Odoo 19 (it also hands out an anonymous session cookie)."""
        body = json2.dumps(json2.version_info(self.sim.database))
        expires = email.utils.formatdate(time.time() + 365 * 86400, usegmt=True)
        cookie = ("Set-Cookie: session_id=%s; Expires=%s; Max-Age=604800; HttpOnly; Path=/"
                  % (secrets.token_urlsafe(63), expires))
        self._send(200, body, json2.JSON, extra=[cookie], json_order=True, nosniff=True)

    def _json2(self, path):
        """A JSON-2 request (Odoo 19): latency and injected failures as for XML-RPC."""
        sim = self.sim
        body = self._read_body()
        if body is None:
            return
        if sim.latency_ms > 0:
            time.sleep(sim.latency_ms / 1000.0)
        injection = sim.take_injection()
        if injection is not None:
            sim.stats.count("injected", injection)
            match = json2.ROUTE.match(path)
            if match:
                sim.stats.json2_call(match.group(1), match.group(2))
            if injection == "http500":
                self._send(500, HTML_500)
            else:
                content_type, garbage = GARBAGE[sim.garbage_kind]
                if content_type.startswith(b"text/xml"):
                    content_type = json2.JSON
                self._send(200, garbage, content_type)
            return
        try:
            response = json2.handle(sim.database, self.command, path,
                                    list(self.headers.items()), body, sim.stats.json2_call)
        except Exception:
            sys.stderr.write("odoo-sim: internal error:\n" + traceback.format_exc())
            self._send(500, HTML_500)
            return
        if response.status != 200:
            sim.stats.count("json2_status", str(response.status))
        html = response.content_type.startswith(b"text/html")
        self._send(response.status, response.body, response.content_type,
                   extra=response.headers, json_order=not html, nosniff=response.nosniff)

    def _xmlrpc(self, service, legacy, body):
        sim = self.sim
        if sim.version >= 19 and not sim.quiet:
            sys.stderr.write("%s %d WARNING %s odoo-sim: %s\n"
                             % (time.strftime("%Y-%m-%d %H:%M:%S"), os.getpid(),
                                sim.database.name, XMLRPC_DEPRECATED))
        if sim.latency_ms > 0:
            time.sleep(sim.latency_ms / 1000.0)
        injection = sim.take_injection()
        if injection is not None:
            sim.stats.count("injected", injection)
            try:
                params, method = rpc.parse(body)
            except Exception:
                params, method = (), None
            sim.stats.call(service, method, params)
            if injection == "http500":
                self._send(500, HTML_500)
            else:
                content_type, garbage = GARBAGE[sim.garbage_kind]
                self._send(200, garbage, content_type)
            return
        try:
            response, code = rpc.handle(sim.database, service, body, legacy, sim.stats.call,
                                        sys.stderr.write if sim.verbose else None)
        except Exception:
            # A bug of the simulator itself: say so, as Odoo's server would.
            sys.stderr.write("odoo-sim: internal error:\n" + traceback.format_exc())
            self._send(500, HTML_500)
            return
        if code is not None:
            sim.stats.count("faults", str(code))
        elif sim.record:
            _record(sim.record, service, body, response)
        # Odoo 19 answers faults without X-Content-Type-Options (18 sends it).
        self._send(200, response, b"text/xml; charset=utf-8",
                   nosniff=code is None or sim.version < 19)

    # ---- control endpoint --------------------------------------------------

    def _control(self, path):
        if not _is_loopback(self.client_address[0]):
            self._json(403, {"error": "the control endpoint answers loopback clients only"})
            return
        action = path[len("/__sim/"):].strip("/")
        sim = self.sim
        if self.command == "GET":
            if action == "stats":
                self._json(200, sim.stats.snapshot())
            elif action in ("state", ""):
                self._json(200, sim.state())
            elif action == "users":
                self._json(200, {"users": sim.database.users()})
            else:
                self._json(404, {"error": "unknown control resource %r" % action})
            return
        if self.command != "POST":
            self._json(405, {"error": "use GET or POST"})
            return
        body = self._read_body()
        if body is None:
            return
        try:
            args = json.loads(body.decode("utf-8")) if body.strip() else {}
            if not isinstance(args, dict):
                raise ValueError("the body must be a JSON object")
            answer = self._control_action(action, args)
        except (ValueError, TypeError, KeyError) as exc:
            self._json(400, {"error": str(exc)})
            return
        if answer is None:
            self._json(404, {"error": "unknown control action %r" % action})
            return
        self._json(200, dict(ok=True, **answer))

    def _control_action(self, action, args):
        sim = self.sim
        if action == "stats/reset":
            sim.stats.reset()
            return {}
        if action == "reset":
            sim.reset()
            return {}
        if action == "latency":
            ms = _number(args, "ms")
            with sim.lock:
                sim.latency_ms = ms
            return {"latency_ms": ms}
        if action in ("garbage", "http500"):
            count = int(_number(args, "count", 1))
            kind = args.get("kind", "text")
            if action == "garbage" and kind not in GARBAGE:
                raise ValueError("kind must be one of %s" % ", ".join(sorted(GARBAGE)))
            with sim.lock:
                setattr(sim, action, count)
                if action == "garbage":
                    sim.garbage_kind = kind
            return {action: count}
        if action == "refuse":
            seconds = _number(args, "seconds")
            sim.commands.put(("refuse", seconds))
            return {"seconds": seconds, "port": sim.port}
        if action == "password":
            login = args.get("login", "admin")
            password = args["password"]
            if not isinstance(password, str) or not isinstance(login, str):
                raise ValueError("login and password must be strings")
            if not sim.database.set_password(login, password):
                raise ValueError("no user with login %r" % login)
            return {"login": login}
        if action == "groups":
            login = args.get("login")
            groups = args.get("groups")
            if not isinstance(login, str) or not isinstance(groups, list) or \
                    not all(isinstance(g, str) for g in groups):
                raise ValueError("login must be a string and groups a list of xml ids")
            if not sim.database.set_groups(login, groups):
                raise ValueError("no user with login %r" % login)
            return {"login": login}
        return None

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except ConnectionError:
            self.close_connection = True

    def do_GET(self):
        self._route()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET


def _number(args, key, default=None):
    value = args.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError("%s must be a number >= 0" % key)
    return value


class Server(HTTPServer):
    """The listening socket; each connection runs in a thread of its own, as in
    Odoo's threaded server.  Threads are kept and reused (starting one costs
    more than answering a call); there are always enough for every connection
    in progress, so injected latency never queues calls behind each other."""

    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, simulator):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.simulator = simulator
        self._pool_lock = threading.Lock()
        self._idle = 0
        self._jobs = queue.SimpleQueue()
        super().__init__(address, Handler)

    def server_bind(self):
        # HTTPServer.server_bind asks DNS for the host's name (getfqdn), which
        # can stall; nothing here needs it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request, client_address):
        with self._pool_lock:
            reuse = self._idle > 0
            if reuse:
                self._idle -= 1
        if reuse:
            self._jobs.put((request, client_address))
        else:
            threading.Thread(target=self._work, args=(request, client_address),
                             daemon=True).start()

    def _work(self, request, client_address):
        while request is not None:
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)
            with self._pool_lock:
                self._idle += 1
            request, client_address = self._jobs.get()

    def server_close(self):
        super().server_close()
        with self._pool_lock:
            idle, self._idle = self._idle, 0
        for _worker in range(idle):
            self._jobs.put((None, None))


class Listener:
    """Serves until told to stop; closes and reopens the socket to refuse connections."""

    def __init__(self, simulator, host, port):
        self.simulator = simulator
        self.host = host
        self.server = Server((host, port), simulator)
        self.port = self.server.server_address[1]
        simulator.port = self.port
        self.thread = None

    def _start(self):
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def _stop_serving(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def run(self):
        """Serve until a ("stop",) command; honour ("refuse", seconds) commands meanwhile."""
        commands = self.simulator.commands
        self._start()
        while True:
            try:
                command = commands.get(timeout=0.5)
            except queue.Empty:
                continue
            if command[0] == "stop":
                self._stop_serving()
                return
            if command[0] == "refuse":
                self._stop_serving()
                self.simulator.refusing_until = time.monotonic() + command[1]
                if self._wait(command[1]):
                    return
                self.server = self._rebind()
                self._start()

    def _wait(self, seconds):
        """Sleep while refusing; True if told to stop meanwhile."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                command = self.simulator.commands.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if command[0] == "stop":
                return True
            if command[0] == "refuse":
                deadline = max(deadline, time.monotonic() + command[1])

    def _rebind(self):
        for _attempt in range(100):
            try:
                return Server((self.host, self.port), self.simulator)
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                time.sleep(0.05)
        return Server((self.host, self.port), self.simulator)


# The answers --record keeps: the list reads the bridge converts in one pass.
RECORDED_METHODS = ("search_read", "read", "web_search_read")


def _record(directory, service, body, response):
    """Keeps an execute_kw list answer as NAME.request.xml and NAME.response.xml
    in directory (the captures' layout), NAME a hash of model, method and
    answer: the same answer twice is one pair.  For the bridge's differential
    test of its one-pass conversion (tests/e2e/conftest.py)."""
    try:
        params, method = rpc.parse(body)
    except Exception:
        return
    if service != "object" or method != "execute_kw" or len(params) < 5 or \
            params[4] not in RECORDED_METHODS:
        return
    data = response if isinstance(response, bytes) else response.encode("utf-8")
    name = hashlib.sha1(("%s.%s\n" % (params[3], params[4])).encode() + data).hexdigest()[:20]
    path = os.path.join(directory, name)
    if os.path.exists(path + ".response.xml"):
        return
    for suffix, content in ((".request.xml", body), (".response.xml", data)):
        tmp = "%s%s.%d.tmp" % (path, suffix, os.getpid())
        with open(tmp, "wb") as handle:
            handle.write(content if isinstance(content, bytes) else content.encode("utf-8"))
        os.replace(tmp, path + suffix)


def _write_file(path, text):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w", encoding="ascii") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _remove(path, expected):
    try:
        with open(path, encoding="ascii") as handle:
            if handle.read().strip() != expected:
                return
        os.unlink(path)
    except OSError:
        pass


def _env_version():
    value = os.environ.get("ODOO_SIM_VERSION", "").strip()
    if not value:
        return DEFAULT_VERSION
    try:
        version = int(value.split(".")[0])
    except ValueError:
        version = None
    if version not in VERSIONS:
        sys.stderr.write("odoo-sim: ODOO_SIM_VERSION=%s is not one of %s\n"
                         % (value, ", ".join(map(str, VERSIONS))))
        sys.exit(2)
    return version


def parse_args(argv):
    """The command line of odoo-sim."""
    parser = argparse.ArgumentParser(
        prog="odoo-sim",
        description="An Odoo 17/18/19 XML-RPC (and Odoo 19 JSON-2) simulator for tests, "
                    "demos and benchmarks.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8069, help="port (0: any free port)")
    parser.add_argument("--port-file", help="write the port here once listening")
    parser.add_argument("--pid-file", help="write the process id here")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="milliseconds added to every XML-RPC call")
    parser.add_argument("--database", default=DATABASE, help="the one database name accepted")
    parser.add_argument("--odoo-version", type=int, choices=VERSIONS,
                        default=_env_version(), help="the Odoo version to simulate "
                        "(default: $ODOO_SIM_VERSION, else %d); 19 adds JSON-2" % DEFAULT_VERSION)
    parser.add_argument("--fixtures", default=None,
                        help="the odoo-captures directory (default: ../fixtures/odoo-captures)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    parser.add_argument("--verbose", action="store_true", help="log the real Python tracebacks")
    parser.add_argument("--record", default=os.environ.get("ODOO_SIM_RECORD") or None,
                        help="keep every XML-RPC search_read, read and web_search_read answer "
                        "in this directory (default: $ODOO_SIM_RECORD)")
    args = parser.parse_args(argv)
    if args.latency_ms < 0 or not 0 <= args.port <= 65535:
        parser.error("--latency-ms must be >= 0 and --port between 0 and 65535")
    return args


def main(argv=None):
    """Run the simulator until SIGTERM or SIGINT; exit status 0 on a clean stop."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    fixtures = args.fixtures or default_fixtures()
    simulator = Simulator(fixtures, args.latency_ms, args.database, args.quiet, args.verbose,
                          args.odoo_version, args.record)
    pid = str(os.getpid())
    if args.pid_file:
        _write_file(args.pid_file, pid + "\n")
    try:
        listener = Listener(simulator, args.host, args.port)
    except OSError as exc:
        sys.stderr.write("odoo-sim: cannot listen on %s:%d: %s\n" % (args.host, args.port,
                                                                      exc.strerror or exc))
        return 1

    def stop(signum, frame):
        simulator.commands.put(("stop",))
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.port_file:
        _write_file(args.port_file, "%d\n" % listener.port)
    if not args.quiet:
        sys.stderr.write("odoo-sim: Odoo %d %s on http://%s:%d/ (database %s)\n"
                         % (args.odoo_version, "XML-RPC and JSON-2" if args.odoo_version >= 19
                            else "XML-RPC", args.host, listener.port, args.database))
    try:
        listener.run()
    finally:
        if args.port_file:
            _remove(args.port_file, str(listener.port))
        if args.pid_file:
            _remove(args.pid_file, pid)
    return 0
