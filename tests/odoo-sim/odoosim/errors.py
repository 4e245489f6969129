"""errors.py: Odoo's exception classes, and the tracebacks its XML-RPC faults carry.

Odoo 18 turns exceptions into faults in odoo/addons/base/controllers/rpc.py:
UserError and its subclasses give faultCode 2 and the bare message,
AccessDenied 3, AccessError 4, anything else faultCode 1 with the whole Python
traceback.  The legacy /xmlrpc/<service> endpoint uses string fault codes
instead.  The frames below are copied from the captures in
tests/fixtures/odoo-captures/raw, so that a client sees the same first and
last lines (and, for the captured cases, the same middle) as from Odoo.
"""

import traceback

ODOO = "/opt/odoo/odoo"
ADDONS = "/opt/odoo/addons"
PYLIB = "/usr/lib/python3.11"


class UserError(Exception):
    """odoo.exceptions.UserError: faultCode 2, legacy 'warning -- UserError'."""

    legacy_label = "UserError"


class ValidationError(UserError):
    """odoo.exceptions.ValidationError (reported as UserError on the legacy endpoint)."""


class MissingError(UserError):
    """odoo.exceptions.MissingError: a record that does not exist."""

    legacy_label = "MissingError"


class AccessError(UserError):
    """odoo.exceptions.AccessError: faultCode 4."""

    legacy_label = "AccessError"


class RedirectWarning(UserError):
    """odoo.exceptions.RedirectWarning: faultCode 2, legacy 'warning -- Warning'."""

    legacy_label = "Warning"


class AccessDenied(Exception):
    """odoo.exceptions.AccessDenied: faultCode 3 "Access Denied"."""

    def __init__(self, message="Access Denied"):
        super().__init__(message)


class ServerError(Exception):
    """An exception that Odoo reports as faultCode 1 with a traceback.

    name: the exception class as Python prints it ("ValueError",
    "psycopg2.OperationalError"); message: str() of the exception; frames:
    the traceback entries between the dispatcher and the raise, as text;
    chained: an optional earlier traceback text ("During handling of the above
    exception, another exception occurred").
    """

    def __init__(self, name, message, frames="", chained=""):
        super().__init__(message)
        self.name = name
        self.message = message
        self.frames = frames
        self.chained = chained


def frame(path, line, func, code, caret=None, upto=None):
    """One traceback entry as Python 3.11 prints it.

    caret: the part of code where the '^' marks under the failing expression
    start, or None for no marks; they run to the end of the line, or to the
    end of the first upto after caret.
    """
    text = '  File "%s", line %d, in %s\n    %s\n' % (path, line, func, code)
    if caret:
        start = code.index(caret)
        end = code.index(upto, start) + len(upto) if upto else len(code)
        text += " " * (4 + start) + "^" * (end - start) + "\n"
    return text


def _rpc(line, func, code, caret=None, upto=None):
    return frame(ODOO + "/addons/base/controllers/rpc.py", line, func, code, caret, upto)


# The entry frame differs between /xmlrpc/2 and the legacy /xmlrpc endpoint.
ENTRY_V2 = _rpc(161, "xmlrpc_2", "response = self._xmlrpc(service)", "self.")
ENTRY_LEGACY = _rpc(151, "xmlrpc_1", "response = self._xmlrpc(service)", "self.")

DISPATCH_RPC = (
    _rpc(139, "_xmlrpc", "result = dispatch_rpc(service, method, params)", "dispatch_rpc")
    + frame(ODOO + "/http.py", 398, "dispatch_rpc", "return dispatch(method, params)", "dispatch"))

UNKNOWN_SERVICE = (
    _rpc(139, "_xmlrpc", "result = dispatch_rpc(service, method, params)", "dispatch_rpc")
    + '  File "%s/http.py", line 397, in dispatch_rpc\n'
    "    dispatch = rpc_dispatchers[service_name]\n"
    "               ~~~~~~~~~~~~~~~^^^^^^^^^^^^^^\n" % ODOO)

LOADS_CLOSE = (
    _rpc(138, "_xmlrpc", "params, method = xmlrpc.client.loads(data, use_datetime=True)",
         "xmlrpc.client")
    + frame(PYLIB + "/xmlrpc/client.py", 1030, "loads", "p.close()")
    + '  File "%s/xmlrpc/client.py", line 460, in close\n'
    '    parser.Parse(b"", True) # end of data\n'
    "    ^^^^^^^^^^^^^^^^^^^^^^^\n" % PYLIB)

LOADS_FEED = (
    _rpc(138, "_xmlrpc", "params, method = xmlrpc.client.loads(data, use_datetime=True)",
         "xmlrpc.client")
    + frame(PYLIB + "/xmlrpc/client.py", 1029, "loads", "p.feed(data)")
    + frame(PYLIB + "/xmlrpc/client.py", 451, "feed", "self._parser.Parse(data, False)"))

MARSHAL = (
    _rpc(140, "_xmlrpc", "return dumps((result,))", "dumps")
    + _rpc(114, "dumps", "response = OdooMarshaller(allow_none=False).dumps(params)",
           "OdooMarshaller"))

MARSHAL_NONE = (
    MARSHAL
    + frame(PYLIB + "/xmlrpc/client.py", 514, "dumps", "dump(v, write)")
    + frame(PYLIB + "/xmlrpc/client.py", 536, "__dump", "f(self, value, write)")
    + frame(PYLIB + "/xmlrpc/client.py", 540, "dump_nil",
            'raise TypeError("cannot marshal None unless allow_none is enabled")'))


def _model(line, func, code, caret=None, upto=None):
    return frame(ODOO + "/service/model.py", line, func, code, caret, upto)


# service/model.py down to api.call_kw, shared by every execute_kw fault.
EXECUTE_KW = (
    _model(39, "dispatch", "res = execute_kw(db, uid, *params[3:])", "execute_kw")
    + _model(61, "execute_kw", "return execute(db, uid, obj, method, *args, **kw or {})",
             "execute")
    + _model(68, "execute", "res = execute_cr(cr, uid, obj, method, *args, **kw)", "execute_cr")
    + _model(52, "execute_cr",
             "result = retrying(partial(odoo.api.call_kw, recs, method, args, kw), env)",
             "retrying")
    + _model(137, "retrying", "result = func()", "func"))

CALL_KW = frame(ODOO + "/api.py", 517, "call_kw",
                "result = getattr(recs, name)(*args, **kwargs)", "getattr")

UNKNOWN_METHOD = frame(
    ODOO + "/api.py", 500, "call_kw",
    "raise AttributeError(f\"The method '{name}' does not exist on the model '{model._name}'\")")

CHECK_USER = (
    _model(36, "dispatch", "security.check(db, uid, passwd)")
    + frame(ODOO + "/service/security.py", 9, "check",
            "return res_users.check(db, uid, passwd)", "res_users"))

AUTHENTICATE = (
    frame(ODOO + "/service/common.py", 58, "dispatch", "return g[exp_method_name](*params)",
          "g[")
    + frame(ODOO + "/service/common.py", 26, "exp_authenticate",
            "res_users = Registry(db)['res.users']", "Registry", "(db)"))


def _models(line, func, code, caret=None, upto=None):
    return frame(ODOO + "/models.py", line, func, code, caret, upto)


SEARCH_FRAMES = (
    _models(1693, "search",
            "return self.search_fetch(domain, [], offset=offset, limit=limit, order=order)",
            "self.")
    + _models(1741, "search_fetch",
              "query = self._search(domain, offset=offset, limit=limit, order=order or "
              "self._order)", "self."))

SEARCH_COUNT_FRAMES = _models(1655, "search_count", "query = self._search(domain, limit=limit)",
                              "self.")

SEARCH_READ_SEARCH = (
    _models(6061, "search_read",
            "records = self.search_fetch(domain or [], fields, offset=offset, limit=limit, "
            "order=order)", "self.")
    + _models(1741, "search_fetch",
              "query = self._search(domain, offset=offset, limit=limit, order=order or "
              "self._order)", "self."))

SEARCH_READ_FETCH = (
    _models(6061, "search_read",
            "records = self.search_fetch(domain or [], fields, offset=offset, limit=limit, "
            "order=order)", "self.")
    + _models(1747, "search_fetch",
              "fields_to_fetch = self._determine_fields_to_fetch(field_names)", "self."))

SEARCH_READ_FORMAT = _models(
    6072, "search_read", "return records._read_format(fnames=fields, **read_kwargs)", "records")

READ_FETCH = _models(3799, "read", "fields = self._determine_fields_to_fetch(fields)", "self.")

DETERMINE_FIELDS = _models(
    4111, "_determine_fields_to_fetch",
    'raise ValueError(f"Invalid field {field_name!r} on model {self._name!r}")')

# Models that override _search put a frame of their own in the traceback.
SEARCH_OVERRIDES = {
    "product.product": frame(ADDONS + "/product/models/product_product.py", 469, "_search",
                             "return super()._search(domain, offset, limit, order)", "super"),
}

def _expression(line, func, code, caret=None):
    return frame(ODOO + "/osv/expression.py", line, func, code, caret)


WHERE_CALC = (
    _models(5736, "_search", "query = self._where_calc(domain)", "self.")
    + _models(5487, "_where_calc", "return expression.expression(domain, self).query",
              "expression", "self)"))

DOMAIN_FIELD = (
    _expression(781, "__init__",
          "self.expression = domain_combine_anies(domain, model)", "domain_combine_anies")
    + _expression(599, "domain_combine_anies",
            "domain_any = _anyfy_leaves(domain, model)", "_anyfy_leaves")
    + _expression(374, "_anyfy_leaves",
            'raise ValueError(f"Invalid field {model._name}.{path[0]} in leaf {item}")'))

DOMAIN_LEAF = (
    _expression(787, "__init__", "self.parse()")
    + _expression(952, "parse",
            "push(leaf, self.root_model, self.root_alias)")
    + _expression(939, "push", "check_leaf(leaf)")
    + _expression(739, "check_leaf",
            'raise ValueError("Invalid leaf %s" % str(element))'))

DOMAIN_SYNTAX = (
    _expression(778, "__init__",
          "self.expression = domain_combine_anies(domain, model)", "domain_combine_anies")
    + _expression(592, "domain_combine_anies",
            "domain = normalize_domain(domain)", "normalize_domain")
    + _expression(215, "normalize_domain",
            "raise ValueError(f'Domain {domain} is syntactically not correct.')"))

ORDER_FIELD = (
    _models(5740, "_search", "query.order = self._order_to_sql(order, query)", "self.")
    + _models(5549, "_order_to_sql",
              "term = self._order_field_to_sql(alias, field_name, sql_direction, sql_nulls, "
              "query)", "self.")
    + _models(5568, "_order_field_to_sql",
              'raise ValueError(f"Invalid field {fname!r} on model {self._name!r}")'))

ORDER_NOT_STORED = (
    _models(5740, "_search", "query.order = self._order_to_sql(order, query)", "self.")
    + _models(5549, "_order_to_sql",
              "term = self._order_field_to_sql(alias, field_name, sql_direction, sql_nulls, "
              "query)", "self.")
    + _models(5601, "_order_field_to_sql",
              "sql_field = self._field_to_sql(alias, field_name, query)", "self.")
    + _models(3011, "_field_to_sql",
              'raise ValueError(f"Cannot convert {field} to SQL because it is not stored")'))

WRITE_FIELD = _models(4693, "write",
                      'raise ValueError("Invalid field %r on model %r" % (fname, self._name))')

WRITE_VALUE = (
    _models(4731, "write", "field.write(self, value)")
    + frame(ODOO + "/fields.py", 1205, "write",
            "cache_value = self.convert_to_cache(value, records)", "self."))

SELECTION_VALUE = frame(ODOO + "/fields.py", 2976, "convert_to_cache",
                        'raise ValueError("Wrong value for %s: %r" % (self, value))')

CREATE_FIELD = (
    _models(4926, "create", "data_list = self._prepare_create_values(vals_list)", "self.")
    + _models(5101, "_prepare_create_values",
              'raise ValueError(f"Invalid field {key!r} in {self._name!r}")'))

CREATE_VALUE = (
    _models(4926, "create", "data_list = self._prepare_create_values(vals_list)", "self.")
    + _models(5120, "_prepare_create_values",
              "field.convert_to_cache(value, self)", "field"))

# Overrides of write() that stand between call_kw and BaseModel.write.
WRITE_OVERRIDES = {
    "sale.order": (
        frame(ADDONS + "/sale_stock/models/sale_order.py", 146, "write",
              "res = super(SaleOrder, self).write(values)", "super")
        + frame(ADDONS + "/sale/models/sale_order.py", 960, "write", "res = super().write(vals)",
                "super")
        + frame(ADDONS + "/mail/models/mail_thread.py", 330, "write",
                "result = super(MailThread, self).write(values)", "super")
        + frame(ADDONS + "/mail/models/mail_activity_mixin.py", 242, "write",
                "return super(MailActivityMixin, self).write(vals)", "super")),
    "res.partner": (
        frame(ADDONS + "/mail/models/mail_thread.py", 330, "write",
              "result = super(MailThread, self).write(values)", "super")
        + frame(ODOO + "/addons/base/models/res_partner.py", 682, "write",
                "result = result and super().write(vals)", "super")),
}

UNKNOWN_DB_KEYERROR = (
    '  File "%s/modules/registry.py", line 104, in __new__\n'
    "    return cls.registries[db_name]\n"
    "           ~~~~~~~~~~~~~~^^^^^^^^^\n" % ODOO
    + frame("/usr/lib/python3/dist-packages/decorator.py", 232, "fun",
            "return caller(func, *(extras + args), **kw)", "caller")
    + frame(ODOO + "/tools/func.py", 97, "locked", "return func(inst, *args, **kwargs)", "func")
    + '  File "%s/tools/lru.py", line 33, in __getitem__\n'
    "    a = self.d[obj]\n"
    "        ~~~~~~^^^^^\n" % ODOO)

UNKNOWN_DB_CONNECT = (
    frame(ODOO + "/modules/registry.py", 106, "__new__", "return cls.new(db_name)", "cls.")
    + frame("/usr/lib/python3/dist-packages/decorator.py", 232, "fun",
            "return caller(func, *(extras + args), **kw)", "caller")
    + frame(ODOO + "/tools/func.py", 97, "locked", "return func(inst, *args, **kwargs)", "func")
    + frame(ODOO + "/modules/registry.py", 118, "new", "registry.init(db_name)")
    + frame(ODOO + "/modules/registry.py", 210, "init", "with closing(self.cursor()) as cr:",
            "self.cursor()", "self.cursor()")
    + frame(ODOO + "/modules/registry.py", 1007, "cursor", "return self._db.cursor()", "self.")
    + frame(ODOO + "/sql_db.py", 784, "cursor",
            "return Cursor(self.__pool, self.__dbname, self.__dsn)", "Cursor")
    + frame(ODOO + "/sql_db.py", 288, "__init__", "self._cnx = pool.borrow(dsn)", "pool.")
    + frame("/usr/lib/python3/dist-packages/decorator.py", 232, "fun",
            "return caller(func, *(extras + args), **kw)", "caller")
    + frame(ODOO + "/tools/func.py", 97, "locked", "return func(inst, *args, **kwargs)", "func")
    + frame(ODOO + "/sql_db.py", 712, "borrow", "result = psycopg2.connect(", "psycopg2.")
    + frame("/usr/lib/python3/dist-packages/psycopg2/__init__.py", 122, "connect",
            "conn = _connect(dsn, connection_factory=connection_factory, **kwasync)",
            "_connect"))

TB_HEAD = "Traceback (most recent call last):\n"
TB_CHAIN = "\nDuring handling of the above exception, another exception occurred:\n\n"


def unknown_database(db, frames):
    """The psycopg2.OperationalError Odoo raises for a database that does not exist.

    frames: the traceback entries of the caller (authenticate or execute_kw),
    which lead to Registry(db).
    """
    message = ('connection to server at "127.0.0.1", port 5432 failed: FATAL:  '
               'database "%s" does not exist\n' % db)
    chained = TB_HEAD + UNKNOWN_DB_KEYERROR + "KeyError: %r\n" % db + TB_CHAIN
    return ServerError("psycopg2.OperationalError", message, frames + UNKNOWN_DB_CONNECT,
                       chained)


def exception_line(exc):
    """The last line of a traceback for exc, as Python formats it."""
    return traceback.format_exception_only(type(exc), exc)[-1]


def traceback_text(exc, legacy):
    """The faultString of a faultCode 1 fault: a full Python-looking traceback.

    exc: a ServerError, or any other exception (which then gets the generic
    frames of a method call).
    """
    entry = ENTRY_LEGACY if legacy else ENTRY_V2
    if isinstance(exc, ServerError):
        last = "%s: %s\n" % (exc.name, exc.message) if exc.message else exc.name + "\n"
        return exc.chained + TB_HEAD + entry + exc.frames + last
    return TB_HEAD + entry + DISPATCH_RPC + EXECUTE_KW + CALL_KW + exception_line(exc)


def fault_v2(exc):
    """(faultCode, faultString) for /xmlrpc/2, as rpc.xmlrpc_handle_exception_int."""
    if isinstance(exc, AccessError):
        return 4, str(exc)
    if isinstance(exc, AccessDenied):
        return 3, str(exc)
    if isinstance(exc, UserError):
        return 2, str(exc)
    return 1, traceback_text(exc, legacy=False)


def fault_legacy(exc):
    """(faultCode, faultString) for /xmlrpc, as rpc.xmlrpc_handle_exception_string."""
    if isinstance(exc, AccessDenied):
        return "AccessDenied", str(exc)
    if isinstance(exc, UserError):
        return "warning -- %s\n\n%s" % (exc.legacy_label, exc), ""
    message = exc.message if isinstance(exc, ServerError) else str(exc)
    return message, traceback_text(exc, legacy=True)
