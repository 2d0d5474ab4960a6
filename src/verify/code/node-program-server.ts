/**
 * `NODE_PROGRAM_SERVER`: the untrusted Node process of a JavaScript/TypeScript test run (`/box/program.cjs`); the
 * design of the two processes is in node-runner.ts.
 */
import { SUCRASE_TRANSPILE_JS } from "./transpile-in-sandbox.js";
import { JS_CODEC } from "./node-codec.js";

/** Source of `program.cjs`: the untrusted side (the design: node-runner.ts). */
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
