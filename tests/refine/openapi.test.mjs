// openapi.test.mjs: GET /openapi.json is valid OpenAPI 3.1, and GET /docs works in a real browser (headless Chromium).
//
// Swagger UI comes from the swagger-ui-dist npm package, served here on
// loopback and named by DOCS_ASSETS_URL (the default is a public CDN, which
// tests may not reach).  The browser is Debian's chromium (tools/install-deps),
// driven by puppeteer-core, which downloads no browser of its own.  The
// screenshot goes to $top_builddir/tests/artifacts/docs-swagger-ui.png.

import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

import SwaggerParser from "@apidevtools/swagger-parser";
import puppeteer from "puppeteer-core";

import { secret, stackForThisFile } from "./lib/refine.mjs";
import { topSrcdir } from "./lib/stack.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const distDir = path.join(here, "node_modules", "swagger-ui-dist");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const artifacts = path.join(process.env.top_builddir || topSrcdir, "tests", "artifacts");

// swagger-ui-dist's files under /swagger-ui-dist/, nothing else.
const TYPES = { ".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".map": "application/json" };
const assets = http.createServer((req, res) => {
	const m = /^\/swagger-ui-dist\/([A-Za-z0-9._-]+)$/.exec(req.url.split("?")[0]);
	const file = m && path.join(distDir, m[1]);
	if (!file || !fs.existsSync(file)) {
		res.writeHead(404);
		res.end();
		return;
	}
	res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
	fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => assets.listen(0, "127.0.0.1", resolve));
const assetsUrl = `http://127.0.0.1:${assets.address().port}/swagger-ui-dist`;
after(() => new Promise((resolve) => assets.close(resolve)));

const s = stackForThisFile({ bridgeSettings: { DOCS_ASSETS_URL: assetsUrl } });

const METHODS = ["get", "put", "post", "delete", "patch"];
const operations = (doc) => Object.entries(doc.paths).flatMap(([p, item]) =>
	METHODS.filter((m) => item[m]).map((m) => ({ path: p, method: m, op: item[m], item })));

test("GET /openapi.json is a valid OpenAPI 3.1 document (swagger-parser), its schemas compile (ajv, strict)", async () => {
	const r = await fetch(`${s.baseUrl}/openapi.json`);
	assert.equal(r.status, 200);
	assert.match(r.headers.get("content-type"), /^application\/json/);
	const doc = await r.json();
	assert.equal(doc.openapi, "3.1.0");
	const api = await SwaggerParser.validate(structuredClone(doc));
	assert.equal(api.info.title, "odoo-bridge");
	s.contract.checkSchemas();

	// What the OpenAPI schema cannot say: unique operationIds, every {param} of a path declared.
	const ops = operations(doc);
	assert.equal(new Set(ops.map((o) => o.op.operationId)).size, ops.length);
	for (const o of ops) {
		const declared = [...(o.item.parameters || []), ...(o.op.parameters || [])].filter((p) => p.in === "path").map((p) => p.name);
		for (const [, name] of o.path.matchAll(/\{([^}]+)\}/g))
			assert.ok(declared.includes(name), `${o.method} ${o.path}: {${name}} not declared`);
	}
	// The resource table, and the security scheme at /token.
	for (const res of ["products", "suppliers", "customers", "sales", "categories", "countries"])
		assert.ok(doc.paths[`/api/v1/${res}`]?.get, res);
	assert.equal(doc.components.securitySchemes.OAuth2PasswordBearer.flows.password.tokenUrl, "/token");
});

test("GET /docs: Swagger UI's page, its assets from DOCS_ASSETS_URL, a CSP that allows just them", async () => {
	const r = await fetch(`${s.baseUrl}/docs`);
	assert.equal(r.status, 200);
	assert.equal(r.headers.get("content-type"), "text/html; charset=utf-8");
	const html = await r.text();
	assert.ok(html.includes(`<script src="${assetsUrl}/swagger-ui-bundle.js"></script>`), html);
	assert.ok(html.includes(`href="${assetsUrl}/swagger-ui.css"`));
	assert.ok(html.includes('url: "/openapi.json"'));
	const csp = r.headers.get("content-security-policy");
	const origin = new URL(assetsUrl).origin;
	assert.match(csp, new RegExp(`script-src ${origin} 'sha256-[A-Za-z0-9+/=]+';`));
	assert.match(csp, /default-src 'none'/);
	assert.ok(!csp.includes("unsafe-inline"));
	assert.ok(!csp.includes("cdn.jsdelivr.net"), "only the configured assets' origin");
});

test("Swagger UI in headless Chromium: sees the operations, authorizes, and a list answers 200 with Try it out", async (t) => {
	if (!fs.existsSync(CHROMIUM)) {
		t.skip(`${CHROMIUM} is not installed (tools/install-deps installs chromium)`);
		return;
	}
	const doc = s.openapi;
	const browser = await puppeteer.launch({
		executablePath: CHROMIUM,
		headless: true,
		// No sandbox: the tests run as root in CI, where Chromium refuses its own.
		args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
	});
	const consoleErrors = [];
	try {
		const page = await browser.newPage();
		page.on("console", (m) => {
			if (m.type() === "error")
				consoleErrors.push(m.text());
		});
		page.on("pageerror", (e) => consoleErrors.push(String(e)));
		await page.setViewport({ width: 1280, height: 2000 });
		// Generous waits: the machine may be busy with other suites (they bound a hang, they time nothing).
		page.setDefaultTimeout(120000);
		page.setDefaultNavigationTimeout(120000);
		await page.goto(`${s.baseUrl}/docs`, { waitUntil: "load" });
		await page.waitForSelector(".opblock");

		// Every operation of the document is on the page.
		const shown = await page.$$eval(".opblock", (els) => els.map((e) => e.id));
		assert.equal(shown.length, operations(doc).length, shown.join("\n"));

		// Authorize: the OAuth2 password flow against /token.
		await page.click(".auth-wrapper .authorize");
		await page.waitForSelector("#oauth_username");
		await page.type("#oauth_username", "admin");
		await page.type("#oauth_password", secret("admin", "admin"));
		await page.click(".auth-btn-wrapper .authorize");
		// Once authorized the modal offers Logout instead.
		await page.waitForFunction(() => [...document.querySelectorAll(".auth-btn-wrapper button")]
			.some((b) => b.textContent.trim() === "Logout"));
		await page.click(".auth-btn-wrapper .btn-done");

		// Try it out on the products list.
		const op = "#operations-products-get_api_v1_products";
		await page.click(`${op} .opblock-summary-control`);
		await page.waitForSelector(`${op} .try-out__btn`);
		await page.click(`${op} .try-out__btn`);
		await page.waitForSelector(`${op} .execute`);
		await page.click(`${op} .execute`);
		await page.waitForSelector(`${op} .live-responses-table .response .response-col_status`);
		const status = await page.$eval(`${op} .live-responses-table .response .response-col_status`, (e) => e.textContent.trim());
		assert.equal(status, "200");
		const body = await page.$eval(`${op} .live-responses-table .microlight, ${op} .live-responses-table pre`,
			(e) => e.textContent);
		// Swagger UI sends limit's default (10): the page envelope.
		const answer = JSON.parse(body);
		const items = Array.isArray(answer) ? answer : answer.items;
		assert.ok(Array.isArray(items) && items.length > 0 && typeof items[0].id === "number", body.slice(0, 300));

		await page.$eval(`${op} .live-responses-table`, (e) => e.scrollIntoView());
		fs.mkdirSync(artifacts, { recursive: true });
		await page.screenshot({ path: path.join(artifacts, "docs-swagger-ui.png"), fullPage: false });
	} finally {
		await browser.close();
	}
	// The Content-Security-Policy blocked nothing the page needs.
	assert.deepEqual(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e)), []);
});

test("the contract check (lib/contract.mjs) refuses a status, a field type or a field the document does not declare", async () => {
	const c = s.contract;
	const json = { "content-type": "application/json; charset=utf-8" };
	const rec = { id: 1, name: "Andorra", code: "AD" };
	assert.deepEqual(c.check("GET", "/api/v1/countries/1", 200, json, JSON.stringify(rec)), []);
	assert.equal(c.check("GET", "/api/v1/countries/1", 418, json, JSON.stringify(rec)).length, 1);
	assert.equal(c.check("GET", "/api/v1/countries/1", 200, json, JSON.stringify({ ...rec, code: 7 })).length, 1);
	assert.equal(c.check("GET", "/api/v1/countries/1", 200, json, JSON.stringify({ ...rec, extra: 1 })).length, 1);
	assert.equal(c.check("GET", "/api/v1/countries", 200, json, "[]").length, 1, "X-Total-Count is declared");
	assert.equal(c.check("POST", "/api/v1/countries", 201, json, "{}").length, 1, "read-only: 405 only");
	assert.equal(c.check("GET", "/api/v1/widgets", 200, json, "[]").length, 1, "not listed: 404 only");
	assert.deepEqual(c.check("GET", "/api/v1/widgets", 404, json,
		JSON.stringify({ detail: "No encontrado", message: "No encontrado", statusCode: 404 })), []);
	assert.ok(c.checked > 10, `the proxy checked ${c.checked} answers`);
});

test("the contract check: bulk paths (a concrete path before a templated one), an optional header, batch entries as alone", () => {
	const c = s.contract;
	const json = { "content-type": "application/json; charset=utf-8" };
	const rec = { id: 1, name: "Andorra", code: "AD" };
	const err = { detail: "No encontrado", message: "No encontrado", statusCode: 404 };
	// /api/v1/sales/confirm is the bulk action, not /api/v1/sales/{id} (which has no POST).
	assert.deepEqual(c.check("POST", "/api/v1/sales/confirm", 200, json, "[]"), []);
	assert.equal(c.check("POST", "/api/v1/sales/confirm", 404, json, JSON.stringify(err)).length, 1, "errors.ids is required");
	assert.deepEqual(c.check("DELETE", "/api/v1/products", 404, json,
		JSON.stringify({ ...err, errors: { ids: ["Registro no encontrado: 9"] } })), []);
	// A bulk create answers 201 without Location (a single create's header only).
	assert.deepEqual(c.check("POST", "/api/v1/products", 201, json, '[{"id": 7}]'), []);
	const batch = (entry, status, body, headers = {}) => c.check("POST", "/api/v1/batch", 200, json,
		JSON.stringify({ responses: [{ id: entry.id, status, headers, body }] }), JSON.stringify({ requests: [entry] }));
	const get = { id: "a", method: "GET", path: "/api/v1/countries/1" };
	assert.deepEqual(batch(get, 200, rec), []);
	assert.deepEqual(batch({ ...get, path: "/api/v1/countr%69es/1" }, 200, rec), [], "decoded as PATH_INFO");
	assert.equal(batch(get, 200, { ...rec, code: 7 }).length, 1, "a field of the wrong type");
	assert.equal(batch(get, 418, rec).length, 1, "a status GET does not declare");
	assert.equal(batch({ ...get, path: "/api/v1/countries" }, 200, [rec]).length, 1, "X-Total-Count is required");
	assert.deepEqual(batch({ ...get, path: "/api/v1/countries" }, 200, [rec], { "X-Total-Count": "1" }), []);
	assert.deepEqual(batch(get, 413, { ...err, statusCode: 413 }), [], "an entry not run has the Error shape only");
	assert.equal(batch(get, 413, { detail: 1 }).length, 1, "and that shape");
});
