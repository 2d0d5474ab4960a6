/**
 * GGUF (llama.cpp's model file format, version 3): a writer that turns a checkpoint into a file
 * llama.cpp loads unmodified, and a reader for checking what was written.
 *
 * What the writer puts in the file, matching what llama.cpp's own `convert_hf_to_gguf.py` writes
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
import * as path from "node:path";
import { SCRATCHPAD_CHAT_TEMPLATE } from "../core/chat-template.js";
import { writeOutputFile } from "../core/atomic.js";
import { ScratchpadError } from "../core/errors.js";
import { loadCheckpoint } from "./checkpoint.js";
import { headDim, type ModelConfig } from "./config.js";
import type { Model } from "./model.js";
import type { Tokenizer } from "./tokenizer.js";

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

// ---------------------------------------------------------------------------------------------
// Tokenizer and tensors of a scratchpad model

let byteToUnicodeTable: string[] | undefined;

/**
 * GPT-2's byte-to-unicode map (`bytes_to_unicode` in OpenAI's encoder.py): printable bytes map to
 * themselves, the others (control characters, space, 127-160, 173) to U+0100 onwards in order.
 */
export function gpt2ByteToUnicode(): readonly string[] {
  if (byteToUnicodeTable) return byteToUnicodeTable;
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const table: string[] = [];
  let next = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(printable(b) ? b : 256 + next++);
  byteToUnicodeTable = table;
  return table;
}

/** The GGUF spelling and type of each token id (padded with UNUSED `[PADn]` tokens to `vocabSize`). */
export function ggufVocabulary(tokenizer: Tokenizer, vocabSize: number): { tokens: string[]; types: GgufTokenType[] } {
  if (tokenizer.byteFallback) {
    throw new GgufError(
      "GGUF export of a tokenizer with byte fallback (<0x00>…<0xFF> tokens) is not supported: export a model whose tokenizer has byteFallback off",
    );
  }
  const b2u = gpt2ByteToUnicode();
  const added = new Map(tokenizer.addedTokens.map((a) => [a.id, a]));
  const tokens: string[] = [];
  const types: GgufTokenType[] = [];
  for (let id = 0; id < vocabSize; id++) {
    const text = tokenizer.idToToken(id);
    const a = added.get(id);
    if (text === undefined) {
      tokens.push(`[PAD${id}]`);
      types.push(GgufTokenType.UNUSED);
    } else if (a) {
      tokens.push(text);
      types.push(a.special ? GgufTokenType.CONTROL : GgufTokenType.USER_DEFINED);
    } else if (text.length === 1 && text.charCodeAt(0) < 0x80) {
      tokens.push(b2u[text.charCodeAt(0)]);
      types.push(GgufTokenType.NORMAL);
    } else {
      // Beyond ASCII: a byte-level BPE without merges could not rebuild a multi-byte character,
      // but a USER_DEFINED token is matched in the raw text and decoded as is.
      tokens.push(text);
      types.push(GgufTokenType.USER_DEFINED);
    }
  }
  return { tokens, types };
}

/** llama.cpp's name of a Hugging Face Llama tensor. */
export function ggufTensorName(hfName: string): string {
  const fixed: Record<string, string> = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
  };
  if (fixed[hfName]) return fixed[hfName];
  const m = /^model\.layers\.(\d+)\.(.+)$/.exec(hfName);
  const layer: Record<string, string> = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.o_proj.weight": "attn_output.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
  };
  if (m && layer[m[2]]) return `blk.${m[1]}.${layer[m[2]]}`;
  throw new GgufError(`tensor "${hfName}" has no llama.cpp name; this exporter knows LlamaForCausalLM tensors only`);
}

/**
 * The row permutation of llama.cpp's converter (`LlamaModel.permute`): within each of `nHead`
 * heads, row `j·(d/2) + i` (rotate-half pairing) moves to row `2i + j` (adjacent pairs), for a
 * [nHead·d, cols] weight. Returns a new array.
 */
export function permuteRopeRows(data: Float32Array, rows: number, cols: number, nHead: number): Float32Array {
  if (rows % nHead !== 0 || (rows / nHead) % 2 !== 0) throw new GgufError(`cannot permute ${rows} rows into ${nHead} heads of even size`);
  const d = rows / nHead;
  const half = d / 2;
  const out = new Float32Array(data.length);
  for (let h = 0; h < nHead; h++) {
    for (let j = 0; j < 2; j++) {
      for (let i = 0; i < half; i++) {
        const src = (h * d + j * half + i) * cols;
        const dst = (h * d + 2 * i + j) * cols;
        out.set(data.subarray(src, src + cols), dst);
      }
    }
  }
  return out;
}

/** Options of `checkpointToGguf` / `exportGguf`. */
export interface GgufExportOptions {
  /** Precision of the matrices (default "f32"); norm weights are always F32. */
  dtype?: GgufDtype;
  /** `general.name` (default "scratchpad"). */
  name?: string;
  /** `tokenizer.chat_template` (default: the template `scratchpad serve` applies). */
  chatTemplate?: string;
}

/** The metadata entries of a model's GGUF file, in the order they are written. */
export function ggufMetadata(config: ModelConfig, tokenizer: Tokenizer, opts: GgufExportOptions = {}): [string, GgufValue][] {
  const u32 = (value: number): GgufValue => ({ type: GgufType.UINT32, value });
  const f32 = (value: number): GgufValue => ({ type: GgufType.FLOAT32, value });
  const s = (value: string): GgufValue => ({ type: GgufType.STRING, value });
  const vocab = ggufVocabulary(tokenizer, config.vocab_size);
  return [
    ["general.architecture", s("llama")],
    ["general.type", s("model")],
    ["general.name", s(opts.name ?? "scratchpad")],
    ["general.file_type", u32((opts.dtype ?? "f32") === "f16" ? 1 : 0)],
    ["general.quantization_version", u32(2)],
    ["llama.block_count", u32(config.num_hidden_layers)],
    ["llama.context_length", u32(config.max_position_embeddings)],
    ["llama.embedding_length", u32(config.hidden_size)],
    ["llama.feed_forward_length", u32(config.intermediate_size)],
    ["llama.attention.head_count", u32(config.num_attention_heads)],
    ["llama.attention.head_count_kv", u32(config.num_key_value_heads)],
    ["llama.rope.freq_base", f32(config.rope_theta)],
    ["llama.attention.layer_norm_rms_epsilon", f32(config.rms_norm_eps)],
    ["llama.rope.dimension_count", u32(headDim(config))],
    ["llama.vocab_size", u32(config.vocab_size)],
    ["tokenizer.ggml.model", s("gpt2")],
    ["tokenizer.ggml.pre", s("default")],
    ["tokenizer.ggml.tokens", { type: GgufType.ARRAY, itemType: GgufType.STRING, value: vocab.tokens }],
    ["tokenizer.ggml.token_type", { type: GgufType.ARRAY, itemType: GgufType.INT32, value: vocab.types }],
    ["tokenizer.ggml.merges", { type: GgufType.ARRAY, itemType: GgufType.STRING, value: [] }],
    ["tokenizer.ggml.bos_token_id", u32(tokenizer.bosId)],
    ["tokenizer.ggml.eos_token_id", u32(tokenizer.eosId)],
    ["tokenizer.ggml.unknown_token_id", u32(tokenizer.unkId)],
    ["tokenizer.ggml.padding_token_id", u32(tokenizer.padId)],
    ["tokenizer.ggml.add_bos_token", { type: GgufType.BOOL, value: true }],
    ["tokenizer.ggml.add_eos_token", { type: GgufType.BOOL, value: false }],
    ["tokenizer.chat_template", s(opts.chatTemplate ?? SCRATCHPAD_CHAT_TEMPLATE)],
  ];
}

/** The tensors of a model as llama.cpp expects them (names, Q/K permuted, dtype per tensor). */
export function ggufTensors(model: Model, dtype: GgufDtype = "f32"): GgufTensorInput[] {
  const cfg = model.config;
  const out: GgufTensorInput[] = [];
  for (const t of model.tensors()) {
    let data = t.data;
    if (t.name.endsWith("self_attn.q_proj.weight")) data = permuteRopeRows(data, t.shape[0], t.shape[1], cfg.num_attention_heads);
    else if (t.name.endsWith("self_attn.k_proj.weight")) data = permuteRopeRows(data, t.shape[0], t.shape[1], cfg.num_key_value_heads);
    const type = dtype === "f16" && t.shape.length > 1 ? GgmlType.F16 : GgmlType.F32;
    out.push({ name: ggufTensorName(t.name), shape: [...t.shape], data, type });
  }
  return out;
}

/** A whole GGUF file of a model and its tokenizer. */
export function checkpointToGguf(c: { model: Model; tokenizer: Tokenizer }, opts: GgufExportOptions = {}): Uint8Array {
  const dtype = opts.dtype ?? "f32";
  if (dtype !== "f32" && dtype !== "f16") throw new GgufError(`dtype must be f32 or f16, got ${JSON.stringify(dtype)}`);
  if (c.tokenizer.size > c.model.config.vocab_size) {
    throw new GgufError(`the tokenizer has ${c.tokenizer.size} tokens but vocab_size is ${c.model.config.vocab_size}; the checkpoint is inconsistent`);
  }
  return encodeGguf(ggufMetadata(c.model.config, c.tokenizer, { ...opts, dtype }), ggufTensors(c.model, dtype));
}

/** What `exportGguf` wrote. */
export interface GgufExportResult {
  file: string;
  bytes: number;
  dtype: GgufDtype;
  tensors: number;
}

/**
 * Export a checkpoint folder to a GGUF file, written atomically (a temp sibling, fsynced, renamed):
 * an existing file at `out` is replaced only once the new one is complete.
 */
export async function exportGguf(dir: string, out: string, opts: GgufExportOptions = {}): Promise<GgufExportResult> {
  if (!out.endsWith(".gguf")) throw new GgufError(`the output file "${out}" should end in .gguf (llama.cpp and Ollama look for that extension)`);
  const ck = await loadCheckpoint(dir, { optimizer: false });
  const name = opts.name ?? path.basename(ck.dir);
  const dtype = opts.dtype ?? "f32";
  const bytes = checkpointToGguf(ck, { ...opts, name, dtype });
  await writeOutputFile(out, bytes);
  return { file: out, bytes: bytes.length, dtype, tensors: ck.model.tensors().length };
}
