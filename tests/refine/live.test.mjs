// live.test.mjs: the example liveProvider against lighttpd + odoo-bridge (GET /api/v1/events) + the Odoo simulator:
// writes made through the dataProvider reach the subscriptions as Refine LiveEvents, unsubscribe ends the traffic,
// a forced disconnect resumes with Last-Event-ID, the server's end of a stream and a revoked token.

import assert from "node:assert/strict";
import { after, describe, test } from "node:test";

import { assertLiveEvent, recordingFetch, sleep, until } from "./lib/live.mjs";
import { MemoryStorage, secret, stackForThisFile } from "./lib/refine.mjs";

// A short heartbeat, so that the process of a stream whose client went away
// finds out soon (lighttpd has four, and each open stream holds one); a
// short EVENTS_MAX_AGE (its minimum), so that the server's end is seen; no
// poller (EVENTS_POLL=0): these tests count the events of their own writes,
// which the poller may announce a second time (src/evpoll.h).
const MAX_AGE = 5;
const s = stackForThisFile({
	bridgeSettings: { EVENTS_HEARTBEAT: 1, EVENTS_MAX_AGE: MAX_AGE, EVENTS_MAX_PER_USER: 16, EVENTS_POLL: 0, CACHE_TTL: 0 },
});

// The product's target is 1 s from a write to its event; the machine that
// runs the tests is shared, so the assertions allow this much.
const LATENCY_MS = 3000;

const providers = [];
function provider(options = {}) {
	const f = recordingFetch();
	const p = s.examples.live.liveProvider(s.baseUrl, globalThis.localStorage,
		{ fetch: f, retryMin: 200, retryMax: 1000, settle: 10, ...options });
	providers.push(p);
	return { p, f };
}

const subscriptions = [];
// A subscription as Refine's data hooks make it; real events only (a
// reconnection without an id to resume from also tells it to refetch, type *).
function sub(p, channel, params = {}) {
	const events = [];
	const all = [];
	const x = p.subscribe({ channel, types: ["*"], params, callback: (e) => {
		all.push(e);
		if (e.type !== "*")
			events.push(e);
	} });
	subscriptions.push([p, x]);
	return { x, events, all };
}

after(async () => {
	for (const [p, x] of subscriptions)
		p.unsubscribe(x);
	await sleep(100);
});

// The bridge's own count of the host's open streams (/metrics, from 127.0.0.1).
const openStreams = async () => {
	const r = await s.raw({ url: "/metrics" });
	assert.equal(r.status, 200);
	const m = /^odoo_bridge_event_streams (\d+)$/m.exec(r.data);
	assert.ok(m, "odoo_bridge_event_streams in /metrics");
	return Number(m[1]);
};

// The stream is open once its fetch answered: the first call resolved.
const streaming = async (f, n = 1) => {
	await until(() => f.calls.length >= n && f.calls[n - 1].breaker !== undefined, 10000, `stream ${n} open`);
	// The bridge looks at the ring every 100 ms: let it take its starting point.
	await sleep(300);
};

describe("writes through the API reach the subscriptions", () => {
	let id;
	let p;
	let f;
	let list;
	let record;
	let sales;

	test("subscribe: one stream for products and sales, bearer header, no token in the URL", async () => {
		({ p, f } = provider());
		list = sub(p, "resources/products", { subscriptionType: "useList" });
		sales = sub(p, "resources/sales", { subscriptionType: "useList" });
		await streaming(f);
		assert.equal(f.calls.length, 1);
		assert.equal(f.calls[0].url, `${s.baseUrl}/api/v1/events?resources=products,sales`);
		assert.match(f.calls[0].headers.Authorization, /^Bearer /);
		assert.ok(!f.calls[0].url.includes(f.calls[0].headers.Authorization.slice(7)));
	});

	test("create: a created event with the new id, within the latency target", async () => {
		const t0 = Date.now();
		const { data } = await s.dataProvider.create({ resource: "products", variables: { name: "Live Lamp", list_price: 3 } });
		id = data.id;
		await until(() => list.events.some((e) => e.type === "created"), LATENCY_MS, "the created event");
		const e = list.events.find((x) => x.type === "created");
		assertLiveEvent(e, { channel: "resources/products", type: "created", ids: [id] });
		assert.ok(Date.now() - t0 < LATENCY_MS);
		// The date is the bridge's clock, the same machine's.
		assert.ok(Math.abs(e.date.getTime() - Date.now()) < 60000);
	});

	test("update: an updated event; a subscription to that record (useOne) gets it, one to another does not", async () => {
		record = sub(p, "resources/products", { ids: [String(id)], id: String(id), subscriptionType: "useOne" });
		const other = sub(p, "resources/products", { ids: [id + 1000], subscriptionType: "useOne" });
		await sleep(200); // same resources: no new stream
		assert.equal(f.calls.length, 1);
		await s.dataProvider.update({ resource: "products", id, variables: { list_price: 4 } });
		await until(() => record.events.length === 1, LATENCY_MS, "the updated event on the record");
		assertLiveEvent(record.events[0], { channel: "resources/products", type: "updated", ids: [id] });
		await until(() => list.events.length === 2, LATENCY_MS, "the updated event on the list");
		assertLiveEvent(list.events[1], { type: "updated", ids: [id] });
		assert.equal(other.events.length, 0);
	});

	test("delete: a deleted event; nothing reached the sales subscription", async () => {
		await s.dataProvider.deleteOne({ resource: "products", id });
		await until(() => record.events.length === 2, LATENCY_MS, "the deleted event");
		assertLiveEvent(record.events[1], { channel: "resources/products", type: "deleted", ids: [id] });
		await until(() => list.events.length === 3, LATENCY_MS, "the deleted event on the list");
		assert.deepEqual(list.events.map((e) => e.type), ["created", "updated", "deleted"]);
		assert.equal(sales.events.length, 0);
	});

	test("a sale's write reaches the sales subscription only", async () => {
		const { data } = await s.dataProvider.getList({ resource: "sales", pagination: { current: 1, pageSize: 1 } });
		const saleId = data[0].id;
		await s.dataProvider.update({ resource: "sales", id: saleId, variables: { client_order_ref: "LIVE-1" } });
		await until(() => sales.events.length === 1, LATENCY_MS, "the sales event");
		assertLiveEvent(sales.events[0], { channel: "resources/sales", type: "updated", ids: [saleId] });
		assert.equal(list.events.length, 3);
	});

	test("unsubscribe: the stream is aborted, the bridge ends it, and nothing more is fetched", async () => {
		const n = f.calls.length;
		assert.equal(await openStreams(), 1);
		for (const [q, x] of subscriptions.filter(([q]) => q === p))
			q.unsubscribe(x);
		await until(() => f.calls.at(-1).signal.aborted, 2000, "the stream aborted");
		// The bridge notices at a heartbeat (1 s here) that fails, two or three of them.
		await until(async () => await openStreams() === 0, 8000, "no stream open on the bridge");
		// Longer than the reconnection delays (the bridge's retry: 2 s, retryMax 1 s).
		await sleep(2500);
		assert.equal(f.calls.length, n);
		// A write now reaches no one.
		const before = list.all.length;
		const { data } = await s.dataProvider.create({ resource: "products", variables: { name: "Unseen" } });
		await sleep(500);
		assert.equal(list.all.length, before);
		await s.dataProvider.deleteOne({ resource: "products", id: data.id });
	});
});

describe("reconnection", () => {
	test("a forced disconnect: reconnected with Last-Event-ID, the write made meanwhile arrives", async () => {
		const { p, f } = provider({ retryMin: 300, retryMax: 300 });
		const list = sub(p, "resources/products");
		await streaming(f);
		const { data } = await s.dataProvider.create({ resource: "products", variables: { name: "Resume Lamp" } });
		await until(() => list.events.length === 1, LATENCY_MS, "the created event");
		const n = f.calls.length;
		// Broken, and kept away until the write below is done.
		f.hold();
		f.breakAll();
		await until(() => f.calls.length === n + 1, 5000, "a reconnection attempt");
		await s.dataProvider.update({ resource: "products", id: data.id, variables: { list_price: 7 } });
		const resumeFrom = f.calls[n].headers["Last-Event-ID"];
		assert.match(resumeFrom ?? "", /^[0-9]+$/, "Last-Event-ID sent");
		f.release();
		await until(() => list.events.length === 2, LATENCY_MS + 2000, "the update made while disconnected");
		assertLiveEvent(list.events[1], { channel: "resources/products", type: "updated", ids: [data.id] });
		await s.dataProvider.deleteOne({ resource: "products", id: data.id });
		await until(() => list.events.length === 3, LATENCY_MS, "the deletion after the resume");
		assert.equal(list.all.filter((e) => e.type === "*").length, 0, "no reset: nothing was lost");
		p.unsubscribe(list.x);
	});

	test(`the server ends the stream after EVENTS_MAX_AGE (${MAX_AGE} s): reconnected, events still arrive`, async () => {
		const { p, f } = provider();
		const list = sub(p, "resources/products");
		await streaming(f);
		const { data } = await s.dataProvider.create({ resource: "products", variables: { name: "Max Age Lamp" } });
		await until(() => list.events.length === 1, LATENCY_MS, "the created event");
		// MAX_AGE, then the bridge's retry: delay (2 s).
		await until(() => f.calls.length === 2, (MAX_AGE + 5) * 1000, "a second stream");
		assert.match(f.calls[1].headers["Last-Event-ID"], /^[0-9]+$/);
		assert.ok(f.calls[1].at - f.calls[0].at >= MAX_AGE * 1000 - 500, "not before MAX_AGE");
		await streaming(f, 2);
		await s.dataProvider.deleteOne({ resource: "products", id: data.id });
		await until(() => list.events.length === 2, LATENCY_MS, "the event on the new stream");
		assertLiveEvent(list.events[1], { type: "deleted", ids: [data.id] });
		p.unsubscribe(list.x);
	});

	test("a revoked token: the bridge ends the stream, the provider gets 401 and stops", async () => {
		// A second login: its token is revoked behind the provider's back (the storage keeps it).
		const login = await s.raw({ method: "POST", url: "/token",
			data: new URLSearchParams({ username: "admin", password: secret("admin", "admin") }) });
		assert.equal(login.status, 200);
		const token = login.data.access_token;
		const storage = new MemoryStorage();
		storage.setItem(s.examples.auth.TOKEN_KEY, token);
		storage.setItem(s.examples.auth.EXPIRES_KEY, String(Date.now() + 3600 * 1000));
		const f = recordingFetch();
		const p = s.examples.live.liveProvider(s.baseUrl, storage, { fetch: f, retryMin: 200, retryMax: 500, settle: 10 });
		const list = sub(p, "resources/products");
		await streaming(f);
		const revoke = await s.raw({ method: "DELETE", url: "/token", headers: { Authorization: `Bearer ${token}` } });
		assert.ok([200, 204].includes(revoke.status), `DELETE /token: ${revoke.status}`);
		// Ended within a second or so, then the retry: delay, then a 401.
		await until(() => f.calls.length === 2, 8000, "the reconnection after the end");
		await sleep(2500);
		assert.equal(f.calls[1].status, 401);
		assert.equal(f.calls.length, 2, "no attempt after the 401");
		p.unsubscribe(list.x);
	});
});
