"""security.py: Odoo 18's access rights (ir.model.access) and record rules (ir.rule)
for the simulated models, and the users' groups.

Modelled on Odoo 18's own security files: base/security/ir.model.access.csv
(res.partner: read for internal and portal users, full rights for "Extra
Rights / Contact Creation"; res.country read for everyone, writes for
Settings), product/security/ir.model.access.csv and sale's (products and
categories: read for internal users, writes for "Sales / Administrator"),
sale/security/ir.model.access.csv (sale.order and its lines: full rights for
"Sales / User: Own Documents Only", read for portal users) and
sale/security/sale_security.xml (the rules "Personal Orders" and "Personal
Order Lines" for that group: user_id = the user or empty; "All Orders" for
"User: All Documents"; the portal rule: the orders of the user's commercial
partner).  res.groups's implied groups are already expanded in each user's
set (has_group answers on the effective groups, as res_users.py does).
"""

INTERNAL = "base.group_user"
PORTAL = "base.group_portal"
PUBLIC = "base.group_public"
SYSTEM = "base.group_system"
PARTNER_MANAGER = "base.group_partner_manager"
SALESMAN = "sales_team.group_sale_salesman"
ALL_LEADS = "sales_team.group_sale_salesman_all_leads"
SALE_MANAGER = "sales_team.group_sale_manager"

# Every group the simulator knows (has_group of any other XML id is Odoo's ValueError).
KNOWN = (INTERNAL, PORTAL, PUBLIC, SYSTEM, PARTNER_MANAGER, SALESMAN, ALL_LEADS, SALE_MANAGER,
         "base.group_erp_manager", "base.group_no_one", "product.group_product_manager")

_EVERYONE = (INTERNAL, PORTAL, PUBLIC)
_PRODUCT = {"read": (INTERNAL,), "write": (SALE_MANAGER, "product.group_product_manager"),
            "create": (SALE_MANAGER, "product.group_product_manager"),
            "unlink": (SALE_MANAGER, "product.group_product_manager")}
_SALE = {"read": (SALESMAN, PORTAL), "write": (SALESMAN,), "create": (SALESMAN,), "unlink": (SALESMAN,)}

# model -> operation -> the groups any of which grants it.
ACL = {
    "product.product": _PRODUCT,
    "product.template": _PRODUCT,
    "product.category": _PRODUCT,
    "uom.uom": {"read": (INTERNAL,), "write": (SYSTEM,), "create": (SYSTEM,), "unlink": (SYSTEM,)},
    "res.partner": {"read": _EVERYONE, "write": (PARTNER_MANAGER,), "create": (PARTNER_MANAGER,),
                    "unlink": (PARTNER_MANAGER,)},
    "res.country": {"read": _EVERYONE, "write": (SYSTEM,), "create": (SYSTEM,), "unlink": (SYSTEM,)},
    "sale.order": _SALE,
    "sale.order.line": _SALE,
    "res.users": {"read": _EVERYONE, "write": (SYSTEM,), "create": (SYSTEM,), "unlink": (SYSTEM,)},
}

ADMIN_GROUPS = frozenset((INTERNAL, SYSTEM, "base.group_erp_manager", PARTNER_MANAGER, SALESMAN, ALL_LEADS,
                          SALE_MANAGER, "product.group_product_manager", "base.group_no_one"))

# Odoo 18 ir_rule.py _make_access_error (the record-rule refusal).
RULE_ERROR = ("Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
              "Sorry, %s (id=%d) doesn't have '%s' access to:\n%s\n\n"
              "If you really, really need access, perhaps you can win over your friendly "
              "administrator with a batch of freshly baked cookies.")


def groups_of(env):
    """The calling user's effective groups (the superuser has them all)."""
    if env.uid == 1:
        return ADMIN_GROUPS
    user = env.user
    return user.get("_groups", frozenset()) if user else frozenset()


def allowed(env, model, operation):
    """Whether ir.model.access grants operation on model to the calling user."""
    if env.uid == 1:
        return True
    acl = ACL.get(model)
    if acl is None:
        return INTERNAL in groups_of(env) or operation == "read"
    return bool(groups_of(env) & set(acl[operation]))


def rule_predicate(recs, operation):
    """A function rid -> bool for the ir.rule domains of the calling user on recs's model, or None."""
    env = recs.env
    model = recs._name
    if model not in ("sale.order", "sale.order.line") or env.uid == 1:
        return None
    groups = groups_of(env)
    if ALL_LEADS in groups:
        return None
    orders = env["sale.order"]
    if SALESMAN in groups:
        def own(order_id):
            salesman = orders._value(order_id, "user_id")
            return salesman in (False, env.uid)
    elif PORTAL in groups:
        if operation != "read":
            return lambda rid: False
        partner = env.user.get("partner_id")
        parent = env["res.partner"]._value(partner, "parent_id") if partner else False
        commercial = {p for p in (partner, parent) if p}

        def own(order_id):
            return orders._value(order_id, "partner_id") in commercial or \
                env["res.partner"]._value(orders._value(order_id, "partner_id"), "parent_id") in commercial
    else:
        return lambda rid: False
    if model == "sale.order":
        return own
    lines = env["sale.order.line"]
    return lambda rid: own(lines._value(rid, "order_id"))
