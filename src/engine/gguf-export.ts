/**
 * GGUF export of a scratchpad checkpoint (`scratchpad export --format gguf`): the llama mapping that
 * `gguf.ts`'s file header describes — the tokenizer as a GPT-2-style character vocabulary, tensors
 * under llama.cpp's names with Q/K rows permuted as its converter does, the `llama.*` metadata and
 * the chat template — encoded with `gguf.ts` and written atomically.
 */
import * as path from "node:path";
import { SCRATCHPAD_CHAT_TEMPLATE } from "../core/chat-template.js";
import { writeOutputFile } from "../core/atomic.js";
import { loadCheckpoint } from "./checkpoint.js";
import { headDim, type ModelConfig } from "./config.js";
import type { Model } from "./model.js";
import type { Tokenizer } from "./tokenizer.js";
import { encodeGguf, GgmlType, GgufError, GgufTokenType, GgufType, type GgufDtype, type GgufTensorInput, type GgufValue } from "./gguf.js";

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
