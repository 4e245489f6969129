// dataProvider.ts: Refine dataProvider for odoo-bridge (@refinedev/simple-rest over an axios instance with the token,
// with createMany/updateMany/deleteMany on the bridge's atomic bulk requests) and a batch() helper.
//
// Copy into your Refine app next to authProvider.ts and pass it to <Refine
// dataProvider={dataProvider(API_BASE)}>, API_BASE as for the authProvider.
import type {
	BaseKey, BaseRecord, CreateManyParams, CreateManyResponse, DataProvider, DeleteManyParams,
	DeleteManyResponse, HttpError, UpdateManyParams, UpdateManyResponse,
} from "@refinedev/core";
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

/** One entry of POST /api/v1/batch: path is the bridge's path (with its query), from /api/v1 on. */
export interface BatchRequest {
	id: string | number;
	method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
	path: string;
	body?: unknown;
}

/** What the bridge answers for one entry: what the same request alone would have. */
export interface BatchResponse<TBody = unknown> {
	id: string | number | null;
	status: number;
	headers: Record<string, string>;
	body: TBody;
}

// ?id=1&id=2: the ids of a bulk update or delete.
const idsQuery = (ids: BaseKey[]) => ids.map((id) => `id=${encodeURIComponent(String(id))}`).join("&");

/**
 * simple-rest, with createMany, updateMany and deleteMany on the bridge's
 * bulk requests: each is one request and one Odoo call, so all or nothing
 * (simple-rest sends one request per record, and a failure halfway leaves
 * half of them written).  At most BULK_MAX records per call.
 */
export const dataProvider = (apiBase: string, storage: Storage = globalThis.localStorage): DataProvider => {
	const apiUrl = `${apiBase}/api/v1`;
	const http = httpClient(storage);
	return {
		...simpleRest(apiUrl, http),
		createMany: async <TData extends BaseRecord = BaseRecord, TVariables = {}>(
			{ resource, variables }: CreateManyParams<TVariables>): Promise<CreateManyResponse<TData>> => {
			const { data } = await http.post<TData[]>(`${apiUrl}/${resource}`, variables);
			return { data };
		},
		updateMany: async <TData extends BaseRecord = BaseRecord, TVariables = {}>(
			{ resource, ids, variables }: UpdateManyParams<TVariables>): Promise<UpdateManyResponse<TData>> => {
			const { data } = await http.patch<TData[]>(`${apiUrl}/${resource}?${idsQuery(ids)}`, variables);
			return { data };
		},
		deleteMany: async <TData extends BaseRecord = BaseRecord, TVariables = {}>(
			{ resource, ids }: DeleteManyParams<TVariables>): Promise<DeleteManyResponse<TData>> => {
			const { data } = await http.delete<TData[]>(`${apiUrl}/${resource}?${idsQuery(ids)}`);
			return { data };
		},
	};
};

/**
 * Several API requests in one HTTP round trip (POST /api/v1/batch, at most
 * BATCH_MAX): the answers in the order of the requests.  Not atomic: each
 * entry stands alone, so check every status.  Consecutive GETs of single
 * records of one resource cost one Odoo read.
 */
export const batch = async (apiBase: string, requests: BatchRequest[],
	storage: Storage = globalThis.localStorage): Promise<BatchResponse[]> => {
	const { data } = await httpClient(storage).post<{ responses: BatchResponse[] }>(`${apiBase}/api/v1/batch`, { requests });
	return data.responses;
};
