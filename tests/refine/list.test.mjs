// list.test.mjs: simple-rest's getList/getMany/getOne against the bridge, checked against the simulator's own data.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { RESOURCES, fromOdoo, idSet, stackForThisFile } from "./lib/refine.mjs";

// Each resource gets at least this many records, so that it has several pages.
const MIN_RECORDS = 7;

// Tops a resource up to MIN_RECORDS through Odoo itself, as a shop's users would.
async function ensureRecords(res) {
	const { odoo } = s.sim;
	let n = await s.sim.count(res);
	for (; n < MIN_RECORDS; n++) {
		const tag = `Refine Page Test ${res} ${n}`;
		if (res === "suppliers")
			await odoo.executeKw("res.partner", "create", [{ name: tag, supplier_rank: 1, email: `s${n}@example.com` }]);
		else if (res === "customers")
			await odoo.executeKw("res.partner", "create", [{ name: tag, customer_rank: 1, email: `c${n}@example.com` }]);
		else if (res === "sales") {
			const [partner] = await odoo.executeKw("res.partner", "search", [[]], { limit: 1 });
			await odoo.executeKw("sale.order", "create", [{ partner_id: partner }]);
		} else if (res === "categories")
			await odoo.executeKw("product.category", "create", [{ name: tag }]);
		else
			throw new Error(`${res} has only ${n} records in the simulator`);
	}
}

const s = stackForThisFile({}, async () => {
	for (const res of Object.keys(RESOURCES))
		await ensureRecords(res);
});

describe("getList: pagination with currentPage", () => {
	for (const res of Object.keys(RESOURCES)) {
		test(`${res}: every page sorted by id, totals and ids as the simulator's`, async () => {
			const total = await s.sim.count(res);
			const pageSize = Math.ceil(total / 3);
			assert.ok(pageSize < total, "several pages");
			const pages = Math.ceil(total / pageSize);
			for (let currentPage = 1; currentPage <= pages + 1; currentPage++) {
				const r = await s.dataProvider.getList({
					resource: res,
					pagination: { currentPage, pageSize },
					sorters: [{ field: "id", order: "asc" }],
				});
				assert.equal(r.total, total, `total on page ${currentPage}`);
				const want = await s.sim.ids(res, [], { offset: (currentPage - 1) * pageSize, limit: pageSize });
				assert.deepEqual(r.data.map((x) => x.id), want, `ids on page ${currentPage}`);
			}
		});

		test(`${res}: default order, pages cover every record once; names as in Odoo`, async () => {
			const all = await s.sim.records(res, [], ["name"]);
			const pageSize = Math.ceil(all.length / 3);
			const seen = [];
			for (let currentPage = 1; seen.length < all.length && currentPage <= all.length; currentPage++) {
				const r = await s.dataProvider.getList({ resource: res, pagination: { currentPage, pageSize } });
				assert.equal(r.total, all.length);
				assert.ok(r.data.length > 0 && r.data.length <= pageSize, `page ${currentPage} size ${r.data.length}`);
				seen.push(...r.data);
			}
			assert.deepEqual(idSet(seen), all.map((x) => x.id), "no record twice, none missing");
			const names = new Map(all.map((x) => [x.id, fromOdoo(x.name)]));
			for (const row of seen)
				assert.equal(row.name, names.get(row.id), `name of ${res}/${row.id}`);
		});
	}

	test("products: pagination { mode: 'off' } returns every record with the total", async () => {
		const want = await s.sim.ids("products");
		assert.ok(want.length > 10, "more than simple-rest's default page of 10");
		const r = await s.dataProvider.getList({ resource: "products", pagination: { mode: "off" } });
		assert.equal(r.total, want.length);
		assert.deepEqual(idSet(r.data), want);
	});

	test("customers: default pagination (no pagination given) is page 1 of 10", async () => {
		const want = await s.sim.count("customers");
		const r = await s.dataProvider.getList({ resource: "customers", sorters: [{ field: "id", order: "desc" }] });
		assert.equal(r.total, want);
		assert.deepEqual(r.data.map((x) => x.id), await s.sim.ids("customers", [], { order: "id desc", limit: 10 }));
	});
});

describe("getList: sorters", () => {
	test("products by list_price desc: two pages, as Odoo orders them, prices non-increasing", async () => {
		const order = "list_price desc,id asc";
		let prev = Infinity;
		for (const currentPage of [1, 2]) {
			const r = await s.dataProvider.getList({
				resource: "products",
				pagination: { currentPage, pageSize: 8 },
				sorters: [{ field: "list_price", order: "desc" }],
			});
			assert.deepEqual(r.data.map((x) => x.id),
				await s.sim.ids("products", [], { order, offset: (currentPage - 1) * 8, limit: 8 }));
			for (const row of r.data) {
				assert.ok(row.list_price <= prev, `${row.list_price} after ${prev}`);
				prev = row.list_price;
			}
		}
	});

	test("sales by amount_total asc", async () => {
		const r = await s.dataProvider.getList({
			resource: "sales",
			pagination: { currentPage: 1, pageSize: 5 },
			sorters: [{ field: "amount_total", order: "asc" }],
		});
		assert.deepEqual(r.data.map((x) => x.id),
			await s.sim.ids("sales", [], { order: "amount_total asc,id asc", limit: 5 }));
	});

	test("two sorters: products by type asc, list_price desc (sent as _sort=type%2Clist_price)", async () => {
		const r = await s.dataProvider.getList({
			resource: "products",
			pagination: { currentPage: 1, pageSize: 200 },
			sorters: [{ field: "type", order: "asc" }, { field: "list_price", order: "desc" }],
		});
		assert.deepEqual(r.data.map((x) => x.id),
			await s.sim.ids("products", [], { order: "type asc,list_price desc,id asc" }));
		for (let i = 1; i < r.data.length; i++) {
			const [a, b] = [r.data[i - 1], r.data[i]];
			assert.ok(a.type < b.type || (a.type === b.type && a.list_price >= b.list_price),
				`${a.id} (${a.type}, ${a.list_price}) before ${b.id} (${b.type}, ${b.list_price})`);
		}
		assert.ok(new Set(r.data.map((x) => x.type)).size > 1, "the first key has several values");
	});

	test("products by categ_id desc: a many2one sorts as Odoo sorts the categories", async () => {
		const r = await s.dataProvider.getList({
			resource: "products",
			pagination: { currentPage: 2, pageSize: 10 },
			sorters: [{ field: "categ_id", order: "desc" }],
		});
		assert.deepEqual(r.data.map((x) => x.id),
			await s.sim.ids("products", [], { order: "categ_id desc,id asc", offset: 10, limit: 10 }));
	});

	test("two sorters: customers by name desc, id asc", async () => {
		const r = await s.dataProvider.getList({
			resource: "customers",
			pagination: { currentPage: 1, pageSize: 100 },
			sorters: [{ field: "name", order: "desc" }, { field: "id", order: "asc" }],
		});
		assert.deepEqual(r.data.map((x) => x.id), await s.sim.ids("customers", [], { order: "name desc,id asc" }));
	});
});

// A filter test is only worth something if the filter keeps some records and drops others.
async function checkFilter(res, filters, domain) {
	const all = await s.sim.count(res);
	const want = await s.sim.ids(res, domain);
	assert.ok(want.length > 0 && want.length < all,
		`test data: the filter should keep some of the ${all} ${res}, keeps ${want.length}`);
	const r = await s.dataProvider.getList({ resource: res, pagination: { currentPage: 1, pageSize: 500 }, filters });
	assert.equal(r.total, want.length, "total");
	assert.deepEqual(idSet(r.data), want);
	return r.data;
}

describe("getList: filters", () => {
	let products;
	before(async () => {
		products = await s.sim.records("products", [], ["name", "default_code", "list_price", "categ_id", "type"]);
	});

	// The most common value of a field, so that the filter keeps several records.
	const mostCommon = (rows, key) => {
		const n = new Map();
		for (const r of rows)
			n.set(key(r), (n.get(key(r)) ?? 0) + 1);
		return [...n.entries()].sort((a, b) => b[1] - a[1])[0][0];
	};

	test("eq on a many2one (categ_id=<id>)", async () => {
		const categ = mostCommon(products.filter((p) => p.categ_id), (p) => p.categ_id[0]);
		const rows = await checkFilter("products",
			[{ field: "categ_id", operator: "eq", value: categ }], [["categ_id", "=", categ]]);
		assert.ok(rows.every((r) => r.categ_id.id === categ));
	});

	test("eq on a char field (default_code)", async () => {
		const code = products.find((p) => p.default_code).default_code;
		await checkFilter("products", [{ field: "default_code", operator: "eq", value: code }],
			[["default_code", "=", code]]);
	});

	test("eq on a selection (sales state=draft)", async () => {
		await checkFilter("sales", [{ field: "state", operator: "eq", value: "draft" }], [["state", "=", "draft"]]);
	});

	test("eq on a boolean (customers is_company=true)", async () => {
		await checkFilter("customers", [{ field: "is_company", operator: "eq", value: true }],
			[["is_company", "=", true]]);
	});

	test("ne (categ_id_ne)", async () => {
		const categ = mostCommon(products.filter((p) => p.categ_id), (p) => p.categ_id[0]);
		const rows = await checkFilter("products",
			[{ field: "categ_id", operator: "ne", value: categ }], [["categ_id", "!=", categ]]);
		assert.ok(rows.every((r) => r.categ_id?.id !== categ));
	});

	test("gte and lte together (list_price range)", async () => {
		const prices = products.map((p) => p.list_price).sort((a, b) => a - b);
		const lo = prices[Math.floor(prices.length / 4)];
		const hi = prices[Math.floor((prices.length * 3) / 4)];
		assert.ok(lo < hi, "test data: a price range");
		const rows = await checkFilter("products", [
			{ field: "list_price", operator: "gte", value: lo },
			{ field: "list_price", operator: "lte", value: hi },
		], [["list_price", ">=", lo], ["list_price", "<=", hi]]);
		assert.ok(rows.every((r) => r.list_price >= lo && r.list_price <= hi));
	});

	test("gte alone and lte alone are not the same filter", async () => {
		const prices = products.map((p) => p.list_price).sort((a, b) => a - b);
		const mid = prices[Math.floor(prices.length / 2)];
		const ge = await checkFilter("products", [{ field: "list_price", operator: "gte", value: mid }],
			[["list_price", ">=", mid]]);
		const le = await checkFilter("products", [{ field: "list_price", operator: "lte", value: mid }],
			[["list_price", "<=", mid]]);
		assert.notDeepEqual(idSet(ge), idSet(le));
	});

	test("gte on a datetime with the RFC 3339 value the bridge itself returns (sales date_order)", async () => {
		const sales = await s.dataProvider.getList({
			resource: "sales",
			pagination: { currentPage: 1, pageSize: 500 },
			sorters: [{ field: "date_order", order: "asc" }],
		});
		const pivot = sales.data[Math.floor(sales.data.length / 2)].date_order;
		assert.match(pivot, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		const odooText = pivot.replace("T", " ").replace("Z", "");
		await checkFilter("sales", [{ field: "date_order", operator: "gte", value: pivot }],
			[["date_order", ">=", odooText]]);
	});

	test("contains is a case-insensitive ilike (name_like)", async () => {
		// A word of some product's name, in another case than Odoo has it.
		const word = mostCommon(products.flatMap((p) => p.name.split(/\s+/).filter((w) => w.length > 3)
			.map((w) => ({ w }))), (x) => x.w.toLowerCase());
		const value = word.toUpperCase();
		const rows = await checkFilter("products", [{ field: "name", operator: "contains", value }],
			[["name", "ilike", value]]);
		assert.ok(rows.every((r) => r.name.toLowerCase().includes(word)));
	});

	test("contains and gte combine with AND", async () => {
		const prices = products.map((p) => p.list_price).sort((a, b) => a - b);
		const mid = prices[Math.floor(prices.length / 2)];
		// A name part for which both filters matter: the AND keeps fewer than either alone.
		const has = (p, w) => p.name.toLowerCase().includes(w);
		const both = (w) => products.filter((p) => has(p, w) && p.list_price >= mid).length;
		const word = [...new Set(products.flatMap((p) => p.name.toLowerCase().split(/\s+/)))].find((w) =>
			both(w) > 0 && both(w) < products.filter((p) => has(p, w)).length &&
			both(w) < products.filter((p) => p.list_price >= mid).length);
		assert.ok(word, "test data: a name part that some cheap and some dear products have");
		await checkFilter("products", [
			{ field: "name", operator: "contains", value: word },
			{ field: "list_price", operator: "gte", value: mid },
		], [["name", "ilike", word], ["list_price", ">=", mid]]);
	});

	test("contains on customers keeps the base domain (customer_rank > 0)", async () => {
		// A piece of a name that some customers and some partners that are not customers have.
		const partners = await s.sim.odoo.executeKw("res.partner", "search_read", [[]], { fields: ["name", "customer_rank"] });
		const has = (p, w) => p.name.toLowerCase().includes(w);
		const customers = partners.filter((p) => p.customer_rank > 0);
		const word = [...new Set(partners.flatMap((p) => p.name.toLowerCase().split(/[\s,.]+/)).filter((w) => w.length > 2))]
			.find((w) => partners.some((p) => p.customer_rank === 0 && has(p, w)) &&
				customers.some((p) => has(p, w)) && !customers.every((p) => has(p, w)));
		assert.ok(word, "test data: a name part shared by customers and other partners");
		const rows = await checkFilter("customers", [{ field: "name", operator: "contains", value: word }],
			[["name", "ilike", word]]);
		assert.ok(rows.every((r) => r.customer_rank > 0));
	});

	test("contains on a many2one matches the related record's name (categ_id_like)", async () => {
		const categ = products.find((p) => p.categ_id).categ_id[1].split(" / ").pop().toLowerCase();
		await checkFilter("products", [{ field: "categ_id", operator: "contains", value: categ }],
			[["categ_id", "ilike", categ]]);
	});

	test("an array value (operator 'in') goes out as a repeated key and means 'in'", async () => {
		const categs = [...new Set(products.filter((p) => p.categ_id).map((p) => p.categ_id[0]))].slice(0, 2);
		assert.equal(categs.length, 2, "test data: two categories with products");
		await checkFilter("products", [{ field: "categ_id", operator: "in", value: categs }],
			[["categ_id", "in", categs]]);
	});
});

describe("getList: q search", () => {
	test("products: q over name, default_code, barcode", async () => {
		const code = (await s.sim.records("products", [["default_code", "!=", false]], ["default_code"]))[0]
			.default_code;
		const text = code.slice(0, 4).toLowerCase();
		await checkFilter("products", [{ field: "q", operator: "eq", value: text }], s.sim.qDomain("products", text));
	});

	test("products: q together with a filter", async () => {
		const prices = (await s.sim.records("products", [], ["list_price"])).map((p) => p.list_price)
			.sort((a, b) => a - b);
		const mid = prices[Math.floor(prices.length / 2)];
		await checkFilter("products", [
			{ field: "q", operator: "eq", value: "a" },
			{ field: "list_price", operator: "lte", value: mid },
		], [...s.sim.qDomain("products", "a"), ["list_price", "<=", mid]]);
	});

	test("customers: q finds by part of an e-mail address", async () => {
		const withMail = await s.sim.records("customers", [["email", "!=", false]], ["email"]);
		const text = withMail[0].email.split("@")[0].slice(0, 5).toUpperCase();
		await checkFilter("customers", [{ field: "q", operator: "eq", value: text }], s.sim.qDomain("customers", text));
	});

	test("countries: q by code or name", async () => {
		await checkFilter("countries", [{ field: "q", operator: "eq", value: "es" }], s.sim.qDomain("countries", "es"));
	});

	test("sales: q by the customer's name (many2one)", async () => {
		const [sale] = await s.sim.records("sales", [], ["partner_id"]);
		const text = sale.partner_id[1].split(/\s+/)[0];
		await checkFilter("sales", [{ field: "q", operator: "eq", value: text }], s.sim.qDomain("sales", text));
	});
});

describe("getMany and getOne", () => {
	test("getMany: the records asked for (id=a&id=b&id=c)", async () => {
		const ids = (await s.sim.ids("products")).filter((_, i) => i % 5 === 1).slice(0, 3);
		const r = await s.dataProvider.getMany({ resource: "products", ids });
		assert.deepEqual(idSet(r.data), [...ids].sort((a, b) => a - b));
	});

	test("getMany on customers leaves out ids outside the base domain", async () => {
		const [customer] = await s.sim.ids("customers", [], { limit: 1 });
		const [other] = await s.sim.odoo.executeKw("res.partner", "search", [[["customer_rank", "=", 0]]], { limit: 1 });
		const r = await s.dataProvider.getMany({ resource: "customers", ids: [customer, other] });
		assert.deepEqual(idSet(r.data), [customer]);
	});

	test("getOne products: values mapped from Odoo's (many2one objects, RFC 3339, null for False)", async () => {
		const [id] = await s.sim.ids("products", [["categ_id", "!=", false]], { limit: 1 });
		const odoo = await s.sim.read("product.product", id,
			["name", "default_code", "barcode", "list_price", "categ_id", "uom_id", "write_date", "sale_ok"]);
		const { data } = await s.dataProvider.getOne({ resource: "products", id });
		assert.equal(data.id, id);
		assert.equal(data.name, odoo.name);
		assert.equal(data.default_code, fromOdoo(odoo.default_code));
		assert.equal(data.barcode, fromOdoo(odoo.barcode));
		assert.equal(data.list_price, odoo.list_price);
		assert.equal(data.sale_ok, odoo.sale_ok);
		assert.deepEqual(data.categ_id, { id: odoo.categ_id[0], name: odoo.categ_id[1] });
		assert.deepEqual(data.uom_id, { id: odoo.uom_id[0], name: odoo.uom_id[1] });
		assert.equal(data.write_date, `${odoo.write_date.replace(" ", "T")}Z`);
	});

	test("getOne sales: the order with its lines", async () => {
		const [sale] = await s.sim.records("sales", [["order_line", "!=", false]], ["name", "order_line", "amount_total"]);
		const { data } = await s.dataProvider.getOne({ resource: "sales", id: sale.id });
		assert.equal(data.name, sale.name);
		assert.equal(data.amount_total, sale.amount_total);
		assert.deepEqual(idSet(data.lines), [...sale.order_line].sort((a, b) => a - b));
		const line = await s.sim.read("sale.order.line", data.lines[0].id, ["product_id", "product_uom_qty", "price_unit"]);
		assert.deepEqual(data.lines[0].product_id, { id: line.product_id[0], name: line.product_id[1] });
		assert.equal(data.lines[0].product_uom_qty, line.product_uom_qty);
		assert.equal(data.lines[0].price_unit, line.price_unit);
	});

	test("getOne for each read-only lookup", async () => {
		for (const res of ["categories", "countries"]) {
			const [rec] = await s.sim.records(res, [], ["name"]);
			const { data } = await s.dataProvider.getOne({ resource: res, id: rec.id });
			assert.equal(data.id, rec.id);
			assert.equal(data.name, rec.name);
		}
	});
});
