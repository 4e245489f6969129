// app.test.mjs: examples/refine-app in headless Chromium (Debian's) against lighttpd + odoo-bridge + the Odoo simulator.
//
// lighttpd serves the built app and the API on one origin, with the shipped
// lighttpd/odoo-bridge.conf and lighttpd/odoo-bridge-app.conf
// (tests/refine/lib/stack.mjs).  What the browser shows is checked against
// the simulator, read over XML-RPC, not against the app's own requests.
// With SCREENSHOTS=dir (make screenshots) the list, the sale form and an
// error state are saved there as PNG.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { after, afterEach, before, test } from "node:test";

import { chromium } from "playwright-core";

import { secret, startStack } from "../refine/lib/stack.mjs";

const APP = process.env.APP_DIR;
const DIST = path.join(APP ?? "", "dist");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SHOTS = process.env.SCREENSHOTS || "";
const PAGE_SIZE = 10; // Refine's useTable default

let stack, browser, context, page, sim, adminToken;

/** Polls fn until it returns a truthy value (or stops throwing); the last failure is the test's. */
async function eventually(fn, what, ms = 15000) {
	const deadline = Date.now() + ms;
	let last;
	for (;;) {
		try {
			const v = await fn();
			if (v)
				return v;
			last = new Error(`${what}: not yet`);
		} catch (e) {
			last = e;
		}
		if (Date.now() > deadline)
			throw new Error(`${what}: ${last?.message}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** Waits until check() stops throwing (an assertion), up to ms; the last assertion failure is the test's. */
const until = (check, what, ms) => eventually(async () => {
	await check();
	return true;
}, what, ms);

const shot = async (name) => {
	if (SHOTS)
		await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
};

/** The texts of one column of the page's table (the first table when there are several). */
const column = (i) => page.locator(".ant-table-tbody").first().locator("tr.ant-table-row")
	.evaluateAll((rows, i) => rows.map((r) => r.querySelectorAll("td")[i]?.textContent ?? ""), i);

/** The notification texts on screen. */
const notifications = () => page.locator(".ant-notification-notice").allTextContents();

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Picks, in the antd <Select> whose input is selector, the option whose
 * label is text (or "[reference] text"), typing text to search.
 */
async function choose(selector, text) {
	await page.locator(selector).click();
	await page.locator(selector).fill(text);
	const option = page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option")
		.filter({ hasText: new RegExp(`^(\\[[^\\]]*\\] )?${escape(text)}$`) }).first();
	await option.waitFor();
	await option.click();
}

async function login(user, password) {
	await page.goto(`${stack.baseUrl}/`);
	await page.waitForURL(/\/login/);
	await page.getByLabel("Usuario").fill(user);
	await page.getByLabel("Contraseña o clave API").fill(secret(user, password));
	await page.getByRole("button", { name: "Entrar" }).click();
	await page.waitForURL(/\/products/);
	return page.evaluate(() => localStorage.getItem("odoo-bridge-token"));
}

async function logout() {
	await page.getByText("Cerrar sesión").click();
	await page.waitForURL(/\/login/);
}

const odoo = (model, method, args, kwargs) => stack.odoo.executeKw(model, method, args, kwargs);

before(async () => {
	assert.ok(APP && fs.existsSync(path.join(DIST, "index.html")), "APP_DIR/dist: build the app first (run-browser.sh does)");
	if (SHOTS)
		fs.mkdirSync(SHOTS, { recursive: true });
	stack = await startStack({ app: DIST });
	sim = stack.odoo;
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		// Chromium refuses to start its sandbox as root (CI runs as root).
		args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
	});
	context = await browser.newContext({ locale: "es-ES", viewport: { width: 1280, height: 800 } });
	page = await context.newPage();
	// warnWhenUnsavedChanges asks before leaving a changed form: say yes.
	page.on("dialog", (d) => d.accept());
});

// FAIL_SHOTS=dir: a screenshot of the page when a test fails, to see why.
afterEach(async (t) => {
	if (process.env.FAIL_SHOTS && page && t.passed === false)
		await page.screenshot({ path: path.join(process.env.FAIL_SHOTS, `${t.name.replace(/\W+/g, "-").slice(0, 60)}.png`) }).catch(() => {});
});

after(async () => {
	await browser?.close();
	const log = await stack?.stop();
	const report = /^.*(Sanitizer|runtime error:).*$/m.exec(log ?? "");
	if (report)
		throw new Error(`the bridge logged a sanitizer report: ${report[0]}`);
});

test("the app type-checks (tsc --noEmit) and its bundle size is reported", (t) => {
	const tsc = spawnSync(process.execPath, [path.join(APP, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "."],
		{ cwd: APP, encoding: "utf8" });
	assert.equal(tsc.status, 0, `tsc --noEmit:\n${tsc.stdout}${tsc.stderr}`);
	let raw = 0, gz = 0;
	for (const f of fs.readdirSync(path.join(DIST, "assets"))) {
		const data = fs.readFileSync(path.join(DIST, "assets", f));
		const z = zlib.gzipSync(data, { level: 9 }).length;
		raw += data.length;
		gz += z;
		t.diagnostic(`bundle: assets/${f} ${(data.length / 1024).toFixed(1)} KiB, gzip ${(z / 1024).toFixed(1)} KiB`);
	}
	t.diagnostic(`bundle: total ${(raw / 1024).toFixed(1)} KiB, gzip ${(gz / 1024).toFixed(1)} KiB`);
	assert.ok(raw > 0);
});

test("logs in with an Odoo user; the app and the API share one origin", async () => {
	adminToken = await login("admin", "admin");
	assert.ok(adminToken, "the token is in localStorage");
	await page.locator("tr.ant-table-row").first().waitFor();
	assert.equal(await page.getByTestId("identity").textContent(), (await odoo("res.users", "read", [[stack.odoo.uid]], { fields: ["name"] }))[0].name);
	// A route of the app loaded directly is the app (lighttpd's rewrite), not a 404.
	const r = await fetch(`${stack.baseUrl}/sales/create`);
	assert.equal(r.status, 200);
	assert.match(await r.text(), /<div id="root">/);
});

test("products: pages and sorts as Odoo orders them", async () => {
	const names = async (order, offset) =>
		(await odoo("product.product", "search_read", [[]], { fields: ["name"], order: `${order}, id asc`, offset, limit: PAGE_SIZE }))
			.map((p) => p.name);
	const nameColumn = 1;
	await until(async () => assert.deepEqual(await column(nameColumn), await names("name asc", 0)), "page 1 by name");
	await shot("products-list");
	await page.locator(".ant-pagination-item-2").click();
	await page.waitForURL((u) => u.searchParams.get("currentPage") === "2");
	await until(async () => assert.deepEqual(await column(nameColumn), await names("name asc", PAGE_SIZE)), "page 2 by name");
	// The name column's header: ascending -> descending, on the page shown.
	await page.locator("th.ant-table-column-has-sorters").filter({ hasText: "Nombre" }).click();
	await page.waitForURL((u) => u.searchParams.get("sorters[0][order]") === "desc");
	const offset = (Number(new URL(page.url()).searchParams.get("currentPage") ?? 1) - 1) * PAGE_SIZE;
	await until(async () => assert.deepEqual(await column(nameColumn), await names("name desc", offset)), "by name, descending");
	// The search box: q over name, reference and barcode.
	await page.getByPlaceholder("Buscar").fill("desk");
	await page.getByPlaceholder("Buscar").press("Enter");
	const q = ["|", "|", ["name", "ilike", "desk"], ["default_code", "ilike", "desk"], ["barcode", "ilike", "desk"]];
	const found = (await odoo("product.product", "search_read", [q], { fields: ["name"], order: "name desc, id asc", limit: PAGE_SIZE })).map((p) => p.name);
	assert.ok(found.length > 0);
	await until(async () => assert.deepEqual(await column(nameColumn), found), "search");
});

test("products: the category filter", async () => {
	// The category with the fewest products: its first page is not the unfiltered one.
	const all = await odoo("product.product", "search_read", [[["categ_id", "!=", false]]], { fields: ["categ_id"] });
	const counts = new Map();
	for (const p of all)
		counts.set(p.categ_id[0], { name: p.categ_id[1], n: (counts.get(p.categ_id[0])?.n ?? 0) + 1 });
	const [categId, { name: categName }] = [...counts].sort((a, b) => a[1].n - b[1].n)[0];
	const unfiltered = (await odoo("product.product", "search_read", [[]], { fields: ["name"], order: "name asc, id asc", limit: PAGE_SIZE })).map((p) => p.name);
	await page.goto(`${stack.baseUrl}/products`);
	await page.locator("th").filter({ hasText: "Categoría" }).locator(".ant-table-filter-trigger").click();
	const dropdown = page.locator(".ant-table-filter-dropdown");
	await dropdown.locator(".ant-select").click();
	await page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option")
		.filter({ hasText: new RegExp(`^${escape(categName)}$`) }).click();
	await dropdown.getByRole("button", { name: "Filtrar" }).click();
	const expected = (await odoo("product.product", "search_read", [[["categ_id", "=", categId]]],
		{ fields: ["name"], order: "name asc, id asc", limit: PAGE_SIZE })).map((p) => p.name);
	await until(async () => assert.deepEqual(await column(1), expected), "filtered by category");
	assert.notDeepEqual(expected, unfiltered, "the filter changes the page");
});

test("English on request, Spanish by default; the choice survives a reload", async () => {
	const pick = async (label) => {
		await page.getByTestId("language").locator(".ant-select").click();
		await page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option").filter({ hasText: label }).click();
		await page.waitForLoadState("load");
	};
	await page.goto(`${stack.baseUrl}/products`);
	await page.getByRole("heading", { name: "Productos" }).waitFor();
	await pick("English");
	await page.getByRole("heading", { name: "Products" }).waitFor();
	await page.getByRole("columnheader", { name: "Sales price" }).waitFor();
	await page.reload();
	await page.getByRole("heading", { name: "Products" }).waitFor();
	await pick("Español");
	await page.getByRole("heading", { name: "Productos" }).waitFor();
});

// A fixed name (each run has a fresh simulator), so that the screenshots do not change for nothing.
const customerName = "Cliente Navegador S.L.";

test("customers: a bad email is marked on its field; a character Odoo cannot take is marked from the bridge's errors; then it is created", async () => {
	const count = () => odoo("res.partner", "search_count", [[["name", "=", customerName]]]);
	await page.goto(`${stack.baseUrl}/customers/create`);
	await page.getByLabel("Nombre").fill(customerName);
	await page.getByLabel("Correo electrónico").fill("no-es-un-correo");
	await page.getByRole("button", { name: "Guardar" }).click();
	const emailError = page.locator(".ant-form-item").filter({ has: page.locator("#email") }).locator(".ant-form-item-explain-error");
	await emailError.waitFor();
	assert.equal(await emailError.textContent(), "No es un correo electrónico válido");
	await shot("customer-error");
	assert.equal(await count(), 0, "nothing reached Odoo");

	// The bridge's 400 with "errors": the reason shown is the bridge's own, on the field it names.
	await page.getByLabel("Correo electrónico").fill("cliente@example.com");
	const bad = `${customerName}\u0007`;
	const api = await fetch(`${stack.apiUrl}/customers`, {
		method: "POST", body: JSON.stringify({ name: bad }),
		headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json", "Accept-Language": "es-ES" },
	});
	assert.equal(api.status, 400);
	const expected = (await api.json()).errors.name;
	await page.getByLabel("Nombre").fill(bad);
	await page.getByRole("button", { name: "Guardar" }).click();
	const nameError = page.locator(".ant-form-item").filter({ has: page.locator("#name") }).locator(".ant-form-item-explain-error");
	await nameError.waitFor();
	assert.deepEqual(await nameError.allTextContents(), expected);
	assert.equal(await count(), 0);

	await page.getByLabel("Nombre").fill(customerName);
	await page.getByRole("button", { name: "Guardar" }).click();
	await page.waitForURL(/\/customers(\?|$)/);
	const [c] = await odoo("res.partner", "search_read", [[["name", "=", customerName]]], { fields: ["email", "customer_rank"] });
	assert.equal(c.email, "cliente@example.com");
	assert.equal(c.customer_rank, 1);
});

let saleId;

test("sales: a sale with two lines; the totals shown are Odoo's", async () => {
	const products = (await odoo("product.product", "search_read", [[["sale_ok", "=", true], ["list_price", ">", 0]]],
		{ fields: ["name", "list_price"], order: "id asc" }));
	// Two products whose names are not shared with another variant, so the option is unambiguous.
	const unique = products.filter((p) => products.filter((o) => o.name === p.name).length === 1).slice(0, 2);
	assert.equal(unique.length, 2);
	await page.goto(`${stack.baseUrl}/sales/create`);
	await choose("#partner_id", customerName);
	const qty = [2, 3], discount = [0, 10];
	for (const i of [0, 1]) {
		await page.getByTestId("add-line").click();
		await choose(`#lines_${i}_product_id`, unique[i].name);
		// The product's sales price comes with it.
		await eventually(async () => Number(await page.locator(`#lines_${i}_price_unit`).inputValue()) === unique[i].list_price, "price from the product");
		await page.locator(`#lines_${i}_product_uom_qty`).fill(String(qty[i]));
		await page.locator(`#lines_${i}_discount`).fill(String(discount[i]));
	}
	await page.getByRole("button", { name: "Guardar" }).click();
	await page.waitForURL(/\/sales\/edit\/\d+/);
	saleId = Number(/\/sales\/edit\/(\d+)/.exec(page.url())[1]);
	const [order] = await odoo("sale.order", "read", [[saleId]], { fields: ["partner_id", "amount_untaxed", "amount_tax", "amount_total", "order_line", "state"] });
	assert.equal(order.partner_id[1], customerName);
	assert.equal(order.state, "draft");
	const lines = await odoo("sale.order.line", "read", [order.order_line], { fields: ["product_id", "product_uom_qty", "discount", "price_subtotal"] });
	assert.deepEqual(lines.map((l) => [l.product_id[0], l.product_uom_qty, l.discount]),
		[[unique[0].id, 2, 0], [unique[1].id, 3, 10]]);
	for (const f of ["amount_untaxed", "amount_tax", "amount_total"]) {
		const shown = await eventually(() => page.getByTestId(f).getAttribute("data-value"), f);
		assert.equal(Number(shown), order[f], f);
	}
	assert.ok(order.amount_total > 0);
	// Odoo's line subtotals, as formatted on screen (es-ES: 1.234,50).
	const fmt = (v) => v.toLocaleString("es-ES", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
	for (const i of [0, 1])
		assert.equal(await page.getByTestId(`line-${i}-subtotal`).textContent(), fmt(lines[i].price_subtotal));
	await shot("sale-form");
});

test("sales: confirm, cancel and back to draft, each button only where Odoo allows it", async () => {
	const buttons = async () => {
		const out = [];
		for (const a of ["confirm", "cancel", "draft"])
			if (await page.getByTestId(`sale-${a}`).count())
				out.push(a);
		return out;
	};
	const state = async () => (await odoo("sale.order", "read", [[saleId]], { fields: ["state"] }))[0].state;
	const step = async (action, expected, offered) => {
		if (action)
			await page.getByTestId(`sale-${action}`).click();
		await page.locator(`[data-testid=sale-state][data-state=${expected}]`).waitFor();
		assert.equal(await state(), expected);
		await until(async () => assert.deepEqual(await buttons(), offered), `buttons in ${expected}`);
	};
	await step(null, "draft", ["confirm", "cancel"]);
	await step("confirm", "sale", ["cancel"]);
	await step("cancel", "cancel", ["draft"]);
	await step("draft", "draft", ["confirm", "cancel"]);
});

test("logs out: the token is revoked", async () => {
	await logout();
	assert.equal(await page.evaluate(() => localStorage.getItem("odoo-bridge-token")), null);
	const r = await fetch(`${stack.apiUrl}/me`, { headers: { Authorization: `Bearer ${adminToken}` } });
	assert.equal(r.status, 401);
});

test("a 403 shows Odoo's message; a 503 shows \"Odoo no disponible\"", async () => {
	const token = await login("demo", "demo");
	const api = await fetch(`${stack.apiUrl}/products`, {
		method: "POST", body: JSON.stringify({ name: "No permitido" }),
		headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
	});
	assert.equal(api.status, 403);
	const odooMessage = (await api.json()).message;
	await page.goto(`${stack.baseUrl}/products/create`);
	await page.getByLabel("Nombre").fill("No permitido");
	await page.getByRole("button", { name: "Guardar" }).click();
	await eventually(async () => (await notifications()).some((n) => n.includes(odooMessage)), "the 403 notification");
	assert.match(page.url(), /\/products\/create/, "the session goes on");

	// The simulator refuses connections for a while: the bridge answers 503.  The
	// notification comes once react-query's retries (about 7 s) have failed too.
	const r = await fetch(`${stack.simUrl}/__sim/refuse`, { method: "POST", body: JSON.stringify({ seconds: 40 }), headers: { "Content-Type": "application/json" } });
	assert.equal(r.status, 200);
	await page.goto(`${stack.baseUrl}/customers`);
	await eventually(async () => (await notifications()).some((n) => n.includes("Odoo no disponible")), "the 503 notification", 30000);
	assert.match(page.url(), /\/customers/);
});
