// live.mjs: what the liveProvider tests share: Refine's LiveEvent checked at run time, and a fetch that records its calls.

import assert from "node:assert/strict";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export { sleep };

/**
 * Fails unless e has the shape of @refinedev/core's LiveEvent
 * (contexts/live/types.ts): {channel: string, type: string, payload: {ids?:
 * BaseKey[]}, date: Date, meta?}, with nothing else; type is one of ours.
 */
export function assertLiveEvent(e, { channel, type, ids } = {}) {
	assert.equal(typeof e, "object");
	for (const k of Object.keys(e))
		assert.ok(["channel", "type", "payload", "date", "meta"].includes(k), `LiveEvent has no field ${k}`);
	assert.equal(typeof e.channel, "string");
	assert.ok(["created", "updated", "deleted", "*"].includes(e.type), `type ${e.type}`);
	assert.equal(typeof e.payload, "object");
	assert.notEqual(e.payload, null);
	if (e.payload.ids !== undefined) {
		assert.ok(Array.isArray(e.payload.ids));
		for (const id of e.payload.ids)
			assert.ok(typeof id === "number" || typeof id === "string", `id ${id}`);
	}
	assert.ok(e.date instanceof Date && !Number.isNaN(e.date.getTime()), "date is a valid Date");
	if (channel !== undefined)
		assert.equal(e.channel, channel);
	if (type !== undefined)
		assert.equal(e.type, type);
	if (ids !== undefined)
		assert.deepEqual(e.payload.ids, ids);
}

/**
 * The global fetch, recording every call ({url, headers, signal, at}) and
 * able to break the connections it opened (as a network failure would:
 * the provider's own signal is not aborted).  hold() makes new calls wait
 * until release().
 */
export function recordingFetch() {
	const calls = [];
	const breakers = new Set();
	let gate = null;
	let open = null;
	const f = async (url, init = {}) => {
		const breaker = new AbortController();
		const call = { url: String(url), headers: { ...init.headers }, signal: init.signal, at: Date.now() };
		calls.push(call);
		if (gate)
			await gate;
		breakers.add(breaker);
		const signal = init.signal ? AbortSignal.any([init.signal, breaker.signal]) : breaker.signal;
		try {
			const res = await fetch(url, { ...init, signal });
			call.status = res.status;
			return res;
		} finally {
			// Still there until the stream ends: breakAll() aborts its body too.
			call.breaker = breaker;
		}
	};
	f.calls = calls;
	/** Breaks every connection opened so far. */
	f.breakAll = () => {
		for (const b of breakers)
			b.abort(new Error("connection broken by the test"));
		breakers.clear();
	};
	f.hold = () => {
		gate = new Promise((r) => { open = r; });
	};
	f.release = () => {
		gate = null;
		open?.();
	};
	return f;
}

/** Waits until pred() is true, polling every 20 ms; fails after ms. */
export async function until(pred, ms, what) {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		if (await pred())
			return;
		await sleep(20);
	}
	throw new Error(`timed out after ${ms} ms: ${what}`);
}
