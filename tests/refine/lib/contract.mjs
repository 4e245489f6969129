// contract.mjs: check HTTP answers against the bridge's own OpenAPI document (GET /openapi.json) with ajv.
//
// The rules, the same as tests/e2e/contract.py's: a path the document lists
// answers only the statuses its operation declares, with the headers it
// declares required and a body that its JSON Schema accepts (OpenAPI 3.1:
// JSON Schema 2020-12); a concrete path is matched before a templated one
// (OpenAPI 3.1.0, Paths Object: /api/v1/sales/confirm before
// /api/v1/sales/{id}); a path it does not
// list answers 404, a method it does not list 405 (both with the Error
// shape); OPTIONS answers 204 without a body; HEAD is GET without a body;
// /docs, /openapi.json and /metrics are served but not listed.  Given the
// request's body, each entry of a POST /api/v1/batch answer is checked as the
// answer of the same request alone; an entry not run (413) or malformed (400)
// only has the Error shape.

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/** "/api/v1/products/{id}" -> a RegExp matching "/api/v1/products/45". */
function templateRegExp(template) {
	const esc = template.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
	return new RegExp(`^${esc.join("[^/]+")}/?$`);
}

/** RFC 6901 JSON pointer token. */
const tok = (s) => String(s).replaceAll("~", "~0").replaceAll("/", "~1");

export class Contract {
	static UNDOCUMENTED = ["/docs", "/openapi.json", "/metrics"];

	/** doc: the parsed /openapi.json; prefix: where the API is mounted ("" at the root). */
	constructor(doc, prefix = "") {
		this.doc = doc;
		this.prefix = prefix;
		// strict: false because the document is not itself a schema; the
		// schemas in it are compiled strictly by checkSchemas().
		this.ajv = new Ajv2020({ strict: false, allErrors: true, formats: { password: true } });
		addFormats(this.ajv);
		this.ajv.addSchema(doc, "openapi.json");
		// Concrete paths first (OpenAPI 3.1.0, 4.8.8 Paths Object); Array.prototype.sort is stable.
		const templates = (p) => (p.match(/\{/g) || []).length;
		this.paths = Object.keys(doc.paths)
			.sort((a, b) => templates(a) - templates(b))
			.map((p) => ({ template: p, re: templateRegExp(p) }));
		this.validators = new Map();
		this.checked = 0;
	}

	/** Compiles every component schema with ajv in strict mode (x- keywords allowed); throws on a bad one. */
	checkSchemas() {
		const ajv = new Ajv2020({ strict: true, formats: { password: true } });
		addFormats(ajv);
		// "components": the container the refs point into, not a keyword of any schema.
		ajv.addVocabulary(["components", "x-odoo-type", "x-odoo-relation", "x-odoo-required", "x-odoo-model"]);
		ajv.addSchema({ $id: "openapi.json", components: this.doc.components });
		for (const name of Object.keys(this.doc.components.schemas))
			ajv.compile({ $ref: `openapi.json#/components/schemas/${tok(name)}` });
	}

	#validator(pointer) {
		let v = this.validators.get(pointer);
		if (!v) {
			v = this.ajv.compile({ $ref: `openapi.json#${pointer}` });
			this.validators.set(pointer, v);
		}
		return v;
	}

	/** The problems of the entries' answers of a batch (data: its parsed 200 body; requestBody: the text sent). */
	#checkBatch(requestBody, data) {
		let entries;
		try {
			entries = JSON.parse(requestBody).requests;
		} catch {
			return [];
		}
		if (!Array.isArray(entries))
			return [];
		const problems = [];
		entries.forEach((e, i) => {
			const a = data.responses[i];
			if (!a)
				return;
			const where = `batch entry ${i} (${JSON.stringify(e)})`;
			const body = a.body === null ? "" : JSON.stringify(a.body);
			const run = e && typeof e.method === "string" && typeof e.path === "string" && e.path.startsWith("/") &&
				a.status !== 400 && a.status !== 413;
			if (!run) {
				// Malformed, refused inside a batch, or not run (BATCH_MAX_RESPONSE): the Error shape.
				if (a.status >= 400)
					problems.push(...this.#errorShape(where, body));
				return;
			}
			// The entry's body is the JSON value itself: as a request alone it is application/json.
			const headers = Object.fromEntries(Object.entries(a.headers).map(([k, v]) => [k.toLowerCase(), v]));
			if (a.body !== null)
				headers["content-type"] ??= "application/json";
			// The bridge decodes an entry's path as the web server decodes PATH_INFO (batch.c).
			let path = e.path.split("?")[0];
			try {
				path = decodeURIComponent(path);
			} catch {
				// left as sent: the bridge answers it 400 or 404, which the check below judges
			}
			for (const p of this.check(e.method, this.prefix + path, a.status, headers, body))
				problems.push(`${where}: ${p}`);
		});
		return problems;
	}

	#errorShape(where, body) {
		const v = this.#validator("/components/schemas/Error");
		let data;
		try {
			data = JSON.parse(body);
		} catch {
			return [`${where}: the body is not JSON: ${String(body).slice(0, 200)}`];
		}
		return v(data) ? [] : [`${where}: not the Error shape: ${this.ajv.errorsText(v.errors)}`];
	}

	/**
	 * The problems of one answer ([] when it keeps the contract).
	 * path: the URL path as sent (with the prefix, without the query);
	 * headers: lower-case names; body: the raw text; requestBody: the
	 * request's text, for the entries of a batch.
	 */
	check(method, path, status, headers, body, requestBody) {
		this.checked++;
		const problems = [];
		const where = `${method} ${path} -> ${status}`;
		method = method.toUpperCase();
		let p = path.split("?")[0];
		if (this.prefix && p.startsWith(this.prefix))
			p = p.slice(this.prefix.length) || "/";
		const errorBody = () => problems.push(...this.#errorShape(where, body));
		if (method === "OPTIONS") {
			if (status !== 204)
				problems.push(`${where}: OPTIONS answers 204`);
			return problems;
		}
		// Served, and deliberately not in the document (as FastAPI's /docs and /openapi.json).
		if (Contract.UNDOCUMENTED.includes(p.replace(/\/$/, "")))
			return problems;
		const found = this.paths.find((x) => x.re.test(p));
		if (!found) {
			if (status !== 404)
				problems.push(`${where}: a path the document does not list must answer 404`);
			else if (method !== "HEAD")
				errorBody();
			return problems;
		}
		const item = this.doc.paths[found.template];
		const opName = (method === "HEAD" ? "get" : method.toLowerCase());
		if (!item[opName]) {
			if (status !== 405)
				problems.push(`${where}: a method the document does not list for ${found.template} must answer 405`);
			else if (!headers.allow)
				problems.push(`${where}: 405 without Allow`);
			else
				errorBody();
			return problems;
		}
		let resp = item[opName].responses[String(status)];
		let pointer = `/paths/${tok(found.template)}/${opName}/responses/${status}`;
		if (!resp) {
			problems.push(`${where}: status ${status} is not declared for ${opName.toUpperCase()} ${found.template}`);
			return problems;
		}
		if (resp.$ref) {
			pointer = resp.$ref.slice(1);
			resp = pointer.split("/").slice(1).reduce((o, k) => o[k.replaceAll("~1", "/").replaceAll("~0", "~")], this.doc);
		}
		for (const [h, spec] of Object.entries(resp.headers || {}))
			if (spec.required && headers[h.toLowerCase()] === undefined)
				problems.push(`${where}: header ${h} missing`);
		// A stream: its body is not checked here (body null), only that the document says it streams.
		if (/^text\/event-stream\b/.test(headers["content-type"] || "")) {
			if (!resp.content?.["text/event-stream"])
				problems.push(`${where}: text/event-stream where the document declares ${Object.keys(resp.content || {}).join(", ") || "no body"}`);
			return problems;
		}
		const schema = resp.content?.["application/json"]?.schema;
		if (method === "HEAD")
			return problems;
		if (!schema) {
			if (body && body.length > 0)
				problems.push(`${where}: a body where the document declares none`);
			return problems;
		}
		if (!/^application\/json\b/.test(headers["content-type"] || ""))
			problems.push(`${where}: Content-Type ${headers["content-type"]}, not application/json`);
		let data;
		try {
			data = JSON.parse(body);
		} catch {
			problems.push(`${where}: the body is not JSON: ${String(body).slice(0, 200)}`);
			return problems;
		}
		const v = this.#validator(`${pointer}/content/application~1json/schema`);
		if (!v(data))
			problems.push(`${where}: the body does not match the document: ${this.ajv.errorsText(v.errors).slice(0, 2000)}`);
		else if (method === "POST" && found.template === "/api/v1/batch" && status === 200 && requestBody)
			problems.push(...this.#checkBatch(requestBody, data));
		return problems;
	}
}
