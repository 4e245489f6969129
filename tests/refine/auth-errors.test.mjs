// auth-errors.test.mjs: the example authProvider, HttpError mapping (401/404/422/400) and CORS as a browser sees them.

import assert from "node:assert/strict";
import crypto from "node:crypto";
import { describe, test } from "node:test";

import simpleRest from "@refinedev/simple-rest";

import { ALLOWED_ORIGIN } from "./lib/stack.mjs";
import { MemoryStorage, httpError, secret, stackForThisFile } from "./lib/refine.mjs";

const s = stackForThisFile();

// A token signed with the bridge's key, for claims a login never produces.
function forgeToken(claims, secret = s.jwtSecret) {
	const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
	const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
	return `${head}.${crypto.createHmac("sha256", secret).update(head).digest("base64url")}`;
}

// Runs fn with another token in the browser's storage, then puts the admin's back.
async function withStoredToken(token, fn) {
	const { TOKEN_KEY, EXPIRES_KEY } = s.examples.auth;
	const saved = [localStorage.getItem(TOKEN_KEY), localStorage.getItem(EXPIRES_KEY)];
	try {
		if (token === null)
			localStorage.removeItem(TOKEN_KEY);
		else {
			localStorage.setItem(TOKEN_KEY, token);
			localStorage.setItem(EXPIRES_KEY, String(Date.now() + 600000));
		}
		return await fn();
	} finally {
		localStorage.setItem(TOKEN_KEY, saved[0]);
		localStorage.setItem(EXPIRES_KEY, saved[1]);
	}
}

describe("authProvider", () => {
	test("login stores a bearer token; check says authenticated", async () => {
		const token = localStorage.getItem(s.examples.auth.TOKEN_KEY);
		assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
		assert.deepEqual(await s.authProvider.check(), { authenticated: true });
	});

	test("getIdentity is the logged-in Odoo user from /api/v1/me", async () => {
		const identity = await s.authProvider.getIdentity();
		const user = await s.sim.read("res.users", s.sim.odoo.uid, ["login", "name"]);
		assert.equal(identity.id, s.sim.odoo.uid);
		assert.equal(identity.login, "admin");
		assert.equal(identity.name, user.name);
	});

	test("login as another Odoo user (demo), from Refine's AuthPage shape {email, password}", async () => {
		const storage = new MemoryStorage();
		const auth = s.examples.auth.authProvider(s.baseUrl, storage);
		assert.equal((await auth.login({ email: "demo", password: secret("demo", "demo") })).success, true);
		const identity = await auth.getIdentity();
		assert.equal(identity.login, "demo");
		const [uid] = await s.sim.odoo.executeKw("res.users", "search", [[["login", "=", "demo"]]]);
		assert.equal(identity.id, uid);
	});

	test("a wrong password: success false with the bridge's message, nothing stored", async () => {
		const storage = new MemoryStorage();
		const auth = s.examples.auth.authProvider(s.baseUrl, storage);
		const r = await auth.login({ username: "admin", password: "wrong" });
		assert.equal(r.success, false);
		assert.equal(typeof r.error.message, "string");
		assert.ok(r.error.message.length > 0);
		assert.equal(storage.getItem(s.examples.auth.TOKEN_KEY), null);
		assert.equal((await auth.check()).authenticated, false);
	});

	test("check after the token's lifetime: not authenticated, redirect to /login", async () => {
		const storage = new MemoryStorage();
		const auth = s.examples.auth.authProvider(s.baseUrl, storage);
		assert.equal((await auth.login({ username: "admin", password: secret("admin", "admin") })).success, true);
		storage.setItem(s.examples.auth.EXPIRES_KEY, String(Date.now() - 1000));
		assert.deepEqual(await auth.check(), { authenticated: false, logout: true, redirectTo: "/login" });
		assert.equal(storage.getItem(s.examples.auth.TOKEN_KEY), null);
	});

	test("logout forgets the token and the bridge revokes it", async () => {
		const storage = new MemoryStorage();
		const auth = s.examples.auth.authProvider(s.baseUrl, storage);
		await auth.login({ username: "admin", password: secret("admin", "admin") });
		assert.equal((await auth.check()).authenticated, true);
		const token = storage.getItem(s.examples.auth.TOKEN_KEY);
		assert.deepEqual(await auth.logout(), { success: true, redirectTo: "/login" });
		assert.equal((await auth.check()).authenticated, false);
		assert.equal(await auth.getIdentity(), null);
		// A copy of the token kept elsewhere is useless now.
		const r = await fetch(`${s.baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
		assert.equal(r.status, 401);
		// Logging out again (nothing stored) is harmless.
		assert.deepEqual(await auth.logout(), { success: true, redirectTo: "/login" });
	});

	test("identity and permissions carry the user's Odoo groups", async () => {
		const storage = new MemoryStorage();
		const auth = s.examples.auth.authProvider(s.baseUrl, storage);
		await auth.login({ username: "demo", password: secret("demo", "demo") });
		const identity = await auth.getIdentity();
		assert.equal(identity.login, "demo");
		assert.deepEqual(identity.groups, ["sales_team.group_sale_salesman", "base.group_partner_manager"]);
		assert.deepEqual(await auth.getPermissions(), identity.groups);
		await auth.logout();
		assert.equal(await auth.getPermissions(), null);
	});

	test("onError logs out on 401 only", async () => {
		const e401 = await withStoredToken(null, () =>
			httpError(s.dataProvider.getList({ resource: "products" })));
		assert.deepEqual(await s.authProvider.onError(e401), { logout: true, redirectTo: "/login", error: e401 });
		const e404 = await httpError(s.dataProvider.getOne({ resource: "products", id: 987654321 }));
		assert.deepEqual(await s.authProvider.onError(e404), {});
	});
});

describe("HttpError from the bridge's error body", () => {
	test("401 without a token: statusCode and a message to show", async () => {
		const e = await withStoredToken(null, () => httpError(s.dataProvider.getList({ resource: "products" })));
		assert.equal(e.statusCode, 401);
		// FastAPI's wording for a missing token ("Not authenticated"), in Spanish.
		assert.equal(e.message, "No autenticado");
	});

	test("401 with an expired token, and with one signed by another key", async () => {
		// The claims of a real token (its sealed credential is bound to uid and jti, not to exp).
		const real = localStorage.getItem(s.examples.auth.TOKEN_KEY);
		const claims = JSON.parse(Buffer.from(real.split(".")[1], "base64url").toString());
		const now = Math.floor(Date.now() / 1000);
		const expired = { ...claims, iat: now - 7200, exp: now - 3600 };
		for (const token of [forgeToken(expired), forgeToken({ ...claims, exp: now + 600 }, "another-secret-0123456789abcdef0123")]) {
			const e = await withStoredToken(token, () => httpError(s.dataProvider.getOne({ resource: "products", id: 1 })));
			assert.equal(e.statusCode, 401);
			assert.equal(e.message, "No se pudo validar el token");
		}
		// The same claims, unexpired, with the right key: accepted (so the 401s above are about exp and the key).
		const good = forgeToken({ ...claims, iat: now, exp: now + 600 });
		const [id] = await s.sim.ids("products", [], { limit: 1 });
		const r = await withStoredToken(good, () => s.dataProvider.getOne({ resource: "products", id }));
		assert.equal(r.data.id, id);
		// Without the sealed credential the bridge cannot act as the user (AUTH_MODE=user): 401.
		const { cred, ...bare } = claims;
		assert.ok(cred, "a user-mode token carries a sealed credential");
		const e = await withStoredToken(forgeToken({ ...bare, exp: now + 600 }),
			() => httpError(s.dataProvider.getOne({ resource: "products", id })));
		assert.equal(e.statusCode, 401);
	});

	test("404 for a record id that does not exist", async () => {
		const e = await httpError(s.dataProvider.getOne({ resource: "products", id: 987654321 }));
		assert.equal(e.statusCode, 404);
		assert.equal(typeof e.message, "string");
		assert.ok(e.message.length > 0);
	});

	test("English messages for a browser that prefers English (Accept-Language)", async () => {
		const e = await httpError(s.dataProvider.getOne({ resource: "products", id: 987654321,
			meta: { headers: { "Accept-Language": "en-GB,en;q=0.9,es;q=0.5" } } }));
		assert.equal(e.statusCode, 404);
		assert.equal(e.message, "Record not found");
		const es = await httpError(s.dataProvider.getOne({ resource: "products", id: 987654321 }));
		assert.equal(es.message, "Registro no encontrado");
	});

	test("404 for an unknown resource", async () => {
		const e = await httpError(s.dataProvider.getList({ resource: "invoices" }));
		assert.equal(e.statusCode, 404);
		assert.ok(e.message.length > 0);
	});

	test("404 through simple-rest's own axios instance too (message read from the body)", async () => {
		const plain = simpleRest(s.apiUrl);
		const e = await httpError(plain.getOne({ resource: "products", id: 987654321,
			meta: { headers: { Authorization: `Bearer ${localStorage.getItem(s.examples.auth.TOKEN_KEY)}` } } }));
		assert.equal(e.statusCode, 404);
		assert.ok(e.message.length > 0);
	});

	test("422 with Odoo's reason: a contact without a name", async () => {
		const e = await httpError(s.dataProvider.create({ resource: "customers", variables: { email: "noname@example.com" } }));
		assert.equal(e.statusCode, 422);
		assert.match(e.message, /Contacts require a name/);
	});

	test("400: a field that is not in the table, with errors for the form", async () => {
		const e = await httpError(s.dataProvider.create({ resource: "products", variables: { name: "X", no_such_field: 1 } }));
		assert.equal(e.statusCode, 400);
		assert.ok(e.message.length > 0);
		assert.ok(e.errors && Array.isArray(e.errors.no_such_field), `errors: ${JSON.stringify(e.errors)}`);
	});

	test("400: a number sent as a string (a form input's raw value), with errors for the field", async () => {
		const e = await httpError(s.dataProvider.create({ resource: "products", variables: { name: "X", list_price: "12.5" } }));
		assert.equal(e.statusCode, 400);
		assert.deepEqual(Object.keys(e.errors), ["list_price"]);
	});

	test("400: writing a read-only field", async () => {
		const [id] = await s.sim.ids("products", [], { limit: 1 });
		const e = await httpError(s.dataProvider.update({ resource: "products", id, variables: { qty_available: 3 } }));
		assert.equal(e.statusCode, 400);
		assert.ok(e.errors && Array.isArray(e.errors.qty_available), `errors: ${JSON.stringify(e.errors)}`);
	});

	test("400: sorting by a field Odoo cannot sort (qty_available)", async () => {
		const e = await httpError(s.dataProvider.getList({ resource: "products", sorters: [{ field: "qty_available", order: "asc" }] }));
		assert.equal(e.statusCode, 400);
		assert.ok(e.message.length > 0);
	});

	test("400: a filter on an unknown field, naming the parameter in errors", async () => {
		const e = await httpError(s.dataProvider.getList({ resource: "products",
			filters: [{ field: "no_such_field", operator: "contains", value: "x" }] }));
		assert.equal(e.statusCode, 400);
		assert.equal(e.message, "Parámetro de consulta inválido");
		assert.deepEqual(Object.keys(e.errors), ["no_such_field_like"]);
	});

	test("400: a value that is not a number for a numeric filter", async () => {
		const e = await httpError(s.dataProvider.getList({ resource: "products",
			filters: [{ field: "list_price", operator: "gte", value: "cheap" }] }));
		assert.equal(e.statusCode, 400);
		assert.deepEqual(Object.keys(e.errors), ["list_price_gte"]);
	});

	test("400: currentPage 0 (a negative _start) is bad pagination", async () => {
		const e = await httpError(s.dataProvider.getList({ resource: "products", pagination: { currentPage: 0, pageSize: 10 } }));
		assert.equal(e.statusCode, 400);
		assert.equal(e.message, "Parámetros de paginación inválidos");
	});
});

describe("CORS, as a browser on the Refine dev server's origin sees it", () => {
	const listHeaders = (h) => (h ?? "").split(",").map((x) => x.trim().toLowerCase()).filter(Boolean);

	test("preflight for a PATCH with Authorization and Content-Type", async () => {
		const r = await s.raw({
			method: "OPTIONS",
			url: "/api/v1/products/1",
			headers: {
				Origin: ALLOWED_ORIGIN,
				"Access-Control-Request-Method": "PATCH",
				"Access-Control-Request-Headers": "authorization,content-type",
			},
		});
		assert.ok(r.status === 200 || r.status === 204, `status ${r.status}`);
		assert.equal(r.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
		assert.ok(listHeaders(r.headers["access-control-allow-methods"]).includes("patch"),
			`allow-methods: ${r.headers["access-control-allow-methods"]}`);
		const allowed = listHeaders(r.headers["access-control-allow-headers"]);
		assert.ok(allowed.includes("authorization") && allowed.includes("content-type"), `allow-headers: ${allowed}`);
	});

	test("cross-origin getList: X-Total-Count readable (Access-Control-Expose-Headers)", async () => {
		const r = await s.raw({
			method: "GET",
			url: "/api/v1/products?_end=5&_start=0",
			headers: { Origin: ALLOWED_ORIGIN, Authorization: `Bearer ${localStorage.getItem(s.examples.auth.TOKEN_KEY)}` },
		});
		assert.equal(r.status, 200);
		assert.equal(r.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
		assert.ok(listHeaders(r.headers["access-control-expose-headers"]).includes("x-total-count"),
			`expose-headers: ${r.headers["access-control-expose-headers"]}`);
		assert.equal(Number(r.headers["x-total-count"]), await s.sim.count("products"));
		assert.equal(r.data.length, 5);
	});

	test("a preflight does not call Odoo", async () => {
		await s.simControl("stats/reset");
		const r = await s.raw({
			method: "OPTIONS",
			url: "/api/v1/sales/1",
			headers: { Origin: ALLOWED_ORIGIN, "Access-Control-Request-Method": "DELETE" },
		});
		assert.ok(r.status === 200 || r.status === 204, `status ${r.status}`);
		assert.equal((await s.simControl("stats", "GET")).total, 0);
	});

	test("an origin that is not allowed gets no Access-Control-Allow-Origin", async () => {
		const r = await s.raw({
			method: "OPTIONS",
			url: "/api/v1/products",
			headers: { Origin: "http://evil.example", "Access-Control-Request-Method": "GET" },
		});
		assert.equal(r.headers["access-control-allow-origin"], undefined);
	});

	test("401 answers carry CORS headers too, so the browser lets Refine read them", async () => {
		const r = await s.raw({ method: "GET", url: "/api/v1/products", headers: { Origin: ALLOWED_ORIGIN } });
		assert.equal(r.status, 401);
		assert.equal(r.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
		assert.equal(r.data.message, "No autenticado");
		assert.equal(r.data.statusCode, 401);
	});
});
