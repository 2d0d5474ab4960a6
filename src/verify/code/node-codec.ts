/**
 * The source both Node processes of a JavaScript/TypeScript test run share (node-runner.ts): the tagged-JSON codec
 * (handles are side-specific) and `where`, the line of an error's stack in a given file. JavaScript source, embedded in `NODE_PROGRAM_SERVER` and `NODE_TEST_RUNNER`.
 */
export const JS_CODEC = String.raw`
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


function where(e, filename, src) {
  const stack = e && typeof e === "object" && typeof e.stack === "string" ? e.stack : "";
  const m = new RegExp(filename.replace(".", "\\.") + ":(\\d+):(\\d+)").exec(stack);
  if (!m) return undefined;
  const line = Number(m[1]);
  const text = (src.split("\n")[line - 1] || "").trim();
  return text ? "line " + line + ": " + text : "line " + line;
}

`;
