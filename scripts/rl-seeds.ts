/**
 * Results across seeds (docs/rl.md, "Across seeds"): the main job's recipe (`MAIN_JOB_TRAIN`)
 * trained with several training seeds, and with `loss_type` dr_grpo and dapo, each model evaluated
 * held-out with the docs' command (`scratchpad eval ... --seed 4242`, a real CLI run), then every
 * phenomenon of the main job checked per run and printed as mean (min, max) over seeds.
 *
 * Usage: npx tsx scripts/rl-seeds.ts [--seeds 1,2,3] [--variants dr_grpo,dapo] [--out runs/seeds]
 *
 * Runs one after another; a finished run (checkpoint at the last step and its held-out JSON) is
 * reused, an interrupted one resumes, so rerunning the same command only does what is missing.
 * Needs dist/ built (`npm run build`): the evaluation is the `scratchpad eval` command itself.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { MAIN_JOB_TRAIN } from "../src/app/main-job.js";
import type { EvalReport } from "../src/eval/evaluate.js";
import { checkPhenomena, type Phenomenon } from "../src/report/phenomena.js";
import { resolveTrainConfig } from "../src/rl/config.js";
import { checkpointStep, train } from "../src/rl/trainer.js";

const run = promisify(execFile);

function flag(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

/** The held-out evaluation of docs/rl.md ("What the main job shows"), as CLI arguments. */
const HELD_OUT = [
  "--difficulty",
  "1-5",
  "--n",
  "50",
  "--k",
  "8",
  "--budgets",
  "0,4,8,16,32,64",
  "--budget-samples",
  "4",
  "--seed",
  "4242",
  "--max-tokens",
  "64",
  "--json",
];

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** `scratchpad eval` on a model folder, cached in `file`. */
async function heldOut(model: string, file: string): Promise<EvalReport> {
  if (!(await exists(file))) {
    process.stderr.write(`eval ${model} ...\n`);
    await run(process.execPath, ["bin/scratchpad.js", "eval", "--model", model, ...HELD_OUT, "--out", file], { maxBuffer: 1 << 28 });
  }
  return JSON.parse(await readFile(file, "utf8")) as EvalReport;
}

interface RunSpec {
  label: string;
  seed: number;
  loss_type: "grpo" | "dr_grpo" | "dapo";
}

/** Train one recipe variant (resuming / reusing what exists) and evaluate it held-out. */
async function trainAndEval(spec: RunSpec, outRoot: string): Promise<EvalReport> {
  const out = path.join(outRoot, spec.label);
  const cfg = resolveTrainConfig(MAIN_JOB_TRAIN, { seed: spec.seed, loss_type: spec.loss_type, output_dir: out });
  if ((await checkpointStep(path.join(out, "checkpoint"))) !== cfg.steps) {
    const t0 = performance.now();
    process.stderr.write(`train ${spec.label} (seed ${spec.seed}, loss_type ${spec.loss_type}) ...\n`);
    await train(cfg, {
      onStep: (m) => {
        if (m.step % 25 === 0) process.stderr.write(`  step ${m.step}/${cfg.steps}\n`);
      },
    });
    process.stderr.write(`  ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  return heldOut(path.join(out, "checkpoint"), path.join(out, "heldout.json"));
}

/** The numbers each phenomenon is judged on, per run. */
function measures(base: EvalReport, r: EvalReport): { values: Record<string, number>; checks: Phenomenon[] } {
  const checks = checkPhenomena(base, r);
  const at = (d: number) => r.by_difficulty.find((x) => x.difficulty === d)!;
  const budgets = [...r.budgets].sort((a, b) => a.budget - b.budget);
  return {
    checks,
    values: {
      "pass@1 at 5 digits": at(5)["pass@1"],
      "pass@1 gain at 5 digits (points)": at(5)["pass@1"] - base.by_difficulty.find((x) => x.difficulty === 5)!["pass@1"],
      "thinking tokens at 1 digit": at(1).mean_thinking_tokens,
      "thinking tokens at 5 digits": at(5).mean_thinking_tokens,
      "thinking ratio 5 ÷ 1 digits": at(5).mean_thinking_tokens / Math.max(at(1).mean_thinking_tokens, 1e-9),
      "maj@8 − pass@1 at 5 digits (points)": at(5)["maj@k"] - at(5)["pass@1"],
      "budget 0 accuracy": budgets[0].accuracy,
      "budget 64 accuracy": budgets[budgets.length - 1].accuracy,
    },
  };
}

const PERCENT = /pass@1|accuracy|maj@8/;
const fmt = (k: string, x: number) => (PERCENT.test(k) ? (100 * x).toFixed(1) : x.toFixed(1));
const summarise = (k: string, xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.length === 1 ? fmt(k, mean) : `${fmt(k, mean)} (${fmt(k, Math.min(...xs))}, ${fmt(k, Math.max(...xs))})`;
};

async function main(): Promise<void> {
  const seeds = flag("seeds", "1,2,3").split(",").map(Number);
  const variants = flag("variants", "dr_grpo,dapo")
    .split(",")
    .filter((v) => v !== "") as RunSpec["loss_type"][];
  const outRoot = flag("out", "runs/seeds");
  await mkdir(outRoot, { recursive: true });
  const base = await heldOut(String(MAIN_JOB_TRAIN.model), path.join(outRoot, "base.heldout.json"));
  const specs: RunSpec[] = [
    ...seeds.map((seed) => ({ label: `grpo-seed${seed}`, seed, loss_type: "grpo" as const })),
    ...variants.map((v) => ({ label: `${v}-seed${seeds[0]}`, seed: seeds[0], loss_type: v })),
  ];
  const results = new Map<string, ReturnType<typeof measures>>();
  for (const spec of specs) results.set(spec.label, measures(base, await trainAndEval(spec, outRoot)));

  const grpo = specs.filter((s) => s.loss_type === "grpo").map((s) => results.get(s.label)!);
  const others = specs.filter((s) => s.loss_type !== "grpo");
  const keys = Object.keys(grpo[0].values);
  const baseAt = (d: number) => base.by_difficulty.find((x) => x.difficulty === d)!;
  const baseCol: Record<string, string> = {
    "pass@1 at 5 digits": fmt("pass@1", baseAt(5)["pass@1"]),
    "thinking tokens at 1 digit": fmt("", baseAt(1).mean_thinking_tokens),
    "thinking tokens at 5 digits": fmt("", baseAt(5).mean_thinking_tokens),
    "thinking ratio 5 ÷ 1 digits": fmt("", baseAt(5).mean_thinking_tokens / baseAt(1).mean_thinking_tokens),
    "maj@8 − pass@1 at 5 digits (points)": fmt("maj@8", baseAt(5)["maj@k"] - baseAt(5)["pass@1"]),
    "budget 0 accuracy": fmt("accuracy", [...base.budgets].sort((a, b) => a.budget - b.budget)[0].accuracy),
    "budget 64 accuracy": fmt("accuracy", [...base.budgets].sort((a, b) => a.budget - b.budget).at(-1)!.accuracy),
  };
  const head = [
    `| held-out (seed 4242) | base | recipe, ${grpo.length} seeds: mean (min, max) |`,
    ...others.map((s) => ` ${s.loss_type} (seed ${s.seed}) |`),
  ].join("");
  const lines = [head, `|---|---|---|${others.map(() => "---|").join("")}`];
  for (const k of keys) {
    lines.push(
      `| ${k} | ${baseCol[k] ?? "–"} | ${summarise(
        k,
        grpo.map((g) => g.values[k]),
      )} |${others.map((s) => ` ${fmt(k, results.get(s.label)!.values[k])} |`).join("")}`,
    );
  }
  for (const [i, ph] of grpo[0].checks.entries()) {
    const shown = grpo.filter((g) => g.checks[i].pass).length;
    lines.push(
      `| shown: ${ph.id} | | ${shown}/${grpo.length} seeds |${others.map((s) => ` ${results.get(s.label)!.checks[i].pass ? "yes" : "no"} |`).join("")}`,
    );
  }
  process.stdout.write(lines.join("\n") + "\n");
  for (const spec of specs) {
    const failed = results
      .get(spec.label)!
      .checks.filter((c) => !c.pass)
      .map((c) => c.id);
    if (failed.length) process.stdout.write(`${spec.label}: not shown: ${failed.join(", ")}\n`);
  }
}

await main();
