/**
 * TypeScript (and JavaScript written as an ES module) → CommonJS JavaScript, done INSIDE the sandbox with
 * `sucrase` (pure JavaScript, bound read-only into the sandbox; its folder comes in `SCRATCHPAD_NODE_MODULES`), so a huge or pathological source is
 * transpiled under the run's CPU, memory and wall-clock limits, not in the verifier's own process. Types are
 * stripped, never checked (like Node's own type stripping); a syntax error names its line and column.
 *
 * `SUCRASE_TRANSPILE_JS` is a snippet of CommonJS that defines `spTranspile(source, language, fileName)`
 * returning `{ok: true, js}` or `{ok: false, error}`; the in-sandbox scripts (runProgram's compile step, the
 * Node harnesses) include it.
 */
/** The transpile function, as CommonJS source for the in-sandbox scripts. */
export const SUCRASE_TRANSPILE_JS = String.raw`
function spUsesModuleSyntax(source) {
  return /^\s*(import\s*[\w{*"']|export\s)/m.test(source);
}
function spTranspile(source, language, fileName) {
  if (language === "javascript" && !spUsesModuleSyntax(source)) return { ok: true, js: source };
  let sucrase;
  try {
    sucrase = require((process.env.SCRATCHPAD_NODE_MODULES || "/nonexistent") + "/sucrase");
  } catch (e) {
    return { ok: false, error: "the sandbox cannot load sucrase to transpile " + language + ": " + e.message };
  }
  const transforms = language === "typescript" ? ["typescript"] : [];
  if (spUsesModuleSyntax(source)) transforms.push("imports");
  try {
    const out = sucrase.transform(source, { transforms: transforms, filePath: fileName, disableESTransforms: true, production: true });
    return { ok: true, js: out.code };
  } catch (e) {
    const what = language === "typescript" ? "TypeScript" : "JavaScript";
    const loc = e && e.loc ? " (line " + e.loc.line + ", column " + (e.loc.column + 1) + ")" : "";
    const msg = String(e && e.message ? e.message : e).replace(/\s*\(\d+:\d+\)\s*$/, "");
    return { ok: false, error: what + " syntax error in " + fileName + loc + ": " + msg };
  }
}
`;

/** `compile.cjs`: transpile `argv[2]` (language `argv[3]`) into `argv[4]`; on a syntax error print it and exit 1. */
export const COMPILE_SCRIPT =
  String.raw`"use strict";
const fs = require("node:fs");
` +
  SUCRASE_TRANSPILE_JS +
  String.raw`
const r = spTranspile(fs.readFileSync(process.argv[2], "utf8"), process.argv[3], require("node:path").basename(process.argv[2]));
if (!r.ok) {
  process.stderr.write(r.error + "\n");
  process.exitCode = 1;
} else {
  fs.writeFileSync(process.argv[4], r.js);
}
`;

/**
 * `main-boot.cjs`: transpile `argv[2]` (language `argv[3]`) in memory and run it as the main CommonJS module
 * (the `io` format's JavaScript/TypeScript runs); a syntax error is printed and exits with status 1.
 */
export const RUN_MAIN_SCRIPT =
  String.raw`"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");
` +
  SUCRASE_TRANSPILE_JS +
  String.raw`
const file = process.argv[2];
const r = spTranspile(fs.readFileSync(file, "utf8"), process.argv[3], path.basename(file));
if (!r.ok) {
  process.stderr.write(r.error + "\n");
  process.exit(1);
}
process.argv.splice(2, 2);
const m = new Module(file, null);
m.filename = file;
m.paths = Module._nodeModulePaths(path.dirname(file));
process.mainModule = m;
m._compile(r.js, file);
`;
