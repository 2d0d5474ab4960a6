/**
 * GGUF (llama.cpp's model file format, version 3): its types, an encoder of metadata and tensors,
 * and a parser/reader for checking what was written. What a scratchpad checkpoint becomes in it
 * (the llama mapping: vocabulary, tensor names, Q/K permutation, metadata) is `gguf-export.ts`:
 *
 * What the exporter puts in the file, matching what llama.cpp's own `convert_hf_to_gguf.py` writes
 * for a `LlamaForCausalLM`:
 *
 * - `general.architecture = "llama"` and the `llama.*` hyperparameters (context length, widths,
 *   heads, RoPE base, RMSNorm epsilon, vocabulary size).
 * - Tensors under llama.cpp's names (`token_embd`, `blk.N.attn_q`, ...), dimensions innermost
 *   first. The rows of Q and K are permuted the way the converter's `LlamaModel.permute` does:
 *   Hugging Face rotates halves of each head (rotate-half RoPE), llama.cpp's `llama` architecture
 *   rotates adjacent pairs, and the permutation makes the two compute the same thing. Tied
 *   embeddings: no `output.weight`, llama.cpp then uses `token_embd` for the output.
 * - The tokenizer as `tokenizer.ggml.model = "gpt2"` with an empty merge list (a byte-level BPE
 *   with no merges is a character vocabulary): each character token spelled in GPT-2's
 *   byte-to-unicode form, `<think>`, `</think>` and words such as `wait` as USER_DEFINED tokens
 *   (matched in raw text before BPE, anywhere, like the engine's added tokens), the special tokens
 *   (`<pad>`, `<bos>`, `<eos>`, `<unk>`) as CONTROL, `add_bos_token = true` (the engine's models
 *   always see BOS first), and `tokenizer.chat_template` = the template `scratchpad serve` applies.
 *   A character outside ASCII becomes a USER_DEFINED token too (llama.cpp copies such tokens'
 *   text as is), so corpus alphabets with accents export as well.
 * - F32, or F16 for the matrices (norm weights stay F32, as the converter does).
 */
import { readFile } from "node:fs/promises";
import { ScratchpadError } from "../core/errors.js";

/** "GGUF" read as a little-endian u32. */
export const GGUF_MAGIC = 0x46554747;
/** The format version written. */
export const GGUF_VERSION = 3;
/** Tensor data alignment (llama.cpp's default `general.alignment`). */
export const GGUF_ALIGNMENT = 32;

/** GGUF metadata value types. */
export enum GgufType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

/** ggml tensor types this module writes and reads. */
export enum GgmlType {
  F32 = 0,
  F16 = 1,
}

/** llama.cpp's token types (`tokenizer.ggml.token_type`). */
export enum GgufTokenType {
  NORMAL = 1,
  UNKNOWN = 2,
  CONTROL = 3,
  USER_DEFINED = 4,
  UNUSED = 5,
  BYTE = 6,
}

/** A metadata value: a scalar of `type`, or an array of `itemType`. */
export type GgufValue =
  | { type: Exclude<GgufType, GgufType.ARRAY>; value: number | bigint | boolean | string }
  | { type: GgufType.ARRAY; itemType: Exclude<GgufType, GgufType.ARRAY>; value: (number | bigint | boolean | string)[] };

/** One tensor to write: row-major data, shape outermost first (as in PyTorch). */
export interface GgufTensorInput {
  name: string;
  /** PyTorch order, e.g. [out, in] for a linear weight. */
  shape: number[];
  data: Float32Array;
  type: GgmlType;
}

/** A tensor read back: `ne` is GGUF's order (innermost first), `data` converted to float32. */
export interface GgufTensor {
  name: string;
  ne: number[];
  type: GgmlType;
  data: Float32Array;
}

/** A parsed GGUF file. */
export interface GgufFile {
  version: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensor[];
}

/** Precision of an export. */
export type GgufDtype = "f32" | "f16";

/** A GGUF file cannot be written or read; the message names the problem and the fix. */
export class GgufError extends ScratchpadError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("gguf_invalid", message, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers

/** Grows a byte buffer as little-endian values are appended. */
class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.reserve(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
  }
  i8(v: number): void {
    this.reserve(1);
    this.view.setInt8(this.length, v);
    this.length += 1;
  }
  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }
  i16(v: number): void {
    this.reserve(2);
    this.view.setInt16(this.length, v, true);
    this.length += 2;
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  f32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  u64(v: number | bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
  }
  i64(v: number | bigint): void {
    this.reserve(8);
    this.view.setBigInt64(this.length, BigInt(v), true);
    this.length += 8;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  str(s: string): void {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.bytes(b);
  }
  pad(align: number): void {
    const n = (align - (this.length % align)) % align;
    this.reserve(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  result(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

function writeScalar(w: ByteWriter, type: GgufType, v: number | bigint | boolean | string, key: string): void {
  const num = () => {
    if (typeof v !== "number" && typeof v !== "bigint") throw new GgufError(`metadata "${key}": expected a number, got ${JSON.stringify(v)}`);
    return v;
  };
  switch (type) {
    case GgufType.UINT8:
      return w.u8(Number(num()));
    case GgufType.INT8:
      return w.i8(Number(num()));
    case GgufType.UINT16:
      return w.u16(Number(num()));
    case GgufType.INT16:
      return w.i16(Number(num()));
    case GgufType.UINT32:
      return w.u32(Number(num()));
    case GgufType.INT32:
      return w.i32(Number(num()));
    case GgufType.FLOAT32:
      return w.f32(Number(num()));
    case GgufType.FLOAT64:
      return w.f64(Number(num()));
    case GgufType.UINT64:
      return w.u64(num());
    case GgufType.INT64:
      return w.i64(num());
    case GgufType.BOOL:
      return w.u8(v ? 1 : 0);
    case GgufType.STRING:
      if (typeof v !== "string") throw new GgufError(`metadata "${key}": expected a string, got ${JSON.stringify(v)}`);
      return w.str(v);
    default:
      throw new GgufError(`metadata "${key}": unsupported value type ${String(type)}`);
  }
}

/** IEEE half-precision bits of a float32 value (round to nearest even; overflow to infinity). */
export function float32ToFloat16Bits(x: number): number {
  f32Scratch[0] = x;
  const bits = u32Scratch[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / nan
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    if (e < -10) return sign; // underflow to zero
    mant |= 0x800000; // implicit leading one
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half += 1;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half += 1; // may carry into the exponent: still right
  if ((half & 0x7fff) >= 0x7c00) half = 0x7c00;
  return sign | half;
}

/** The float value of IEEE half-precision bits. */
export function float16BitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/**
 * Encode a GGUF file: header, metadata (in the given order), tensor infos, aligned tensor data.
 * Dimensions are written innermost first (`ne`), i.e. the reverse of each tensor's `shape`.
 */
export function encodeGguf(metadata: ReadonlyArray<readonly [string, GgufValue]>, tensors: readonly GgufTensorInput[]): Uint8Array {
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(metadata.length);
  const seen = new Set<string>();
  for (const [key, v] of metadata) {
    if (seen.has(key)) throw new GgufError(`metadata key "${key}" appears twice`);
    seen.add(key);
    w.str(key);
    w.u32(v.type);
    if (v.type === GgufType.ARRAY) {
      w.u32(v.itemType);
      w.u64(v.value.length);
      for (const item of v.value) writeScalar(w, v.itemType, item, key);
    } else {
      writeScalar(w, v.type, v.value, key);
    }
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length)
      throw new GgufError(`tensor "${t.name}": shape [${t.shape.join(", ")}] holds ${count} values but the data has ${t.data.length}`);
    w.str(t.name);
    w.u32(t.shape.length);
    for (const d of [...t.shape].reverse()) w.u64(d);
    w.u32(t.type);
    w.u64(offset);
    offsets.push(offset);
    offset += count * (t.type === GgmlType.F16 ? 2 : 4);
    offset += (GGUF_ALIGNMENT - (offset % GGUF_ALIGNMENT)) % GGUF_ALIGNMENT;
  }
  w.pad(GGUF_ALIGNMENT);
  const dataStart = w.length;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    w.pad(GGUF_ALIGNMENT);
    if (w.length - dataStart !== offsets[i]) throw new GgufError(`internal error: tensor "${t.name}" lands at ${w.length - dataStart}, not ${offsets[i]}`);
    if (t.type === GgmlType.F32) {
      w.bytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice()); // little-endian hosts only (checked below)
    } else {
      const half = new Uint16Array(t.data.length);
      for (let j = 0; j < t.data.length; j++) half[j] = float32ToFloat16Bits(t.data[j]);
      w.bytes(new Uint8Array(half.buffer));
    }
  }
  return w.result();
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new GgufError("this GGUF writer assumes a little-endian host");
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Parse a GGUF file (F32 and F16 tensors; metadata of every type). `label` names it in errors. */
export function parseGguf(bytes: Uint8Array, label = "GGUF file"): GgufFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const need = (n: number, what: string) => {
    if (pos + n > bytes.length) throw new GgufError(`${label}: file is truncated while reading ${what} (at byte ${pos})`);
  };
  const u32 = (what: string) => {
    need(4, what);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (what: string) => {
    need(8, what);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    return Number(v);
  };
  const str = (what: string) => {
    const n = u64(what);
    need(n, what);
    const s = Buffer.from(bytes.subarray(pos, pos + n)).toString("utf8");
    pos += n;
    return s;
  };
  const scalar = (type: GgufType, what: string): number | bigint | boolean | string => {
    switch (type) {
      case GgufType.UINT8:
        need(1, what);
        return view.getUint8(pos++);
      case GgufType.INT8:
        need(1, what);
        return view.getInt8(pos++);
      case GgufType.UINT16: {
        need(2, what);
        const v = view.getUint16(pos, true);
        pos += 2;
        return v;
      }
      case GgufType.INT16: {
        need(2, what);
        const v = view.getInt16(pos, true);
        pos += 2;
        return v;
      }
      case GgufType.UINT32:
        return u32(what);
      case GgufType.INT32: {
        need(4, what);
        const v = view.getInt32(pos, true);
        pos += 4;
        return v;
      }
      case GgufType.FLOAT32: {
        need(4, what);
        const v = view.getFloat32(pos, true);
        pos += 4;
        return v;
      }
      case GgufType.FLOAT64: {
        need(8, what);
        const v = view.getFloat64(pos, true);
        pos += 8;
        return v;
      }
      case GgufType.UINT64: {
        need(8, what);
        const v = view.getBigUint64(pos, true);
        pos += 8;
        return v;
      }
      case GgufType.INT64: {
        need(8, what);
        const v = view.getBigInt64(pos, true);
        pos += 8;
        return v;
      }
      case GgufType.BOOL:
        need(1, what);
        return view.getUint8(pos++) !== 0;
      case GgufType.STRING:
        return str(what);
      default:
        throw new GgufError(`${label}: ${what} has unknown value type ${type}`);
    }
  };
  if (u32("the magic") !== GGUF_MAGIC) throw new GgufError(`${label}: not a GGUF file (the first four bytes are not "GGUF")`);
  const version = u32("the version");
  if (version !== 2 && version !== 3) throw new GgufError(`${label}: GGUF version ${version} is not supported (2 or 3)`);
  const nTensors = u64("the tensor count");
  const nKv = u64("the metadata count");
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < nKv; i++) {
    const key = str("a metadata key");
    const type = u32(`the type of "${key}"`) as GgufType;
    if (type === GgufType.ARRAY) {
      const itemType = u32(`the item type of "${key}"`) as Exclude<GgufType, GgufType.ARRAY>;
      const n = u64(`the length of "${key}"`);
      const value: (number | bigint | boolean | string)[] = [];
      for (let j = 0; j < n; j++) value.push(scalar(itemType, `"${key}"[${j}]`));
      metadata.set(key, { type, itemType, value });
    } else {
      metadata.set(key, { type, value: scalar(type, `"${key}"`) });
    }
  }
  const infos: { name: string; ne: number[]; type: GgmlType; offset: number }[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = str("a tensor name");
    const nd = u32(`the rank of "${name}"`);
    const ne: number[] = [];
    for (let d = 0; d < nd; d++) ne.push(u64(`the shape of "${name}"`));
    const type = u32(`the type of "${name}"`);
    if (type !== GgmlType.F32 && type !== GgmlType.F16)
      throw new GgufError(`${label}: tensor "${name}" has ggml type ${type}; only F32 (0) and F16 (1) are read here`);
    infos.push({ name, ne, type, offset: u64(`the offset of "${name}"`) });
  }
  const alignment = Number((metadata.get("general.alignment")?.value as number | undefined) ?? GGUF_ALIGNMENT);
  const dataStart = Math.ceil(pos / alignment) * alignment;
  const tensors: GgufTensor[] = infos.map((t) => {
    const count = t.ne.reduce((a, b) => a * b, 1);
    const size = count * (t.type === GgmlType.F16 ? 2 : 4);
    const start = dataStart + t.offset;
    if (start + size > bytes.length)
      throw new GgufError(`${label}: file is truncated: tensor "${t.name}" needs bytes ${start}..${start + size} of ${bytes.length}`);
    const data = new Float32Array(count);
    for (let j = 0; j < count; j++) {
      data[j] = t.type === GgmlType.F32 ? view.getFloat32(start + 4 * j, true) : float16BitsToFloat32(view.getUint16(start + 2 * j, true));
    }
    return { name: t.name, ne: t.ne, type: t.type, data };
  });
  return { version, metadata, tensors };
}

/** Read and parse a GGUF file from disk. */
export async function readGguf(file: string): Promise<GgufFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new GgufError(`${file}: cannot read (${(err as Error).message})`, { cause: err });
  }
  return parseGguf(bytes, file);
}
