// forbidden.test.mjs: a 403 (Odoo's AccessError) reaches Refine as HttpError 403 and does not end the session.
//
// The bridge calls Odoo as its service account whoever logged in (DESIGN.md
// section 3), so this stack's service account is Odoo's read-only demo user.

import assert from "node:assert/strict";
import { test } from "node:test";

import { httpError, stackForThisFile } from "./lib/refine.mjs";

const s = stackForThisFile({ bridgeSettings: { ODOO_USERNAME: "demo", ODOO_PASSWORD: "demo" } });

test("403 on a write Odoo refuses; reads still work; onError keeps the session", async () => {
	const before = await s.sim.count("products");
	const e = await httpError(s.dataProvider.create({ resource: "products", variables: { name: "Not allowed" } }));
	assert.equal(e.statusCode, 403);
	assert.equal(e.message, "Odoo no permite esta operación");
	assert.equal(await s.sim.count("products"), before);
	assert.deepEqual(await s.authProvider.onError(e), {});
	assert.deepEqual(await s.authProvider.check(), { authenticated: true });
	const list = await s.dataProvider.getList({ resource: "products", pagination: { currentPage: 1, pageSize: 5 } });
	assert.equal(list.total, before);
});

test("403 on a sale workflow action", async () => {
	const [id] = await s.sim.ids("sales", [["state", "=", "draft"]], { limit: 1 });
	const e = await httpError(s.dataProvider.custom({ url: `${s.apiUrl}/sales/${id}/confirm`, method: "post" }));
	assert.equal(e.statusCode, 403);
	assert.equal((await s.sim.read("sale.order", id, ["state"])).state, "draft");
});
