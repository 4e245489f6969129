// dataProvider.js: Refine dataProvider for odoo-bridge (@refinedev/simple-rest over an axios instance with the token,
// with createMany/updateMany/deleteMany on the bridge's atomic bulk requests) and a batch() helper.
//
// Copy into your Refine app next to authProvider.js and pass it to <Refine
// dataProvider={dataProvider(API_BASE)}>, API_BASE as for the authProvider.
import axios from "axios";
import simpleRest from "@refinedev/simple-rest";

import { currentToken } from "./authProvider.js";

/**
 * The axios instance simple-rest sends every call through: adds the bearer
 * token, and turns error answers into Refine's HttpError ({message,
 * statusCode, errors}) from the bridge's JSON error body.  Passing an instance
 * replaces simple-rest's own, so the error mapping has to be here too.
 */
export function httpClient(storage = globalThis.localStorage) {
	const http = axios.create();
	http.interceptors.request.use((config) => {
		const token = currentToken(storage);
		if (token)
			config.headers.Authorization = `Bearer ${token}`;
		return config;
	});
	http.interceptors.response.use(
		(response) => response,
		(error) => {
			const body = error.response?.data;
			const httpError = {
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

// ?id=1&id=2: the ids of a bulk update or delete.
const idsQuery = (ids) => ids.map((id) => `id=${encodeURIComponent(String(id))}`).join("&");

/**
 * simple-rest, with createMany, updateMany and deleteMany on the bridge's
 * bulk requests: each is one request and one Odoo call, so all or nothing
 * (simple-rest sends one request per record, and a failure halfway leaves
 * half of them written).  At most BULK_MAX records per call.
 */
export const dataProvider = (apiBase, storage = globalThis.localStorage) => {
	const apiUrl = `${apiBase}/api/v1`;
	const http = httpClient(storage);
	return {
		...simpleRest(apiUrl, http),
		createMany: async ({ resource, variables }) => {
			const { data } = await http.post(`${apiUrl}/${resource}`, variables);
			return { data };
		},
		updateMany: async ({ resource, ids, variables }) => {
			const { data } = await http.patch(`${apiUrl}/${resource}?${idsQuery(ids)}`, variables);
			return { data };
		},
		deleteMany: async ({ resource, ids }) => {
			const { data } = await http.delete(`${apiUrl}/${resource}?${idsQuery(ids)}`);
			return { data };
		},
	};
};

/**
 * Several API requests in one HTTP round trip (POST /api/v1/batch, at most
 * BATCH_MAX): the answers ({id, status, headers, body}) in the order of the
 * requests ({id, method, path, body?}, path from /api/v1 on, with its
 * query).  Not atomic: each entry stands alone, so check every status.
 * Consecutive GETs of single records of one resource cost one Odoo read.
 */
export const batch = async (apiBase, requests, storage = globalThis.localStorage) => {
	const { data } = await httpClient(storage).post(`${apiBase}/api/v1/batch`, { requests });
	return data.responses;
};
