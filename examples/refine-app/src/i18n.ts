// i18n.ts: the UI strings in Spanish (the default, as the API's) and English, and Refine's i18nProvider over them.
import type { I18nProvider } from "@refinedev/core";

type Dict = { [key: string]: string | Dict };

const es: Dict = {
	app: { title: "Odoo · Refine", language: "Idioma" },
	buttons: {
		create: "Crear", save: "Guardar", logout: "Cerrar sesión", delete: "Borrar", edit: "Editar",
		cancel: "Cancelar", confirm: "¿Seguro?", filter: "Filtrar", clear: "Limpiar", refresh: "Refrescar",
		show: "Ver", undo: "Deshacer", import: "Importar", clone: "Clonar", list: "Lista",
		notAccessTitle: "No tiene permiso",
	},
	actions: { list: "Lista", create: "Crear", edit: "Editar", show: "Ver", clone: "Clonar" },
	notifications: {
		success: "Hecho", error: "Error ({{statusCode}})",
		createSuccess: "{{resource}}: creado", createError: "{{resource}}: no se pudo crear ({{statusCode}})",
		editSuccess: "{{resource}}: guardado", editError: "{{resource}}: no se pudo guardar ({{statusCode}})",
		deleteSuccess: "{{resource}}: borrado", deleteError: "{{resource}}: no se pudo borrar ({{statusCode}})",
		undoable: "Se puede deshacer durante {{seconds}} s",
	},
	errors: {
		unavailable: "Odoo no disponible",
		required: "Obligatorio",
		email: "No es un correo electrónico válido",
	},
	pages: {
		login: {
			title: "Entrar", signin: "Entrar", username: "Usuario", password: "Contraseña o clave API",
			errors: { requiredEmail: "Indique el usuario", requiredPassword: "Indique la contraseña" },
		},
		error: { info: "Página no encontrada", backHome: "Volver al inicio" },
	},
	table: { actions: "Acciones", search: "Buscar", all: "Todas" },
	products: {
		products: "Productos",
		titles: { list: "Productos", create: "Nuevo producto", edit: "Editar producto", show: "Producto" },
		fields: {
			name: "Nombre", default_code: "Referencia", barcode: "Código de barras", list_price: "Precio de venta",
			standard_price: "Coste", categ_id: "Categoría", type: "Tipo", sale_ok: "Se vende",
			purchase_ok: "Se compra", description_sale: "Descripción de venta", qty_available: "Disponible",
		},
	},
	customers: {
		customers: "Clientes",
		titles: { list: "Clientes", create: "Nuevo cliente", edit: "Editar cliente", show: "Cliente" },
	},
	suppliers: {
		suppliers: "Proveedores",
		titles: { list: "Proveedores", create: "Nuevo proveedor", edit: "Editar proveedor", show: "Proveedor" },
	},
	partners: {
		fields: {
			name: "Nombre", is_company: "Empresa", email: "Correo electrónico", phone: "Teléfono", mobile: "Móvil",
			vat: "NIF", street: "Calle", city: "Ciudad", zip: "Código postal", country_id: "País", website: "Web",
			comment: "Notas",
		},
	},
	sales: {
		sales: "Ventas",
		titles: { list: "Ventas", create: "Nuevo presupuesto", edit: "Editar venta", show: "Venta" },
		fields: {
			name: "Número", partner_id: "Cliente", date_order: "Fecha", state: "Estado",
			client_order_ref: "Referencia del cliente", note: "Notas", amount_untaxed: "Base imponible",
			amount_tax: "Impuestos", amount_total: "Total", lines: "Líneas",
		},
		lines: {
			product_id: "Producto", product_uom_qty: "Cantidad", price_unit: "Precio", discount: "Desc. %",
			price_subtotal: "Subtotal", add: "Añadir línea", remove: "Quitar",
		},
		states: { draft: "Presupuesto", sent: "Enviado", sale: "Pedido de venta", cancel: "Cancelado" },
		workflow: {
			confirm: "Confirmar", cancel: "Cancelar venta", draft: "Volver a presupuesto",
			done: "Estado: {{state}}",
		},
		totalsAfterSave: "Odoo calcula los totales al guardar",
	},
};

const en: Dict = {
	app: { title: "Odoo · Refine", language: "Language" },
	buttons: {
		create: "Create", save: "Save", logout: "Log out", delete: "Delete", edit: "Edit", cancel: "Cancel",
		confirm: "Are you sure?", filter: "Filter", clear: "Clear", refresh: "Refresh", show: "Show",
		undo: "Undo", import: "Import", clone: "Clone", list: "List", notAccessTitle: "Not allowed",
	},
	actions: { list: "List", create: "Create", edit: "Edit", show: "Show", clone: "Clone" },
	notifications: {
		success: "Done", error: "Error ({{statusCode}})",
		createSuccess: "{{resource}}: created", createError: "{{resource}}: could not create ({{statusCode}})",
		editSuccess: "{{resource}}: saved", editError: "{{resource}}: could not save ({{statusCode}})",
		deleteSuccess: "{{resource}}: deleted", deleteError: "{{resource}}: could not delete ({{statusCode}})",
		undoable: "You have {{seconds}} s to undo",
	},
	errors: { unavailable: "Odoo unavailable", required: "Required", email: "Not a valid email address" },
	pages: {
		login: {
			title: "Sign in", signin: "Sign in", username: "User", password: "Password or API key",
			errors: { requiredEmail: "Enter the user", requiredPassword: "Enter the password" },
		},
		error: { info: "Page not found", backHome: "Back home" },
	},
	table: { actions: "Actions", search: "Search", all: "All" },
	products: {
		products: "Products",
		titles: { list: "Products", create: "New product", edit: "Edit product", show: "Product" },
		fields: {
			name: "Name", default_code: "Reference", barcode: "Barcode", list_price: "Sales price",
			standard_price: "Cost", categ_id: "Category", type: "Type", sale_ok: "Can be sold",
			purchase_ok: "Can be purchased", description_sale: "Sales description", qty_available: "On hand",
		},
	},
	customers: {
		customers: "Customers",
		titles: { list: "Customers", create: "New customer", edit: "Edit customer", show: "Customer" },
	},
	suppliers: {
		suppliers: "Suppliers",
		titles: { list: "Suppliers", create: "New supplier", edit: "Edit supplier", show: "Supplier" },
	},
	partners: {
		fields: {
			name: "Name", is_company: "Company", email: "Email", phone: "Phone", mobile: "Mobile", vat: "Tax ID",
			street: "Street", city: "City", zip: "ZIP", country_id: "Country", website: "Website", comment: "Notes",
		},
	},
	sales: {
		sales: "Sales",
		titles: { list: "Sales", create: "New quotation", edit: "Edit sale", show: "Sale" },
		fields: {
			name: "Number", partner_id: "Customer", date_order: "Date", state: "Status",
			client_order_ref: "Customer reference", note: "Notes", amount_untaxed: "Untaxed",
			amount_tax: "Taxes", amount_total: "Total", lines: "Lines",
		},
		lines: {
			product_id: "Product", product_uom_qty: "Quantity", price_unit: "Price", discount: "Disc. %",
			price_subtotal: "Subtotal", add: "Add line", remove: "Remove",
		},
		states: { draft: "Quotation", sent: "Sent", sale: "Sales order", cancel: "Cancelled" },
		workflow: { confirm: "Confirm", cancel: "Cancel sale", draft: "Set to quotation", done: "Status: {{state}}" },
		totalsAfterSave: "Odoo computes the totals on save",
	},
};

export const LANGUAGES = { es, en } as const;
export type Language = keyof typeof LANGUAGES;
const LANG_KEY = "odoo-bridge-app-lang";

/** The UI language: the one chosen before (localStorage), else Spanish. */
export function currentLanguage(): Language {
	const saved = globalThis.localStorage?.getItem(LANG_KEY);
	return saved === "en" || saved === "es" ? saved : "es";
}

function lookup(dict: Dict, key: string): string | undefined {
	let node: string | Dict | undefined = dict;
	for (const part of key.split(".")) {
		if (typeof node !== "object")
			return undefined;
		node = node[part];
	}
	return typeof node === "string" ? node : undefined;
}

/** {{name}} placeholders filled from options. */
function fill(text: string, options?: Record<string, unknown>): string {
	return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(options?.[k] ?? ""));
}

export function translate(key: string, options?: Record<string, unknown> | string, defaultMessage?: string): string {
	// Refine calls translate(key, defaultMessage) as well as translate(key, options, defaultMessage).
	const opts = typeof options === "object" ? options : undefined;
	const fallback = typeof options === "string" ? options : defaultMessage;
	const text = lookup(LANGUAGES[currentLanguage()], key) ?? lookup(es, key) ?? fallback ?? key;
	return fill(text, opts);
}

/**
 * Refine's i18nProvider.  Changing the language stores it and reloads the
 * page, so that every string, antd's own locale and the Accept-Language
 * the API gets (providers.ts) change together.
 */
export const i18nProvider: I18nProvider = {
	translate,
	changeLocale: async (lang: string) => {
		localStorage.setItem(LANG_KEY, lang === "en" ? "en" : "es");
		window.location.reload();
	},
	getLocale: () => currentLanguage(),
};
