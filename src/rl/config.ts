/**
 * The training configuration: one typed schema with defaults, descriptions and validation.
 *
 * Defaults < JSON config file < CLI flags. Unknown keys are errors that name the closest known key;
 * wrong types, out-of-range values and impossible combinations (a batch that is not a whole number
 * of groups, fewer than two generations per prompt, ...) are errors that say the fix. The resolved
 * config is saved with every run and checkpoint. Names follow TRL's `GRPOConfig` where one exists.
 */

/** The resolved training configuration. */
export interface TrainConfig {
  model: string;
  output_dir: string;
  task: string;
  template: string;
  min_difficulty: number;
  max_difficulty: number;
  seed: number;
  steps: number;
  batch_size: number;
  num_generations: number;
  micro_batch_size: number;
  learning_rate: number;
  lr_scheduler: "constant" | "cosine";
  warmup_steps: number;
  max_grad_norm: number;
  temperature: number;
  top_p: number;
  max_completion_length: number;
  loss_type: "grpo" | "dapo" | "dr_grpo";
  scale_rewards: "group" | "batch" | "none";
  epsilon: number;
  epsilon_high: number;
  num_iterations: number;
  beta: number;
  dynamic_sampling: boolean;
  max_sampling_rounds: number;
  mask_truncated_completions: boolean;
  overlong_penalty: boolean;
  overlong_buffer: number;
  accuracy_weight: number;
  format_weight: number;
  length_penalty: number;
  direct_answer_bonus: number;
  save_steps: number;
  max_loss: number;
}

type Kind = "string" | "int" | "number" | "boolean" | "enum";

/** One field of the schema. */
export interface FieldSpec {
  kind: Kind;
  default: string | number | boolean;
  description: string;
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
  /** Exclusive lower bound for numbers. */
  gt?: number;
  /** Allowed values for enums. */
  values?: readonly string[];
}

/** The schema: every field, its default and what it means. */
export const TRAIN_CONFIG_SCHEMA: Readonly<Record<keyof TrainConfig, FieldSpec>> = {
  model: { kind: "string", default: "models/base", description: "checkpoint folder the policy starts from" },
  output_dir: { kind: "string", default: "runs/train", description: "folder for checkpoints, metrics.jsonl and the resolved config" },
  task: { kind: "string", default: "addition", description: "procedural task (see `scratchpad tasks`)" },
  template: { kind: "string", default: "compact", description: "prompt template (compact: the bare problem text)" },
  min_difficulty: { kind: "int", default: 1, min: 1, description: "easiest difficulty sampled for training" },
  max_difficulty: { kind: "int", default: 4, min: 1, description: "hardest difficulty sampled for training" },
  seed: { kind: "int", default: 1, min: 0, description: "seed of prompts and sampling" },
  steps: { kind: "int", default: 40, min: 1, description: "optimizer steps (batches)" },
  batch_size: { kind: "int", default: 128, min: 2, description: "completions per step (prompts × num_generations)" },
  num_generations: { kind: "int", default: 8, min: 2, description: "completions per prompt, G (the group)" },
  micro_batch_size: { kind: "int", default: 64, min: 1, description: "sequences per forward/backward pass (memory only, not the maths)" },
  learning_rate: { kind: "number", default: 2e-4, gt: 0, max: 1, description: "AdamW learning rate" },
  lr_scheduler: { kind: "enum", default: "constant", values: ["constant", "cosine"], description: "learning-rate schedule after warmup" },
  warmup_steps: { kind: "int", default: 0, min: 0, description: "linear warmup steps" },
  max_grad_norm: { kind: "number", default: 1, min: 0, description: "clip the global gradient norm (0: no clipping)" },
  temperature: { kind: "number", default: 1, gt: 0, description: "sampling temperature of rollouts" },
  top_p: { kind: "number", default: 1, gt: 0, max: 1, description: "nucleus sampling of rollouts" },
  max_completion_length: { kind: "int", default: 96, min: 1, description: "maximum tokens per completion" },
  loss_type: { kind: "enum", default: "dapo", values: ["grpo", "dapo", "dr_grpo"], description: "token aggregation: grpo (sequence mean), dapo (token mean over batch), dr_grpo (sum / constant)" },
  scale_rewards: { kind: "enum", default: "group", values: ["group", "batch", "none"], description: "advantage scaling: group std (GRPO), batch std, none (Dr. GRPO)" },
  epsilon: { kind: "number", default: 0.2, gt: 0, max: 1, description: "PPO clip range ε (lower)" },
  epsilon_high: { kind: "number", default: 0.28, gt: 0, description: "upper clip range ε_high (clip-higher, DAPO)" },
  num_iterations: { kind: "int", default: 1, min: 1, description: "passes over each batch against its old log-probabilities (μ)" },
  beta: { kind: "number", default: 0, min: 0, description: "KL coefficient to the frozen start model (k3 estimator); 0 = no KL" },
  dynamic_sampling: { kind: "boolean", default: true, description: "DAPO dynamic sampling: drop groups whose rewards are all equal, sample more" },
  max_sampling_rounds: { kind: "int", default: 3, min: 1, description: "rollout rounds per step when dynamic sampling refills the batch" },
  mask_truncated_completions: { kind: "boolean", default: true, description: "completions cut at max_completion_length add nothing to the loss" },
  overlong_penalty: { kind: "boolean", default: false, description: "DAPO soft overlong penalty on completions near max_completion_length" },
  overlong_buffer: { kind: "int", default: 16, min: 1, description: "length of the soft overlong penalty's ramp (tokens)" },
  accuracy_weight: { kind: "number", default: 1, min: 0, description: "weight of the accuracy reward (verifier: right answer)" },
  format_weight: { kind: "number", default: 0, min: 0, description: "weight of the format reward (well-formed thinking and answer)" },
  direct_answer_bonus: { kind: "number", default: 0, min: 0, max: 0.5, description: "reward added to a completion that answers without thinking (AdaptThink's δ): learn to skip the scratchpad where it does not pay; 0 = off" },
  length_penalty: { kind: "number", default: 0, min: 0, description: "reward taken off a right answer per completion token (a cost on thinking where answering directly is as reliable); 0 = off" },
  save_steps: { kind: "int", default: 10, min: 1, description: "checkpoint every N steps (and at the end)" },
  max_loss: { kind: "number", default: 1000, gt: 0, description: "stop when |loss| or the gradient norm exceeds this (exploding)" },
};

/** A configuration problem; `field` names the key, the message says the fix. */
export class TrainConfigError extends Error {
  override readonly name = "TrainConfigError";
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** The defaults as a config. */
export function defaultTrainConfig(): TrainConfig {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(TRAIN_CONFIG_SCHEMA)) out[k] = spec.default;
  return out as unknown as TrainConfig;
}

/** Levenshtein distance (for "did you mean"). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The known key closest to `key`. */
export function closestKey(key: string): string {
  const norm = key.replace(/-/g, "_").toLowerCase();
  let best = "", bestD = Infinity;
  for (const k of Object.keys(TRAIN_CONFIG_SCHEMA)) {
    const d = editDistance(norm, k);
    if (d < bestD) { best = k; bestD = d; }
  }
  return best;
}

/** Coerce and check one value against its spec. Strings from the CLI are parsed. */
function checkValue(key: string, spec: FieldSpec, raw: unknown): string | number | boolean {
  let v = raw;
  if (typeof v === "string" && spec.kind !== "string" && spec.kind !== "enum") {
    if (spec.kind === "boolean") {
      if (v === "true") v = true;
      else if (v === "false") v = false;
    } else if (v.trim() !== "" && Number.isFinite(Number(v))) v = Number(v);
  }
  switch (spec.kind) {
    case "string":
      if (typeof v !== "string" || v === "") throw new TrainConfigError(key, `"${key}" must be a non-empty string (${spec.description}); got ${JSON.stringify(raw)}`);
      return v;
    case "boolean":
      if (typeof v !== "boolean") throw new TrainConfigError(key, `"${key}" must be true or false (${spec.description}); got ${JSON.stringify(raw)}`);
      return v;
    case "enum":
      if (typeof v !== "string" || !spec.values!.includes(v)) {
        throw new TrainConfigError(key, `"${key}" must be one of ${spec.values!.join(", ")}; got ${JSON.stringify(raw)}`);
      }
      return v;
    case "int":
    case "number": {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new TrainConfigError(key, `"${key}" must be a number (${spec.description}); got ${JSON.stringify(raw)}`);
      if (spec.kind === "int" && !Number.isInteger(v)) throw new TrainConfigError(key, `"${key}" must be a whole number; got ${v}`);
      if (spec.min !== undefined && v < spec.min) throw new TrainConfigError(key, `"${key}" must be ≥ ${spec.min}; got ${v}`);
      if (spec.max !== undefined && v > spec.max) throw new TrainConfigError(key, `"${key}" must be ≤ ${spec.max}; got ${v}`);
      if (spec.gt !== undefined && v <= spec.gt) throw new TrainConfigError(key, `"${key}" must be > ${spec.gt}; got ${v}`);
      return v;
    }
  }
}

/** Checks across fields: combinations no run can honour. */
function checkCombinations(c: TrainConfig): void {
  if (c.batch_size % c.num_generations !== 0) {
    const lo = Math.max(c.num_generations, Math.floor(c.batch_size / c.num_generations) * c.num_generations);
    throw new TrainConfigError("batch_size", `batch_size (${c.batch_size}) must be a multiple of num_generations (${c.num_generations}): use batch_size ${lo} or ${lo + c.num_generations}, or change num_generations`);
  }
  if (c.max_difficulty < c.min_difficulty) {
    throw new TrainConfigError("max_difficulty", `max_difficulty (${c.max_difficulty}) is below min_difficulty (${c.min_difficulty}); swap them`);
  }
  if (c.overlong_penalty && c.overlong_buffer >= c.max_completion_length) {
    throw new TrainConfigError("overlong_buffer", `overlong_buffer (${c.overlong_buffer}) must be smaller than max_completion_length (${c.max_completion_length})`);
  }
  if (c.epsilon_high < c.epsilon) {
    throw new TrainConfigError("epsilon_high", `epsilon_high (${c.epsilon_high}) is below epsilon (${c.epsilon}); clip-higher needs epsilon_high ≥ epsilon (set both equal for the symmetric PPO clip)`);
  }
  if (c.accuracy_weight === 0 && c.format_weight === 0) {
    throw new TrainConfigError("accuracy_weight", "all reward weights are 0, so every advantage would be 0; set accuracy_weight > 0");
  }
  if (c.length_penalty * c.max_completion_length >= c.accuracy_weight && c.length_penalty > 0) {
    throw new TrainConfigError("length_penalty", `length_penalty × max_completion_length (${c.length_penalty * c.max_completion_length}) must be below accuracy_weight (${c.accuracy_weight}), or a right answer of full length would earn less than a wrong one; lower length_penalty`);
  }
  if (c.warmup_steps > c.steps) throw new TrainConfigError("warmup_steps", `warmup_steps (${c.warmup_steps}) exceeds steps (${c.steps})`);
}

/**
 * Merge layers of overrides (a JSON file's object, then CLI flags) onto the defaults and validate.
 * Keys may be written snake_case or kebab-case.
 * @throws TrainConfigError naming the key and the fix.
 */
export function resolveTrainConfig(...layers: ReadonlyArray<Record<string, unknown> | undefined>): TrainConfig {
  const out = defaultTrainConfig() as unknown as Record<string, unknown>;
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (typeof layer !== "object" || layer === null || Array.isArray(layer)) {
      throw new TrainConfigError("(root)", "a training config must be a JSON object of settings, e.g. {\"steps\": 40}");
    }
    for (const [rawKey, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      const key = rawKey.replace(/-/g, "_");
      const spec = (TRAIN_CONFIG_SCHEMA as Record<string, FieldSpec>)[key];
      if (!spec) {
        throw new TrainConfigError(rawKey, `unknown config key "${rawKey}"; did you mean "${closestKey(rawKey)}"? (\`scratchpad train --help\` lists every key)`);
      }
      out[key] = checkValue(key, spec, value);
    }
  }
  const c = out as unknown as TrainConfig;
  checkCombinations(c);
  return c;
}

/** The learning rate at a step (0-based): linear warmup, then constant or cosine to 0. */
export function learningRateAt(c: TrainConfig, step: number): number {
  if (c.warmup_steps > 0 && step < c.warmup_steps) return (c.learning_rate * (step + 1)) / c.warmup_steps;
  if (c.lr_scheduler === "constant") return c.learning_rate;
  const span = Math.max(1, c.steps - c.warmup_steps);
  const p = Math.min(1, (step - c.warmup_steps) / span);
  return 0.5 * c.learning_rate * (1 + Math.cos(Math.PI * p));
}
