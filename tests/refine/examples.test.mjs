// examples.test.mjs: examples/refine/*.ts type-check against Refine's own types and are the tested *.js plus types.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import ts from "typescript";

import { topSrcdir } from "./lib/stack.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const examples = path.join(topSrcdir, "examples", "refine");
const NAMES = ["authProvider", "dataProvider", "liveProvider"];
let work;

before(() => {
	// Next to node_modules, so that "@refinedev/core" and "axios" resolve as in an app.
	work = fs.mkdtempSync(path.join(here, ".examples-ts-"));
	for (const n of NAMES)
		fs.copyFileSync(path.join(examples, `${n}.ts`), path.join(work, `${n}.ts`));
});

after(() => {
	fs.rmSync(work, { recursive: true, force: true });
});

test("the .ts examples type-check (strict) against @refinedev/core and axios", () => {
	const program = ts.createProgram(NAMES.map((n) => path.join(work, `${n}.ts`)), {
		strict: true,
		noEmit: true,
		target: ts.ScriptTarget.ES2022,
		module: ts.ModuleKind.ESNext,
		moduleResolution: ts.ModuleResolutionKind.Bundler,
		lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
		jsx: ts.JsxEmit.ReactJSX,
		skipLibCheck: true,
		types: [],
	});
	const diags = ts.getPreEmitDiagnostics(program).map((d) => {
		const where = d.file ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : "";
		return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
	});
	assert.deepEqual(diags, []);
});

// Types erased and comments and layout dropped, the code of a .ts and its .js must match.
const code = (file) => ts.transpileModule(fs.readFileSync(file, "utf8"), {
	compilerOptions: { target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext, removeComments: true },
}).outputText.replace(/\s+/g, "");

for (const n of NAMES) {
	test(`${n}.ts is ${n}.js (the tested one) plus types`, () => {
		assert.equal(code(path.join(examples, `${n}.ts`)), code(path.join(examples, `${n}.js`)));
	});
}
