/**
 * The training configuration: one typed schema with defaults, descriptions and validation.
 *
 * Declared once with the config machinery (src/config/): defaults < config file (JSON or YAML) < CLI
 * flags; TRL / Hugging Face names (`max_steps`, `per_device_train_batch_size`, ...) are accepted and echoed. Unknown keys are errors that name the closest known key;
 * wrong types, out-of-range values and impossible combinations (a batch that is not a whole number
 * of groups, fewer than two generations per prompt, ...) are errors that say the fix. The resolved
 * config is saved with every run and checkpoint. Names follow TRL's `GRPOConfig` where one exists.
 */

import { z } from "zod";
import { closestKey as closestOptionKey, customIssue, defaultsOf, OptionsError, resolveOptions, type Layer, type ResolveOptions } from "../config/schema.js";
import { learningRate } from "../engine/schedule.js";

const int = () => z.number().int();

/**
 * The schema: every key, its default, what it means, its bounds and its TRL / Hugging Face alias.
 * `TrainConfig` is derived from it; `scratchpad train`'s flags and help, and docs/config.md, too.
 */
export const TrainConfigSchema = z
  .object({
    model: z
      .string()
      .min(1)
      .default("models/base")
      .meta({ description: "checkpoint folder the policy starts from", arg: "dir", aliases: ["model_name_or_path"] }),
    output_dir: z.string().min(1).default("runs/train").meta({ description: "folder for checkpoints, metrics.jsonl and the resolved config", arg: "dir" }),
    task: z.string().min(1).default("addition").meta({ description: "procedural task (see `scratchpad tasks`)", arg: "name" }),
    template: z.string().min(1).default("compact").meta({ description: "prompt template (compact: the bare problem text)", arg: "name" }),
    min_difficulty: int().min(1).default(1).meta({ description: "easiest difficulty sampled for training" }),
    max_difficulty: int().min(1).default(4).meta({ description: "hardest difficulty sampled for training" }),
    seed: int().min(0).default(1).meta({ description: "seed of prompts and sampling" }),
    steps: int()
      .min(1)
      .default(40)
      .meta({ description: "optimizer steps (batches)", aliases: ["max_steps"] }),
    batch_size: int()
      .min(2)
      .default(128)
      .meta({ description: "completions per step (prompts × num_generations)", aliases: ["per_device_train_batch_size"] }),
    num_generations: int().min(2).default(8).meta({ description: "completions per prompt, G (the group)" }),
    micro_batch_size: int().min(1).default(64).meta({ description: "sequences per forward/backward pass (memory only, not the maths)" }),
    learning_rate: z
      .number()
      .gt(0)
      .max(1)
      .default(2e-4)
      .meta({ description: "AdamW learning rate", aliases: ["lr"] }),
    lr_scheduler: z
      .enum(["constant", "cosine"])
      .default("constant")
      .meta({ description: "learning-rate schedule after warmup (cosine decays to 0)", aliases: ["lr_scheduler_type"] }),
    warmup_steps: int().min(0).default(0).meta({ description: "linear warmup steps" }),
    max_grad_norm: z.number().min(0).default(1).meta({ description: "clip the global gradient norm (0: no clipping)" }),
    temperature: z.number().gt(0).default(1).meta({ description: "sampling temperature of rollouts" }),
    top_p: z.number().gt(0).max(1).default(1).meta({ description: "nucleus sampling of rollouts" }),
    max_completion_length: int()
      .min(1)
      .default(96)
      .meta({ description: "maximum tokens per completion", aliases: ["max_new_tokens"] }),
    loss_type: z
      .enum(["grpo", "dapo", "dr_grpo"])
      .default("dapo")
      .meta({ description: "token aggregation: grpo (sequence mean), dapo (token mean over batch), dr_grpo (sum / constant)" }),
    scale_rewards: z.enum(["group", "batch", "none"]).default("group").meta({ description: "advantage scaling: group std (GRPO), batch std, none (Dr. GRPO)" }),
    epsilon: z.number().gt(0).max(1).default(0.2).meta({ description: "PPO clip range ε (lower)" }),
    epsilon_high: z.number().gt(0).default(0.28).meta({ description: "upper clip range ε_high (clip-higher, DAPO)" }),
    num_iterations: int().min(1).default(1).meta({ description: "passes over each batch against its old log-probabilities (μ)" }),
    beta: z.number().min(0).default(0).meta({ description: "KL coefficient to the frozen start model (k3 estimator); 0 = no KL" }),
    dynamic_sampling: z.boolean().default(true).meta({
      description: "DAPO dynamic sampling: drop groups whose rewards are all equal, sample more rounds until the batch is full (veRL's filter_groups)",
      boolean: "value",
    }),
    max_sampling_rounds: int()
      .min(1)
      .default(3)
      .meta({ description: "dynamic sampling: rollout rounds per step before giving up (veRL's max_num_gen_batches)" }),
    oversample_factor: z.number().min(1).max(16).default(1).meta({
      description: "dynamic sampling: each round draws ceil(prompts × this) prompts (veRL's gen_batch_size ÷ train_batch_size; its DAPO script uses 3)",
    }),
    underfilled_batch: z.enum(["warn", "error"]).default("warn").meta({
      description:
        "dynamic sampling: when the rounds end before the batch is full, train on the groups kept and warn (warn), or stop with an error as veRL does (error)",
    }),
    mask_truncated_completions: z
      .boolean()
      .default(true)
      .meta({ description: "completions cut at max_completion_length add nothing to the loss", boolean: "value" }),
    overlong_penalty: z
      .boolean()
      .default(false)
      .meta({ description: "DAPO soft overlong penalty on completions near max_completion_length", boolean: "value" }),
    overlong_buffer: int().min(1).default(16).meta({ description: "length of the soft overlong penalty's ramp (tokens)" }),
    accuracy_weight: z.number().min(0).default(1).meta({ description: "weight of the accuracy reward (verifier: right answer)" }),
    format_weight: z.number().min(0).default(0).meta({ description: "weight of the format reward (well-formed thinking and answer)" }),
    length_penalty: z
      .number()
      .min(0)
      .default(0)
      .meta({ description: "reward taken off a right answer per completion token (a cost on thinking where answering directly is as reliable); 0 = off" }),
    direct_answer_bonus: z.number().min(0).max(0.5).default(0).meta({
      description: "reward added to a completion that answers without thinking (AdaptThink's δ): learn to skip the scratchpad where it does not pay; 0 = off",
    }),
    save_steps: int().min(1).default(10).meta({ description: "checkpoint every N steps (and at the end)" }),
    logging_steps: int().min(1).default(1).meta({ description: "print a progress line every N steps (metrics.jsonl has every step)" }),
    max_loss: z.number().gt(0).default(1000).meta({ description: "stop when |loss| or the gradient norm exceeds this (exploding)" }),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Combinations no run can honour (checked once every key is valid).
    if (c.batch_size % c.num_generations !== 0) {
      const lo = Math.max(c.num_generations, Math.floor(c.batch_size / c.num_generations) * c.num_generations);
      customIssue(
        ctx,
        "batch_size",
        `batch_size (${c.batch_size}) must be a multiple of num_generations (${c.num_generations}): use batch_size ${lo} or ${lo + c.num_generations}, or change num_generations`,
      );
    } else if (c.max_difficulty < c.min_difficulty) {
      customIssue(ctx, "max_difficulty", `max_difficulty (${c.max_difficulty}) is below min_difficulty (${c.min_difficulty}); swap them`);
    } else if (c.overlong_penalty && c.overlong_buffer >= c.max_completion_length) {
      customIssue(ctx, "overlong_buffer", `overlong_buffer (${c.overlong_buffer}) must be smaller than max_completion_length (${c.max_completion_length})`);
    } else if (c.epsilon_high < c.epsilon) {
      customIssue(
        ctx,
        "epsilon_high",
        `epsilon_high (${c.epsilon_high}) is below epsilon (${c.epsilon}); clip-higher needs epsilon_high ≥ epsilon (set both equal for the symmetric PPO clip)`,
      );
    } else if (c.accuracy_weight === 0 && c.format_weight === 0) {
      customIssue(ctx, "accuracy_weight", "all reward weights are 0, so every advantage would be 0; set accuracy_weight > 0");
    } else if (c.length_penalty * c.max_completion_length >= c.accuracy_weight && c.length_penalty > 0) {
      customIssue(
        ctx,
        "length_penalty",
        `length_penalty × max_completion_length (${c.length_penalty * c.max_completion_length}) must be below accuracy_weight (${c.accuracy_weight}), or a right answer of full length would earn less than a wrong one; lower length_penalty`,
      );
    } else if (c.warmup_steps > c.steps) {
      customIssue(ctx, "warmup_steps", `warmup_steps (${c.warmup_steps}) exceeds steps (${c.steps})`);
    }
  });

/** The resolved training configuration (derived from the schema). */
export type TrainConfig = z.output<typeof TrainConfigSchema>;

/** The schema's fields by key (for listing keys; `TrainConfigSchema` is the schema itself). */
export const TRAIN_CONFIG_SCHEMA = TrainConfigSchema.shape;

/** A configuration problem; `field` names the key, the message says the fix. */
export class TrainConfigError extends OptionsError {
  override readonly name = "TrainConfigError";
}

/** The defaults as a config. */
export function defaultTrainConfig(): TrainConfig {
  return TrainConfigSchema.parse(defaultsOf(TrainConfigSchema));
}

/** The known key closest to `key` (keys and TRL aliases). */
export function closestKey(key: string): string {
  return closestOptionKey(TrainConfigSchema, key);
}

const trainError = (field: string, message: string) => new TrainConfigError(field, message);

/**
 * Resolve layers of settings (a config file's, then CLI flags') onto the defaults and validate;
 * `layers` may be plain objects or tagged `Layer`s. Aliases are echoed through `opts.onNote`.
 * @throws TrainConfigError naming the key and the fix.
 */
export function resolveTrainLayers(layers: ReadonlyArray<Layer | undefined>, opts: ResolveOptions = {}): TrainConfig {
  return resolveOptions(TrainConfigSchema, layers, { error: trainError, command: "scratchpad train", ...opts });
}

/**
 * Merge layers of overrides (a config file's object, then CLI flags) onto the defaults and validate.
 * Keys may be written snake_case, kebab-case, or as their TRL name (`max_steps` → `steps`).
 * @throws TrainConfigError naming the key and the fix.
 */
export function resolveTrainConfig(...layers: ReadonlyArray<Record<string, unknown> | undefined>): TrainConfig {
  for (const layer of layers) {
    if (layer !== undefined && (typeof layer !== "object" || layer === null || Array.isArray(layer))) {
      throw new TrainConfigError("(root)", 'a training config must be a JSON object of settings, e.g. {"steps": 40}');
    }
  }
  return resolveTrainLayers(layers.map((values) => (values === undefined ? undefined : { source: "object", values })));
}

/** The learning rate at a step (0-based): linear warmup, then constant or cosine to 0. */
export function learningRateAt(c: TrainConfig, step: number): number {
  return learningRate(step, {
    lr: c.learning_rate,
    warmupSteps: c.warmup_steps,
    totalSteps: c.steps,
    minLr: 0,
    decay: c.lr_scheduler === "cosine" ? "cosine" : "none",
  });
}
