/**
 * The safetensors file format: read and write.
 *
 * Layout: an unsigned 64-bit little-endian header length N, then N bytes of UTF-8 JSON
 * `{"NAME": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {..}}`
 * (padded with spaces to a multiple of 8), then the raw little-endian tensor bytes; offsets are
 * relative to the start of the data. We write F32; we read F32, F16, BF16 and F64 (converted to
 * Float32Array). Every problem is a `SafetensorsError` naming the file and what is wrong.
 */
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../core/atomic.js";
import { ScratchpadError } from "../core/errors.js";

/** Whether this machine stores numbers little-endian (then F32 data is copied byte for byte). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A named tensor as stored in a safetensors file (always float32 in memory). */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The dtypes this reader understands, with their sizes in bytes. */
export const SAFETENSORS_DTYPES: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** A safetensors file is unreadable or does not hold what was expected. `file` names it. */
export class SafetensorsError extends ScratchpadError {
  override readonly name = "SafetensorsError";
  constructor(
    /** The file (or label) the problem is in. */
    readonly file: string,
    /** What is wrong, in words. */
    readonly problem: string,
  ) {
    super("safetensors", `${file}: ${problem}`);
  }
}

/** Number of elements of a shape (1 for a scalar []). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Encode tensors as safetensors bytes (dtype F32, in the given order). `metadata` becomes the
 * string-to-string `__metadata__` map.
 */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) throw new ScratchpadError("safetensors_encode", `encodeSafetensors: tensor name "${t.name}" appears twice`);
    seen.add(t.name);
    if (shapeSize(t.shape) !== t.data.length) {
      throw new ScratchpadError(
        "safetensors_encode",
        `encodeSafetensors: tensor "${t.name}" has shape [${t.shape.join(", ")}] (${shapeSize(t.shape)} values) ` + `but ${t.data.length} values of data`,
      );
    }
    const bytes = t.data.length * 4;
    header[t.name] = { dtype: "F32", shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const jsonBytesLen = Buffer.byteLength(json, "utf8");
  json += " ".repeat((8 - ((8 + jsonBytesLen) % 8)) % 8);
  const headerBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors) {
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    } else {
      const dv = new DataView(out.buffer, pos, t.data.byteLength);
      for (let i = 0; i < t.data.length; i++) dv.setFloat32(i * 4, t.data[i], true);
    }
    pos += t.data.byteLength;
  }
  return out;
}

/** Write tensors to a safetensors file atomically (temp file + rename). */
export async function writeSafetensors(file: string, tensors: readonly NamedTensor[], metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

/** The parsed content of a safetensors file. */
export interface SafetensorsContent {
  /** Tensors by name, converted to float32, in file order. */
  tensors: Map<string, NamedTensor>;
  /** The original dtype of each tensor. */
  dtypes: Map<string, string>;
  /** The `__metadata__` map (empty when absent). */
  metadata: Record<string, string>;
}

/** Convert IEEE half-precision bits to a float. */
function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decodeData(bytes: Uint8Array, dtype: string, count: number): Float32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  if (dtype === "F32" && LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
  } else if (dtype === "F32") {
    for (let i = 0; i < count; i++) out[i] = dv.getFloat32(i * 4, true);
  } else if (dtype === "F64") {
    for (let i = 0; i < count; i++) out[i] = dv.getFloat64(i * 8, true);
  } else if (dtype === "F16") {
    for (let i = 0; i < count; i++) out[i] = f16ToF32(dv.getUint16(i * 2, true));
  } else {
    // BF16: the upper 16 bits of a float32.
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) u[i] = dv.getUint16(i * 2, true) << 16;
  }
  return out;
}

/** Parse one header entry, checking dtype, shape and offsets against the data section. */
function parseEntry(file: string, name: string, entry: unknown): { dtype: string; shape: number[]; begin: number; end: number } {
  const bad = (what: string) => new SafetensorsError(file, `tensor "${name}": ${what}`);
  if (typeof entry !== "object" || entry === null) throw bad("header entry is not an object");
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== "string" || !(dtype in SAFETENSORS_DTYPES)) {
    throw bad(`unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(SAFETENSORS_DTYPES).join(", ")})`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw bad(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
    throw bad(`data_offsets ${JSON.stringify(offsets)} is not [begin, end] with 0 ≤ begin ≤ end`);
  }
  const [begin, end] = offsets as number[];
  const expected = shapeSize(shape as number[]) * SAFETENSORS_DTYPES[dtype];
  if (end - begin !== expected) {
    throw bad(`header mismatch: shape [${shape.join(", ")}] of ${dtype} needs ${expected} bytes but data_offsets span ${end - begin}`);
  }
  return { dtype, shape: shape as number[], begin, end };
}

/**
 * Parse safetensors bytes. `file` is used in error messages. Throws `SafetensorsError` for a
 * truncated file, a malformed header, unsupported dtypes, sizes that disagree with shapes, and
 * overlapping or out-of-range data.
 */
export function parseSafetensors(bytes: Uint8Array, file = "<safetensors>"): SafetensorsContent {
  if (bytes.length < 8) throw new SafetensorsError(file, `file is truncated: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) {
    throw new SafetensorsError(file, `file is truncated or not safetensors: header length ${n} exceeds the ${bytes.length - 8} bytes after it`);
  }
  const headerLen = Number(n);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLen).toString("utf8"));
  } catch (err) {
    throw new SafetensorsError(file, `header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new SafetensorsError(file, "header is not a JSON object");
  }
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const tensors = new Map<string, NamedTensor>();
  const dtypes = new Map<string, string>();
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const { dtype, shape, begin, end } = parseEntry(file, name, entry);
    spans.push([begin, end, name]);
    entries.push({ name, dtype, shape, begin, end });
  }
  const needed = Math.max(0, ...spans.map((sp) => sp[1]));
  if (needed > dataLen) {
    const incomplete = spans.filter((sp) => sp[1] > dataLen).map((sp) => `"${sp[2]}"`);
    throw new SafetensorsError(
      file,
      `file is truncated: the header describes ${needed} bytes of tensor data but only ${dataLen} are present ` +
        `(incomplete: ${incomplete.slice(0, 3).join(", ")}${incomplete.length > 3 ? ` and ${incomplete.length - 3} more` : ""})`,
    );
  }
  for (const { name, dtype, shape, begin, end } of entries) {
    const data = decodeData(bytes.subarray(dataStart + begin, dataStart + end), dtype, shapeSize(shape));
    tensors.set(name, { name, shape, data });
    dtypes.set(name, dtype);
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) {
      throw new SafetensorsError(file, `tensors "${spans[i - 1][2]}" and "${spans[i][2]}" overlap in the data section`);
    }
  }
  return { tensors, dtypes, metadata };
}

/** Read and parse a safetensors file. A missing file is a `SafetensorsError` too. */
export async function readSafetensors(file: string): Promise<SafetensorsContent> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SafetensorsError(file, code === "ENOENT" ? "file is missing" : `cannot read (${(err as Error).message})`);
  }
  return parseSafetensors(bytes, file);
}
