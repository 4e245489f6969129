// resfile.test.mjs: simple-rest's getList/getOne/create/update and custom (confirm, cancel, draft) against
// /api/v1/purchases, a resource that exists only in examples/resources/purchase.json (RESOURCES_FILE),
// checked in the simulator.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { httpError, stackForThisFile } from "./lib/refine.mjs";
import { VARIANT } from "./lib/stack.mjs";

const s = stackForThisFile({ resourcesFile: "examples/resources/purchase.json" });

// Odoo 19 renamed the lines' taxes_id (the example lists both names).
const TAXES = VARIANT.startsWith("19") ? "tax_ids" : "taxes_id";
const po = (domain, opts = {}) => s.sim.odoo.executeKw("purchase.order", "search_read", [domain], opts);

describe("purchases (examples/resources/purchase.json)", () => {
	test("getList: the orders Odoo has, in the default order, with the total", async () => {
		const want = await po([], { fields: ["id"], order: "date_order desc" });
		const { data, total } = await s.dataProvider.getList({
			resource: "purchases", pagination: { current: 1, pageSize: 50 },
		});
		assert.equal(total, want.length);
		assert.deepEqual(data.map((r) => r.id), want.map((r) => r.id));
		assert.equal(data.find((r) => r.id === 1).partner_id.name, "Lumber Inc");
	});

	test("getList with a filter and sorting", async () => {
		const want = await po([["state", "in", ["draft", "sent"]]], { fields: ["id"], order: "amount_total desc" });
		const { data, total } = await s.dataProvider.getList({
			resource: "purchases",
			filters: [{ field: "state", operator: "eq", value: "draft" }],
			sorters: [{ field: "amount_total", order: "desc" }],
		});
		const drafts = await po([["state", "=", "draft"]], { fields: ["id"], order: "amount_total desc" });
		assert.equal(total, drafts.length);
		assert.deepEqual(data.map((r) => r.id), drafts.map((r) => r.id));
		assert.ok(want.length > drafts.length, "a filter that cannot fail");
	});

	test("getOne: the order with its lines", async () => {
		const { data } = await s.dataProvider.getOne({ resource: "purchases", id: 1 });
		const [odoo] = await po([["id", "=", 1]], { fields: ["name", "amount_total", "order_line"] });
		assert.equal(data.name, odoo.name);
		assert.equal(data.amount_total, odoo.amount_total);
		assert.deepEqual(data.lines.map((l) => l.id), odoo.order_line);
		assert.deepEqual(data.lines[0].taxes_id, [2]);
	});

	let id;
	test("create with lines: Odoo numbers it and computes the totals", async () => {
		const { data } = await s.dataProvider.create({
			resource: "purchases",
			variables: {
				partner_id: 45, partner_ref: "REFINE-1",
				lines: [{ product_id: 26, product_qty: 6 }, { product_id: 5, product_qty: 1, price_unit: 60, taxes_id: [2] }],
			},
		});
		id = data.id;
		assert.match(data.name, /^P\d{5}$/);
		assert.equal(data.state, "draft");
		const [odoo] = await po([["id", "=", id]], { fields: ["name", "partner_ref", "amount_untaxed", "amount_total"] });
		assert.deepEqual([data.name, data.partner_ref, data.amount_untaxed, data.amount_total],
			[odoo.name, "REFINE-1", odoo.amount_untaxed, odoo.amount_total]);
		// 6 x 100 (the drawer's cost) + 60 with 15%
		assert.deepEqual([data.amount_untaxed, data.amount_tax, data.amount_total], [660, 9, 669]);
		const lines = await s.sim.odoo.executeKw("purchase.order.line", "search_read", [[["order_id", "=", id]]],
			{ fields: ["product_id", "product_qty", TAXES] });
		assert.deepEqual(lines.map((l) => [l.product_id[0], l.product_qty, l[TAXES]]), [[26, 6, []], [5, 1, [2]]]);
	});

	test("update (PATCH): the reference changes, the lines stay", async () => {
		const { data } = await s.dataProvider.update({ resource: "purchases", id, variables: { partner_ref: "REFINE-2" } });
		assert.equal(data.partner_ref, "REFINE-2");
		assert.equal(data.lines.length, 2);
		const [odoo] = await po([["id", "=", id]], { fields: ["partner_ref", "order_line"] });
		assert.equal(odoo.partner_ref, "REFINE-2");
		assert.equal(odoo.order_line.length, 2);
	});

	test("custom: confirm, then confirm again is 409", async () => {
		const { data } = await s.dataProvider.custom({ url: `${s.apiUrl}/purchases/${id}/confirm`, method: "post" });
		assert.equal(data.state, "purchase");
		const [odoo] = await po([["id", "=", id]], { fields: ["state"] });
		assert.equal(odoo.state, "purchase");
		const e = await httpError(s.dataProvider.custom({ url: `${s.apiUrl}/purchases/${id}/confirm`, method: "post" }));
		assert.equal(e.statusCode, 409);
	});

	test("custom: cancel (Odoo answers None) and back to draft (Odoo answers {})", async () => {
		let { data } = await s.dataProvider.custom({ url: `${s.apiUrl}/purchases/${id}/cancel`, method: "post" });
		assert.equal(data.state, "cancel");
		({ data } = await s.dataProvider.custom({ url: `${s.apiUrl}/purchases/${id}/draft`, method: "post" }));
		assert.equal(data.state, "draft");
		const [odoo] = await po([["id", "=", id]], { fields: ["state"] });
		assert.equal(odoo.state, "draft");
	});

	test("the default resources are there too", async () => {
		const { data } = await s.dataProvider.getOne({ resource: "sales", id: 1 });
		assert.equal(data.name, "S00001");
	});
});
