// providers.ts: the project's own Refine providers (examples/refine), as the app uses them.
//
// The providers are imported from examples/refine, the files that
// tests/refine checks in Node, not copied.  On top of them the app only adds
// what belongs to the app: the UI language as Accept-Language on every data
// call (the bridge answers its messages in it), and the text a person sees
// when Odoo is down.
import type { DataProvider, HttpError } from "@refinedev/core";

import { authProvider as bridgeAuthProvider } from "../../refine/authProvider";
import { dataProvider as bridgeDataProvider } from "../../refine/dataProvider";
import { currentLanguage, translate } from "./i18n";

/** Where the bridge is: "" when lighttpd serves the app and the API on one origin (README). */
export const API_BASE: string = import.meta.env.VITE_API_BASE ?? "";

export const authProvider = bridgeAuthProvider(API_BASE);

const ACCEPT_LANGUAGE = { es: "es-ES,es;q=0.9", en: "en-US,en;q=0.9" } as const;

type Meta = { headers?: Record<string, string> } & Record<string, unknown>;

function withLanguage<T extends { meta?: Meta }>(params: T): T {
	const meta = params.meta ?? {};
	return {
		...params,
		meta: { ...meta, headers: { "Accept-Language": ACCEPT_LANGUAGE[currentLanguage()], ...meta.headers } },
	};
}

/**
 * The bridge's 503 (Odoo down or unreachable, DESIGN.md section 3) becomes
 * "Odoo no disponible" in the UI language; every other error keeps the
 * bridge's message (for a 403 that is Odoo's own reason) and its "errors",
 * which the forms show on their fields.
 */
function explain(error: unknown): never {
	const e = error as HttpError;
	if (e?.statusCode === 503)
		throw { ...e, message: translate("errors.unavailable") } satisfies HttpError;
	throw error;
}

function wrap(dp: DataProvider): DataProvider {
	const out: Record<string, unknown> = { getApiUrl: dp.getApiUrl };
	for (const [name, fn] of Object.entries(dp)) {
		if (name === "getApiUrl" || typeof fn !== "function")
			continue;
		out[name] = (params: { meta?: Meta }) =>
			(fn as (p: unknown) => Promise<unknown>).call(dp, withLanguage(params ?? {})).catch(explain);
	}
	return out as unknown as DataProvider;
}

export const dataProvider = wrap(bridgeDataProvider(API_BASE));
