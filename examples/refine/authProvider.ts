// authProvider.ts: Refine authProvider for odoo-bridge (login at POST /token, identity from /api/v1/me).
//
// Copy into your Refine app (src/authProvider.ts) and pass it to <Refine
// authProvider={authProvider(API_BASE)}>.  API_BASE is where the bridge is
// served, without /api/v1 (e.g. "https://erp.example.com" or "" when the
// app is served from the same host).  The users are Odoo's users.
import type { AuthProvider, HttpError } from "@refinedev/core";
import axios from "axios";

// The bridge's answers (DESIGN.md section 3).
type TokenAnswer = { access_token: string; token_type: "bearer"; expires_in: number };
type Me = {
	uid: number; login: string; name: string; email: string | null;
	mode: "user" | "service"; groups: string[];
};
type ErrorBody = { detail: string; message: string; statusCode: number };

/** localStorage key of the bearer token; dataProvider.js reads it too. */
export const TOKEN_KEY = "odoo-bridge-token";

/** localStorage key of when the token expires, in the browser's own clock. */
export const EXPIRES_KEY = "odoo-bridge-token-expires";

/**
 * The stored token, or null once it has expired.  The expiry is computed at
 * login from "expires_in" and the browser's clock, not read from the token's
 * "exp" claim, so a browser whose clock is off does not log out at once; the
 * bridge checks the token itself on every call anyway.
 */
export function currentToken(storage: Storage = globalThis.localStorage): string | null {
	const token = storage.getItem(TOKEN_KEY);
	if (!token)
		return null;
	const expires = Number(storage.getItem(EXPIRES_KEY));
	return expires > Date.now() ? token : null;
}

/** The logged-in user from /api/v1/me, or null without a valid token. */
async function fetchMe(apiBase: string, storage: Storage): Promise<Me | null> {
	const token = currentToken(storage);
	if (!token)
		return null;
	try {
		const { data } = await axios.get<Me>(`${apiBase}/api/v1/me`, {
			headers: { Authorization: `Bearer ${token}` },
		});
		return data;
	} catch {
		return null;
	}
}

export const authProvider = (apiBase: string, storage: Storage = globalThis.localStorage): AuthProvider => ({
	// Refine's <AuthPage> sends {email, password}; a custom form may send {username, password}.
	login: async ({ username, email, password }) => {
		try {
			// OAuth2 password form, as FastAPI's OAuth2PasswordRequestForm.
			const { data } = await axios.post<TokenAnswer>(`${apiBase}/token`,
				new URLSearchParams({ username: username ?? email ?? "", password: password ?? "" }));
			storage.setItem(TOKEN_KEY, data.access_token);
			storage.setItem(EXPIRES_KEY, String(Date.now() + data.expires_in * 1000));
			return { success: true, redirectTo: "/" };
		} catch (error) {
			// 401 wrong login, 429 too many attempts (Retry-After), 503 Odoo down.
			const body = axios.isAxiosError<ErrorBody>(error) ? error.response?.data : undefined;
			return {
				success: false,
				error: { name: "LoginError", message: body?.message ?? String(error) },
			};
		}
	},

	// The bridge revokes the token (DELETE /token) so that a copy of it is
	// useless too; the browser forgets it whatever the answer.
	logout: async () => {
		const token = currentToken(storage);
		storage.removeItem(TOKEN_KEY);
		storage.removeItem(EXPIRES_KEY);
		if (token) {
			try {
				await axios.delete(`${apiBase}/token`, { headers: { Authorization: `Bearer ${token}` } });
			} catch {
				// Already expired or revoked, or the bridge is unreachable: nothing more to do here.
			}
		}
		return { success: true, redirectTo: "/login" };
	},

	check: async () => {
		if (currentToken(storage))
			return { authenticated: true };
		storage.removeItem(TOKEN_KEY);
		storage.removeItem(EXPIRES_KEY);
		return { authenticated: false, logout: true, redirectTo: "/login" };
	},

	// Called by Refine with the HttpError of a failed data call.  Only 401
	// means the session is over; 403 is Odoo refusing one operation.
	onError: async (error: HttpError) => {
		if (error?.statusCode === 401)
			return { logout: true, redirectTo: "/login", error };
		return {};
	},

	getIdentity: async () => {
		const me = await fetchMe(apiBase, storage);
		return me && { id: me.uid, name: me.name, login: me.login, email: me.email, groups: me.groups ?? [] };
	},

	// The Odoo groups /api/v1/me reports (XML ids such as
	// "sales_team.group_sale_manager"), for an accessControlProvider that hides
	// what Odoo would refuse this user anyway.
	getPermissions: async () => {
		const me = await fetchMe(apiBase, storage);
		return me && (me.groups ?? []);
	},
});
