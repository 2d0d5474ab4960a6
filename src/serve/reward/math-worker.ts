/**
 * Worker thread of the reward server's math pool: verifies chunks of math items off the main thread.
 * A message in is a batch of tasks: `{id, op: "lines", items, first}` (items of `verify math --jsonl`, numbered
 * from `first`) or `{id, op: "pairs", pairs: [{gold, response}]}`; the answer is one `{id, results}` (or
 * `{id, error}`) per task, in one message.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { MathVerifyOptions } from "../../verify/math/types.js";
import { verifyMathSync } from "../../verify/math/verify.js";
import { verifyMathItem } from "./items.js";
import type { MathTask, MathTaskResult, PairVerdict } from "./math-pool.js";

/** The server's math options (`--math-options`): the base of every item's and pair's. */
const base: MathVerifyOptions = (workerData as { mathOptions?: MathVerifyOptions } | null)?.mathOptions ?? {};

function runTask(t: MathTask): MathTaskResult {
  if (t.op === "lines") return { id: t.id, results: t.items.map((item, i) => verifyMathItem(item, t.first + i, base)) };
  const results: PairVerdict[] = t.pairs.map((p) => {
    const v = verifyMathSync(p.gold, p.response, base);
    return { correct: v.correct, score: v.score ?? (v.correct ? 1 : 0), reason: v.reason, ms: v.elapsedMs };
  });
  return { id: t.id, results };
}

// Warm the parser and comparer before saying ready: a cold worker's first verification (module
// initialisation, JIT) can take longer than the 1 s verification deadline on a loaded machine and
// would score a right answer 0.
for (const [gold, response] of [
  ["\\frac{1}{2}", "so \\boxed{0.5}"],
  ["\\sqrt{2}+x^2", "$x^{2}+\\sqrt 2$"],
  ["(1, 2]", "\\boxed{(1,2]}"],
  ["42", "The answer is 42."],
]) {
  verifyMathSync(gold, response);
}
parentPort?.postMessage("ready");
parentPort?.on("message", (tasks: MathTask[]) => {
  const out: MathTaskResult[] = tasks.map((t) => {
    try {
      return runTask(t);
    } catch (e) {
      return { id: t.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  });
  parentPort!.postMessage(out);
});
