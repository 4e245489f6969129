"""schemas.py: fields_get answers of the models no capture holds (purchase, invoices, pickings).

There is no capture of purchase.order, purchase.order.line, account.move,
account.move.line or stock.picking (tests/fixtures/odoo-captures has none):
these descriptions are written from Odoo 18's source, not recorded from a
server:
    addons/purchase/models/purchase_order.py, purchase_order_line.py,
    addons/account/models/account_move.py, account_move_line.py,
    addons/stock/models/stock_picking.py (with purchase_stock's and
    sale_stock's purchase_id and sale_id, as the captures' database has them).
Each model keeps the fields a client of the bridge is likely to read, not all
of Odoo's (purchase.order has ~90 there).  The attributes follow how Odoo 18's
fields_get derives them, which the captured models show:
  * stored fields: store, searchable and sortable true (x2many: not sortable);
  * computed, not stored: store, searchable and sortable false, readonly true;
  * related, not stored: store false, searchable and sortable true, readonly;
  * readonly is the field's own (a compute without inverse is readonly unless
    it says readonly=False); required likewise; selection and relation as
    declared; string as declared, else the related field's.
Odoo 19 renames (purchase.order.line taxes_id -> tax_ids, product_uom ->
product_uom_id; purchase.order notes -> note; the 'done' state became a
"locked" boolean) are applied by for_version().
"""


def _desc(ftype, string, kind="stored", readonly=None, required=False, relation=None,
          selection=None):
    stored = kind == "stored"
    description = {
        "type": ftype, "string": string,
        "readonly": bool(readonly) if readonly is not None else kind != "stored",
        "required": required, "store": stored,
        "searchable": kind != "computed",
        "sortable": kind != "computed" and not (stored and ftype in ("one2many", "many2many")),
    }
    if relation:
        description["relation"] = relation
    if selection is not None:
        description["selection"] = [list(item) for item in selection]
    return description


def stored(ftype, string, **kwargs):
    """A stored field (computed ones with store=True too: pass readonly)."""
    return _desc(ftype, string, "stored", **kwargs)


def computed(ftype, string, **kwargs):
    """A computed field that is not stored."""
    return _desc(ftype, string, "computed", **kwargs)


def related(ftype, string, **kwargs):
    """A related field that is not stored."""
    return _desc(ftype, string, "related", **kwargs)


def _magic():
    """id, display_name and the log columns, as every captured model has them."""
    return {
        "id": stored("integer", "ID", readonly=True),
        "display_name": dict(computed("char", "Display Name"), searchable=True),
        "create_date": stored("datetime", "Created on", readonly=True),
        "create_uid": stored("many2one", "Created by", readonly=True, relation="res.users"),
        "write_date": stored("datetime", "Last Updated on", readonly=True),
        "write_uid": stored("many2one", "Last Updated by", readonly=True, relation="res.users"),
    }


PURCHASE_STATES = (("draft", "RFQ"), ("sent", "RFQ Sent"), ("to approve", "To Approve"),
                   ("purchase", "Purchase Order"), ("done", "Locked"), ("cancel", "Cancelled"))
PRIORITIES = (("0", "Normal"), ("1", "Urgent"))
DISPLAY_TYPES = (("line_section", "Section"), ("line_note", "Note"))

PURCHASE_ORDER = dict(_magic(), **{
    "name": stored("char", "Order Reference", required=True),
    "priority": stored("selection", "Priority", selection=PRIORITIES),
    "origin": stored("char", "Source Document"),
    "partner_ref": stored("char", "Vendor Reference"),
    "date_order": stored("datetime", "Order Deadline", required=True),
    "date_approve": stored("datetime", "Confirmation Date", readonly=True),
    "partner_id": stored("many2one", "Vendor", required=True, relation="res.partner"),
    "dest_address_id": stored("many2one", "Dropship Address", relation="res.partner"),
    "currency_id": stored("many2one", "Currency", required=True, relation="res.currency"),
    "state": stored("selection", "Status", readonly=True, selection=PURCHASE_STATES),
    "order_line": stored("one2many", "Order Lines", relation="purchase.order.line"),
    "notes": stored("html", "Terms and Conditions"),
    "invoice_count": stored("integer", "Bill Count", readonly=True),
    "invoice_ids": stored("many2many", "Bills", readonly=True, relation="account.move"),
    "invoice_status": stored("selection", "Billing Status", readonly=True,
                             selection=(("no", "Nothing to Bill"),
                                        ("to invoice", "Waiting Bills"),
                                        ("invoiced", "Fully Billed"))),
    "date_planned": stored("datetime", "Expected Arrival"),
    "date_calendar_start": stored("datetime", "Date Calendar Start", readonly=True),
    "amount_untaxed": stored("monetary", "Untaxed Amount", readonly=True),
    "tax_totals": computed("binary", "Tax Totals"),
    "amount_tax": stored("monetary", "Taxes", readonly=True),
    "amount_total": stored("monetary", "Total", readonly=True),
    "amount_total_cc": stored("monetary", "Company Total", readonly=True),
    "fiscal_position_id": stored("many2one", "Fiscal Position",
                                 relation="account.fiscal.position"),
    "tax_country_id": computed("many2one", "Tax Country", relation="res.country"),
    "payment_term_id": stored("many2one", "Payment Terms", relation="account.payment.term"),
    "incoterm_id": stored("many2one", "Incoterm", relation="account.incoterms"),
    "product_id": related("many2one", "Product", relation="product.product"),
    "user_id": stored("many2one", "Buyer", relation="res.users"),
    "company_id": stored("many2one", "Company", required=True, relation="res.company"),
    "company_currency_id": related("many2one", "Company Currency", relation="res.currency"),
    "country_code": related("char", "Country code"),
    "currency_rate": stored("float", "Currency Rate", readonly=True),
    "mail_reminder_confirmed": stored("boolean", "Reminder Confirmed", readonly=True),
    "mail_reception_confirmed": stored("boolean", "Reception Confirmed", readonly=True),
    "access_url": computed("char", "Portal Access URL"),
    # purchase_stock
    "picking_count": computed("integer", "Incoming Shipment count"),
    "picking_ids": stored("many2many", "Receptions", readonly=True, relation="stock.picking"),
    "picking_type_id": stored("many2one", "Deliver To", required=True,
                              relation="stock.picking.type"),
    "receipt_status": stored("selection", "Receipt Status", readonly=True,
                             selection=(("pending", "Not Received"),
                                        ("partial", "Partially Received"),
                                        ("full", "Fully Received"))),
})

PURCHASE_ORDER_LINE = dict(_magic(), **{
    "name": stored("text", "Description", required=True, readonly=False),
    "sequence": stored("integer", "Sequence"),
    "product_qty": stored("float", "Quantity", required=True, readonly=False),
    "product_uom_qty": stored("float", "Total Quantity", readonly=True),
    "date_planned": stored("datetime", "Expected Arrival", readonly=False),
    "discount": stored("float", "Discount (%)", readonly=False),
    "taxes_id": stored("many2many", "Taxes", relation="account.tax"),
    "product_uom": stored("many2one", "Unit of Measure", relation="uom.uom"),
    "product_id": stored("many2one", "Product", relation="product.product"),
    "product_type": related("selection", "Product Type",
                            selection=(("consu", "Goods"), ("service", "Service"),
                                       ("combo", "Combo"))),
    "price_unit": stored("float", "Unit Price", required=True, readonly=False),
    "price_subtotal": stored("monetary", "Subtotal", readonly=True),
    "price_total": stored("monetary", "Total", readonly=True),
    "price_tax": stored("float", "Tax", readonly=True),
    "order_id": stored("many2one", "Order Reference", required=True, relation="purchase.order"),
    "company_id": stored("many2one", "Company", readonly=True, relation="res.company"),
    "state": stored("selection", "Status", readonly=True, selection=PURCHASE_STATES),
    "qty_invoiced": stored("float", "Billed Qty", readonly=True),
    "qty_received": stored("float", "Received Qty", readonly=False),
    "qty_to_invoice": stored("float", "To Invoice Quantity", readonly=True),
    "partner_id": stored("many2one", "Partner", readonly=True, relation="res.partner"),
    "currency_id": stored("many2one", "Currency", readonly=True, relation="res.currency"),
    "date_order": related("datetime", "Order Date"),
    "date_approve": related("datetime", "Confirmation Date"),
    "display_type": stored("selection", "Display Type", selection=DISPLAY_TYPES),
    "is_downpayment": stored("boolean", "Is Downpayment"),
})

MOVE_TYPES = (("entry", "Journal Entry"), ("out_invoice", "Customer Invoice"),
              ("out_refund", "Customer Credit Note"), ("in_invoice", "Vendor Bill"),
              ("in_refund", "Vendor Credit Note"), ("out_receipt", "Sales Receipt"),
              ("in_receipt", "Purchase Receipt"))
PAYMENT_STATES = (("not_paid", "Not Paid"), ("in_payment", "In Payment"), ("paid", "Paid"),
                  ("partial", "Partially Paid"), ("reversed", "Reversed"),
                  ("blocked", "Blocked"), ("invoicing_legacy", "Invoicing App Legacy"))

ACCOUNT_MOVE = dict(_magic(), **{
    "name": stored("char", "Number", readonly=False),
    "ref": stored("char", "Reference"),
    "date": stored("date", "Date", required=True, readonly=False),
    "state": stored("selection", "Status", required=True, readonly=True,
                    selection=(("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled"))),
    "move_type": stored("selection", "Type", required=True, readonly=True, selection=MOVE_TYPES),
    "journal_id": stored("many2one", "Journal", required=True, readonly=False,
                         relation="account.journal"),
    "company_id": stored("many2one", "Company", readonly=False, relation="res.company"),
    "line_ids": stored("one2many", "Journal Items", relation="account.move.line"),
    "invoice_line_ids": stored("one2many", "Invoice lines", relation="account.move.line"),
    "partner_id": stored("many2one", "Partner", relation="res.partner"),
    "commercial_partner_id": stored("many2one", "Commercial Entity", readonly=True,
                                    relation="res.partner"),
    "currency_id": stored("many2one", "Currency", required=True, readonly=False,
                          relation="res.currency"),
    "invoice_date": stored("date", "Invoice/Bill Date"),
    "invoice_date_due": stored("date", "Due Date", readonly=False),
    "invoice_origin": stored("char", "Origin", readonly=True),
    "invoice_payment_term_id": stored("many2one", "Payment Terms", readonly=False,
                                      relation="account.payment.term"),
    "invoice_user_id": stored("many2one", "Salesperson", readonly=False, relation="res.users"),
    "amount_untaxed": stored("monetary", "Untaxed Amount", readonly=True),
    "amount_tax": stored("monetary", "Tax", readonly=True),
    "amount_total": stored("monetary", "Total", readonly=True),
    "amount_residual": stored("monetary", "Amount Due", readonly=True),
    "amount_untaxed_signed": stored("monetary", "Untaxed Amount Signed", readonly=True),
    "amount_total_signed": stored("monetary", "Total Signed", readonly=True),
    "amount_residual_signed": stored("monetary", "Amount Due Signed", readonly=True),
    "payment_state": stored("selection", "Payment Status", readonly=True,
                            selection=PAYMENT_STATES),
    "narration": stored("html", "Terms and Conditions", readonly=False),
    "access_url": computed("char", "Portal Access URL"),
})

ACCOUNT_MOVE_LINE = dict(_magic(), **{
    "move_id": stored("many2one", "Journal Entry", required=True, relation="account.move"),
    "move_name": stored("char", "Number", readonly=True),
    "parent_state": stored("selection", "Status", readonly=True,
                           selection=(("draft", "Draft"), ("posted", "Posted"),
                                      ("cancel", "Cancelled"))),
    "sequence": stored("integer", "Sequence", readonly=False),
    "name": stored("char", "Label", readonly=False),
    "product_id": stored("many2one", "Product", relation="product.product"),
    "quantity": stored("float", "Quantity", readonly=False),
    "price_unit": stored("float", "Unit Price", readonly=False),
    "discount": stored("float", "Discount (%)"),
    "tax_ids": stored("many2many", "Taxes", readonly=False, relation="account.tax"),
    "price_subtotal": stored("monetary", "Subtotal", readonly=True),
    "price_total": stored("monetary", "Total", readonly=True),
    "partner_id": stored("many2one", "Partner", readonly=False, relation="res.partner"),
    "currency_id": stored("many2one", "Currency", required=True, readonly=False,
                          relation="res.currency"),
    "display_type": stored("selection", "Display Type", required=True, readonly=False,
                           selection=(("product", "Product"), ("cogs", "Cost of Goods Sold"),
                                      ("tax", "Tax"), ("discount", "Discount"),
                                      ("rounding", "Rounding"),
                                      ("payment_term", "Payment Term"),
                                      ("line_section", "Section"), ("line_note", "Note"),
                                      ("epd", "Early Payment Discount"))),
})

PICKING_STATES = (("draft", "Draft"), ("waiting", "Waiting Another Operation"),
                  ("confirmed", "Waiting"), ("assigned", "Ready"), ("done", "Done"),
                  ("cancel", "Cancelled"))

STOCK_PICKING = dict(_magic(), **{
    "name": stored("char", "Reference", readonly=True),
    "origin": stored("char", "Source Document"),
    "note": stored("html", "Notes"),
    "backorder_id": stored("many2one", "Back Order of", readonly=True,
                           relation="stock.picking"),
    "move_type": stored("selection", "Shipping Policy", required=True,
                        selection=(("direct", "As soon as possible"),
                                   ("one", "When all products are ready"))),
    "state": stored("selection", "Status", readonly=True, selection=PICKING_STATES),
    "priority": stored("selection", "Priority", selection=PRIORITIES),
    "scheduled_date": stored("datetime", "Scheduled Date", readonly=False),
    "date_deadline": stored("datetime", "Deadline", readonly=True),
    "date_done": stored("datetime", "Date of Transfer", readonly=True),
    "location_id": stored("many2one", "Source Location", required=True, readonly=False,
                          relation="stock.location"),
    "location_dest_id": stored("many2one", "Destination Location", required=True,
                               readonly=False, relation="stock.location"),
    "picking_type_id": stored("many2one", "Operation Type", required=True,
                              relation="stock.picking.type"),
    "picking_type_code": related("selection", "Type of Operation",
                                 selection=(("incoming", "Receipt"), ("outgoing", "Delivery"),
                                            ("internal", "Internal Transfer"))),
    "partner_id": stored("many2one", "Contact", relation="res.partner"),
    "company_id": stored("many2one", "Company", readonly=True, relation="res.company"),
    "user_id": stored("many2one", "Responsible", relation="res.users"),
    "purchase_id": related("many2one", "Purchase Orders", relation="purchase.order"),
    "sale_id": stored("many2one", "Sales Order", readonly=False, relation="sale.order"),
})

# Odoo 19's changes to these models (its purchase_order.py and
# purchase_order_line.py): renamed fields, and purchase.order's 'done' state
# gone ("locked" is a boolean now).
RENAMES_19 = {("purchase.order.line", "taxes_id"): "tax_ids",
              ("purchase.order.line", "product_uom"): "product_uom_id",
              ("purchase.order", "notes"): "note"}
STRINGS_19 = {("purchase.order.line", "product_uom_id"): "Unit",
              ("purchase.order", "date_approve"): "Order Date"}

UNCAPTURED = {"purchase.order": PURCHASE_ORDER, "purchase.order.line": PURCHASE_ORDER_LINE,
              "account.move": ACCOUNT_MOVE, "account.move.line": ACCOUNT_MOVE_LINE,
              "stock.picking": STOCK_PICKING}


def for_version(model, version):
    """The fields_get answer of model (one of UNCAPTURED) on Odoo version."""
    schema = {fname: dict(desc) for fname, desc in UNCAPTURED[model].items()}
    if version < 19:
        return schema
    renamed = {}
    for fname, desc in schema.items():
        new = RENAMES_19.get((model, fname), fname)
        if (model, new) in STRINGS_19:
            desc["string"] = STRINGS_19[(model, new)]
        renamed[new] = desc
    if model in ("purchase.order", "purchase.order.line"):
        renamed["state"]["selection"] = [item for item in renamed["state"]["selection"]
                                          if item[0] != "done"]
    if model == "purchase.order":
        renamed["locked"] = stored("boolean", "Locked")
        renamed["date_approve"]["string"] = "Order Date"
    return renamed
