/**
 * `train(config)`: GRPO-family reinforcement learning with verifiable rewards.
 *
 * Each step: draw prompts from the task (a difficulty range) → G completions per prompt → rewards →
 * (DAPO dynamic sampling: drop groups whose rewards are all equal and sample more) → group-relative
 * advantages → `num_iterations` passes of the clipped policy loss → AdamW → metrics (JSONL) →
 * periodic atomic checkpoint. The policy is seen only through `TrainablePolicy`.
 *
 * Resuming: `output_dir/checkpoint/` holds the latest checkpoint (with optimizer state and the step
 * reached); rerunning the same command continues from it, with the same prompts and seeds as an
 * uninterrupted run. A non-finite or exploding loss or gradient stops the run with
 * `TrainingDivergedError`, leaving the last good checkpoint in place.
 */
import { mkdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import type { Problem, TokenSequence, TrainablePolicy } from "../types.js";
import { readFolderConsistently, writeFileAtomic } from "../core/atomic.js";
import { getTask } from "../tasks/registry.js";
import { hashSeed } from "../core/rng.js";
import { renderPrompt, getTemplate, type TextTemplate } from "../tasks/templates.js";
import { computeAdvantages } from "./advantages.js";
import { learningRateAt, type TrainConfig } from "./config.js";
import { addLossStats, emptyLossStats, lossNormalizer, policyLoss, type LossSequence } from "./loss.js";
import { flattenMetrics, lossMetrics, MetricsLog, rolloutMetrics, type StepMetrics } from "./metrics.js";
import { stateStep, trainerState, type TrainerState } from "../engine/trainer-state.js";
import { rollout, type Sample } from "./rollout.js";
import { collectGroups, DynamicSamplingError, type CollectedBatch } from "./sampling.js";
import { TrainingReward } from "./rewards.js";
import { ScratchpadError } from "../core/errors.js";
import { OptimizerError } from "../engine/optim.js";

/** The run stopped because the loss or gradient blew up; the last good checkpoint is kept. */
export class TrainingDivergedError extends ScratchpadError {
  override readonly name = "TrainingDivergedError";
  constructor(
    readonly step: number,
    readonly what: string,
    readonly value: number,
    readonly checkpoint: string | null,
  ) {
    super(
      "training_diverged",
      `step ${step}: ${what} is ${value}; training stopped. ` +
        (checkpoint ? `The last good checkpoint is ${checkpoint}. ` : "No checkpoint was written yet. ") +
        "Lower learning_rate, keep max_grad_norm > 0, or raise max_loss if this size is expected.",
    );
  }
}

/** Hooks and injected parts of a training run. */
export interface TrainOptions {
  /** Opens a checkpoint folder as a trainable policy (the embedded engine by default). */
  loadPolicy?: (dir: string) => Promise<TrainablePolicy & { promptIds?: (text: string) => number[] }>;
  /**
   * Called after every step (its checkpoint, if due, already written) with its metrics and a
   * `StepEvent` carrying a few of its samples: what a progress line or a live dashboard subscribes to.
   */
  onStep?: (m: StepMetrics, cfg: TrainConfig, event: StepEvent) => void;
  /** Called when the run resumes from a checkpoint. */
  onResume?: (step: number, dir: string) => void;
  /** Called with a warning worth a person's attention (default: printed on stderr), e.g. a batch dynamic sampling could not fill. */
  onWarning?: (message: string) => void;
  /** Called for every reward-function error (the sample's reward is null). */
  onRewardError?: (name: string, message: string) => void;
  /** Stops the run after the current step (the checkpoint is saved first). */
  signal?: AbortSignal;
}

/** One sample of a step, for display: the prompt, the completion with its thinking, how it scored. */
export interface StepTrace {
  prompt: string;
  difficulty: number | null;
  /** The completion's text (thinking tags kept). */
  text: string;
  reward: number | null;
  correct: boolean;
  thinking_tokens: number;
}

/** What a step hands its subscribers (`TrainOptions.onStep`). */
export interface StepEvent {
  /** The step just finished (1-based) and the run's last step. */
  step: number;
  steps: number;
  metrics: StepMetrics;
  /** The first completion of the first sampled group at each difficulty, easiest first. */
  traces: StepTrace[];
}

/** The traces of a step: one per difficulty level, from the first group sampled at it. */
export function stepTraces(groups: Sample[][]): StepTrace[] {
  const byLevel = new Map<number | null, Sample>();
  for (const g of groups) {
    const s = g[0];
    if (s && !byLevel.has(s.problem.difficulty ?? null)) byLevel.set(s.problem.difficulty ?? null, s);
  }
  return [...byLevel.values()]
    .sort((a, b) => (a.problem.difficulty ?? 0) - (b.problem.difficulty ?? 0))
    .map((s) => ({
      prompt: s.prompt,
      difficulty: s.problem.difficulty ?? null,
      text: s.text,
      reward: s.reward.reward,
      correct: s.reward.correct,
      thinking_tokens: s.thinkingTokens,
    }));
}

/** What `train` returns. */
export interface TrainResult {
  /** The final checkpoint folder. */
  checkpoint: string;
  /** Steps completed (the config's `steps` unless stopped early). */
  steps: number;
  /** Every step's metrics, resumed ones included. */
  history: StepMetrics[];
  /** The step the run resumed from (0 for a fresh run). */
  resumedFrom: number;
}

/** The checkpoint folder of a run. */
export function checkpointDir(cfg: TrainConfig): string {
  return path.join(cfg.output_dir, "checkpoint");
}

async function defaultLoadPolicy(dir: string): Promise<TrainablePolicy & { promptIds?: (text: string) => number[] }> {
  const { EmbeddedPolicy } = await import("../backends/embedded.js");
  return EmbeddedPolicy.load(dir);
}

/**
 * The step a checkpoint folder reached, or null when there is no complete checkpoint. Read as the
 * loaders read a checkpoint (`readFolderConsistently`): a save interrupted between its two renames
 * is recovered first (its backup `.checkpoint.old-*` put back), so resuming finds it.
 */
export async function checkpointStep(dir: string): Promise<number | null> {
  try {
    const state = await readFolderConsistently(dir, async (folder) => JSON.parse(await readFile(path.join(folder, "trainer_state.json"), "utf8")) as unknown);
    return stateStep(state);
  } catch {
    return null;
  }
}

/** trainer_state.json of a checkpoint at `step`: HF Trainer's schema, log_history under TRL's names. */
function rlTrainerState(cfg: TrainConfig, step: number, history: StepMetrics[]): TrainerState {
  return trainerState({
    global_step: step,
    max_steps: cfg.steps,
    logging_steps: cfg.logging_steps,
    save_steps: cfg.save_steps,
    train_batch_size: cfg.batch_size,
    num_input_tokens_seen: history.length ? history[history.length - 1].num_tokens : 0,
    log_history: history.map((m) => ({ ...flattenMetrics(m), step: m.step })),
  });
}

/** Problems of one sampling round of one step: deterministic in (seed, step, round). */
function drawProblems(cfg: TrainConfig, step: number, round: number, n: number): Problem[] {
  const task = getTask(cfg.task);
  return task.generate(n, { difficulty: { min: cfg.min_difficulty, max: cfg.max_difficulty }, seed: hashSeed(cfg.seed, "train", step, round) });
}

/** Run GRPO-family training as configured (resuming from `output_dir/checkpoint` when present). */
export async function train(cfg: TrainConfig, opts: TrainOptions = {}): Promise<TrainResult> {
  const load = opts.loadPolicy ?? defaultLoadPolicy;
  await mkdir(cfg.output_dir, { recursive: true });
  const ckDir = checkpointDir(cfg);
  const log = new MetricsLog(path.join(cfg.output_dir, "metrics.jsonl"));
  const resumedFrom = (await checkpointStep(ckDir)) ?? 0;
  const policy = await load(resumedFrom > 0 ? ckDir : cfg.model);
  const history = resumedFrom > 0 ? await log.truncate(resumedFrom) : (await log.truncate(0), []);
  if (resumedFrom > 0) opts.onResume?.(resumedFrom, ckDir);
  await writeFileAtomic(path.join(cfg.output_dir, "config.json"), JSON.stringify(cfg, null, 2) + "\n");
  const reference = cfg.beta > 0 ? (resumedFrom > 0 ? (await load(cfg.model)).snapshot() : policy.snapshot()) : null;
  const template = getTemplate(cfg.template);
  if (template.kind !== "text") throw new RangeError(`template "${cfg.template}" is a chat template; training needs a text template such as "compact"`);
  const promptIds = policy.promptIds?.bind(policy) ?? ((t: string) => policy.encode(t));
  const reward = new TrainingReward(cfg, opts.onRewardError);
  const t0 = performance.now();
  let lastSaved: string | null = resumedFrom > 0 ? ckDir : null;
  let step = resumedFrom;
  let numTokens = history.length ? history[history.length - 1].num_tokens || 0 : 0;
  const warn = opts.onWarning ?? ((msg: string) => process.stderr.write(`warning: ${msg}\n`));
  let warnedUnderfilled = false;
  while (step < cfg.steps) {
    const ts = performance.now();
    const { kept, sampled, rounds, dropped, filled } = await collect(policy, reward, cfg, step, template, promptIds);
    if (!filled && !warnedUnderfilled) {
      warnedUnderfilled = true;
      warn(
        `step ${step + 1}: dynamic sampling kept ${kept.length} of ${cfg.batch_size / cfg.num_generations} groups after ${rounds} rounds (${dropped} had all-equal rewards); training on the groups kept. ` +
          "Raise max_sampling_rounds or oversample_factor to fill the batch (underfilled_batch: error stops instead); later underfilled steps show as batch_filled 0 in metrics.jsonl.",
      );
    }
    const lr = learningRateAt(cfg, step);
    const m: StepMetrics = {
      step: step + 1,
      ...rolloutMetrics(sampled),
      learning_rate: lr,
      sampling_rounds: rounds,
      groups_kept: kept.length,
      groups_dropped: dropped,
      batch_filled: filled ? 1 : 0,
      loss: 0,
      grad_norm: 0,
      num_tokens: 0,
      time: { step_s: 0, elapsed_s: 0 },
    };
    if (kept.length > 0) {
      const upd = await update(policy, reference, kept, cfg, lr, step + 1, lastSaved);
      Object.assign(m, upd);
      numTokens += kept.flat().reduce((s, x) => s + x.tokens.length + x.promptIds.length, 0);
    }
    step++;
    m.num_tokens = numTokens;
    m.time = { step_s: (performance.now() - ts) / 1000, elapsed_s: (performance.now() - t0) / 1000 };
    // Metrics first, then the checkpoint: a kill in between leaves extra lines that resuming drops.
    await log.append(m);
    if (step % cfg.save_steps === 0 || step === cfg.steps || opts.signal?.aborted) {
      await policy.save(ckDir, { trainingConfig: cfg, ...rlTrainerState(cfg, step, [...history, m]) });
      lastSaved = ckDir;
    }
    history.push(m);
    opts.onStep?.(m, cfg, { step, steps: cfg.steps, metrics: m, traces: stepTraces(sampled) });
    if (opts.signal?.aborted) break;
  }
  if (lastSaved === null || (await checkpointStep(ckDir)) !== step) {
    await policy.save(ckDir, { trainingConfig: cfg, ...rlTrainerState(cfg, step, history) });
  }
  await policy.close?.();
  return { checkpoint: ckDir, steps: step, history, resumedFrom };
}

/** Sample groups until the batch is full (dynamic sampling, as veRL) or the rounds run out. */
async function collect(
  policy: TrainablePolicy,
  reward: TrainingReward,
  cfg: TrainConfig,
  step: number,
  template: TextTemplate,
  promptIds: (t: string) => number[],
): Promise<CollectedBatch> {
  const want = cfg.batch_size / cfg.num_generations;
  const batch = await collectGroups(
    { want, dynamic: cfg.dynamic_sampling, oversampleFactor: cfg.oversample_factor, maxRounds: cfg.max_sampling_rounds },
    (round, n) =>
      rollout(policy, drawProblems(cfg, step, round, n), reward, {
        groupSize: cfg.num_generations,
        maxTokens: cfg.max_completion_length,
        temperature: cfg.temperature,
        topP: cfg.top_p,
        seed: hashSeed(cfg.seed, "sample", step, round),
        render: (p) => renderPrompt(p, template),
        promptIds,
      }),
  );
  if (!batch.filled && cfg.underfilled_batch === "error") {
    throw new DynamicSamplingError(step + 1, batch.kept.length, want, batch.rounds, batch.dropped);
  }
  return batch;
}

/**
 * The micro-batches of a batch, as lists of sequence indices. One micro-batch is the batch in its
 * order; several hold sequences of similar length (sorted by length, ties by index), so that each
 * is padded to a length close to its own sequences' and little compute goes to padding. The loss's
 * normalisers are batch-wide, so the split changes no maths (only the order floats are summed in).
 */
export function microBatches(seqs: ReadonlyArray<{ prompt: number[]; completion: number[] }>, size: number): number[][] {
  const order = seqs.map((_, i) => i);
  if (seqs.length <= size) return [order];
  const len = (i: number) => seqs[i].prompt.length + seqs[i].completion.length;
  order.sort((a, b) => len(a) - len(b) || a - b);
  const out: number[][] = [];
  for (let start = 0; start < order.length; start += size) out.push(order.slice(start, start + size));
  return out;
}

/** Log-probabilities of every sequence, scored micro-batch by micro-batch; result[i] is seqs[i]'s. */
async function scoreInChunks(policy: TrainablePolicy, seqs: TokenSequence[], chunks: number[][], opts: { temperature: number }): Promise<Float32Array[]> {
  const out = new Array<Float32Array>(seqs.length);
  for (const chunk of chunks) {
    const scores = await policy.score(
      chunk.map((i) => seqs[i]),
      opts,
    );
    chunk.forEach((i, j) => {
      out[i] = scores[j].logprobs;
    });
  }
  return out;
}

/** Advantages, `num_iterations` passes of the loss, AdamW; returns the loss metrics. */
async function update(
  policy: TrainablePolicy,
  reference: TrainablePolicy | null,
  groups: Sample[][],
  cfg: TrainConfig,
  lr: number,
  step: number,
  lastSaved: string | null,
): Promise<Pick<StepMetrics, "loss" | "grad_norm" | "policy">> {
  const samples = groups.flat();
  const { advantages } = computeAdvantages(
    samples.map((s) => s.reward.reward),
    cfg.num_generations,
    cfg.scale_rewards,
  );
  const seqs = samples.map((s) => ({ prompt: s.promptIds, completion: s.tokens }));
  const masks = samples.map((s) => {
    const drop = (cfg.mask_truncated_completions && s.finishReason === "length") || s.reward.reward === null;
    return new Float32Array(s.tokens.length).fill(drop ? 0 : 1);
  });
  const norm = lossNormalizer(masks, cfg.max_completion_length);
  // Policy, old and reference log-probabilities all score softmax(logits / T), the distribution the
  // rollouts were drawn from (TRL's and veRL's convention; top-p is not modelled, as in TRL).
  const scoring = { temperature: cfg.temperature };
  const chunks = microBatches(seqs, cfg.micro_batch_size);
  const old = cfg.num_iterations > 1 ? await scoreInChunks(policy, seqs, chunks, scoring) : undefined;
  const ref = reference ? await scoreInChunks(reference, seqs, chunks, scoring) : undefined;
  const lossSeqs: LossSequence[] = samples.map((_, i) => ({ advantage: advantages[i], mask: masks[i], oldLogprobs: old?.[i], refLogprobs: ref?.[i] }));
  const stats = emptyLossStats();
  let lossSum = 0,
    normSum = 0;
  for (let it = 0; it < cfg.num_iterations; it++) {
    let loss = 0;
    for (const chunk of chunks) {
      loss += await policy.accumulateGradients(
        chunk.map((i) => seqs[i]),
        (scores) => {
          const r = policyLoss(
            scores,
            chunk.map((i) => lossSeqs[i]),
            norm,
            {
              lossType: cfg.loss_type,
              epsilon: cfg.epsilon,
              epsilonHigh: cfg.epsilon_high,
              beta: cfg.beta,
            },
          );
          if (it === cfg.num_iterations - 1) addLossStats(stats, r.stats);
          return r;
        },
        scoring,
      );
    }
    if (!Number.isFinite(loss) || Math.abs(loss) > cfg.max_loss) throw new TrainingDivergedError(step, "the loss", loss, lastSaved);
    let gradNorm: number;
    try {
      gradNorm = policy.step({ lr, maxGradNorm: cfg.max_grad_norm }).gradNorm;
    } catch (err) {
      // The optimizer refuses a non-finite gradient (and skips the update): that is divergence.
      if (OptimizerError.isInstance(err)) throw new TrainingDivergedError(step, `the gradient (${err.message})`, NaN, lastSaved);
      throw err;
    }
    if (!Number.isFinite(gradNorm) || gradNorm > cfg.max_loss) throw new TrainingDivergedError(step, "the gradient norm", gradNorm, lastSaved);
    lossSum += loss;
    normSum += gradNorm;
  }
  return { loss: lossSum / cfg.num_iterations, grad_norm: normSum / cfg.num_iterations, policy: lossMetrics(stats) };
}
