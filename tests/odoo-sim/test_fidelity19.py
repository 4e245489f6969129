"""test_fidelity19.py: replays every Odoo 19 capture (JSON-2 and XML-RPC) against the simulator.

One simulator runs with --odoo-version 19 --database odoo19 (the captures'
database name) and sees the captured requests in capture order, without a
reset in between (the captures create partners 49 and 50 and sale order 26,
then work on them).  Each request is rebuilt from its meta file (request line,
headers in order) and body, with these substitutions, and nothing else:

  * Authorization "bearer <API-KEY>" and the XML-RPC password "<API-KEY>": the
    simulator's key of the user the capture used (admin unless KEY_USER says
    demo or portal; "fake" is a well-formed 40-hex key nobody has).  The
    Basic-scheme probe keeps its (ignored) Basic credentials.
  * XML-RPC uids: the captures' demo is uid 5 (the simulator's 6), portal 6 (7).
  * Record ids the capture run created, as the simulator numbers them (its
    next partner is 55, next sale order 28, ...), learnt from the answers to
    the creates and reads that show them; and product 50 (Desk Pad in the
    captures' database) -> 41, the simulator's Desk Pad.
  * Host: the simulator's port.

Compared: the status line, Content-Type, Connection: close, WWW-Authenticate,
X-Content-Type-Options and Accept; HTML bodies byte for byte; JSON-2 error
bodies' keys, name, message, arguments, context and the first and last lines
of debug; results' structure and value types (a field empty in one and set in
the other is fine unless it is a boolean; true/false/null results are equal);
fields_get: the same fields in the same order with the same attributes, once
the captured Enterprise-only fields ([extra] in FIELD-CHANGES.txt) are left
out; XML-RPC faults' code and first and last lines.  DATA_DIFFERS lists the
captures whose message may differ, with the reason; XFAIL (empty) those that
may fail.
"""

import json
import os
import re
import xmlrpc.client

import pytest

from conftest import FIXTURES, Process
from odoosim import demo
from odoosim.services import field_changes

ODOO19 = os.path.join(FIXTURES, "odoo19")
DATABASE = "odoo19"
KEYS = {login: demo.api_key(login, login) for login in ("admin", "demo", "portal")}
KEYS["fake"] = "0123456789abcdef0123456789abcdef01234567"
UIDS = {5: 6, 6: 7}     # captured demo and portal uids -> the simulator's

# The user whose API key each capture used (default admin), from the notes in
# the meta files and README.txt.
KEY_USER = {
    "err_access_error_demo_write_country": "demo",
    "err_access_error_portal_read_product": "portal",
    "err_access_error_portal_write_country": "portal",
    "portal_search_read_sale_order": "portal",
    "err_wrong_api_key": "fake",
    "access_error_demo_write_country": "demo",
    "execute_kw_wrong_password": "fake",
}

# Captures whose message may differ from Odoo's, and why.  Everything else
# about them (status, name or fault code, first line) is still compared.
DATA_DIFFERS = {
    "execute_kw_unknown_db": "the capture server reached PostgreSQL through its Unix socket "
                             "(connection to server on socket \"/var/run/postgresql/...\"); the "
                             "simulator words it as the Odoo 18 captures' TCP connection",
}

# Captures the simulator is known not to match, with the reason.  None.
XFAIL = {}

# The capture order of the stateful captures (their Date headers only give the
# second): the partner round trip, then the sale order workflow, with the
# XML-RPC action_lock in the middle, as README.txt tells it.
PARTNER_FLOW = ["create_partner", "create_partner_single_dict", "read_partner_created",
                "write_partner", "read_partner_after_write", "unlink_partner",
                "read_partner_after_unlink"]
SALE_FLOW = [
    "create_sale_order", "read_sale_order_created", "read_sale_order_lines_created",
    "write_sale_order_replace_lines", "read_sale_order_after_write", "sale_order_action_confirm",
    "read_sale_order_confirmed", "err_sale_order_action_confirm_already_confirmed",
    "err_unlink_confirmed_sale_order", "err_write_confirmed_sale_order_delete_lines",
    "sale_order_action_lock", "err_sale_order_action_cancel_locked", "sale_order_action_unlock",
    "xmlrpc/method_returning_none", "read_sale_order_after_xmlrpc_lock",
    "sale_order_action_unlock_2", "sale_order_action_cancel", "read_sale_order_cancelled",
    "sale_order_action_draft", "read_sale_order_draft", "sale_order_action_confirm_again",
    "sale_order_action_draft_on_confirmed", "read_sale_order_after_draft_on_confirmed",
    "sale_order_action_cancel_disable_cancel_warning", "read_sale_order_cancelled_2",
    "sale_order_action_draft_2", "unlink_sale_order_draft", "read_sale_order_after_unlink"]


def _captures():
    """Every capture as 'json2/<name>' or 'xmlrpc/<name>', in capture order."""
    found = []
    for folder in ("json2", "xmlrpc"):
        for entry in sorted(os.listdir(os.path.join(ODOO19, folder))):
            if entry.endswith(".meta.json"):
                found.append("%s/%s" % (folder, entry[:-len(".meta.json")]))
    flow = ["json2/" + name if "/" not in name else name for name in PARTNER_FLOW + SALE_FLOW]
    return [name for name in found if name not in flow] + flow


CAPTURES = _captures()
CHANGES = field_changes(os.path.join(ODOO19, "FIELD-CHANGES.txt"))

_results = {}
_identical = set()


@pytest.fixture(scope="module")
def replay(tmp_path_factory, request):
    """The Odoo 19 simulator that sees the captured requests in order, and what it created."""
    process = Process(tmp_path_factory.mktemp("replay19"), "--odoo-version", "19",
                      "--database", DATABASE)
    process.ids = {("product.product", 50): 41}
    yield process
    process.stop()
    matched = sum(1 for ok in _results.values() if ok)
    request.config._fidelity19_summary = (
        "odoo-sim fidelity 19: %d/%d captures match (%d listed as known mismatches, %d with "
        "data differences); %d response bodies byte-identical to Odoo's"
        % (matched, len(CAPTURES), len(XFAIL), len(DATA_DIFFERS), len(_identical)))


# ---- comparing values ------------------------------------------------------------------

_schemas = {}


def _schema(model):
    if model not in _schemas:
        path = os.path.join(ODOO19, "fields_get", model + ".json")
        if not os.path.exists(path):
            path = os.path.join(FIXTURES, "fields_get", model + ".json")
        _schemas[model] = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                _schemas[model] = json.load(handle)
    return _schemas[model]


def same_shape(expected, actual, where, schema, problems, ftype=None):
    """Append to problems where actual's structure or types differ from expected's."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        if type(expected) is type(actual):
            return
        if not (ftype not in (None, "boolean") and False in (expected, actual)):
            problems.append("%s: %r is not like %r" % (where, actual, expected))
        return
    if type(expected) is not type(actual):
        problems.append("%s: %s %r, expected %s %r" % (where, type(actual).__name__, actual,
                                                        type(expected).__name__, expected))
        return
    if isinstance(expected, dict):
        if list(expected) != list(actual):
            problems.append("%s: keys %s, expected %s" % (where, list(actual), list(expected)))
            return
        for key in expected:
            field = schema.get(key, {})
            sub = _schema(field["relation"]) if field.get("relation") else schema
            same_shape(expected[key], actual[key], "%s.%s" % (where, key),
                       sub if isinstance(expected[key], (dict, list)) else schema, problems,
                       field.get("type"))
        return
    if isinstance(expected, list):
        if not expected or not actual:
            if bool(expected) != bool(actual) and ftype not in ("one2many", "many2many"):
                problems.append("%s: %r, expected %r" % (where, actual, expected))
            return
        for i, item in enumerate(actual):
            same_shape(expected[min(i, len(expected) - 1)], item, "%s[%d]" % (where, i),
                       schema, problems, None if ftype == "many2one" else ftype)


def compare_fields_get(model, expected, actual):
    """fields_get: Odoo 19's fields minus the Enterprise-only ones, attributes equal."""
    extra = {f for f, tag in CHANGES.get(model, {}).get("+", {}).items() if tag == "extra"}
    community = {f: d for f, d in expected.items() if f not in extra}
    if list(community) != list(actual):
        return ["fields %s, expected %s" % (sorted(set(actual) ^ set(community)),
                                            "the same as Odoo 19 Community")]
    return ["%s: %r, expected %r" % (f, actual[f], d) for f, d in community.items()
            if actual[f] != d]


def compare_result(model, method, expected, actual):
    if method == "fields_get":
        return compare_fields_get(model, expected, actual)
    if expected is None or isinstance(expected, bool):
        return [] if actual == expected else ["result %r, expected %r" % (actual, expected)]
    problems = []
    same_shape(expected, actual, "result", _schema(model) if model else {}, problems)
    return problems


def _lines(text):
    lines = [line for line in text.split("\n") if line.strip()]
    return (lines[0], lines[-1]) if lines else ("", "")


# ---- rebuilding and sending the requests ------------------------------------------------

def _read(path, mode="rb"):
    with open(os.path.join(ODOO19, path), mode) as handle:
        return handle.read()


def _map_ids(process, model, ids):
    return [process.ids.get((model, i), i) for i in ids]


def _rewrite(process, value, model):
    """A JSON-2 body with the created records' and products' ids as the simulator has them."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key == "ids" and isinstance(item, list):
                result[key] = _map_ids(process, model, item)
            elif key == "product_id" and isinstance(item, int):
                result[key] = process.ids.get(("product.product", item), item)
            else:
                result[key] = _rewrite(process, item, model)
        return result
    if isinstance(value, list):
        return [_rewrite(process, item, model) for item in value]
    return value


def _learn(process, model, method, expected, actual):
    """Remember which ids the simulator gave the records the capture run created."""
    if method == "create" and isinstance(expected, list) and isinstance(actual, list):
        for old, new in zip(expected, actual):
            process.ids[(model, old)] = new
    if method == "read" and isinstance(expected, list) and isinstance(actual, list):
        for old, new in zip(expected, actual):
            if isinstance(old, dict) and isinstance(new, dict) and "order_line" in old:
                for line_old, line_new in zip(old["order_line"], new.get("order_line") or []):
                    process.ids[("sale.order.line", line_old)] = line_new


def _build(process, name, meta, body):
    folder, short = name.split("/")
    user = KEY_USER.get(short, "admin")
    method, path, version = meta["request_line"].split(" ")
    lines = ["%s %s %s" % (method, path, version)]
    for key, value in meta["request_headers"]:
        if key.lower() == "host":
            value = "127.0.0.1:%d" % process.port
        elif key.lower() == "authorization" and value.lower().startswith("bearer"):
            value = "bearer " + KEYS[user]
        elif key.lower() == "content-length":
            value = str(len(body))
        lines.append("%s: %s" % (key, value))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _check_headers(meta, status, headers, problems):
    expected = {key.lower(): value for key, value in meta["response_headers"]}
    if status != meta["response_status_line"]:
        problems.append("status %r, expected %r" % (status, meta["response_status_line"]))
    for key in ("content-type", "connection", "www-authenticate", "x-content-type-options",
                "accept"):
        if headers.get(key) != expected.get(key):
            problems.append("%s: %r, expected %r" % (key, headers.get(key), expected.get(key)))
    if "set-cookie" in expected and "set-cookie" not in headers:
        problems.append("no Set-Cookie")


def _replay_json2(process, name, meta):
    short = name.split("/")[1]
    body = _read(name + ".request.json")
    match = re.match(r"^\S+ /json/2/([^/ ]+)/([^/ ]+) ", meta["request_line"])
    model, method = match.groups() if match else (None, None)
    if body and model:
        try:
            body = json.dumps(_rewrite(process, json.loads(body), model)).encode()
        except ValueError:
            pass                # the malformed body is sent as captured
    status, headers, answer = process.raw(_build(process, name, meta, body))
    expected_body = _read(name + ".response.json")
    problems = []
    _check_headers(meta, status, headers, problems)
    if answer == expected_body:
        _identical.add(name)
    if not headers.get("content-type", "").startswith("application/json"):
        if answer != expected_body:
            problems.append("body %r, expected %r" % (answer[:200], expected_body[:200]))
        return problems
    expected, actual = json.loads(expected_body), json.loads(answer)
    if meta["response_status"] != 200:
        if list(actual) != list(expected):
            return problems + ["error keys %s, expected %s" % (list(actual), list(expected))]
        for key in ("name", "context"):
            if actual[key] != expected[key]:
                problems.append("%s %r, expected %r" % (key, actual[key], expected[key]))
        first, last = _lines(actual["debug"])
        if first != _lines(expected["debug"])[0]:
            problems.append("debug starts %r" % first)
        if short not in DATA_DIFFERS:
            for key in ("message", "arguments"):
                if actual[key] != expected[key]:
                    problems.append("%s %r, expected %r" % (key, actual[key], expected[key]))
            if last != _lines(expected["debug"])[1]:
                problems.append("debug ends %r, expected %r" % (last, _lines(expected["debug"])[1]))
        return problems
    if b"\\u" in answer and b"\\u" not in expected_body:
        problems.append("non-ASCII escaped: json.dumps must use ensure_ascii=False")
    _learn(process, model, method, expected, actual)
    return problems + compare_result(model, method, expected, actual)


def _replay_xmlrpc(process, name, meta):
    short = name.split("/")[1]
    body = _read(name + ".request.xml")
    model = method = None
    if body.strip() and b"<API-KEY>" in body:
        params, call = xmlrpc.client.loads(body.replace(b"<API-KEY>",
                                                        KEYS[KEY_USER.get(short, "admin")].encode()))
        params = list(params)
        if call == "execute_kw":
            params[1] = UIDS.get(params[1], params[1])
            model, method = params[3], params[4]
            if params[5] and isinstance(params[5][0], list) and \
                    all(isinstance(i, int) for i in params[5][0]):
                params[5] = [_map_ids(process, model, params[5][0])] + list(params[5][1:])
        body = xmlrpc.client.dumps(tuple(params), call).encode()
    status, headers, answer = process.raw(_build(process, name, meta, body))
    expected_body = _read(name + ".response.xml")
    problems = []
    _check_headers(meta, status, headers, problems)
    if answer == expected_body:
        _identical.add(name)
    if not headers.get("content-type", "").startswith("text/xml"):
        if answer != expected_body:
            problems.append("body %r, expected %r" % (answer[:200], expected_body[:200]))
        return problems
    try:
        expected = ("result", xmlrpc.client.loads(expected_body)[0][0])
    except xmlrpc.client.Fault as fault:
        expected = ("fault", fault.faultCode, fault.faultString)
    try:
        actual = ("result", xmlrpc.client.loads(answer)[0][0])
    except xmlrpc.client.Fault as fault:
        actual = ("fault", fault.faultCode, fault.faultString)
    if expected[0] != actual[0]:
        return problems + ["%s instead of %s: %r" % (actual[0], expected[0], actual[1:])]
    if expected[0] == "fault":
        if expected[1] != actual[1]:
            problems.append("faultCode %r, expected %r" % (actual[1], expected[1]))
        lines, wanted = _lines(actual[2]), _lines(expected[2])
        if short in DATA_DIFFERS:
            lines, wanted = lines[:1], wanted[:1]
        if lines != wanted:
            problems.append("faultString %r, expected %r" % (lines, wanted))
        return problems
    return problems + compare_result(model, method, expected[1], actual[1])


@pytest.mark.parametrize("name", CAPTURES)
def test_capture(replay, name):
    with open(os.path.join(ODOO19, name + ".meta.json"), encoding="utf-8") as handle:
        meta = json.load(handle)
    if name.startswith("json2/"):
        problems = _replay_json2(replay, name, meta)
    else:
        problems = _replay_xmlrpc(replay, name, meta)
    _results[name] = not problems
    if name.split("/")[1] in XFAIL:
        if problems:
            pytest.xfail(XFAIL[name.split("/")[1]])
        pytest.fail("%s matches now: remove it from XFAIL" % name)
    assert not problems, "\n".join(problems)


def test_every_capture_is_replayed():
    """100% coverage: one replay per capture file, every file of index.json included."""
    on_disk = set()
    for folder in ("json2", "xmlrpc"):
        for entry in os.listdir(os.path.join(ODOO19, folder)):
            on_disk.add("%s/%s" % (folder, entry.split(".")[0]))
    with open(os.path.join(ODOO19, "index.json"), encoding="utf-8") as handle:
        indexed = {"%s/%s" % (entry["dir"], entry["name"]) for entry in json.load(handle)}
    assert sorted(CAPTURES) == sorted(on_disk) == sorted(indexed)
    assert len(CAPTURES) == len(set(CAPTURES)) == 131
    names = {name.split("/")[1] for name in CAPTURES}
    assert set(KEY_USER) <= names and set(DATA_DIFFERS) <= names and set(XFAIL) <= names


def test_all_replayed_and_matched():
    """Runs after the replay: every capture was replayed, and matched."""
    if len(_results) != len(CAPTURES):
        pytest.skip("needs the whole replay (run without -k)")
    assert sorted(name for name, ok in _results.items() if not ok) == []


def test_comparison_detects_differences():
    """The comparator itself: a changed type, key, emptiness or flag is a problem."""
    record = [{"id": 1, "name": "x", "barcode": False, "active": True, "list_price": 1.0}]
    assert compare_result("product.product", "read", record, record) == []
    filled = [{"id": 2, "name": "y", "barcode": "1", "active": True, "list_price": 2.0}]
    assert compare_result("product.product", "read", record, filled) == []
    as_int = [{"id": 1, "name": "x", "barcode": False, "active": True, "list_price": 1}]
    assert compare_result("product.product", "read", record, as_int)
    missing = [{"id": 1, "name": "x", "barcode": False, "active": True}]
    assert compare_result("product.product", "read", record, missing)
    assert compare_result("product.product", "read", record, [])
    assert compare_result("sale.order", "action_lock", None, True)
    assert compare_result("sale.order", "write", True, None)
    fields = {"name": {"type": "char"}, "avatax_category_id": {"type": "many2one"}}
    assert compare_result("product.product", "fields_get", fields,
                          {"name": {"type": "char"}}) == []
    assert compare_result("product.product", "fields_get", fields, fields)
