"""test_orm.py: the execute_kw API: reading, ordering, writing, creating, access, faults."""

import datetime

import pytest

from conftest import DATABASE, DEMO

MISSING = "Record does not exist or has been deleted.\n(Record: %s, User: %d)"


def test_read_drops_missing_ids_and_keeps_order(local):
    assert local.call("res.partner", "read", [999999999, 15, 3], ["name"]) == [
        {"id": 15, "name": "Azure Interior"}, {"id": 3, "name": "Mitchell Admin"}]
    assert local.call("res.partner", "read", [], ["name"]) == []
    assert local.call("res.partner", "read", 15, ["name"]) == [{"id": 15, "name": "Azure Interior"}]


def test_read_values_have_odoo_shapes(local):
    values = local.call("product.product", "read", [45], ["barcode", "categ_id", "list_price",
                                                          "product_variant_ids", "active",
                                                          "write_date", "qty_available"])[0]
    assert values == {"id": 45, "barcode": False,
                      "categ_id": [8, "All / Saleable / Office Furniture"],
                      "list_price": 750.0, "product_variant_ids": [45, 46, 9, 10, 11],
                      "active": True, "write_date": "2026-11-26 20:28:20", "qty_available": 65.0}
    bare = local.call("product.product", "read", [45], ["categ_id"], load="")[0]
    assert bare["categ_id"] == 8


def test_read_all_fields(local):
    """Without fields, every field fields_get lists comes back, with a value of its type."""
    schema = local.call("sale.order", "fields_get")
    values = local.call("sale.order", "read", [1])[0]
    assert set(values) == set(schema)
    for name, field in schema.items():
        value = values[name]
        if field["type"] in ("one2many", "many2many"):
            assert isinstance(value, list), name
        elif field["type"] == "boolean":
            assert isinstance(value, bool), name
        elif field["type"] in ("float", "monetary"):
            assert isinstance(value, float), name
        elif field["type"] == "integer":
            assert isinstance(value, int) and not isinstance(value, bool), name
        elif field["type"] == "many2one":
            assert value is False or (isinstance(value, list) and len(value) == 2), name


def test_unknown_field_in_read(local):
    fault = local.fault("res.partner", "read", [3], ["name", "nope"])
    assert (fault.code, fault.last_line) == (1, "ValueError: Invalid field 'nope' on model "
                                                "'res.partner'")


def test_fields_get_attributes(local):
    fields = local.call("product.product", "fields_get", attributes=["type", "sortable"])
    assert fields["qty_available"] == {"type": "float", "sortable": False}
    assert fields["categ_id"] == {"type": "many2one", "sortable": True}
    only = local.call("res.country", "fields_get", ["name", "code"], ["string"])
    assert only == {"code": {"string": "Country Code"}, "name": {"string": "Country Name"}}


@pytest.mark.parametrize("order,first", [
    (None, [45, 46, 37]),                              # default_code, name, id (C collation)
    ("id desc", [48, 47, 46]),
    ("list_price desc, id", [28, 27, 24]),
    ("name", [31, 32, 17]),
    # many2one: in the order of the comodel (categories by complete name).
    ("categ_id, id", [1, 2, 30]),
    ("categ_id desc, id desc", [47, 37, 4]),
    ("default_code desc nulls last", [7, 23, 29]),     # C collation: "FURN" > "Delivery"
])
def test_order(local, order, first):
    kwargs = {"order": order} if order else {}
    assert local.call("product.product", "search", [], limit=3, **kwargs) == first


def test_nulls_first_when_descending(local):
    """PostgreSQL puts NULLs first in DESC order unless told otherwise."""
    first = local.call("product.product", "search", [], limit=9, order="default_code desc")
    assert set(first) == {1, 2, 3, 4, 30, 33, 43, 47, 48}


def test_default_orders(local):
    assert local.call("res.partner", "search", [("customer_rank", ">", 0)], limit=3) == [39, 24, 15]
    assert local.call("sale.order", "search", [], limit=3) == [26, 4, 25]
    assert local.call("res.country", "search", [], limit=2) == [10, 13]


@pytest.mark.parametrize("order,code,last_line", [
    ("qty_available", 1, "ValueError: Cannot convert product.product.qty_available to SQL "
                         "because it is not stored"),
    ("no_such_field desc", 1, "ValueError: Invalid field 'no_such_field' on model "
                              "'product.product'"),
    ("name sideways; drop", 2, 'Invalid "order" specified (name sideways; drop). A valid '
                               '"order" specification is a comma-separated list of valid field '
                               'names (optionally followed by asc/desc for the direction)'),
    ("name,", 2, 'Invalid "order" specified (name,). A valid "order" specification is a '
                 'comma-separated list of valid field names (optionally followed by asc/desc for '
                 'the direction)'),
])
def test_bad_order(local, order, code, last_line):
    fault = local.fault("product.product", "search_read", [], ["name"], order=order)
    assert (fault.code, fault.last_line) == (code, last_line)


def test_paging(local):
    everything = local.call("product.product", "search", [])
    assert local.call("product.product", "search_read", [], ["name"], 5, 3, "id desc") == \
        local.call("product.product", "search_read", [], fields=["name"], offset=5, limit=3,
                   order="id desc")
    assert local.call("product.product", "search", [], offset=40) == everything[40:]
    assert local.call("product.product", "search", [], limit=0) == everything
    assert local.call("product.product", "search_count", [], limit=5) == 5
    assert local.call("product.product", "search_count", [], limit=500) == 43


@pytest.mark.parametrize("method,args,kwargs,last_line", [
    ("search_read", [[]], {"fields": ["name"], "count": True},
     "TypeError: BaseModel._read_format() got an unexpected keyword argument 'count'"),
    ("search", [[]], {"limit": 3, "count": True},
     "TypeError: BaseModel.search() got an unexpected keyword argument 'count'"),
    ("search_count", [[], 1, 2], {},
     "TypeError: BaseModel.search_count() takes from 2 to 3 positional arguments but 4 were "
     "given"),
    ("read", [], {}, "IndexError: tuple index out of range"),
])
def test_bad_arguments(local, method, args, kwargs, last_line):
    fault = local.fault("product.product", method, *args, **kwargs)
    assert (fault.code, fault.last_line) == (1, last_line)


def test_name_search(local):
    assert local.call("res.partner", "name_search", "Azure", limit=3) == [
        [15, "Azure Interior"], [27, "Azure Interior, Brandon Freeman"],
        [28, "Azure Interior, Colleen Diaz"]]
    assert local.call("res.partner", "name_search", "Azure", [("is_company", "=", True)]) == [
        [15, "Azure Interior"]]
    assert local.call("product.product", "name_search", "FURN_7777") == [
        [5, "[FURN_7777] Office Chair"]]
    assert local.call("res.country", "name_search", "ES", operator="=") == [[68, "Spain"]]
    assert len(local.call("product.product", "name_search", limit=100)) == 43


def test_web_search_read(local):
    spec = {"name": {}, "categ_id": {"fields": {"display_name": {}}}, "uom_id": {}}
    answer = local.call("product.product", "web_search_read", [("sale_ok", "=", True)], spec,
                        limit=2, order="id", count_limit=10)
    assert answer == {"length": 10, "records": [
        {"id": 3, "name": "Virtual Interior Design",
         "categ_id": {"id": 5, "display_name": "All / Saleable / Services"}, "uom_id": 6},
        {"id": 4, "name": "Virtual Home Staging",
         "categ_id": {"id": 5, "display_name": "All / Saleable / Services"}, "uom_id": 6}]}
    full = local.call("product.product", "web_search_read", [], {"name": {}}, limit=3)
    assert full["length"] == 43
    assert local.call("product.product", "web_search_read", [], {"name": {}}, offset=100) == \
        {"length": 0, "records": []}
    lines = local.call("sale.order", "web_search_read", [("id", "=", 1)], {"order_line": {
        "fields": {"product_uom_qty": {}}}})
    assert lines["records"][0]["order_line"] == [{"id": 1, "product_uom_qty": 3.0},
                                                 {"id": 2, "product_uom_qty": 5.0},
                                                 {"id": 3, "product_uom_qty": 2.0}]


def test_context_lang(local):
    fault = local.fault("product.product", "search_read", [], ["name"], limit=2,
                        context={"lang": "es_ES"})
    assert (fault.code, fault.string) == (2, "Invalid language code: es_ES")
    assert local.call("product.product", "search_read", [], ["name"], limit=1,
                      context={"lang": "en_US"})


def test_write(local):
    assert local.call("res.partner", "read", [15], ["write_date"])[0]["write_date"] == \
        "2026-11-26 20:27:52"
    assert local.call("res.partner", "write", [15], {"phone": "+1 555 0100", "city": False}) is True
    after = local.call("res.partner", "read", [15], ["phone", "city", "write_date", "write_uid"])[0]
    assert (after["phone"], after["city"]) == ("+1 555 0100", False)
    written = datetime.datetime.strptime(after["write_date"], "%Y-%m-%d %H:%M:%S")
    assert abs((datetime.datetime.utcnow() - written).total_seconds()) < 5
    assert after["write_uid"] == [2, "Mitchell Admin"]


def test_write_missing_record(local):
    fault = local.fault("res.partner", "write", [999999999], {"name": "ghost"})
    assert (fault.code, fault.string) == (2, MISSING % ("res.partner(999999999,)", 2))
    fault = local.fault("res.partner", "unlink", [15, 999, 998])
    assert (fault.code, fault.string) == (2, MISSING % ("res.partner(999, 998)", 2))


@pytest.mark.parametrize("model,vals,last_line", [
    ("sale.order", {"state": "bogus"}, "ValueError: Wrong value for sale.order.state: 'bogus'"),
    ("sale.order", {"nope": 1}, "ValueError: Invalid field 'nope' on model 'sale.order'"),
    ("sale.order", {"date_order": "2026-11-26T20:33:02Z"},
     "ValueError: time data '2026-11-26T20:33:02' does not match format '%Y-%m-%d %H:%M:%S'"),
    ("sale.order", {"validity_date": "26/11/2026"},
     "ValueError: time data '26/11/2026' does not match format '%Y-%m-%d'"),
])
def test_write_bad_values(local, model, vals, last_line):
    fault = local.fault(model, "write", [1], vals)
    assert (fault.code, fault.last_line) == (1, last_line)


def test_write_dates(local):
    local.call("sale.order", "write", [1], {"date_order": "2026-12-01", "validity_date":
                                            "2026-12-31 10:00:00"})
    values = local.call("sale.order", "read", [1], ["date_order", "validity_date"])[0]
    assert (values["date_order"], values["validity_date"]) == ("2026-12-01 00:00:00",
                                                               "2026-12-31")


def test_create_partner(local):
    rid = local.call("res.partner", "create", {"name": "Probe Customer"})
    assert rid == 55
    values = local.call("res.partner", "read", [rid], ["customer_rank", "supplier_rank", "active",
                                                       "type", "display_name"])[0]
    assert values == {"id": 55, "customer_rank": 0, "supplier_rank": 0, "active": True,
                      "type": "contact", "display_name": "Probe Customer"}
    ids = local.call("res.partner", "create", [{"name": "A"}, {"name": "B", "parent_id": 55}])
    assert ids == [56, 57]
    assert local.call("res.partner", "read", [57], ["display_name"])[0]["display_name"] == \
        "Probe Customer, B"


def test_create_customer_from_the_menu_context(local):
    rid = local.call("res.partner", "create", {"name": "Shop"},
                     context={"res_partner_search_mode": "customer"})
    assert local.call("res.partner", "read", [rid], ["customer_rank"])[0]["customer_rank"] == 1


def test_create_partner_without_name(local):
    fault = local.fault("res.partner", "create", {"email": "noname@example.com"})
    assert (fault.code, fault.string) == (2, "The operation cannot be completed: Contacts require "
                                             "a name")
    # An address (type invoice) may go without a name; the failed create used id 55.
    assert local.call("res.partner", "create", {"type": "invoice", "parent_id": 15}) == 56


def test_create_unknown_field_and_bad_selection(local):
    fault = local.fault("res.partner", "create", {"name": "x", "nope": 1})
    assert fault.last_line == "ValueError: Invalid field 'nope' in 'res.partner'"
    fault = local.fault("res.partner", "create", {"name": "x", "type": "bogus"})
    assert fault.last_line == "ValueError: Wrong value for res.partner.type: 'bogus'"


def test_partner_hierarchy_cannot_loop(local):
    fault = local.fault("res.partner", "write", [15], {"parent_id": 27})
    assert (fault.code, fault.string) == (2, "You cannot create recursive Partner hierarchies.")


def test_unlink_company_keeps_its_contacts(local):
    rid = local.call("res.partner", "create", {"name": "Temp Co", "is_company": True})
    child = local.call("res.partner", "create", {"name": "Temp Person", "parent_id": rid})
    assert local.call("res.partner", "unlink", [rid]) is True
    assert local.call("res.partner", "read", [child], ["parent_id"])[0]["parent_id"] is False


def test_country_in_use_cannot_be_deleted(local):
    fault = local.fault("res.country", "unlink", [233])
    assert fault.string.endswith("Constraint: res_partner_country_id_fkey\n")


def test_country_codes_are_unique(local):
    fault = local.fault("res.country", "create", {"name": "Spain again", "code": "es"})
    assert fault.string == "The operation cannot be completed: The code of the country must be " \
                           "unique!"


def test_products_share_their_template(local):
    local.call("product.product", "write", [45], {"list_price": 799.99})
    prices = local.call("product.product", "read", [45, 46, 11], ["list_price", "lst_price"])
    assert [p["list_price"] for p in prices] == [799.99, 799.99, 799.99]
    assert prices[2]["lst_price"] == pytest.approx(850.39)


def test_create_product(local):
    rid = local.call("product.product", "create", {"name": "Standing Desk", "default_code":
                                                   "DESK0100", "list_price": 499.0,
                                                   "categ_id": 8})
    assert rid == 49
    values = local.call("product.product", "read", [rid], [
        "display_name", "categ_id", "uom_id", "type", "sale_ok", "product_tmpl_id",
        "qty_available"])[0]
    assert values["display_name"] == "[DESK0100] Standing Desk"
    assert values["categ_id"] == [8, "All / Saleable / Office Furniture"]
    assert values["uom_id"] == [1, "Units"]
    assert (values["type"], values["sale_ok"], values["qty_available"]) == ("consu", True, 0.0)
    template = values["product_tmpl_id"][0]
    assert local.call("product.product", "unlink", [rid]) is True
    assert local.call("product.template", "read", [template], ["name"]) == []


def test_create_product_without_name(local):
    fault = local.fault("product.product", "create", {"default_code": "X1"})
    assert fault.string.endswith("Model: Product (product.template)\nField: Name (name)\n")


def test_barcodes_are_unique(local):
    fault = local.fault("product.product", "write", [5], {"barcode": "2300001000008"})
    assert fault.code == 2 and "already assigned" in fault.string


def test_category_complete_name_follows_its_parent(local):
    local.call("product.category", "write", [2], {"name": "For Sale"})
    assert local.call("product.category", "read", [8], ["complete_name"])[0]["complete_name"] == \
        "All / For Sale / Office Furniture"
    fault = local.fault("product.category", "write", [2], {"parent_id": 8})
    assert fault.string == "You cannot create recursive categories."


@pytest.mark.parametrize("model,method,args,verb,description", [
    ("res.country", "write", [[233], {"name": "x"}], "modify", "Country"),
    ("product.product", "write", [[45], {"name": "x"}], "modify", "Product Variant"),
    ("product.product", "create", [{"name": "x"}], "create", "Product Variant"),
    ("sale.order", "unlink", [[1]], "delete", "Sales Order"),
])
def test_demo_user_lacks_some_access_rights(local, model, method, args, verb, description):
    assert local.call(model, "search_count", [], _user=DEMO) > 0
    fault = local.fault(model, method, *args, _user=DEMO)
    assert fault.code == 4
    assert fault.string.startswith("You are not allowed to %s '%s' (%s) records.\n\n"
                                   "This operation is allowed for the following groups:\n\t- "
                                   % (verb, description, model))
    assert fault.string.endswith("\n\nContact your administrator to request access if necessary.")


def test_check_access_returns_none(local):
    fault = local.fault("res.partner", "check_access", [3], "read")
    assert (fault.code, fault.last_line) == (1, "TypeError: cannot marshal None unless allow_none "
                                                "is enabled")
    assert local.call("res.partner", "check_access_rights", "write") is True
    assert local.call("res.partner", "check_access_rights", "write", False, _user=DEMO) is True
    assert local.call("product.product", "check_access_rights", "write", False,
                      _user=DEMO) is False


@pytest.mark.parametrize("user,model,method,code,text", [
    ((DATABASE, 2, "wrong-password"), "res.partner", "search_count", 3, "Access Denied"),
    ((DATABASE, 2, ""), "res.partner", "search_count", 3, "Access Denied"),
    ((DATABASE, 1, "admin"), "res.partner", "search_count", 3, "Access Denied"),   # inactive
    ((DATABASE, 999, "admin"), "res.partner", "search_count", 2,
     MISSING % ("res.users(999,)", 999)),
    ((DATABASE, 2, "admin"), "x.does.not.exist", "search_read", 2,
     "Object x.does.not.exist doesn't exist"),
    ((DATABASE, 2, "admin"), "res.partner", "_search", 4,
     "Private methods (such as _search) cannot be called remotely."),
    ((DATABASE, 2, "admin"), "res.partner", "init", 4,
     "Private methods (such as init) cannot be called remotely."),
    ((DATABASE, 2, "admin"), "res.partner", "no_such_method", 1,
     "AttributeError: The method 'no_such_method' does not exist on the model 'res.partner'"),
    (("no_such_db", 2, "admin"), "res.partner", "search_count", 1,
     'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5432 failed: '
     'FATAL:  database "no_such_db" does not exist'),
])
def test_execute_kw_faults(local, user, model, method, code, text):
    fault = local.fault(model, method, [], _user=user)
    assert fault.code == code
    assert (fault.last_line if code == 1 else fault.string) == text


def test_common_service(local):
    assert local.rpc("common", "version")["server_serie"] == "18.0"
    assert local.rpc("common", "authenticate", DATABASE, "admin", "admin", {}) == 2
    assert local.rpc("common", "authenticate", DATABASE, "demo", "demo", {}) == 6
    assert local.rpc("common", "authenticate", DATABASE, "admin", "nope", {}) is False
    assert local.rpc("common", "authenticate", DATABASE, "__system__", "", {}) is False
    assert local.rpc("common", "login", DATABASE, "demo", "demo") == 6
    with pytest.raises(Exception) as info:
        local.rpc("common", "no_such_method")
    assert info.value.last_line == "Exception: Method not found: no_such_method"


def test_password_change_through_res_users(local):
    assert local.call("res.users", "write", [6], {"password": "s3cret"}) is True
    assert local.rpc("common", "authenticate", DATABASE, "demo", "s3cret", {}) == 6
    assert local.rpc("common", "authenticate", DATABASE, "demo", "demo", {}) is False
    assert local.call("res.users", "read", [6], ["password", "name"])[0] == {
        "id": 6, "password": "", "name": "Marc Demo"}


def test_execute_positional(local):
    """The older execute(db, uid, password, model, method, *args)."""
    assert local.rpc("object", "execute", DATABASE, 2, "admin", "res.partner", "search_count",
                     [("id", "=", 15)]) == 1


def test_order_follows_writes_and_rollbacks(local):
    """Sorted results are kept between calls: a change, or a rollback, must show at once."""
    def first():
        return local.call("res.partner", "search", [], limit=1)      # by complete_name
    assert first() == [39]                                           # Anna Becker
    local.call("res.partner", "write", [53], {"name": "AAA Taller"})
    assert first() == [53]
    # The (3, 999) command sorts the partners, with the new name, then fails.
    fault = local.fault("res.partner", "write", [15], {"name": "AAA Aardvark",
                                                       "child_ids": [[3, 999, 0]]})
    assert fault.string == MISSING % ("res.partner(999,)", 2)        # rolled back
    assert first() == [53]
    local.call("res.partner", "unlink", [53])
    assert first() == [39]
