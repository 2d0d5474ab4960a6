/**
 * The parameters of a Hugging Face Llama model, in ONE flat Float32Array with named views (the
 * llm.c layout): gradients and optimizer moments mirror the same layout, so an optimizer step is a
 * loop over one array, and a checkpoint is a list of (name, shape, view) triples.
 *
 * Tensor names and shapes are those of `LlamaForCausalLM` (weights of Linear layers are [out, in]):
 *   model.embed_tokens.weight                           [V, C]
 *   model.layers.{i}.input_layernorm.weight             [C]
 *   model.layers.{i}.self_attn.{q,o}_proj.weight        [C, C]
 *   model.layers.{i}.self_attn.{k,v}_proj.weight        [KV*D, C]
 *   model.layers.{i}.post_attention_layernorm.weight    [C]
 *   model.layers.{i}.mlp.{gate,up}_proj.weight          [F, C]
 *   model.layers.{i}.mlp.down_proj.weight               [C, F]
 *   model.norm.weight                                   [C]
 *   lm_head.weight                                      [V, C]  (absent when tie_word_embeddings)
 * The forward and backward passes live in forward.ts / backward.ts.
 */
import { headDim, type ModelConfig } from "./config.js";
import { XoshiroRng } from "../core/rng.js";
import { ScratchpadError } from "../core/errors.js";

/** One named tensor of the flat parameter array. */
export interface TensorSpec {
  /** The Hugging Face name (e.g. "model.layers.0.self_attn.q_proj.weight"). */
  name: string;
  shape: number[];
  /** Offset (in floats) into the flat array, and number of floats. */
  offset: number;
  size: number;
  /** Whether AdamW applies weight decay to it (matrices yes, norm weights no). */
  decay: boolean;
}

/** The views of one transformer block's weights (or of their gradients). */
export interface LayerViews {
  inputNorm: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  o: Float32Array;
  postNorm: Float32Array;
  gate: Float32Array;
  up: Float32Array;
  down: Float32Array;
}

/** Views of every weight (or gradient) of a model; `lmHead` is `embed` itself when tied. */
export interface ParamViews {
  embed: Float32Array;
  layers: LayerViews[];
  finalNorm: Float32Array;
  lmHead: Float32Array;
}

/** A tensor as exchanged with checkpoints: a name, a shape and its data. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Raised for missing, extra or mis-shaped tensors when building a model from given tensors. */
export class ModelTensorError extends ScratchpadError {
  override readonly name = "ModelTensorError";
  constructor(
    readonly tensor: string,
    message: string,
  ) {
    super("model_tensor", message);
  }
}

/** The ordered list of tensors (with offsets) of a model of this config. */
export function parameterLayout(cfg: ModelConfig): TensorSpec[] {
  const C = cfg.hidden_size,
    V = cfg.vocab_size,
    F = cfg.intermediate_size;
  const KVD = cfg.num_key_value_heads * headDim(cfg);
  const specs: TensorSpec[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], decay: boolean): void => {
    const size = shape.reduce((a, b) => a * b, 1);
    specs.push({ name, shape, offset, size, decay });
    offset += size;
  };
  add("model.embed_tokens.weight", [V, C], true);
  for (let i = 0; i < cfg.num_hidden_layers; i++) {
    const p = `model.layers.${i}.`;
    add(p + "input_layernorm.weight", [C], false);
    add(p + "self_attn.q_proj.weight", [C, C], true);
    add(p + "self_attn.k_proj.weight", [KVD, C], true);
    add(p + "self_attn.v_proj.weight", [KVD, C], true);
    add(p + "self_attn.o_proj.weight", [C, C], true);
    add(p + "post_attention_layernorm.weight", [C], false);
    add(p + "mlp.gate_proj.weight", [F, C], true);
    add(p + "mlp.up_proj.weight", [F, C], true);
    add(p + "mlp.down_proj.weight", [C, F], true);
  }
  add("model.norm.weight", [C], false);
  if (!cfg.tie_word_embeddings) add("lm_head.weight", [V, C], true);
  return specs;
}

/** Builds named views over a flat buffer laid out by `parameterLayout`. */
export function makeViews(cfg: ModelConfig, layout: TensorSpec[], buf: Float32Array): ParamViews {
  const byName = new Map(layout.map((s) => [s.name, buf.subarray(s.offset, s.offset + s.size)]));
  const get = (n: string): Float32Array => byName.get(n)!;
  const layers: LayerViews[] = [];
  for (let i = 0; i < cfg.num_hidden_layers; i++) {
    const p = `model.layers.${i}.`;
    layers.push({
      inputNorm: get(p + "input_layernorm.weight"),
      q: get(p + "self_attn.q_proj.weight"),
      k: get(p + "self_attn.k_proj.weight"),
      v: get(p + "self_attn.v_proj.weight"),
      o: get(p + "self_attn.o_proj.weight"),
      postNorm: get(p + "post_attention_layernorm.weight"),
      gate: get(p + "mlp.gate_proj.weight"),
      up: get(p + "mlp.up_proj.weight"),
      down: get(p + "mlp.down_proj.weight"),
    });
  }
  const embed = get("model.embed_tokens.weight");
  return { embed, layers, finalNorm: get("model.norm.weight"), lmHead: cfg.tie_word_embeddings ? embed : get("lm_head.weight") };
}

/**
 * RoPE tables [maxPos, headDim/2] exactly as Hugging Face / PyTorch compute them in float32:
 * inv_freq[i] = 1 / theta^(2i/D), angle = float32(p · inv_freq[i]), cos/sin of that angle.
 */
export function ropeTables(cfg: ModelConfig): { cos: Float32Array; sin: Float32Array } {
  const D = headDim(cfg),
    h = D / 2,
    P = cfg.max_position_embeddings;
  const cos = new Float32Array(P * h),
    sin = new Float32Array(P * h);
  const f = Math.fround;
  for (let i = 0; i < h; i++) {
    const inv = f(1 / f(Math.pow(cfg.rope_theta, f((2 * i) / D))));
    for (let p = 0; p < P; p++) {
      const a = f(p * inv);
      cos[p * h + i] = Math.cos(a);
      sin[p * h + i] = Math.sin(a);
    }
  }
  return { cos, sin };
}

/** A Llama model's parameters (and, once training starts, their gradients) in flat arrays. */
export class Model {
  /** The tensors of the flat array, in order. */
  readonly layout: TensorSpec[];
  /** All parameters, one flat array. */
  readonly params: Float32Array;
  /** Named views into `params`. */
  readonly w: ParamViews;
  /** RoPE tables [max_position_embeddings, headDim/2]. */
  readonly ropeCos: Float32Array;
  readonly ropeSin: Float32Array;
  private gradBuf: Float32Array | null = null;
  private gradViews: ParamViews | null = null;

  /** Wraps a flat parameter array laid out by `parameterLayout(config)` (not copied). */
  constructor(
    readonly config: ModelConfig,
    params?: Float32Array,
  ) {
    this.layout = parameterLayout(config);
    const n = this.layout.reduce((s, t) => s + t.size, 0);
    if (params && params.length !== n) {
      throw new ModelTensorError("(all)", `the flat parameter array has ${params.length} floats but this config needs ${n}.`);
    }
    this.params = params ?? new Float32Array(n);
    this.w = makeViews(config, this.layout, this.params);
    const { cos, sin } = ropeTables(config);
    this.ropeCos = cos;
    this.ropeSin = sin;
  }

  /** Number of parameters (tied embeddings counted once). */
  get numParams(): number {
    return this.params.length;
  }

  /**
   * A randomly initialised model, deterministic for a seed: every matrix ~ N(0, std²)
   * (Hugging Face's initializer_range, default 0.02), every norm weight = 1.
   */
  static init(config: ModelConfig, seed: number, std = 0.02): Model {
    const m = new Model(config);
    const rng = new XoshiroRng(seed, 0x11a3a);
    for (const t of m.layout) {
      const view = m.params.subarray(t.offset, t.offset + t.size);
      if (t.shape.length === 1) view.fill(1);
      else for (let i = 0; i < view.length; i++) view[i] = rng.normal() * std;
    }
    return m;
  }

  /**
   * A model from named tensors (e.g. read from model.safetensors). Every tensor of the layout must be
   * present with the right shape; `lm_head.weight` is ignored when the config ties embeddings.
   * @throws ModelTensorError naming the missing, unexpected, mis-shaped or non-finite tensor.
   */
  static fromTensors(config: ModelConfig, tensors: Iterable<NamedTensor> | Map<string, NamedTensor>): Model {
    const m = new Model(config);
    const given = new Map<string, NamedTensor>();
    for (const t of tensors instanceof Map ? tensors.values() : tensors) given.set(t.name, t);
    for (const spec of m.layout) {
      const t = given.get(spec.name);
      if (!t)
        throw new ModelTensorError(
          spec.name,
          `tensor ${spec.name} is missing; the checkpoint does not match config.json (expected shape [${spec.shape.join(", ")}]).`,
        );
      if (t.shape.length !== spec.shape.length || t.shape.some((d, i) => d !== spec.shape[i]) || t.data.length !== spec.size) {
        throw new ModelTensorError(spec.name, `tensor ${spec.name} has shape [${t.shape.join(", ")}] but config.json implies [${spec.shape.join(", ")}].`);
      }
      for (let i = 0; i < t.data.length; i++) {
        if (!Number.isFinite(t.data[i])) {
          throw new ModelTensorError(
            spec.name,
            `tensor ${spec.name} holds a non-finite value (${t.data[i]}) at index ${i}; the checkpoint is corrupt or came from a diverged run. Use an earlier checkpoint.`,
          );
        }
      }
      m.params.set(t.data, spec.offset);
      given.delete(spec.name);
    }
    given.delete("lm_head.weight"); // tied checkpoints may still carry a copy of the embedding
    for (const name of given.keys()) {
      throw new ModelTensorError(name, `unexpected tensor ${name}: not part of a LlamaForCausalLM with this config.json.`);
    }
    return m;
  }

  /** The model's tensors with Hugging Face names, shapes and views (not copies) of their data. */
  tensors(): NamedTensor[] {
    return this.layout.map((t) => ({ name: t.name, shape: t.shape.slice(), data: this.params.subarray(t.offset, t.offset + t.size) }));
  }

  /** The flat gradient array (allocated, zeroed, on first use), mirroring `params`. */
  get grads(): Float32Array {
    if (!this.gradBuf) {
      this.gradBuf = new Float32Array(this.params.length);
      this.gradViews = makeViews(this.config, this.layout, this.gradBuf);
    }
    return this.gradBuf;
  }

  /** Named views into `grads`. */
  get g(): ParamViews {
    void this.grads;
    return this.gradViews!;
  }

  /** Sets every gradient to zero. */
  zeroGrads(): void {
    this.gradBuf?.fill(0);
  }

  /** A deep copy of the parameters (without gradients): e.g. a frozen reference model. */
  clone(): Model {
    return new Model({ ...this.config }, this.params.slice());
  }
}
