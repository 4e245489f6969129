"""test_server.py: odoo-sim over HTTP: Odoo's HTTP quirks, fault injection, counters, CLI."""

import http.client
import os
import signal
import socket
import threading
import time
import xmlrpc.client

import pytest

from conftest import ADMIN, DATABASE, FIXTURES, Process
from odoosim import server

VERSION_CALL = xmlrpc.client.dumps((), "version").encode()


def post(path, body, port, extra=b""):
    return (b"POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: text/xml\r\n"
            b"Content-Length: %d\r\n%s\r\n" % (path.encode(), port, len(body), extra) + body)


def test_answer_headers_and_connection_close(sim):
    status, headers, body = sim.raw(post("/xmlrpc/2/common", VERSION_CALL, sim.port))
    assert status == "HTTP/1.1 200 OK"
    assert headers["content-type"] == "text/xml; charset=utf-8"
    assert headers["connection"] == "close"
    assert headers["x-content-type-options"] == "nosniff"
    assert int(headers["content-length"]) == len(body)
    assert xmlrpc.client.loads(body)[0][0]["server_version"] == "18.0"


def test_no_keep_alive(sim):
    """Odoo closes the socket after each answer: a second request gets nothing."""
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as sock:
        sock.sendall(post("/xmlrpc/2/common", VERSION_CALL, sim.port,
                          b"Connection: keep-alive\r\n"))
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        assert data.startswith(b"HTTP/1.1 200 OK")
        try:
            sock.sendall(post("/xmlrpc/2/common", VERSION_CALL, sim.port))
            assert sock.recv(65536) == b""
        except OSError:
            pass


@pytest.mark.parametrize("request_head,status,allow", [
    (b"GET /xmlrpc/2/common HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 405 METHOD NOT ALLOWED",
     "POST, OPTIONS"),
    (b"PUT /xmlrpc/object HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
     "HTTP/1.1 405 METHOD NOT ALLOWED", "POST, OPTIONS"),
    (b"OPTIONS /xmlrpc/2/object HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK", "POST, OPTIONS"),
    (b"GET /web/login HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 404 NOT FOUND", None),
    (b"POST /xmlrpc/2/common HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
     "HTTP/1.1 500 INTERNAL SERVER ERROR", None),
])
def test_http_errors(sim, request_head, status, allow):
    got_status, headers, body = sim.raw(request_head)
    assert got_status == status
    assert headers.get("allow") == allow
    assert headers["connection"] == "close"
    if status != "HTTP/1.1 200 OK":
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert body.startswith(b"<!doctype html>")


def test_chunked_and_expect_continue(sim):
    chunked = (b"POST /xmlrpc/2/common HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"%x\r\n%s\r\n0\r\n\r\n" % (len(VERSION_CALL), VERSION_CALL))
    assert sim.raw(chunked)[0] == "HTTP/1.1 200 OK"
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as sock:
        sock.sendall(b"POST /xmlrpc/2/common HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(VERSION_CALL))
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(VERSION_CALL)
        data = b""
        while not data.endswith(b"</methodResponse>\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        assert b"server_serie" in data


def test_faults_over_http(sim):
    with pytest.raises(xmlrpc.client.Fault) as info:
        sim.proxy("object").execute_kw(DATABASE, 2, "wrong", "res.partner", "search_count", [[]])
    assert (info.value.faultCode, info.value.faultString) == (3, "Access Denied")
    with pytest.raises(xmlrpc.client.Fault) as info:
        sim.proxy("object", legacy=True).execute_kw(*ADMIN, "res.partner", "write",
                                                    [[999999999], {"name": "x"}])
    assert info.value.faultCode.startswith("warning -- MissingError\n\n")
    assert info.value.faultString == ""
    assert sim.proxy("db").list() == [DATABASE]


def test_latency(sim):
    """Each call waits the added latency; the bounds are wide so a loaded machine passes."""
    proxy = sim.proxy("common")
    assert sim.control("latency", ms=500) == (200, {"ok": True, "latency_ms": 500})
    start = time.monotonic()
    proxy.version()
    assert time.monotonic() - start >= 0.5
    assert sim.control("state", method="GET")[1]["latency_ms"] == 500
    sim.control("latency", ms=0)
    start = time.monotonic()
    proxy.version()
    assert time.monotonic() - start < 0.5


def connect_refused(port):
    """True if nothing listens on port; a connection reset (it arrived while the
    socket was closing) counts as not yet refused."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return False
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:
        return False


def test_refuse_then_listen_again(sim):
    status, answer = sim.control("refuse", seconds=0.6)
    assert (status, answer["port"]) == (200, sim.port)
    deadline = time.monotonic() + 2
    while not connect_refused(sim.port):
        assert time.monotonic() < deadline, "the simulator kept listening"
        time.sleep(0.01)
    with pytest.raises(ConnectionRefusedError):
        sim.proxy("common").version()
    deadline = time.monotonic() + 5
    while connect_refused(sim.port):
        assert time.monotonic() < deadline, "the simulator did not listen again"
        time.sleep(0.05)
    assert sim.proxy("common").version()["server_serie"] == "18.0"


@pytest.mark.parametrize("kind", sorted(server.GARBAGE))
def test_garbage(sim, kind):
    assert sim.control("garbage", count=2, kind=kind) == (200, {"ok": True, "garbage": 2})
    for _attempt in range(2):
        status, headers, body = sim.raw(post("/xmlrpc/2/common", VERSION_CALL, sim.port))
        assert status == "HTTP/1.1 200 OK"
        with pytest.raises(Exception):
            xmlrpc.client.loads(body)
    assert sim.proxy("common").version()["server_serie"] == "18.0"
    assert sim.stats()["injected"]["garbage"] == 2


def test_http500(sim):
    sim.control("http500", count=1)
    with pytest.raises(xmlrpc.client.ProtocolError) as info:
        sim.call("res.partner", "search_count", [])
    assert info.value.errcode == 500
    assert sim.call("res.partner", "search_count", []) > 0
    stats = sim.stats()
    assert stats["injected"]["http500"] == 1
    assert stats["execute_kw"]["res.partner"]["search_count"] == 2


def test_injected_failure_does_not_run_the_call(sim):
    sim.control("http500", count=1)
    with pytest.raises(xmlrpc.client.ProtocolError):
        sim.call("res.partner", "create", {"name": "Lost"})
    assert sim.call("res.partner", "search_count", [("name", "=", "Lost")]) == 0


def test_password_change(sim):
    assert sim.control("password", login="admin", password="rotated") == \
        (200, {"ok": True, "login": "admin"})
    with pytest.raises(xmlrpc.client.Fault) as info:
        sim.call("res.partner", "search_count", [])
    assert (info.value.faultCode, info.value.faultString) == (3, "Access Denied")
    common = sim.proxy("common")
    assert common.authenticate(DATABASE, "admin", "admin", {}) is False
    assert common.authenticate(DATABASE, "admin", "rotated", {}) == 2
    assert sim.call("res.partner", "search_count", [], _user=(DATABASE, 2, "rotated")) > 0
    assert sim.control("reset")[0] == 200
    assert sim.call("res.partner", "search_count", []) > 0


def test_groups_change(sim):
    demo = (DATABASE, 6, "demo")
    assert sim.call("sale.order", "check_access_rights", "read", _user=demo) is True
    assert sim.control("groups", login="demo", groups=["base.group_user"]) == \
        (200, {"ok": True, "login": "demo"})
    assert sim.call("sale.order", "check_access_rights", "read", raise_exception=False, _user=demo) is False
    assert sim.call("product.product", "check_access_rights", "read", _user=demo) is True
    assert sim.call("sale.order", "has_access", [], "read", _user=demo) is False
    assert sim.call("product.product", "has_access", [], "read", _user=demo) is True
    assert sim.control("groups", login="demo", groups=["no.such_group"])[0] == 400
    assert sim.control("reset")[0] == 200
    assert sim.call("sale.order", "check_access_rights", "read", _user=demo) is True


def test_reset_restores_data_and_faults(sim):
    rid = sim.call("res.partner", "create", {"name": "Temporary"})
    sim.control("garbage", count=5)
    sim.control("latency", ms=50)
    sim.control("reset")
    assert sim.call("res.partner", "read", [rid], ["name"]) == []
    assert sim.control("state", method="GET")[1]["garbage"] == 0
    assert sim.control("state", method="GET")[1]["latency_ms"] == 0
    assert sim.call("res.partner", "create", {"name": "Again"}) == rid


def test_stats(sim):
    sim.proxy("common").version()
    sim.proxy("common").authenticate(DATABASE, "admin", "admin", {})
    sim.call("product.product", "search_read", [], ["name"], limit=1)
    sim.call("product.product", "search_read", [], ["name"], limit=1)
    sim.call("sale.order", "read", [1], ["name"])
    with pytest.raises(xmlrpc.client.Fault):
        sim.call("res.partner", "write", [999999999], {"name": "x"})
    sim.raw(post("/xmlrpc/2/object", b"<methodCall>", sim.port))
    stats = sim.stats()
    assert stats["total"] == 7
    assert stats["other"] == {"object (not XML-RPC)": 1}
    assert stats["faults"] == {"1": 1, "2": 1}
    assert stats["common"] == {"version": 1, "authenticate": 1}
    assert stats["execute_kw"] == {"product.product": {"search_read": 2},
                                   "sale.order": {"read": 1}, "res.partner": {"write": 1}}
    assert sim.control("stats/reset") == (200, {"ok": True})
    assert sim.stats()["total"] == 0


@pytest.mark.parametrize("action,args,status", [
    ("latency", {"ms": -1}, 400),
    ("latency", {}, 400),
    ("garbage", {"count": 1, "kind": "nope"}, 400),
    ("password", {"login": "nobody", "password": "x"}, 400),
    ("no_such_action", {}, 404),
])
def test_control_errors(sim, action, args, status):
    assert sim.control(action, **args)[0] == status


def test_control_is_loopback_only():
    assert server._is_loopback("127.0.0.1") and server._is_loopback("::1")
    assert server._is_loopback("::ffff:127.0.0.1")
    assert not server._is_loopback("192.168.1.10") and not server._is_loopback("10.0.0.1")


def test_concurrent_clients(sim):
    errors = []

    def work():
        try:
            for _i in range(15):
                assert sim.call("product.product", "search_count", []) == 43
        except Exception as exc:        # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=work) for _t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sim.stats()["execute_kw"]["product.product"]["search_count"] == 120


def test_command_line_and_signals(tmp_path):
    process = Process(tmp_path, "--latency-ms", "150")
    try:
        with open(process.pid_file, encoding="ascii") as handle:
            assert int(handle.read()) == process.proc.pid
        start = time.monotonic()
        assert process.proxy("common").version()
        assert time.monotonic() - start >= 0.15
        process.control("latency", ms=0)
        process.control("reset")          # back to the command line's latency
        assert process.control("state", method="GET")[1]["latency_ms"] == 150
    finally:
        assert process.stop(signal.SIGTERM) == 0
    assert not os.path.exists(process.port_file)
    assert not os.path.exists(process.pid_file)


def test_sigint_during_refuse(tmp_path):
    process = Process(tmp_path)
    process.control("refuse", seconds=30)
    time.sleep(0.2)
    start = time.monotonic()
    assert process.stop(signal.SIGINT) == 0
    assert time.monotonic() - start < 5


def test_port_in_use(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(RuntimeError, match="cannot listen"):
            Process(tmp_path, "--port", str(port))


def test_http_client_sends_host(sim):
    """http.client (like libcurl) always sends Host: the simulator answers normally."""
    conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=5)
    conn.request("POST", "/xmlrpc/2/common", VERSION_CALL, {"Content-Type": "text/xml"})
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Connection") == "close"
    conn.close()


def test_internal_error_is_http_500(monkeypatch, capsys):
    """A bug in the simulator answers 500 (as Odoo's server would), never a dropped socket."""
    simulator = server.Simulator(FIXTURES, quiet=True)
    listener = server.Listener(simulator, "127.0.0.1", 0)
    thread = threading.Thread(target=listener.run)
    thread.start()

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")
    monkeypatch.setattr(server.rpc, "handle", broken)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", listener.port, timeout=5)
        conn.request("POST", "/xmlrpc/2/common", VERSION_CALL, {"Content-Type": "text/xml"})
        assert conn.getresponse().status == 500
        conn.close()
    finally:
        simulator.commands.put(("stop",))
        thread.join(10)
    assert not thread.is_alive()
    assert "simulated bug" in capsys.readouterr().err


def test_record_keeps_each_distinct_list_answer(tmp_path):
    """--record DIR: every search_read, read and web_search_read answer as
    NAME.request.xml and NAME.response.xml, the same answer once; other
    methods and faults are not kept."""
    rec = tmp_path / "answers"
    rec.mkdir()
    process = Process(tmp_path, "--record", str(rec))
    try:
        process.call("res.partner", "search_read", [["id", "=", 15]], fields=["name"])
        process.call("res.partner", "search_read", [["id", "=", 15]], fields=["name"])
        process.call("res.partner", "read", [15], fields=["name"])
        process.call("res.partner", "search_count", [])
        with pytest.raises(xmlrpc.client.Fault):
            process.call("res.partner", "search_read", [["no_such_field", "=", 1]])
    finally:
        process.stop()
    names = sorted(p.name for p in rec.iterdir())
    assert len(names) == 4, names
    responses = [rec / n for n in names if n.endswith(".response.xml")]
    for resp in responses:
        request = resp.with_name(resp.name.replace(".response.xml", ".request.xml")).read_bytes()
        (params, method), (result,) = xmlrpc.client.loads(request), xmlrpc.client.loads(resp.read_bytes())[0]
        assert method == "execute_kw" and params[4] in ("search_read", "read"), params
        assert result == [{"id": 15, "name": "Azure Interior"}], result
