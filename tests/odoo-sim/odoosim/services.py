"""services.py: the XML-RPC services (common, object, db) on top of the simulated database.

The functions mirror odoo/service/{common,model,security}.py and odoo/api.py
call_kw closely, with the same signatures, so that malformed calls fail
with the same Python errors.  Every execute_kw call runs under one lock as
one transaction: a call that fails leaves the data as it was.
"""

import json
import os
import re
import threading
from collections.abc import Mapping

from . import demo, errors, models, security
from .errors import AccessDenied, AccessError, ServerError, UserError
from .orm import BaseModel, Env, Registry, exc_name

DATABASE = "odoo_pelotazo"
VERSIONS = (17, 18, 19)
DEFAULT_VERSION = 18
# common.version() per simulated version.  19: as the Odoo 19 captures show
# (odoo19/xmlrpc/version: an Enterprise build's version string).
SERVER_VERSIONS = {
    17: {"server_version": "17.0", "server_version_info": [17, 0, 0, "final", 0, ""],
         "server_serie": "17.0", "protocol_version": 1},
    18: {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""],
         "server_serie": "18.0", "protocol_version": 1},
    19: {"server_version": "19.0+e-20251227", "server_version_info": [19, 0, 0, "final", 0, "e"],
         "server_serie": "19.0", "protocol_version": 1},
}
VERSION = SERVER_VERSIONS[18]
_PRIVATE = re.compile(r"^(_.*|init)$")
# Methods Odoo 19 marks @api.private (callable in Python, not over RPC).
PRIVATE_19 = frozenset(("check_access",))
# Fields Odoo 19 renamed: (model, Odoo 18 name) -> Odoo 19 name (FIELD-CHANGES.txt).
RENAMES_19 = {("sale.order.line", "tax_id"): "tax_ids",
              ("sale.order.line", "product_uom"): "product_uom_id"}
# Models without an Odoo 19 fields_get capture lose the [core] removals of the
# model they share fields with (_inherits).
SCHEMA_LIKE_19 = {"product.template": "product.product", "res.users": "res.partner"}
# Odoo 19 fields a create needs a value for (required, stored) that Odoo 18
# does not have, with Odoo 19's defaults (purchase_stock res_partner.py).
DEFAULTS_19 = {("res.partner", "group_rfq"): "default", ("res.partner", "group_on"): "default"}


def default_fixtures():
    """Where the captures live, relative to this package (tests/fixtures/odoo-captures)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, os.pardir, os.pardir, "fixtures", "odoo-captures")


def _read_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def field_changes(path):
    """FIELD-CHANGES.txt as {model: {"-": {field: tag}, "+": {field: tag}}}, tag being
    "core", "extra" or "18-only module"."""
    changes = {}
    model = None
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            match = re.match(r"^(\S+): \d+ fields in 18", line)
            if match:
                model = changes.setdefault(match.group(1), {"-": {}, "+": {}})
                continue
            match = re.match(r"^  ([-+]) (\w+): .*\[(core|extra|18-only module)", line)
            if match and model is not None:
                model[match.group(1)][match.group(2)] = match.group(3)
    return changes


def load_schemas(fixtures, version=DEFAULT_VERSION):
    """fields_get answers per model, from fixtures/fields_get/<model>.json (Odoo 18,
    also used for 17).  For 19: odoo19/fields_get/<model>.json without the
    fields only Enterprise/extra modules add ([extra] in FIELD-CHANGES.txt), i.e.
    what a Community server with the same apps answers; the models without a 19
    capture keep their 18 fields minus the [core] removals of the model they
    share fields with."""
    schemas = {}
    for cls in models.MODELS:
        path = os.path.join(fixtures, "fields_get", cls._name + ".json")
        if not os.path.exists(path) and getattr(cls, "_schema_uncaptured", None):
            schemas[cls._name] = dict(cls._schema_uncaptured)
            continue
        schemas[cls._name] = _read_json(path)
    if version < 19:
        return schemas
    changes = field_changes(os.path.join(fixtures, "odoo19", "FIELD-CHANGES.txt"))
    for name in list(schemas):
        # The JSON-2 fields_get capture has the fields in Odoo's order
        # (fields_get/<model>.json has them sorted); the same attributes.
        path = os.path.join(fixtures, "odoo19", "json2",
                            "fields_get_%s.response.json" % name.replace(".", "_"))
        change = changes.get(name, {"-": {}, "+": {}})
        if os.path.exists(path):
            schema = {fname: description for fname, description in _read_json(path).items()
                      if change["+"].get(fname) != "extra"}
            for fname, tag in change["-"].items():
                if tag != "core" and fname in schemas[name]:
                    schema[fname] = schemas[name][fname]
            schemas[name] = schema
        elif name in SCHEMA_LIKE_19:
            removed = changes[SCHEMA_LIKE_19[name]]["-"]
            schemas[name] = {fname: description for fname, description in schemas[name].items()
                             if removed.get(fname) != "core"}
    return schemas


class Database:
    """The simulated Odoo database: models, data, and the lock calls run under."""

    def __init__(self, fixtures=None, name=DATABASE, version=DEFAULT_VERSION):
        if version not in VERSIONS:
            raise ValueError("odoo-sim simulates Odoo %s, not %r"
                             % (", ".join(map(str, VERSIONS)), version))
        self.name = name
        self.version = version
        self.registry = Registry(models.MODELS, load_schemas(fixtures or default_fixtures(),
                                                             version),
                                 demo.STUB_NAMES, version=version,
                                 renames=RENAMES_19 if version >= 19 else {},
                                 stub_fields=demo.STUB_FIELDS)
        if version >= 19:
            for (model, fname), value in DEFAULTS_19.items():
                cls = self.registry.models[model]
                if fname in self.registry.schemas[model] and fname not in cls._defaults:
                    cls._defaults = {**cls._defaults, fname: value}
        self.lock = threading.RLock()
        self.store = demo.build(self.registry)

    def reset(self):
        """Throw every change away: the demo data as at start."""
        with self.lock:
            self.store = demo.build(self.registry)

    def env(self, uid, context=None):
        """An environment on the current data (for tests and in-process use)."""
        return Env(self.registry, self.store, uid, context)

    @property
    def server_version(self):
        """common.version()'s answer for the simulated version."""
        return dict(SERVER_VERSIONS[self.version])

    def set_password(self, login, password):
        """Change a user's password; False if there is no such login.  The user's
        API key changes with it (see demo.api_key): the old one stops working."""
        with self.lock:
            for uid, row in self.store.tables["res.users"].items():
                if row.get("login") == login:
                    self.store.passwords[uid] = password
                    self.store.api_keys[uid] = demo.api_key(login, password)
                    return True
        return False

    def set_groups(self, login, groups):
        """Replace a user's groups (xml ids of security.GROUPS; implied ones
        follow), as an administrator editing the user in Odoo's form would;
        False if there is no such login."""
        unknown = [g for g in groups if g not in security.GROUPS]
        if unknown:
            raise ValueError("unknown groups: %s" % ", ".join(unknown))
        with self.lock:
            for row in self.store.tables["res.users"].values():
                if row.get("login") == login:
                    row["_groups"] = tuple(groups)
                    return True
        return False

    def _credentials_ok(self, uid, password):
        """res.users._check_credentials: the password, or one of the user's API
        keys (scope rpc), as Odoo 14+ accepts over XML-RPC."""
        if not password:
            return False
        return password in (self.store.passwords.get(uid), self.store.api_keys.get(uid))

    def uid_of_api_key(self, key):
        """The active user whose API key key is, or None (JSON-2's bearer auth)."""
        with self.lock:
            for uid, candidate in self.store.api_keys.items():
                if candidate == key and self.store.tables["res.users"].get(uid, {}).get("active"):
                    return uid
        return None

    def users(self):
        """Every user for GET /__sim/users: uid, login, name, active, share, groups
        (as given, and with the groups they imply), ordered by uid."""
        with self.lock:
            env = self.env(security.SUPERUSER_ID)
            users = env["res.users"]
            result = []
            for uid in sorted(self.store.tables["res.users"]):
                row = self.store.tables["res.users"][uid]
                result.append({
                    "uid": uid, "login": row.get("login"), "name": users._value(uid, "name"),
                    "active": bool(row.get("active")), "share": users._value(uid, "share"),
                    "groups": list(row.get("_groups") or ()),
                    "all_groups": sorted(security.user_groups(self.store, uid)),
                    "api_key": self.store.api_keys.get(uid),
                })
            return result

    # ---- common -----------------------------------------------------------

    def common(self, method, params):
        """The 'common' service: version, authenticate, login, about."""
        handler = getattr(self, "exp_" + method, None) if isinstance(method, str) else None
        if handler is None:
            raise ServerError("Exception", "Method not found: %s" % (method,),
                              errors.DISPATCH_RPC + errors.frame(
                                  errors.ODOO + "/service/common.py", 60, "dispatch",
                                  'raise Exception("Method not found: %s" % method)'))
        return handler(*params)

    def exp_version(self):
        """common.version(): the server's version."""
        return self.server_version

    def exp_about(self, extended=False):
        """common.about(): a string, and the version when extended."""
        info = "See http://openerp.com"
        return [info, self.server_version["server_version"]] if extended else info

    def exp_login(self, db, login, password):
        """common.login(): authenticate() without the user agent environment."""
        return self.exp_authenticate(db, login, password, None)

    def exp_authenticate(self, db, login, password, user_agent_env):
        """common.authenticate(): the uid, or False for a wrong login or password."""
        if db != self.name:
            raise errors.unknown_database(db, errors.DISPATCH_RPC + errors.AUTHENTICATE)
        with self.lock:
            for uid, row in self.store.tables["res.users"].items():
                if row.get("login") == login and row.get("active"):
                    return uid if self._credentials_ok(uid, password) else False
        return False

    # ---- db ---------------------------------------------------------------

    def db(self, method, params):
        """The 'db' service: list and server_version; the rest needs the master password."""
        if method == "list":
            return [self.name]
        if method == "server_version":
            return self.server_version["server_version"]
        raise AccessDenied()

    # ---- object -----------------------------------------------------------

    def object(self, method, params):
        """The 'object' service: execute_kw and execute, after checking the user."""
        try:
            db, uid, passwd = params[0], int(params[1]), params[2]
        except Exception as exc:
            raise ServerError(exc_name(exc), str(exc), errors.DISPATCH_RPC) from None
        self.check(db, uid, passwd)
        if method == "execute":
            return self.execute(db, uid, *params[3:])
        if method == "execute_kw":
            return self.execute_kw(db, uid, *params[3:])
        raise ServerError("NameError", "Method not available %s" % method, errors.DISPATCH_RPC)

    def check(self, db, uid, passwd):
        """security.check: raise unless uid with passwd may use db."""
        if db != self.name:
            raise errors.unknown_database(db, errors.DISPATCH_RPC + errors.CHECK_USER)
        if not passwd:
            raise AccessDenied()
        with self.lock:
            user = self.store.tables["res.users"].get(uid)
            if user is None:
                raise errors.MissingError("Record does not exist or has been deleted.\n"
                                          "(Record: res.users(%d,), User: %d)" % (uid, uid))
            if not user.get("active") or not self._credentials_ok(uid, passwd):
                raise AccessDenied()

    def execute_kw(self, db, uid, obj, method, args, kw=None):
        """model.execute_kw: execute() with args and kw as lists and dicts."""
        return self._guarded(self.execute, db, uid, obj, method, *args, **kw or {})

    def execute(self, db, uid, obj, method, *args, **kw):
        """model.execute: private methods refused, unknown models refused, then call_kw."""
        if self.version < 19 and _PRIVATE.match(method):
            raise AccessError("Private methods (such as %s) cannot be called remotely." % method)
        return self._execute_cr(uid, obj, method, *args, **kw)

    def _guarded(self, function, *args, **kwargs):
        # Errors in the arguments themselves (not a list, not a dict) are
        # Python's, raised in execute_kw as in Odoo.
        try:
            return function(*args, **kwargs)
        except TypeError as exc:
            if "argument after" in str(exc):
                raise ServerError("TypeError", str(exc), errors.DISPATCH_RPC + errors.frame(
                    errors.ODOO + "/service/model.py", 39, "dispatch",
                    "res = execute_kw(db, uid, *params[3:])", "execute_kw")) from None
            raise

    def _execute_cr(self, uid, obj, method, *args, **kw):
        with self.lock:
            env = Env(self.registry, self.store, uid)
            recs = env.get(obj) if isinstance(obj, str) else None
            if recs is None:
                raise UserError("Object %s doesn't exist" % (obj,))
            if self.version >= 19:
                public_method(recs, method, errors.DISPATCH_RPC + errors.EXECUTE_KW)
            mutating = method not in BaseModel._readonly_methods
            snapshot = self.store.snapshot() if mutating else None
            try:
                return call_kw(recs, method, args, kw)
            except BaseException:
                if snapshot is not None:
                    self.store.restore(snapshot)
                raise


def public_method(model, name, frames=""):
    """Odoo 19's service/model.py get_public_method: AccessError for a private
    name or an @api.private method, AttributeError (a ServerError here) for a
    method that does not exist; else the method."""
    private = "Private methods (such as '%s.%s') cannot be called remotely." % (model._name, name)
    if not isinstance(name, str) or _PRIVATE.match(name):
        raise AccessError(private)
    method = getattr(type(model), name, None)
    if not callable(method) or isinstance(method, type):
        raise ServerError("AttributeError", "The method '%s.%s' does not exist"
                          % (model._name, name), frames + errors.UNKNOWN_METHOD)
    if name in PRIVATE_19:
        raise AccessError(private)
    return method


def call_kw(model, name, args, kwargs):
    """api.call_kw: find the method, bind ids and context, call, downgrade the result."""
    method = getattr(model, name, None)
    if not method:
        raise ServerError("AttributeError", "The method '%s' does not exist on the model '%s'"
                          % (name, model._name),
                          errors.DISPATCH_RPC + errors.EXECUTE_KW + errors.UNKNOWN_METHOD)
    api = getattr(method, "_api", None)
    try:
        if api:
            recs = model
        else:
            ids, args = args[0], args[1:]
            recs = model._browse(_ids(ids))
        kwargs = dict(kwargs)
        context = kwargs.pop("context", None) or {}
        recs = recs.with_context(context)
        lang = recs.env.context.get("lang")
        if lang and lang not in models.installed_langs(recs.env):
            raise UserError("Invalid language code: %s" % lang)
        result = getattr(recs, name)(*args, **kwargs)
    except (UserError, AccessDenied):
        raise
    except ServerError as exc:
        raise ServerError(exc.name, exc.message, errors.DISPATCH_RPC + errors.EXECUTE_KW
                          + errors.CALL_KW + exc.frames, exc.chained) from exc
    except Exception as exc:
        raise ServerError(exc_name(exc), str(exc), errors.DISPATCH_RPC + errors.EXECUTE_KW
                          + errors.CALL_KW) from exc
    if api == "model_create":
        return result.id if isinstance(args[0], Mapping) else result.ids
    if isinstance(result, BaseModel):
        return result.ids
    return result


def _ids(ids):
    """What Odoo's browse() accepts: an id, a list of ids, or nothing."""
    if not ids:
        return ()
    if isinstance(ids, (list, tuple)):
        return tuple(ids)
    return (ids,)
