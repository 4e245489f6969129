"""security.py: Odoo 18's access control for the simulated models: groups, access rights
(ir.model.access), record rules (ir.rule), field groups, and their AccessError texts.

Only the rows that concern the simulated models are kept, for the modules the
captures' database has installed (sale_management, stock, purchase, contacts,
and account through sale).  Each table cites the Odoo 18 file it comes from.
uid 1 (__system__, the superuser) bypasses every check, as env.su does.
"""

from .errors import AccessError

SUPERUSER_ID = 1

# xml id -> (category, name, implied groups).  Category and name give the
# "Category/Name" that ir.model.access.group_names_with_access lists.
# Sources: odoo/addons/base/security/base_groups.xml (base.*, categories from
# base/data/ir_module_category_data.xml), addons/sales_team/security/
# sales_team_security.xml (sales_team.*), addons/stock/security/stock_security.xml,
# addons/purchase/security/purchase_security.xml, addons/account/security/
# account_security.xml (category "Invoicing" in Community).
GROUPS = {
    "base.group_user": ("User types", "Internal User", ()),
    "base.group_portal": ("User types", "Portal", ()),
    "base.group_public": ("User types", "Public", ()),
    "base.group_erp_manager": ("Administration", "Access Rights", ("base.group_user",)),
    "base.group_system": ("Administration", "Settings", ("base.group_erp_manager",)),
    "base.group_partner_manager": ("Extra Rights", "Contact Creation", ()),
    "base.group_allow_export": ("Extra Rights", "Access to export feature", ()),
    "base.group_no_one": ("Extra Rights", "Technical Features", ()),
    "sales_team.group_sale_salesman": ("Sales", "User: Own Documents Only",
                                       ("base.group_user",)),
    "sales_team.group_sale_salesman_all_leads": ("Sales", "User: All Documents",
                                                 ("sales_team.group_sale_salesman",)),
    "sales_team.group_sale_manager": ("Sales", "Administrator",
                                      ("sales_team.group_sale_salesman_all_leads",)),
    "stock.group_stock_user": ("Inventory", "User", ("base.group_user",)),
    "stock.group_stock_manager": ("Inventory", "Administrator", ("stock.group_stock_user",)),
    "purchase.group_purchase_user": ("Purchase", "User", ("base.group_user",)),
    "purchase.group_purchase_manager": ("Purchase", "Administrator",
                                        ("purchase.group_purchase_user",)),
    "account.group_account_invoice": ("Invoicing", "Billing", ("base.group_user",)),
    "account.group_account_manager": ("Invoicing", "Administrator",
                                      ("account.group_account_invoice",)),
}

# The groups' display names as res.groups.full_name gives them (" / ").
def group_display_name(xmlid):
    category, name, _implied = GROUPS[xmlid]
    return "%s / %s" % (category, name) if category else name


# (model, group or None for everyone, read, write, create, unlink).  Sources:
# odoo/addons/base/security/ir.model.access.csv (res.partner, res.country,
# res.users), addons/product/security/ir.model.access.csv (read for
# base.group_user), addons/sale/security/ir.model.access.csv (sale.order,
# sale.order.line, the sale managers' product rights), addons/stock/security/
# ir.model.access.csv, addons/purchase/security/ir.model.access.csv,
# addons/account/security/ir.model.access.csv (the managers' product rights),
# addons/uom/security/ir.model.access.csv.
ACCESS = (
    ("res.country", None, 1, 0, 0, 0),
    ("res.lang", None, 1, 0, 0, 0),
    ("res.lang", "base.group_system", 1, 1, 1, 1),
    ("res.country", "base.group_system", 1, 1, 1, 1),
    ("res.partner", "base.group_public", 1, 0, 0, 0),
    ("res.partner", "base.group_portal", 1, 0, 0, 0),
    ("res.partner", "base.group_partner_manager", 1, 1, 1, 1),
    ("res.partner", "base.group_user", 1, 0, 0, 0),
    ("res.users", None, 1, 0, 0, 0),
    ("res.users", "base.group_erp_manager", 1, 1, 1, 1),
    ("uom.uom", "base.group_user", 1, 0, 0, 0),
    ("uom.uom", "base.group_system", 1, 1, 1, 1),
    ("product.category", "base.group_user", 1, 0, 0, 0),
    ("product.category", "sales_team.group_sale_manager", 1, 1, 1, 1),
    ("product.category", "stock.group_stock_manager", 1, 1, 1, 1),
    ("product.template", "base.group_user", 1, 0, 0, 0),
    ("product.template", "sales_team.group_sale_manager", 1, 1, 1, 1),
    ("product.template", "stock.group_stock_manager", 1, 1, 1, 1),
    ("product.template", "purchase.group_purchase_manager", 1, 1, 1, 1),
    ("product.template", "account.group_account_manager", 1, 1, 1, 1),
    ("product.product", "base.group_user", 1, 0, 0, 0),
    ("product.product", "sales_team.group_sale_manager", 1, 1, 1, 1),
    ("product.product", "stock.group_stock_manager", 1, 1, 1, 1),
    ("product.product", "purchase.group_purchase_manager", 1, 1, 1, 1),
    ("product.product", "account.group_account_manager", 1, 1, 1, 1),
    ("sale.order", "sales_team.group_sale_salesman", 1, 1, 1, 0),
    ("sale.order", "sales_team.group_sale_manager", 1, 1, 1, 1),
    ("sale.order", "base.group_portal", 1, 0, 0, 0),
    ("sale.order", "account.group_account_invoice", 1, 1, 0, 0),
    ("sale.order", "stock.group_stock_user", 1, 0, 0, 0),
    ("sale.order.line", "sales_team.group_sale_salesman", 1, 1, 1, 1),
    ("sale.order.line", "sales_team.group_sale_manager", 1, 1, 1, 1),
    ("sale.order.line", "base.group_portal", 1, 0, 0, 0),
    ("sale.order.line", "account.group_account_invoice", 1, 1, 0, 0),
    ("sale.order.line", "stock.group_stock_user", 1, 0, 0, 0),
    # addons/purchase/security/ir.model.access.csv (portal: read, narrowed by the rules below)
    ("purchase.order", "purchase.group_purchase_user", 1, 1, 1, 0),
    ("purchase.order", "purchase.group_purchase_manager", 1, 1, 1, 1),
    ("purchase.order", "base.group_portal", 1, 0, 0, 0),
    ("purchase.order", "account.group_account_invoice", 1, 1, 0, 0),
    ("purchase.order.line", "purchase.group_purchase_user", 1, 1, 1, 1),
    ("purchase.order.line", "purchase.group_purchase_manager", 1, 1, 1, 1),
    ("purchase.order.line", "base.group_portal", 1, 0, 0, 0),
    ("purchase.order.line", "account.group_account_invoice", 1, 1, 0, 0),
    # addons/account/security/ir.model.access.csv
    ("account.move", "account.group_account_invoice", 1, 1, 1, 1),
    ("account.move", "base.group_portal", 1, 0, 0, 0),
    ("account.move.line", "account.group_account_invoice", 1, 1, 1, 1),
    ("account.move.line", "base.group_portal", 1, 0, 0, 0),
    # addons/stock/security/ir.model.access.csv, addons/sale_stock (salesman: no unlink)
    ("stock.picking", "stock.group_stock_user", 1, 1, 1, 1),
    ("stock.picking", "stock.group_stock_manager", 1, 1, 1, 1),
    ("stock.picking", "sales_team.group_sale_salesman", 1, 1, 1, 0),
)
OPERATIONS = ("read", "write", "create", "unlink")

# ir.model.access: odoo/addons/base/models/ir_model.py, ACCESS_ERROR_HEADER,
# ACCESS_ERROR_GROUPS, ACCESS_ERROR_NOGROUP, ACCESS_ERROR_RESOLUTION and
# IrModelAccess._make_access_error.
ACCESS_ERROR_HEADER = {
    "read": "You are not allowed to access '%(document_kind)s' (%(document_model)s) records.",
    "write": "You are not allowed to modify '%(document_kind)s' (%(document_model)s) records.",
    "create": "You are not allowed to create '%(document_kind)s' (%(document_model)s) records.",
    "unlink": "You are not allowed to delete '%(document_kind)s' (%(document_model)s) records.",
}
ACCESS_ERROR_GROUPS = "This operation is allowed for the following groups:\n%(groups_list)s"
ACCESS_ERROR_NOGROUP = "No group currently allows this operation."
ACCESS_ERROR_RESOLUTION = "Contact your administrator to request access if necessary."

# ir.rule: odoo/addons/base/models/ir_rule.py, IrRule._make_access_error (the
# text for users outside base.group_no_one, or not internal: the demo and
# portal users; admin passes every rule here).
RULE_ERROR = ("Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
              "Sorry, %(user)s doesn't have '%(operation)s' access to:\n"
              "- %(description)s (%(model)s)\n\n"
              "If you really, really need access, perhaps you can win over your friendly "
              "administrator with a batch of freshly baked cookies.")

# Field groups: odoo/models.py BaseModel._check_field_access (Odoo 18), the
# text for users outside base.group_no_one.
FIELD_ERROR = ('You do not have enough rights to access the field "%(field)s" on '
               '%(document_kind)s (%(document_model)s). Please contact your system '
               'administrator.\n\nOperation: %(operation)s')

# has_group for a non-internal user asking about someone else:
# odoo/addons/base/models/res_users.py, Users.has_group (the typo is Odoo's).
HAS_GROUP_ERROR = "You can ony call user.has_group() with your current user."

# (model, field) -> groups= of the field.  addons/account/models/partner.py:
# credit, debit and total_invoiced of res.partner (inherited by res.users
# through _inherits) are groups='account.group_account_invoice,
# account.group_account_readonly'; product.product/template standard_price is
# groups='base.group_user' (addons/product/models/product_template.py).
_ACCOUNT = "account.group_account_invoice,account.group_account_readonly"
FIELD_GROUPS = {
    ("res.partner", "credit"): _ACCOUNT,
    ("res.partner", "debit"): _ACCOUNT,
    ("res.partner", "total_invoiced"): _ACCOUNT,
    ("res.users", "credit"): _ACCOUNT,
    ("res.users", "debit"): _ACCOUNT,
    ("res.users", "total_invoiced"): _ACCOUNT,
    ("product.product", "standard_price"): "base.group_user",
    ("product.template", "standard_price"): "base.group_user",
}


def _commercial_partner(env):
    user = env.user or {}
    partner = user.get("partner_id")
    return env["res.partner"]._commercial(partner) if partner else False


# ir.rule records: (model, name, groups (empty: global), (read, write, create,
# unlink), domain_force as a function of env).  Source: addons/sale/security/
# sale_security.xml (Odoo 18: sale_order_personal_rule, sale_order_see_all,
# sale_order_rule_portal, sale_order_line_personal_rule, sale_order_line_see_all,
# sale_order_line_rule_portal).  Odoo 18's portal rules test the followers
# (message_partner_ids child_of the commercial partner); the simulator has no
# followers, and the customer follows their orders, so partner_id stands in.
# The multi-company rules are left out (one company).
RULES = (
    ("sale.order", "Personal Orders", ("sales_team.group_sale_salesman",), (1, 1, 1, 1),
     lambda env: ["|", ("user_id", "=", env.uid), ("user_id", "=", False)]),
    ("sale.order", "All Orders", ("sales_team.group_sale_salesman_all_leads",), (1, 1, 1, 1),
     lambda env: [(1, "=", 1)]),
    ("sale.order", "Portal Personal Quotations/Sales Orders", ("base.group_portal",),
     (1, 0, 0, 0),
     lambda env: [("partner_id", "child_of", [_commercial_partner(env)])]),
    ("sale.order.line", "Personal Order Lines", ("sales_team.group_sale_salesman",),
     (1, 1, 1, 1),
     lambda env: ["|", ("salesman_id", "=", env.uid), ("salesman_id", "=", False)]),
    ("sale.order.line", "All Orders Lines", ("sales_team.group_sale_salesman_all_leads",),
     (1, 1, 1, 1),
     lambda env: [(1, "=", 1)]),
    ("sale.order.line", "Portal Sales Orders Line", ("base.group_portal",), (1, 0, 0, 0),
     lambda env: [("order_id.partner_id", "child_of", [_commercial_partner(env)])]),
    # addons/purchase/security/purchase_security.xml portal_purchase_order_user_rule and
    # portal_purchase_order_line_rule (followers there too: partner_id stands in).
    ("purchase.order", "Portal Purchase Orders", ("base.group_portal",), (1, 0, 0, 0),
     lambda env: [("partner_id", "child_of", [_commercial_partner(env)])]),
    ("purchase.order.line", "Portal Purchase Orders Line", ("base.group_portal",),
     (1, 0, 0, 0),
     lambda env: [("order_id.partner_id", "child_of", [_commercial_partner(env)])]),
    # addons/account/security/account_security.xml account_invoice_rule_portal: the posted
    # invoices and bills of the user's commercial partner.
    ("account.move", "Portal Personal Account Invoices", ("base.group_portal",), (1, 0, 0, 0),
     lambda env: [("state", "not in", ("cancel", "draft")),
                  ("partner_id", "child_of", [_commercial_partner(env)])]),
    ("account.move.line", "Portal Invoice Lines", ("base.group_portal",), (1, 0, 0, 0),
     lambda env: [("move_id.partner_id", "child_of", [_commercial_partner(env)])]),
)


def closure(groups):
    """groups with every group they imply."""
    result = set()
    todo = list(groups)
    while todo:
        group = todo.pop()
        if group in result or group not in GROUPS:
            continue
        result.add(group)
        todo.extend(GROUPS[group][2])
    return result


def user_groups(store, uid):
    """The groups of user uid, implied ones included."""
    row = store.tables["res.users"].get(uid) or {}
    return closure(row.get("_groups") or ())


def has_groups(groups, spec):
    """Odoo's res.users.has_groups on a set of groups: comma-separated xml
    ids, '!' negates; '.' is never satisfied."""
    if spec == ".":
        return False
    positives, negatives = [], []
    for ext_id in spec.split(","):
        ext_id = ext_id.strip()
        if ext_id.startswith("!"):
            negatives.append(ext_id[1:])
        else:
            positives.append(ext_id)
    if any(ext_id in groups for ext_id in negatives):
        return False
    if any(ext_id in groups for ext_id in positives):
        return True
    return not positives


def is_superuser(env):
    return env.uid == SUPERUSER_ID


def env_groups(env):
    """The calling user's groups, computed once per call."""
    key = ("groups", env.uid)
    groups = env.cache.get(key)
    if groups is None:
        groups = env.cache[key] = user_groups(env.store, env.uid)
    return groups


def model_allows(env, model, operation):
    """ir.model.access.check without raising."""
    if is_superuser(env):
        return True
    index = OPERATIONS.index(operation)
    groups = env_groups(env)
    return any(row[0] == model and row[2 + index] and (row[1] is None or row[1] in groups)
               for row in ACCESS)


# Odoo 19 renamed the user-type groups (base_groups.xml: "Role / User",
# "Role / Administrator", no category), and its access rights on products
# differ from 18's (new product.group_product_manager "Products/Create",
# read for stock/purchase users and account.group_account_readonly): the
# lists below are the ones the Odoo 19 captures show
# (odoo19/json2/err_access_error_*).
GROUP_NAMES_19 = {"base.group_user": "Role / User", "base.group_system": "Role / Administrator"}
GROUPS_WITH_ACCESS_19 = {
    ("product.product", "read"): ["Inventory/User", "Products/Create", "Purchase/User",
                                  "Role / User", "Show Accounting Features - Readonly"],
}


def group_names_with_access(model, operation, version=18):
    """ir.model.access.group_names_with_access: 'Category/Name', ordered by
    category then name (groups without a category last)."""
    if version >= 19 and (model, operation) in GROUPS_WITH_ACCESS_19:
        return list(GROUPS_WITH_ACCESS_19[(model, operation)])
    index = OPERATIONS.index(operation)
    names = []
    for row in ACCESS:
        if row[0] == model and row[1] is not None and row[2 + index]:
            if version >= 19 and row[1] in GROUP_NAMES_19:
                names.append((False, "", GROUP_NAMES_19[row[1]]))
                continue
            category, name, _implied = GROUPS[row[1]]
            names.append((category is None, category or "", name))
    return ["%s/%s" % (category, name) if category else name
            for _none, category, name in sorted(set(names))]


def access_error(model, description, operation, version=18):
    """The AccessError of ir.model.access for operation on model."""
    header = ACCESS_ERROR_HEADER[operation] % {"document_kind": description or model,
                                               "document_model": model}
    groups = "\n".join("\t- %s" % name
                       for name in group_names_with_access(model, operation, version))
    info = ACCESS_ERROR_GROUPS % {"groups_list": groups} if groups else ACCESS_ERROR_NOGROUP
    return AccessError("%s\n\n%s\n\n%s" % (header, info, ACCESS_ERROR_RESOLUTION))


def check_model_access(env, model, description, operation):
    """Raise ir.model.access's AccessError unless the user may do operation on model."""
    if not model_allows(env, model, operation):
        raise access_error(model, description, operation, env.registry.version)


def rule_domain(env, model, operation):
    """ir.rule._compute_domain: None when no rule restricts the user, else a domain
    (the user's group rules OR-ed, AND-ed with the global rules)."""
    if is_superuser(env):
        return None
    index = OPERATIONS.index(operation)
    groups = env_groups(env)
    global_domains, group_domains = [], []
    for rule_model, _name, rule_groups, perms, domain in RULES:
        if rule_model != model or not perms[index]:
            continue
        if not rule_groups:
            global_domains.append(domain(env))
        elif any(group in groups for group in rule_groups):
            group_domains.append(domain(env))
    if not global_domains and not group_domains:
        return None
    result = []
    if group_domains:
        result += ["|"] * (len(group_domains) - 1)
        for domain in group_domains:
            result += domain
    for domain in global_domains:
        result = ["&"] + result + domain if result else list(domain)
    return result


def rule_error(env, model, description, operation):
    """The AccessError of ir.rule for records of model the user may not touch."""
    user = env.user or {}
    name = env["res.users"]._value(env.uid, "name") if user else ""
    return AccessError(RULE_ERROR % {"user": "%s (id=%s)" % (name, env.uid),
                                     "operation": operation, "description": description or model,
                                     "model": model})


def field_allowed(env, model, fname):
    """Whether the user may access field fname of model (its groups=)."""
    spec = FIELD_GROUPS.get((model, fname))
    if spec is None or is_superuser(env):
        return True
    return has_groups(env_groups(env), spec)


def field_error(model, description, fname, operation):
    return AccessError(FIELD_ERROR % {"field": fname, "document_kind": description or model,
                                      "document_model": model, "operation": operation})
