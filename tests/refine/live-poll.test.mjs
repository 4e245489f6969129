// live-poll.test.mjs: a change made in Odoo itself (straight into the simulator, behind the bridge's back)
// reaches the example liveProvider's subscription through the bridge's poller, as a Refine LiveEvent.

import assert from "node:assert/strict";
import { test } from "node:test";

import { assertLiveEvent, recordingFetch, sleep, until } from "./lib/live.mjs";
import { stackForThisFile } from "./lib/refine.mjs";

const POLL = 1;
const s = stackForThisFile({ bridgeSettings: { EVENTS_POLL: POLL, EVENTS_HEARTBEAT: 1, CACHE_TTL: 0 } });

// The target is EVENTS_POLL + 1 s; the machine that runs the tests is shared.
const LATENCY_MS = (POLL + 1) * 1000 + 3000;

test("a product written in Odoo directly: an updated event for it; created and deleted likewise", async () => {
	const f = recordingFetch();
	const p = s.examples.live.liveProvider(s.baseUrl, globalThis.localStorage, { fetch: f, settle: 10 });
	const events = [];
	const sub = p.subscribe({ channel: "resources/products", types: ["*"], params: { subscriptionType: "useList" },
		callback: (e) => events.push(e) });
	try {
		await until(() => f.calls[0]?.status === 200, 10000, "the stream open");
		// The poller's first pass only takes its mark.
		await sleep((POLL + 1) * 1000);
		const seen = (type, id) => events.some((e) => e.type === type && e.payload.ids?.includes(id));
		const id = await s.odoo.executeKw("product.product", "create", [{ name: "Made in Odoo" }]);
		await until(() => seen("created", id), LATENCY_MS, "the created event");
		await s.odoo.executeKw("product.product", "write", [[id], { list_price: 12 }]);
		await until(() => seen("updated", id), LATENCY_MS, "the updated event");
		await s.odoo.executeKw("product.product", "unlink", [[id]]);
		await until(() => seen("deleted", id), LATENCY_MS, "the deleted event");
		for (const e of events)
			assertLiveEvent(e, { channel: "resources/products" });
		assert.ok(events.every((e) => e.type !== "*"), "no reset");
	} finally {
		p.unsubscribe(sub);
	}
});
