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
 */
import { SUCRASE_TRANSPILE_JS } from "./transpile-in-sandbox.js";

/** Tagged-JSON codec shared by both sides (handles are side-specific). */
const JS_CODEC = String.raw`
const MAX_DEPTH = 200;
const CONVERSION_KEYS = ["valueOf", "toString", "toLocaleString", "toJSON", "then", "constructor"];

function enc(v, handle, depth) {
  depth = depth || 0;
  if (depth > MAX_DEPTH) throw new RangeError("value nested too deeply");
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (v === undefined) return { u: 1 };
  if (isRemote(v)) return handle(v);
  if (typeof v === "number") return { n: Number.isFinite(v) ? (Object.is(v, -0) ? "-0" : v) : String(v) };
  if (typeof v === "bigint") return { bi: v.toString() };
  if (typeof v === "object") {
    if (Array.isArray(v)) {
      const out = [];
      for (let i = 0; i < v.length; i++) out.push(enc(v[i], handle, depth + 1));
      return { l: out };
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { l: Array.from(v, (x) => enc(x, handle, depth + 1)) };
    if (v instanceof Map) return { m: Array.from(v.entries(), (e) => [enc(e[0], handle, depth + 1), enc(e[1], handle, depth + 1)]) };
    if (v instanceof Set) return { s: Array.from(v.values(), (x) => enc(x, handle, depth + 1)) };
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      return { o: Object.keys(v).map((k) => [k, enc(v[k], handle, depth + 1)]) };
    }
  }
  return handle(v);
}

function dec(v, handle, depth) {
  depth = depth || 0;
  if (depth > MAX_DEPTH) throw new RangeError("value nested too deeply");
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v !== "object" || Array.isArray(v)) throw new TypeError("malformed value");
  const keys = Object.keys(v);
  if (keys.length !== 1 && !("h" in v)) throw new TypeError("malformed value");
  const tag = keys[0];
  const x = v[tag];
  const d = depth + 1;
  if ("h" in v) return handle(v);
  if (tag === "u") return undefined;
  if (tag === "n") {
    if (typeof x === "number") return x;
    if (x === "NaN") return NaN;
    if (x === "Infinity") return Infinity;
    if (x === "-Infinity") return -Infinity;
    if (x === "-0") return -0;
    throw new TypeError("bad number");
  }
  if (tag === "bi") {
    if (typeof x !== "string" || x.length > 5000 || !/^-?\d+$/.test(x)) throw new TypeError("bad bigint");
    return BigInt(x);
  }
  if (!Array.isArray(x)) throw new TypeError("malformed value");
  if (tag === "l") return x.map((y) => dec(y, handle, d));
  if (tag === "s") return new Set(x.map((y) => dec(y, handle, d)));
  if (tag === "m" || tag === "o") {
    const pairs = x.map((p) => {
      if (!Array.isArray(p) || p.length !== 2) throw new TypeError("malformed entries");
      return [tag === "o" ? String(p[0]) : dec(p[0], handle, d), dec(p[1], handle, d)];
    });
    if (tag === "m") return new Map(pairs);
    const o = {};
    for (const p of pairs) {
      // A function of the program's under a conversion hook's name would let == or + run the program's code.
      if (CONVERSION_KEYS.includes(p[0]) && typeof p[1] === "function") continue;
      Object.defineProperty(o, p[0], { value: p[1], enumerable: true, writable: true, configurable: true });
    }
    return o;
  }
  throw new TypeError("unknown value tag " + tag);
}
`;

/** Source of `program.cjs`: the untrusted side (see the file comment). */
export const NODE_PROGRAM_SERVER =
  String.raw`"use strict";
const fs = require("node:fs");
const vm = require("node:vm");
const net = require("node:net");
const { createRequire } = require("node:module");
for (const s of [process.stdout, process.stderr]) {
  if (s && s._handle && typeof s._handle.setBlocking === "function") s._handle.setBlocking(true);
}
` +
  SUCRASE_TRANSPILE_JS +
  JS_CODEC +
  String.raw`

function isRemote() {
  return false;
}

function describe(e) {
  if (e instanceof Error) return (e.name || "Error") + ": " + e.message;
  return "thrown value " + String(e).slice(0, 200);
}

function where(e, filename, src) {
  const stack = e && typeof e === "object" && typeof e.stack === "string" ? e.stack : "";
  const m = new RegExp(filename.replace(".", "\\.") + ":(\\d+):(\\d+)").exec(stack);
  if (!m) return undefined;
  const line = Number(m[1]);
  const text = (src.split("\n")[line - 1] || "").trim();
  return text ? "line " + line + ": " + text : "line " + line;
}

const sock = new net.Socket({ fd: 3, readable: true, writable: true });
let buf = "";
const lines = [];
let wake = null;
sock.setEncoding("utf8");
sock.on("data", (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    lines.push(buf.slice(0, i));
    buf = buf.slice(i + 1);
  }
  if (wake && lines.length > 0) {
    const w = wake;
    wake = null;
    w();
  }
});
sock.on("end", () => process.exit(0));
sock.on("error", () => process.exit(0));

function nextLine() {
  if (lines.length > 0) return Promise.resolve(lines.shift());
  return new Promise((resolve) => {
    wake = () => resolve(lines.shift());
  });
}

function send(obj) {
  sock.write(JSON.stringify(obj) + "\n");
}

/** The last word (a program that did not load): say it and let the process end. */
function sendLast(obj) {
  sock.removeAllListeners("end");
  sock.end(JSON.stringify(obj) + "\n");
  sock.unref();
}

async function main() {
  const spec = JSON.parse(await nextLine());
  const t = spTranspile(spec.code, spec.language, "solution." + (spec.language === "typescript" ? "ts" : "js"));
  if (!t.ok) {
    sendLast({ ready: false, kind: "error", message: t.error });
    return;
  }
  const code = t.js;
  globalThis.require = createRequire("/box/solution.js");
  globalThis.module = { exports: globalThis };
  globalThis.exports = globalThis;
  globalThis.__filename = "/box/solution.js";
  globalThis.__dirname = "/box";
  try {
    new vm.Script(code, { filename: "solution.js" }).runInThisContext();
  } catch (e) {
    const w = where(e, "solution.js", code);
    const mem = e instanceof RangeError && /allocation failed|out of memory/i.test(e.message);
    sendLast({ ready: false, kind: mem ? "memory" : "error", message: describe(e) + (w ? " at " + w : "") });
    return;
  }
  const handles = [];
  const toHandle = (v) => {
    handles.push(v);
    let kind = typeof v;
    try {
      if (v && v.constructor && typeof v.constructor.name === "string") kind = v.constructor.name;
    } catch (e) {
      // a hostile getter
    }
    return { h: handles.length - 1, k: String(kind).slice(0, 80), call: typeof v === "function" };
  };
  const fromHandle = (v) => {
    const i = v.h;
    if (typeof i !== "number" || !(i >= 0 && i < handles.length)) throw new TypeError("unknown handle");
    return handles[i];
  };
  if (spec.alone) {
    // No tests: the program alone, judged by its exit status; the channel must not keep it alive.
    sendLast({ ready: true });
    return;
  }
  send({ ready: true });
  for (;;) {
    const raw = await nextLine();
    let req;
    try {
      req = JSON.parse(raw);
    } catch (e) {
      continue;
    }
    const rid = req.id;
    let out;
    try {
      const args = (req.args || []).map((a) => dec(a, fromHandle));
      let v;
      if (req.op === "get") {
        if (!/^[A-Za-z_$][\w$]*$/.test(req.name)) throw new ReferenceError(req.name + " is not defined");
        v = vm.runInThisContext(req.name, { filename: "lookup.js" });
      } else if (req.op === "call") {
        v = fromHandle(req)(...args);
        if (v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function") v = await v;
      } else if (req.op === "new") {
        const C = fromHandle(req);
        v = new C(...args);
      } else if (req.op === "attr") {
        const o = fromHandle(req);
        v = o[req.name];
        if (typeof v === "function") v = v.bind(o);
      } else if (req.op === "set") {
        fromHandle(req)[req.name] = args[0];
        v = undefined;
      } else if (req.op === "iter") {
        v = Array.from(fromHandle(req));
      } else {
        throw new TypeError("unknown request");
      }
      out = { id: rid, ok: enc(v, toHandle) };
      if (req.back) out.back = args.map((a) => (Array.isArray(a) ? enc(a, toHandle) : null));
    } catch (e) {
      const name = e instanceof Error ? String(e.name || "Error") : "Error";
      const w = where(e, "solution.js", code);
      out = { id: rid, err: name.slice(0, 80), msg: (e instanceof Error ? String(e.message) : describe(e)).slice(0, 500), where: w };
    }
    send(out);
  }
}

main().catch((e) => {
  sendLast({ ready: false, kind: "error", message: describe(e) });
});
`;

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
        if (prop === Symbol.toStringTag) return kind;
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

function where(e, filename, src) {
  const stack = e && typeof e === "object" && typeof e.stack === "string" ? e.stack : "";
  const m = new RegExp(filename.replace(".", "\\.") + ":(\\d+):(\\d+)").exec(stack);
  if (!m) return undefined;
  const line = Number(m[1]);
  const text = (src.split("\n")[line - 1] || "").trim();
  return text ? "line " + line + ": " + text : "line " + line;
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
