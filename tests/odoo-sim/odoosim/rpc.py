"""rpc.py: XML-RPC bodies in and out, as Odoo 18's controllers/rpc.py reads and writes them.

handle() takes the raw POST body of /xmlrpc[/2]/<service> and gives the
response body: the result marshalled without <nil/> (None is a fault),
datetimes as strings, or a fault with integer codes (/xmlrpc/2) or string
codes (legacy /xmlrpc).
"""

import datetime
import traceback
import xmlrpc.client

from . import errors
from .errors import AccessDenied, ServerError, UserError
from .orm import exc_name


class OdooMarshaller(xmlrpc.client.Marshaller):
    """xmlrpc.client's Marshaller with Odoo's changes: dates as strings, no None."""

    dispatch = dict(xmlrpc.client.Marshaller.dispatch)

    def dump_datetime(self, value, write):
        self.dump_unicode(value.strftime("%Y-%m-%d %H:%M:%S"), write)
    dispatch[datetime.datetime] = dump_datetime

    def dump_date(self, value, write):
        self.dump_unicode(value.strftime("%Y-%m-%d"), write)
    dispatch[datetime.date] = dump_date


def dumps(params):
    """A methodResponse body for (result,) or a Fault, byte for byte as Odoo writes it."""
    response = OdooMarshaller(allow_none=False).dumps(params)
    return ('<?xml version="1.0"?>\n<methodResponse>\n%s\n</methodResponse>\n'
            % response).encode("utf-8")


def fault_body(exc, legacy):
    """The fault response for an exception raised while handling a call."""
    code, text = errors.fault_legacy(exc) if legacy else errors.fault_v2(exc)
    return dumps(xmlrpc.client.Fault(code, text))


def parse(body):
    """(params, method) of a methodCall body; ServerError as Odoo reports a bad body."""
    try:
        return xmlrpc.client.loads(body, use_datetime=True)
    except Exception as exc:
        frames = errors.LOADS_CLOSE if str(exc).startswith("no element found") \
            else errors.LOADS_FEED
        raise ServerError(exc_name(exc), str(exc), frames) from None


def call(database, service, method, params):
    """Dispatch one call to a service of database; exceptions as Odoo would see them."""
    try:
        if service == "common":
            return database.common(method, params)
        if service == "object":
            return database.object(method, params)
        if service == "db":
            return database.db(method, params)
    except (UserError, AccessDenied, ServerError):
        raise
    except Exception as exc:
        raise ServerError(exc_name(exc), str(exc), errors.DISPATCH_RPC) from exc
    raise ServerError("KeyError", repr(service), errors.UNKNOWN_SERVICE)


def handle(database, service, body, legacy, on_call=None, log=None):
    """The response body for a POSTed XML-RPC body.

    on_call(service, method, params) is told about every call that parsed,
    before it runs (the simulator counts calls with it); log(text), if given,
    gets the real Python traceback behind each faultCode 1.  Returns (body,
    fault code or None).
    """
    try:
        try:
            params, method = parse(body)
        except ServerError:
            if on_call is not None:
                on_call(service, None, ())
            raise
        if on_call is not None:
            on_call(service, method, params)
        result = call(database, service, method, params)
    except (UserError, AccessDenied, ServerError) as exc:
        if log is not None and exc.__cause__ is not None:
            log("odoo-sim: faultCode 1 from:\n" + "".join(
                traceback.format_exception(exc.__cause__)))
        return fault_body(exc, legacy), _code(exc)
    try:
        return dumps((result,)), None
    except Exception as exc:
        frames = errors.MARSHAL_NONE if "cannot marshal None" in str(exc) else errors.MARSHAL
        return fault_body(ServerError(exc_name(exc), str(exc), frames), legacy), 1


def _code(exc):
    if isinstance(exc, errors.AccessError):
        return 4
    if isinstance(exc, AccessDenied):
        return 3
    return 2 if isinstance(exc, UserError) else 1
