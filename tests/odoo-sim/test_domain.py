"""test_domain.py: the domain evaluator, table-driven over the demo data (in-process, fast)."""

import pytest

from conftest import Local

# (model, domain, ids search() must return, in any order)
CASES = [
    # like is a substring match with % around; =like uses the pattern as SQL LIKE.
    ("product.product", [("default_code", "=like", "DESK%")], {45, 46}),
    ("product.product", [("default_code", "like", "DESK")], {45, 46}),
    ("product.product", [("default_code", "like", "desk")], set()),
    ("product.product", [("default_code", "ilike", "desk")], {45, 46}),
    ("product.product", [("default_code", "=ilike", "desk%")], {45, 46}),
    ("product.product", [("default_code", "=like", "FURN_000_")], {34, 41, 42, 44}),
    ("product.product", [("default_code", "=like", "FURN\\_000_")], {34, 41, 42, 44}),
    ("product.product", [("default_code", "=like", "DESK000")], set()),
    # Comparisons with False are IS NULL / IS NOT NULL.
    ("product.product", [("default_code", "=", False)], {1, 2, 3, 4, 30, 33, 43, 47, 48}),
    ("product.product", [("barcode", "!=", False)], {34}),
    # Negative operators also match NULL, as in Odoo.
    ("product.product", [("barcode", "not ilike", "2300"), ("id", "<", 6)], {1, 2, 3, 4, 5}),
    ("product.product", [("default_code", "!=", "FURN_7777"), ("id", "in", [1, 5, 6])], {1, 6}),
    ("product.product", [("default_code", "not in", ["FURN_7777"]), ("id", "in", [1, 5, 6])],
     {1, 6}),
    ("product.product", [("default_code", "not in", ["FURN_7777", False]),
                         ("id", "in", [1, 5, 6])], {6}),
    ("product.product", [("default_code", "in", ["FURN_7777", False]), ("id", "in", [1, 5, 6])],
     {1, 5}),
    # Prefix operators, with the implicit & between leaves.
    ("product.product", ["|", ("default_code", "=", "DESK0005"),
                         ("default_code", "=", "Delivery_010")], {37, 45}),
    ("product.product", ["!", ("type", "=", "consu")], {1, 2, 3, 4, 30, 37, 43, 47}),
    ("product.product", ["&", "!", ("type", "=", "consu"), "|", ("sale_ok", "=", False),
                         ("type", "=", "combo")], {1, 2, 37, 43}),
    ("product.product", [("type", "in", ["service", "combo"]), ("sale_ok", "=", True)],
     {3, 4, 30, 43, 47}),
    ("product.product", [("type", "<>", "consu")], {1, 2, 3, 4, 30, 37, 43, 47}),
    ("product.product", [("default_code", "=", ["DESK0005", "DESK0006"])], {45, 46}),
    # Numbers.
    ("product.product", [("list_price", ">", 2000)], {24, 27, 28}),
    ("product.product", [("list_price", ">=", 2000)], {24, 27, 28, 30}),
    ("product.product", [("list_price", "<", 5)], {41, 42}),
    ("product.product", [("list_price", "<=", 3.19)], {41, 42}),
    ("product.product", [("qty_available", ">", 100)], {14, 34, 41}),
    # many2one: ids, names, hierarchy, dotted paths.
    ("product.product", [("categ_id", "=", 3)], {1, 2}),
    ("product.product", [("categ_id", "in", [3, 6])], {1, 2, 30}),
    ("product.product", [("categ_id", "ilike", "services")], {3, 4, 37, 47}),
    ("product.product", [("categ_id", "=", "All / Expenses")], {1, 2}),
    ("product.product", [("categ_id.name", "=", "Expenses")], {1, 2}),
    ("product.product", [("categ_id", "any", [("name", "=", "Expenses")])], {1, 2}),
    ("product.product", [("categ_id", "child_of", 3)], {1, 2}),
    ("product.product", [("categ_id", "child_of", "Saleable"), ("id", "<", 5)], {3, 4}),
    ("product.category", [("id", "child_of", 2)], {2, 5, 6, 7, 8}),
    ("product.category", [("id", "parent_of", 8)], {1, 2, 8}),
    # active_test: archived records only when the domain names 'active'.
    ("product.product", [("active", "=", False)], {35, 36, 38, 39, 40}),
    ("product.product", [("active", "in", [True, False]), ("default_code", "=like", "FURN_009%")],
     {9, 10, 11, 36}),
    ("product.product", [("id", "in", [1, 35, 999])], {1}),
    # =? ignores a False operand; TRUE_LEAF and FALSE_LEAF.
    ("product.product", [("categ_id", "=?", False), ("id", "<", 3)], {1, 2}),
    ("product.product", [("categ_id", "=?", 3)], {1, 2}),
    ("product.product", [(1, "=", 1), ("id", "<", 3)], {1, 2}),
    ("product.product", [(0, "=", 1)], set()),
    # Partners: hierarchy, x2many, computed names, related paths.
    # (parent_id, child_of, 15) is "parent_id in 15's subtree": 15 itself has no parent.
    ("res.partner", [("parent_id", "child_of", 15)], {27, 28, 29}),
    ("res.partner", [("id", "child_of", 15)], {15, 27, 28, 29}),
    ("res.partner", [("id", "parent_of", 27)], {15, 27}),
    ("res.partner", [("parent_id", "=", False), ("is_company", "=", False)],
     {3, 7, 37, 38, 39, 40, 41, 42, 53}),
    ("res.partner", [("country_id.code", "=", "ES")], {16, 17, 18, 19, 37, 44, 45, 46, 53}),
    ("res.partner", [("country_id", "=", "Spain")], {16, 17, 18, 19, 37, 44, 45, 46, 53}),
    ("res.partner", [("child_ids", "!=", False)], {1, 9, 10, 11, 12, 13, 14, 15}),
    ("res.partner", [("child_ids", "in", [27, 30])], {10, 15}),
    ("res.partner", [("display_name", "ilike", "azure")], {15, 27, 28, 29}),
    ("res.partner", [("complete_name", "=like", "Azure Interior, %")], {27, 28, 29}),
    ("res.partner", [("supplier_rank", ">", 0), ("country_id.code", "in", ["BE", "FR"])],
     {47, 51}),
    # Sale orders: computed amounts, one2many paths, dates.
    ("sale.order", [("state", "=", "cancel")], {18, 25}),
    ("sale.order", [("amount_total", ">", 4000)], {10, 11}),
    ("sale.order", [("order_line.product_id", "=", 5)], {1, 7, 18, 19, 26}),
    ("sale.order", [("partner_id.country_id.code", "in", ["FR", "BE"])], {11, 12, 15, 20, 25}),
    ("sale.order", [("date_order", ">=", "2026-11-20")], {4, 24, 25, 26}),
    ("sale.order", [("date_order", "<", "2026-10-27")], {1, 19}),
    ("sale.order", [("partner_id", "ilike", "deco")], {1, 24}),
    ("sale.order", [("partner_id", "not ilike", "deco"), ("state", "=", "cancel")], {18, 25}),
    ("sale.order.line", [("order_id", "=", 1)], {1, 2, 3}),
    ("sale.order.line", [("tax_id", "!=", False)],
     {22, 23, 28, 29, 34, 35, 46, 47, 49, 50}),
]

COUNTS = [
    ("product.product", [], 43),
    ("product.product", [("default_code", "!=", False)], 34),
    ("product.product", [("default_code", "not like", "FURN")], 20),
    ("product.product", [("categ_id", "child_of", 2)], 41),
    ("res.partner", [("customer_rank", ">", 0)], 24),
    ("res.partner", [("supplier_rank", ">", 0)], 10),
    ("sale.order", [("partner_id", "not ilike", "deco")], 24),
    ("sale.order.line", [], 52),
]

# (domain on product.product, last line of the faultCode 1 traceback)
ERRORS = [
    ([("no_such_field", "=", 1)],
     "ValueError: Invalid field product.product.no_such_field in leaf ('no_such_field', '=', 1)"),
    ([("name", "bogus_op", "x")], "ValueError: Invalid leaf ('name', 'bogus_op', 'x')"),
    ([("name", "ILIKE", "x")], "ValueError: Invalid leaf ('name', 'ILIKE', 'x')"),
    ([("name", "bogus_op", "x"), ("nope", "=", 1)],
     "ValueError: Invalid field product.product.nope in leaf ('nope', '=', 1)"),
    # Odoo puts the active leaf in front before it checks the syntax.
    (["|", ("name", "=", "x")],
     "ValueError: Domain [('active', '=', 1), '|', ['name', '=', 'x']] is syntactically not "
     "correct."),
    ([("categ_id.nope", "=", 1)],
     "ValueError: Invalid field product.category.nope in leaf ('nope', '=', 1)"),
    ([("name", "=")], "ValueError: not enough values to unpack (expected 3, got 2)"),
    ([("list_price", ">", "abc")],
     'psycopg2.errors.InvalidTextRepresentation: invalid input syntax for type double '
     'precision: "abc"'),
]


@pytest.fixture(scope="module")
def db():
    return Local()


@pytest.mark.parametrize("model,domain,expected", CASES,
                         ids=["%s %r" % (case[0], case[1]) for case in CASES])
def test_search(db, model, domain, expected):
    assert set(db.call(model, "search", domain)) == expected


@pytest.mark.parametrize("model,domain,count", COUNTS,
                         ids=["%s %r" % (case[0], case[1]) for case in COUNTS])
def test_count(db, model, domain, count):
    assert db.call(model, "search_count", domain) == count


@pytest.mark.parametrize("domain,last_line", ERRORS, ids=[repr(case[0]) for case in ERRORS])
def test_invalid_domain(db, domain, last_line):
    fault = db.fault("product.product", "search_read", domain, fields=["name"])
    assert fault.code == 1
    assert fault.string.startswith("Traceback (most recent call last):\n")
    assert fault.last_line == last_line


def test_context_active_test(db):
    """active_test=False in the context shows archived records without naming 'active'."""
    found = db.call("product.product", "search", [("default_code", "=like", "FURN_009%")],
                    context={"active_test": False})
    assert set(found) == {9, 10, 11, 36}


def test_non_searchable_field_is_ignored(db):
    """Odoo ignores a leaf on a field that cannot be searched (fields_get searchable False)."""
    assert db.call("product.product", "search_count", [("lst_price", "=", 123456)]) == 43
