/**
 * The two Node processes of a JavaScript/TypeScript test run (`assert` and `calls` formats), each in its own
 * sandbox (the same design as python-runner.ts):
 *
 * - `NODE_PROGRAM_SERVER` (`/box/program.cjs`, UNTRUSTED): transpiles the program (TypeScript, ES module
 *   syntax) with sucrase inside the sandbox, runs it as a classic script in the global scope (so its top-level
 *   functions, classes and `const`s are visible by name, as when program and tests are concatenated), then
 *   answers requests on fd 3: look up a name, call (awaiting a returned promise), construct, read a property
 *   (methods come back bound), iterate. Results go back as tagged JSON; anything that is not plain data
 *   (primitives, arrays, plain objects, Map, Set, typed arrays) goes back as an opaque handle. It never sees the
 *   tests or the expected values and nothing it says is a verdict.
 * - `NODE_TEST_RUNNER` (`/box/tests.cjs`, TRUSTED, never runs the program's code): runs the test code inside
 *   `with (scope)`, where `scope` resolves every free name the tests use that is not a global of Node to a proxy
 *   of the program's object in the other process (requests are synchronous reads on fd 3). Every answer is
 *   decoded into fresh values, so `node:assert`, `JSON`, `Object.assign` and the verdict are its own.
 *
 * The program server is in node-program-server.ts, the codec both use in node-codec.ts; this file holds the
 * test runner.
 */
import { SUCRASE_TRANSPILE_JS } from "./transpile-in-sandbox.js";
import { JS_CODEC } from "./node-codec.js";

/** Source of `tests.cjs`: the trusted side (see the file comment). */
export const NODE_TEST_RUNNER =
  String.raw`"use strict";
const fs = require("node:fs");
const vm = require("node:vm");
const util = require("node:util");
const { createRequire } = require("node:module");
` +
  SUCRASE_TRANSPILE_JS +
  JS_CODEC +
  String.raw`

const REPR_MAX = 300;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

// The first "the program's process ended" the tests ran into. Remembered because test code can catch it
// (assert.throws(() => f(-1)), try/catch around a call expected to throw): a run in which the program's
// process ended while the tests needed it is never a pass.
let exitedMessage;
class ProgramExited extends Error {
  constructor(message) {
    super(message);
    if (exitedMessage === undefined) exitedMessage = String(message);
  }
}

function short(v) {
  let r;
  try {
    r = util.inspect(v, { depth: 4, breakLength: Infinity, maxArrayLength: 50, maxStringLength: 200 });
  } catch (e) {
    r = "<uninspectable>";
  }
  return r.length <= REPR_MAX ? r : r.slice(0, REPR_MAX - 3) + "...";
}

let inBuf = Buffer.alloc(0);
const chunk = Buffer.alloc(1 << 20);

function readLine() {
  for (;;) {
    const i = inBuf.indexOf(10);
    if (i >= 0) {
      const line = inBuf.subarray(0, i).toString("utf8");
      inBuf = inBuf.subarray(i + 1);
      return line;
    }
    let n;
    try {
      n = fs.readSync(3, chunk, 0, chunk.length, null);
    } catch (e) {
      if (e.code === "EAGAIN") {
        Atomics.wait(sleeper, 0, 0, 1);
        continue;
      }
      throw new ProgramExited("the program's process ended");
    }
    if (n === 0) throw new ProgramExited("the program's process ended");
    inBuf = Buffer.concat([inBuf, chunk.subarray(0, n)]);
  }
}

function writeAll(text) {
  let data = Buffer.from(text, "utf8");
  while (data.length > 0) {
    try {
      const n = fs.writeSync(3, data);
      data = data.subarray(n);
    } catch (e) {
      if (e.code !== "EAGAIN") throw e;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}

function message() {
  let m;
  try {
    m = JSON.parse(readLine());
  } catch (e) {
    if (e instanceof ProgramExited) throw e;
    throw new ProgramExited("the program's process sent a malformed message");
  }
  if (m === null || typeof m !== "object" || Array.isArray(m)) throw new ProgramExited("the program's process sent a malformed message");
  return m;
}

let nextId = 0;
function request(op, fields) {
  const id = ++nextId;
  const msg = Object.assign({ op: op, id: id }, fields);
  writeAll(JSON.stringify({ to: "program", msg: msg }) + "\n");
  for (;;) {
    const m = message();
    if (m.id === id) return m;
  }
}

const remoteIds = new WeakMap();

function isRemote(v) {
  return (typeof v === "object" || typeof v === "function") && v !== null && remoteIds.has(v);
}

function argHandle(v) {
  if (remoteIds.has(v)) return { h: remoteIds.get(v) };
  throw new TypeError("cannot pass a " + typeof v + " to the program (only plain data and the program's own objects)");
}

function makeRemote(h) {
  const id = h.h;
  if (typeof id !== "number") throw new ProgramExited("the program's process sent a bad handle");
  const kind = String(h.k || "object").slice(0, 80);
  const callable = h.call === true;
  const target = callable ? function () {} : {};
  const p = new Proxy(target, {
    apply(_t, _self, args) {
      const back = args.some((a) => Array.isArray(a));
      const m = request("call", { h: id, args: args.map((a) => enc(a, argHandle)), back: back });
      const r = answer(m);
      if (back && Array.isArray(m.back)) {
        args.forEach((a, i) => {
          if (!Array.isArray(a) || m.back[i] == null) return;
          try {
            const n = dec(m.back[i], makeRemote);
            if (Array.isArray(n)) a.splice(0, a.length, ...n);
          } catch (e) {
            // leave the argument as it was
          }
        });
      }
      return r;
    },
    construct(_t, args) {
      return answer(request("new", { h: id, args: args.map((a) => enc(a, argHandle)) }));
    },
    get(_t, prop) {
      if (typeof prop === "symbol") {
        if (prop === Symbol.iterator) return function () { return answer(request("iter", { h: id }))[Symbol.iterator](); };
        // Never a plain tag: node:assert's deep equality compares tags, and a class the program names "Object"
        // would otherwise make any of its objects deep-equal {}.
        if (prop === Symbol.toStringTag) return "program's " + kind;
        return undefined;
      }
      if (prop === "then" || prop === "toJSON" || prop === "constructor" || prop === "inspect") return undefined;
      // Conversions stay here: == , +, String() on the program's object must not run the program's code.
      if (prop === "valueOf") return function () { return p; };
      if (prop === "toString" || prop === "toLocaleString") return function () { return "[object " + kind + "]"; };
      return answer(request("attr", { h: id, name: prop }));
    },
    set(_t, prop) {
      if (typeof prop !== "string") throw new TypeError("cannot set a symbol property on the program's object");
      answer(request("set", { h: id, name: prop, args: [enc(arguments[2], argHandle)] }));
      return true;
    },
  });
  remoteIds.set(p, id);
  return p;
}

const ERRORS = { Error, TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError };

function answer(m) {
  if ("err" in m) {
    const name = String(m.err).slice(0, 80);
    const msg = String(m.msg || "").slice(0, 500);
    const C = Object.prototype.hasOwnProperty.call(ERRORS, name) ? ERRORS[name] : Error;
    const e = new C(C === Error && name !== "Error" ? name + ": " + msg : msg);
    if (m.where) e.spWhere = String(m.where).slice(0, 300);
    if (C === RangeError && /allocation failed|out of memory/i.test(msg)) e.spMemory = true;
    throw e;
  }
  if (!("ok" in m)) throw new ProgramExited("the program's process sent a malformed answer");
  try {
    return dec(m.ok, makeRemote);
  } catch (e) {
    throw new ProgramExited("the program's process sent a malformed value (" + e.message + ")");
  }
}

function describe(e) {
  if (e instanceof Error) return (e.name || "Error") + ": " + e.message + (e.spWhere ? " at " + e.spWhere : "");
  return "thrown value " + short(e);
}

function jsonEq(a, b) {
  if (b === null) return a === null || a === undefined;
  if (typeof b === "boolean" || typeof b === "string") return a === b;
  if (typeof b === "number") {
    if (typeof a === "bigint") return Number.isInteger(b) && BigInt(b) === a;
    if (typeof a !== "number") return false;
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
    const tol = 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
    // An integer is expected: a fraction lies within rounding of it (1e-6, or 16 units in the last place of a large
    // one), or the relative tolerance alone would let an unfloored n / 2 (50000000000.5 for 50000000000) pass.
    return Math.abs(a - b) <= (Number.isInteger(b) ? Math.min(tol, Math.max(1e-6, Math.abs(b) * 2 ** -48)) : tol);
  }
  if (Array.isArray(b)) {
    return Array.isArray(a) && a.length === b.length && b.every((y, i) => jsonEq(a[i], y));
  }
  if (typeof b === "object") {
    if (a === null || typeof a !== "object" || Array.isArray(a) || remoteIds.has(a)) return false;
    const entries = a instanceof Map ? [...a.entries()].map(([k, v]) => [String(k), v]) : Object.entries(a);
    const keys = Object.keys(b);
    if (entries.length !== keys.length) return false;
    const m = new Map(entries);
    return keys.every((k) => m.has(k) && jsonEq(m.get(k), b[k]));
  }
  return false;
}

let programNames = [];
/** Test code (not a calls case's fn): an undefined name reads as undefined. */
let lenientNames = false;

function makeScope() {
  const local = Object.create(null);
  return new Proxy(local, {
    has(t, k) {
      if (typeof k !== "string") return false;
      if (k in t) return true;
      if (programNames.includes(k)) return true;
      return !(k in globalThis) && k !== "__scope";
    },
    get(t, k) {
      if (typeof k !== "string") return undefined;
      if (k in t) return t[k];
      if (k === "assert" && !programNames.includes(k)) {
        // Tests that use assert without requiring it get Node's own, not an object the program defines.
        t[k] = globalThis.require("node:assert");
        return t[k];
      }
      const m = request("get", { name: k });
      // A name neither the tests, Node nor the program defines reads as undefined here (as typeof expects);
      // using it still fails (calling undefined is a TypeError).
      const v = m.err === "ReferenceError" && lenientNames ? undefined : answer(m);
      t[k] = v;
      return v;
    },
    set(t, k, v) {
      t[k] = v;
      return true;
    },
  });
}

let reported = false;
function report(status, fields) {
  if (reported) return;
  reported = true;
  if (status === "passed" && nextId === 0) {
    // Test code that never asked the program for anything (only comments, a helper never called, no cases)
    // checked nothing: no pass, whatever the program is.
    status = "error";
    fields = { message: "the tests never used the program: nothing was checked", phase: "tests" };
  }
  if (status === "passed" && exitedMessage !== undefined) {
    status = "exited";
    fields = Object.assign({}, fields || {}, { message: exitedMessage, phase: "tests", testsPassed: 0 });
  }
  writeAll(JSON.stringify({ to: "parent", verdict: Object.assign({}, fields || {}, { status: status }) }) + "\n");
}

function failWith(e, phase, fields) {
  if (e instanceof ProgramExited) report("exited", Object.assign({ message: e.message, phase: phase }, fields));
  else if (e && e.spMemory) report("memory", Object.assign({ message: describe(e), phase: phase }, fields));
  else report("failed", Object.assign({ message: describe(e), phase: phase }, fields));
}

function main() {
  const spec = message();
  let ready;
  try {
    ready = message();
  } catch (e) {
    report("exited", { message: "the program's process ended before the tests ran" });
    return;
  }
  if (ready.ready !== true) {
    report(ready.kind === "memory" ? "memory" : "error", { message: String(ready.message || "the program did not load").slice(0, 2000), phase: "program" });
    return;
  }
  globalThis.require = createRequire("/box/tests.js");
  programNames = Array.isArray(spec.programNames) ? spec.programNames.filter((n) => typeof n === "string") : [];
  const scope = makeScope();
  process.on("uncaughtException", (e) => failWith(e, "async", {}));
  process.on("unhandledRejection", (e) => failWith(e, "async", {}));
  if (spec.format === "calls") {
    const cases = spec.cases || [];
    let passed = 0;
    let first = null;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      const label = c.fn + "(" + c.args.map(short).join(", ") + ")";
      let ok = false;
      let why;
      try {
        const fn = vm.runInThisContext("(function (__scope) { with (__scope) { return (" + c.fn + "\n); } })", { filename: "case.js" })(scope);
        const result = fn(...c.args);
        ok = jsonEq(result, c.expected);
        if (!ok) why = "expected " + short(c.expected) + ", got " + short(result);
      } catch (e) {
        if (e instanceof ProgramExited || e.spMemory) {
          failWith(e, "tests", { failedTest: label, failedTestIndex: i, testsPassed: passed, testsTotal: cases.length });
          return;
        }
        why = describe(e);
      }
      if (ok) passed++;
      else if (first === null) {
        first = { failedTestIndex: i, failedTest: label, message: why };
        if (!spec.runAll) break;
      }
    }
    if (first === null) report("passed", { testsPassed: passed, testsTotal: cases.length });
    else report("failed", Object.assign(first, { testsPassed: passed, testsTotal: cases.length, phase: "tests" }));
    return;
  }
  let tests = spec.tests || "";
  lenientNames = true;
  const t = spTranspile(tests, spec.language, "tests." + (spec.language === "typescript" ? "ts" : "js"));
  if (!t.ok) {
    report("error", { message: "the test code does not compile: " + t.error, phase: "tests" });
    return;
  }
  tests = t.js;
  let fn;
  try {
    fn = new vm.Script("(function (__scope) { with (__scope) {" + tests + "\n} })", { filename: "tests.js" }).runInThisContext();
  } catch (e) {
    report("error", { message: "the test code does not compile: " + describe(e), phase: "tests" });
    return;
  }
  try {
    fn(scope);
  } catch (e) {
    failWith(e, "tests", { failedTest: where(e, "tests.js", tests) || "", testsPassed: 0, testsTotal: 1 });
    return;
  }
  // Asynchronous test code may still fail: report when the event loop is empty.
  process.on("beforeExit", () => report("passed", { testsPassed: 1, testsTotal: 1 }));
}

main();
`;
