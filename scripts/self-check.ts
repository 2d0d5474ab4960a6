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
import { parseScratchpadColumns } from "../src/report/selfcheck.js";
import { getTask } from "../src/tasks/index.js";
import type { Problem } from "../src/types.js";

function flag(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function sampled(policy: EmbeddedPolicy, problems: Problem[], seed: number) {
  const out = await policy.generate(problems.map((p) => p.prompt), { n: 8, maxTokens: 64, seed, temperature: 1 });
  let samples = 0, scratchpads = 0, columns = 0, slips = 0, caught = 0, waits = 0, waitsAfterSlip = 0;
  let slipAll = 0, slipAllRight = 0, slipMissed = 0, slipMissedRight = 0;
  out.forEach((cs, i) => {
    const truth = String(problems[i].answer).trim();
    for (const c of cs) {
      samples++;
      const m = c.text.match(/<think>(.*?)<\/think>(.*)/s);
      if (!m) continue;
      scratchpads++;
      let slipped = false, missed = false;
      for (const col of parseScratchpadColumns(m[1])) {
        columns++;
        const sum = col.terms.reduce((x, y) => x + y, 0);
        const slip = col.written !== sum;
        if (col.corrected !== null) { waits++; if (slip) waitsAfterSlip++; }
        if (!slip) continue;
        slips++;
        slipped = true;
        if (col.corrected === sum) caught++;
        else missed = true;
      }
      const right = m[2].trim() === truth;
      if (slipped && !missed) { slipAll++; if (right) slipAllRight++; }
      if (missed) { slipMissed++; if (right) slipMissedRight++; }
    }
  });
  const r = (a: number, b: number) => (b === 0 ? null : +(a / b).toFixed(3));
  return {
    samples, scratchpads, columns,
    slips_per_column: r(slips, columns),
    slips_caught: r(caught, slips),
    waits_per_scratchpad: r(waits, scratchpads),
    waits_after_a_slip: r(waitsAfterSlip, waits),
    accuracy_all_slips_caught: r(slipAllRight, slipAll),
    accuracy_a_slip_missed: r(slipMissedRight, slipMissed),
  };
}

/** Mean P(" wait" | prefix ending in a column sum), for right sums and for sums off by one. */
async function probe(policy: EmbeddedPolicy, problems: Problem[]) {
  const waitIds = policy.encode(" wait");
  const seqs: { prompt: number[]; completion: number[] }[] = [];
  const kinds: ("right" | "slip")[] = [];
  for (const p of problems) {
    const [a, b] = p.prompt.replace(/=$/, "").split("+");
    const x = Number(a[a.length - 1]), y = Number(b[b.length - 1]);
    for (const [kind, s] of [["right", x + y], ["slip", x + y + 1], ["slip", Math.max(0, x + y - 1)]] as const) {
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
const n = Number(flag("n", "300")), seed = Number(flag("seed", "12345"));
const task = getTask("addition");
const problems = [3, 4, 5].flatMap((d) => task.generate(Math.ceil(n / 3), { difficulty: d, seed }));
for (const dir of models) {
  const policy = await EmbeddedPolicy.load(dir);
  console.log(JSON.stringify({ model: dir, ...(await sampled(policy, problems, seed)), ...(await probe(policy, problems)) }));
  await policy.close?.();
}
