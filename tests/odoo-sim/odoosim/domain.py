"""domain.py: Odoo's domain language (prefix &, |, ! over leaves), checked and evaluated in memory.

The checks run in the order of Odoo 18's odoo/osv/expression.py, so that a
domain with several problems fails on the same one as in Odoo: syntax
(normalize_domain), then unknown fields (_anyfy_leaves), then operators
(check_leaf).  Errors are ServerError with the expression.py frames only; the
caller puts the frames of the method (search_read, search_count, ...) in front.

The model passed around is anything with the small interface documented in
compile_domain().
"""

import re

from . import errors
from .errors import ServerError

AND, OR, NOT = "&", "|", "!"
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
TERM_OPERATORS = ("=", "!=", "<=", "<", ">", ">=", "=?", "=like", "=ilike", "like", "not like",
                  "ilike", "not ilike", "in", "not in", "child_of", "parent_of", "any", "not any")
INTERNAL_OPS = TERM_OPERATORS + ("<>",)
NEGATIVE = {"!=": "=", "not like": "like", "not ilike": "ilike", "not in": "in", "not any": "any"}
LIKE_OPS = ("like", "ilike", "=like", "=ilike")

# Relational comodels the simulator does not hold: searching through them
# would silently answer wrong, so it fails loudly instead.
_STUB_ERROR = "odoo-sim does not simulate %s: cannot search through %s.%s"


def is_operator(token):
    """True for the prefix operators '&', '|' and '!'."""
    return token in (AND, OR, NOT)


def normalize_domain(domain):
    """Odoo's normalize_domain: the prefix form with the implicit '&' made explicit."""
    assert isinstance(domain, (list, tuple)), \
        "Domains to normalize must have a 'domain' form: a list or tuple of domain components"
    if not domain:
        return [TRUE_LEAF]
    result = []
    expected = 1
    arity = {NOT: 1, AND: 2, OR: 2}
    for token in domain:
        if expected == 0:
            result[0:0] = [AND]
            expected = 1
        if isinstance(token, (list, tuple)):
            expected -= 1
            if len(token) == 3 and token[1] in ("any", "not any"):
                token = (token[0], token[1], normalize_domain(token[2]))
            else:
                token = tuple(token)
        else:
            expected += arity.get(token, 0) - 1
        result.append(token)
    if expected:
        raise ServerError("ValueError", "Domain %s is syntactically not correct." % (domain,),
                          errors.DOMAIN_SYNTAX)
    return result


def is_leaf(element):
    """Odoo's is_leaf(): a 3-item term whose operator is known (case-sensitive)."""
    return (isinstance(element, (list, tuple)) and len(element) == 3
            and element[1] in INTERNAL_OPS
            and ((isinstance(element[0], str) and element[0])
                 or tuple(element) in (TRUE_LEAF, FALSE_LEAF)))


def normalize_leaf(element):
    """Odoo's normalize_leaf(): '<>' is '!=', '='/'!=' with a list is 'in'/'not in'."""
    if not is_leaf(element):
        return element
    left, operator, right = element
    operator = operator.lower()
    if operator == "<>":
        operator = "!="
    if isinstance(right, bool) and operator in ("in", "not in"):
        operator = "=" if operator == "in" else "!="
    if isinstance(right, (list, tuple)) and operator in ("=", "!="):
        operator = "in" if operator == "=" else "not in"
    return left, operator, right


def _anyfy(domain, model):
    """Odoo's _anyfy_leaves(): unknown fields fail here, dotted paths become 'any'."""
    result = []
    for item in domain:
        if is_operator(item):
            result.append(item)
            continue
        left, operator, right = item = tuple(item)
        if item in (TRUE_LEAF, FALSE_LEAF):
            result.append(item)
            continue
        path = left.split(".", 1)
        field = model._field(path[0])
        if field is None:
            raise ServerError("ValueError", "Invalid field %s.%s in %s %s"
                              % (model._name, path[0], _leaf_word(model), item),
                              errors.DOMAIN_FIELD)
        relational = field["type"] in ("many2one", "one2many", "many2many")
        if len(path) > 1 and relational:
            comodel = _comodel(model, path[0])
            result.append((path[0], "any", _anyfy([(path[1], operator, right)], comodel)))
        elif operator in ("any", "not any") and relational:
            comodel = _comodel(model, path[0])
            result.append((left, operator, _anyfy(normalize_domain(right), comodel)))
        else:
            result.append(item)
    return result


def _leaf_word(model):
    """Odoo 19 (odoo/orm/domains.py) says "condition" where Odoo 18 said "leaf"."""
    return "condition" if model.env.registry.version >= 19 else "leaf"


def _invalid_leaf(model, leaf):
    """Odoo 18's "Invalid leaf (...)", Odoo 19's "Invalid operator in condition (...)"."""
    if model.env.registry.version >= 19:
        return ServerError("ValueError", "Invalid operator in condition %s" % str(tuple(leaf)),
                           errors.DOMAIN_LEAF)
    return ServerError("ValueError", "Invalid leaf %s" % str(leaf), errors.DOMAIN_LEAF)


def _comodel(model, fname):
    comodel = model._comodel(fname)
    if comodel is None:
        raise ServerError("ValueError", _STUB_ERROR % (model._field(fname).get("relation"),
                                                        model._name, fname))
    return comodel


def compile_domain(model, domain, active_test=True):
    """A predicate rid -> bool for the records of model that domain selects.

    model must offer: _name; _field(name) -> fields_get attributes or None;
    _comodel(name) -> the comodel of a relational field (None when not
    simulated); _value(rid, name) -> the stored or computed value (many2one
    as an id or False, x2many as a list of ids); _search_ids(domain,
    active_test) -> ids; _name_ids(operator, value) -> ids whose display name
    matches; _family(ids, up) -> ids with their descendants (or ancestors).
    Raises ServerError as Odoo does for a bad domain.
    """
    if active_test and model._field("active") is not None:
        if not any(item[0] == "active" for item in domain):
            domain = [("active", "=", 1)] + list(domain)
    tokens = _anyfy(normalize_domain(domain), model)
    for token in tokens:
        if not is_operator(token):
            leaf = normalize_leaf(token)
            if not is_leaf(leaf):
                raise _invalid_leaf(model, leaf)
    tree, rest = _parse(tokens)
    assert not rest
    return _build(model, tree)


def _parse(tokens):
    head, rest = tokens[0], tokens[1:]
    if head == NOT:
        sub, rest = _parse(rest)
        return (NOT, sub), rest
    if head in (AND, OR):
        left, rest = _parse(rest)
        right, rest = _parse(rest)
        return (head, left, right), rest
    return ("leaf", normalize_leaf(head)), rest


def _build(model, node):
    kind = node[0]
    if kind == NOT:
        sub = _build(model, node[1])
        return lambda rid: not sub(rid)
    if kind == AND:
        left, right = _build(model, node[1]), _build(model, node[2])
        return lambda rid: left(rid) and right(rid)
    if kind == OR:
        left, right = _build(model, node[1]), _build(model, node[2])
        return lambda rid: left(rid) or right(rid)
    return _leaf(model, *node[1])


def _null(value):
    return value is False or value is None


def like_regex(pattern, ignore_case):
    """A compiled regex that matches what SQL LIKE matches with pattern ('%', '_', '\\')."""
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    return re.compile("".join(out), re.S | (re.I if ignore_case else 0))


def text_matcher(operator, right):
    """A predicate str -> bool for a positive text operator (=, like, ilike, =like, =ilike)."""
    if operator == "=":
        return lambda text: text == right
    pattern = str(right)
    if operator in ("like", "ilike"):
        pattern = "%" + pattern + "%"
    regex = like_regex(pattern, operator in ("ilike", "=ilike"))
    return lambda text: regex.fullmatch(text) is not None


def _leaf(model, left, operator, right):
    if (left, operator, right) == TRUE_LEAF:
        return lambda rid: True
    if (left, operator, right) == FALSE_LEAF:
        return lambda rid: False
    field = model._field(left)
    if not field.get("searchable", True):
        # Odoo logs "Non-stored field ... cannot be searched." and ignores the leaf.
        return lambda rid: True
    if operator == "=?":
        if right is False or right is None:
            return lambda rid: True
        operator = "="
    ftype = field["type"]
    if operator in ("any", "not any"):
        ids = set(model._comodel(left)._search_ids(right, active_test=ftype != "many2one"))
        return _negate(operator in NEGATIVE, _relational_in(model, left, ftype, ids))
    if ftype in ("many2one", "one2many", "many2many") or left == "id":
        return _relational(model, left, ftype, operator, right)
    return _scalar(model, left, ftype, operator, right)


def _negate(negative, predicate):
    if negative:
        return lambda rid: not predicate(rid)
    return predicate


def _relational_in(model, left, ftype, ids):
    """Records whose relational value (or id) is one of ids."""
    if left == "id":
        return lambda rid: rid in ids
    get = model._getter(left)
    if ftype == "many2one":
        return lambda rid: get(rid) in ids
    return lambda rid: any(i in ids for i in get(rid))


def _relational_null(model, left, ftype):
    if left == "id":
        return lambda rid: False
    get = model._getter(left)
    if ftype == "many2one":
        return lambda rid: _null(get(rid))
    return lambda rid: not get(rid)


def _target(model, left):
    """The model whose ids the leaf's right side names: comodel, or model for 'id'."""
    return model if left == "id" else _comodel(model, left)


def _relational(model, left, ftype, operator, right):
    positive = NEGATIVE.get(operator, operator)
    negative = operator in NEGATIVE
    if operator in ("child_of", "parent_of"):
        target = _target(model, left)
        ids = _ids_of(target, right)
        return _relational_in(model, left, ftype, set(target._family(ids, operator == "parent_of")))
    values = right if isinstance(right, (list, tuple)) else [right]
    if positive in LIKE_OPS or any(isinstance(v, str) for v in values):
        # Names instead of ids: Odoo searches the comodel by display name.
        target = _target(model, left)
        if positive == "in":
            ids = set(target._name_ids("in", [v for v in values if isinstance(v, str)]))
        else:
            ids = set(target._name_ids(positive, right))
        matches = _relational_in(model, left, ftype, ids)
        if not negative:
            return matches
        null = _relational_null(model, left, ftype)
        return lambda rid: null(rid) or not matches(rid)
    if positive in ("=", "in"):
        want_null = any(_null(v) for v in values)
        ids = {int(v) for v in values if not _null(v)}
        matches = _relational_in(model, left, ftype, ids)
        null = _relational_null(model, left, ftype)
        if not want_null:
            hit = matches
        else:
            hit = lambda rid: matches(rid) or null(rid)
        if not negative:
            return hit
        if want_null:
            return lambda rid: not hit(rid)
        return lambda rid: null(rid) or not matches(rid)
    # <, <=, >, >= on ids.
    if ftype not in ("many2one",) and left != "id":
        raise ServerError("ValueError", "Invalid operator %r for %s.%s" % (operator, model._name,
                                                                           left))
    compare = _COMPARE[operator]
    bound = int(right)
    if left == "id":
        return lambda rid: compare(rid, bound)
    get = model._getter(left)
    return lambda rid: not _null(get(rid)) and compare(get(rid), bound)


def _ids_of(target, right):
    """The ids a child_of/parent_of operand names: ids, or a name (ilike)."""
    if isinstance(right, str):
        return target._name_ids("ilike", right)
    if isinstance(right, (list, tuple)):
        return [int(v) for v in right]
    return [int(right)]


_COMPARE = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _convert(ftype, value, model, left):
    """The right side of a leaf as the field's own type, or a psycopg2-like error."""
    if ftype in ("integer", "float", "monetary"):
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value) if ftype == "integer" else float(value)
        except (TypeError, ValueError):
            sqltype = "integer" if ftype == "integer" else "double precision"
            raise ServerError("psycopg2.errors.InvalidTextRepresentation",
                              'invalid input syntax for type %s: "%s"\n' % (sqltype, value))
    if ftype == "boolean":
        return bool(value)
    if ftype == "datetime":
        value = _date_text(value, "%Y-%m-%d %H:%M:%S")
        return value + " 00:00:00" if len(value) == 10 else value[:19]
    if ftype == "date":
        return _date_text(value, "%Y-%m-%d")[:10]
    return value if isinstance(value, str) else str(value)


def _date_text(value, fmt):
    if hasattr(value, "strftime"):
        return value.strftime(fmt)
    return str(value)


def _scalar(model, left, ftype, operator, right):
    positive = NEGATIVE.get(operator, operator)
    negative = operator in NEGATIVE
    get = model._getter(left)
    if ftype == "boolean":
        if positive in ("=", "in"):
            values = right if isinstance(right, (list, tuple)) else [right]
            wanted = {bool(v) for v in values}
            return _negate(negative, lambda rid: bool(get(rid)) in wanted)
        if positive in LIKE_OPS:
            # Odoo casts a boolean column to text for LIKE; nobody wants that.
            raise ServerError("ValueError", "Invalid operator %r for boolean field %s.%s"
                              % (operator, model._name, left))
    if positive in ("=", "in"):
        values = right if isinstance(right, (list, tuple)) else [right]
        if positive == "=" and len(values) == 1 and _null(values[0]):
            # (f, '=', False) is IS NULL; (f, '!=', False) is IS NOT NULL.
            return _negate(negative, lambda rid: _null(get(rid)))
        want_null = any(_null(v) for v in values)
        wanted = {_convert(ftype, v, model, left) for v in values if not _null(v)}

        def hit(rid):
            value = get(rid)
            return (not _null(value) and value in wanted) or (want_null and _null(value))
        # Negated, NULL is in unless the list names False: Odoo's "OR IS NULL".
        return _negate(negative, hit)
    if positive in LIKE_OPS:
        if _null(right):
            return _negate(not negative, lambda rid: not _null(get(rid)))
        matcher = text_matcher(positive, right)

        def match(rid):
            value = get(rid)
            return not _null(value) and matcher(str(value))
        if not negative:
            return match
        return lambda rid: not match(rid)
    if operator in _COMPARE:
        if _null(right):
            return lambda rid: False
        bound = _convert(ftype, right, model, left)
        compare = _COMPARE[operator]

        def test(rid):
            value = get(rid)
            return not _null(value) and compare(value, bound)
        return test
    if operator in ("child_of", "parent_of"):
        raise ServerError("ValueError", "Invalid operator %r for %s.%s (not relational)"
                          % (operator, model._name, left))
    raise _invalid_leaf(model, (left, operator, right))
