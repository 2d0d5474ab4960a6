/**
 * CLI of the RL stage: `scratchpad pretrain` (the base model), `scratchpad train` (GRPO-family RL)
 * and `scratchpad start` (the main job: RL from models/base, evaluation, report).
 */
import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { resolveTrainConfig, TRAIN_CONFIG_SCHEMA, TrainConfigError } from "../rl/config.js";
import { train } from "../rl/trainer.js";
import { ProgressPrinter, formatDuration } from "../rl/progress.js";
import { DEFAULT_PRETRAIN, pretrain } from "../pretrain/pretrain.js";
import { DEFAULT_CORPUS } from "../pretrain/corpus.js";
import { runMainJob } from "../rl/main-job.js";

/** Read a JSON config file, with an error that names the file. */
async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new TrainConfigError("--config", `cannot read config file ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new TrainConfigError("--config", `config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** camelCase option name (commander's) → snake_case config key. */
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Abort on the first Ctrl-C (the step finishes and a checkpoint is saved); exit on the second. */
export function interruptSignal(onFirst: () => void): AbortSignal {
  const ac = new AbortController();
  let hits = 0;
  process.on("SIGINT", () => {
    hits++;
    if (hits === 1) { onFirst(); ac.abort(); } else process.exit(130);
  });
  return ac.signal;
}

function registerTrain(program: Command): void {
  const cmd = program
    .command("train")
    .description("Reinforcement learning with verifiable rewards (GRPO / DAPO / Dr. GRPO) on a procedural task; resumes from OUTPUT_DIR/checkpoint when present")
    .option("--config <file>", "JSON file of settings (flags override it)");
  for (const [key, spec] of Object.entries(TRAIN_CONFIG_SCHEMA)) {
    const flag = key.replace(/_/g, "-");
    const opt = spec.kind === "boolean"
      ? new Option(`--${flag} <true|false>`, `${spec.description} (default ${String(spec.default)})`)
      : new Option(`--${flag} <value>`, `${spec.description} (default ${String(spec.default)})`);
    if (spec.kind === "enum") opt.choices(spec.values as string[]);
    cmd.addOption(opt);
  }
  cmd.action(async (raw: Record<string, unknown>) => {
    const { config: file, ...flags } = raw;
    const fromFile = typeof file === "string" ? await readConfigFile(file) : undefined;
    const cli: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(flags)) cli[snake(k)] = v;
    const cfg = resolveTrainConfig(fromFile, cli);
    const progress = new ProgressPrinter();
    const signal = interruptSignal(() => progress.note("interrupted: finishing this step and saving a checkpoint (Ctrl-C again to quit now)"));
    const result = await train(cfg, {
      signal,
      onStep: (m, c) => progress.step(m, c),
      onResume: (step, dir) => progress.note(`resuming from ${dir} at step ${step}`),
      onRewardError: (name, msg) => progress.note(`reward "${name}" failed (scored null): ${msg}`),
    });
    progress.done();
    const last = result.history[result.history.length - 1];
    console.log(`trained ${result.steps}/${cfg.steps} steps; checkpoint ${result.checkpoint}; final reward ${last ? Number(last.reward).toFixed(3) : "-"}; metrics ${cfg.output_dir}/metrics.jsonl`);
  });
}

function registerPretrain(program: Command): void {
  program
    .command("pretrain")
    .description("Pretrain the main job's base model on the synthetic addition corpus (direct answers, scratchpads, slips, \"wait\" corrections)")
    .requiredOption("--out <dir>", "checkpoint folder to write (e.g. models/base)")
    .option("--steps <n>", "optimizer steps", String(DEFAULT_PRETRAIN.steps))
    .option("--batch-size <n>", "documents per step", String(DEFAULT_PRETRAIN.batchSize))
    .option("--lr <x>", "peak learning rate", String(DEFAULT_PRETRAIN.lr))
    .option("--warmup-steps <n>", "linear warmup steps", String(DEFAULT_PRETRAIN.warmupSteps))
    .option("--seed <n>", "seed of weights and corpus", String(DEFAULT_PRETRAIN.seed))
    .option("--max-digits <n>", "longest operand in the corpus", String(DEFAULT_CORPUS.maxDigits))
    .action(async (o: Record<string, string>) => {
      const int = (name: string, v: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name} must be a whole number, got ${JSON.stringify(v)}`);
        return n;
      };
      const lr = Number(o.lr);
      if (!(lr > 0)) throw new RangeError(`--lr must be a positive number, got ${JSON.stringify(o.lr)}`);
      const plain = !!process.env.CI || !process.stdout.isTTY;
      const r = await pretrain({
        out: o.out, steps: int("steps", o.steps), batchSize: int("batch-size", o.batchSize), lr,
        warmupSteps: int("warmup-steps", o.warmupSteps), seed: int("seed", o.seed),
        corpus: { maxDigits: int("max-digits", o.maxDigits) },
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
  program
    .command("start")
    .description("The main job: GRPO from models/base on multi-digit addition, evaluation of both models, runs/<timestamp>/report.html (resumes an unfinished run)")
    .option("--model <dir>", "base checkpoint", "models/base")
    .option("--steps <n>", "GRPO steps (default: the main job's recipe)")
    .option("--runs-dir <dir>", "where runs go", "runs")
    .option("--save-model <dir>", "also copy the trained model here (e.g. models/r1zero)")
    .option("--eval-n <n>", "evaluation problems per difficulty level")
    .action(async (o: Record<string, string | undefined>) => {
      const trainOverrides: Record<string, unknown> = { model: o.model };
      if (o.steps !== undefined) trainOverrides.steps = o.steps;
      const evalN = o.evalN === undefined ? undefined : Number(o.evalN);
      if (evalN !== undefined && !(Number.isInteger(evalN) && evalN > 0)) throw new RangeError(`--eval-n must be a whole number ≥ 1, got ${o.evalN}`);
      const signal = interruptSignal(() => process.stdout.write("\ninterrupted: saving a checkpoint after this step; rerun `npm start` to resume\n"));
      await runMainJob({
        runsDir: o.runsDir, saveModel: o.saveModel, signal,
        train: resolveTrainOverrides(trainOverrides), eval: evalN ? { n: evalN } : undefined,
      });
    });
}

/** Validate overrides early (the same errors as `scratchpad train`), keeping only the given keys. */
function resolveTrainOverrides(raw: Record<string, unknown>): Record<string, unknown> {
  const cfg = resolveTrainConfig(raw) as unknown as Record<string, unknown>;
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
