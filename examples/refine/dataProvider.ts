// dataProvider.ts: Refine dataProvider for odoo-bridge (@refinedev/simple-rest over an axios instance with the token).
//
// Copy into your Refine app next to authProvider.ts and pass it to <Refine
// dataProvider={dataProvider(API_BASE)}>, API_BASE as for the authProvider.
import type { HttpError } from "@refinedev/core";
import axios, { type AxiosError, type AxiosInstance } from "axios";
import simpleRest from "@refinedev/simple-rest";

import { currentToken } from "./authProvider.js";

/**
 * The axios instance simple-rest sends every call through: adds the bearer
 * token, and turns error answers into Refine's HttpError ({message,
 * statusCode, errors}) from the bridge's JSON error body.  Passing an instance
 * replaces simple-rest's own, so the error mapping has to be here too.
 */
export function httpClient(storage: Storage = globalThis.localStorage): AxiosInstance {
	const http = axios.create();
	http.interceptors.request.use((config) => {
		const token = currentToken(storage);
		if (token)
			config.headers.Authorization = `Bearer ${token}`;
		return config;
	});
	http.interceptors.response.use(
		(response) => response,
		(error: AxiosError<{ message?: string; errors?: HttpError["errors"] }>) => {
			const body = error.response?.data;
			const httpError: HttpError = {
				...error,
				message: body?.message ?? error.message,
				statusCode: error.response?.status ?? 0, // 0: no answer at all
			};
			// {"field": ["reason"]}: Refine shows these on the form's fields.
			if (body?.errors)
				httpError.errors = body.errors;
			return Promise.reject(httpError);
		},
	);
	return http;
}

export const dataProvider = (apiBase: string, storage: Storage = globalThis.localStorage) =>
	simpleRest(`${apiBase}/api/v1`, httpClient(storage));
