// forbidden.test.mjs: a 403 (Odoo's AccessError) reaches Refine as HttpError 403 with Odoo's message and
// does not end the session.
//
// Each call runs as the logged-in Odoo user (AUTH_MODE=user, DESIGN.md section 3): here Marc Demo, a
// salesman for his own documents, who may read products but not create them, and who does not see
// Mitchell Admin's orders at all (Odoo's "Personal Orders" record rule).

import assert from "node:assert/strict";
import { test } from "node:test";

import { httpError, secret, stackForThisFile } from "./lib/refine.mjs";

const s = stackForThisFile();

async function asDemo(fn) {
	const { TOKEN_KEY, EXPIRES_KEY } = s.examples.auth;
	const saved = [localStorage.getItem(TOKEN_KEY), localStorage.getItem(EXPIRES_KEY)];
	const r = await fetch(`${s.baseUrl}/token`, { method: "POST", body: new URLSearchParams({ username: "demo", password: secret("demo", "demo") }) });
	assert.equal(r.status, 200);
	localStorage.setItem(TOKEN_KEY, (await r.json()).access_token);
	localStorage.setItem(EXPIRES_KEY, String(Date.now() + 600000));
	try {
		return await fn();
	} finally {
		localStorage.setItem(TOKEN_KEY, saved[0]);
		localStorage.setItem(EXPIRES_KEY, saved[1]);
	}
}

test("403 on a write Odoo refuses; reads still work; onError keeps the session", async () => {
	const before = await s.sim.count("products");
	await asDemo(async () => {
		const e = await httpError(s.dataProvider.create({ resource: "products", variables: { name: "Not allowed" } }));
		assert.equal(e.statusCode, 403);
		assert.match(e.message, /^You are not allowed to create 'Product Variant' \(product\.product\) records\./);
		assert.doesNotMatch(e.message, /Traceback/);
		assert.equal(await s.sim.count("products"), before);
		assert.deepEqual(await s.authProvider.onError(e), {});
		assert.deepEqual(await s.authProvider.check(), { authenticated: true });
		const list = await s.dataProvider.getList({ resource: "products", pagination: { currentPage: 1, pageSize: 5 } });
		assert.equal(list.total, before);
	});
});

test("another salesperson's order is not there for demo; his own is", async () => {
	const [other] = await s.sim.ids("sales", [["state", "=", "draft"], ["user_id", "=", 2]], { limit: 1 });
	const [own] = await s.sim.ids("sales", [["state", "=", "draft"], ["user_id", "=", 6]], { limit: 1 });
	await asDemo(async () => {
		const e = await httpError(s.dataProvider.custom({ url: `${s.apiUrl}/sales/${other}/confirm`, method: "post" }));
		assert.equal(e.statusCode, 404);
		assert.equal((await s.sim.read("sale.order", other, ["state"])).state, "draft");
		const list = await s.dataProvider.getList({ resource: "sales", pagination: { mode: "off" } });
		assert.ok(list.data.every((o) => o.user_id === null || o.user_id.id === 6), "only his orders and unassigned ones");
		assert.ok(list.data.some((o) => o.id === own));
		assert.ok(!list.data.some((o) => o.id === other));
	});
});
