// live-client.test.mjs: the example liveProvider's client side (SSE parsing, routing to subscriptions,
// reconnection, Last-Event-ID, 401, unsubscribe) against a scripted text/event-stream server on loopback.
//
// The server here plays the bridge's GET /api/v1/events as the README
// describes it, so that each client behaviour is tested on its own and
// every failure can be forced; live.test.mjs drives the same provider
// against the real bridge.

import assert from "node:assert/strict";
import http from "node:http";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";

import { assertLiveEvent, recordingFetch, sleep, until } from "./lib/live.mjs";
import { importExamples, MemoryStorage } from "./lib/refine.mjs";

let live;
let auth;
let server;
let base;
// What the scripted server does with the next request: a function (req, res) or the default, an open stream.
const script = [];
const requests = [];
const openStreams = new Set();

before(async () => {
	({ live, auth } = await importExamples());
	server = http.createServer((req, res) => {
		requests.push({ url: req.url, headers: req.headers, closed: false });
		const record = requests.at(-1);
		res.on("close", () => { record.closed = true; });
		const handler = script.shift() ?? ((q, r) => stream(r));
		handler(req, res);
	});
	await new Promise((r) => server.listen(0, "127.0.0.1", r));
	base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
	for (const r of openStreams)
		r.destroy();
	server.closeAllConnections();
	await new Promise((r) => server.close(r));
});

beforeEach(() => {
	script.length = 0;
	requests.length = 0;
});

// Whatever a test left subscribed (a failed one) is unsubscribed, so that it cannot disturb the next.
const leftovers = [];
afterEach(async () => {
	for (const [p, s] of leftovers.splice(0))
		p.unsubscribe(s);
	await sleep(50);
	for (const r of openStreams)
		r.destroy();
});

// Starts a stream; returns the response, to write events to.
function stream(res) {
	res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
	res.write(": ping\n\n");
	openStreams.add(res);
	res.on("close", () => openStreams.delete(res));
	return res;
}

const event = (id, resource, action, ids) =>
	`event: ${resource}\nid: ${id}\ndata: ${JSON.stringify({ resource, action, ids, at: "2026-12-05T23:00:00Z" })}\n\n`;

function loggedIn() {
	const storage = new MemoryStorage();
	storage.setItem(auth.TOKEN_KEY, "the-token");
	storage.setItem(auth.EXPIRES_KEY, String(Date.now() + 3600 * 1000));
	return storage;
}

function provider(options = {}) {
	const f = recordingFetch();
	const errors = [];
	const p = live.liveProvider(base, loggedIn(), {
		fetch: f, retryMin: 100, retryMax: 400, settle: 10, onError: (e) => errors.push(e), ...options,
	});
	return { p, f, errors };
}

// A subscription as Refine's data hooks make it, collecting its events.
function sub(p, channel, params = {}, types = ["*"]) {
	const events = [];
	const s = p.subscribe({ channel, types, params, callback: (e) => events.push(e) });
	leftovers.push([p, s]);
	return { s, events };
}

describe("SseParser", () => {
	const parse = (chunks) => {
		const parser = new live.SseParser();
		const out = [];
		for (const c of chunks)
			out.push(...parser.feed(c));
		out.push(...parser.end());
		return { out, parser };
	};
	const text = "event: products\r\nid: 3\r\ndata: {\"a\":1}\r\n\r\n: ping\n\nevent: sales\nid: 4\ndata: x\ndata:  y\n\n"
		+ "id: 9\n\nretry: 2500\nevent: reset\n\nid: 10\ndata: cut by the end";

	test("events, comments, multi-line data, id-only announcement, retry; an unfinished event is dropped", () => {
		const { out, parser } = parse([text]);
		assert.deepEqual(out, [
			{ event: "products", data: "{\"a\":1}", id: "3" },
			{ event: "sales", data: "x\n y", id: "4" },
			{ event: "reset", data: "", id: "9" },
		]);
		assert.equal(parser.retry, 2500);
		assert.equal(parser.lastEventId, "9");
	});

	test("the same in chunks of every size, CRLF split between chunks included", () => {
		const whole = parse([text]).out;
		for (const size of [1, 2, 3, 5, 7, 16]) {
			const chunks = [];
			for (let i = 0; i < text.length; i += size)
				chunks.push(text.slice(i, i + size));
			assert.deepEqual(parse(chunks).out, whole, `chunks of ${size}`);
		}
	});

	test("the id to resume from survives blank lines and events without id", () => {
		const parser = new live.SseParser("7");
		assert.deepEqual(parser.feed(": open\nretry: 2000\n\nevent: x\ndata: 1\n\n"), [{ event: "x", data: "1", id: "7" }]);
		assert.equal(parser.lastEventId, "7");
		parser.feed("id: 8\n\n");
		assert.equal(parser.lastEventId, "8");
	});

	test("CR alone ends lines; a field without a colon; unknown fields ignored", () => {
		const { out } = parse(["data\rfoo: bar\revent: x\r\r"]);
		assert.deepEqual(out, [{ event: "x", data: "", id: null }]);
	});
});

describe("channels and events", () => {
	test("channelResource: resources/<name>, resources/<name>/<id>, a bare name", () => {
		assert.deepEqual(live.channelResource("resources/products"), { resource: "products", id: null });
		assert.deepEqual(live.channelResource("resources/sales/7"), { resource: "sales", id: "7" });
		assert.deepEqual(live.channelResource("customers"), { resource: "customers", id: null });
	});

	test("toLiveEvent: Refine's LiveEvent from the bridge's data, null for what is not one", () => {
		const e = live.toLiveEvent({ event: "products", id: "1",
			data: JSON.stringify({ resource: "products", action: "deleted", ids: [3, 4], at: "2026-12-05T23:00:00Z" }) });
		assertLiveEvent(e, { channel: "resources/products", type: "deleted", ids: [3, 4] });
		assert.equal(e.date.toISOString(), "2026-12-05T23:00:00.000Z");
		assert.equal(live.toLiveEvent({ event: "products", id: "1", data: "not json" }), null);
		assert.equal(live.toLiveEvent({ event: "products", id: "1", data: "{\"action\":\"created\"}" }), null);
	});
});

describe("the provider", () => {
	test("one stream for all subscriptions: the union of their resources, bearer header, no token in the URL", async () => {
		const { p, f } = provider();
		const a = sub(p, "resources/products", { subscriptionType: "useList" });
		const b = sub(p, "resources/sales", { subscriptionType: "useList" });
		const c = sub(p, "resources/products", { ids: [45], id: 45, subscriptionType: "useOne" });
		await until(() => requests.length === 1 && openStreams.size === 1, 2000, "one stream");
		await sleep(100);
		assert.equal(requests.length, 1);
		const r = requests[0];
		assert.equal(r.url, "/api/v1/events?resources=products,sales");
		assert.equal(r.headers.authorization, "Bearer the-token");
		assert.equal(r.headers.accept, "text/event-stream");
		assert.equal(r.headers["last-event-id"], undefined);
		assert.ok(!r.url.includes("the-token"));
		for (const x of [a, b, c])
			p.unsubscribe(x.s);
		await until(() => openStreams.size === 0, 2000, "stream closed");
		assert.equal(f.calls.length, 1);
	});

	test("each event reaches the subscriptions it concerns, as a LiveEvent", async () => {
		const { p } = provider();
		const list = sub(p, "resources/products", { subscriptionType: "useList" });
		const one45 = sub(p, "resources/products", { ids: ["45"], id: "45", subscriptionType: "useOne" });
		const one46 = sub(p, "resources/products/46");
		const sales = sub(p, "resources/sales");
		const onlyDeleted = sub(p, "resources/products", {}, ["deleted"]);
		await until(() => openStreams.size === 1, 2000, "stream open");
		const [res] = openStreams;
		res.write(event(1, "products", "updated", [45]));
		res.write(event(2, "products", "created", [99]));
		res.write(event(3, "products", "deleted", [46, 47]));
		res.write(event(4, "sales", "updated", [7]));
		await until(() => sales.events.length === 1, 2000, "the sales event");
		assert.deepEqual(list.events.map((e) => [e.type, e.payload.ids]),
			[["updated", [45]], ["created", [99]], ["deleted", [46, 47]]]);
		// "45" (a string, as from a route) matches 45; a creation reaches every record subscription.
		assert.deepEqual(one45.events.map((e) => e.type), ["updated", "created"]);
		assert.deepEqual(one46.events.map((e) => e.type), ["created", "deleted"]);
		assert.equal(one46.events[0].channel, "resources/products/46");
		assert.deepEqual(onlyDeleted.events.map((e) => e.type), ["deleted"]);
		for (const e of [...list.events, ...one45.events, ...sales.events])
			assertLiveEvent(e);
		assertLiveEvent(sales.events[0], { channel: "resources/sales", type: "updated", ids: [7] });
		for (const x of [list, one45, one46, sales, onlyDeleted])
			p.unsubscribe(x.s);
		await until(() => openStreams.size === 0, 2000, "stream closed");
	});

	test("reset: every subscription is told to refetch (type *)", async () => {
		const { p } = provider();
		const a = sub(p, "resources/products", { ids: [1] });
		const b = sub(p, "resources/sales", {}, ["created"]);
		await until(() => openStreams.size === 1, 2000, "stream open");
		[...openStreams][0].write("event: reset\nid: 50\ndata: {}\n\n");
		await until(() => a.events.length === 1 && b.events.length === 1, 2000, "both reset");
		assertLiveEvent(a.events[0], { channel: "resources/products", type: "*" });
		assertLiveEvent(b.events[0], { channel: "resources/sales", type: "*" });
		p.unsubscribe(a.s);
		p.unsubscribe(b.s);
		await until(() => openStreams.size === 0, 2000, "stream closed");
	});

	test("the server ends the stream: reconnected at once with Last-Event-ID", async () => {
		const { p } = provider({ retryMin: 5000, retryMax: 5000 });
		const a = sub(p, "resources/products");
		await until(() => openStreams.size === 1, 2000, "stream open");
		const [res] = openStreams;
		res.write(event(17, "products", "updated", [1]));
		await until(() => a.events.length === 1, 2000, "the event");
		const ended = Date.now();
		res.end();
		await until(() => requests.length === 2, 2000, "a second request");
		// At once: well under retryMin (5 s).
		assert.ok(Date.now() - ended < 1000);
		assert.equal(requests[1].headers["last-event-id"], "17");
		await until(() => openStreams.size === 1, 2000, "stream open again");
		// A stream that ends with nothing but its opening comment: the id to resume from stays.
		[...openStreams][0].end();
		await until(() => requests.length === 3, 2000, "a third request");
		assert.equal(requests[2].headers["last-event-id"], "17");
		await until(() => openStreams.size === 1, 2000, "stream open a third time");
		[...openStreams][0].write(event(18, "products", "deleted", [1]));
		await until(() => a.events.length === 2, 2000, "the event after the reconnections");
		assert.deepEqual(a.events.map((e) => e.type), ["updated", "deleted"], "no reset");
		p.unsubscribe(a.s);
		await until(() => openStreams.size === 0, 2000, "stream closed");
	});

	test("a broken connection: reconnected after the backoff, with Last-Event-ID from an id-only announcement", async () => {
		const { p, f } = provider({ retryMin: 300, retryMax: 300 });
		const a = sub(p, "resources/products");
		await until(() => openStreams.size === 1 && f.calls[0]?.status === 200, 2000, "stream open");
		[...openStreams][0].write("id: 41\n\n");
		await sleep(100);
		const broken = Date.now();
		f.breakAll();
		await until(() => requests.length === 2, 3000, "a second request");
		const waited = Date.now() - broken;
		// retryMin 300 with jitter: between 150 and 300 ms.
		assert.ok(waited >= 140 && waited < 1500, `reconnected after ${waited} ms`);
		assert.equal(requests[1].headers["last-event-id"], "41");
		assert.equal(a.events.length, 0, "an id alone is not an event");
		p.unsubscribe(a.s);
		await until(() => openStreams.size === 0, 2000, "stream closed");
	});

	test("reconnected without an id to resume from: the subscriptions are told to refetch", async () => {
		const { p, f } = provider();
		const a = sub(p, "resources/products");
		// Open on both ends: the server wrote its head, the client's fetch resolved.
		await until(() => openStreams.size === 1 && f.calls[0]?.status === 200, 2000, "stream open");
		f.breakAll();
		await until(() => a.events.length === 1, 3000, "a reset after the blind reconnection");
		assertLiveEvent(a.events[0], { type: "*" });
		p.unsubscribe(a.s);
		await until(() => openStreams.size === 0, 2000, "stream closed");
	});

	test("503 and 429: retried, no sooner than Retry-After", async () => {
		script.push((q, r) => { r.writeHead(503, { "Retry-After": "1" }); r.end(); });
		script.push((q, r) => { r.writeHead(429); r.end(); });
		script.push((q, r) => { r.writeHead(429); r.end(); });
		const { p } = provider({ retryMin: 100, retryMax: 250 });
		const t0 = Date.now();
		const a = sub(p, "resources/products");
		await until(() => requests.length === 4 && openStreams.size === 1, 5000, "the fourth request streams");
		p.unsubscribe(a.s);
		assert.ok(Date.now() - t0 >= 1000, "waited for Retry-After");
		await until(() => openStreams.size === 0, 2000, "stream closed");
	});

	test("401: stops for good, no more requests; a later subscribe starts again", async () => {
		script.push((q, r) => { r.writeHead(401, { "Content-Type": "application/json" }); r.end("{}"); });
		const { p, f, errors } = provider();
		const a = sub(p, "resources/products");
		await until(() => requests.length === 1, 2000, "the request");
		await sleep(800); // retryMin is 100: a retry would have come
		assert.equal(f.calls.length, 1);
		assert.deepEqual(errors, []);
		const b = sub(p, "resources/products");
		await until(() => openStreams.size === 1, 2000, "a new stream");
		assert.equal(f.calls.length, 2);
		p.unsubscribe(a.s);
		p.unsubscribe(b.s);
		await until(() => openStreams.size === 0, 2000, "stream closed");
	});

	test("no token (logged out): no request at all", async () => {
		const f = recordingFetch();
		const p = live.liveProvider(base, new MemoryStorage(), { fetch: f, settle: 10, retryMin: 50 });
		const a = sub(p, "resources/products");
		await sleep(300);
		assert.equal(f.calls.length, 0);
		p.unsubscribe(a.s);
	});

	test("another 4xx: reported to onError, not retried", async () => {
		script.push((q, r) => { r.writeHead(400, { "Content-Type": "application/json" }); r.end("{}"); });
		const { p, f, errors } = provider();
		const a = sub(p, "resources/nonsense");
		await until(() => errors.length === 1, 2000, "onError");
		assert.match(errors[0].message, /HTTP 400/);
		await sleep(500);
		assert.equal(f.calls.length, 1);
		p.unsubscribe(a.s);
	});

	test("403 naming resources (user mode): reopened without them, the others still get events", async () => {
		script.push((q, r) => {
			r.writeHead(403, { "Content-Type": "application/json" });
			r.end(JSON.stringify({ detail: "x", message: "x", statusCode: 403, errors: { resources: ["sales"] } }));
		});
		const { p, errors } = provider();
		const a = sub(p, "resources/products");
		const b = sub(p, "resources/sales");
		await until(() => openStreams.size === 1, 2000, "a stream");
		assert.equal(requests[0].url, "/api/v1/events?resources=products,sales");
		assert.equal(requests[1].url, "/api/v1/events?resources=products");
		assert.equal(errors.length, 1);
		assert.match(errors[0].message, /sales/);
		[...openStreams][0].write(event(1, "products", "updated", [3]));
		await until(() => a.events.length === 1, 2000, "the products event");
		assert.equal(b.events.length, 0);
		p.unsubscribe(a.s);
		p.unsubscribe(b.s);
		await until(() => openStreams.size === 0, 2000, "stream closed");
	});

	test("the resources change: the stream is reopened for the new set, with Last-Event-ID", async () => {
		const { p } = provider();
		const a = sub(p, "resources/products");
		await until(() => openStreams.size === 1, 2000, "stream open");
		const [first] = openStreams;
		first.write(event(5, "products", "created", [1]));
		await until(() => a.events.length === 1, 2000, "the event");
		const b = sub(p, "resources/sales");
		await until(() => requests.length === 2 && requests[0].closed, 2000, "reopened, the first one closed");
		assert.equal(requests[1].url, "/api/v1/events?resources=products,sales");
		assert.equal(requests[1].headers["last-event-id"], "5");
		// A subscription to a resource already in the set costs nothing.
		const c = sub(p, "resources/sales", { ids: [3] });
		await sleep(200);
		assert.equal(requests.length, 2);
		for (const x of [a, b, c])
			p.unsubscribe(x.s);
		await until(() => openStreams.size === 0, 2000, "stream closed");
	});

	test("unsubscribe: the last one aborts the stream, and nothing is fetched after", async () => {
		const { p, f } = provider();
		const a = sub(p, "resources/products");
		const b = sub(p, "resources/products", { ids: [2] });
		await until(() => openStreams.size === 1, 2000, "stream open");
		p.unsubscribe(a.s);
		await sleep(200);
		assert.equal(openStreams.size, 1, "one subscription left: still open");
		p.unsubscribe(b.s);
		await until(() => requests[0].closed, 2000, "the server sees the connection closed");
		assert.ok(f.calls[0].signal.aborted);
		await sleep(500);
		assert.equal(f.calls.length, 1);
		// Events written to a dead subscription are not delivered.
		assert.equal(a.events.length + b.events.length, 0);
	});

	test("publish is a no-op (the bridge publishes writes itself)", () => {
		const { p, f } = provider();
		assert.equal(typeof p.publish, "function");
		p.publish({ channel: "resources/products", type: "created", payload: { ids: [1] }, date: new Date() });
		assert.equal(f.calls.length, 0);
	});
});
