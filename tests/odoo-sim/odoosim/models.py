"""models.py: the simulated Odoo models: their order, display names, computed fields and rules.

Only what a client of the REST bridge can observe is simulated: the values
fields_get announces (with Odoo's empty values for the rest), the sale amounts
and workflow of WORKFLOW.txt, and the constraints whose faults are captured.
"""

import datetime

from . import security
from .errors import AccessError, ServerError, UserError, ValidationError
from .orm import CONSTRAINT, BaseModel, api_model, decimal_round, records_repr

# account.tax is not simulated: tax id -> percentage (see demo.STUB_NAMES).
TAX_RATES = {1: 15.0, 2: 15.0}

CANCEL_VIEW_ID = 1347
CANCEL_TEMPLATE_ID = 17


class _Unique:
    """A mixin for models with SQL UNIQUE constraints: (field, message)."""

    _unique = ()

    def _check_unique(self, rid, row):
        for fname, message in self._unique:
            value = row.get(fname)
            if value is False or value is None:
                continue
            for other, other_row in self._table.items():
                if other != rid and other_row.get(fname) == value:
                    raise ValidationError(CONSTRAINT % message)


class _Hierarchy:
    """A mixin for models with a parent_id that must not loop."""

    _parent_name = "parent_id"
    _cycle_message = "You cannot create recursive records."

    def _check_cycle(self, rid, row):
        seen = {rid}
        parent = row.get(self._parent_name)
        while parent:
            if parent in seen:
                raise ValidationError(self._cycle_message)
            seen.add(parent)
            parent = self._table.get(parent, {}).get(self._parent_name)


class ResCountry(_Unique, BaseModel):
    """res.country: ids and codes as in Odoo's res_country_data.xml."""

    _name = "res.country"
    _description = "Country"
    _order = "name"
    _rec_names_search = ("name", "code")
    _unique = (("name", "The name of the country must be unique!"),
               ("code", "The code of the country must be unique!"))
    _defaults = {"name_position": "before", "state_required": False, "zip_required": True}

    def _prepare_create(self, vals):
        if vals.get("code"):
            vals["code"] = str(vals["code"]).upper()
        return vals

    def _before_write(self, vals):
        self._prepare_create(vals)

    def _check_row(self, rid, row):
        self._check_unique(rid, row)


class ResLang(BaseModel):
    """res.lang: the languages Odoo knows; the active ones are installed.  As the captured
    server, only en_US is installed; a test installs another by making it active, as
    Odoo's Settings > Languages does (without loading translations: the simulator keeps
    answering its messages in English)."""

    _name = "res.lang"
    _description = "Languages"
    _order = "active desc,name"
    _defaults = {"active": False, "direction": "ltr"}
    # No capture holds res.lang's fields_get: these are odoo/addons/base/models/res_lang.py's
    # (Odoo 17-19), reduced to the ones a client reads.
    _schema_uncaptured = {
        "id": {"type": "integer", "string": "ID", "readonly": True, "required": False,
               "searchable": True, "sortable": True, "store": True},
        "name": {"type": "char", "string": "Name", "readonly": False, "required": True,
                 "searchable": True, "sortable": True, "store": True},
        "code": {"type": "char", "string": "Locale Code", "readonly": False, "required": True,
                 "searchable": True, "sortable": True, "store": True},
        "iso_code": {"type": "char", "string": "ISO code", "readonly": False, "required": False,
                     "searchable": True, "sortable": True, "store": True},
        "url_code": {"type": "char", "string": "URL Code", "readonly": False, "required": True,
                     "searchable": True, "sortable": True, "store": True},
        "active": {"type": "boolean", "string": "Active", "readonly": False, "required": False,
                   "searchable": True, "sortable": True, "store": True},
        "direction": {"type": "selection", "string": "Direction", "readonly": False,
                      "required": True, "searchable": True, "sortable": True, "store": True,
                      "selection": [["ltr", "Left-to-Right"], ["rtl", "Right-to-Left"]]},
        "display_name": {"type": "char", "string": "Display Name", "readonly": True,
                         "required": False, "searchable": False, "sortable": False,
                         "store": False},
    }


def installed_langs(env):
    """The codes of the active languages: what Odoo accepts as a context lang (odoo/api.py
    raises UserError "Invalid language code: %s" for any other)."""
    table = env.store.tables.get("res.lang", {})
    return {row.get("code") for row in table.values() if row.get("active")}


class UomUom(BaseModel):
    """uom.uom: units of measure (their categories are not simulated)."""

    _name = "uom.uom"
    _description = "Product Unit of Measure"
    _order = "factor DESC, id"
    _defaults = {"active": True, "factor": 1.0, "rounding": 0.01, "uom_type": "reference"}

    def _compute_factor_inv(self, rid):
        factor = self._value(rid, "factor")
        return 1.0 / factor if factor else 0.0


class ProductCategory(_Hierarchy, BaseModel):
    """product.category: a tree shown by its complete name."""

    _name = "product.category"
    _description = "Product Category"
    _order = "complete_name"
    _rec_name = "complete_name"
    _rec_names_search = ("complete_name",)
    _o2m = {"child_id": ("product.category", "parent_id")}
    _ondelete = {"parent_id": "cascade"}
    _cycle_message = "You cannot create recursive categories."
    _defaults = {"property_cost_method": "standard", "property_valuation": "_default_valuation"}

    def _default_valuation(self, vals):
        # Odoo 19 renamed the selection key manual_periodic to periodic.
        return "periodic" if self.env.registry.version >= 19 else "manual_periodic"

    def _compute_complete_name(self, rid):
        name = self._table[rid].get("name") or ""
        parent = self._table[rid].get("parent_id")
        if parent and parent in self._table:
            return "%s / %s" % (self._value(parent, "complete_name"), name)
        return name

    def _compute_display_name(self, rid):
        return self._value(rid, "complete_name")

    def _compute_parent_path(self, rid):
        path = []
        current = rid
        while current and current in self._table:
            path.insert(0, str(current))
            current = self._table[current].get("parent_id")
        return "/".join(path) + "/"

    def _compute_product_count(self, rid):
        family = self._family([rid], up=False)
        templates = self.env.store.tables["product.template"].values()
        return sum(1 for row in templates if row.get("categ_id") in family)

    def _check_row(self, rid, row):
        self._check_cycle(rid, row)


class ProductTemplate(BaseModel):
    """product.template: what variants share (name, prices, category, type...)."""

    _name = "product.template"
    _description = "Product"
    _order = "name, id"
    _rec_names_search = ("name", "default_code")
    _o2m = {"product_variant_ids": ("product.product", "product_tmpl_id")}
    _digits = {"list_price": 2}
    _defaults = {
        "active": True, "type": "consu", "categ_id": 1, "uom_id": 1, "uom_po_id": 1,
        "list_price": 1.0, "sale_ok": True, "purchase_ok": True, "is_storable": False,
        "tracking": "none", "sale_line_warn": "no-message", "purchase_line_warn": "no-message",
        "service_tracking": "no", "invoice_policy": "order", "expense_policy": "no",
        "purchase_method": "receive", "service_type": "manual", "sequence": 1,
    }

    def _variants(self, rid):
        return [vid for vid, row in self.env.store.tables["product.product"].items()
                if row.get("product_tmpl_id") == rid]

    def _compute_default_code(self, rid):
        variants = self._variants(rid)
        if len(variants) == 1:
            return self.env.store.tables["product.product"][variants[0]].get("default_code", False)
        return False

    def _compute_display_name(self, rid):
        name = self._table[rid].get("name") or ""
        code = self._value(rid, "default_code")
        return "[%s] %s" % (code, name) if code else name

    def _compute_product_variant_count(self, rid):
        return len(self._value(rid, "product_variant_ids"))

    def _compute_product_variant_id(self, rid):
        variants = self._value(rid, "product_variant_ids")
        return variants[0] if variants else False

    def _compute_qty_available(self, rid):
        products = self.env["product.product"]
        return float(sum(products._value(vid, "qty_available") for vid in self._variants(rid)))

    def _compute_virtual_available(self, rid):
        return self._value(rid, "qty_available")

    def _compute_currency_id(self, rid):
        return 1

    def _compute_cost_currency_id(self, rid):
        return 1

    def _compute_uom_name(self, rid):
        uom = self._value(rid, "uom_id")
        return self._m2o_display("uom_id", uom) if uom else False


class ProductProduct(BaseModel):
    """product.product: variants, which take most fields from their template."""

    _name = "product.product"
    _description = "Product Variant"
    # Odoo: "is_favorite desc, default_code, name, id"; nothing is a favourite here.
    _order = "default_code, name, id"
    _rec_names_search = ("display_name", "default_code", "barcode")
    _inherits = {"product.template": "product_tmpl_id"}
    _unlink_orphan_parents = True
    _ondelete = {"product_tmpl_id": "cascade"}
    _digits = {"standard_price": 2}
    _defaults = {"active": True}

    def _compute_display_name(self, rid):
        row = self._table[rid]
        name = self._value(rid, "name") or ""
        if row.get("_variant"):
            name = "%s (%s)" % (name, row["_variant"])
        code = row.get("default_code")
        return "[%s] %s" % (code, name) if code else name

    def _compute_price_extra(self, rid):
        return self._table[rid].get("_price_extra", 0.0)

    def _compute_lst_price(self, rid):
        return self._value(rid, "list_price") + self._value(rid, "price_extra")

    def _inverse_lst_price(self, rid, value):
        template = self._table[rid]["product_tmpl_id"]
        self.env["product.template"]._browse([template])._update(
            {"list_price": float(value or 0.0) - self._value(rid, "price_extra")})

    def _compute_qty_available(self, rid):
        return float(self._table[rid].get("_qty", 0.0))

    def _compute_virtual_available(self, rid):
        return self._value(rid, "qty_available")

    def _compute_free_qty(self, rid):
        return self._value(rid, "qty_available")

    def _compute_code(self, rid):
        return self._table[rid].get("default_code", False)

    def _compute_partner_ref(self, rid):
        return self._value(rid, "display_name")

    def _compute_is_product_variant(self, rid):
        return True

    def _check_row(self, rid, row):
        barcode = row.get("barcode")
        if not barcode:
            return
        for other, other_row in self._table.items():
            if other != rid and other_row.get("barcode") == barcode:
                raise ValidationError('Barcode(s) already assigned:\n\n- Barcode "%s" already '
                                      'assigned to product(s): %s'
                                      % (barcode, self._value(other, "display_name")))


class ResPartner(_Hierarchy, BaseModel):
    """res.partner: companies and their contacts, customers and suppliers."""

    _name = "res.partner"
    _description = "Contact"
    _order = "complete_name ASC, id DESC"
    _rec_name = "complete_name"
    _rec_names_search = ("complete_name", "email", "ref", "vat", "company_registry")
    _o2m = {"child_ids": ("res.partner", "parent_id"),
            "sale_order_ids": ("sale.order", "partner_id"),
            "user_ids": ("res.users", "partner_id")}
    _ondelete = {"parent_id": "set null", "country_id": "restrict"}
    _cycle_message = "You cannot create recursive Partner hierarchies."
    _defaults = {
        "active": True, "type": "contact", "lang": "en_US", "is_company": False,
        "customer_rank": "_default_customer_rank", "supplier_rank": "_default_supplier_rank",
        "autopost_bills": "always", "invoice_sending_method": "email", "color": 0,
        "trust": "normal",
    }

    def _default_customer_rank(self, vals):
        return 1 if self.env.context.get("res_partner_search_mode") == "customer" else 0

    def _default_supplier_rank(self, vals):
        return 1 if self.env.context.get("res_partner_search_mode") == "supplier" else 0

    def _commercial(self, rid):
        row = self._table[rid]
        parent = row.get("parent_id")
        if row.get("is_company") or not parent or parent not in self._table:
            return rid
        return self._commercial(parent)

    def _compute_commercial_partner_id(self, rid):
        return self._commercial(rid)

    def _compute_commercial_company_name(self, rid):
        commercial = self._commercial(rid)
        row = self._table[commercial]
        return row.get("name") or False if row.get("is_company") else \
            (row.get("company_name") or False)

    def _compute_complete_name(self, rid):
        row = self._table[rid]
        name = row.get("name") or ""
        parent = row.get("parent_id")
        if row.get("company_name") or parent:
            if not name and row.get("type") in ("invoice", "delivery", "other"):
                name = {"invoice": "Invoice Address", "delivery": "Delivery Address",
                        "other": "Other Address"}[row["type"]]
            if not row.get("is_company"):
                company = self._value(rid, "commercial_company_name") or \
                    (self._table[parent].get("name") if parent in self._table else "")
                name = "%s, %s" % (company, name)
        return name.strip()

    def _compute_display_name(self, rid):
        return self._value(rid, "complete_name")

    def _compute_company_type(self, rid):
        return "company" if self._table[rid].get("is_company") else "person"

    def _compute_email_normalized(self, rid):
        email = self._table[rid].get("email")
        return email.strip().lower() if email else False

    def _compute_partner_share(self, rid):
        users = self.env["res.users"]
        return not any(row.get("partner_id") == rid and not users._value(uid, "share")
                       for uid, row in users._table.items())

    def _compute_sale_order_count(self, rid):
        return len(self._value(rid, "sale_order_ids"))

    def _compute_contact_address(self, rid):
        row = self._table[rid]
        country = row.get("country_id")
        parts = [row.get("street"), row.get("street2"),
                 " ".join(p for p in (row.get("city"), row.get("zip")) if p),
                 self.env["res.country"]._display(country) if country else ""]
        return "\n".join(p for p in parts if p) or False

    def _compute_country_code(self, rid):
        country = self._table[rid].get("country_id")
        return self.env["res.country"]._value(country, "code") if country else False

    def _check_row(self, rid, row):
        if row.get("type", "contact") == "contact" and not row.get("name"):
            raise ValidationError(CONSTRAINT % "Contacts require a name")
        self._check_cycle(rid, row)


class ResUsers(_Unique, BaseModel):
    """res.users: the users who log in; name and email come from their partner."""

    _name = "res.users"
    _description = "User"
    _order = "name, login"
    _rec_names_search = ("name", "login")
    _inherits = {"res.partner": "partner_id"}
    _unique = (("login", "You can not have two users with the same login!"),)
    _defaults = {"active": True, "company_id": 1, "company_ids": [1],
                 "notification_type": "email"}

    def _compute_display_name(self, rid):
        return self._value(rid, "name")

    def _compute_share(self, rid):
        # res_users.py _compute_share: not a member of base.group_user.
        return "base.group_user" not in security.user_groups(self.env.store, rid)

    def _ensure_one(self):
        if len(self._ids) != 1:
            raise ServerError("ValueError", "Expected singleton: %s"
                              % records_repr(self._name, self._ids))

    def has_group(self, group_ext_id):
        """res_users.py Users.has_group (Odoo 18, @api.readonly): whether the user
        belongs to the group (implied groups included); an unknown xml id is not
        an error, just False.  A non-internal caller may ask about itself only.
        base.group_no_one counts only in debug mode, which XML-RPC never is."""
        self._ensure_one()
        env = self.env
        if not (security.is_superuser(env) or self._ids[0] == env.uid
                or "base.group_user" in security.env_groups(env)):
            raise AccessError(security.HAS_GROUP_ERROR)
        self._check_exist()
        if group_ext_id == "base.group_no_one":
            return False
        return group_ext_id in security.user_groups(env.store, self._ids[0])

    def has_groups(self, group_spec):
        """res_users.py Users.has_groups: comma-separated xml ids, '!' negates;
        negatives are checked first, then any positive; '.' is never satisfied."""
        self._ensure_one()
        if group_spec == ".":
            return False
        positives, negatives = [], []
        for ext_id in group_spec.split(","):
            ext_id = ext_id.strip()
            (negatives if ext_id.startswith("!") else positives).append(ext_id.lstrip("!"))
        if any(self.has_group(ext_id) for ext_id in negatives):
            return False
        if any(self.has_group(ext_id) for ext_id in positives):
            return True
        return not positives

    @api_model
    def context_get(self):
        """res.users.context_get (@api.model): the calling user's lang, tz and uid.
        The simulated users have no time zone set; Odoo's demo admin is in
        Europe/Brussels, which every user gets here."""
        users = self.env["res.users"]
        lang = users._value(self.env.uid, "lang") if self.env.uid in users._table else False
        return {"lang": lang or "en_US", "tz": "Europe/Brussels", "uid": self.env.uid}

    def _compute_password(self, rid):
        return ""

    def _inverse_password(self, rid, value):
        if value:
            self.env.store.passwords[rid] = value

    def _compute_new_password(self, rid):
        return ""

    def _inverse_new_password(self, rid, value):
        self._inverse_password(rid, value)

    def _check_row(self, rid, row):
        self._check_unique(rid, row)


class _Totals:
    """The header totals of a document computed from its lines, with taxes
    rounded per line as Odoo's default (sale.order, purchase.order,
    account.move): _LINES names the line model and the one2many."""

    _LINES = (None, None)

    @staticmethod
    def _counts(lines, line):
        """Whether a line counts (section and note lines do not)."""
        return not lines._value(line, "display_type")

    def _lines(self, rid):
        model, field = self._LINES
        lines = self.env[model]
        return [line for line in self._value(rid, field) if self._counts(lines, line)]

    def _totals(self, rid):
        """(untaxed, tax, total)."""
        key = ("totals", self._name, rid)
        totals = self.env.cache.get(key)
        if totals is None:
            totals = self.env.cache[key] = _sum_rounded(self._lines(rid), self.env[self._LINES[0]]._raw_amounts)
        return totals

    def _compute_amount_untaxed(self, rid):
        return self._totals(rid)[0]

    def _compute_amount_tax(self, rid):
        return self._totals(rid)[1]

    def _compute_amount_total(self, rid):
        return self._totals(rid)[2]


class SaleOrder(_Totals, BaseModel):
    """sale.order: quotations and orders, with the workflow of WORKFLOW.txt."""

    _name = "sale.order"
    _LINES = ("sale.order.line", "order_line")
    _description = "Sales Order"
    _order = "date_order desc, id desc"
    _rec_names_search = ("name",)
    _o2m = {"order_line": ("sale.order.line", "order_id")}
    _defaults = {
        "state": "draft", "date_order": "_default_now", "company_id": 1, "currency_id": 1,
        "user_id": "_default_user", "team_id": 1, "picking_policy": "direct", "warehouse_id": 1,
        "partner_invoice_id": "_default_address", "partner_shipping_id": "_default_address",
        "validity_date": "_default_validity", "require_signature": True,
        "require_payment": False, "prepayment_percent": 1.0, "locked": False,
        "currency_rate": 1.0,
    }

    def _default_now(self, vals):
        return self.env.now

    def _default_user(self, vals):
        return self.env.uid

    def _default_address(self, vals):
        return vals.get("partner_id") or False

    def _default_validity(self, vals):
        return (datetime.date.today() + datetime.timedelta(days=30)).isoformat()

    def _prepare_create(self, vals):
        # The number is taken before the INSERT, so a failed create still uses one.
        if vals.get("name", "New") == "New":
            store = self.env.store
            vals["name"] = "S%05d" % store.sequences["sale.order"]
            store.sequences["sale.order"] += 1
        return vals

    def _before_write(self, vals):
        if vals.get("partner_id"):
            vals.setdefault("partner_invoice_id", vals["partner_id"])
            vals.setdefault("partner_shipping_id", vals["partner_id"])

    def _before_unlink(self):
        for rid in self._ids:
            if self._value(rid, "state") not in ("draft", "cancel"):
                raise UserError("You can not delete a sent quotation or a confirmed sales order. "
                                "You must first cancel it.")

    def _compute_amount_undiscounted(self, rid):
        lines = self.env["sale.order.line"]
        return float(sum(lines._value(line, "product_uom_qty") * lines._value(line, "price_unit")
                         for line in self._lines(rid)))

    def _compute_type_name(self, rid):
        return "Sales Order" if self._value(rid, "state") == "sale" else "Quotation"

    def _compute_invoice_status(self, rid):
        return "to invoice" if self._value(rid, "state") == "sale" and self._lines(rid) else "no"

    def _compute_access_url(self, rid):
        return "/my/orders/%d" % rid

    def _compute_display_name(self, rid):
        return self._table[rid].get("name") or ""

    def _check_write(self):
        self._check_access("write")
        self._check_rules("write")
        self._check_exist()

    def action_confirm(self):
        """Quotation -> sales order; refused for orders already confirmed or cancelled."""
        self._check_write()
        if any(self._value(rid, "state") not in ("draft", "sent") for rid in self._ids):
            raise UserError("Some orders are not in a state requiring confirmation.")
        self._update({"state": "sale", "date_order": self.env.now})
        return True

    def action_cancel(self):
        """Cancel.  Odoo 18: a non-draft order only with context disable_cancel_warning
        (else the sale.order.cancel wizard's action); Odoo 19 has no wizard and
        cancels at once."""
        self._check_write()
        version = self.env.registry.version
        if any(self._value(rid, "locked") for rid in self._ids):
            raise UserError("You cannot cancel a locked order. Please unlock it first."
                            if version >= 19 else "You cannot cancel a locked order. Please "
                            "unlock it first if you want to cancel it.")
        if version < 19 and not self.env.context.get("disable_cancel_warning") and \
                any(self._value(rid, "state") != "draft" for rid in self._ids):
            if len(self._ids) != 1:
                raise ServerError("ValueError", "Expected singleton: %r" % (self,))
            rid = self._ids[0]
            return {
                "name": "Cancel %s" % self._value(rid, "type_name"),
                "view_mode": "form",
                "res_model": "sale.order.cancel",
                "view_id": CANCEL_VIEW_ID,
                "type": "ir.actions.act_window",
                "context": {"default_order_id": rid, "mark_so_as_canceled": True,
                            "default_template_id": CANCEL_TEMPLATE_ID},
                "target": "new",
            }
        self._update({"state": "cancel"})
        return True

    def action_draft(self):
        """Cancelled or sent -> draft; other orders are left as they are."""
        self._check_write()
        orders = [rid for rid in self._ids if self._value(rid, "state") in ("cancel", "sent")]
        return self._browse(orders)._update({"state": "draft", "signature": False,
                                             "signed_by": False, "signed_on": False})

    def action_quotation_sent(self):
        """Draft -> sent, as when the quotation is e-mailed."""
        self._check_write()
        if any(self._value(rid, "state") != "draft" for rid in self._ids):
            raise UserError("Only draft orders can be marked as sent directly.")
        return self._update({"state": "sent"})

    def action_lock(self):
        """Lock confirmed orders against changes.  Returns None, as Odoo's does
        (XML-RPC cannot marshal it: faultCode 1 after the change is made)."""
        self._check_write()
        self._update({"locked": True})

    def action_unlock(self):
        """Unlock orders (returns None, as Odoo's does)."""
        self._check_write()
        self._update({"locked": False})


class SaleOrderLine(BaseModel):
    """sale.order.line: order lines; prices and taxes computed as Odoo 18 does."""

    _name = "sale.order.line"
    _description = "Sales Order Line"
    _order = "order_id, sequence, id"
    _ondelete = {"order_id": "cascade", "product_id": "restrict"}
    _digits = {"price_unit": 2, "product_uom_qty": 2, "discount": 2, "qty_delivered": 2}
    _defaults = {
        "sequence": 10, "product_uom_qty": 1.0, "discount": 0.0, "customer_lead": 0.0,
        "name": "_default_name", "price_unit": "_default_price_unit",
        "product_uom": "_default_uom", "is_downpayment": False, "is_expense": False,
        "qty_delivered": 0.0,
    }

    def _product(self, vals):
        product = vals.get("product_id")
        products = self.env["product.product"]
        if type(product) is int and product in products._table:
            return products, product
        if type(product) is int and product:
            # As Odoo: the line's computes read the product first, which raises MissingError
            # ("Record does not exist or has been deleted. (Record: product.product(999999,), ...)").
            raise products._missing_error([product])
        return products, None

    def _default_name(self, vals):
        products, product = self._product(vals)
        if product is None:
            return False
        name = products._value(product, "display_name")
        description = products._value(product, "description_sale")
        return "%s\n%s" % (name, description) if description else name

    def _default_price_unit(self, vals):
        products, product = self._product(vals)
        return products._value(product, "lst_price") if product is not None else 0.0

    def _default_uom(self, vals):
        products, product = self._product(vals)
        return products._value(product, "uom_id") if product is not None else False

    def _order_value(self, rid, fname):
        order = self._table[rid].get("order_id")
        orders = self.env["sale.order"]
        return orders._value(order, fname) if order in orders._table else False

    def _raw_amounts(self, rid):
        """(untaxed, tax) of a line, not rounded."""
        if self._value(rid, "display_type"):
            return 0.0, 0.0
        base = (self._value(rid, "product_uom_qty") * self._value(rid, "price_unit")
                * (1.0 - self._value(rid, "discount") / 100.0))
        rate = sum(TAX_RATES.get(tax, 0.0) for tax in self._value(rid, self._fn("tax_id")))
        return base, base * rate / 100.0

    def _compute_price_subtotal(self, rid):
        return decimal_round(self._raw_amounts(rid)[0], 2)

    def _compute_price_total(self, rid):
        base, tax = self._raw_amounts(rid)
        return decimal_round(base + tax, 2)

    def _compute_price_tax(self, rid):
        # A float field, not monetary: Odoo stores the unrounded difference.
        return self._value(rid, "price_total") - self._value(rid, "price_subtotal")

    def _compute_price_reduce_taxexcl(self, rid):
        qty = self._value(rid, "product_uom_qty")
        return decimal_round(self._value(rid, "price_subtotal") / qty, 2) if qty else 0.0

    def _compute_price_reduce_taxinc(self, rid):
        qty = self._value(rid, "product_uom_qty")
        return decimal_round(self._value(rid, "price_total") / qty, 2) if qty else 0.0

    def _compute_state(self, rid):
        return self._order_value(rid, "state")

    def _compute_order_partner_id(self, rid):
        return self._order_value(rid, "partner_id")

    def _compute_salesman_id(self, rid):
        return self._order_value(rid, "user_id")

    def _compute_currency_id(self, rid):
        return self._order_value(rid, "currency_id")

    def _compute_company_id(self, rid):
        return self._order_value(rid, "company_id")

    def _compute_invoice_status(self, rid):
        return "to invoice" if self._value(rid, "state") == "sale" else "no"

    def _compute_qty_to_invoice(self, rid):
        return self._value(rid, "product_uom_qty") if self._value(rid, "state") == "sale" else 0.0

    def _compute_untaxed_amount_to_invoice(self, rid):
        return self._value(rid, "price_subtotal") if self._value(rid, "state") == "sale" else 0.0

    def _compute_display_name(self, rid):
        name = self._table[rid].get("name") or ""
        if name:
            name = name.split("\n")[0]
        elif self._table[rid].get("product_id"):
            name = self.env["product.product"]._value(self._table[rid]["product_id"], "name")
        return "%s - %s" % (self._order_value(rid, "name") or "", name)

    def _before_write(self, vals):
        if "product_id" not in vals:
            return
        for rid in self._ids:
            if self._value(rid, "state") == "cancel" and \
                    self._value(rid, "product_id") != vals["product_id"]:
                raise UserError("You cannot modify the product of this order line.")
        # A new product brings its price, description and unit, unless given.
        for key in ("price_unit", "name", "product_uom"):
            fname = self._fn(key)
            if fname not in vals:
                vals[fname] = self._default(key, vals)

    def _before_unlink(self):
        for rid in self._ids:
            if self._value(rid, "state") == "sale" and not self._value(rid, "display_type"):
                raise UserError(
                    "Once a sales order is confirmed, you can't remove one of its lines (we need "
                    "to track if something gets invoiced or delivered).\n"
                    "                Set the quantity to 0 instead.")

    def _check_row(self, rid, row):
        if not row.get("display_type") and not row.get("is_downpayment") and \
                not row.get("product_id"):
            raise ValidationError(CONSTRAINT % "Missing required fields on accountable sale "
                                  "order line.")


# ---- purchase, invoices, pickings ---------------------------------------------------------
# No capture holds these models: their fields (schemas.py) and behaviour follow Odoo 18's
# source (addons/purchase, purchase_stock, account, stock), as each docstring says.

# purchase_stock: cancelling an order cancels its receipts; a done one refuses
# (stock/models/stock_move.py StockMove._action_cancel).
DONE_MOVE_CANCEL = ("You cannot cancel a stock move that has been set to 'Done'. Create a return "
                    "in order to reverse the moves which took place.")


def _tax_amounts(base, taxes):
    """(untaxed, tax) of a line base with account.tax ids taxes, not rounded."""
    rate = sum(TAX_RATES.get(tax, 0.0) for tax in taxes)
    return base, base * rate / 100.0


def _sum_rounded(lines, raw_amounts):
    """(untaxed, tax, total) with taxes rounded per line, as Odoo's default."""
    untaxed = tax = 0.0
    for line in lines:
        base, line_tax = raw_amounts(line)
        untaxed += decimal_round(base, 2)
        tax += decimal_round(line_tax, 2)
    untaxed, tax = decimal_round(untaxed, 2), decimal_round(tax, 2)
    return untaxed, tax, decimal_round(untaxed + tax, 2)


class PurchaseOrder(_Totals, BaseModel):
    """purchase.order: requests for quotation and purchase orders (addons/purchase/models/
    purchase_order.py, Odoo 18), with purchase_stock's receipts."""

    _name = "purchase.order"
    _LINES = ("purchase.order.line", "order_line")
    _description = "Purchase Order"
    _order = "priority desc, id desc"
    _rec_names_search = ("name", "partner_ref")
    _o2m = {"order_line": ("purchase.order.line", "order_id")}
    _defaults = {
        "state": "draft", "date_order": "_default_now", "company_id": 1, "currency_id": 1,
        "user_id": "_default_user", "priority": "0", "picking_type_id": 1,
        "mail_reminder_confirmed": False, "mail_reception_confirmed": False,
        "locked": False,
    }

    def _default_now(self, vals):
        return self.env.now

    def _default_user(self, vals):
        return self.env.uid

    def _prepare_create(self, vals):
        # create(): name = ir.sequence 'purchase.order' (P00001...), taken before the INSERT.
        if vals.get("name", "New") == "New":
            store = self.env.store
            vals["name"] = "P%05d" % store.sequences["purchase.order"]
            store.sequences["purchase.order"] += 1
        return vals

    def _before_unlink(self):
        # PurchaseOrder._unlink_if_cancelled
        for rid in self._ids:
            if self._value(rid, "state") != "cancel":
                raise UserError("In order to delete a purchase order, you must cancel it first.")

    def _compute_amount_total_cc(self, rid):
        return self._totals(rid)[2]

    def _compute_currency_rate(self, rid):
        return 1.0

    def _compute_display_name(self, rid):
        name = self._table[rid].get("name") or ""
        ref = self._table[rid].get("partner_ref")
        return "%s (%s)" % (name, ref) if ref else name

    def _compute_date_planned(self, rid):
        # The earliest date of the lines; a date written on the order when it has none.
        lines = self.env["purchase.order.line"]
        dates = [lines._value(line, "date_planned") for line in self._lines(rid)]
        dates = [d for d in dates if d]
        return min(dates) if dates else self._table[rid].get("_date_planned", False)

    def _inverse_date_planned(self, rid, value):
        self._table[rid] = dict(self._table[rid], _date_planned=self._convert(
            "date_planned", value, ""))

    def _compute_date_calendar_start(self, rid):
        if self._value(rid, "state") in ("purchase", "done"):
            return self._value(rid, "date_approve")
        return self._value(rid, "date_order")

    def _compute_invoice_status(self, rid):
        lines = self.env["purchase.order.line"]
        if self._value(rid, "state") not in ("purchase", "done"):
            return "no"
        if any(lines._value(line, "qty_to_invoice") for line in self._lines(rid)):
            return "to invoice"
        return "no"

    def _compute_invoice_ids(self, rid):
        return []

    def _compute_invoice_count(self, rid):
        return 0

    def _compute_product_id(self, rid):
        lines = self._value(rid, "order_line")
        return self.env["purchase.order.line"]._value(lines[0], "product_id") if lines else False

    def _compute_company_currency_id(self, rid):
        return 1

    def _compute_country_code(self, rid):
        return "US"

    def _compute_tax_country_id(self, rid):
        return 233

    def _compute_access_url(self, rid):
        return "/my/purchase/%d" % rid

    def _compute_tax_totals(self, rid):
        return False

    def _pickings(self, rid):
        name = self._table[rid].get("name")
        pickings = self.env["stock.picking"]
        return [pid for pid in pickings._all_sorted(pickings._order)
                if name and pickings._table[pid].get("origin") == name]

    def _compute_picking_ids(self, rid):
        return self._pickings(rid)

    def _compute_picking_count(self, rid):
        return len(self._pickings(rid))

    def _compute_receipt_status(self, rid):
        pickings = self.env["stock.picking"]
        states = [pickings._value(pid, "state") for pid in self._pickings(rid)
                  if pickings._value(pid, "state") != "cancel"]
        if self._value(rid, "state") not in ("purchase", "done") or not states:
            return False
        if all(state == "done" for state in states):
            return "full"
        return "partial" if any(state == "done" for state in states) else "pending"

    def _check_write(self):
        self._check_access("write")
        self._check_rules("write")
        self._check_exist()

    def button_confirm(self):
        """RFQ -> purchase order.  Orders not in draft or sent are skipped, silently, as
        Odoo's loop does (`continue`); one-step approval (the default po_double_validation)
        approves at once.  Returns True."""
        self._check_write()
        for rid in self._ids:
            if self._value(rid, "state") not in ("draft", "sent"):
                continue
            self._browse([rid])._update({"state": "purchase", "date_approve": self.env.now})
        return True

    def button_approve(self, force=False):
        """To approve -> purchase; returns {} as Odoo's does."""
        self._check_write()
        self._update({"state": "purchase", "date_approve": self.env.now})
        return {}

    def button_cancel(self):
        """Cancel, whatever the state (Odoo 18 refuses only orders with posted bills, and
        purchase_stock orders whose receipt is done: its pickings' action_cancel raises).
        The receipts not done are cancelled with it.  Returns None, as Odoo's does: over
        XML-RPC that is faultCode 1 "cannot marshal None" after the change is made."""
        self._check_write()
        pickings = self.env["stock.picking"]
        to_cancel = []
        for rid in self._ids:
            for pid in self._pickings(rid):
                state = pickings._value(pid, "state")
                if state == "done":
                    raise UserError(DONE_MOVE_CANCEL)
                if state != "cancel":
                    to_cancel.append(pid)
        if to_cancel:
            pickings._browse(to_cancel)._update({"state": "cancel"})
        self._update({"state": "cancel", "mail_reminder_confirmed": False})

    def button_draft(self):
        """Back to RFQ (any state, as Odoo's write does); returns {}."""
        self._check_write()
        self._update({"state": "draft"})
        return {}

    def button_done(self):
        """Lock the order: 'done' (Odoo 19: the locked flag).  Returns None."""
        self._check_write()
        if "locked" in self._schema:
            self._update({"locked": True, "priority": "0"})
        else:
            self._update({"state": "done", "priority": "0"})

    def button_unlock(self):
        """Unlock: back to 'purchase' (Odoo 19: the flag).  Returns None."""
        self._check_write()
        if "locked" in self._schema:
            self._update({"locked": False})
        else:
            self._update({"state": "purchase"})


class PurchaseOrderLine(BaseModel):
    """purchase.order.line (addons/purchase/models/purchase_order_line.py, Odoo 18)."""

    _name = "purchase.order.line"
    _description = "Purchase Order Line"
    _order = "order_id, sequence, id"
    _ondelete = {"order_id": "cascade", "product_id": "restrict"}
    _digits = {"price_unit": 2, "product_qty": 2, "discount": 2, "qty_received": 2}
    _defaults = {
        "sequence": 10, "product_qty": 1.0, "discount": 0.0, "qty_received": 0.0,
        "name": "_default_name", "price_unit": "_default_price_unit",
        "product_uom": "_default_uom", "date_planned": "_default_date_planned",
        "is_downpayment": False,
    }

    def _product(self, vals):
        product = vals.get("product_id")
        products = self.env["product.product"]
        if type(product) is int and product in products._table:
            return products, product
        if type(product) is int and product:
            raise products._missing_error([product])
        return products, None

    def _default_name(self, vals):
        # _get_product_purchase_description: the display name (and description_purchase).
        products, product = self._product(vals)
        return products._value(product, "display_name") if product is not None else False

    def _default_price_unit(self, vals):
        # No vendor pricelist here: the product's cost (_compute_price_unit_and_date_planned_and_name).
        products, product = self._product(vals)
        return products._value(product, "standard_price") if product is not None else 0.0

    def _default_uom(self, vals):
        products, product = self._product(vals)
        if product is None:
            return False
        fname = "uom_po_id" if "uom_po_id" in products._schema else "uom_id"
        return products._value(product, fname)

    def _default_date_planned(self, vals):
        # _get_date_planned without a seller: the order's date (+ 0 days of delay).
        if vals.get("display_type"):
            return False
        orders = self.env["purchase.order"]
        order = vals.get("order_id")
        if order in orders._table:
            return orders._value(order, "date_order")
        return self.env.now

    def _order_value(self, rid, fname):
        order = self._table[rid].get("order_id")
        orders = self.env["purchase.order"]
        return orders._value(order, fname) if order in orders._table else False

    def _raw_amounts(self, rid):
        if self._value(rid, "display_type"):
            return 0.0, 0.0
        base = (self._value(rid, "product_qty") * self._value(rid, "price_unit")
                * (1.0 - self._value(rid, "discount") / 100.0))
        return _tax_amounts(base, self._value(rid, self._fn("taxes_id")))

    def _compute_price_subtotal(self, rid):
        return decimal_round(self._raw_amounts(rid)[0], 2)

    def _compute_price_total(self, rid):
        base, tax = self._raw_amounts(rid)
        return decimal_round(base + tax, 2)

    def _compute_price_tax(self, rid):
        return self._value(rid, "price_total") - self._value(rid, "price_subtotal")

    def _compute_product_uom_qty(self, rid):
        return self._value(rid, "product_qty")

    def _compute_product_type(self, rid):
        product = self._table[rid].get("product_id")
        return self.env["product.product"]._value(product, "type") if product else False

    def _compute_state(self, rid):
        return self._order_value(rid, "state")

    def _compute_partner_id(self, rid):
        return self._order_value(rid, "partner_id")

    def _compute_currency_id(self, rid):
        return self._order_value(rid, "currency_id")

    def _compute_company_id(self, rid):
        return self._order_value(rid, "company_id")

    def _compute_date_order(self, rid):
        return self._order_value(rid, "date_order")

    def _compute_date_approve(self, rid):
        return self._order_value(rid, "date_approve")

    def _compute_qty_invoiced(self, rid):
        return 0.0

    def _compute_qty_to_invoice(self, rid):
        # purchase_method 'receive' (the products' default): received minus billed.
        if self._value(rid, "state") not in ("purchase", "done"):
            return 0.0
        return self._value(rid, "qty_received") - self._value(rid, "qty_invoiced")

    def _compute_display_name(self, rid):
        name = (self._table[rid].get("name") or "").split("\n")[0]
        return "%s: %s" % (self._order_value(rid, "name") or "", name)

    def _before_write(self, vals):
        if "display_type" in vals and any(self._value(rid, "display_type") != vals["display_type"]
                                          for rid in self._ids):
            raise UserError("You cannot change the type of a purchase order line. Instead you "
                            "should delete the current line and create a new line of the proper "
                            "type.")
        if "product_id" in vals:
            for key in ("price_unit", "name", "product_uom"):
                fname = self._fn(key)
                if fname not in vals:
                    vals[fname] = self._default(key, vals)

    def _before_unlink(self):
        # _unlink_except_purchase; the state's label from the selection.
        labels = dict(self.env["purchase.order"]._schema["state"]["selection"])
        for rid in self._ids:
            if self._value(rid, "state") == "purchase" and not self._value(rid, "display_type"):
                raise UserError("Cannot delete a purchase order line which is in state \u201c%s\u201d."
                                % labels["purchase"])

    def _check_row(self, rid, row):
        # _sql_constraints accountable_required_fields
        if not row.get("display_type") and not row.get("is_downpayment") and \
                not (row.get("product_id") and row.get(self._fn("product_uom"))
                     and row.get("date_planned")):
            raise ValidationError(CONSTRAINT % "Missing required fields on accountable purchase "
                                  "order line.")


def _sign(move_type):
    """The sign of the *_signed amounts: positive for what the company is owed."""
    return -1 if move_type in ("in_invoice", "in_receipt", "out_refund") else 1


MOVE_DRAFT_NAMES = {
    "out_invoice": "Draft Invoice", "out_refund": "Draft Credit Note", "in_invoice": "Draft Bill",
    "in_refund": "Draft Vendor Credit Note", "out_receipt": "Draft Sales Receipt",
    "in_receipt": "Draft Purchase Receipt", "entry": "Draft Entry",
}
# Sequence prefixes of the demo journals (account.journal code + year).
MOVE_PREFIXES = {"out_invoice": "INV", "out_refund": "RINV", "in_invoice": "BILL",
                 "in_refund": "RBILL", "out_receipt": "INV", "in_receipt": "BILL",
                 "entry": "MISC"}
SALE_TYPES = ("out_invoice", "out_refund", "out_receipt")
PURCHASE_TYPES = ("in_invoice", "in_refund", "in_receipt")


class AccountMove(_Totals, BaseModel):
    """account.move: invoices, bills and entries (addons/account/models/account_move.py,
    Odoo 18).  Only invoice lines are kept: no tax, receivable or payment term lines;
    amount_residual comes from a payment amount the demo data stores."""

    _name = "account.move"
    _LINES = ("account.move.line", "invoice_line_ids")
    _description = "Journal Entry"
    _order = "date desc, name desc, invoice_date desc, id desc"
    _rec_names_search = ("name", "ref")
    _o2m = {"line_ids": ("account.move.line", "move_id"),
            "invoice_line_ids": ("account.move.line", "move_id")}
    _defaults = {
        "state": "draft", "move_type": "_default_move_type", "name": "/",
        "date": "_default_date", "currency_id": 1, "company_id": 1,
        "journal_id": "_default_journal", "invoice_user_id": "_default_user",
    }

    def _default_move_type(self, vals):
        return self.env.context.get("default_move_type", "entry")

    def _default_date(self, vals):
        return vals.get("invoice_date") or datetime.date.today().isoformat()

    def _default_journal(self, vals):
        move_type = vals.get("move_type", "entry")
        return 1 if move_type in SALE_TYPES else 2 if move_type in PURCHASE_TYPES else 3

    def _default_user(self, vals):
        return self.env.uid if vals.get("move_type") in SALE_TYPES else False

    @staticmethod
    def _counts(lines, line):
        return lines._value(line, "display_type") == "product"

    def _compute_amount_residual(self, rid):
        if self._value(rid, "state") == "cancel":
            return 0.0
        return decimal_round(self._totals(rid)[2] - self._table[rid].get("_paid", 0.0), 2)

    def _compute_amount_untaxed_signed(self, rid):
        return self._totals(rid)[0] * _sign(self._value(rid, "move_type"))

    def _compute_amount_total_signed(self, rid):
        return self._totals(rid)[2] * _sign(self._value(rid, "move_type"))

    def _compute_amount_residual_signed(self, rid):
        return self._value(rid, "amount_residual") * _sign(self._value(rid, "move_type"))

    def _compute_payment_state(self, rid):
        if self._value(rid, "state") != "posted" or self._value(rid, "move_type") == "entry":
            return "not_paid"
        total, residual = self._totals(rid)[2], self._value(rid, "amount_residual")
        if total and not residual:
            return "paid"
        return "partial" if residual != total else "not_paid"

    def _compute_commercial_partner_id(self, rid):
        partner = self._table[rid].get("partner_id")
        return self.env["res.partner"]._commercial(partner) if partner else False

    def _compute_access_url(self, rid):
        return "/my/invoices/%d" % rid

    def _compute_display_name(self, rid):
        # AccountMove._get_move_display_name
        row = self._table[rid]
        name = ""
        if row.get("state") == "draft":
            name += MOVE_DRAFT_NAMES[row.get("move_type", "entry")] + " "
        if not row.get("name") or row.get("name") == "/":
            name += "(* %d)" % rid
        else:
            name += row["name"]
        return name

    def _check_write(self):
        self._check_access("write")
        self._check_rules("write")
        self._check_exist()

    def action_post(self):
        """Draft -> posted (AccountMove._post, soft=False): the checks Odoo makes first,
        the invoice date, then the number from the journal's sequence.  Returns False,
        as Odoo's action_post does."""
        self._check_write()
        for rid in self._ids:
            move_type = self._value(rid, "move_type")
            if move_type == "entry":
                continue
            if not self._value(rid, "partner_id"):
                if move_type in SALE_TYPES:
                    raise UserError("The field 'Customer' is required, please complete it to "
                                    "validate the Customer Invoice.")
                raise UserError("The field 'Vendor' is required, please complete it to "
                                "validate the Vendor Bill.")
            if self._totals(rid)[2] < 0:
                raise UserError("You cannot validate an invoice with a negative total amount. "
                                "You should create a credit note instead. Use the action menu "
                                "to transform it into a credit note or refund.")
            if not self._value(rid, "invoice_date"):
                if move_type not in SALE_TYPES:
                    raise UserError("The Bill/Refund date is required to validate this "
                                    "document.")
                self._browse([rid])._update({"invoice_date": datetime.date.today().isoformat()})
        for rid in self._ids:
            if self._value(rid, "state") in ("posted", "cancel"):
                raise UserError("The entry %s (id %s) must be in draft."
                                % (self._value(rid, "name"), rid))
            if not self._value(rid, "line_ids"):
                raise UserError("You need to add a line before posting.")
        for rid in self._ids:
            vals = {"state": "posted"}
            when = self._value(rid, "invoice_date") or self._value(rid, "date")
            vals["date"] = when
            if not self._value(rid, "invoice_date_due"):
                vals["invoice_date_due"] = when
            if self._value(rid, "name") in (False, "/"):
                vals["name"] = self._next_number(self._value(rid, "move_type"), when[:4])
            self._browse([rid])._update(vals)
        return False

    def _next_number(self, move_type, year):
        """The journal sequence: INV/2026/00001 (sequences are not rolled back)."""
        prefix = MOVE_PREFIXES[move_type]
        counters = self.env.store.sequences.setdefault("account.move", {})
        key = (prefix, year)
        number = counters.get(key, 1)
        counters[key] = number + 1
        return "%s/%s/%05d" % (prefix, year, number)


class AccountMoveLine(BaseModel):
    """account.move.line: the invoice lines of account.move (product, section, note)."""

    _name = "account.move.line"
    _description = "Journal Item"
    _ondelete = {"move_id": "cascade", "product_id": "restrict"}
    _digits = {"price_unit": 2, "quantity": 2, "discount": 2}
    _defaults = {"display_type": "product", "quantity": 1.0, "discount": 0.0, "sequence": 10,
                 "name": "_default_name", "price_unit": "_default_price_unit",
                 "currency_id": 1}
    # Odoo: "date desc, move_name desc, id"; invoice lines are listed in their sequence.
    _order = "sequence, id"

    def _product(self, vals):
        product = vals.get("product_id")
        products = self.env["product.product"]
        return (products, product) if type(product) is int and product in products._table \
            else (products, None)

    def _default_name(self, vals):
        products, product = self._product(vals)
        return products._value(product, "display_name") if product is not None else False

    def _default_price_unit(self, vals):
        products, product = self._product(vals)
        return products._value(product, "lst_price") if product is not None else 0.0

    def _move_value(self, rid, fname):
        move = self._table[rid].get("move_id")
        moves = self.env["account.move"]
        return moves._value(move, fname) if move in moves._table else False

    def _raw_amounts(self, rid):
        if self._value(rid, "display_type") != "product":
            return 0.0, 0.0
        base = (self._value(rid, "quantity") * self._value(rid, "price_unit")
                * (1.0 - self._value(rid, "discount") / 100.0))
        return _tax_amounts(base, self._value(rid, "tax_ids"))

    def _compute_price_subtotal(self, rid):
        return decimal_round(self._raw_amounts(rid)[0], 2)

    def _compute_price_total(self, rid):
        base, tax = self._raw_amounts(rid)
        return decimal_round(base + tax, 2)

    def _compute_move_name(self, rid):
        return self._move_value(rid, "name")

    def _compute_parent_state(self, rid):
        return self._move_value(rid, "state")

    def _compute_partner_id(self, rid):
        return self._move_value(rid, "partner_id")


class StockPicking(BaseModel):
    """stock.picking: transfers (addons/stock/models/stock_picking.py, Odoo 18), held as
    they are: no stock moves, no reservation, no workflow methods."""

    _name = "stock.picking"
    _description = "Transfer"
    _order = "priority desc, scheduled_date asc, id desc"
    _defaults = {"state": "draft", "move_type": "direct", "priority": "0", "company_id": 1,
                 "name": "/", "scheduled_date": "_default_now", "user_id": "_default_user",
                 "location_id": "_default_location", "location_dest_id": "_default_dest"}
    # stock.picking.type -> (code, source location, destination location)
    TYPES = {1: ("incoming", 4, 8), 2: ("outgoing", 8, 5)}

    def _default_now(self, vals):
        return self.env.now

    def _default_user(self, vals):
        return self.env.uid

    def _default_location(self, vals):
        return self.TYPES.get(vals.get("picking_type_id"), (None, 8, 8))[1]

    def _default_dest(self, vals):
        return self.TYPES.get(vals.get("picking_type_id"), (None, 8, 8))[2]

    def _compute_picking_type_code(self, rid):
        return self.TYPES.get(self._table[rid].get("picking_type_id"), ("internal",))[0]

    def _compute_purchase_id(self, rid):
        origin = self._table[rid].get("origin")
        orders = self.env["purchase.order"]
        for oid in orders._all_ids():
            if origin and orders._table[oid].get("name") == origin:
                return oid
        return False


# In the order unlink() looks for references (the first one found is reported).
MODELS = (ResCountry, ResLang, UomUom, ProductCategory, ProductTemplate, ProductProduct, ResPartner,
          ResUsers, SaleOrder, SaleOrderLine, PurchaseOrder, PurchaseOrderLine, AccountMove,
          AccountMoveLine, StockPicking)
