"""orm.py: an in-memory stand-in for Odoo's ORM (records, search, read, write, create, unlink).

A model class names its Odoo model, the way it is ordered and displayed,
which fields it computes, and its relations; the field list itself comes from
the fields_get captures.  Rows hold stored values only: empty fields fall back
to Odoo's empty value of their type, computed ones are computed on read.  The
public methods keep Odoo 18's signatures, so that a client calling them with
unexpected arguments gets the TypeError Odoo would raise.
"""

import datetime
import math
import re
from collections.abc import Mapping

from . import domain as domains
from . import errors
from . import security
from .errors import AccessError, MissingError, ServerError, UserError, ValidationError

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"

# Columns the ORM maintains itself: a client cannot set them.
MAGIC_COLUMNS = ("id", "create_date", "create_uid", "write_date", "write_uid", "display_name")

_EMPTY = {"boolean": False, "integer": 0, "float": 0.0, "monetary": 0.0}
_LISTS = ("one2many", "many2many", "properties")

_ORDER_SPEC = re.compile(r"""
    ^
    (\s*
        (?P<term>((?P<field>[a-z0-9_]+|"[a-z0-9_]+")
                  (\.(?P<property>[a-z0-9_]+))?(:(?P<func>[a-z_]+))?))
        (\s+(?P<direction>desc|asc))?
        (\s+(?P<nulls>nulls\ first|nulls\ last))?
        \s*
        (,|$)
    )+
    (?<!,)
    $
""", re.IGNORECASE | re.VERBOSE)
_ORDER_TERM = re.compile(r'\s*"?(\w+)"?(?:\.\w+)?(?::\w+)?'
                         r'(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$', re.IGNORECASE)

NOT_NULL = ("The operation cannot be completed:\n"
            "- Create/update: a mandatory field is not set.\n"
            "- Delete: another model requires the record being deleted. If possible, archive it "
            "instead.\n\n"
            "Model: %s (%s)\n"
            "Field: %s (%s)\n")
FOREIGN_KEY = ("The operation cannot be completed: another model requires the record being "
               "deleted. If possible, archive it instead.\n\n"
               "Model: %s (%s)\n"
               "Constraint: %s\n")
CONSTRAINT = "The operation cannot be completed: %s"
MISSING = "Record does not exist or has been deleted.\n(Record: %s, User: %s)"


def api_model(method):
    """Mark a method that Odoo's call_kw calls without record ids (@api.model)."""
    method._api = "model"
    return method


def api_model_create(method):
    """Mark create(): called without ids, answers an id or a list of ids."""
    method._api = "model_create"
    return method


def now_text():
    """The current UTC time as Odoo stores datetimes."""
    return datetime.datetime.utcnow().strftime(DATETIME_FORMAT)


def float_round(value, digits):
    """Odoo's float_round(HALF-UP): round half away from zero, fixed for binary error."""
    if not value:
        return 0.0
    factor = 10.0 ** -digits
    normalized = value / factor
    epsilon = 2 ** (math.log2(abs(normalized)) - 52)
    rounded = round(normalized + math.copysign(epsilon, normalized))
    return rounded * factor


def decimal_round(value, digits):
    """float_round, then as PostgreSQL's numeric column gives it back (39.98, not
    39.980000000000004): what a client reads for monetary and fixed-digit fields."""
    return float("%.*f" % (digits, float_round(value, digits)))


def records_repr(model, ids):
    """How Odoo prints a recordset: res.partner(5,) or res.partner(5, 6)."""
    return "%s%r" % (model, tuple(ids))


def exc_name(exc):
    """An exception's class name as a traceback prints it (module-qualified if not builtin)."""
    cls = type(exc)
    if cls.__module__ in ("builtins", "__main__"):
        return cls.__qualname__
    return "%s.%s" % (cls.__module__, cls.__qualname__)


def with_frames(exc, frames):
    """exc as a ServerError whose traceback has frames in front of its own."""
    if isinstance(exc, ServerError):
        return ServerError(exc.name, exc.message, frames + exc.frames, exc.chained)
    return ServerError(exc_name(exc), str(exc), frames)


class Env:
    """One call's view of the data: user, context, and a cache dropped on every write."""

    def __init__(self, registry, store, uid, context=None):
        self.registry = registry
        self.store = store
        self.uid = uid
        self.context = dict(context or {})
        self.cache = {}
        self.getters = {}
        self.now = now_text()

    def invalidate(self):
        """Forget what was computed from the data: it just changed."""
        self.cache.clear()
        self.store.version += 1

    def __getitem__(self, model):
        return self.registry.models[model](self, ())

    def __contains__(self, model):
        return model in self.registry.models

    def get(self, model):
        """The empty recordset of model, or None when it is not simulated."""
        cls = self.registry.models.get(model)
        return cls(self, ()) if cls else None

    def with_context(self, context):
        """A copy of this environment with context merged in (same store and cache)."""
        env = Env(self.registry, self.store, self.uid, {**self.context, **context})
        env.cache = self.cache
        env.getters = self.getters
        env.now = self.now
        return env

    @property
    def user(self):
        """The row of the calling user (res.users)."""
        return self.store.tables["res.users"].get(self.uid)


class BaseModel:
    """What every simulated model shares; subclasses describe one Odoo model each."""

    _name = None
    _description = None
    _order = "id"
    _rec_name = "name"
    _rec_names_search = ("display_name",)
    _inherits = {}
    _parent_name = None
    _o2m = {}            # one2many field -> (comodel, inverse many2one)
    _ondelete = {}       # many2one field -> restrict | cascade | set null
    _defaults = {}       # field -> value, or method name to call with (vals)
    _digits = {}         # float field -> decimals it is rounded to on write
    # Delete the _inherits parents no child uses any more (product.product does,
    # in its unlink override; res.users keeps its partner).
    _unlink_orphan_parents = False
    _readonly_methods = ("search", "search_read", "search_count", "read", "name_search",
                         "fields_get", "web_search_read", "web_read", "check_access",
                         "check_access_rights", "has_access", "default_get", "exists", "has_group",
                         "has_groups", "context_get")

    # Filled by Registry for each class.
    _computes = {}
    _delegate = {}

    def __init__(self, env, ids=()):
        self.env = env
        self._ids = tuple(ids)

    # ---- plumbing ---------------------------------------------------------

    def __repr__(self):
        return records_repr(self._name, self._ids)

    def __iter__(self):
        return iter(self._ids)

    def __len__(self):
        return len(self._ids)

    @property
    def ids(self):
        """The record ids, as a list (Odoo's recordset.ids)."""
        return list(self._ids)

    @property
    def id(self):
        """The id of a single record, False for an empty recordset."""
        return self._ids[0] if self._ids else False

    @property
    def _schema(self):
        return self.env.registry.schemas[self._name]

    @property
    def _table(self):
        return self.env.store.tables[self._name]

    def _browse(self, ids):
        return type(self)(self.env, ids)

    def _field(self, fname):
        return self._schema.get(fname)

    def _fn(self, fname):
        """The name in the simulated version of the field Odoo 18 calls fname
        (Odoo 19 renamed sale.order.line tax_id to tax_ids, for one)."""
        return self.env.registry.renames.get((self._name, fname), fname)

    def _default_names(self):
        """(field name in this version, key of _defaults) for the defaults whose
        field this version has."""
        result = []
        for key in self._defaults:
            fname = self._fn(key)
            if fname in self._schema:
                result.append((fname, key))
        return result

    def _comodel(self, fname):
        relation = self._schema[fname].get("relation")
        return self.env.get(relation)

    def _all_ids(self):
        return sorted(self._table)

    def with_context(self, *args, **kwargs):
        """The same records in an environment whose context has the given keys."""
        context = dict(*args, **kwargs)
        return type(self)(self.env.with_context(context), self._ids)

    def _check_access(self, operation):
        """ir.model.access.check: AccessError if the calling user may not do operation
        on this model (odoo/addons/base/models/ir_model.py)."""
        security.check_model_access(self.env, self._name, self._description, operation)

    def _rule_predicate(self, operation):
        """A predicate rid -> bool from the user's record rules, or None if none applies."""
        domain = security.rule_domain(self.env, self._name, operation)
        if domain is None:
            return None
        return domains.compile_domain(self, domain, active_test=False)

    def _check_rules(self, operation):
        """The record rules on the existing records: ir.rule's AccessError for any
        record the user may not touch (records that do not exist are left to the
        caller, as in Odoo's _check_access)."""
        predicate = self._rule_predicate(operation)
        if predicate is None:
            return
        forbidden = [rid for rid in self._ids if rid in self._table and not predicate(rid)]
        if forbidden:
            raise security.rule_error(self.env, self._name, self._description, operation)

    def _check_field_access(self, fnames, operation):
        """Fields with groups= the user lacks: Odoo 18's _check_field_access error."""
        for fname in fnames:
            if not security.field_allowed(self.env, self._name, fname):
                raise security.field_error(self._name, self._description, fname, operation)

    def _field_allowed(self, fname):
        return security.field_allowed(self.env, self._name, fname)

    def _missing_error(self, ids):
        return MissingError(MISSING % (records_repr(self._name, ids), self.env.uid))

    def _check_exist(self):
        missing = [rid for rid in self._ids if rid not in self._table]
        if missing:
            raise self._missing_error(missing)

    # ---- values -----------------------------------------------------------

    def _empty(self, fname):
        ftype = self._schema[fname]["type"]
        if ftype in _LISTS:
            return []
        return _EMPTY.get(ftype, False)

    def _value(self, rid, fname):
        """A field's value for record rid: many2one as id or False, x2many as ids."""
        return self._getter(fname)(rid)

    def _getter(self, fname):
        """A function rid -> the value of fname, made once per call (searching and
        sorting call it for every record)."""
        key = (self._name, fname)
        getter = self.env.getters.get(key)
        if getter is None:
            getter = self.env.getters[key] = self._make_getter(fname)
        return getter

    def _make_getter(self, fname):
        if fname == "id":
            return lambda rid: rid
        compute = self._computes.get(fname)
        if compute is not None:
            return lambda rid: compute(self, rid)
        if fname in self._o2m:
            return lambda rid: self._o2m_ids(rid, fname)
        table = self._table
        delegate = self._delegate.get(fname)
        if delegate is not None:
            parent, link = delegate
            get = self.env[parent]._getter(fname)
            empty = self.env[parent]._empty(fname)

            def delegated(rid):
                parent_id = table[rid].get(link)
                if parent_id:
                    return get(parent_id)
                return list(empty) if isinstance(empty, list) else empty
            return delegated
        empty = self._empty(fname)
        if isinstance(empty, list):
            return lambda rid: list(table[rid].get(fname) or ())
        return lambda rid: table[rid].get(fname, empty)

    def _o2m_ids(self, rid, fname):
        """The ids of the records whose inverse many2one points to rid, in their order."""
        comodel_name, inverse = self._o2m[fname]
        key = ("o2m", comodel_name, inverse)
        index = self.env.cache.get(key)
        if index is None:
            comodel = self.env[comodel_name]
            index = {}
            active = comodel._getter("active") if comodel._field("active") else None
            get = comodel._getter(inverse)
            for child in comodel._all_sorted(comodel._order):
                parent = get(child)
                if parent and (active is None or active(child)):
                    index.setdefault(parent, []).append(child)
            self.env.cache[key] = index
        return list(index.get(rid, ()))

    def _compute_display_name(self, rid):
        name = self._value(rid, self._rec_name) if self._rec_name in self._schema else False
        return name or "%s,%s" % (self._name, rid)

    def _display(self, rid):
        """The display name of record rid (cached for the call)."""
        key = ("display", self._name, rid)
        name = self.env.cache.get(key)
        if name is None:
            name = self._value(rid, "display_name")
            self.env.cache[key] = name
        return name

    def _m2o_display(self, fname, target):
        comodel = self._comodel(fname)
        if comodel is not None:
            if target in comodel._table:
                return comodel._display(target)
            return "%s,%s" % (comodel._name, target)
        relation = self._schema[fname].get("relation")
        names = self.env.registry.stub_names.get(relation, {})
        return names.get(target, "%s,%s" % (relation, target))

    def _reader(self, fname, load):
        """A function rid -> the value of fname as read() answers it."""
        get = self._getter(fname)
        ftype = self._schema[fname]["type"]
        if ftype == "many2one":
            if load == "_classic_read":
                return lambda rid: [get(rid), self._m2o_display(fname, get(rid))] if get(rid) \
                    else False
            return lambda rid: get(rid) or False
        if ftype in _LISTS:
            return lambda rid: list(get(rid) or [])
        if ftype in ("float", "monetary"):
            return lambda rid: float(get(rid) or 0.0)
        if ftype == "integer":
            return lambda rid: int(get(rid) or 0)
        if ftype == "boolean":
            return lambda rid: bool(get(rid))
        return lambda rid: False if get(rid) is None else get(rid)

    def _read_format(self, fnames, load="_classic_read"):
        readers = [(fname, self._reader(fname, load)) for fname in fnames]
        result = []
        for rid in self._ids:
            vals = {"id": rid}
            for fname, reader in readers:
                vals[fname] = reader(rid)
            result.append(vals)
        return result

    def _fields_to_fetch(self, fields, frames):
        if not fields:
            return [f for f in self._schema if f != "id" and self._field_allowed(f)]
        for fname in fields:
            if fname not in self._schema:
                text = "Invalid field %r on %r" if self.env.registry.version >= 19 \
                    else "Invalid field %r on model %r"
                raise ServerError("ValueError", text % (fname, self._name),
                                  frames + errors.DETERMINE_FIELDS)
            self._check_field_access([fname], "read")
        return list(fields)

    # ---- searching --------------------------------------------------------

    def _search_ids(self, domain, active_test=True):
        """The ids domain selects, unordered checks aside (used by subsearches)."""
        active_test = active_test and self.env.context.get("active_test", True)
        predicate = domains.compile_domain(self, domain, active_test)
        return [rid for rid in self._all_ids() if predicate(rid)]

    def _search(self, domain, offset=0, limit=None, order=None, frames=""):
        """Odoo's _search: matching ids, ordered, sliced; errors carry frames in front."""
        prefix = frames + errors.SEARCH_OVERRIDES.get(self._name, "")
        # Odoo 18's _search starts with self.browse().check_access('read').
        self._check_access("read")
        try:
            active_test = self.env.context.get("active_test", True)
            predicate = domains.compile_domain(self, domain, active_test)
        except ServerError as exc:
            raise with_frames(exc, prefix + errors.WHERE_CALC) from None
        except (TypeError, ValueError, AttributeError, AssertionError, KeyError) as exc:
            raise with_frames(exc, prefix + errors.WHERE_CALC) from None
        try:
            if order:
                self._parse_order(order, check=True)
            ordered = self._all_sorted(order or self._order)
        except ServerError as exc:
            raise with_frames(exc, prefix) from None
        # Filtering the (stably) sorted records gives what sorting the matches would.
        rules = self._rule_predicate("read")
        if rules is None:
            ids = [rid for rid in ordered if predicate(rid)]
        else:
            ids = [rid for rid in ordered if predicate(rid) and rules(rid)]
        offset = offset or 0
        if offset < 0:
            raise ServerError("psycopg2.errors.InvalidRowCountInResultOffsetClause",
                              "OFFSET must not be negative\n", prefix)
        ids = ids[offset:]
        if limit:
            ids = ids[:limit]
        return ids

    def _name_ids(self, operator, value):
        if operator == "in":
            names = set(value)
            return [rid for rid in self._all_ids() if self._display(rid) in names]
        matcher = domains.text_matcher(operator, value)
        found = []
        for rid in self._all_ids():
            for fname in self._rec_names_search:
                text = self._display(rid) if fname == "display_name" else self._value(rid, fname)
                if text and matcher(str(text)):
                    found.append(rid)
                    break
        return found

    def _family(self, ids, up):
        """ids with all their descendants (up=False) or ancestors (up=True)."""
        parent = self._parent_name
        result = set(i for i in ids if i in self._table)
        if not parent:
            return result
        if up:
            todo = list(result)
            while todo:
                above = self._value(todo.pop(), parent)
                if above and above not in result:
                    result.add(above)
                    todo.append(above)
            return result
        grew = True
        while grew:
            grew = False
            for rid in self._all_ids():
                if rid not in result and self._value(rid, parent) in result:
                    result.add(rid)
                    grew = True
        return result

    # ---- ordering ---------------------------------------------------------

    def _parse_order(self, order, check):
        if check and not _ORDER_SPEC.match(order):
            raise UserError('Invalid "order" specified (%s). A valid "order" specification is a '
                            'comma-separated list of valid field names (optionally followed by '
                            'asc/desc for the direction)' % order)
        terms = []
        for part in order.split(","):
            match = _ORDER_TERM.match(part)
            if not match:
                continue
            fname, direction, nulls = match.groups()
            desc = (direction or "asc").lower() == "desc"
            nulls_last = (nulls.lower() == "last") if nulls else not desc
            if check:
                field = self._field(fname)
                if field is None:
                    raise ServerError("ValueError", "Invalid field %r on model %r"
                                      % (fname, self._name), errors.ORDER_FIELD)
                if not field.get("sortable", True):
                    raise ServerError("ValueError", "Cannot convert %s.%s to SQL because it is not "
                                      "stored" % (self._name, fname), errors.ORDER_NOT_STORED)
            terms.append((fname, desc, nulls_last))
        return terms

    def _all_sorted(self, order):
        """Every id of the model in this order; kept until the data changes."""
        store = self.env.store
        key = (self._name, order)
        cached = store.sort_cache.get(key)
        if cached is None or cached[0] != store.version:
            cached = store.sort_cache[key] = (store.version,
                                              self._sorted(self._all_ids(), order))
        return cached[1]

    def _sorted(self, ids, order, check=False):
        """ids ordered by an Odoo order spec (PostgreSQL NULL placement, C collation)."""
        ids = list(ids)
        for fname, desc, nulls_last in reversed(self._parse_order(order, check)):
            key = self._sort_key(fname)
            null_rank = (1 if nulls_last else -1) * (-1 if desc else 1)

            def full_key(rid, key=key, null_rank=null_rank):
                value = key(rid)
                return (null_rank, 0) if value is None else (0, value)
            ids.sort(key=full_key, reverse=desc)
        return ids

    def _sort_key(self, fname):
        """A function rid -> sortable value, None for NULL."""
        if fname == "id":
            return lambda rid: rid
        get = self._getter(fname)
        ftype = self._schema[fname]["type"]
        if ftype == "many2one":
            ranks = self._m2o_ranks(fname)
            return lambda rid: ranks.get(get(rid)) if get(rid) else None
        if ftype == "boolean":
            return lambda rid: bool(get(rid))
        if ftype in ("integer", "float", "monetary"):
            return lambda rid: get(rid) or 0
        if ftype in _LISTS:
            return lambda rid: None
        return lambda rid: None if get(rid) is False or get(rid) is None else get(rid)

    def _m2o_ranks(self, fname):
        """Position of each comodel record in the comodel's own order (PostgreSQL joins it)."""
        comodel = self._comodel(fname)
        if comodel is None:
            relation = self._schema[fname].get("relation")
            names = self.env.registry.stub_names.get(relation, {})
            return {rid: (name, rid) for rid, name in names.items()}
        key = ("ranks", comodel._name)
        ranks = self.env.cache.get(key)
        if ranks is None:
            self.env.cache[key] = {}          # a model ordered through itself
            ordered = comodel._all_sorted(comodel._order)
            ranks = {rid: i for i, rid in enumerate(ordered)}
            self.env.cache[key] = ranks
        return ranks

    # ---- writing ----------------------------------------------------------

    def _convert(self, fname, value, frames):
        """A client value as the field stores it (Odoo's convert_to_cache)."""
        field = self._schema[fname]
        ftype = field["type"]
        if ftype in ("char", "text", "html"):
            if value is False or value is None:
                return False
            return value if isinstance(value, str) else str(value)
        if ftype == "selection":
            keys = [key for key, _label in field.get("selection", [])]
            if value in keys:
                return value
            if not value:
                return False
            raise ServerError("ValueError", "Wrong value for %s.%s: %r"
                              % (self._name, fname, value), frames + errors.SELECTION_VALUE)
        if ftype == "boolean":
            return bool(value)
        if ftype == "integer":
            return int(value or 0)
        if ftype in ("float", "monetary"):
            value = float(value or 0.0)
            if ftype == "monetary":
                return decimal_round(value, 2)
            digits = self._digits.get(fname)
            return decimal_round(value, digits) if digits is not None else value
        if ftype == "many2one":
            if type(value) is int:
                return value or False
            if isinstance(value, tuple) and value:
                return value[0]
            return False
        if ftype == "date":
            return _to_date(value)
        if ftype == "datetime":
            return _to_datetime(value)
        return value

    def _check_fields(self, vals, create):
        """Odoo's check of the keys of vals (create and write word it differently)."""
        for fname in vals:
            if fname not in self._schema:
                if create:
                    raise ServerError("ValueError", "Invalid field %r in %r" % (fname, self._name),
                                      errors.CREATE_FIELD)
                raise ServerError("ValueError", "Invalid field %r on model %r"
                                  % (fname, self._name),
                                  errors.WRITE_OVERRIDES.get(self._name, "") + errors.WRITE_FIELD)

    def _split_vals(self, vals, frames):
        """Sort vals out: own stored values, values per _inherits parent, x2many
        commands, and values of computed fields that have an inverse."""
        own, parents, x2many, inverses = {}, {}, {}, {}
        for fname, value in vals.items():
            if fname in MAGIC_COLUMNS:
                continue
            if fname in self._computes:
                if hasattr(self, "_inverse_" + fname):
                    inverses[fname] = value
                continue
            if fname in self._delegate:
                parent, _link = self._delegate[fname]
                parents.setdefault(parent, {})[fname] = value
                continue
            field = self._schema[fname]
            if field["type"] in ("one2many", "many2many"):
                x2many[fname] = value
            elif field.get("store", True):
                own[fname] = self._convert(fname, value, frames)
        return own, parents, x2many, inverses

    def _next_id(self):
        store = self.env.store
        rid = store.next_id[self._name]
        store.next_id[self._name] = rid + 1
        return rid

    def _default(self, fname, vals):
        default = self._defaults[fname]
        if isinstance(default, str) and default.startswith("_default_"):
            return getattr(self, default)(vals)
        return list(default) if isinstance(default, list) else default

    def _fk_check(self, row):
        for fname, value in row.items():
            field = self._schema.get(fname)
            if not field or field["type"] != "many2one" or not value or fname in MAGIC_COLUMNS:
                continue
            comodel = self._comodel(fname)
            if comodel is not None and value not in comodel._table:
                raise ValidationError(FOREIGN_KEY % (self._description, self._name,
                                                     self._constraint(fname)))

    def _constraint(self, fname):
        return "%s_%s_fkey" % (self._name.replace(".", "_"), fname)

    def _not_null_check(self, row):
        for fname, field in self._schema.items():
            if not field.get("required") or not field.get("store", True):
                continue
            if fname in self._computes or fname in self._o2m or fname in self._delegate:
                continue
            if field["type"] in _LISTS or field["type"] == "boolean":
                continue
            value = row.get(fname, False)
            if value is False or value is None:
                raise ValidationError(NOT_NULL % (self._description, self._name, field["string"],
                                                  fname))

    def _insert(self, vals, rid=None, stamps=None):
        """Create one record from vals without access checks; returns its id.

        rid and stamps (create/write date and uid) are for the demo data only.
        """
        vals = dict(vals)
        self._check_fields(vals, create=True)
        vals = self._prepare_create(vals)
        for fname, key in self._default_names():
            if fname not in vals:
                vals[fname] = self._default(key, vals)
        own, parents, x2many, inverses = self._split_vals(vals, errors.CREATE_VALUE)
        for parent, link in self._inherits.items():
            if not own.get(link):
                own[link] = self.env[parent]._insert(parents.get(parent, {}), stamps=stamps)
            elif parents.get(parent):
                self.env[parent]._browse([own[link]])._update(parents[parent])
        rid = rid or self._next_id()
        stamps = stamps or {}
        row = {"create_date": stamps.get("create_date", self.env.now),
               "write_date": stamps.get("write_date", self.env.now),
               "create_uid": stamps.get("create_uid", self.env.uid),
               "write_uid": stamps.get("write_uid", self.env.uid)}
        row.update(own)
        self._not_null_check(row)
        self._fk_check(row)
        self._check_row(rid, row)
        self._table[rid] = row
        self.env.invalidate()
        record = self._browse([rid])
        for fname, value in inverses.items():
            getattr(record, "_inverse_" + fname)(rid, value)
        for fname, commands in x2many.items():
            record._write_x2many(fname, commands)
        record._after_write(vals, created=True)
        return rid

    def _update(self, vals):
        """Write vals on these records without access checks."""
        vals = dict(vals)
        frames = errors.WRITE_OVERRIDES.get(self._name, "") + errors.WRITE_VALUE
        self._before_write(vals)
        own, parents, x2many, inverses = self._split_vals(vals, frames)
        for rid in self._ids:
            row = self._table[rid]
            new = dict(row)
            new.update(own)
            new["write_date"] = self.env.now
            new["write_uid"] = self.env.uid
            self._not_null_check(new)
            self._fk_check(own)
            self._check_row(rid, new)
            self._table[rid] = new
            for parent, link in self._inherits.items():
                if parents.get(parent) and new.get(link):
                    self.env[parent]._browse([new[link]])._update(parents[parent])
        self.env.invalidate()
        for rid in self._ids:
            for fname, value in inverses.items():
                getattr(self, "_inverse_" + fname)(rid, value)
            for fname, commands in x2many.items():
                self._browse([rid])._write_x2many(fname, commands)
        self._after_write(vals, created=False)
        return True

    def _write_x2many(self, fname, commands):
        """Apply Odoo's x2many commands (0..6, or bare ids) to this one record."""
        field = self._schema[fname]
        if commands is False or commands is None:
            commands = [(5, 0, 0)]
        rid = self._ids[0]
        comodel = self._comodel(fname)
        for command in commands:
            if isinstance(command, int):
                command = (4, command)
            code = command[0]
            if field["type"] == "one2many":
                self._o2m_command(fname, comodel, rid, code, command)
            else:
                self._m2m_command(fname, comodel, rid, code, command)
        self.env.invalidate()

    def _o2m_command(self, fname, comodel, rid, code, command):
        _comodel_name, inverse = self._o2m[fname]
        if code == 0:
            comodel._insert({**command[2], inverse: rid})
        elif code == 1:
            comodel._browse([command[1]])._check_exist()
            comodel._browse([command[1]])._update(command[2])
        elif code == 2:
            comodel._browse([command[1]])._unlink_checked()
        elif code in (3, 5, 6):
            current = self._o2m_ids(rid, fname)
            if code == 3:
                comodel._browse([command[1]])._check_exist()
            keep = [int(i) for i in command[2]] if code == 6 else []
            drop = [command[1]] if code == 3 else [i for i in current if i not in keep]
            if comodel._ondelete_of(inverse) == "cascade":
                comodel._browse(drop)._unlink_checked()
            else:
                comodel._browse(drop)._update({inverse: False})
            for line in keep:
                comodel._browse([line])._check_exist()
                comodel._browse([line])._update({inverse: rid})
        elif code == 4:
            comodel._browse([command[1]])._check_exist()
            comodel._browse([command[1]])._update({inverse: rid})
        else:
            raise ServerError("ValueError", "Invalid command %r for field %s.%s"
                              % (list(command), self._name, fname))

    def _m2m_command(self, fname, comodel, rid, code, command):
        current = self._value(rid, fname)
        if code in (0, 1, 2) and comodel is None:
            raise ServerError("ValueError", "odoo-sim does not simulate %s: cannot %s records "
                              "through %s.%s" % (self._schema[fname]["relation"],
                                                 "create" if code == 0 else "change",
                                                 self._name, fname))
        if code == 0:
            current = current + [comodel._insert(command[2])]
        elif code == 1:
            comodel._browse([command[1]])._update(command[2])
        elif code == 2:
            comodel._browse([command[1]])._unlink_checked()
            current = [i for i in current if i != command[1]]
        elif code == 3:
            current = [i for i in current if i != command[1]]
        elif code == 4:
            if command[1] not in current:
                current = current + [int(command[1])]
        elif code == 5:
            current = []
        elif code == 6:
            current = [int(i) for i in command[2]]
        else:
            raise ServerError("ValueError", "Invalid command %r for field %s.%s"
                              % (list(command), self._name, fname))
        if comodel is not None:
            missing = [i for i in current if i not in comodel._table]
            if missing:
                raise ValidationError(FOREIGN_KEY % (self._description, self._name,
                                                     "%s_%s_fkey" % (self._name.replace(".", "_"),
                                                                     fname)))
        row = dict(self._table[rid])
        row[fname] = current
        self._table[rid] = row

    def _ondelete_of(self, fname):
        if fname in self._ondelete:
            return self._ondelete[fname]
        return "restrict" if self._schema[fname].get("required") else "set null"

    def _unlink_checked(self):
        """unlink() without the access check: model rules, then references, then delete."""
        self._check_exist()
        self._before_unlink()
        self._delete()

    def _delete(self):
        ids = set(self._ids)
        if not ids:
            return
        for model_name in self.env.registry.models:
            model = self.env[model_name]
            for fname, field in model._schema.items():
                if field["type"] not in ("many2one", "many2many") or \
                        field.get("relation") != self._name or not field.get("store", True) or \
                        fname in model._computes or fname in model._delegate:
                    continue
                model._drop_references(fname, ids, self)
        for rid in ids:
            self._table.pop(rid, None)
        if self._unlink_orphan_parents:
            for parent, link in self._inherits.items():
                self.env[parent]._drop_orphans(link, self._name)
        self.env.invalidate()

    def _drop_references(self, fname, ids, target):
        """Apply fname's ondelete to the rows pointing to ids (which target deletes)."""
        table = self._table
        deleting = ids if self._name == target._name else ()
        if self._schema[fname]["type"] == "many2many":
            for rid, row in list(table.items()):
                if any(i in ids for i in row.get(fname) or ()):
                    table[rid] = {**row, fname: [i for i in row[fname] if i not in ids]}
            return
        referencing = [rid for rid, row in table.items()
                       if row.get(fname) in ids and rid not in deleting]
        if not referencing:
            return
        ondelete = self._ondelete_of(fname)
        if ondelete == "restrict":
            raise ValidationError(FOREIGN_KEY % (self._description, self._name,
                                                 self._constraint(fname)))
        if ondelete == "cascade":
            self._browse(referencing)._delete()
        else:
            for rid in referencing:
                table[rid] = {**table[rid], fname: False}

    def _drop_orphans(self, link, child_model):
        """Delete parent records (of _inherits) no longer used by any child."""
        used = {row.get(link) for row in self.env.store.tables[child_model].values()}
        orphans = [rid for rid in self._table if rid not in used]
        if orphans:
            self._browse(orphans)._delete()

    # ---- hooks for subclasses ---------------------------------------------

    def _prepare_create(self, vals):
        """Adjust vals before a create (sequences, context defaults); returns vals."""
        return vals

    def _before_write(self, vals):
        """Refuse a write the model forbids (raise), before anything changes."""

    def _after_write(self, vals, created):
        """React to a create or write (recompute what depends on it)."""

    def _check_row(self, rid, row):
        """Model constraints (SQL and Python) on a row about to be stored."""

    def _before_unlink(self):
        """Refuse an unlink the model forbids (Odoo's @api.ondelete methods)."""

    # ---- the methods clients call -----------------------------------------

    @api_model
    def search(self, domain, offset=0, limit=None, order=None):
        """Ids of the matching records (Odoo 18 returns a recordset; RPC sees ids)."""
        return self._browse(self._search(domain, offset, limit, order, errors.SEARCH_FRAMES))

    @api_model
    def search_count(self, domain, limit=None):
        """How many records match, at most limit."""
        ids = self._search(domain, frames=errors.SEARCH_COUNT_FRAMES)
        return min(len(ids), limit) if limit else len(ids)

    @api_model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None,
                    **read_kwargs):
        """search() then read(fields); extra keyword arguments go to _read_format."""
        ids = self._search(domain or [], offset, limit, order, errors.SEARCH_READ_SEARCH)
        fnames = self._fields_to_fetch(fields, errors.SEARCH_READ_FETCH)
        unexpected = [key for key in read_kwargs if key != "load"]
        if unexpected:
            raise ServerError("TypeError", "BaseModel._read_format() got an unexpected keyword "
                              "argument %r" % unexpected[0], errors.SEARCH_READ_FORMAT)
        return self._browse(ids)._read_format(fnames=fnames, **read_kwargs)

    def read(self, fields=None, load="_classic_read"):
        """The values of fields for the records that exist (missing ids are dropped);
        AccessError for records the record rules hide."""
        self._check_access("read")
        fnames = self._fields_to_fetch(fields, errors.READ_FETCH)
        self._check_rules("read")
        existing = [rid for rid in self._ids if rid in self._table]
        return self._browse(existing)._read_format(fnames, load)

    @api_model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """[(id, display_name)] of the records whose name matches."""
        domain = list(args or [])
        if not (name == "" and operator in ("like", "ilike")):
            leaves = [(fname, operator, name) for fname in self._rec_names_search]
            joiner = "&" if operator in domains.NEGATIVE else "|"
            domain = domain + [joiner] * (len(leaves) - 1) + leaves
        ids = self._search(domain, limit=limit, frames=errors.SEARCH_FRAMES)
        return [(rid, self._display(rid)) for rid in ids]

    @api_model
    def fields_get(self, allfields=None, attributes=None):
        """The captured field descriptions, limited to allfields and attributes if given."""
        result = {}
        for fname, description in self._schema.items():
            if allfields and fname not in allfields:
                continue
            if not self._field_allowed(fname):
                continue
            if attributes:
                description = {k: v for k, v in description.items() if k in attributes}
            result[fname] = dict(description)
        return result

    @api_model
    def default_get(self, fields):
        """Default values of the given fields (those that have one); Odoo 18+ names the parameter fields.
        As Odoo's, it falls back on the _inherits parents' defaults for their fields (a product's
        category, type and unit come from product.template's)."""
        result = {}
        keys = dict(self._default_names())
        for fname in fields:
            if fname in keys:
                value = self._default(keys[fname], {})
                if value is not False:
                    result[fname] = value
        rest = [f for f in fields if f not in result and f not in keys]
        for parent in self._inherits:
            if rest:
                result.update(self.env[parent].default_get([f for f in rest if f in self.env[parent]._schema]))
        return result

    @api_model_create
    def create(self, vals_list):
        """Create one record (vals) or several (a list); RPC answers an id or ids."""
        self._check_access("create")
        if isinstance(vals_list, Mapping):
            vals_list = [vals_list]
        for vals in vals_list:
            if isinstance(vals, Mapping):
                self._check_field_access([f for f in vals if f in self._schema], "write")
        records = self._browse([self._insert(vals) for vals in vals_list])
        records._check_rules("create")
        return records

    def write(self, vals):
        """Update the records with vals; MissingError if one does not exist."""
        self._check_access("write")
        self._check_rules("write")
        self._check_exist()
        self._check_fields(vals, create=False)
        self._check_field_access(list(vals), "write")
        return self._update(vals)

    def unlink(self):
        """Delete the records, unless the model or a reference to them forbids it."""
        self._check_access("unlink")
        self._check_rules("unlink")
        self._unlink_checked()
        return True

    def exists(self):
        """The records that still exist."""
        return self._browse([rid for rid in self._ids if rid in self._table])

    def check_access(self, operation):
        """Raise if operation is not allowed; returns None (which XML-RPC cannot marshal)."""
        self._check_access(operation)
        self._check_rules(operation)
        self._check_exist()

    def has_access(self, operation):
        """Odoo 18+ (orm/models.py): whether the user may do operation on all of
        these records; on an empty recordset, on the model.  Odoo 19 drops
        check_access_rights for it."""
        try:
            self._check_access(operation)
            self._check_rules(operation)
        except AccessError:
            return False
        return True

    @api_model
    def check_access_rights(self, operation, raise_exception=True):
        """True if the user may do operation on the model (AccessError if not and asked to)."""
        try:
            self._check_access(operation)
        except AccessError:
            if raise_exception:
                raise
            return False
        return True

    @api_model
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None,
                        count_limit=None):
        """search + web_read, with the total count Odoo's web client pages with."""
        ids = self._search(domain, offset, limit, order, errors.SEARCH_FRAMES)
        self._fields_to_fetch(list(specification), errors.SEARCH_READ_FETCH)
        records = self._browse(ids).web_read(specification)
        if not records:
            return {"length": 0, "records": []}
        current = len(records) + offset
        limit_reached = len(records) == limit
        count_limit_reached = count_limit and count_limit <= current
        if limit and ((limit_reached and not count_limit_reached)
                      or self.env.context.get("force_search_count")):
            length = self.search_count(domain, limit=count_limit)
        else:
            length = current
        return {"length": length, "records": records}

    def web_read(self, specification):
        """read() shaped by a specification: relational fields nested as asked."""
        fnames = list(specification) or ["id"]
        if fnames == ["id"]:
            values_list = [{"id": rid} for rid in self._ids]
        else:
            values_list = self.read(fnames, load=None)
        for fname, spec in specification.items():
            ftype = self._schema[fname]["type"]
            if ftype == "many2one" and "fields" in spec:
                self._web_read_many2one(values_list, fname, spec)
            elif ftype in ("one2many", "many2many") and spec and "fields" in spec:
                comodel = self._comodel(fname)
                wanted = [i for vals in values_list for i in vals[fname][:spec.get("limit")]]
                if comodel is None:
                    data = {i: self._stub_record(fname, i, spec["fields"]) for i in wanted}
                else:
                    read = comodel._browse(wanted).web_read(spec["fields"])
                    data = {vals["id"]: vals for vals in read}
                for vals in values_list:
                    vals[fname] = [data.get(i) or {"id": i} for i in vals[fname]]
        return values_list

    def _stub_record(self, fname, rid, fields):
        """web_read of a record of a model the simulator does not hold: its name
        (and display_name) from the stub names, a few known extra values, False
        for the rest."""
        relation = self._schema[fname].get("relation")
        extra = self.env.registry.stub_fields.get(relation, {}).get(rid, {})
        record = {"id": rid}
        for key in fields:
            if key in ("name", "display_name"):
                record[key] = self._m2o_display(fname, rid) if self._schema[fname]["type"] == \
                    "many2one" else self.env.registry.stub_names.get(relation, {}).get(
                        rid, "%s,%s" % (relation, rid))
            else:
                record[key] = extra.get(key, False)
        return record

    def _web_read_many2one(self, values_list, fname, spec):
        comodel = self._comodel(fname)
        targets = sorted({vals[fname] for vals in values_list if vals[fname]})
        extra = {k: v for k, v in spec["fields"].items() if k != "display_name"}
        if comodel is not None:
            data = {vals["id"]: vals for vals in comodel._browse(targets).web_read(extra)}
        else:
            data = {rid: self._stub_record(fname, rid, extra) for rid in targets}
        if "display_name" in spec["fields"]:
            for rid in targets:
                data[rid]["display_name"] = self._m2o_display(fname, rid)
        for vals in values_list:
            if vals[fname] is not False:
                target = data[vals[fname]]
                vals[fname] = target["id"] if target == {"id": target["id"]} else target


def _to_date(value):
    """Odoo's Date.to_date, stored as text."""
    if not value:
        return False
    if isinstance(value, datetime.date):          # datetime.datetime too
        return value.strftime(DATE_FORMAT)
    return datetime.datetime.strptime(value[:10], DATE_FORMAT).strftime(DATE_FORMAT)


def _to_datetime(value):
    """Odoo's Datetime.to_datetime, stored as text."""
    if not value:
        return False
    if isinstance(value, datetime.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT) + " 00:00:00"
    value = value[:19]
    if len(value) == 10:
        value += " 00:00:00"
    return datetime.datetime.strptime(value, DATETIME_FORMAT).strftime(DATETIME_FORMAT)


class Registry:
    """The simulated models with their captured schemas, and display names of stub models."""

    def __init__(self, model_classes, schemas, stub_names, version=18, renames=None,
                 stub_fields=None):
        self.models = {}
        self.schemas = {}
        self.stub_names = stub_names
        # Extra values of stub records a web_read specification may ask for:
        # relation -> id -> {field: value}.
        self.stub_fields = stub_fields or {}
        # The Odoo major version simulated (17, 18 or 19), and the fields it
        # renamed: (model, name in Odoo 18) -> its name in this version.
        self.version = version
        self.renames = renames or {}
        for cls in model_classes:
            self.models[cls._name] = cls
            self.schemas[cls._name] = schemas[cls._name]
        for cls in model_classes:
            self._prepare(cls)

    def _prepare(self, cls):
        schema = self.schemas[cls._name]
        computes = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                if attr.startswith("_compute_") and callable(value):
                    fname = attr[len("_compute_"):]
                    if fname in schema:
                        computes[fname] = value
        cls._computes = computes
        delegate = {}
        for parent, link in cls._inherits.items():
            parent_schema = self.schemas[parent]
            for fname in parent_schema:
                own = schema.get(fname)
                if own is None or own.get("store", True) or fname in computes:
                    continue
                if fname in ("id", "display_name"):
                    continue
                delegate[fname] = (parent, link)
        cls._delegate = delegate
