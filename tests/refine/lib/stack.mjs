// stack.mjs: start the Odoo simulator and lighttpd (shipped config, built odoo-bridge) on loopback, and stop them.
//
// Like tools/demo, but every piece is started here, so that each is stopped
// by its own pid even when a test fails, and so the JWT secret is known (the
// tests forge expired tokens with it).

import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { Contract } from "./contract.mjs";
import { odooLogin, xmlrpcCall } from "./xmlrpc.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The source tree: $top_srcdir (make check), else two levels above tests/refine. */
export const topSrcdir = process.env.top_srcdir || path.resolve(here, "..", "..", "..");
const topBuilddir = process.env.top_builddir || topSrcdir;
export const bridgeBin = process.env.ODOO_BRIDGE_BIN || path.join(topBuilddir, "odoo-bridge");

export const ALLOWED_ORIGIN = "http://localhost:5173";
export const ODOO_DB = "odoo_pelotazo";

/*
 * The Odoo the suite runs against (make check runs it three times, as the
 * e2e tier: tests/e2e/harness.py): 18-xmlrpc (the default), 19-xmlrpc, or
 * 19-json2, where the service account and the users log in with API keys.
 */
export const VARIANT = process.env.E2E_ODOO || "18-xmlrpc";
const [odooVersion, protocol] = VARIANT.split("-");
if (!["18-xmlrpc", "19-xmlrpc", "19-json2"].includes(VARIANT))
	throw new Error(`E2E_ODOO=${VARIANT}`);

const SIM_PASSWORDS = { admin: "admin", demo: "demo", portal: "portal" };

/** The simulator's API key of a user with that password (odoosim/demo.py: fixed, not random). */
export function simApiKey(login, password) {
	return crypto.createHash("sha1").update(`odoo-sim api key:${login}:${password}`).digest("hex");
}

/** What a user gives /token as the password: over JSON-2 their API key in place of the simulator's password. */
export function secret(login, password) {
	return protocol === "json2" && SIM_PASSWORDS[login] === password ? simApiKey(login, password) : password;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function findLighttpd() {
	if (process.env.LIGHTTPD)
		return process.env.LIGHTTPD;
	const dirs = (process.env.PATH || "").split(":").concat(["/usr/sbin", "/usr/local/sbin"]);
	for (const d of dirs) {
		const p = path.join(d || ".", "lighttpd");
		try {
			fs.accessSync(p, fs.constants.X_OK);
			return p;
		} catch {
			// next
		}
	}
	throw new Error("lighttpd not found (tools/install-deps installs it)");
}

// A port that was free a moment ago; lighttpd's bind failing is retried.
function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once("error", reject);
		s.listen(0, "127.0.0.1", () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

async function waitFor(pred, what, timeoutMs, proc, logFile) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (proc.exitCode !== null || proc.signalCode !== null)
			throw new Error(`${what}: the process exited (${proc.exitCode ?? proc.signalCode}):\n${readTail(logFile)}`);
		if (await pred())
			return;
		await sleep(50);
	}
	throw new Error(`${what}: timed out after ${timeoutMs} ms:\n${readTail(logFile)}`);
}

function readTail(file) {
	try {
		return fs.readFileSync(file, "utf8").slice(-4000);
	} catch {
		return "";
	}
}

// Every process we started, killed by pid if node exits without stop().
const started = new Set();
process.on("exit", () => {
	for (const p of started)
		if (p.exitCode === null && p.signalCode === null)
			try {
				process.kill(p.pid, "SIGKILL");
			} catch {
				// already gone
			}
});

async function stopProcess(p, timeoutMs = 10000) {
	if (!p || p.exitCode !== null || p.signalCode !== null) {
		started.delete(p);
		return;
	}
	const exited = new Promise((r) => p.once("exit", r));
	p.kill("SIGTERM");
	const t = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
	await exited;
	clearTimeout(t);
	started.delete(p);
}

function startProcess(argv, logFile, env) {
	const log = fs.openSync(logFile, "a");
	const p = spawn(argv[0], argv.slice(1), { stdio: ["ignore", log, log], env });
	fs.closeSync(log);
	started.add(p);
	return p;
}

// The types a browser needs for the app's files (Debian's lighttpd.conf has them; this one is standalone).
const MIME_TYPES = 'mimetype.assign = ( ".html" => "text/html; charset=utf-8", ".js" => "text/javascript", ' +
	'".css" => "text/css", ".svg" => "image/svg+xml", ".json" => "application/json", ".png" => "image/png", ' +
	'".ico" => "image/x-icon", ".woff2" => "font/woff2" )';

// The shipped lighttpd/odoo-bridge.conf with this run's paths, as tools/demo does;
// with app (a built examples/refine-app/dist), the shipped odoo-bridge-app.conf serves it too.
function lighttpdConf(run, port, app) {
	const shipped = fs.readFileSync(path.join(topSrcdir, "lighttpd", "odoo-bridge.conf"), "utf8");
	const conf = shipped
		.replaceAll("/usr/local/bin/odoo-bridge", bridgeBin)
		.replaceAll("/run/lighttpd/odoo-bridge.sock", path.join(run, "odoo-bridge.sock"))
		.replaceAll("/etc/odoo-bridge/odoo-bridge.conf", path.join(run, "odoo-bridge.conf"))
		// Let a sanitizer build's options through to the bridge processes.
		.replace('"bin-copy-environment" => ( "PATH", "TZ" )',
			'"bin-copy-environment" => ( "PATH", "TZ", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS" )');
	fs.writeFileSync(path.join(run, "odoo-bridge.lighttpd.conf"), conf);
	fs.writeFileSync(path.join(run, "lighttpd.conf"), [
		'server.bind = "127.0.0.1"',
		`server.port = ${port}`,
		`server.document-root = "${app || path.join(run, "www")}"`,
		`server.errorlog = "${path.join(run, "lighttpd.log")}"`,
		`include "${path.join(run, "odoo-bridge.lighttpd.conf")}"`,
		...(app ? [MIME_TYPES, 'index-file.names = ( "index.html" )',
			`include "${path.join(topSrcdir, "lighttpd", "odoo-bridge-app.conf")}"`] : []),
		"",
	].join("\n"));
}

/*
 * A pass-through HTTP proxy in front of lighttpd that checks every answer
 * against the bridge's OpenAPI document (contract.mjs): the one place all
 * of the suite's requests go through, whatever client sends them (Refine's
 * providers, axios, fetch).  Problems are collected for stackForThisFile's
 * after(), which fails the file.
 */
async function contractProxy(upstream, contract, problems) {
	const target = new URL(upstream);
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on("data", (c) => chunks.push(c));
		req.on("end", () => {
			const up = http.request({
				host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers,
			}, (ur) => {
				// A stream (GET /api/v1/events) is passed on as it comes; its
				// status and headers are checked when it starts.
				if (/^text\/event-stream\b/.test(ur.headers["content-type"] || "")) {
					problems.push(...contract.check(req.method, req.url, ur.statusCode, ur.headers, null));
					res.writeHead(ur.statusCode, ur.headers);
					res.flushHeaders();
					ur.pipe(res);
					return;
				}
				const body = [];
				ur.on("data", (c) => body.push(c));
				ur.on("end", () => {
					const text = Buffer.concat(body);
					problems.push(...contract.check(req.method, req.url, ur.statusCode, ur.headers, text.toString("utf8"),
						Buffer.concat(chunks).toString("utf8")));
					res.writeHead(ur.statusCode, ur.headers);
					res.end(text);
				});
			});
			up.on("error", (e) => {
				res.writeHead(599);
				res.end(String(e));
			});
			// The client went away (a stream it aborted): so does the request upstream.
			res.on("close", () => {
				if (!res.writableFinished)
					up.destroy();
			});
			up.end(Buffer.concat(chunks));
		});
	});
	await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
	return server;
}

/**
 * Starts the simulator and lighttpd -> odoo-bridge.  Returns
 * {baseUrl, apiUrl, simUrl, jwtSecret, odoo (admin XML-RPC client), simControl, stop}.
 * stop() ends both processes (SIGTERM, then SIGKILL), removes the run
 * directory and returns lighttpd's logs (the bridge's stderr included).
 * With app (a directory: the built Refine app), lighttpd serves it as its
 * document root through lighttpd/odoo-bridge-app.conf, as in production.
 * With resourcesFile (a path, absolute or relative to the source tree, e.g.
 * "examples/resources/purchase.json"), the bridge loads that RESOURCES_FILE.
 */
export async function startStack({ bridgeSettings = {}, app = null, resourcesFile = null } = {}) {
	if (!fs.existsSync(bridgeBin))
		throw new Error(`${bridgeBin} not found: build first, or set ODOO_BRIDGE_BIN`);
	const lighttpd = findLighttpd();
	const run = fs.mkdtempSync(path.join(os.tmpdir(), "odoo-bridge-refine-"));
	fs.mkdirSync(path.join(run, "www"));
	let sim = null;
	let httpd = null;
	let proxy = null;
	const contractProblems = [];
	// Returns lighttpd's error log and stderr; the bridge processes inherit the latter.
	const stop = async () => {
		if (proxy) {
			proxy.closeAllConnections();
			await new Promise((r) => proxy.close(r));
			proxy = null;
		}
		await stopProcess(httpd);
		await stopProcess(sim);
		let log = "";
		for (const f of ["lighttpd.log", "lighttpd.stderr"]) {
			try {
				log += fs.readFileSync(path.join(run, f), "utf8");
			} catch {
				// lighttpd never started
			}
		}
		if (!process.env.REFINE_KEEP_RUN)
			fs.rmSync(run, { recursive: true, force: true });
		return log;
	};
	try {
		const python = process.env.PYTHON3 || "/usr/bin/python3";
		const portFile = path.join(run, "sim.port");
		sim = startProcess([python, path.join(topSrcdir, "tests", "odoo-sim", "odoo-sim"),
			"--host", "127.0.0.1", "--port", "0", "--port-file", portFile, "--quiet",
			"--odoo-version", odooVersion],
		path.join(run, "sim.log"), process.env);
		await waitFor(() => fs.existsSync(portFile) && fs.readFileSync(portFile, "utf8").trim() !== "",
			"the Odoo simulator", 20000, sim, path.join(run, "sim.log"));
		const simUrl = `http://127.0.0.1:${fs.readFileSync(portFile, "utf8").trim()}`;

		const jwtSecret = crypto.randomBytes(32).toString("hex");
		const settings = {
			ODOO_URL: simUrl,
			ODOO_DB,
			ODOO_USERNAME: "admin",
			ODOO_PASSWORD: "admin",
			JWT_SECRET: jwtSecret,
			CORS_ORIGINS: ALLOWED_ORIGIN,
			THROTTLE_FILE: path.join(run, "throttle"),
			// This stack's own event ring: the host's default file may be another
			// run's, or an older build's (then each process keeps its events to itself).
			EVENTS_FILE: path.join(run, "events"),
			LOG_LEVEL: "info",
			ODOO_PROTOCOL: protocol,
			...(protocol === "json2" ? { ODOO_API_KEY: simApiKey("admin", "admin") } : {}),
			...(resourcesFile ? { RESOURCES_FILE: path.resolve(topSrcdir, resourcesFile) } : {}),
			...bridgeSettings,
		};
		fs.writeFileSync(path.join(run, "odoo-bridge.conf"),
			Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o600 });

		// lighttpd starts the bridge processes itself (bin-path) and stops them on SIGTERM.
		let baseUrl = null;
		for (let attempt = 0; attempt < 3 && baseUrl === null; attempt++) {
			const port = await freePort();
			lighttpdConf(run, port, app);
			const logFile = path.join(run, "lighttpd.log");
			httpd = startProcess([lighttpd, "-D", "-f", path.join(run, "lighttpd.conf")],
				path.join(run, "lighttpd.stderr"), process.env);
			const url = `http://127.0.0.1:${port}`;
			try {
				await waitFor(async () => {
					try {
						const r = await fetch(`${url}/health`);
						await r.arrayBuffer();
						return r.status === 200;
					} catch {
						return false;
					}
				}, "lighttpd + odoo-bridge /health", 20000, httpd, logFile);
				baseUrl = url;
			} catch (e) {
				const bindFailed = /bind|address already in use/i.test(readTail(logFile) + readTail(path.join(run, "lighttpd.stderr")));
				await stopProcess(httpd);
				if (!bindFailed || attempt === 2)
					throw new Error(`${e.message}\n${readTail(path.join(run, "lighttpd.stderr"))}`);
			}
		}

		// The bridge's own document: every answer the tests get is checked against it.
		const direct = baseUrl;
		const docAnswer = await fetch(`${direct}/openapi.json`);
		if (docAnswer.status !== 200)
			throw new Error(`GET /openapi.json: HTTP ${docAnswer.status}`);
		const openapi = await docAnswer.json();
		const contract = new Contract(openapi);
		proxy = await contractProxy(direct, contract, contractProblems);
		baseUrl = `http://127.0.0.1:${proxy.address().port}`;

		const odoo = await odooLogin(simUrl, ODOO_DB, "admin", "admin");
		const simControl = async (what, method = "POST") => {
			const r = await fetch(`${simUrl}/__sim/${what}`, {
				method,
				headers: { "Content-Type": "application/json" },
				body: method === "POST" ? "{}" : undefined,
			});
			if (r.status !== 200)
				throw new Error(`simulator control ${what}: HTTP ${r.status}`);
			const text = await r.text();
			return text ? JSON.parse(text) : null;
		};
		return {
			baseUrl,
			directUrl: direct,
			openapi,
			contract,
			contractProblems,
			apiUrl: `${baseUrl}/api/v1`,
			simUrl,
			jwtSecret,
			odoo,
			simControl,
			runDir: run,
			simVersion: () => xmlrpcCall(`${simUrl}/xmlrpc/2/common`, "version", []),
			stop,
		};
	} catch (e) {
		await stop();
		throw e;
	}
}
