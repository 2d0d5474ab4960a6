/**
 * The main job's update, before and after length-sorted micro-batches (docs/rl.md, "Where the time
 * goes"): 128 completions sampled from models/base as a recipe step does (16 prompts × 8, up to 64
 * tokens), then the reference model's scoring and the policy's gradient pass, once as one
 * 128-sequence micro-batch (the previous recipe) and once as length-sorted micro-batches of 32 (the
 * recipe now), interleaved six times so both see the same machine load; prints the medians.
 *
 * Usage: npx tsx scripts/rl-step-bench.ts
 */
import { EmbeddedPolicy } from "../src/backends/embedded.js";
import { getTask } from "../src/tasks/registry.js";
import { microBatches } from "../src/rl/trainer.js";

const pol = await EmbeddedPolicy.load("models/base");
const ref = pol.snapshot();
const probs = getTask("addition").generate(16, { difficulty: { min: 1, max: 5 }, seed: 5 });
const ids = probs.map((p) => pol.promptIds(p.prompt));
const t0 = performance.now();
const out = await pol.generateTokens(ids, { n: 8, maxTokens: 64, temperature: 1, seed: 3 });
const rolloutMs = performance.now() - t0;
const seqs = out.flatMap((g, i) => g.map((c) => ({ prompt: ids[i], completion: c.tokens ?? [] })));
const lossFn = (sc: { logprobs: Float32Array }[]) => ({ loss: 0, dLogprobs: sc.map((x) => new Float32Array(x.logprobs.length).fill(1e-4)) });

/** One update's scoring and gradient passes with micro-batches of `size` (≥ 128: one pass, batch order). */
async function update(size: number): Promise<number> {
  const t = performance.now();
  const chunks = size >= seqs.length ? [seqs.map((_, i) => i)] : microBatches(seqs, size);
  for (const c of chunks) await ref.score(c.map((i) => seqs[i]));
  for (const c of chunks)
    await pol.accumulateGradients(
      c.map((i) => seqs[i]),
      lossFn,
    );
  return performance.now() - t;
}

const before: number[] = [],
  after: number[] = [];
for (let r = 0; r < 6; r++) {
  before.push(await update(128));
  after.push(await update(32));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lengths = seqs.map((s) => s.prompt.length + s.completion.length);
console.log(
  JSON.stringify({
    sequences: seqs.length,
    mean_length: +(lengths.reduce((a, b) => a + b, 0) / lengths.length).toFixed(1),
    max_length: Math.max(...lengths),
    rollout_ms: Math.round(rolloutMs),
    update_one_pass_ms: Math.round(median(before)),
    update_sorted_32_ms: Math.round(median(after)),
    ratio: +(median(after) / median(before)).toFixed(3),
  }),
);
