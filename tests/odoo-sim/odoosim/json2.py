"""json2.py: Odoo 19's JSON-2 API (POST /json/2/<model>/<method>) on top of the simulated database.

The second protocol front-end next to rpc.py (XML-RPC): same models, same
exceptions, same transactions.  It follows odoo/addons/rpc/controllers/json2.py
and odoo/http.py Json2Dispatcher as the Odoo 19 captures in
tests/fixtures/odoo-captures/odoo19/json2 show them, checks in this order:
database (404 HTML) -> route (404 "Did you mean POST ...") -> Content-Type
(415 HTML) -> bearer API key (401) -> JSON body (400) -> model (404) ->
method (404, or 403 if private) -> ids on an @api.model method (422) ->
argument binding (422) -> the call itself.

handle() returns a Response (status, extra headers, content type, body);
server.py writes it.  Error bodies are {name, message, arguments, context,
debug}; ERRORS maps the exception classes to HTTP statuses in one table.
"""

import inspect
import json
import re
from collections.abc import Mapping

from . import errors, models
from .errors import AccessDenied, AccessError, MissingError, ServerError, UserError
from .orm import BaseModel, Env, exc_name
from .services import public_method

JSON = b"application/json; charset=utf-8"
HTML = b"text/html; charset=utf-8"
ROUTE = re.compile(r"^/json/2/([^/]+)/([^/]+)$")
BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)

NO_KEY = "User not authenticated, use an API Key with a Bearer Authorization header."
BAD_KEY = "Invalid apikey"
DID_YOU_MEAN = "Did you mean POST /json/2/<model>/<method>?"

# werkzeug.exceptions: code -> (class name, the name in its str()).
WERKZEUG = {
    400: ("BadRequest", "Bad Request"),
    401: ("Unauthorized", "Unauthorized"),
    404: ("NotFound", "Not Found"),
    422: ("UnprocessableEntity", "Unprocessable Entity"),
}

# Exception class -> HTTP status, first match wins (subclasses first):
# odoo/http.py Json2Dispatcher.handle_error and each exception's http_status
# (odoo/exceptions.py).  Anything else (ServerError: ValueError, TypeError...)
# is 500.
ERRORS = (
    (MissingError, 404),
    (AccessError, 403),
    (AccessDenied, 403),
    (UserError, 422),          # ValidationError and RedirectWarning too
)

# The pages Odoo answers with HTML instead of a JSON error body.
HTML_415 = (b"<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n"
            b"<h1>Unsupported Media Type</h1>\n<p>Request inferred type is compatible with "
            b"[&#39;http&#39;] but &#39;/json/2/&lt;__model__&gt;/&lt;__method__&gt;&#39; is "
            b"type=&#39;json2&#39;.<br><br>Please verify the Content-Type request header and "
            b"try again.</p>\n")
HTML_NO_DB = (b"<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
              b"<p>No database is selected and the requested URL was not found in the "
              b"server-wide controllers.</p>\n<p>Please verify the hostname, "
              b"<a href=/web/login>login</a> and try again.</p>\n\n"
              b"<!-- Alternatively, use the X-Odoo-Database header. -->\n")


class Response:
    """What server.py sends: status, content type, extra headers, body, and
    whether X-Content-Type-Options: nosniff goes with it (successes only)."""

    def __init__(self, status, body, content_type=JSON, headers=(), nosniff=False):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = list(headers)
        self.nosniff = nosniff


class HttpError(Exception):
    """A werkzeug HTTPException: its code, description, and the frames of the raise."""

    def __init__(self, code, description, frames="", headers=()):
        super().__init__(description, code)
        self.code = code
        self.description = description
        self.frames = frames
        self.headers = list(headers)


# ---- tracebacks (the "debug" member), frames as in the captures ----------------

ODOO = errors.ODOO
_f = errors.frame
SERVE_DB = (
    _f(ODOO + "/http.py", 2275, "_serve_db",
       "return service_model.retrying(serve_func, env=self.env)", "service_model")
    + _f(ODOO + "/service/model.py", 184, "retrying", "result = func()", "func"))
AUTHENTICATE = (
    _f(ODOO + "/http.py", 2328, "_serve_ir_http",
       "self.registry['ir.http']._authenticate(rule.endpoint)")
    + _f(ODOO + "/addons/base/models/ir_http.py", 275, "_authenticate",
         "cls._authenticate_explicit(auth)")
    + _f(ODOO + "/addons/base/models/ir_http.py", 284, "_authenticate_explicit",
         "getattr(cls, f'_auth_method_{auth}')()"))
AUTH_NO_KEY = _f(ODOO + "/addons/base/models/ir_http.py", 250, "_auth_method_bearer",
                 "raise Unauthorized(e, www_authenticate=WWWAuthenticate('bearer'))")
AUTH_BAD_KEY = _f(ODOO + "/addons/base/models/ir_http.py", 242, "_auth_method_bearer",
                  "raise Unauthorized(e, www_authenticate=WWWAuthenticate('bearer'))")
DISPATCH = (
    _f(ODOO + "/http.py", 2330, "_serve_ir_http",
       "response = self.dispatcher.dispatch(rule.endpoint, args)", "self.")
    + _f(ODOO + "/http.py", 2610, "dispatch",
         "result = self.request.registry['ir.http']._dispatch(endpoint)", "self.")
    + _f(ODOO + "/addons/base/models/ir_http.py", 355, "_dispatch",
         "result = endpoint(**request.params)", "endpoint")
    + _f(ODOO + "/http.py", 788, "route_wrapper",
         "result = endpoint(self, *args, **params_ok)", "endpoint"))
PARSE_BODY = (
    _f(ODOO + "/http.py", 2330, "_serve_ir_http",
       "response = self.dispatcher.dispatch(rule.endpoint, args)", "self.")
    + _f(ODOO + "/http.py", 2603, "dispatch",
         "raise werkzeug.exceptions.BadRequest(e) from exc"))


def _json2(line, code, caret=None):
    return _f(ODOO + "/addons/rpc/controllers/json2.py", line, "web_json_2_rpc", code, caret)


NOT_FOUND_ROUTE = _f(ODOO + "/addons/rpc/controllers/json2.py", 47, "web_json_2_404",
                     "raise request.not_found(e)")
NO_MODEL = _json2(69, "raise NotFound(e) from exc")
NO_METHOD = _json2(74, "raise NotFound(exc.args[0]) from exc")
PRIVATE = (_json2(72, "func = get_public_method(Model, __method__)", "get_public_method")
           + _f(ODOO + "/service/model.py", 54, "get_public_method", "raise AccessError(e)"))
WITH_IDS = _json2(77, "raise UnprocessableEntity(e)")
BIND = _json2(84, "raise UnprocessableEntity(exc.args[0])")
CALL = _json2(86, "result = func(records, **kwargs)", "func")


def traceback_text(exc):
    """A Python-looking traceback for exc, as Odoo puts it in "debug"."""
    if isinstance(exc, HttpError):
        name, label = WERKZEUG[exc.code]
        last = "werkzeug.exceptions.%s: %d %s: %s" % (name, exc.code, label, exc.description)
        return errors.TB_HEAD + SERVE_DB + exc.frames + last + "\n"
    if isinstance(exc, ServerError):
        last = "%s: %s" % (exc.name, exc.message) if exc.message else exc.name
        return exc.chained + errors.TB_HEAD + SERVE_DB + DISPATCH + CALL + exc.frames + last + "\n"
    frames = getattr(exc, "json2_frames", CALL)
    return (errors.TB_HEAD + SERVE_DB + DISPATCH + frames
            + "%s: %s\n" % (error_name(exc), exc))


def error_name(exc):
    """The "name" member: module-qualified class (builtins.ValueError, odoo.exceptions.X)."""
    if isinstance(exc, HttpError):
        return "werkzeug.exceptions." + WERKZEUG[exc.code][0]
    if isinstance(exc, ServerError):
        return exc.name if "." in exc.name else "builtins." + exc.name
    if isinstance(exc, (UserError, AccessDenied)):
        return "odoo.exceptions." + type(exc).__name__
    return exc_name(exc) if "." in exc_name(exc) else "builtins." + exc_name(exc)


def error_status(exc):
    """The HTTP status of exc (the ERRORS table; werkzeug's code; else 500)."""
    if isinstance(exc, HttpError):
        return exc.code
    for cls, status in ERRORS:
        if isinstance(exc, cls):
            return status
    return 500


def error_response(exc):
    """The JSON error body Odoo 19 answers for exc."""
    if isinstance(exc, HttpError):
        message, arguments = exc.description, [exc.description, exc.code]
    elif isinstance(exc, ServerError):
        message, arguments = exc.message, [exc.message]
    else:
        message, arguments = str(exc), [str(exc)]
    body = {"name": error_name(exc), "message": message, "arguments": arguments,
            "context": {}, "debug": traceback_text(exc)}
    headers = exc.headers if isinstance(exc, HttpError) else []
    return Response(error_status(exc), dumps(body), headers=headers)


def dumps(value):
    """Odoo's json.dumps(ensure_ascii=False): default separators, raw UTF-8."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _header(headers, name):
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


def is_json2_path(path):
    """Whether path belongs to JSON-2 (the /json/2/<path> catch-all included)."""
    return path.startswith("/json/2/")


def handle(database, method, path, headers, body, on_call=None):
    """The Response to one HTTP request on /json/2/...

    headers: (name, value) pairs; on_call(model, method, params) is told about each call
    that reaches a model (the simulator counts them)."""
    db = _header(headers, "X-Odoo-Database")
    if db is not None and db != database.name:
        return Response(404, HTML_NO_DB, HTML)
    try:
        return _handle(database, method, path, headers, body, on_call)
    except (HttpError, UserError, AccessDenied, ServerError) as exc:
        return error_response(exc)


def _handle(database, method, path, headers, body, on_call):
    match = ROUTE.match(path)
    if method != "POST" or not match:
        raise HttpError(404, DID_YOU_MEAN, DISPATCH + NOT_FOUND_ROUTE)
    content_type = (_header(headers, "Content-Type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return Response(415, HTML_415, HTML, headers=["Accept: application/json"])
    auth = BEARER.match((_header(headers, "Authorization") or "").strip())
    if not auth:
        raise HttpError(401, NO_KEY, AUTHENTICATE + AUTH_NO_KEY, ["WWW-Authenticate: Bearer"])
    uid = database.uid_of_api_key(auth.group(1).strip())
    if uid is None:
        raise HttpError(401, BAD_KEY, AUTHENTICATE + AUTH_BAD_KEY, ["WWW-Authenticate: Bearer"])
    params = {}
    if body:
        text = body.decode("utf-8", "replace")
        try:
            params = json.loads(text)
        except ValueError as exc:
            raise HttpError(400, "could not parse the body as json: %s" % exc,
                            PARSE_BODY) from None
        if not isinstance(params, dict):
            params = {}         # Odoo ignores a body that is not an object
    model_name, method_name = match.group(1), match.group(2)
    if on_call is not None:
        on_call(model_name, method_name, params)
    return Response(200, dumps(call(database, uid, model_name, method_name, params)),
                    nosniff=True)


def call(database, uid, model_name, method_name, params):
    """Run model_name.method_name for uid with the JSON-2 body params; the result
    as JSON-2 answers it (records as ids, create always a list).  Raises what
    Odoo would, as HttpError, UserError & co or ServerError."""
    params = dict(params)
    ids = params.pop("ids", None)
    context = params.pop("context", None)
    with database.lock:
        env = Env(database.registry, database.store, uid)
        model = env.get(model_name)
        if model is None:
            raise HttpError(404, "the model '%s' does not exist" % model_name,
                            DISPATCH + NO_MODEL)
        try:
            function = public_method(model, method_name)
        except ServerError as exc:
            raise HttpError(404, exc.message, DISPATCH + NO_METHOD) from None
        except AccessError as exc:
            exc.json2_frames = PRIVATE
            raise
        api = getattr(function, "_api", None)
        if ids and api:
            raise HttpError(422, "cannot call %s.%s with ids" % (model_name, method_name),
                            DISPATCH + WITH_IDS)
        records = model._browse(_ids(ids)) if not api else model
        if isinstance(context, Mapping):
            records = records.with_context(dict(context))
        try:
            inspect.signature(function).bind(records, **params)
        except TypeError as exc:
            raise HttpError(422, exc.args[0], DISPATCH + BIND) from None
        mutating = method_name not in BaseModel._readonly_methods
        snapshot = database.store.snapshot() if mutating else None
        try:
            lang = records.env.context.get("lang")
            if lang and lang not in models.installed_langs(records.env):
                raise UserError("Invalid language code: %s" % lang)
            result = function(records, **params)
        except BaseException as exc:
            if snapshot is not None:
                database.store.restore(snapshot)
            if isinstance(exc, (UserError, AccessDenied, ServerError)):
                raise
            if isinstance(exc, Exception):
                raise ServerError(exc_name(exc), str(exc)) from exc
            raise
    if isinstance(result, BaseModel):
        return result.ids
    return result


def _ids(ids):
    if not ids:
        return ()
    if isinstance(ids, (list, tuple)):
        return tuple(ids)
    return (ids,)


def version_info(database):
    """GET /json/version (and /web/version) of Odoo 19: version and version_info."""
    info = database.server_version
    return {"version_info": info["server_version_info"], "version": info["server_version"]}
