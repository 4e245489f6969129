"""test_security.py: users, groups, access rights, record rules, field groups, the audit trail.

What Odoo 18 gives its demo users (see odoosim/security.py for the sources):
admin (uid 2) may do anything; demo (uid 6, Marc Demo) is an internal user,
Sales "User: Own Documents Only" and Contact Creation; portal (uid 7, Joel
Willis) is a share user in base.group_portal only.
"""

import pytest

from conftest import ADMIN, DATABASE, DEMO, PORTAL, Fault

USERS = {"admin": ADMIN, "demo": DEMO, "portal": PORTAL}
VERBS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}
DESCRIPTIONS = {"product.product": "Product Variant", "product.category": "Product Category",
                "res.partner": "Contact", "res.country": "Country", "sale.order": "Sales Order",
                "sale.order.line": "Sales Order Line", "res.users": "User"}

# user -> model -> the operations (r, w, c, u) Odoo 18 allows by ir.model.access.
Y, N = True, False
MATRIX = {
    "admin": {model: (Y, Y, Y, Y) for model in DESCRIPTIONS},
    "demo": {"product.product": (Y, N, N, N), "product.category": (Y, N, N, N),
             "res.partner": (Y, Y, Y, Y), "res.country": (Y, N, N, N),
             "sale.order": (Y, Y, Y, N), "sale.order.line": (Y, Y, Y, Y),
             "res.users": (Y, N, N, N)},
    "portal": {"product.product": (N, N, N, N), "product.category": (N, N, N, N),
               "res.partner": (Y, N, N, N), "res.country": (Y, N, N, N),
               "sale.order": (Y, N, N, N), "sale.order.line": (Y, N, N, N),
               "res.users": (Y, N, N, N)},
}

# Records each user may see, to write (order 1 and its line 1 are Marc Demo's;
# order 19 is the portal user's).
WRITE = {
    "product.product": ([45], {"description_sale": "x"}),
    "product.category": ([8], {"name": "Office"}),
    "res.partner": ([15], {"phone": "+1 555 0100"}),
    "res.country": ([233], {"phone_code": 1}),
    "sale.order": ([1], {"client_order_ref": "x"}),
    "sale.order.line": ([1], {"discount": 1.0}),
    "res.users": ([6], {"notification_type": "inbox"}),
}
CREATE = {
    "product.product": {"name": "Test product"},
    "product.category": {"name": "Test category"},
    "res.partner": {"name": "Test partner"},
    "res.country": {"name": "Testland", "code": "TQ"},
    "sale.order": {"partner_id": 10},
    "sale.order.line": {"order_id": 1, "product_id": 5},
    "res.users": {"name": "Test user", "login": "test-user"},
}


def access_error(model, operation):
    return ("You are not allowed to %s '%s' (%s) records.\n\n"
            % (VERBS[operation], DESCRIPTIONS[model], model))


def rule_error(user, operation, model):
    return ("Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
            "Sorry, %s doesn't have '%s' access to:\n- %s (%s)\n\n"
            "If you really, really need access, perhaps you can win over your friendly "
            "administrator with a batch of freshly baked cookies."
            % (user, operation, DESCRIPTIONS[model], model))


def run(local, user, model, operation):
    """Do operation on model as user (a record made by admin for unlink)."""
    if operation == "read":
        return local.call(model, "search_read", [], ["id"], limit=1, _user=user)
    if operation == "create":
        return local.call(model, "create", dict(CREATE[model]), _user=user)
    if operation == "write":
        ids, vals = WRITE[model]
        return local.call(model, "write", ids, vals, _user=user)
    rid = local.call(model, "create", dict(CREATE[model]))
    return local.call(model, "unlink", [rid], _user=user)


@pytest.mark.parametrize("login", sorted(MATRIX))
@pytest.mark.parametrize("model", sorted(DESCRIPTIONS))
@pytest.mark.parametrize("index,operation", enumerate(("read", "write", "create", "unlink")))
def test_access_matrix(local, login, model, index, operation):
    allowed = MATRIX[login][model][index]
    user = USERS[login]
    if allowed:
        assert run(local, user, model, operation) not in (None, False)
        return
    with pytest.raises(Fault) as info:
        run(local, user, model, operation)
    fault = info.value
    assert fault.code == 4
    assert fault.string.startswith(access_error(model, operation)
                                   + "This operation is allowed for the following groups:\n\t- ")
    assert fault.string.endswith("\n\nContact your administrator to request access if necessary.")


@pytest.mark.parametrize("model,operation,groups", [
    ("res.country", "write", ["Administration/Settings"]),
    ("product.product", "write", ["Inventory/Administrator", "Invoicing/Administrator",
                                  "Purchase/Administrator", "Sales/Administrator"]),
    ("sale.order", "unlink", ["Sales/Administrator"]),
    ("sale.order", "write", ["Invoicing/Billing", "Sales/Administrator",
                             "Sales/User: Own Documents Only"]),
    ("res.partner", "create", ["Extra Rights/Contact Creation"]),
    ("res.users", "write", ["Administration/Access Rights"]),
])
def test_access_error_lists_the_groups(local, model, operation, groups):
    with pytest.raises(Fault) as info:
        run(local, PORTAL, model, operation)
    assert info.value.string == (
        access_error(model, operation)
        + "This operation is allowed for the following groups:\n"
        + "".join("\t- %s\n" % group for group in groups)
        + "\nContact your administrator to request access if necessary.")


def test_portal_cannot_search_products(local):
    for method, args in (("search_read", [[], ["name"]]), ("search_count", [[]]),
                         ("search", [[]]), ("name_search", ["Desk"])):
        fault = local.fault("product.product", method, *args, _user=PORTAL)
        assert fault.code == 4 and fault.string.startswith(access_error("product.product", "read"))
    fault = local.fault("product.product", "read", [45], ["name"], _user=PORTAL)
    assert fault.string.startswith(access_error("product.product", "read"))


# ---- record rules ------------------------------------------------------------

def order_ids(local, user, domain=()):
    return local.call("sale.order", "search", list(domain), order="id", _user=user)


def test_rules_filter_sale_order_searches(local):
    every = order_ids(local, ADMIN)
    rows = local.call("sale.order", "search_read", [], ["user_id"], order="id")
    own = [row["id"] for row in rows if row["user_id"] in (False, [6, "Marc Demo"])]
    assert len(every) == 26 and 0 < len(own) < len(every)
    assert order_ids(local, DEMO) == own
    assert local.call("sale.order", "search_count", [], _user=DEMO) == len(own)
    assert [r["id"] for r in local.call("sale.order", "search_read", [], ["name"], order="id",
                                        _user=DEMO)] == own
    page = local.call("sale.order", "web_search_read", [], {"name": {}}, limit=5, order="id",
                      _user=DEMO)
    assert page["length"] == len(own) and [r["id"] for r in page["records"]] == own[:5]
    found = local.call("sale.order", "name_search", "S000", limit=100, _user=DEMO)
    assert sorted(rid for rid, _name in found) == own
    assert order_ids(local, DEMO, [("id", "=", 2)]) == []


def test_portal_sees_the_orders_of_its_commercial_partner(local):
    # Joel Willis (partner 8) belongs to YourCompany (1): orders of 1 and its contacts.
    assert order_ids(local, PORTAL) == [19]
    assert local.call("sale.order", "search_count", [], _user=PORTAL) == 1
    lines = local.call("sale.order.line", "search_read", [], ["order_id"], _user=PORTAL)
    assert {line["order_id"][0] for line in lines} == {19} and len(lines) == 3
    assert local.call("sale.order", "read", [19], ["name"], _user=PORTAL) == \
        [{"id": 19, "name": "S00019"}]


@pytest.mark.parametrize("login,name,rid", [("demo", "Marc Demo (id=6)", 2),
                                             ("portal", "Joel Willis (id=7)", 1)])
def test_reading_a_hidden_order_is_an_access_error(local, login, name, rid):
    fault = local.fault("sale.order", "read", [rid], ["name"], _user=USERS[login])
    assert (fault.code, fault.string) == (4, rule_error(name, "read", "sale.order"))
    line = local.call("sale.order", "read", [rid], ["order_line"])[0]["order_line"][0]
    fault = local.fault("sale.order.line", "read", [line], ["name"], _user=USERS[login])
    assert fault.string == rule_error(name, "read", "sale.order.line")
    # A record that does not exist is still simply left out.
    assert local.call("sale.order", "read", [9999], ["name"], _user=USERS[login]) == []


def test_demo_writes_and_deletes_only_his_own(local):
    fault = local.fault("sale.order", "write", [2], {"note": "x"}, _user=DEMO)
    assert fault.string == rule_error("Marc Demo (id=6)", "write", "sale.order")
    assert local.call("sale.order", "write", [1], {"note": "mine"}, _user=DEMO) is True
    line = local.call("sale.order", "read", [2], ["order_line"])[0]["order_line"][0]
    fault = local.fault("sale.order.line", "unlink", [line], _user=DEMO)
    assert fault.string == rule_error("Marc Demo (id=6)", "unlink", "sale.order.line")
    fault = local.fault("sale.order", "action_cancel", [2], _user=DEMO)
    assert fault.string == rule_error("Marc Demo (id=6)", "write", "sale.order")


def test_demo_creates_orders_as_salesperson(local):
    rid = local.call("sale.order", "create", {"partner_id": 10,
                                              "order_line": [[0, 0, {"product_id": 5}]]},
                     _user=DEMO)
    assert rid in order_ids(local, DEMO)
    row = local.call("sale.order", "read", [rid], ["user_id", "create_uid"], _user=DEMO)[0]
    assert row["user_id"] == [6, "Marc Demo"] and row["create_uid"] == [6, "Marc Demo"]
    fault = local.fault("sale.order", "create", {"partner_id": 10, "user_id": 2}, _user=DEMO)
    assert fault.string == rule_error("Marc Demo (id=6)", "create", "sale.order")
    # The failed create left nothing behind.
    assert local.call("sale.order", "search_count", [("user_id", "=", 2), ("partner_id", "=", 10),
                                                     ("state", "=", "draft")]) == 0


def test_portal_cannot_write_its_own_orders(local):
    fault = local.fault("sale.order", "write", [19], {"note": "x"}, _user=PORTAL)
    assert fault.code == 4 and fault.string.startswith(access_error("sale.order", "write"))
    fault = local.fault("sale.order", "action_confirm", [19], _user=PORTAL)
    assert fault.string.startswith(access_error("sale.order", "write"))


def test_check_access_applies_the_rules(local):
    fault = local.fault("sale.order", "check_access", [2], "read", _user=DEMO)
    assert fault.string == rule_error("Marc Demo (id=6)", "read", "sale.order")
    assert local.call("sale.order", "check_access_rights", "read", _user=PORTAL) is True
    assert local.call("sale.order", "check_access_rights", "write", False, _user=PORTAL) is False


# ---- users, groups -------------------------------------------------------------

def test_share_is_computed_from_the_groups(local):
    rows = local.call("res.users", "search_read", [("id", "in", [2, 6, 7])],
                      ["login", "name", "share"], order="id", _user=PORTAL)
    assert rows == [{"id": 2, "login": "admin", "name": "Mitchell Admin", "share": False},
                    {"id": 6, "login": "demo", "name": "Marc Demo", "share": False},
                    {"id": 7, "login": "portal", "name": "Joel Willis", "share": True}]
    assert local.call("res.users", "search", [("share", "=", True)]) == [7]
    assert local.call("res.partner", "read", [8], ["partner_share"])[0]["partner_share"] is True
    assert local.call("res.partner", "read", [7], ["partner_share"])[0]["partner_share"] is False
    assert local.call("res.users", "read", [7], ["login"], _user=PORTAL) == \
        [{"id": 7, "login": "portal"}]


def test_portal_logs_in(local):
    assert local.rpc("common", "authenticate", DATABASE, "portal", "portal", {}) == 7
    assert local.rpc("common", "authenticate", DATABASE, "portal", "demo", {}) is False
    with pytest.raises(Fault) as info:
        local.call("res.partner", "search_count", [], _user=(DATABASE, 7, "demo"))
    assert (info.value.code, info.value.string) == (3, "Access Denied")


@pytest.mark.parametrize("caller,uid,group,expected", [
    ("admin", 2, "base.group_system", True),
    ("admin", 2, "sales_team.group_sale_salesman", True),        # implied by the manager
    ("admin", 6, "sales_team.group_sale_manager", False),
    ("demo", 6, "sales_team.group_sale_salesman", True),
    ("demo", 6, "sales_team.group_sale_salesman_all_leads", False),
    ("demo", 6, "base.group_partner_manager", True),
    ("demo", 6, "base.group_user", True),
    ("demo", 2, "base.group_system", True),                      # internal users may ask
    ("demo", 7, "base.group_portal", True),
    ("portal", 7, "base.group_portal", True),
    ("portal", 7, "base.group_user", False),
    ("admin", 2, "base.group_no_one", False),                    # debug mode only
    ("admin", 2, "base.no_such_group", False),
    ("admin", 2, "nodot", False),
])
def test_has_group(local, caller, uid, group, expected):
    assert local.call("res.users", "has_group", [uid], group, _user=USERS[caller]) is expected


def test_has_group_refuses_portal_users_asking_about_others(local):
    fault = local.fault("res.users", "has_group", [2], "base.group_system", _user=PORTAL)
    assert (fault.code, fault.string) == (4, "You can ony call user.has_group() with your "
                                             "current user.")
    fault = local.fault("res.users", "has_groups", [6], "base.group_user", _user=PORTAL)
    assert fault.code == 4


@pytest.mark.parametrize("ids", [[], [2, 6]])
def test_has_group_needs_one_user(local, ids):
    fault = local.fault("res.users", "has_group", ids, "base.group_user")
    assert fault.code == 1
    assert fault.last_line == "ValueError: Expected singleton: res.users%s" % (
        "()" if not ids else "(2, 6)")


@pytest.mark.parametrize("uid,spec,expected", [
    (6, "base.group_user,!base.group_portal", True),
    (6, "!base.group_user", False),
    (6, "sales_team.group_sale_manager,base.group_system", False),
    (6, "sales_team.group_sale_manager,sales_team.group_sale_salesman", True),
    (6, "!sales_team.group_sale_manager", True),
    (7, "base.group_portal,base.group_user", True),
    (7, "!base.group_portal", False),
    (2, ".", False),
])
def test_has_groups(local, uid, spec, expected):
    user = PORTAL if uid == 7 else ADMIN
    assert local.call("res.users", "has_groups", [uid], spec, _user=user) is expected


# ---- field groups ----------------------------------------------------------------

ACCOUNT_FIELDS = ("credit", "debit", "total_invoiced")


@pytest.mark.parametrize("login,visible", [("admin", True), ("demo", False),
                                           ("portal", False)])
def test_fields_get_leaves_out_fields_of_other_groups(local, login, visible):
    fields = local.call("res.partner", "fields_get", attributes=["type"], _user=USERS[login])
    assert all((name in fields) is visible for name in ACCOUNT_FIELDS)
    assert "name" in fields
    rows = local.call("res.partner", "search_read", [("id", "=", 15)], _user=USERS[login])
    assert ("credit" in rows[0]) is visible and rows[0]["name"] == "Azure Interior"


def test_reading_a_field_of_another_group_is_an_access_error(local):
    assert local.call("res.partner", "read", [15], ["credit"])[0]["credit"] == 0.0
    for method, args in (("read", [[15], ["name", "credit"]]),
                         ("search_read", [[], ["credit"]]),
                         ("web_search_read", [[], {"credit": {}}])):
        fault = local.fault("res.partner", method, *args, _user=DEMO)
        assert (fault.code, fault.string) == (
            4, 'You do not have enough rights to access the field "credit" on Contact '
               '(res.partner). Please contact your system administrator.\n\nOperation: read')
    fault = local.fault("res.users", "read", [6], ["debit"], _user=DEMO)
    assert fault.string.startswith('You do not have enough rights to access the field "debit" '
                                   'on User (res.users).')


# ---- the audit trail ----------------------------------------------------------------

def test_create_and_write_stamp_the_calling_user(local):
    rid = local.call("res.partner", "create", {"name": "Audited"}, _user=DEMO)
    fields = ["create_uid", "write_uid", "create_date", "write_date"]
    created = local.call("res.partner", "read", [rid], fields)[0]
    assert created["create_uid"] == [6, "Marc Demo"] and created["write_uid"] == [6, "Marc Demo"]
    assert created["create_date"] == created["write_date"]
    local.call("res.partner", "write", [rid], {"phone": "1"})
    written = local.call("res.partner", "search_read", [("id", "=", rid)], fields, _user=DEMO)[0]
    assert written["create_uid"] == [6, "Marc Demo"]
    assert written["write_uid"] == [2, "Mitchell Admin"]
    assert written["write_date"] >= created["write_date"]
    line = local.call("sale.order.line", "create", {"order_id": 1, "product_id": 5}, _user=DEMO)
    assert local.call("sale.order.line", "read", [line], ["create_uid"])[0]["create_uid"] == \
        [6, "Marc Demo"]


# ---- the control endpoint ---------------------------------------------------------------

def test_sim_users_lists_the_users(sim):
    status, answer = sim.control("users", method="GET")
    assert status == 200
    users = {user["login"]: user for user in answer["users"]}
    assert [user["uid"] for user in answer["users"]] == [1, 2, 6, 7]
    assert users["portal"] == {"uid": 7, "login": "portal", "name": "Joel Willis", "active": True,
                               "share": True, "groups": ["base.group_portal"],
                               "all_groups": ["base.group_portal"],
                               "api_key": "267883b487b5580b93fdc6a1bc6b6a6715e78c17"}
    assert users["demo"]["share"] is False
    assert "sales_team.group_sale_salesman" in users["demo"]["groups"]
    assert "sales_team.group_sale_manager" not in users["demo"]["all_groups"]
    assert "sales_team.group_sale_salesman_all_leads" in users["admin"]["all_groups"]


@pytest.mark.parametrize("login,uid", [("admin", 2), ("demo", 6), ("portal", 7)])
def test_password_control_works_for_every_user(sim, login, uid):
    status, _answer = sim.control("password", login=login, password="n3w")
    assert status == 200
    with pytest.raises(Exception) as info:
        sim.call("res.country", "search_count", [], _user=(DATABASE, uid, login))
    assert info.value.faultCode == 3
    assert sim.call("res.country", "search_count", [], _user=(DATABASE, uid, "n3w")) > 0
    common = sim.proxy("common")
    assert common.authenticate(DATABASE, login, "n3w", {}) == uid
