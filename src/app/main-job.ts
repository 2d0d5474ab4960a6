/**
 * The main job (`npm start` = `scratchpad start`): GRPO from the shipped base model on multi-digit
 * addition, then an evaluation of the base model and of the trained one on a held-out seed, then
 * `runs/<timestamp>/` with report.html, report.json, model/ (and train/ with checkpoints and
 * metrics.jsonl); `runs/latest` points at it. A run killed before its report resumes when the same
 * command is run again (the unfinished run that `runs/latest` points at continues).
 */
import { cp, mkdir, readFile, readlink, rm, stat, symlink, rename } from "node:fs/promises";
import * as path from "node:path";
import type { Policy, Problem } from "../types.js";
import { EmbeddedPolicy } from "../backends/embedded.js";
import { saveFolderAtomic, writeFileAtomic } from "../core/atomic.js";
import { evaluate, type EvalReport } from "../eval/evaluate.js";
import { buildProblems } from "../eval/problems.js";
import { evalProgress } from "../eval/progress.js";
import { checkPhenomena } from "../report/phenomena.js";
import { selfCheckStats, type SelfCheckStats } from "../report/selfcheck.js";
import { renderMainReport, type MainReport } from "../report/main-report.js";
import { resolveTrainConfig, type TrainConfig } from "../rl/config.js";
import { ProgressPrinter, formatDuration } from "../rl/progress.js";
import { train, type TrainOptions } from "../rl/trainer.js";
import { ScratchpadError } from "../core/errors.js";

/** The main job's training recipe (a `scratchpad train` config). */
export const MAIN_JOB_TRAIN: Partial<TrainConfig> = {
  model: "models/base",
  task: "addition",
  template: "compact",
  min_difficulty: 1,
  max_difficulty: 5,
  seed: 1,
  steps: 150,
  batch_size: 128,
  num_generations: 8,
  micro_batch_size: 32,
  learning_rate: 5e-4,
  lr_scheduler: "cosine",
  temperature: 1,
  max_completion_length: 64,
  loss_type: "grpo",
  scale_rewards: "batch",
  epsilon: 0.2,
  epsilon_high: 0.28,
  beta: 0.25,
  direct_answer_bonus: 0.25,
  dynamic_sampling: false,
  mask_truncated_completions: true,
  save_steps: 5,
};

/** How the main job evaluates (both models, same problems). */
export interface MainJobEval {
  /** Difficulty levels (the pretraining range; see docs/rl.md for why not past RL's range). */
  difficulty: string;
  /** Problems per level. */
  n: number;
  /** Samples per problem (pass@1 averaged over them; maj@k votes over them). */
  k: number;
  /** Thinking budgets swept with budget forcing (trained model). */
  budgets: number[];
  /** Samples per problem at each budget. */
  budgetSamples: number;
  /** Seed of the evaluation problems and samples (not used in training). */
  seed: number;
  maxTokens: number;
}

/** The main job's evaluation settings. */
export const MAIN_JOB_EVAL: MainJobEval = {
  difficulty: "1-5",
  n: 40,
  k: 8,
  budgets: [0, 4, 8, 16, 32, 64],
  budgetSamples: 2,
  seed: 20261127,
  maxTokens: 64,
};

/** Where runs go unless `runsDir` says otherwise. */
export const DEFAULT_RUNS_DIR = "runs";

/** Options of `runMainJob`. */
export interface MainJobOptions {
  /** Folder of runs (default DEFAULT_RUNS_DIR, "runs"). */
  runsDir?: string;
  /** Overrides of the training recipe (steps, model, ...). */
  train?: Partial<TrainConfig>;
  /** Overrides of the evaluation. */
  eval?: Partial<MainJobEval>;
  /** Also copy the trained model here (e.g. models/r1zero). */
  saveModel?: string;
  /** Plain output (no live line); default: when CI is set or stdout is not a TTY. */
  plain?: boolean;
  /** Where progress goes (default stdout). */
  out?: { write(s: string): unknown; isTTY?: boolean };
  signal?: AbortSignal;
  /** Also called after every training step (e.g. a live dashboard's `onStep`). */
  onStep?: TrainOptions["onStep"];
}

/** What `runMainJob` returns. */
export interface MainJobResult {
  dir: string;
  report: MainReport;
}

/** The run was interrupted (Ctrl-C); its checkpoint is saved and the same command resumes it. */
export class MainJobInterrupted extends ScratchpadError {
  constructor(message: string) {
    super("main_job_interrupted", message);
  }
  override readonly name = "MainJobInterrupted";
}

const stamp = () => new Date().toISOString().replace(/[:]/g, "-").replace(/\..*$/, "Z");

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** The unfinished run `runs/latest` points at, when its config equals `cfg` (minus output_dir). */
async function unfinishedRun(runsDir: string, cfg: TrainConfig): Promise<string | null> {
  const latest = path.join(runsDir, "latest");
  let target: string;
  try {
    target = path.resolve(runsDir, await readlink(latest));
  } catch {
    return null;
  }
  if (await exists(path.join(target, "report.json"))) return null;
  try {
    const saved = JSON.parse(await readFile(path.join(target, "train", "config.json"), "utf8")) as TrainConfig;
    const same = JSON.stringify({ ...saved, output_dir: "" }) === JSON.stringify({ ...cfg, output_dir: "" });
    return same ? target : null;
  } catch {
    return null;
  }
}

/** Point `runs/latest` at a run (atomically: a new link renamed over the old one). */
async function pointLatest(runsDir: string, dir: string): Promise<void> {
  const tmp = path.join(runsDir, `.latest-${process.pid}`);
  await rm(tmp, { force: true });
  await symlink(path.basename(dir), tmp);
  await rename(tmp, path.join(runsDir, "latest"));
}

/** Copy a checkpoint folder without its optimizer state, atomically. */
async function exportModel(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(to)), { recursive: true });
  await saveFolderAtomic(to, async (tmp) => {
    await cp(from, tmp, { recursive: true, filter: (src) => !src.endsWith("optimizer.safetensors") });
  });
}

/** Evaluate one model on the main job's problems. */
async function evalModel(
  policy: Policy,
  problems: Problem[],
  e: MainJobEval,
  budgets: boolean,
  onProgress: (phase: string, done: number, total: number) => void,
): Promise<{ report: EvalReport; selfCheck: SelfCheckStats }> {
  let texts: string[] = [];
  const report = await evaluate(policy, problems, {
    k: e.k,
    seed: e.seed,
    temperature: 1,
    maxTokens: e.maxTokens,
    budgets: budgets ? e.budgets : [],
    budgetSamples: e.budgetSamples,
    batchSize: 64,
    keepSamples: 8,
    onProgress,
    onSamples: (_, records) => {
      texts = records.flat().map((r) => r.text);
    },
  });
  return { report, selfCheck: selfCheckStats(texts) };
}

/** Run the main job; see the file header. */
export async function runMainJob(o: MainJobOptions = {}): Promise<MainJobResult> {
  const runsDir = o.runsDir ?? DEFAULT_RUNS_DIR;
  const out = o.out ?? process.stdout;
  const plain = o.plain ?? (!!process.env.CI || out.isTTY !== true);
  const say = (s: string) => out.write(s + "\n");
  const e: MainJobEval = { ...MAIN_JOB_EVAL, ...o.eval };
  await mkdir(runsDir, { recursive: true });
  const provisional = resolveTrainConfig(MAIN_JOB_TRAIN, o.train, { output_dir: "pending" });
  const resumeDir = await unfinishedRun(runsDir, provisional);
  const dir = resumeDir ?? path.join(runsDir, stamp());
  const cfg = resolveTrainConfig(MAIN_JOB_TRAIN, o.train, { output_dir: path.join(dir, "train") });
  await mkdir(dir, { recursive: true });
  await pointLatest(runsDir, dir);
  say(resumeDir ? `scratchpad main job: resuming the unfinished run ${dir}` : `scratchpad main job: ${dir}`);
  say(
    `GRPO on ${cfg.task} (${cfg.min_difficulty}-${cfg.max_difficulty} digits) from ${cfg.model}: ${cfg.steps} steps × ${cfg.batch_size} completions (G = ${cfg.num_generations}), then evaluation on digits ${e.difficulty} (seed ${e.seed})`,
  );
  const timings: Record<string, number> = {};
  let t = performance.now();
  const progress = new ProgressPrinter(out, { plain });
  const result = await train(cfg, {
    signal: o.signal,
    onStep: (m, c, ev) => {
      progress.step(m, c);
      o.onStep?.(m, c, ev);
    },
    onResume: (step) => progress.note(`resuming training at step ${step}`),
    onRewardError: (name, msg) => progress.note(`reward "${name}" failed (scored null): ${msg}`),
  });
  progress.done();
  if (result.steps < cfg.steps) {
    throw new MainJobInterrupted(`stopped at step ${result.steps} of ${cfg.steps} (checkpoint saved); run the same command again to resume`);
  }
  timings.train_s = (performance.now() - t) / 1000;
  await exportModel(result.checkpoint, path.join(dir, "model"));
  if (o.saveModel) await exportModel(result.checkpoint, o.saveModel);

  t = performance.now();
  const problems = await buildProblems({ task: cfg.task, n: e.n, seed: e.seed, difficulty: e.difficulty });
  const baseProgress = evalProgress(out, "base model", { live: !plain });
  const basePolicy = await EmbeddedPolicy.load(cfg.model);
  const { report: base, selfCheck: baseCheck } = await evalModel(basePolicy, problems, e, true, baseProgress.onProgress);
  baseProgress.end();
  const trainedProgress = evalProgress(out, "trained model", { live: !plain });
  const trainedPolicy = await EmbeddedPolicy.load(path.join(dir, "model"));
  const { report: trained, selfCheck: trainedCheck } = await evalModel(trainedPolicy, problems, e, true, trainedProgress.onProgress);
  trainedProgress.end();
  timings.eval_s = (performance.now() - t) / 1000;

  const phenomena = checkPhenomena(base, trained);
  const report: MainReport = {
    title: "scratchpad: R1-Zero on a CPU",
    created: new Date().toISOString(),
    config: cfg,
    history: result.history,
    base,
    trained,
    phenomena,
    self_check: { base: baseCheck, trained: trainedCheck },
    timings,
    notes: [
      `Evaluation: ${problems.length} problems (${e.n} per level, digits ${e.difficulty}), seed ${e.seed}, ${e.k} samples each at temperature 1; pass@1 is averaged over the samples, maj@${e.k} votes over them.`,
      `Budgets ${e.budgets.join(", ")} thinking tokens with budget forcing (${e.budgetSamples} samples per problem each, drawn with the same seeds at every budget): at the cap </think> is appended and the model answers.`,
      `Training: ${result.steps} steps${result.resumedFrom ? ` (resumed from step ${result.resumedFrom})` : ""}; ${formatDuration(timings.train_s)} training, ${formatDuration(timings.eval_s)} evaluation.`,
    ],
  };
  await writeFileAtomic(path.join(dir, "report.json"), JSON.stringify(report, null, 1) + "\n");
  await writeFileAtomic(path.join(dir, "report.html"), renderMainReport(report));
  say(summary(report, dir));
  return { dir, report };
}

/** One line on self-checking, base → after RL. */
export function selfCheckLine(s: { base: SelfCheckStats; trained: SelfCheckStats }): string {
  const p = (x: number | null) => (x === null ? "–" : `${(100 * x).toFixed(0)}%`);
  const n = (x: number | null) => (x === null ? "–" : x.toFixed(2));
  return `self-checking: slips caught with "wait" ${p(s.base.slips_caught)} → ${p(s.trained.slips_caught)}; slips per column ${p(s.base.slips_per_column)} → ${p(s.trained.slips_per_column)}; "wait" per scratchpad ${n(s.base.waits_per_scratchpad)} → ${n(s.trained.waits_per_scratchpad)}, after a real slip ${p(s.base.waits_after_a_slip)} → ${p(s.trained.waits_after_a_slip)}`;
}

/** The plain-text summary printed at the end. */
export function summary(r: MainReport, dir: string): string {
  const p = (x: number) => `${(100 * x).toFixed(1)}%`;
  const lines = [
    "",
    `difficulty  base pass@1  RL pass@1  RL maj@${r.trained.k}  base think  RL think`,
    ...r.trained.by_difficulty.map((t, i) => {
      const b = r.base.by_difficulty[i];
      return `${String(t.difficulty).padStart(10)}  ${p(b["pass@1"]).padStart(11)}  ${p(t["pass@1"]).padStart(9)}  ${p(t["maj@k"]).padStart(8)}  ${b.mean_thinking_tokens.toFixed(1).padStart(10)}  ${t.mean_thinking_tokens.toFixed(1).padStart(8)}`;
    }),
    `budgets ${r.trained.budgets.map((b) => `${b.budget}:${p(b.accuracy)}`).join("  ")}`,
    "",
    ...r.phenomena.map((ph) => `[${ph.pass ? "shown" : "NOT shown"}] ${ph.claim}`),
    ...(r.self_check ? ["", selfCheckLine(r.self_check)] : []),
    "",
    `report: ${path.join(dir, "report.html")} (${path.join(path.dirname(dir), "latest")})`,
  ];
  return lines.join("\n");
}
