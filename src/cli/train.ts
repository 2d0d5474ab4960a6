/**
 * CLI of the RL stage: `scratchpad pretrain` (the base model), `scratchpad train` (GRPO-family RL)
 * and `scratchpad start` (the main job: RL from models/base, evaluation, report).
 */
import type { Command } from "commander";
import { z } from "zod";
import { addOptions, cliLayer, readConfigFile, resolveCommand } from "../config/index.js";
import { resolveTrainConfig, resolveTrainLayers, TrainConfigSchema } from "../rl/config.js";
import { train } from "../rl/trainer.js";
import { ProgressPrinter, formatDuration } from "../rl/progress.js";
import { DEFAULT_PRETRAIN, pretrain } from "../pretrain/pretrain.js";
import { DEFAULT_CORPUS } from "../pretrain/corpus.js";
import { DEFAULT_RUNS_DIR, MAIN_JOB_EVAL, MAIN_JOB_TRAIN, runMainJob, summary } from "../app/main-job.js";
import { DASHBOARD_OPTIONS, openDashboard, splitDashboardLayer, type Dashboard } from "../dashboard/index.js";
import * as path from "node:path";

const int = () => z.number().int();

/** `scratchpad pretrain`'s options (defaults: the library's DEFAULT_PRETRAIN and DEFAULT_CORPUS). */
export const PretrainCliSchema = z
  .object({
    out: z.string().min(1).meta({ description: "checkpoint folder to write (e.g. models/base)", arg: "dir" }),
    steps: int()
      .min(0)
      .default(DEFAULT_PRETRAIN.steps)
      .meta({ description: "optimizer steps", aliases: ["max_steps"] }),
    batch_size: int()
      .min(0)
      .default(DEFAULT_PRETRAIN.batchSize)
      .meta({ description: "documents per step", aliases: ["per_device_train_batch_size"] }),
    lr: z
      .number()
      .gt(0)
      .default(DEFAULT_PRETRAIN.lr)
      .meta({ description: "peak learning rate (cosine to lr/10)", arg: "x", aliases: ["learning_rate"] }),
    warmup_steps: int().min(0).default(DEFAULT_PRETRAIN.warmupSteps).meta({ description: "linear warmup steps" }),
    seed: int().min(0).default(DEFAULT_PRETRAIN.seed).meta({ description: "seed of weights and corpus" }),
    max_digits: int().min(0).default(DEFAULT_CORPUS.maxDigits).meta({ description: "longest operand in the corpus" }),
  })
  .strict();

/** `scratchpad start`'s options (unset: the main job's recipe, MAIN_JOB_TRAIN / MAIN_JOB_EVAL). */
export const StartCliSchema = z
  .object({
    model: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "base checkpoint", arg: "dir", defaultText: String(MAIN_JOB_TRAIN.model) }),
    steps: int()
      .min(1)
      .optional()
      .meta({ description: "GRPO steps", defaultText: `the main job's recipe, ${MAIN_JOB_TRAIN.steps}`, aliases: ["max_steps"] }),
    seed: int()
      .min(0)
      .optional()
      .meta({
        description: "training seed (prompts and sampling; the evaluation's seed stays fixed)",
        defaultText: `the main job's recipe, ${MAIN_JOB_TRAIN.seed}`,
      }),
    runs_dir: z.string().min(1).optional().meta({ description: "where runs go", arg: "dir", defaultText: DEFAULT_RUNS_DIR }),
    save_model: z.string().min(1).optional().meta({ description: "also copy the trained model here (e.g. models/r1zero)", arg: "dir" }),
    eval_n: int()
      .min(1)
      .optional()
      .meta({ description: "evaluation problems per difficulty level", defaultText: String(MAIN_JOB_EVAL.n) }),
    ...DASHBOARD_OPTIONS,
  })
  .strict();

/** Abort on the first Ctrl-C (the step finishes and a checkpoint is saved); exit on the second. */
export function interruptSignal(onFirst: () => void): AbortSignal {
  const ac = new AbortController();
  let hits = 0;
  process.on("SIGINT", () => {
    hits++;
    if (hits === 1) {
      onFirst();
      ac.abort();
    } else process.exit(130);
  });
  return ac.signal;
}

function registerTrain(program: Command): void {
  const cmd = program
    .command("train")
    .description(
      "Reinforcement learning with verifiable rewards (GRPO / DAPO / Dr. GRPO) on a procedural task; resumes from OUTPUT_DIR/checkpoint when present",
    )
    .option("--config <file>", "JSON or YAML file of settings, TRL names accepted (flags override it)");
  addOptions(cmd, TrainConfigSchema.extend(DASHBOARD_OPTIONS));
  cmd.addHelpText(
    "after",
    "\nTRL / Hugging Face names are accepted in config files and as flags (max_steps, per_device_train_batch_size,\nlr_scheduler_type, ...) and echoed to the canonical key. Every key: docs/config.md.",
  );
  cmd.action(async (raw: { config?: string }) => {
    const fromFile = raw.config !== undefined ? await readConfigFile(raw.config) : undefined;
    const flags = splitDashboardLayer(cliLayer(cmd));
    const cfg = resolveTrainLayers([fromFile, flags.rest], { onNote: (line) => process.stderr.write(line + "\n") });
    const dash = await openDashboard(flags.dashboard, { title: "scratchpad train", say: (l) => console.log(l) });
    const progress = new ProgressPrinter();
    const signal = interruptSignal(() => progress.note("interrupted: finishing this step and saving a checkpoint (Ctrl-C again to quit now)"));
    const result = await withDashboard(
      dash,
      () =>
        train(cfg, {
          signal,
          onStep: (m, c, ev) => {
            dash?.onStep(m, c, ev);
            if (Number(m.step) % c.logging_steps === 0 || Number(m.step) === c.steps) progress.step(m, c);
          },
          onResume: (step, dir) => progress.note(`resuming from ${dir} at step ${step}`),
          onRewardError: (name, msg) => progress.note(`reward "${name}" failed (scored null): ${msg}`),
        }),
      (r) => {
        const last = r.history[r.history.length - 1];
        return {
          summary: `trained ${r.steps}/${cfg.steps} steps; checkpoint ${r.checkpoint}; final reward ${last ? Number(last.reward).toFixed(3) : "-"}; metrics ${cfg.output_dir}/metrics.jsonl`,
        };
      },
    );
    progress.done();
    const last = result.history[result.history.length - 1];
    console.log(
      `trained ${result.steps}/${cfg.steps} steps; checkpoint ${result.checkpoint}; final reward ${last ? Number(last.reward).toFixed(3) : "-"}; metrics ${cfg.output_dir}/metrics.jsonl`,
    );
  });
}

function registerPretrain(program: Command): void {
  const cmd = program
    .command("pretrain")
    .description('Pretrain the main job\'s base model on the synthetic addition corpus (direct answers, scratchpads, slips, "wait" corrections)');
  addOptions(cmd, PretrainCliSchema);
  cmd.action(async () => {
    const o = resolveCommand<typeof PretrainCliSchema>(cmd);
    const plain = !!process.env.CI || !process.stdout.isTTY;
    const r = await pretrain({
      out: o.out,
      steps: o.steps,
      batchSize: o.batch_size,
      lr: o.lr,
      warmupSteps: o.warmup_steps,
      seed: o.seed,
      corpus: { maxDigits: o.max_digits },
      onLog: (l) => {
        const eta = (l.elapsedSeconds / l.step) * (l.steps - l.step);
        const line = `pretrain step ${l.step}/${l.steps}  loss ${l.loss.toFixed(4)}  lr ${l.lr.toExponential(2)}  ${Math.round(l.tokensPerSecond)} tok/s  ETA ${formatDuration(eta)}`;
        process.stdout.write(plain ? line + "\n" : `\r\x1b[2K${line}`);
      },
    });
    if (!plain) process.stdout.write("\n");
    console.log(`saved ${r.dir}: ${r.params} parameters, final loss ${r.finalLoss.toFixed(4)}, ${r.tokens} tokens in ${formatDuration(r.seconds)}`);
  });
}

function registerStart(program: Command): void {
  const cmd = program
    .command("start")
    .description(
      "The main job: GRPO from models/base on multi-digit addition, evaluation of both models, runs/<timestamp>/report.html (resumes an unfinished run)",
    );
  addOptions(cmd, StartCliSchema);
  cmd.action(async () => {
    const o = resolveCommand<typeof StartCliSchema>(cmd);
    const trainOverrides: Record<string, unknown> = {};
    if (o.model !== undefined) trainOverrides.model = o.model;
    if (o.steps !== undefined) trainOverrides.steps = o.steps;
    if (o.seed !== undefined) trainOverrides.seed = o.seed;
    const signal = interruptSignal(() => process.stdout.write("\ninterrupted: saving a checkpoint after this step; rerun `npm start` to resume\n"));
    const overrides = resolveTrainOverrides(trainOverrides);
    const dash = await openDashboard(o, {
      title: "scratchpad start",
      afterTraining: "training finished: evaluating the base and trained models (the report follows)",
      say: (l) => console.log(l),
    });
    await withDashboard(
      dash,
      () =>
        runMainJob({
          runsDir: o.runs_dir,
          saveModel: o.save_model,
          signal,
          onStep: dash?.onStep,
          train: overrides,
          eval: o.eval_n ? { n: o.eval_n } : undefined,
        }),
      (r) => ({ summary: summary(r.report, r.dir).trim(), reportFile: path.join(r.dir, "report.html") }),
    );
  });
}

/** Run `job` with the dashboard (if any) told how it ended, then closed. */
async function withDashboard<T>(dash: Dashboard | null, job: () => Promise<T>, ended: (r: T) => { summary: string; reportFile?: string }): Promise<T> {
  if (!dash) return job();
  try {
    const r = await job();
    await dash.end({ ok: true, ...ended(r) });
    return r;
  } catch (err) {
    await dash.end({ ok: false, summary: "", error: (err as Error).message });
    throw err;
  } finally {
    await dash.close();
  }
}

/** Validate overrides early (the same errors as `scratchpad train`), keeping only the given keys. */
function resolveTrainOverrides(raw: Record<string, unknown>): Record<string, unknown> {
  const cfg: Record<string, unknown> = resolveTrainConfig(raw);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) if (raw[k] !== undefined) out[k] = cfg[k];
  return out;
}

/** Register this stage's subcommands on the program. */
export function registerTrainCommands(program: Command): void {
  registerPretrain(program);
  registerTrain(program);
  registerStart(program);
}
