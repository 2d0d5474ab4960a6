// Evaluation of the shipped base model (models/base) through both backends: in process, and over
// HTTP against our own server running the same checkpoint. The numbers must agree with what the
// model can do: easy problems mostly right, and a larger thinking budget pays.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPolicy } from "../src/backends/index.js";
import { loadCheckpoint } from "../src/engine/checkpoint.js";
import { evaluate, type EvalReport } from "../src/eval/evaluate.js";
import { buildProblems } from "../src/eval/problems.js";
import { ContinuousBatcher } from "../src/serve/batcher.js";
import { startServer, type RunningServer } from "../src/serve/server.js";
import type { Policy } from "../src/types.js";

const base = path.resolve(fileURLToPath(new URL("../models/base", import.meta.url)));
let server: RunningServer;
const policies: Record<string, Policy> = {};

beforeAll(async () => {
  const ck = await loadCheckpoint(base, { optimizer: false });
  server = await startServer({ backend: new ContinuousBatcher({ model: ck.model, tokenizer: ck.tokenizer }), modelName: "base", port: 0 });
  policies.embedded = await openPolicy(base);
  policies.openai = await openPolicy(server.url);
});
afterAll(async () => {
  await server?.close();
});

const reports: Record<string, EvalReport> = {};

for (const backend of ["embedded", "openai"] as const) {
  describe(`models/base through the ${backend} backend`, () => {
    it("gets easy problems mostly right, and a thinking budget of 32 beats none", async () => {
      const problems = await buildProblems({ task: "addition", n: 12, difficulty: "1-3", seed: 4242 });
      const r = await evaluate(policies[backend], problems, { k: 4, budgets: [0, 32], maxTokens: 96, seed: 5, batchSize: 64 });
      reports[backend] = r;
      const easy = r.by_difficulty.find((d) => d.difficulty === 1)!;
      expect(easy["pass@1"]).toBeGreaterThan(0.6);
      expect(r["maj@k"]).toBeGreaterThanOrEqual(r["pass@1"] - 0.1);
      expect(r["pass@k"]).toBeGreaterThanOrEqual(r["pass@1"]);
      const [b0, b32] = r.budgets;
      expect(b0.mean_thinking_tokens).toBe(0);
      expect(b32.accuracy).toBeGreaterThan(b0.accuracy + 0.1);
    });
  });
}

describe("the two backends agree", () => {
  it("on pass@1 within sampling noise", () => {
    const a = reports.embedded,
      b = reports.openai;
    expect(a && b).toBeTruthy();
    // different random streams, same model: the 95% intervals overlap
    expect(a.ci["pass@1"].lo).toBeLessThan(b.ci["pass@1"].hi);
    expect(b.ci["pass@1"].lo).toBeLessThan(a.ci["pass@1"].hi);
  });
});
