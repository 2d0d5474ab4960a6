// Tests of the model's configuration and parameter layout: LlamaConfig validation with errors that
// name the field, Hugging Face tensor names and shapes (tied and untied, GQA), deterministic init,
// construction from tensors with clear errors, RoPE tables, AdamW clipping and the LR schedule.
import { describe, expect, it } from "vitest";
import { ConfigError, validateConfig } from "./config.js";
import { tsKernels } from "./kernels/ts.js";
import { Model, ModelTensorError } from "./model.js";
import { AdamW, OptimizerError } from "./optim.js";
import { learningRate, ScheduleError } from "./schedule.js";

const base = {
  vocab_size: 10,
  hidden_size: 8,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  intermediate_size: 12,
  max_position_embeddings: 16,
};

describe("validateConfig", () => {
  it("fills Hugging Face defaults and accepts HF bookkeeping fields", () => {
    const c = validateConfig({
      ...base,
      num_key_value_heads: undefined,
      architectures: ["LlamaForCausalLM"],
      model_type: "llama",
      hidden_act: "silu",
      torch_dtype: "float32",
    });
    expect(c).toMatchObject({ num_key_value_heads: 2, rms_norm_eps: 1e-6, rope_theta: 10000, tie_word_embeddings: false });
  });

  it.each([
    [{ ...base, vocab_size: undefined }, "vocab_size", /missing/],
    [{ ...base, hidden_size: 8.5 }, "hidden_size", /positive integer/],
    [{ ...base, num_attention_heads: 3 }, "num_attention_heads", /divide hidden_size/],
    [{ ...base, num_attention_heads: 8 }, "num_attention_heads", /odd head size/],
    [{ ...base, num_key_value_heads: 3, num_attention_heads: 2 }, "num_key_value_heads", /divide num_attention_heads/],
    [{ ...base, hidden_act: "gelu" }, "hidden_act", /not supported/],
    [{ ...base, rope_scaling: { type: "linear" } }, "rope_scaling", /not supported/],
    [{ ...base, hidden_sise: 8 }, "hidden_sise", /spelling/],
    [{ ...base, tie_word_embeddings: "yes" }, "tie_word_embeddings", /true or false/],
    [{ ...base, eos_token_id: 10 }, "eos_token_id", /token id in \[0, 10\)/],
  ])("rejects bad field %#", (raw, field, msg) => {
    try {
      validateConfig(raw);
      expect.unreachable("should throw");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).field).toBe(field);
      expect((e as Error).message).toMatch(msg);
      expect((e as Error).message).toContain(`"${field}"`);
    }
  });
});

describe("Model", () => {
  it("lays out LlamaForCausalLM tensors with HF names and shapes (GQA, untied)", () => {
    const m = Model.init(validateConfig(base), 1);
    const t = m.tensors();
    expect(t.map((x) => x.name)).toEqual([
      "model.embed_tokens.weight",
      ...[0, 1].flatMap((i) =>
        [
          "input_layernorm",
          "self_attn.q_proj",
          "self_attn.k_proj",
          "self_attn.v_proj",
          "self_attn.o_proj",
          "post_attention_layernorm",
          "mlp.gate_proj",
          "mlp.up_proj",
          "mlp.down_proj",
        ].map((n) => `model.layers.${i}.${n}.weight`),
      ),
      "model.norm.weight",
      "lm_head.weight",
    ]);
    const shape = Object.fromEntries(t.map((x) => [x.name, x.shape]));
    expect(shape["model.layers.0.self_attn.k_proj.weight"]).toEqual([4, 8]); // 1 kv head × head size 4
    expect(shape["model.layers.0.mlp.down_proj.weight"]).toEqual([8, 12]);
    expect(shape["lm_head.weight"]).toEqual([10, 8]);
    expect(m.numParams).toBe(t.reduce((s, x) => s + x.data.length, 0));
    // views share the flat array
    t[0].data[0] = 42;
    expect(m.params[0]).toBe(42);
  });

  it("ties the LM head to the embedding (no lm_head.weight tensor)", () => {
    const m = Model.init(validateConfig({ ...base, tie_word_embeddings: true }), 1);
    expect(m.tensors().some((t) => t.name === "lm_head.weight")).toBe(false);
    expect(m.w.lmHead).toBe(m.w.embed);
    expect(m.g.lmHead).toBe(m.g.embed);
  });

  it("initialises deterministically: N(0, 0.02²) matrices, unit norms", () => {
    const cfg = validateConfig({ ...base, hidden_size: 64, num_attention_heads: 4, num_key_value_heads: 4, intermediate_size: 128 });
    const a = Model.init(cfg, 5),
      b = Model.init(cfg, 5),
      c = Model.init(cfg, 6);
    expect(a.params).toEqual(b.params);
    expect(a.params).not.toEqual(c.params);
    const q = a.w.layers[0].q;
    const mean = q.reduce((s, x) => s + x, 0) / q.length;
    const std = Math.sqrt(q.reduce((s, x) => s + (x - mean) ** 2, 0) / q.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
    expect([...a.w.finalNorm].every((x) => x === 1)).toBe(true);
  });

  it("round-trips through tensors() / fromTensors and names bad tensors", () => {
    const cfg = validateConfig(base);
    const a = Model.init(cfg, 2);
    const b = Model.fromTensors(cfg, a.tensors());
    expect(b.params).toEqual(a.params);
    const missing = a.tensors().filter((t) => t.name !== "model.norm.weight");
    expect(() => Model.fromTensors(cfg, missing)).toThrow(/model\.norm\.weight is missing/);
    const bad = a.tensors().map((t) => (t.name === "model.layers.1.mlp.up_proj.weight" ? { ...t, shape: [8, 12] } : t));
    expect(() => Model.fromTensors(cfg, bad)).toThrow(ModelTensorError);
    expect(() => Model.fromTensors(cfg, bad)).toThrow(/up_proj.*\[8, 12\].*\[12, 8\]/);
    const extra = [...a.tensors(), { name: "model.layers.2.input_layernorm.weight", shape: [8], data: new Float32Array(8) }];
    expect(() => Model.fromTensors(cfg, extra)).toThrow(/unexpected tensor model\.layers\.2/);
  });

  it("computes RoPE tables as Hugging Face does (inv_freq = theta^(-2i/D))", () => {
    const m = new Model(validateConfig({ ...base, rope_theta: 500 }));
    const h = 2; // head size 4
    for (const p of [0, 1, 7, 15])
      for (let i = 0; i < h; i++) {
        const f = p * Math.pow(500, (-2 * i) / 4);
        expect(m.ropeCos[p * h + i]).toBeCloseTo(Math.cos(f), 6);
        expect(m.ropeSin[p * h + i]).toBeCloseTo(Math.sin(f), 6);
      }
  });
});

describe("AdamW and the schedule", () => {
  it("clips the global gradient norm, skips decay on norms, zeroes gradients", () => {
    const m = Model.init(validateConfig(base), 3);
    const before = m.params.slice();
    const opt = new AdamW(m, tsKernels, { weightDecay: 0.5 });
    m.grads.fill(0);
    m.g.layers[0].q.fill(3); // norm = 3·sqrt(64) = 24
    const { gradNorm } = opt.step({ lr: 0.1, maxGradNorm: 1 });
    expect(gradNorm).toBeCloseTo(24, 4);
    expect([...m.grads].every((x) => x === 0)).toBe(true);
    // Adam's first step moves each coordinate with a nonzero gradient by ~lr (after decay)
    const q0 = m.w.layers[0].q[0],
      q0b = before[m.layout[2].offset];
    expect(q0).toBeCloseTo(q0b * (1 - 0.1 * 0.5) - 0.1, 4);
    // a norm weight with zero gradient is untouched (no decay); a matrix with zero gradient decays
    expect(m.w.layers[0].inputNorm[0]).toBe(1);
    expect(m.w.layers[0].k[0]).toBeCloseTo(before[m.layout[3].offset] * 0.95, 6);
    m.grads[0] = NaN;
    expect(() => opt.step({ lr: 0.1 })).toThrow(OptimizerError);
  });

  it("warms up linearly then decays by a cosine to minLr", () => {
    const s = { lr: 1, warmupSteps: 10, totalSteps: 110, minLr: 0.1 };
    expect(learningRate(0, s)).toBeCloseTo(0.1);
    expect(learningRate(9, s)).toBeCloseTo(1);
    expect(learningRate(10, s)).toBeCloseTo(1);
    expect(learningRate(60, s)).toBeCloseTo(0.55);
    expect(learningRate(110, s)).toBeCloseTo(0.1);
    expect(learningRate(500, s)).toBeCloseTo(0.1);
    expect(() => learningRate(0, { ...s, warmupSteps: 200 })).toThrow(ScheduleError);
  });
});
