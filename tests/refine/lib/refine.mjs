// refine.mjs: what every Refine test file shares: the stack, the shipped example providers, and the simulator's view of the data.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { after, before } from "node:test";

import axios from "axios";

import { secret, startStack, topSrcdir } from "./stack.mjs";

export { secret };

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The resource table of DESIGN.md section 3, as the tests need it to ask the
 * simulator for what the bridge should answer: model, base domain, and the
 * fields that `q` searches (OR-ed ilike).
 */
export const RESOURCES = {
	products: { model: "product.product", domain: [], q: ["name", "default_code", "barcode"] },
	suppliers: { model: "res.partner", domain: [["supplier_rank", ">", 0]], q: ["name", "email", "phone", "vat"] },
	customers: { model: "res.partner", domain: [["customer_rank", ">", 0]], q: ["name", "email", "phone", "vat"] },
	sales: { model: "sale.order", domain: [], q: ["name", "partner_id", "client_order_ref"] },
	categories: { model: "product.category", domain: [], q: ["name"] },
	countries: { model: "res.country", domain: [], q: ["name", "code"] },
};

/** A browser's localStorage, for the example providers (Node 20 has none). */
export class MemoryStorage {
	#items = new Map();
	get length() { return this.#items.size; }
	key(i) { return [...this.#items.keys()][i] ?? null; }
	getItem(k) { return this.#items.has(k) ? this.#items.get(k) : null; }
	setItem(k, v) { this.#items.set(String(k), String(v)); }
	removeItem(k) { this.#items.delete(k); }
	clear() { this.#items.clear(); }
}
// Defined, not assigned: newer Node versions have a localStorage getter of their own.
Object.defineProperty(globalThis, "localStorage", { value: new MemoryStorage(), configurable: true, writable: true });

// The shipped examples, imported as a Refine app would: copied next to this
// suite's node_modules, since ESM resolves bare imports ("axios") from the
// importing file's folder and ignores NODE_PATH.
export async function importExamples() {
	const src = path.join(topSrcdir, "examples", "refine");
	const dst = fs.mkdtempSync(path.join(here, "..", ".examples-"));
	for (const f of ["authProvider.js", "dataProvider.js", "liveProvider.js"])
		fs.copyFileSync(path.join(src, f), path.join(dst, f));
	try {
		const auth = await import(path.join(dst, "authProvider.js"));
		const data = await import(path.join(dst, "dataProvider.js"));
		const live = await import(path.join(dst, "liveProvider.js"));
		return { auth, data, live };
	} finally {
		fs.rmSync(dst, { recursive: true, force: true });
	}
}

/**
 * Starts a stack and logs in as admin with the example authProvider.  Returns
 * the stack plus {authProvider, dataProvider, examples, raw, sim, stop}.
 */
export async function setUp(options = {}) {
	const examples = await importExamples();
	const stack = await startStack(options);
	try {
		localStorage.clear();
		const authProvider = examples.auth.authProvider(stack.baseUrl);
		const login = await authProvider.login({ username: "admin", password: secret("admin", "admin") });
		if (!login.success)
			throw new Error(`login as admin failed: ${JSON.stringify(login)}`);
		return {
			...stack,
			examples,
			authProvider,
			dataProvider: examples.data.dataProvider(stack.baseUrl),
			sim: simulatorView(stack.odoo),
			// Plain HTTP, for what Refine's providers do not expose (headers, preflights).
			raw: (config) => axios({ baseURL: stack.baseUrl, validateStatus: () => true, ...config }),
		};
	} catch (e) {
		await stack.stop();
		throw e;
	}
}

/** The simulator's answers for a resource, straight over XML-RPC. */
export function simulatorView(odoo) {
	const dom = (res, extra) => [...RESOURCES[res].domain, ...extra];
	return {
		count: (res, extra = []) => odoo.executeKw(RESOURCES[res].model, "search_count", [dom(res, extra)]),
		ids: async (res, extra = [], { order = "id asc", offset = 0, limit = false } = {}) =>
			(await odoo.executeKw(RESOURCES[res].model, "search_read", [dom(res, extra)],
				{ fields: ["id"], order, offset, limit })).map((r) => r.id),
		records: (res, extra = [], fields = [], order = "id asc") =>
			odoo.executeKw(RESOURCES[res].model, "search_read", [dom(res, extra)], { fields, order }),
		read: async (model, id, fields = []) =>
			(await odoo.executeKw(model, "read", [[id]], { fields }))[0] ?? null,
		/** The `q` domain: ilike over the resource's search fields, OR-ed. */
		qDomain: (res, text) => {
			const f = RESOURCES[res].q;
			return [...Array(f.length - 1).fill("|"), ...f.map((x) => [x, "ilike", text])];
		},
		odoo,
	};
}

/** ids of a Refine list answer, sorted, to compare as sets. */
export const idSet = (rows) => rows.map((r) => r.id).sort((a, b) => a - b);

/** Odoo's False for an empty non-boolean field is the API's null. */
export const fromOdoo = (v) => (v === false ? null : v);

/**
 * For a test file: a stack started before its tests (then prepare(stack)
 * runs) and stopped after them.  Returns the object setUp() fills in once
 * the stack is up.
 */
export function stackForThisFile(options = {}, prepare = async () => {}) {
	const s = {};
	// One hook: Node 20 does not wait for one root-level before() before the next.
	before(async () => {
		Object.assign(s, await setUp(options));
		await prepare(s);
	});
	after(async () => {
		const log = await s.stop?.();
		// A sanitizer build (--enable-sanitizers) reports on the bridge's stderr.
		const report = /^.*(Sanitizer|runtime error:).*$/m.exec(log ?? "");
		if (report)
			throw new Error(`the bridge logged a sanitizer report: ${report[0]}`);
		// Every answer went through the contract proxy (lib/stack.mjs).
		if (s.contractProblems?.length)
			throw new Error(`answers outside the OpenAPI document:\n${s.contractProblems.slice(0, 20).join("\n")}`);
	});
	return s;
}

/** The error a provider call rejects with (Refine's HttpError); fails the test if it resolves. */
export async function httpError(promise) {
	try {
		await promise;
	} catch (e) {
		return e;
	}
	throw new Error("the call should have failed");
}
