// write.test.mjs: simple-rest's create/update/deleteOne and custom (sale workflow) against the bridge, checked in the simulator.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { httpError, idSet, stackForThisFile } from "./lib/refine.mjs";

const s = stackForThisFile();

const exists = async (model, id) =>
	(await s.sim.odoo.executeKw(model, "search_count", [[["id", "=", id]]], { context: { active_test: false } })) === 1;

describe("products", () => {
	let id;
	test("create: 201 answer read back, the record in Odoo", async () => {
		const [categ] = await s.sim.odoo.executeKw("product.category", "search", [[]], { limit: 1 });
		const { data } = await s.dataProvider.create({
			resource: "products",
			variables: { name: "Refine Test Lamp", default_code: "RT-LAMP", list_price: 42.5, categ_id: categ },
		});
		id = data.id;
		assert.ok(Number.isInteger(id));
		assert.equal(data.name, "Refine Test Lamp");
		assert.equal(data.categ_id.id, categ);
		const odoo = await s.sim.read("product.product", id, ["name", "default_code", "list_price", "categ_id"]);
		assert.deepEqual([odoo.name, odoo.default_code, odoo.list_price, odoo.categ_id[0]],
			["Refine Test Lamp", "RT-LAMP", 42.5, categ]);
	});

	test("update (PATCH): only the given fields change", async () => {
		const { data } = await s.dataProvider.update({ resource: "products", id, variables: { list_price: 39.9 } });
		assert.equal(data.list_price, 39.9);
		assert.equal(data.name, "Refine Test Lamp");
		const odoo = await s.sim.read("product.product", id, ["name", "list_price", "default_code"]);
		assert.deepEqual([odoo.name, odoo.list_price, odoo.default_code], ["Refine Test Lamp", 39.9, "RT-LAMP"]);
	});

	test("update with a many2one as {id}", async () => {
		const categs = await s.sim.odoo.executeKw("product.category", "search", [[]], { limit: 2 });
		const { data } = await s.dataProvider.update({ resource: "products", id, variables: { categ_id: { id: categs[1] } } });
		assert.equal(data.categ_id.id, categs[1]);
		assert.equal((await s.sim.read("product.product", id, ["categ_id"])).categ_id[0], categs[1]);
	});

	test("deleteOne: the record as it was, gone from Odoo, then 404", async () => {
		const { data } = await s.dataProvider.deleteOne({ resource: "products", id });
		assert.equal(data.id, id);
		assert.equal(data.name, "Refine Test Lamp");
		assert.equal(await exists("product.product", id), false);
		const e = await httpError(s.dataProvider.getOne({ resource: "products", id }));
		assert.equal(e.statusCode, 404);
	});
});

for (const [res, rank, other] of [["customers", "customer_rank", "suppliers"], ["suppliers", "supplier_rank", "customers"]]) {
	describe(res, () => {
		let id;
		test(`create: gets ${rank} 1 and shows in the ${res} list`, async () => {
			const before = await s.sim.count(res);
			const [country] = await s.sim.odoo.executeKw("res.country", "search", [[["code", "=", "ES"]]]);
			const { data } = await s.dataProvider.create({
				resource: res,
				variables: { name: `Refine ${res} SL`, email: `${res}@example.com`, is_company: true, country_id: country },
			});
			id = data.id;
			assert.equal(data[rank], 1);
			assert.deepEqual(data.country_id.id, country);
			const odoo = await s.sim.read("res.partner", id, ["name", "email", "is_company", rank, "country_id"]);
			assert.deepEqual([odoo.name, odoo.email, odoo.is_company, odoo[rank], odoo.country_id[0]],
				[`Refine ${res} SL`, `${res}@example.com`, true, 1, country]);
			const list = await s.dataProvider.getList({
				resource: res,
				pagination: { currentPage: 1, pageSize: 10 },
				filters: [{ field: "name", operator: "eq", value: `Refine ${res} SL` }],
			});
			assert.deepEqual(list.data.map((x) => x.id), [id]);
			assert.equal((await s.dataProvider.getList({ resource: res, pagination: { currentPage: 1, pageSize: 1 } })).total,
				before + 1);
		});

		test(`not one of the ${other} (outside that base domain: 404)`, async () => {
			const e = await httpError(s.dataProvider.getOne({ resource: other, id }));
			assert.equal(e.statusCode, 404);
		});

		test("update (PATCH): phone and city, null clears a field", async () => {
			const { data } = await s.dataProvider.update({ resource: res, id, variables: { phone: "+34 600 000 000", city: "Sevilla", email: null } });
			assert.equal(data.phone, "+34 600 000 000");
			assert.equal(data.city, "Sevilla");
			assert.equal(data.email, null);
			const odoo = await s.sim.read("res.partner", id, ["phone", "city", "email", "name"]);
			assert.deepEqual([odoo.phone, odoo.city, odoo.email, odoo.name],
				["+34 600 000 000", "Sevilla", false, `Refine ${res} SL`]);
		});

		test("deleteOne: gone from Odoo", async () => {
			const { data } = await s.dataProvider.deleteOne({ resource: res, id });
			assert.equal(data.id, id);
			assert.equal(await exists("res.partner", id), false);
		});
	});
}

describe("sales with lines", () => {
	let id;
	let products;
	let partner;
	before(async () => {
		products = await s.sim.records("products", [["sale_ok", "=", true], ["list_price", ">", 0]],
			["name", "list_price"]);
		[partner] = await s.sim.ids("customers", [], { limit: 1 });
	});

	test("create with one line: one order, price from the product, total computed", async () => {
		const p = products[0];
		const { data } = await s.dataProvider.create({
			resource: "sales",
			variables: { partner_id: partner, client_order_ref: "REFINE-1", lines: [{ product_id: p.id, product_uom_qty: 2 }] },
		});
		id = data.id;
		assert.equal(data.state, "draft");
		assert.equal(data.partner_id.id, partner);
		assert.equal(data.lines.length, 1);
		assert.equal(data.lines[0].product_id.id, p.id);
		assert.equal(data.lines[0].product_uom_qty, 2);
		assert.equal(data.lines[0].price_unit, p.list_price);
		const odoo = await s.sim.read("sale.order", id, ["order_line", "amount_untaxed", "client_order_ref"]);
		assert.equal(odoo.order_line.length, 1);
		assert.equal(odoo.client_order_ref, "REFINE-1");
		assert.equal(data.amount_untaxed, odoo.amount_untaxed);
		assert.ok(Math.abs(odoo.amount_untaxed - 2 * p.list_price) < 0.005);
	});

	test("update: a datetime with an offset is stored in UTC, read back as RFC 3339 Z", async () => {
		const { data } = await s.dataProvider.update({ resource: "sales", id, variables: { date_order: "2026-11-01T10:30:00+02:00" } });
		assert.equal(data.date_order, "2026-11-01T08:30:00Z");
		assert.equal((await s.sim.read("sale.order", id, ["date_order"])).date_order, "2026-11-01 08:30:00");
	});

	test("update: change a line's quantity and add a line in one PATCH", async () => {
		const { data: before } = await s.dataProvider.getOne({ resource: "sales", id });
		const first = before.lines[0];
		const { data } = await s.dataProvider.update({
			resource: "sales",
			id,
			variables: { lines: [{ id: first.id, product_uom_qty: 5 }, { product_id: products[1].id, product_uom_qty: 1 }] },
		});
		assert.equal(data.lines.length, 2);
		const kept = data.lines.find((l) => l.id === first.id);
		assert.equal(kept.product_uom_qty, 5);
		const lines = await s.sim.odoo.executeKw("sale.order.line", "search_read", [[["order_id", "=", id]]],
			{ fields: ["product_id", "product_uom_qty"], order: "id asc" });
		assert.deepEqual(lines.map((l) => [l.product_id[0], l.product_uom_qty]),
			[[products[0].id, 5], [products[1].id, 1]]);
	});

	test("update: a line left out is removed", async () => {
		const { data: before } = await s.dataProvider.getOne({ resource: "sales", id });
		const keep = before.lines.find((l) => l.product_id.id === products[1].id);
		const { data } = await s.dataProvider.update({ resource: "sales", id, variables: { lines: [{ id: keep.id }] } });
		assert.deepEqual(idSet(data.lines), [keep.id]);
		assert.deepEqual((await s.sim.read("sale.order", id, ["order_line"])).order_line, [keep.id]);
	});

	test("custom: confirm -> sale, again -> 422 with Odoo's reason", async () => {
		const url = `${s.dataProvider.getApiUrl()}/sales/${id}/confirm`;
		const { data } = await s.dataProvider.custom({ url, method: "post" });
		assert.equal(data.id, id);
		assert.equal(data.state, "sale");
		assert.equal((await s.sim.read("sale.order", id, ["state"])).state, "sale");
		const e = await httpError(s.dataProvider.custom({ url, method: "post" }));
		assert.equal(e.statusCode, 422);
		assert.match(e.message, /not in a state requiring confirmation/);
	});

	test("deleteOne of a confirmed sale: 422, the order stays", async () => {
		const e = await httpError(s.dataProvider.deleteOne({ resource: "sales", id }));
		assert.equal(e.statusCode, 422);
		assert.match(e.message, /cancel/i);
		assert.equal(await exists("sale.order", id), true);
	});

	test("custom: cancel a confirmed sale really cancels (no wizard)", async () => {
		const { data } = await s.dataProvider.custom({ url: `${s.dataProvider.getApiUrl()}/sales/${id}/cancel`, method: "post" });
		assert.equal(data.state, "cancel");
		assert.equal((await s.sim.read("sale.order", id, ["state"])).state, "cancel");
	});

	test("custom: draft brings it back to a quotation", async () => {
		const { data } = await s.dataProvider.custom({ url: `${s.dataProvider.getApiUrl()}/sales/${id}/draft`, method: "post" });
		assert.equal(data.state, "draft");
		assert.equal((await s.sim.read("sale.order", id, ["state"])).state, "draft");
	});

	test("deleteOne of a draft sale: gone with its lines", async () => {
		const { order_line: lines } = await s.sim.read("sale.order", id, ["order_line"]);
		const { data } = await s.dataProvider.deleteOne({ resource: "sales", id });
		assert.equal(data.id, id);
		assert.equal(await exists("sale.order", id), false);
		assert.equal(await exists("sale.order.line", lines[0]), false);
	});
});
