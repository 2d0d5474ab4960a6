/**
 * The JavaScript test harness that runs inside the sandbox (`/box/runner.cjs`) for the `assert` and `calls`
 * formats (TypeScript arrives already transpiled to JavaScript). It reads its spec (code, tests, nonce) from
 * fd 3, runs the program as a classic script in the global scope (so its top-level functions and `const`s are
 * visible to the tests, as when the two are concatenated), then the tests inside a function scope (so a test
 * file's `const assert = require(...)` cannot clash with the program's), waits for the event loop to drain,
 * and writes one JSON verdict line carrying the nonce back on fd 3. The `assert` modules, `Math` and `JSON`
 * are frozen before the program runs, so it cannot stub them out; a program that calls `process.exit` never writes a verdict.
 */

/** Source of `runner.cjs` (kept free of backticks and dollar-brace so it can live in a template string). */
export const NODE_RUNNER = String.raw`
"use strict";
const fs = require("node:fs");
const vm = require("node:vm");
const util = require("node:util");
const { createRequire } = require("node:module");

const writeSync = fs.writeSync;
const stringify = JSON.stringify;
const REPR_MAX = 300;

function short(v) {
  let r;
  try {
    r = util.inspect(v, { depth: 4, breakLength: Infinity, maxArrayLength: 50, maxStringLength: 200 });
  } catch (e) {
    r = "<uninspectable>";
  }
  return r.length <= REPR_MAX ? r : r.slice(0, REPR_MAX - 3) + "...";
}

function readSpec(fd) {
  const parts = [];
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === "EAGAIN") continue;
      throw e;
    }
    if (n === 0) break;
    parts.push(Buffer.from(buf.subarray(0, n)));
    if (buf[n - 1] === 10) break;
  }
  return JSON.parse(Buffer.concat(parts).toString("utf8"));
}

function describe(e) {
  if (e instanceof Error) return (e.name || "Error") + ": " + e.message;
  return "thrown value " + short(e);
}

function where(e, filename, src) {
  const stack = e && typeof e === "object" && typeof e.stack === "string" ? e.stack : "";
  const re = new RegExp(filename.replace(".", "\\.") + ":(\\d+):(\\d+)");
  const m = re.exec(stack);
  if (!m) return undefined;
  const line = Number(m[1]);
  const text = (src.split("\n")[line - 1] || "").trim();
  return text ? "line " + line + ": " + text : "line " + line;
}

function isMemoryError(e) {
  return e instanceof RangeError && /allocation failed|out of memory/i.test(e.message);
}

function jsonEq(a, b) {
  if (b === null) return a === null || a === undefined;
  if (typeof b === "boolean" || typeof b === "string") return a === b;
  if (typeof b === "number") {
    if (typeof a === "bigint") return Number.isInteger(b) && BigInt(b) === a;
    if (typeof a !== "number") return false;
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
  }
  if (Array.isArray(b)) {
    const arr = Array.isArray(a) ? a : ArrayBuffer.isView(a) ? Array.from(a) : null;
    return arr !== null && arr.length === b.length && b.every((y, i) => jsonEq(arr[i], y));
  }
  if (typeof b === "object") {
    if (a === null || typeof a !== "object" || Array.isArray(a)) return false;
    const entries = a instanceof Map ? [...a.entries()].map(([k, v]) => [String(k), v]) : Object.entries(a);
    const keys = Object.keys(b);
    if (entries.length !== keys.length) return false;
    const m = new Map(entries);
    return keys.every((k) => m.has(k) && jsonEq(m.get(k), b[k]));
  }
  return false;
}

let reported = false;
let nonce = "";
let testsDone = false;
let summary = null;

function report(status, fields) {
  if (reported) return;
  reported = true;
  const data = stringify(Object.assign({}, fields || {}, { status: status, nonce: nonce })) + "\n";
  writeSync(3, data);
}

function onAsyncFailure(e) {
  report(isMemoryError(e) ? "memory" : "failed", { message: describe(e), phase: "async" });
  process.exit(1);
}

function freezeAssert() {
  // What tests lean on besides assert: Math.abs, Math.round, JSON.stringify, ...
  Object.freeze(Math);
  Object.freeze(JSON);
  for (const name of ["assert", "node:assert", "assert/strict", "node:assert/strict"]) {
    try {
      const m = require(name);
      Object.freeze(m);
      if (m.strict) Object.freeze(m.strict);
    } catch (e) {
      // module variant missing in this Node version
    }
  }
}

async function runCalls(cases, runAll) {
  let passed = 0;
  let first = null;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    const label = c.fn + "(" + c.args.map(short).join(", ") + ")";
    let ok = false;
    let why;
    try {
      const fn = vm.runInThisContext("(" + c.fn + "\n)", { filename: "case.js" });
      let result = fn(...c.args);
      if (result && typeof result.then === "function") result = await result;
      ok = jsonEq(result, c.expected);
      if (!ok) why = "expected " + short(c.expected) + ", got " + short(result);
    } catch (e) {
      if (isMemoryError(e)) {
        report("memory", { message: describe(e), failedTest: label, failedTestIndex: i, testsPassed: passed, testsTotal: cases.length });
        return;
      }
      const w = where(e, "solution.js", globalThis.__spCode);
      why = describe(e) + (w ? " at " + w : "");
    }
    if (ok) passed++;
    else if (first === null) {
      first = { failedTestIndex: i, failedTest: label, message: why };
      if (!runAll) break;
    }
  }
  summary = first === null
    ? { status: "passed", fields: { testsPassed: passed, testsTotal: cases.length } }
    : { status: "failed", fields: Object.assign(first, { testsPassed: passed, testsTotal: cases.length, phase: "tests" }) };
  testsDone = true;
  finishSoon();
}

/**
 * The tests are done: report when the event loop drains (the "exit" handler), or after a grace period that
 * lets asynchronous failures surface, if timers or sockets the program left open keep the loop alive.
 */
function finishSoon() {
  setTimeout(() => {
    report(summary.status, summary.fields);
    process.exit(0);
  }, 1500).unref();
}

function main() {
  const spec = readSpec(3);
  nonce = spec.nonce;
  delete spec.nonce;
  process.on("uncaughtException", onAsyncFailure);
  process.on("unhandledRejection", onAsyncFailure);
  process.on("exit", () => {
    if (testsDone && summary !== null) report(summary.status, summary.fields);
  });
  freezeAssert();
  const code = spec.code;
  Object.defineProperty(globalThis, "__spCode", { value: code, enumerable: false });
  globalThis.require = createRequire("/box/solution.js");
  globalThis.module = { exports: globalThis };
  globalThis.exports = globalThis;
  globalThis.__filename = "/box/solution.js";
  globalThis.__dirname = "/box";
  let script;
  try {
    script = new vm.Script(code, { filename: "solution.js" });
  } catch (e) {
    report("error", { message: describe(e) + (where(e, "solution.js", code) ? " at " + where(e, "solution.js", code) : ""), phase: "compile" });
    return;
  }
  try {
    script.runInThisContext();
  } catch (e) {
    if (isMemoryError(e)) report("memory", { message: describe(e), phase: "program" });
    else {
      const w = where(e, "solution.js", code);
      report("error", { message: describe(e) + (w ? " at " + w : ""), phase: "program" });
    }
    return;
  }
  if (spec.format === "calls") {
    runCalls(spec.cases || [], Boolean(spec.runAll)).catch(onAsyncFailure);
    return;
  }
  const tests = spec.tests || "";
  let testScript;
  try {
    testScript = new vm.Script("(function () {" + tests + "\n})();", { filename: "tests.js" });
  } catch (e) {
    report("error", { message: "the test code does not compile: " + describe(e), phase: "tests" });
    return;
  }
  try {
    testScript.runInThisContext();
  } catch (e) {
    if (isMemoryError(e)) report("memory", { message: describe(e), phase: "tests" });
    else {
      const w = where(e, "tests.js", tests);
      report("failed", { message: describe(e), failedTest: w || "", testsPassed: 0, testsTotal: 1, phase: "tests" });
    }
    return;
  }
  summary = { status: "passed", fields: { testsPassed: 1, testsTotal: 1 } };
  testsDone = true;
  finishSoon();
}

main();
`;
