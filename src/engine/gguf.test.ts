/**
 * The GGUF writer without llama.cpp: the file round-trips through the reader (metadata, tensor
 * shapes, F32 exactly, F16 within half precision), the vocabulary is spelled as llama.cpp's gpt2
 * tokenizer expects, Q/K rows are permuted as llama.cpp's converter permutes them, tied embeddings
 * have no output tensor, and bad input is refused with the fix named. (test/gguf-llama.test.ts
 * runs the exported file in llama.cpp itself.)
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveCheckpoint } from "./checkpoint.js";
import { validateConfig } from "./config.js";
import { float16BitsToFloat32, float32ToFloat16Bits, GgmlType, GgufTokenType, parseGguf, readGguf } from "./gguf.js";
import { checkpointToGguf, exportGguf, gpt2ByteToUnicode, ggufVocabulary, permuteRopeRows } from "./gguf-export.js";
import { Model } from "./model.js";
import { Tokenizer } from "./tokenizer.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "gguf-unit-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cfg = (over: Record<string, unknown> = {}) =>
  validateConfig({
    vocab_size: 110,
    hidden_size: 16,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    intermediate_size: 24,
    max_position_embeddings: 64,
    rms_norm_eps: 1e-5,
    rope_theta: 500,
    ...over,
  });

describe("GGUF writer", () => {
  it("round-trips metadata and tensors; F32 exactly, F16 to half precision with norms kept F32", () => {
    const tok = Tokenizer.create({ words: ["wait"] });
    const model = Model.init(cfg(), 3);
    for (const dtype of ["f32", "f16"] as const) {
      const file = parseGguf(checkpointToGguf({ model, tokenizer: tok }, { dtype, name: "t" }));
      expect(file.version).toBe(3);
      const md = (k: string) => file.metadata.get(k)?.value;
      expect(md("general.architecture")).toBe("llama");
      expect(md("general.file_type")).toBe(dtype === "f16" ? 1 : 0);
      expect([md("llama.context_length"), md("llama.embedding_length"), md("llama.block_count"), md("llama.feed_forward_length")]).toEqual([64, 16, 2, 24]);
      expect([md("llama.attention.head_count"), md("llama.attention.head_count_kv"), md("llama.rope.dimension_count"), md("llama.vocab_size")]).toEqual([
        4, 2, 4, 110,
      ]);
      expect(md("llama.rope.freq_base")).toBe(500);
      expect(md("llama.attention.layer_norm_rms_epsilon")).toBeCloseTo(1e-5, 10);
      expect([
        md("tokenizer.ggml.bos_token_id"),
        md("tokenizer.ggml.eos_token_id"),
        md("tokenizer.ggml.padding_token_id"),
        md("tokenizer.ggml.add_bos_token"),
      ]).toEqual([tok.bosId, tok.eosId, tok.padId, true]);
      expect(file.metadata.get("tokenizer.ggml.merges")?.value).toEqual([]);
      expect(file.tensors.map((t) => t.name)).toContain("output.weight");
      const byName = new Map(file.tensors.map((t) => [t.name, t]));
      const embed = byName.get("token_embd.weight")!;
      expect(embed.ne).toEqual([16, 110]); // innermost first
      expect(byName.get("blk.1.attn_k.weight")!.ne).toEqual([16, 8]); // GQA: 2 kv heads × 4
      expect(byName.get("blk.0.attn_norm.weight")!.type).toBe(GgmlType.F32);
      expect(embed.type).toBe(dtype === "f16" ? GgmlType.F16 : GgmlType.F32);
      const down = byName.get("blk.1.ffn_down.weight")!.data;
      const src = model.w.layers[1].down;
      for (let i = 0; i < src.length; i++) {
        if (dtype === "f32") expect(down[i]).toBe(src[i]);
        else expect(Math.abs(down[i] - src[i])).toBeLessThanOrEqual(Math.abs(src[i]) * 2 ** -11 + 2 ** -24);
      }
    }
  });

  it("permutes Q/K rows like convert_hf_to_gguf.py's LlamaModel.permute (rotate-half pairs → adjacent pairs)", () => {
    // One head of size 4 with rows r0..r3 (2 columns): HF pairs (r0, r2), (r1, r3); llama.cpp wants r0, r2, r1, r3.
    const w = Float32Array.from([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    expect([...permuteRopeRows(w, 4, 2, 1)]).toEqual([0, 0.5, 2, 2.5, 1, 1.5, 3, 3.5]);
    // Two heads of size 4: each head permuted on its own.
    const rows = Float32Array.from({ length: 8 }, (_, i) => i);
    expect([...permuteRopeRows(rows, 8, 1, 2)]).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
    const model = Model.init(cfg(), 4);
    const q = parseGguf(checkpointToGguf({ model, tokenizer: Tokenizer.default() })).tensors.find((t) => t.name === "blk.0.attn_q.weight")!;
    expect([...q.data.subarray(16, 32)]).toEqual([...model.w.layers[0].q.subarray(2 * 16, 3 * 16)]); // row 1 of head 0 = old row d/2 = 2
  });

  it("tied embeddings: no output.weight (llama.cpp then reuses token_embd)", () => {
    const model = Model.init(cfg({ tie_word_embeddings: true }), 5);
    const names = parseGguf(checkpointToGguf({ model, tokenizer: Tokenizer.default() })).tensors.map((t) => t.name);
    expect(names).not.toContain("output.weight");
    expect(names).toHaveLength(2 + 9 * 2);
  });

  it("spells the vocabulary as llama.cpp's gpt2 tokenizer reads it", () => {
    const tok = Tokenizer.create({ words: ["wait"], alphabet: "ab \n\té" });
    const v = ggufVocabulary(tok, tok.size + 2);
    const at = (s: string) => v.tokens.indexOf(s);
    expect(v.types[tok.padId]).toBe(GgufTokenType.CONTROL);
    expect(v.types[tok.bosId]).toBe(GgufTokenType.CONTROL);
    expect(v.types[tok.thinkId]).toBe(GgufTokenType.USER_DEFINED);
    expect(v.types[tok.tokenToId("wait")!]).toBe(GgufTokenType.USER_DEFINED);
    expect(v.tokens[tok.tokenToId(" ")!]).toBe("Ġ");
    expect(v.tokens[tok.tokenToId("\n")!]).toBe("Ċ");
    expect(v.tokens[tok.tokenToId("\t")!]).toBe("ĉ");
    expect(v.types[tok.tokenToId("a")!]).toBe(GgufTokenType.NORMAL);
    expect(v.types[at("é")]).toBe(GgufTokenType.USER_DEFINED); // beyond ASCII: matched in raw text
    expect(v.tokens.slice(-2)).toEqual([`[PAD${tok.size}]`, `[PAD${tok.size + 1}]`]);
    expect(v.types.slice(-2)).toEqual([GgufTokenType.UNUSED, GgufTokenType.UNUSED]);
    const table = gpt2ByteToUnicode();
    expect(new Set(table).size).toBe(256);
    expect([table[33], table[0], table[127], table[173]]).toEqual(["!", "Ā", "ġ", "Ń"]);
  });

  it("half precision conversion rounds to nearest even and keeps subnormals, infinities and NaN", () => {
    for (const x of [0, 1, -2.5, 65504, 6.1e-5, 5.96e-8, 1 / 3, -1e-3]) {
      expect(Math.abs(float16BitsToFloat32(float32ToFloat16Bits(x)) - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25);
    }
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to even
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00);
    expect(float16BitsToFloat32(float32ToFloat16Bits(-Infinity))).toBe(-Infinity);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true);
  });

  it("exportGguf writes a checkpoint atomically and refuses what llama.cpp could not use", async () => {
    const ckDir = path.join(dir, "ck");
    await saveCheckpoint(ckDir, { model: Model.init(cfg(), 6), tokenizer: Tokenizer.create({ words: ["wait"] }) });
    const out = path.join(dir, "m.gguf");
    const r = await exportGguf(ckDir, out, { dtype: "f16" });
    expect(r).toMatchObject({ dtype: "f16", tensors: 21 }); // 2 layers × 9 + embeddings, final norm, output
    expect((await readGguf(out)).metadata.get("general.name")?.value).toBe("ck");
    await expect(exportGguf(ckDir, path.join(dir, "m.bin"))).rejects.toThrow(/should end in \.gguf/);
    const bf = Tokenizer.create({ byteFallback: true });
    expect(() => checkpointToGguf({ model: Model.init(cfg({ vocab_size: bf.size }), 1), tokenizer: bf })).toThrow(/byte fallback .* not supported/);
    const bytes = await readFile(out);
    await writeFile(path.join(dir, "cut.gguf"), bytes.subarray(0, bytes.length - 100));
    await expect(readGguf(path.join(dir, "cut.gguf"))).rejects.toThrow(/cut\.gguf: file is truncated/);
    expect(() => parseGguf(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), "x.gguf")).toThrow(/x\.gguf: not a GGUF file/);
  });
});
