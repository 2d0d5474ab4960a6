/**
 * The model configuration of the embedded engine: the fields of Hugging Face's `LlamaConfig`, with
 * validation that names the offending field and the fix.
 *
 * A checkpoint's `config.json` is a Hugging Face config; fields the engine does not use but that
 * Hugging Face writes (architectures, model_type, torch_dtype, hidden_act, ...) are accepted when
 * they are compatible, and anything the engine cannot honour (biases, rope scaling, another
 * activation) is an error rather than a silent mismatch.
 */
import { ScratchpadError } from "../core/errors.js";

/** The architecture of a Llama model, named exactly as Hugging Face's `LlamaConfig`. */
export interface ModelConfig {
  /** Number of token ids (embedding rows and LM-head outputs). */
  vocab_size: number;
  /** Width of the residual stream (C). */
  hidden_size: number;
  /** Number of transformer blocks. */
  num_hidden_layers: number;
  /** Query heads; hidden_size must be divisible by it, and the head size must be even (RoPE). */
  num_attention_heads: number;
  /** Key/value heads (grouped-query attention); divides num_attention_heads. Defaults to num_attention_heads. */
  num_key_value_heads: number;
  /** Width of the SwiGLU MLP. */
  intermediate_size: number;
  /** Longest sequence (prompt + completion) the model handles; sizes the RoPE tables and KV caches. */
  max_position_embeddings: number;
  /** Epsilon inside the RMSNorm square root. Default 1e-6 (Hugging Face's default). */
  rms_norm_eps: number;
  /** RoPE base. Default 10000. */
  rope_theta: number;
  /** Whether the LM head shares the embedding matrix. Default false (Hugging Face's Llama default). */
  tie_word_embeddings: boolean;
  /** Optional special token ids (as in Hugging Face configs). */
  bos_token_id?: number;
  eos_token_id?: number;
  pad_token_id?: number;
}

/** A configuration problem: names the field, what is wrong and how to fix it. */
export class ConfigError extends ScratchpadError {
  override readonly name = "ConfigError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super("config", `config field "${field}": ${message}`);
  }
}

const REQUIRED_INTS = ["vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size"] as const;

/** Hugging Face fields that carry no information for this engine but are accepted when present. */
const IGNORED = new Set([
  "architectures",
  "model_type",
  "torch_dtype",
  "transformers_version",
  "initializer_range",
  "use_cache",
  "pretraining_tp",
  "_name_or_path",
  "dtype",
]);

function positiveInt(raw: Record<string, unknown>, field: string, fallback?: number): number {
  const v = raw[field] ?? fallback;
  if (v === undefined) throw new ConfigError(field, `is missing; add "${field}": <positive integer> to the config.`);
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new ConfigError(field, `must be a positive integer, got ${JSON.stringify(v)}.`);
  }
  return v;
}

function positiveNumber(raw: Record<string, unknown>, field: string, fallback: number): number {
  const v = raw[field] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new ConfigError(field, `must be a positive number, got ${JSON.stringify(v)}.`);
  }
  return v;
}

function optionalTokenId(raw: Record<string, unknown>, field: string, vocab: number): number | undefined {
  let v = raw[field];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.length > 0) v = v[0]; // Hugging Face allows a list of eos ids; the first is the default.
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= vocab) {
    throw new ConfigError(field, `must be a token id in [0, ${vocab}), got ${JSON.stringify(raw[field])}.`);
  }
  return v;
}

/** Checks that a value the engine cannot change matches the only value it supports. */
function mustBe(raw: Record<string, unknown>, field: string, allowed: unknown[], fix: string): void {
  if (!(field in raw) || raw[field] === null) return;
  if (!allowed.includes(raw[field])) {
    throw new ConfigError(field, `${JSON.stringify(raw[field])} is not supported by the embedded engine; ${fix}.`);
  }
}

/**
 * Validates a parsed Hugging Face `config.json` (or a plain object) and returns a complete
 * `ModelConfig` with defaults filled in.
 * @throws ConfigError naming the field, the problem and the fix.
 */
export function validateConfig(raw: unknown): ModelConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError("(root)", "the config must be a JSON object of Hugging Face LlamaConfig fields.");
  }
  const r = raw as Record<string, unknown>;
  for (const f of REQUIRED_INTS) positiveInt(r, f);
  const known = new Set<string>([
    ...REQUIRED_INTS,
    "num_key_value_heads",
    "max_position_embeddings",
    "rms_norm_eps",
    "rope_theta",
    "tie_word_embeddings",
    "bos_token_id",
    "eos_token_id",
    "pad_token_id",
    "hidden_act",
    "attention_bias",
    "mlp_bias",
    "rope_scaling",
    "head_dim",
    "attention_dropout",
  ]);
  for (const key of Object.keys(r)) {
    if (!known.has(key) && !IGNORED.has(key)) {
      throw new ConfigError(key, `is not a LlamaConfig field this engine understands; remove it (or check its spelling).`);
    }
  }
  mustBe(r, "hidden_act", ["silu"], 'use "silu" (SwiGLU)');
  mustBe(r, "attention_bias", [false], "remove it or set it to false");
  mustBe(r, "mlp_bias", [false], "remove it or set it to false");
  mustBe(r, "rope_scaling", [], "remove it (only plain RoPE is implemented)");
  mustBe(r, "attention_dropout", [0, 0.0], "set it to 0");
  const cfg: ModelConfig = {
    vocab_size: positiveInt(r, "vocab_size"),
    hidden_size: positiveInt(r, "hidden_size"),
    num_hidden_layers: positiveInt(r, "num_hidden_layers"),
    num_attention_heads: positiveInt(r, "num_attention_heads"),
    num_key_value_heads: positiveInt(r, "num_key_value_heads", r.num_attention_heads as number),
    intermediate_size: positiveInt(r, "intermediate_size"),
    max_position_embeddings: positiveInt(r, "max_position_embeddings", 2048),
    rms_norm_eps: positiveNumber(r, "rms_norm_eps", 1e-6),
    rope_theta: positiveNumber(r, "rope_theta", 10000),
    tie_word_embeddings: false,
  };
  const tie = r.tie_word_embeddings ?? false;
  if (typeof tie !== "boolean") throw new ConfigError("tie_word_embeddings", `must be true or false, got ${JSON.stringify(tie)}.`);
  cfg.tie_word_embeddings = tie;
  if (cfg.hidden_size % cfg.num_attention_heads !== 0) {
    throw new ConfigError("num_attention_heads", `${cfg.num_attention_heads} does not divide hidden_size ${cfg.hidden_size}; pick a divisor.`);
  }
  const headDim = cfg.hidden_size / cfg.num_attention_heads;
  if (headDim % 2 !== 0) {
    throw new ConfigError("num_attention_heads", `gives an odd head size ${headDim} (hidden_size / num_attention_heads); RoPE needs an even one.`);
  }
  if (r.head_dim !== undefined && r.head_dim !== null && r.head_dim !== headDim) {
    throw new ConfigError(
      "head_dim",
      `${JSON.stringify(r.head_dim)} differs from hidden_size / num_attention_heads = ${headDim}; remove it or set it to ${headDim}.`,
    );
  }
  if (cfg.num_attention_heads % cfg.num_key_value_heads !== 0) {
    throw new ConfigError("num_key_value_heads", `${cfg.num_key_value_heads} does not divide num_attention_heads ${cfg.num_attention_heads}; pick a divisor.`);
  }
  for (const f of ["bos_token_id", "eos_token_id", "pad_token_id"] as const) {
    const id = optionalTokenId(r, f, cfg.vocab_size);
    if (id !== undefined) cfg[f] = id;
  }
  checkSizes(cfg);
  return cfg;
}

/** Largest value of each size field the engine accepts (far above any CPU model, far below a crash). */
export const MAX_CONFIG_SIZES = {
  vocab_size: 2 ** 21,
  hidden_size: 2 ** 16,
  num_hidden_layers: 2 ** 10,
  num_attention_heads: 2 ** 10,
  num_key_value_heads: 2 ** 10,
  intermediate_size: 2 ** 18,
  max_position_embeddings: 2 ** 20,
} as const;

/** Most parameters one model may hold (one Float32Array: 4 GiB). */
export const MAX_PARAMETERS = 2 ** 30;

/**
 * Sizes a model of this engine can actually allocate: each field within `MAX_CONFIG_SIZES`, the
 * parameter count within `MAX_PARAMETERS` and the RoPE tables within 2^28 floats, so absurd sizes
 * end in an error naming the field instead of "Invalid typed array length" or a heap abort.
 */
function checkSizes(cfg: ModelConfig): void {
  for (const [f, max] of Object.entries(MAX_CONFIG_SIZES) as [keyof typeof MAX_CONFIG_SIZES, number][]) {
    if (cfg[f] > max) throw new ConfigError(f, `${cfg[f]} is larger than this engine supports (at most ${max}); the config is probably corrupt.`);
  }
  const C = cfg.hidden_size,
    D = C / cfg.num_attention_heads,
    KW = cfg.num_key_value_heads * D;
  const perLayer = 2 * C * C + 2 * C * KW + 3 * C * cfg.intermediate_size + 2 * C;
  const embed = cfg.vocab_size * C * (cfg.tie_word_embeddings ? 1 : 2);
  const total = embed + cfg.num_hidden_layers * perLayer + C;
  if (total > MAX_PARAMETERS) {
    const field = embed >= cfg.num_hidden_layers * perLayer ? "vocab_size" : "num_hidden_layers";
    throw new ConfigError(
      field,
      `the model would have ${total} parameters, more than the ${MAX_PARAMETERS} this engine can hold; the config is probably corrupt (check vocab_size, hidden_size, intermediate_size, num_hidden_layers).`,
    );
  }
  if (cfg.max_position_embeddings * D > 2 ** 28) {
    throw new ConfigError(
      "max_position_embeddings",
      `${cfg.max_position_embeddings} positions × head size ${D} is more than this engine's RoPE tables can hold (2^28); lower max_position_embeddings.`,
    );
  }
}

/** The size of one attention head. */
export function headDim(cfg: ModelConfig): number {
  return cfg.hidden_size / cfg.num_attention_heads;
}

/** The config as a Hugging Face `config.json` object (LlamaForCausalLM, float32). */
export function toHuggingFaceConfig(cfg: ModelConfig): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    hidden_act: "silu",
    attention_bias: false,
    mlp_bias: false,
    torch_dtype: "float32",
    ...cfg,
  };
}
