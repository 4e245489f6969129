// liveProvider.ts: Refine liveProvider for odoo-bridge (GET /api/v1/events, Server-Sent Events read with fetch).
//
// Copy into your Refine app next to authProvider.ts and dataProvider.ts and
// pass it to <Refine liveProvider={liveProvider(API_BASE)} options={{
// liveMode: "auto" }}>, API_BASE as for the authProvider.  Lists and records
// another user (or Odoo itself) changes are then fetched again by Refine.
//
// The stream is read with fetch, not EventSource: EventSource cannot send the
// Authorization header, and the token must not go in the URL (URLs end up in
// logs).  All subscriptions share ONE stream for the union of their
// resources (GET /api/v1/events?resources=products,sales), because each open
// stream holds a bridge process or thread on the server, the bridge allows
// few streams per user (EVENTS_MAX_PER_USER, 429 past it), and a browser
// opens at most six HTTP/1.1 connections per host: one stream per
// subscription (a list page subscribes once per useList, useOne and useMany)
// would use them up.  When the set of resources changes the stream is
// reopened, with Last-Event-ID, so that nothing is lost in between.
import type { BaseKey, LiveEvent, LiveProvider } from "@refinedev/core";

import { currentToken } from "./authProvider.js";

/** The JSON of one event's `data:` line (README, "Real-time updates"). */
export interface BridgeEvent {
	resource: string;
	action: "created" | "updated" | "deleted";
	ids: BaseKey[];
	at: string;
}

/** One event of a text/event-stream, as SseParser hands it over. */
export interface SseMessage {
	event: string;
	data: string;
	id: string | null;
}

export interface LiveOptions {
	/** The fetch to use (default: the global one). */
	fetch?: typeof fetch;
	/** Delay before the first reconnection after a failure, in ms (default 1000); doubled after each failure. */
	retryMin?: number;
	/** Longest delay between reconnections, in ms (default 30000). */
	retryMax?: number;
	/**
	 * How long to wait after a subscribe or unsubscribe before opening or
	 * reopening the stream, in ms (default 50): a page that mounts subscribes
	 * several times in a row (and React's StrictMode unsubscribes and
	 * subscribes again at once), and that should cost one connection.
	 */
	settle?: number;
	/** Told about what stops the stream for good (an answer other than 401 that retrying cannot fix). */
	onError?: (error: Error) => void;
}

/**
 * A text/event-stream parser, as the HTML standard's "Parsing an event
 * stream": lines end in CRLF, LF or CR (also split across chunks), ":"
 * starts a comment (the bridge's heartbeat), data lines are joined with
 * "\n", "id" sets the last event id even for an event that is not
 * dispatched (an "id: N" line alone, then a blank line), an event cut by the
 * end of the stream is dropped.  One difference: an event with a name and
 * no data line is dispatched, with data "" (the standard drops it).
 */
export class SseParser {
	#buf = "";
	#event = "";
	#data: string[] = [];
	#idBuffer: string | null = null;
	/** The id of the last event dispatched (or announced alone): the one to resume from. */
	lastEventId: string | null;
	/** The reconnection delay the server asked for (`retry:`), in ms, or null. */
	retry: number | null = null;

	/**
	 * lastEventId: where the stream resumes from (the Last-Event-ID sent), kept
	 * until an id field changes it: a blank line or an event without id does not.
	 */
	constructor(lastEventId: string | null = null) {
		this.#idBuffer = lastEventId;
		this.lastEventId = lastEventId;
	}

	/** Feeds decoded text; returns the events it completes. */
	feed(text: string): SseMessage[] {
		const out: SseMessage[] = [];
		this.#buf += text;
		const eol = /\r\n|\r|\n/g;
		let start = 0;
		let m: RegExpExecArray | null;
		while ((m = eol.exec(this.#buf)) !== null) {
			// A CR at the very end may be the first half of a CRLF: wait for more.
			if (m[0] === "\r" && eol.lastIndex === this.#buf.length)
				break;
			this.#line(this.#buf.slice(start, m.index), out);
			start = eol.lastIndex;
		}
		this.#buf = this.#buf.slice(start);
		return out;
	}

	/** The stream ended: a last line ended by CR counts, a half-received event does not. */
	end(): SseMessage[] {
		const out: SseMessage[] = [];
		if (this.#buf.endsWith("\r"))
			this.#line(this.#buf.slice(0, -1), out);
		this.#buf = "";
		this.#event = "";
		this.#data = [];
		return out;
	}

	#line(line: string, out: SseMessage[]): void {
		if (line === "") {
			this.#dispatch(out);
			return;
		}
		if (line.startsWith(":"))
			return;
		const colon = line.indexOf(":");
		const field = colon < 0 ? line : line.slice(0, colon);
		let value = colon < 0 ? "" : line.slice(colon + 1);
		if (value.startsWith(" "))
			value = value.slice(1);
		switch (field) {
		case "event":
			this.#event = value;
			break;
		case "data":
			this.#data.push(value);
			break;
		case "id":
			if (!value.includes("\0"))
				this.#idBuffer = value === "" ? null : value;
			break;
		case "retry":
			if (/^[0-9]+$/.test(value))
				this.retry = Number(value);
			break;
		default:
			// Unknown fields are ignored.
		}
	}

	#dispatch(out: SseMessage[]): void {
		this.lastEventId = this.#idBuffer;
		if (this.#data.length > 0 || this.#event !== "")
			out.push({ event: this.#event || "message", data: this.#data.join("\n"), id: this.lastEventId });
		this.#event = "";
		this.#data = [];
	}
}

/** What subscribe() returns and unsubscribe() takes. */
export interface LiveSubscription {
	channel: string;
	resource: string;
	types: LiveEvent["type"][];
	/** Only events about these records (useOne, useMany, "resources/<name>/<id>"), as strings; null: all. */
	ids: string[] | null;
	callback: (event: LiveEvent) => void;
}

/**
 * Refine's channels: "resources/<name>" (every data hook), also
 * "resources/<name>/<id>" for one record, or a bare resource name.
 */
export function channelResource(channel: string): { resource: string; id: string | null } {
	const m = /^resources\/([^/]+)(?:\/(.+))?$/.exec(channel);
	return m ? { resource: m[1], id: m[2] ?? null } : { resource: channel, id: null };
}

/** The bridge's event as Refine's LiveEvent, or null when the data is not one. */
export function toLiveEvent(message: SseMessage): LiveEvent | null {
	let e: Partial<BridgeEvent>;
	try {
		e = JSON.parse(message.data);
	} catch {
		return null;
	}
	const resource = e.resource ?? message.event;
	if (!e.action || !Array.isArray(e.ids) || !resource)
		return null;
	const date = new Date(e.at ?? Date.now());
	return {
		channel: `resources/${resource}`,
		type: e.action,
		payload: { ids: e.ids },
		date: Number.isNaN(date.getTime()) ? new Date() : date,
	};
}

// The resources a 403 of GET /api/v1/events names ({"errors": {"resources": [...]}}), of those asked for.
async function deniedResources(res: Response, asked: string[]): Promise<string[]> {
	try {
		const body: { errors?: { resources?: unknown } } = await res.json();
		const names = body.errors?.resources;
		return Array.isArray(names) ? names.filter((n): n is string => asked.includes(n)) : [];
	} catch {
		return [];
	}
}

// Sleeps ms, or less when the signal aborts.
const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
	if (signal.aborted) {
		resolve();
		return;
	}
	const done = () => {
		clearTimeout(timer);
		signal.removeEventListener("abort", done);
		resolve();
	};
	const timer = setTimeout(done, ms);
	signal.addEventListener("abort", done);
});

interface Connection {
	resources: string[];
	abort: AbortController;
	/** Stopped for good (401, or an answer retrying cannot fix): a later subscribe opens a new one. */
	stopped: boolean;
}

/**
 * The liveProvider.  subscribe() and unsubscribe() only change the set of
 * subscriptions; the stream follows that set (opened for its resources,
 * closed when it is empty).  The stream reconnects after a failure with an
 * exponential backoff (retryMin to retryMax, with jitter, or Retry-After on
 * a 429 or 503), and when the server ends it (it does after
 * EVENTS_MAX_AGE, so that the token is checked again) after the delay the
 * stream's `retry:` field asks for, or at once; always with Last-Event-ID.
 * It stops on 401 (token expired or revoked: Refine's authProvider logs
 * out, and the pages that mount after the next login subscribe again) and
 * when the last subscription goes.  A 403 naming resources the user may
 * not read (AUTH_MODE=user) reopens it without them.
 */
export const liveProvider = (apiBase: string, storage: Storage = globalThis.localStorage,
	options: LiveOptions = {}): LiveProvider => {
	const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
	const retryMin = options.retryMin ?? 1000;
	const retryMax = options.retryMax ?? 30000;
	const settle = options.settle ?? 50;
	const onError = options.onError ?? ((error: Error) => console.warn(`liveProvider: ${error.message}`));
	const subscriptions = new Set<LiveSubscription>();
	let conn: Connection | null = null;
	// The id of the last event received, sent as Last-Event-ID on every
	// reconnection, also when the resources change (the server filters).
	let lastEventId: string | null = null;
	let settleTimer: ReturnType<typeof setTimeout> | undefined;
	// Resources the user may not read (AUTH_MODE=user: the bridge answered
	// 403 naming them): left out of the stream, so that the others still
	// get their events.
	const denied = new Set<string>();

	const deliver = (sub: LiveSubscription, event: LiveEvent) => {
		try {
			sub.callback(event);
		} catch (e) {
			// One failing callback must not end the stream for the others.
			console.error(e);
		}
	};

	// Tells every subscription that it may have missed events: Refine refetches.
	const resetAll = () => {
		const date = new Date();
		for (const sub of [...subscriptions])
			deliver(sub, { channel: sub.channel, type: "*", payload: {}, date });
	};

	const dispatch = (message: SseMessage) => {
		if (message.event === "reset") {
			resetAll();
			return;
		}
		const event = toLiveEvent(message);
		if (event === null)
			return;
		const ids = (event.payload.ids ?? []).map(String);
		for (const sub of [...subscriptions]) {
			if (`resources/${sub.resource}` !== event.channel)
				continue;
			if (!sub.types.includes("*") && !sub.types.includes(event.type))
				continue;
			// A record shown by useOne or useMany: its own updates and deletions;
			// a creation may concern any list, so it always passes.
			if (sub.ids !== null && event.type !== "created" && !ids.some((id) => sub.ids?.includes(id)))
				continue;
			deliver(sub, { ...event, channel: sub.channel });
		}
	};

	const run = async (c: Connection) => {
		const { signal } = c.abort;
		const url = `${apiBase}/api/v1/events?resources=${c.resources.map(encodeURIComponent).join(",")}`;
		let failures = 0;
		let connected = false;
		const stop = (error?: Error) => {
			c.stopped = true;
			c.abort.abort();
			lastEventId = null;
			if (error)
				onError(error);
		};
		const backoff = (retryAfter: string | null = null) => {
			const ms = Math.min(retryMax, retryMin * 2 ** failures++) * (0.5 + Math.random() / 2);
			const asked = Number(retryAfter) * 1000;
			return sleep(Number.isFinite(asked) && asked > ms ? asked : ms, signal);
		};
		while (!signal.aborted) {
			const token = currentToken(storage);
			if (!token) {
				stop(); // logged out: nothing to stream
				return;
			}
			// Reconnecting without an id to resume from: what happened in
			// between is unknown, so everything is fetched again.
			const blind = connected && lastEventId === null;
			const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "text/event-stream" };
			if (lastEventId !== null)
				headers["Last-Event-ID"] = lastEventId;
			let res: Response;
			try {
				res = await doFetch(url, { headers, signal, cache: "no-store" });
			} catch {
				if (signal.aborted)
					return;
				await backoff(); // network down, server unreachable
				continue;
			}
			if (!res.ok || res.body === null) {
				const refused = res.status === 403 ? await deniedResources(res, c.resources) : [];
				await res.body?.cancel().catch(() => {});
				if (res.status === 401) {
					stop();
					return;
				}
				if (refused.length > 0) {
					for (const r of refused)
						denied.add(r);
					stop(new Error(`no live updates for ${refused.join(", ")}: the user may not read them`));
					follow();
					return;
				}
				if (res.status === 429 || res.status === 408 || res.status >= 500) {
					await backoff(res.headers.get("Retry-After"));
					continue;
				}
				stop(new Error(`GET ${url}: HTTP ${res.status}`));
				return;
			}
			connected = true;
			if (blind)
				resetAll();
			const parser = new SseParser(lastEventId);
			const reader = res.body.getReader();
			const decoder = new TextDecoder();
			let received = false;
			try {
				for (;;) {
					const { done, value } = await reader.read();
					if (done)
						break;
					received = true;
					failures = 0;
					for (const message of parser.feed(decoder.decode(value, { stream: true }))) {
						lastEventId = parser.lastEventId;
						dispatch(message);
					}
					lastEventId = parser.lastEventId;
				}
				parser.end();
			} catch {
				// The connection broke (or was aborted: the loop ends below).
				if (!signal.aborted)
					await backoff();
				continue;
			}
			// The server ended the stream (EVENTS_MAX_AGE): reconnect at once,
			// or after its retry: delay.  One that ends before sending anything
			// is a failure, lest a broken server be asked again and again.
			if (!received)
				await backoff();
			else if (parser.retry !== null)
				await sleep(parser.retry, signal);
		}
	};

	// Opens, reopens or closes the stream for the resources now subscribed.
	const follow = () => {
		clearTimeout(settleTimer);
		settleTimer = setTimeout(() => {
			const resources = [...new Set([...subscriptions].map((s) => s.resource))]
				.filter((r) => !denied.has(r)).sort();
			if (conn !== null && !conn.stopped && conn.resources.join(",") === resources.join(","))
				return;
			conn?.abort.abort();
			conn = null;
			if (subscriptions.size === 0) {
				// A page that mounts later reads fresh data anyway, maybe as another user.
				lastEventId = null;
				denied.clear();
			}
			if (resources.length === 0)
				return;
			conn = { resources, abort: new AbortController(), stopped: false };
			void run(conn);
		}, settle);
	};

	return {
		subscribe: ({ channel, types, params, callback }) => {
			const { resource, id } = channelResource(channel);
			let ids: string[] | null = null;
			if (id !== null)
				ids = [id];
			else if (params?.ids !== undefined)
				ids = params.ids.map(String);
			const sub: LiveSubscription = { channel, resource, types, ids, callback };
			subscriptions.add(sub);
			follow();
			return sub;
		},
		unsubscribe: (sub: LiveSubscription) => {
			if (subscriptions.delete(sub))
				follow();
		},
		// Writes go through the API (the dataProvider), and the bridge itself
		// publishes their events to every stream: nothing to do here, and
		// sending them again would only refetch twice.
		publish: () => {},
	};
};
