/**
 * Self-checking analysis of an addition model (docs/rl.md, "Self-checking"): does "wait" in the
 * scratchpad mark a real slip, and does RL teach the model to catch slips or to stop making them?
 *
 *  1. Sampled scratchpads (3-5 digit problems, temperature 1): per column of the compact scratchpad
 *     ("7+5=12", "7+5=13 wait 12"), whether the first written sum is wrong (a slip), whether a
 *     "wait" follows, and whether the correction is right; accuracy of the answer when every slip
 *     was caught against when one was not.
 *  2. A teacher-forced probe: the probability that the model continues with " wait" right after a
 *     column sum, when that sum is right and when it is off by one. A model that detects slips
 *     puts more mass on " wait" after a wrong sum; one that says "wait" at random does not.
 *
 * Usage: npx tsx scripts/self-check.ts MODEL_DIR [MODEL_DIR ...] [--n 300] [--seed 12345]
 */
import { EmbeddedPolicy } from "../src/backends/embedded.js";
import { scratchpadSlips, selfCheckStats } from "../src/report/selfcheck.js";
import { splitThinking } from "../src/core/think.js";
import { getTask } from "../src/tasks/index.js";
import type { Problem } from "../src/types.js";

function flag(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function sampled(policy: EmbeddedPolicy, problems: Problem[], seed: number) {
  const out = await policy.generate(
    problems.map((p) => p.prompt),
    { n: 8, maxTokens: 64, seed, temperature: 1 },
  );
  const scratchpads: string[] = [];
  let slipAll = 0,
    slipAllRight = 0,
    slipMissed = 0,
    slipMissedRight = 0;
  out.forEach((cs, i) => {
    const truth = String(problems[i].answer).trim();
    for (const c of cs) {
      const split = splitThinking(c.text);
      if (!split.closed) continue;
      scratchpads.push(c.text);
      const s = scratchpadSlips(split.reasoning);
      const right = split.answer.trim() === truth;
      if (s.slips > 0 && s.caught === s.slips) {
        slipAll++;
        if (right) slipAllRight++;
      }
      if (s.caught < s.slips) {
        slipMissed++;
        if (right) slipMissedRight++;
      }
    }
  });
  const r = (x: number | null) => (x === null ? null : +x.toFixed(3));
  const stats = selfCheckStats(scratchpads);
  return {
    samples: out.flat().length,
    scratchpads: stats.scratchpads,
    columns: stats.columns,
    slips_per_column: r(stats.slips_per_column),
    slips_caught: r(stats.slips_caught),
    waits_per_scratchpad: r(stats.waits_per_scratchpad),
    waits_after_a_slip: r(stats.waits_after_a_slip),
    accuracy_all_slips_caught: r(slipAll === 0 ? null : slipAllRight / slipAll),
    accuracy_a_slip_missed: r(slipMissed === 0 ? null : slipMissedRight / slipMissed),
  };
}

/** Mean P(" wait" | prefix ending in a column sum), for right sums and for sums off by one. */
async function probe(policy: EmbeddedPolicy, problems: Problem[]) {
  const waitIds = policy.encode(" wait");
  const seqs: { prompt: number[]; completion: number[] }[] = [];
  const kinds: ("right" | "slip")[] = [];
  for (const p of problems) {
    const [a, b] = p.prompt.replace(/=$/, "").split("+");
    const x = Number(a[a.length - 1]),
      y = Number(b[b.length - 1]);
    for (const [kind, s] of [
      ["right", x + y],
      ["slip", x + y + 1],
      ["slip", Math.max(0, x + y - 1)],
    ] as const) {
      if (kind === "slip" && s === x + y) continue;
      seqs.push({ prompt: policy.promptIds(`${p.prompt}<think>${x}+${y}=${s}`), completion: waitIds });
      kinds.push(kind);
    }
  }
  const scores = await policy.score(seqs);
  const mean = (k: "right" | "slip") => {
    const ps = scores.filter((_, i) => kinds[i] === k).map((s) => Math.exp(s.logprobs.reduce((x, y) => x + y, 0)));
    return +(ps.reduce((x, y) => x + y, 0) / ps.length).toFixed(4);
  };
  return { p_wait_after_right_sum: mean("right"), p_wait_after_slip: mean("slip") };
}

const models = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && !all[i - 1]?.startsWith("--"));
if (models.length === 0) {
  console.error("usage: npx tsx scripts/self-check.ts MODEL_DIR [MODEL_DIR ...] [--n 300] [--seed 12345]");
  process.exit(2);
}
const n = Number(flag("n", "300")),
  seed = Number(flag("seed", "12345"));
const task = getTask("addition");
const problems = [3, 4, 5].flatMap((d) => task.generate(Math.ceil(n / 3), { difficulty: d, seed }));
for (const dir of models) {
  const policy = await EmbeddedPolicy.load(dir);
  console.log(JSON.stringify({ model: dir, ...(await sampled(policy, problems, seed)), ...(await probe(policy, problems)) }));
  await policy.close?.();
}
