// xmlrpc.mjs: a tiny XML-RPC client, so the tests read the Odoo simulator's own data (no bridge in between).
//
// Enough of XML-RPC for Odoo's /xmlrpc/2 answers as captured in
// tests/fixtures/odoo-captures/raw: int/i4, boolean, double, string (also
// untyped), nil, dateTime.iso8601, base64 (kept as text), array, struct, fault.

export class XmlRpcFault extends Error {
	constructor(faultCode, faultString) {
		super(`XML-RPC fault ${faultCode}: ${String(faultString).split("\n").filter(Boolean).pop()}`);
		this.faultCode = faultCode;
		this.faultString = faultString;
	}
}

const escapeXml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const unescapeXml = (s) =>
	s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_, e) => {
		switch (e) {
		case "lt": return "<";
		case "gt": return ">";
		case "amp": return "&";
		case "quot": return '"';
		case "apos": return "'";
		default:
			return String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
		}
	});

function serialize(v) {
	if (v === null || v === undefined)
		return "<value><boolean>0</boolean></value>"; // Odoo's False: it refuses <nil/> without allow_none
	if (typeof v === "boolean")
		return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
	if (typeof v === "number")
		return Number.isInteger(v) ? `<value><int>${v}</int></value>` : `<value><double>${v}</double></value>`;
	if (typeof v === "string")
		return `<value><string>${escapeXml(v)}</string></value>`;
	if (Array.isArray(v))
		return `<value><array><data>${v.map(serialize).join("")}</data></array></value>`;
	if (typeof v === "object") {
		const members = Object.entries(v)
			.map(([k, x]) => `<member><name>${escapeXml(k)}</name>${serialize(x)}</member>`)
			.join("");
		return `<value><struct>${members}</struct></value>`;
	}
	throw new TypeError(`xmlrpc: cannot serialize ${typeof v}`);
}

/** The body of an XML-RPC call. */
export function serializeCall(method, params) {
	return `<?xml version='1.0'?>\n<methodCall><methodName>${escapeXml(method)}</methodName><params>` +
		params.map((p) => `<param>${serialize(p)}</param>`).join("") + "</params></methodCall>";
}

// Parses the document into a tree of {tag, children, text}; XML-RPC has no attributes.
function parseTree(xml) {
	const body = xml.replace(/^\s*<\?xml[^>]*\?>/, "");
	const root = { tag: "#root", children: [], text: "" };
	const stack = [root];
	const re = /<(\/?)([A-Za-z0-9_.:-]+)\s*(\/?)>|([^<]+)/g;
	let m;
	let last = 0;
	while ((m = re.exec(body)) !== null) {
		if (m.index !== last)
			throw new Error(`xmlrpc: unexpected markup at ${last}`);
		last = re.lastIndex;
		const top = stack[stack.length - 1];
		if (m[4] !== undefined) {
			top.text += unescapeXml(m[4]);
		} else if (m[1] === "/") {
			if (top.tag !== m[2])
				throw new Error(`xmlrpc: </${m[2]}> closes <${top.tag}>`);
			stack.pop();
		} else {
			const el = { tag: m[2], children: [], text: "" };
			top.children.push(el);
			if (m[3] !== "/")
				stack.push(el);
		}
	}
	if (last !== body.length || stack.length !== 1)
		throw new Error("xmlrpc: truncated document");
	return root;
}

function child(el, tag) {
	const c = el.children.find((x) => x.tag === tag);
	if (!c)
		throw new Error(`xmlrpc: <${el.tag}> has no <${tag}>`);
	return c;
}

function decodeValue(valueEl) {
	if (valueEl.children.length === 0)
		return valueEl.text; // untyped value = string
	const t = valueEl.children[0];
	switch (t.tag) {
	case "int":
	case "i4":
	case "i8":
		return Number.parseInt(t.text, 10);
	case "boolean":
		return t.text.trim() === "1";
	case "double":
		return Number.parseFloat(t.text);
	case "string":
	case "dateTime.iso8601":
	case "base64":
		return t.text;
	case "nil":
		return null;
	case "array":
		return child(t, "data").children.filter((x) => x.tag === "value").map(decodeValue);
	case "struct": {
		const out = {};
		for (const m of t.children.filter((x) => x.tag === "member"))
			out[child(m, "name").text] = decodeValue(child(m, "value"));
		return out;
	}
	default:
		throw new Error(`xmlrpc: unknown type <${t.tag}>`);
	}
}

/** Parses a methodResponse: returns its value, throws XmlRpcFault for a fault. */
export function parseResponse(xml) {
	const resp = child(parseTree(xml), "methodResponse");
	const fault = resp.children.find((x) => x.tag === "fault");
	if (fault) {
		const f = decodeValue(child(fault, "value"));
		throw new XmlRpcFault(f.faultCode, f.faultString);
	}
	return decodeValue(child(child(child(resp, "params"), "param"), "value"));
}

/** Calls method at url (e.g. http://127.0.0.1:PORT/xmlrpc/2/object). */
export async function xmlrpcCall(url, method, params) {
	const res = await fetch(url, {
		method: "POST",
		headers: { "Content-Type": "text/xml" },
		body: serializeCall(method, params),
	});
	const text = await res.text();
	if (res.status !== 200)
		throw new Error(`xmlrpc: ${url} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
	return parseResponse(text);
}

/**
 * An Odoo client as an integrator would write one: execute_kw as the given
 * user.  Returns {uid, executeKw(model, method, args, kwargs)}.
 */
export async function odooLogin(baseUrl, db, login, password) {
	const uid = await xmlrpcCall(`${baseUrl}/xmlrpc/2/common`, "authenticate", [db, login, password, {}]);
	if (typeof uid !== "number")
		throw new Error(`odoo: login ${login} refused`);
	return {
		uid,
		executeKw: (model, method, args = [], kwargs = {}) =>
			xmlrpcCall(`${baseUrl}/xmlrpc/2/object`, "execute_kw", [db, uid, password, model, method, args, kwargs]),
	};
}
