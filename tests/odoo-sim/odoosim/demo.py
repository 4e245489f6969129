"""demo.py: the simulator's demo database, deterministic and consistent with the captures.

Records the captures show keep their ids and values (product 45 "Customizable
Desk", partner 15 "Azure Interior", sale orders 1, 4 and 19, country 233
"United States"...).  The rest follows Odoo 18's own demo data (names, codes,
prices from product_demo.xml) and adds customers and suppliers, so that every
list a client pages through has something in it.  Sequences continue where the
captures left them: the next sale order is id 28, S00028 (S00027 was used by
a failed create during the capture run).  Purchase orders, transfers and
journal entries (PURCHASES, PICKINGS, MOVES) have no capture: made up, with the
suppliers, customers and products above, in each of their states.
"""

import datetime
import hashlib

from .orm import Env

# Ids Odoo gives countries: their position in base/data/res_country_data.xml.
_COUNTRY_ORDER = (
    "ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq br "
    "bs bt bv bw by bz ca cc cf cd cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz "
    "ec ee eg eh er es et fi fj fk fm fo fr ga gd ge gf gh gi gg gl gm gn gp gq gr gs gt gu gw gy "
    "hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz "
    "la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw "
    "mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa "
    "re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th "
    "tj tk tm tn to tl tr tt tv tw tz ua ug gb um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm "
    "zw xk").split()

# code -> (name, phone code, currency id)
COUNTRIES = {
    "ar": ("Argentina", 54, 8), "at": ("Austria", 43, 125), "au": ("Australia", 61, 9),
    "be": ("Belgium", 32, 125), "br": ("Brazil", 55, 10), "ca": ("Canada", 1, 11),
    "ch": ("Switzerland", 41, 12), "cl": ("Chile", 56, 13), "cn": ("China", 86, 14),
    "co": ("Colombia", 57, 15), "cz": ("Czech Republic", 420, 16), "de": ("Germany", 49, 125),
    "dk": ("Denmark", 45, 17), "ec": ("Ecuador", 593, 1), "es": ("Spain", 34, 125),
    "fi": ("Finland", 358, 125), "fr": ("France", 33, 125), "gb": ("United Kingdom", 44, 146),
    "gr": ("Greece", 30, 125), "ie": ("Ireland", 353, 125), "in": ("India", 91, 18),
    "it": ("Italy", 39, 125), "jp": ("Japan", 81, 19), "lu": ("Luxembourg", 352, 125),
    "ma": ("Morocco", 212, 20), "mx": ("Mexico", 52, 33), "nl": ("Netherlands", 31, 125),
    "no": ("Norway", 47, 21), "nz": ("New Zealand", 64, 22), "pe": ("Peru", 51, 23),
    "pl": ("Poland", 48, 24), "pt": ("Portugal", 351, 125), "se": ("Sweden", 46, 25),
    "us": ("United States", 1, 1), "uy": ("Uruguay", 598, 26), "za": ("South Africa", 27, 27),
}


def country_id(code):
    """The id Odoo gives the country with this ISO code."""
    return _COUNTRY_ORDER.index(code.lower()) + 1


# Relations to models the simulator does not hold: id -> display name.
STUB_NAMES = {
    "res.company": {1: "YourCompany"},
    "res.currency": {1: "USD", 8: "ARS", 9: "AUD", 10: "BRL", 11: "CAD", 12: "CHF", 13: "CLP",
                     14: "CNY", 15: "COP", 16: "CZK", 17: "DKK", 18: "INR", 19: "JPY", 20: "MAD",
                     21: "NOK", 22: "NZD", 23: "PEN", 24: "PLN", 25: "SEK", 26: "UYU", 27: "ZAR",
                     33: "MXN", 125: "EUR", 146: "GBP"},
    "account.tax": {1: "15%", 2: "15%"},
    "crm.team": {1: "Sales", 2: "Website"},
    "stock.warehouse": {1: "YourCompany"},
    "uom.category": {1: "Unit", 2: "Weight", 3: "Working Time", 4: "Length / Distance",
                     5: "Volume"},
    "res.country.state": {13: "California (US)", 44: "Oregon (US)", 48: "Texas (US)",
                          53: "Washington (US)", 436: "Madrid (ES)", 449: "Barcelona (ES)",
                          474: "Valencia (ES)", 516: "Ciudad de México (MX)"},
    "res.partner.category": {1: "Vendor", 2: "Prospect", 3: "Employee", 4: "Gold", 5: "Silver"},
    "account.payment.term": {1: "Immediate Payment", 2: "15 Days", 4: "30 Days"},
    "res.partner.title": {1: "Madam", 2: "Miss", 3: "Mister", 4: "Doctor", 5: "Professor"},
    "stock.picking.type": {1: "YourCompany: Receipts", 2: "YourCompany: Delivery Orders"},
    "stock.location": {4: "Partners/Vendors", 5: "Partners/Customers", 8: "WH/Stock"},
    "account.journal": {1: "Customer Invoices", 2: "Vendor Bills", 3: "Miscellaneous Operations"},
    "account.incoterms": {1: "EXTRA WORKS", 6: "FREE ON BOARD"},
    "account.fiscal.position": {},
}

# Values of stub records beyond their name, for web_read specifications
# (odoo19/json2/web_search_read_res_country asks for the currency's symbol).
STUB_FIELDS = {
    "res.currency": {1: {"symbol": "$"}, 125: {"symbol": "\u20ac"}, 146: {"symbol": "\u00a3"},
                     19: {"symbol": "\u00a5"}},
}


def api_key(login, password):
    """A user's API key: 40 hex digits, derived from the login and the current
    password (so the key changes when /__sim/password changes the password).
    Odoo's keys are random; these are fixed so tests and docs can name them."""
    return hashlib.sha1(("odoo-sim api key:%s:%s" % (login, password)).encode()).hexdigest()


PARTNER_STAMP = "2026-11-26 20:27:52"
PRODUCT_STAMP = "2026-11-26 20:28:20"
SALE_STAMP = "2026-11-26 20:28:20"

UOMS = (
    # id, name, category, factor, type
    (1, "Units", 1, 1.0, "reference"),
    (2, "Dozens", 1, 1.0 / 12, "bigger"),
    (3, "kg", 2, 1.0, "reference"),
    (4, "g", 2, 1000.0, "smaller"),
    (5, "Days", 3, 1.0, "reference"),
    (6, "Hours", 3, 8.0, "smaller"),
    (7, "m", 4, 1.0, "reference"),
    (8, "cm", 4, 100.0, "smaller"),
    (9, "L", 5, 1.0, "reference"),
)

CATEGORIES = (
    # id, name, parent
    (1, "All", False),
    (2, "Saleable", 1),
    (3, "Expenses", 1),
    (4, "Deliveries", 1),
    (5, "Services", 2),
    (6, "Construction", 2),
    (7, "Outdoor Furniture", 2),
    (8, "Office Furniture", 2),
)

# Templates shared by several variants: key -> template values.
_SHARED = {
    "desk": {"name": "Customizable Desk", "categ_id": 8, "list_price": 750.0,
             "description_sale": "160x80cm, with large legs.", "is_storable": True},
    "chair": {"name": "Conference Chair", "categ_id": 8, "list_price": 33.0, "is_storable": True},
    "screen": {"name": "Acoustic Bloc Screens", "categ_id": 8, "list_price": 295.0,
               "is_storable": True},
}

PRODUCTS = (
    # id, template (shared key or None), name, code, categ, list, cost, type, uom, sale, purchase,
    # active, quantity, variant, price extra
    (1, None, "Restaurant Expenses", False, 3, 14.0, 8.0, "service", 1, False, True, True, 0, "", 0),
    (2, None, "Hotel Accommodation", False, 3, 400.0, 400.0, "service", 5, False, True, True, 0, "",
     0),
    (3, None, "Virtual Interior Design", False, 5, 30.75, 20.5, "service", 6, True, True, True, 0,
     "", 0),
    (4, None, "Virtual Home Staging", False, 5, 38.25, 25.5, "service", 6, True, True, True, 0, "",
     0),
    (5, None, "Office Chair", "FURN_7777", 8, 70.0, 55.0, "consu", 1, True, True, True, 40, "", 0),
    (6, None, "Office Lamp", "FURN_8888", 8, 40.0, 35.0, "consu", 1, True, True, True, 25, "", 0),
    (7, None, "Office Design Software", "FURN_9999", 8, 280.0, 235.0, "consu", 1, True, True, True,
     0, "", 0),
    (8, None, "Desk Combination", "FURN_7800", 8, 450.0, 300.0, "consu", 1, True, True, True, 30, "",
     0),
    (9, "desk", None, "FURN_0096", 8, None, 500.0, "consu", 1, True, True, True, 45, "Steel, White",
     0),
    (10, "desk", None, "FURN_0097", 8, None, 500.0, "consu", 1, True, True, True, 35,
     "Steel, Black", 0),
    (11, "desk", None, "FURN_0098", 8, None, 500.0, "consu", 1, True, True, True, 18,
     "Aluminium, White", 50.4),
    (12, None, "Corner Desk Right Sit", "E-COM06", 8, 147.0, 600.0, "consu", 1, True, True, True, 8,
     "", 0),
    (13, None, "Large Cabinet", "E-COM07", 8, 320.0, 800.0, "consu", 1, True, True, True, 12, "", 0),
    (14, None, "Storage Box", "E-COM08", 8, 15.8, 14.0, "consu", 1, True, True, True, 120, "", 0),
    (15, None, "Large Desk", "E-COM09", 8, 1799.0, 1299.0, "consu", 1, True, True, True, 6, "", 0),
    (16, None, "Pedal Bin", "E-COM10", 8, 47.0, 10.0, "consu", 1, True, True, True, 52, "", 0),
    (17, None, "Cabinet with Doors", "E-COM11", 8, 140.0, 120.5, "consu", 1, True, True, True, 16,
     "", 0),
    (18, "chair", None, "E-COM12", 8, None, 28.0, "consu", 1, True, True, True, 60, "Steel", 0),
    (19, "chair", None, "E-COM13", 8, None, 28.0, "consu", 1, True, True, True, 42, "Aluminium",
     6.4),
    (20, None, "Office Chair Black", "FURN_0269", 8, 120.5, 180.0, "consu", 1, True, True, True, 22,
     "", 0),
    (21, None, "Corner Desk Left Sit", "FURN_1118", 8, 85.0, 78.0, "consu", 1, True, True, True, 9,
     "", 0),
    (22, None, "Drawer Black", "FURN_8900", 8, 25.0, 20.0, "consu", 1, True, True, True, 75, "", 0),
    (23, None, "Flipover", "FURN_9001", 8, 1950.0, 1700.0, "consu", 1, True, True, True, 4, "", 0),
    (24, None, "Desk Stand with Screen", "FURN_7888", 8, 2100.0, 2010.0, "consu", 1, True, True,
     True, 3, "", 0),
    (25, None, "Individual Workplace", "FURN_0789", 8, 885.0, 876.0, "consu", 1, True, True, True, 7,
     "", 0),
    (26, None, "Drawer", "FURN_8855", 8, 110.5, 100.0, "consu", 1, True, True, True, 30, "", 0),
    (27, None, "Four Person Desk", "FURN_8220", 8, 2350.0, 2500.0, "consu", 1, True, True, True, 5,
     "", 0),
    (28, None, "Large Meeting Table", "FURN_6741", 8, 4000.0, 4500.0, "consu", 1, True, True, True,
     2, "", 0),
    (29, None, "Three-Seat Sofa", "FURN_8999", 8, 1500.0, 1000.0, "consu", 1, True, True, True, 10,
     "", 0),
    (30, None, "Furniture Assembly", False, 6, 2000.0, 2500.0, "service", 6, True, True, True, 0, "",
     0),
    (31, "screen", None, "FURN_6666", 8, None, 287.0, "consu", 1, True, True, True, 14, "White", 0),
    (32, "screen", None, "FURN_6667", 8, None, 287.0, "consu", 1, True, True, True, 11, "Wood", 0),
    (33, None, "Outdoor dining table", False, 7, 589.0, 0.0, "consu", 1, True, True, True, 0, "", 0),
    (34, None, "Desk Organizer", "FURN_0001", 8, 5.1, 0.0, "consu", 1, True, True, True, 200, "", 0),
    (35, "chair", None, "E-COM14", 8, None, 28.0, "consu", 1, True, True, False, 0, "Wood", 0),
    (36, "desk", None, "FURN_0099", 8, None, 500.0, "consu", 1, True, True, False, 0,
     "Aluminium, Black", 50.4),
    (37, None, "Local Delivery", "Delivery_010", 5, 10.0, 0.0, "service", 1, False, False, True, 0,
     "", 0),
    (38, None, "Drawer Case Black", "FURN_8901", 8, 35.0, 28.0, "consu", 1, True, True, False, 0, "",
     0),
    (39, None, "Office Lamp Classic", "FURN_8887", 8, 38.0, 30.0, "consu", 1, True, True, False, 0,
     "", 0),
    (40, None, "Storage Box Small", "E-COM05", 8, 9.9, 7.0, "consu", 1, True, True, False, 0, "", 0),
    (41, None, "Desk Pad", "FURN_0002", 8, 1.98, 0.0, "consu", 1, True, True, True, 150, "", 0),
    (42, None, "Monitor Stand", "FURN_0006", 8, 3.19, 0.0, "consu", 1, True, True, True, 80, "", 0),
    (43, None, "Office Combo", False, 8, 160.0, 0.0, "combo", 1, True, False, True, 0, "", 0),
    (44, None, "Cable Management Tray", "FURN_0007", 8, 24.0, 16.0, "consu", 1, True, True, True, 60,
     "", 0),
    (45, "desk", None, "DESK0005", 8, None, 0.0, "consu", 1, True, True, True, 65, "", 0),
    (46, "desk", None, "DESK0006", 8, None, 0.0, "consu", 1, True, True, True, 70, "", 0),
    (47, None, "Deposit", False, 5, 150.0, 0.0, "service", 1, True, False, True, 0, "", 0),
    (48, None, "Chair floor protection", False, 8, 12.0, 0.0, "consu", 1, True, True, True, 0, "",
     0),
)

PRODUCT_EXTRA = {
    8: {"description_sale": "Desk combination, black-brown: chair + desk + drawer."},
    27: {"description_sale": "Four person modern office workstation"},
    28: {"description_sale": "Conference room table"},
    29: {"description_sale": "Three Seater Sofa with Lounger in Steel Grey Colour"},
    34: {"barcode": "2300001000008",
         "description_sale": "The desk organiser is perfect for storing all kinds of small "
                             "things and since the 5 boxes are loose, you can move and place "
                             "them in the way that suits you and your things best."},
}
PRODUCT_STAMPS = {37: "2026-11-26 20:27:15"}

PARTNERS = (
    # id, name, company?, parent, email, phone, street, city, zip, country, vat,
    # customer rank, supplier rank, active
    (1, "YourCompany", True, False, "info@yourcompany.com", "+1 555-555-5556",
     "250 Executive Park Blvd, Suite 3400", "San Francisco", "94134", "us", "US12345671", 0, 0, True),
    (2, "OdooBot", False, False, "odoobot@example.com", False, False, False, False, False, False,
     0, 0, False),
    (3, "Mitchell Admin", False, False, "admin@yourcompany.example.com", "+1 555-555-5555",
     "215 Vine St", "Scranton", "18503", "us", False, 0, 0, True),
    (4, "Public user", False, False, False, False, False, False, False, False, False, 0, 0, False),
    (5, "Default User Template", False, False, False, False, False, False, False, False, False, 0,
     0, False),
    (7, "Marc Demo", False, False, "mark.brown23@example.com", "(441)-695-2334", "3575 Buena Vista "
     "Avenue", "Eugene", "97401", "us", False, 0, 0, True),
    (8, "Joel Willis", False, 1, "joel.willis63@example.com", "(683)-556-5104", "858 Lynn Street",
     "Bayonne", "07002", "us", False, 0, 0, True),
    (9, "Wood Corner", True, False, "wood.corner26@example.com", "(623)-853-7197",
     "1839 Arbor Way", "Turlock", "95380", "us", "US12345672", 2, 0, True),
    (10, "Deco Addict", True, False, "deco_addict@yourcompany.example.com", "(603)-996-3829",
     "77 Santa Barbara Rd", "Pleasant Hill", "94523", "us", "US12345673", 8, 0, True),
    (11, "Gemini Furniture", True, False, "gemini_furniture@fake.geminifurniture.com",
     "(941)-284-4875", "317 Fairchild Dr", "Fairfield", "94535", "us", "US12345674", 0, 0, True),
    (12, "Ready Mat", True, False, "ready.mat28@example.com", "(803)-873-6126", "7500 W Linne Road",
     "Tracy", "95304", "us", "US12345675", 3, 1, True),
    (13, "The Jackson Group", True, False, "jackson.group82@example.com", "(334)-502-1024",
     "1611 Peony Dr", "Tracy", "95377", "us", "US12345676", 1, 0, True),
    (14, "Lumber Inc", True, False, "lumber-inv92@example.com", "(828)-316-0593", "1337 N San Joaquin St",
     "Stockton", "95202", "us", "US12345678", 0, 2, True),
    (15, "Azure Interior", True, False, "azure.Interior24@example.com", "(870)-931-0505",
     "4557 De Silva St", "Fremont", "94538", "us", "US12345677", 3, 4, True),
    (16, "Bodega Nueva S.L.", True, False, "pedidos@bodeganueva.example.com", "+34 915 550 123",
     "Calle de Atocha 34", "Madrid", "28012", "es", "ESB12345674", 2, 0, True),
    (17, "Café Central Madrid", True, False, "hola@cafecentral.example.com", "+34 913 694 143",
     "Plaza del Ángel 10", "Madrid", "28012", "es", "ESB87654321", 1, 0, True),
    (18, "Librería Albatros", True, False, "compras@albatros.example.com", "+34 932 155 870",
     "Carrer de Mallorca 212", "Barcelona", "08008", "es", "ESB65432198", 1, 0, True),
    (19, "Muebles Arganzuela S.A.", True, False, "info@arganzuela.example.com", "+34 914 730 020",
     "Paseo de las Delicias 61", "Madrid", "28045", "es", "ESA28123456", 2, 0, True),
    (20, "Hôtel du Parc", True, False, "reception@hotelduparc.example.com", "+33 4 72 00 11 22",
     "12 Quai Saint-Antoine", "Lyon", "69002", "fr", "FR40303265045", 1, 0, True),
    (21, "Brasserie Lefèvre", True, False, "contact@lefevre.example.com", "+33 3 20 55 66 77",
     "8 Rue de Béthune", "Lille", "59000", "fr", "FR83404833048", 1, 0, True),
    (22, "Bürohaus Schmidt GmbH", True, False, "einkauf@buerohaus-schmidt.example.com",
     "+49 40 3006 2210", "Mönckebergstraße 7", "Hamburg", "20095", "de", "DE123456788", 2, 0, True),
    (23, "Möbel Kraus KG", True, False, "info@moebel-kraus.example.com", "+49 89 2180 4400",
     "Sendlinger Straße 21", "München", "80331", "de", "DE987654325", 1, 0, True),
    (24, "Atelier Verbeke BVBA", True, False, "info@verbeke.example.com", "+32 9 223 45 67",
     "Korenmarkt 15", "Gent", "9000", "be", "BE0477472701", 1, 0, True),
    (25, "Oficinas Reforma S.A. de C.V.", True, False, "compras@oficinasreforma.example.com",
     "+52 55 5208 1100", "Paseo de la Reforma 222", "Ciudad de México", "06600", "mx",
     "ORE010203AB1", 1, 0, True),
    (26, "Green Leaf Coworking", True, False, "hello@greenleaf.example.com", "(512)-555-0143",
     "600 Congress Ave", "Austin", "78701", "us", "US12345680", 1, 0, True),
    (27, "Brandon Freeman", False, 15, "brandon.freeman55@example.com", "(355)-687-3262",
     "4557 De Silva St", "Fremont", "94538", "us", False, 0, 0, True),
    (28, "Colleen Diaz", False, 15, "colleen.diaz83@example.com", "(255)-595-8393",
     "4557 De Silva St", "Fremont", "94538", "us", False, 0, 0, True),
    (29, "Nicole Ford", False, 15, "nicole.ford75@example.com", "(946)-638-6034",
     "4557 De Silva St", "Fremont", "94538", "us", False, 0, 0, True),
    (30, "Addison Olson", False, 10, "addison.olson28@example.com", "(223)-399-7637",
     "77 Santa Barbara Rd", "Pleasant Hill", "94523", "us", False, 0, 0, True),
    (31, "Douglas Fletcher", False, 10, "douglas.fletcher51@example.com", "(132)-553-7242",
     "77 Santa Barbara Rd", "Pleasant Hill", "94523", "us", False, 0, 0, True),
    (32, "Edwin Hansen", False, 11, "edwin.hansen58@example.com", "(943)-352-2555",
     "317 Fairchild Dr", "Fairfield", "94535", "us", False, 0, 0, True),
    (33, "Theodore Gardner", False, 12, "theodore.gardner36@example.com", "(186)-612-6561",
     "7500 W Linne Road", "Tracy", "95304", "us", False, 0, 0, True),
    (34, "Billy Fox", False, 13, "billy.fox45@example.com", "(915)-498-5611", "1611 Peony Dr",
     "Tracy", "95377", "us", False, 0, 0, True),
    (35, "Willie Burke", False, 9, "willie.burke80@example.com", "(846)-523-2111", "1839 Arbor Way",
     "Turlock", "95380", "us", False, 0, 0, True),
    (36, "Lorraine Douglas", False, 14, "lorraine.douglas35@example.com", "(443)-648-9155",
     "1337 N San Joaquin St", "Stockton", "95202", "us", False, 0, 0, True),
    (37, "Lucía Fernández", False, False, "lucia.fernandez@example.com", "+34 963 520 114",
     "Carrer de Colón 18", "Valencia", "46004", "es", False, 1, 0, True),
    (38, "Pierre Martin", False, False, "pierre.martin@example.com", "+33 1 42 68 53 00",
     "27 Rue du Faubourg Montmartre", "Paris", "75009", "fr", False, 1, 0, True),
    (39, "Anna Becker", False, False, "anna.becker@example.com", "+49 30 2093 1700",
     "Torstraße 109", "Berlin", "10119", "de", False, 1, 0, True),
    (40, "Jan Peeters", False, False, "jan.peeters@example.com", "+32 3 231 66 90", "Meir 85",
     "Antwerpen", "2000", "be", False, 1, 0, True),
    (41, "Sofía Ramírez", False, False, "sofia.ramirez@example.com", "+52 33 3614 2020",
     "Avenida Chapultepec 480", "Guadalajara", "44140", "mx", False, 1, 0, True),
    (42, "Emily Carter", False, False, "emily.carter@example.com", "(206)-555-0178",
     "1420 5th Ave", "Seattle", "98101", "us", False, 1, 0, True),
    (43, "Studio Nordlicht", True, False, "studio@nordlicht.example.com", "+49 221 1680 3300",
     "Ehrenstraße 43", "Köln", "50672", "de", "DE811569869", 2, 0, True),
    (44, "Casa Lumbre S.L.", True, False, "pedidos@casalumbre.example.com", "+34 954 221 908",
     "Calle Sierpes 48", "Sevilla", "41004", "es", "ESB41987654", 1, 0, True),
    (45, "Maderas del Norte S.A.", True, False, "ventas@maderasnorte.example.com",
     "+34 944 157 300", "Alameda de Mazarredo 39", "Bilbao", "48009", "es", "ESA48765432", 0, 3,
     True),
    (46, "Textiles Levante S.L.", True, False, "comercial@textileslevante.example.com",
     "+34 965 140 233", "Avenida de Alfonso el Sabio 20", "Alicante", "03004", "es", "ESB03456789",
     0, 2, True),
    (47, "Fournitures Dubois SARL", True, False, "commandes@dubois.example.com", "+33 2 40 48 12 12",
     "5 Rue de la Fosse", "Nantes", "44000", "fr", "FR61345678901", 0, 1, True),
    (48, "Holzwerk Bauer GmbH", True, False, "vertrieb@holzwerk-bauer.example.com",
     "+49 711 2160 900", "Königstraße 28", "Stuttgart", "70173", "de", "DE296741235", 0, 2, True),
    (49, "Midwest Steel Components", True, False, "sales@midweststeel.example.com",
     "(312)-555-0190", "233 S Wacker Dr", "Chicago", "60606", "us", "US12345681", 0, 1, True),
    (50, "Iluminación Azteca S.A.", True, False, "ventas@iluminacionazteca.example.com",
     "+52 81 8340 5500", "Avenida Constitución 1200", "Monterrey", "64000", "mx", "IAZ990101XY2",
     0, 1, True),
    (51, "Vandenberghe Lighting NV", True, False, "sales@vandenberghe.example.com",
     "+32 2 511 47 55", "Rue Neuve 66", "Bruxelles", "1000", "be", "BE0412345678", 0, 1, True),
    (52, "Nimbus Analytics", True, False, "office@nimbus.example.com", "(415)-555-0116",
     "535 Mission St", "San Francisco", "94105", "us", False, 0, 0, True),
    (53, "Taller Ruiz", False, False, "taller.ruiz@example.com", "+34 976 301 455",
     "Calle Alfonso I 12", "Zaragoza", "50003", "es", False, 0, 0, True),
    (54, "Old Supplier Co.", True, False, "old.supplier@example.com", False, "12 Dock Road",
     "Oakland", "94607", "us", False, 0, 1, False),
)

# The administrator's groups: base/data/res_users_data.xml and the groups the
# installed apps give him (each app's *_security.xml adds base.user_admin to its
# manager group; base.group_no_one lists user_root and user_admin).
ADMIN_GROUPS = ("base.group_user", "base.group_erp_manager", "base.group_system",
                "base.group_partner_manager", "base.group_allow_export", "base.group_no_one",
                "sales_team.group_sale_manager", "stock.group_stock_manager",
                "purchase.group_purchase_manager", "account.group_account_manager")

USERS = (
    # uid, login, partner, password, active, groups (xml ids; implied ones follow).
    (1, "__system__", 2, None, False, ADMIN_GROUPS),
    (2, "admin", 3, "admin", True, ADMIN_GROUPS),
    # base/data/res_users_demo.xml user_demo: group_user, group_partner_manager,
    # group_allow_export; addons/sales_team/data/sales_team_demo.xml adds
    # sales_team.group_sale_salesman ("User: Own Documents Only").
    (6, "demo", 7, "demo", True, ("base.group_user", "base.group_partner_manager",
                                  "base.group_allow_export",
                                  "sales_team.group_sale_salesman")),
    # base/data/res_users_demo.xml demo_user0 (Joel Willis, partner_demo_portal):
    # groups cleared, then linked to base.group_portal only.  Created right after
    # user_demo: uid 7.
    (7, "portal", 8, "portal", True, ("base.group_portal",)),
)

# Sale orders: id, partner, salesperson, state, date_order, client reference, lines;
# line: product, quantity, unit price, discount, taxes.
ORDERS = (
    (1, 10, 6, "draft", "2026-10-26 20:28:00", False,
     ((32, 3, 295.0, 0, ()), (6, 5, 145.0, 0, ()), (5, 2, 65.0, 0, ()))),
    (2, 9, 2, "draft", "2026-10-27 09:12:00", False,
     ((8, 1, 450.0, 0, ()), (22, 4, 25.0, 0, ()))),
    (3, 13, 2, "draft", "2026-10-28 14:40:00", "JG-2026-114",
     ((15, 1, 1799.0, 5.0, ()), (12, 2, 147.0, 0, ()))),
    (4, 11, 2, "sale", "2026-11-26 20:28:16", False,
     ((9, 2, 750.0, 0, ()), (18, 4, 33.0, 0, ()), (14, 10, 15.8, 0, ()), (8, 1, 450.0, 0, ()))),
    (5, 15, 6, "draft", "2026-10-30 10:05:00", False,
     ((31, 2, 295.0, 0, ()), (26, 3, 110.5, 0, ()))),
    (6, 12, 2, "sent", "2026-10-31 16:20:00", "RM/PO/0455",
     ((20, 6, 120.5, 0, ()), (16, 2, 47.0, 0, ()))),
    (7, 16, 2, "sale", "2026-11-02 11:00:00", "BN-0098",
     ((5, 8, 70.0, 10.0, ()), (6, 8, 40.0, 10.0, ()))),
    (8, 17, 6, "draft", "2026-11-03 09:30:00", False,
     ((29, 1, 1500.0, 0, ()), (41, 12, 1.98, 0, ()))),
    (9, 18, 2, "sent", "2026-11-04 12:15:00", False,
     ((17, 2, 140.0, 0, ()), (13, 1, 320.0, 0, ()))),
    (10, 19, 2, "sale", "2026-11-05 17:45:00", "MA-4471",
     ((27, 1, 2350.0, 0, (1,)), (25, 2, 885.0, 0, (1,)))),
    (11, 20, 6, "draft", "2026-11-06 08:50:00", False,
     ((28, 1, 4000.0, 0, ()), (18, 12, 33.0, 0, ()))),
    (12, 21, 2, "sent", "2026-11-07 13:05:00", False,
     ((21, 2, 85.0, 0, ()), (34, 10, 5.1, 0, ()))),
    (13, 22, 2, "sale", "2026-11-09 10:10:00", "BS-2026-77",
     ((10, 3, 750.0, 0, (1,)), (42, 6, 3.19, 0, (1,)))),
    (14, 23, 6, "draft", "2026-11-10 15:25:00", False,
     ((23, 1, 1950.0, 0, ()), (6, 2, 40.0, 0, ()))),
    (15, 24, 2, "sale", "2026-11-11 09:00:00", False,
     ((24, 1, 2100.0, 7.5, ()), (44, 4, 24.0, 0, ()))),
    (16, 25, 2, "sale", "2026-11-12 18:30:00", "OR-3321",
     ((11, 2, 800.4, 0, (1,)), (19, 6, 39.4, 0, (1,)))),
    (17, 26, 6, "sale", "2026-11-13 11:45:00", False,
     ((44, 10, 24.0, 0, ()), (14, 6, 15.8, 0, ()))),
    (18, 37, 2, "cancel", "2026-11-14 10:00:00", False,
     ((29, 1, 1500.0, 0, ()), (5, 1, 70.0, 0, ()))),
    (19, 8, 2, "sent", "2026-10-26 20:28:00", False,
     ((32, 3, 295.0, 0, ()), (6, 5, 145.0, 0, ()), (5, 2, 65.0, 0, ()))),
    (20, 38, 6, "draft", "2026-11-16 14:00:00", False,
     ((34, 3, 5.1, 0, ()), (41, 3, 1.98, 0, ()))),
    (21, 39, 2, "sent", "2026-11-17 09:20:00", False,
     ((20, 1, 120.5, 0, ()),)),
    (22, 43, 2, "sale", "2026-11-18 16:40:00", "SN-019",
     ((8, 2, 450.0, 0, (1,)), (3, 10, 30.75, 0, (1,)))),
    (23, 44, 6, "draft", "2026-11-19 12:00:00", False,
     ((33, 1, 589.0, 0, ()),)),
    (24, 10, 2, "sale", "2026-11-20 10:30:00", "DA-0456",
     ((13, 2, 320.0, 0, (1,)), (16, 4, 47.0, 0, (1,)))),
    (25, 40, 6, "cancel", "2026-11-21 15:10:00", False,
     ((12, 1, 147.0, 0, ()),)),
    (26, 12, 2, "sale", "2026-11-26 20:32:10", "capture probe",
     ((5, 2, 70.0, 0, ()),)),
)

# Purchase orders (no capture: made up, with the demo's suppliers and products):
# id, vendor, buyer, state, date_order, vendor reference, lines;
# line: product, quantity, unit price, taxes.  Odoo 18 numbers them P00001...
PURCHASES = (
    (1, 14, 2, "purchase", "2026-11-03 09:00:00", "LI-7781",
     ((22, 20, 20.0, (2,)), (16, 30, 10.0, (2,)))),
    (2, 15, 2, "draft", "2026-11-18 10:15:00", False,
     ((5, 10, 55.0, ()), (6, 12, 35.0, ()))),
    (3, 45, 2, "sent", "2026-11-20 14:30:00", "MN-2026-31",
     ((26, 6, 100.0, (2,)),)),
    (4, 12, 2, "done", "2026-10-12 08:45:00", "RM-5530",
     ((14, 50, 14.0, (2,)), (34, 100, 0.0, ()))),
    (5, 48, 2, "cancel", "2026-10-30 16:20:00", False,
     ((17, 4, 120.5, ()),)),
    (6, 46, 2, "to approve", "2026-11-24 11:05:00", False,
     ((29, 2, 1000.0, (2,)),)),
)

# Transfers: id, name, type (1 receipt, 2 delivery), partner, state, scheduled, origin, sale.
PICKINGS = (
    (1, "WH/IN/00001", 1, 14, "assigned", "2026-11-10 09:00:00", "P00001", False),
    (2, "WH/IN/00002", 1, 12, "done", "2026-10-15 08:45:00", "P00004", False),
    (3, "WH/IN/00003", 1, 48, "cancel", "2026-11-05 16:20:00", "P00005", False),
    (4, "WH/OUT/00001", 2, 11, "assigned", "2026-11-27 10:00:00", "S00004", 4),
    (5, "WH/OUT/00002", 2, 16, "done", "2026-11-04 12:00:00", "S00007", 7),
    (6, "WH/OUT/00003", 2, 19, "confirmed", "2026-11-08 09:30:00", "S00010", 10),
    (7, "WH/OUT/00004", 2, 22, "waiting", "2026-11-12 15:00:00", "S00013", 13),
    (8, "WH/OUT/00005", 2, 24, "draft", "2026-11-14 11:00:00", "S00015", 15),
)

# Journal entries: id, type, number ("/" for a draft), partner, state, invoice date,
# origin, amount paid ("full": the total), lines; line: product, quantity, unit price, taxes.
MOVES = (
    (1, "out_invoice", "INV/2026/00001", 16, "posted", "2026-11-03", "S00007", "full",
     ((8, 5, 450.0, (1,)), (22, 10, 25.0, ()))),
    (2, "out_invoice", "INV/2026/00002", 19, "posted", "2026-11-06", "S00010", 0.0,
     ((13, 2, 320.0, (1,)),)),
    (3, "out_invoice", "INV/2026/00003", 22, "posted", "2026-11-10", "S00013", 500.0,
     ((15, 1, 1799.0, ()), (16, 4, 47.0, ()))),
    (4, "out_invoice", "/", 24, "draft", False, "S00015", 0.0,
     ((12, 2, 147.0, (1,)), (6, 3, 40.0, ()))),
    (5, "out_invoice", "/", 13, "draft", "2026-11-25", False, 0.0, ()),
    (6, "in_invoice", "BILL/2026/00001", 14, "posted", "2026-11-11", "P00001", 0.0,
     ((22, 20, 20.0, (2,)),)),
    (7, "out_refund", "RINV/2026/00001", 16, "posted", "2026-11-12", "INV/2026/00001", 0.0,
     ((22, 1, 25.0, ()),)),
)

# Where the sequences stand after the demo data (and the capture run).
NEXT_SALE_NUMBER = 28
NEXT_IDS = {"sale.order": 28, "sale.order.line": 53, "res.partner": 55, "res.users": 8,
            "product.product": 49, "product.template": 47, "product.category": 9,
            "res.country": 251, "uom.uom": 10}


class Store:
    """Every table of the simulated database, its sequences and the users' passwords."""

    def __init__(self, model_names):
        self.tables = {name: {} for name in model_names}
        self.next_id = {name: 1 for name in model_names}
        self.sequences = {"sale.order": 1, "purchase.order": 1}
        self.passwords = {}
        self.api_keys = {}
        # Bumped on every change: sort_cache entries of older versions are stale.
        self.version = 0
        self.sort_cache = {}

    def snapshot(self):
        """A copy of the tables to roll a failed call back to (sequences are not rolled back)."""
        return {name: {rid: dict(row) for rid, row in table.items()}
                for name, table in self.tables.items()}

    def restore(self, snapshot):
        """Put the tables back as snapshot() saw them."""
        self.tables = snapshot
        self.version += 1


def build(registry):
    """A fresh Store holding the demo database."""
    store = Store(registry.models)
    env = Env(registry, store, uid=1)
    _load_countries(env)
    _load_langs(env)
    _load_uoms(env)
    _load_categories(env)
    _load_partners(env)
    _load_users(env, store)
    _load_products(env)
    _load_orders(env)
    _load_purchases(env)
    _load_pickings(env)
    _load_moves(env)
    store.sequences["sale.order"] = NEXT_SALE_NUMBER
    store.sequences["purchase.order"] = len(PURCHASES) + 1
    store.sequences["account.move"] = {("INV", "2026"): 4, ("BILL", "2026"): 2,
                                       ("RINV", "2026"): 2}
    for name, next_id in NEXT_IDS.items():
        store.next_id[name] = max(next_id, max(store.tables[name], default=0) + 1)
    for name in ("purchase.order", "purchase.order.line", "stock.picking", "account.move",
                 "account.move.line"):
        store.next_id[name] = max(store.tables[name], default=0) + 1
    return store


def _plus_days(when, days):
    start = datetime.datetime.strptime(when[:10], "%Y-%m-%d")
    return (start + datetime.timedelta(days=days)).strftime("%Y-%m-%d")


def _stamps(when, uid=1):
    return {"create_date": when, "write_date": when, "create_uid": uid, "write_uid": uid}


def _load_countries(env):
    countries = env["res.country"]
    for code, (name, phone, currency) in sorted(COUNTRIES.items(), key=lambda c: country_id(c[0])):
        countries._insert({"name": name, "code": code, "phone_code": phone,
                           "currency_id": currency}, rid=country_id(code),
                          stamps=_stamps("2026-11-26 20:24:31"))


# A few of base/data/res_lang_data.xml's languages; en_US (id 1) alone is installed, as on the
# captured server.
LANGS = ((1, "English (US)", "en_US", "en", "en", True), (2, "Spanish / Español", "es_ES", "es", "es", False),
         (3, "Spanish (MX) / Español (MX)", "es_MX", "es_MX", "es_MX", False),
         (4, "French / Français", "fr_FR", "fr", "fr", False),
         (5, "English (UK)", "en_GB", "en_GB", "en_GB", False))


def _load_langs(env):
    langs = env["res.lang"]
    for rid, name, code, iso, url, active in LANGS:
        langs._insert({"name": name, "code": code, "iso_code": iso, "url_code": url, "active": active},
                      rid=rid, stamps=_stamps("2026-11-26 20:24:31"))


def _load_uoms(env):
    uoms = env["uom.uom"]
    for rid, name, category, factor, kind in UOMS:
        uoms._insert({"name": name, "category_id": category, "factor": factor, "uom_type": kind},
                     rid=rid, stamps=_stamps("2026-11-26 20:24:40"))


def _load_categories(env):
    categories = env["product.category"]
    for rid, name, parent in CATEGORIES:
        categories._insert({"name": name, "parent_id": parent}, rid=rid,
                           stamps=_stamps("2026-11-26 20:25:02"))


def _load_partners(env):
    partners = env["res.partner"]
    for (rid, name, company, parent, email, phone, street, city, zipcode, country, vat,
         customer, supplier, active) in PARTNERS:
        partners._insert({
            "name": name, "is_company": company, "parent_id": parent, "email": email,
            "phone": phone, "street": street, "city": city, "zip": zipcode,
            "country_id": country_id(country) if country else False, "vat": vat,
            "customer_rank": customer, "supplier_rank": supplier, "active": active,
        }, rid=rid, stamps=_stamps(PARTNER_STAMP if rid != 10 else "2026-11-26 20:28:10"))


def _load_users(env, store):
    users = env["res.users"]
    for uid, login, partner, password, active, groups in USERS:
        users._insert({"login": login, "partner_id": partner, "active": active}, rid=uid,
                      stamps=_stamps("2026-11-26 20:25:40"))
        store.tables["res.users"][uid]["_groups"] = list(groups)
        if password:
            store.passwords[uid] = password
            store.api_keys[uid] = api_key(login, password)


def _load_products(env):
    templates = env["product.template"]
    products = env["product.product"]
    shared = {}
    for (rid, key, name, code, categ, price, cost, kind, uom, sale_ok, purchase_ok, active, qty,
         variant, extra) in PRODUCTS:
        stamp = PRODUCT_STAMPS.get(rid, PRODUCT_STAMP)
        details = PRODUCT_EXTRA.get(rid, {})
        template_vals = {"type": kind, "uom_id": uom, "uom_po_id": uom, "sale_ok": sale_ok,
                         "purchase_ok": purchase_ok, "categ_id": categ,
                         "is_storable": bool(qty) and kind == "consu"}
        # Odoo 19 has no purchase unit (uom_po_id).
        template_vals = {k: v for k, v in template_vals.items() if k in templates._schema}
        if key is None:
            template_vals.update(name=name, list_price=price,
                                 description_sale=details.get("description_sale", False))
            template = templates._insert(template_vals, stamps=_stamps(stamp))
        elif key not in shared:
            template_vals.update(_SHARED[key])
            template = shared[key] = templates._insert(template_vals, stamps=_stamps(stamp))
        else:
            template = shared[key]
        products._insert({"product_tmpl_id": template, "default_code": code,
                          "standard_price": cost, "active": active,
                          "barcode": details.get("barcode", False),
                          "weight": 0.01 if kind == "consu" else 0.0},
                         rid=rid, stamps=_stamps(stamp))
        row = products._table[rid]
        row["_qty"] = float(qty)
        row["_variant"] = variant
        row["_price_extra"] = float(extra)


def _load_orders(env):
    orders = env["sale.order"]
    lines = env["sale.order.line"]
    line_id = 1
    for rid, partner, user, state, date, ref, order_lines in ORDERS:
        when = SALE_STAMP if date < SALE_STAMP else date
        orders._insert({"name": "S%05d" % rid, "partner_id": partner, "user_id": user,
                        "state": state, "date_order": date, "client_order_ref": ref,
                        "validity_date": _plus_days(date, 30)},
                       rid=rid, stamps=_stamps(when, user))
        for product, qty, price, discount, taxes in order_lines:
            lines._insert({"order_id": rid, "product_id": product, "product_uom_qty": qty,
                           "price_unit": price, "discount": discount,
                           lines._fn("tax_id"): [(6, 0, list(taxes))]},
                          rid=line_id, stamps=_stamps(when, user))
            line_id += 1


def _load_purchases(env):
    orders = env["purchase.order"]
    lines = env["purchase.order.line"]
    line_id = 1
    locked_flag = "locked" in orders._schema        # Odoo 19: no 'done' state, a flag
    for rid, partner, user, state, date, ref, order_lines in PURCHASES:
        vals = {"name": "P%05d" % rid, "partner_id": partner, "user_id": user, "state": state,
                "date_order": date, "partner_ref": ref}
        if state in ("purchase", "done"):
            vals["date_approve"] = date
        if state == "done" and locked_flag:
            vals.update(state="purchase", locked=True)
        orders._insert(vals, rid=rid, stamps=_stamps(date, user))
        for product, qty, price, taxes in order_lines:
            line_vals = {"order_id": rid, "product_id": product, "product_qty": qty,
                         "price_unit": price, lines._fn("taxes_id"): [(6, 0, list(taxes))]}
            if state == "done":
                line_vals["qty_received"] = qty
            lines._insert(line_vals, rid=line_id, stamps=_stamps(date, user))
            line_id += 1


def _load_pickings(env):
    pickings = env["stock.picking"]
    for rid, name, kind, partner, state, when, origin, sale in PICKINGS:
        vals = {"name": name, "picking_type_id": kind, "partner_id": partner, "state": state,
                "scheduled_date": when, "origin": origin, "sale_id": sale, "user_id": 2}
        if state == "done":
            vals["date_done"] = when
        pickings._insert(vals, rid=rid, stamps=_stamps(when, 2))


def _load_moves(env):
    moves = env["account.move"]
    lines = env["account.move.line"]
    line_id = 1
    for rid, move_type, name, partner, state, date, origin, paid, move_lines in MOVES:
        when = (date or "2026-11-26") + " 12:00:00"
        moves._insert({"move_type": move_type, "name": name, "partner_id": partner,
                       "state": state, "invoice_date": date, "invoice_date_due": date,
                       "date": date or "2026-11-26", "invoice_origin": origin,
                       "invoice_user_id": 2 if move_type.startswith("out_") else False},
                      rid=rid, stamps=_stamps(when, 2))
        for product, qty, price, taxes in move_lines:
            lines._insert({"move_id": rid, "product_id": product, "quantity": qty,
                           "price_unit": price, "tax_ids": [(6, 0, list(taxes))]},
                          rid=line_id, stamps=_stamps(when, 2))
            line_id += 1
        moves._table[rid]["_paid"] = moves._value(rid, "amount_total") if paid == "full" \
            else float(paid)
