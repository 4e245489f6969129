// bulk.test.mjs: the example dataProvider's createMany/updateMany/deleteMany (one atomic bulk request each) and batch(), checked in the simulator.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { httpError, stackForThisFile } from "./lib/refine.mjs";

const s = stackForThisFile();

const countAll = (model, domain = []) =>
	s.sim.odoo.executeKw(model, "search_count", [domain], { context: { active_test: false } });

/** Odoo calls of model.method since the last reset (JSON-2 ones counted with XML-RPC's). */
async function calls(model, method) {
	const st = await s.simControl("stats", "GET");
	return (st.execute_kw?.[model]?.[method] ?? 0) + (st.json2?.[model]?.[method] ?? 0);
}

describe("createMany, updateMany, deleteMany", () => {
	let ids;
	test("createMany: one Odoo create, the records in order, all in Odoo", async () => {
		const before = await countAll("product.product");
		await s.simControl("stats/reset");
		const { data } = await s.dataProvider.createMany({
			resource: "products",
			variables: [{ name: "Refine Bulk 0", list_price: 1.5 }, { name: "Refine Bulk 1" }, { name: "Refine Bulk 2" }],
		});
		assert.equal(await calls("product.product", "create"), 1);
		assert.deepEqual(data.map((r) => r.name), ["Refine Bulk 0", "Refine Bulk 1", "Refine Bulk 2"]);
		ids = data.map((r) => r.id);
		assert.equal(await countAll("product.product"), before + 3);
		assert.equal((await s.sim.read("product.product", ids[0], ["list_price"])).list_price, 1.5);
	});

	test("createMany with one item Odoo refuses: HttpError, nothing created", async () => {
		const before = await countAll("product.product");
		const e = await httpError(s.dataProvider.createMany({
			resource: "products",
			variables: [{ name: "Refine Atomic 0" }, { name: "Refine Atomic 1", categ_id: 999999 }],
		}));
		assert.equal(e.statusCode, 422);
		assert.equal(await countAll("product.product"), before);
	});

	test("createMany with an invalid item: 400 naming the item's field", async () => {
		const e = await httpError(s.dataProvider.createMany({
			resource: "products",
			variables: [{ name: "ok" }, { name: "bad", list_price: "cheap" }],
		}));
		assert.equal(e.statusCode, 400);
		assert.deepEqual(Object.keys(e.errors), ["1.list_price"]);
	});

	test("updateMany: one Odoo write, every record changed", async () => {
		await s.simControl("stats/reset");
		const { data } = await s.dataProvider.updateMany({ resource: "products", ids, variables: { list_price: 9.75 } });
		assert.equal(await calls("product.product", "write"), 1);
		assert.deepEqual(data.map((r) => r.id), ids);
		const recs = await s.sim.odoo.executeKw("product.product", "read", [ids], { fields: ["list_price"] });
		assert.deepEqual(recs.map((r) => r.list_price), [9.75, 9.75, 9.75]);
	});

	test("deleteMany with a missing id: 404, nothing deleted", async () => {
		const e = await httpError(s.dataProvider.deleteMany({ resource: "products", ids: [...ids, 999999] }));
		assert.equal(e.statusCode, 404);
		assert.equal(e.errors.ids.length, 1);
		assert.equal(await countAll("product.product", [["id", "in", ids]]), 3);
	});

	test("deleteMany: one Odoo unlink, the records as they were, gone from Odoo", async () => {
		await s.simControl("stats/reset");
		const { data } = await s.dataProvider.deleteMany({ resource: "products", ids });
		assert.equal(await calls("product.product", "unlink"), 1);
		assert.deepEqual(data.map((r) => r.name), ["Refine Bulk 0", "Refine Bulk 1", "Refine Bulk 2"]);
		assert.equal(await countAll("product.product", [["id", "in", ids]]), 0);
	});
});

describe("batch()", () => {
	test("answers each request as alone, in order", async () => {
		const [a, b] = await s.sim.odoo.executeKw("product.product", "search", [[]], { limit: 2 });
		const answers = await s.examples.data.batch(s.baseUrl, [
			{ id: "a", method: "GET", path: `/api/v1/products/${a}` },
			{ id: "b", method: "GET", path: `/api/v1/products/${b}` },
			{ id: "list", method: "GET", path: "/api/v1/countries?_start=0&_end=2" },
			{ id: "gone", method: "GET", path: "/api/v1/products/999999" },
			{ id: "nested", method: "POST", path: "/api/v1/batch", body: { requests: [] } },
		]);
		assert.deepEqual(answers.map((x) => [x.id, x.status]),
			[["a", 200], ["b", 200], ["list", 200], ["gone", 404], ["nested", 400]]);
		assert.deepEqual(answers[0].body, (await s.dataProvider.getOne({ resource: "products", id: a })).data);
		assert.equal(Number(answers[2].headers["X-Total-Count"]), await countAll("res.country"));
	});
});
