// Both backends behind one Policy interface: the embedded engine in process, and the `openai`
// backend talking to our own server on 127.0.0.1 (a real HTTP server running the same checkpoint).
// The same conformance checks, budget forcing, strategies and evaluation run through each.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCheckpoint, saveCheckpoint } from "../src/engine/checkpoint.js";
import { tsKernels } from "../src/engine/kernels/ts.js";
import { openPolicy, OpenAIPolicy, OpenAIBackendError } from "../src/backends/index.js";
import { ContinuousBatcher } from "../src/serve/batcher.js";
import { startServer, type RunningServer } from "../src/serve/server.js";
import { generateWithBudget } from "../src/scale/budget.js";
import { bestOfN, compose, selfConsistency, type DecidedCompletion } from "../src/scale/strategies.js";
import { router, type RoutedCompletion } from "../src/scale/router.js";
import { routeExperiment } from "../src/scale/routing/index.js";
import { withBudget } from "../src/scale/budget.js";
import { evaluate } from "../src/eval/evaluate.js";
import { getTask } from "../src/tasks/index.js";
import type { Completion, Policy } from "../src/types.js";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GenerationRequest, GenerationResult, ServeBackend } from "../src/serve/backend.js";
import { tinyModel } from "./inference-fixtures.js";

/** A backend that holds every request until `release()`, so a queue is full for certain. */
class GatedBackend implements ServeBackend {
  private held: (() => void)[] = [];
  private open = false;
  private inFlight = 0;
  constructor(private readonly inner: ServeBackend) {}
  get contextLength(): number {
    return this.inner.contextLength;
  }
  get load(): number {
    return this.inFlight;
  }
  countTokens(text: string): number {
    return this.inner.countTokens(text);
  }
  release(): void {
    this.open = true;
    for (const go of this.held.splice(0)) go();
  }
  async submit(req: GenerationRequest): Promise<GenerationResult> {
    this.inFlight++;
    try {
      if (!this.open) await new Promise<void>((resolve) => this.held.push(resolve));
      return await this.inner.submit(req);
    } finally {
      this.inFlight--;
    }
  }
}

let dir: string;
let server: RunningServer;
let batcher: ContinuousBatcher;
const policies: Record<string, Policy> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "scratchpad-inference-"));
  const { model, tokenizer } = tinyModel(7);
  await saveCheckpoint(dir, { model, tokenizer });
  const ck = await loadCheckpoint(dir);
  batcher = new ContinuousBatcher({ model: ck.model, tokenizer: ck.tokenizer, kernels: tsKernels });
  server = await startServer({ backend: batcher, modelName: "tiny", port: 0 });
  policies.embedded = await openPolicy(dir);
  policies.openai = await openPolicy(server.url); // model name from GET /v1/models
});
afterAll(async () => {
  await server?.close();
  await batcher?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

for (const backend of ["embedded", "openai"] as const) {
  describe(`${backend} backend`, () => {
    const p = () => policies[backend];

    it("returns n completions per prompt within maxTokens, honouring stop strings and seeds", async () => {
      const out = await p().generate(["1+2=", "33+44="], { n: 3, maxTokens: 12, temperature: 1, seed: 4, stop: ["7"] });
      expect(out).toHaveLength(2);
      for (const cs of out) {
        expect(cs).toHaveLength(3);
        for (const c of cs) {
          expect(c.completionTokens).toBeGreaterThan(0);
          expect(c.completionTokens).toBeLessThanOrEqual(12);
          expect(c.text).not.toContain("7");
          expect(["stop", "length"]).toContain(c.finishReason);
        }
      }
      const again = await p().generate(["1+2=", "33+44="], { n: 3, maxTokens: 12, temperature: 1, seed: 4, stop: ["7"] });
      expect(again.map((cs) => cs.map((c) => c.text))).toEqual(out.map((cs) => cs.map((c) => c.text)));
    });

    it("budget forcing caps thinking at the budget and then lets the model answer", async () => {
      for (const budget of [0, 5, 20]) {
        const out = await generateWithBudget(p(), ["5+6=<think>"], { budget, answerTokens: 6 }, { n: 6, maxTokens: 60, seed: 2 });
        for (const c of out[0]) {
          expect(c.thinkingTokens).toBeLessThanOrEqual(budget);
          expect(c.text).toContain("</think>"); // every sample's thinking ended, forced or not
          const answer = c.text.slice(c.text.indexOf("</think>") + "</think>".length);
          expect(c.completionTokens).toBeLessThanOrEqual(budget + 1 + 6 + 1);
          if (c.forcedStop) expect(c.thinkingTokens).toBe(budget);
          expect(answer.length).toBeLessThanOrEqual(6 * 4);
        }
        if (budget === 5) expect(out[0].some((c) => c.forcedStop)).toBe(true);
      }
    });

    it("a budget above maxTokens still caps thinking by itself and leaves room to answer", async () => {
      // maxTokens bounds uncapped thinking only: a sample cut at the budget always gets to answer,
      // so raising the budget past maxTokens can never turn a forced answer into a truncation.
      const out = await generateWithBudget(p(), ["5+6=<think>"], { budget: 30 }, { n: 8, maxTokens: 10, seed: 5 });
      const forced = out[0].filter((c) => c.forcedStop);
      expect(forced.length).toBeGreaterThan(0);
      for (const c of forced) {
        expect(c.thinkingTokens).toBe(30);
        expect(c.text).toContain("</think>");
        expect(c.completionTokens).toBeGreaterThan(30); // answer tokens were sampled after the cap
      }
      for (const c of out[0]) expect(c.thinkingTokens).toBeLessThanOrEqual(30);
    });

    it('"Wait" extends thinking that ends early', async () => {
      const out = await generateWithBudget(p(), ["8+1=<think>"], { budget: 100, waits: 2, answerTokens: 4 }, { n: 24, maxTokens: 140, seed: 11 });
      const extended = out[0].filter((c) => c.waitsUsed > 0);
      expect(extended.length).toBeGreaterThan(0);
      for (const c of extended) expect(c.text.split("</think>")[0]).toContain("Wait");
      for (const c of out[0]) expect(c.waitsUsed).toBeLessThanOrEqual(2);
    });

    it("strategies compose over the policy and account for every sample's tokens", async () => {
      const voted = compose(p(), selfConsistency({ k: 4 }));
      const out = (await voted.generate(["2+2=", "9+9="], { n: 2, maxTokens: 10, seed: 1 })) as DecidedCompletion[][];
      expect(out.map((cs) => cs.length)).toEqual([2, 2]);
      for (const d of out.flat()) {
        expect(d.samples).toBe(4);
        expect(d.confidence).toBeGreaterThanOrEqual(0);
        expect(d.confidence).toBeLessThanOrEqual(1);
        expect(d.completionTokens).toBeLessThanOrEqual(40);
        expect(d.completionTokens).toBeGreaterThanOrEqual(4);
      }
      const seen: Completion[] = [];
      const best = compose(
        p(),
        bestOfN({
          n: 5,
          scorer: (_prompt, c) => {
            seen.push(c);
            return -c.text.length;
          },
        }),
      );
      const [[pick]] = (await best.generate(["4+4="], { maxTokens: 10, seed: 3 })) as DecidedCompletion[][];
      expect(seen).toHaveLength(5);
      expect(pick.text.length).toBe(Math.min(...seen.map((c) => c.text.length)));
      const early = compose(p(), selfConsistency({ k: 6, earlyStop: 2 }));
      const decisions = (await early.generate(["1+1=", "2+1=", "3+1="], { maxTokens: 8, seed: 5 })) as DecidedCompletion[][];
      for (const [d] of decisions) expect([2, 6]).toContain(d.samples);
    });

    it("evaluate() reports pass@1, maj@k, per-difficulty rows and budget rows", async () => {
      const task = getTask("addition");
      const problems = [1, 2].flatMap((d) => task.generate(3, { difficulty: d, seed: 9 }));
      const r = await evaluate(p(), problems, { k: 4, budgets: [0, 8], maxTokens: 24, seed: 3, template: (q) => `${q.prompt}<think>` });
      expect(r.n_problems).toBe(6);
      for (const key of ["pass@1", "maj@k", "pass@k", "maj@4", "pass@4"]) {
        expect(r[key]).toBeGreaterThanOrEqual(0);
        expect(r[key]).toBeLessThanOrEqual(1);
      }
      expect(r.by_difficulty.map((x) => x.difficulty)).toEqual([1, 2]);
      expect(r.budgets.map((b) => b.budget)).toEqual([0, 8]);
      expect(r.budgets[0].mean_thinking_tokens).toBe(0);
      expect(r.budgets[1].mean_thinking_tokens).toBeLessThanOrEqual(8);
      expect(r.budgets[1].forced_rate).toBeGreaterThan(0);
      expect(r.curve.length).toBeGreaterThanOrEqual(3 * 3);
      expect(r.samples.length).toBeGreaterThan(0);
    });

    it("evaluate() samples every budget with the same seeds, so budget rows are paired", async () => {
      // The same budget listed twice must give the same row: the sweep compares one set of samples
      // cut at different budgets, not fresh draws whose noise could make accuracy dip.
      const problems = getTask("addition").generate(4, { difficulty: 2, seed: 21 });
      const r = await evaluate(p(), problems, { k: 2, budgets: [6, 6], budgetSamples: 3, maxTokens: 24, seed: 5, template: (q) => `${q.prompt}<think>` });
      const [a, b] = r.budgets;
      expect(b.accuracy).toBe(a.accuracy);
      expect(b.mean_thinking_tokens).toBe(a.mean_thinking_tokens);
      expect(b.mean_completion_tokens).toBe(a.mean_completion_tokens);
      expect(b.forced_rate).toBe(a.forced_rate);
    });
  });
}

describe("router across backends", () => {
  it("answers with the cheap policy when its probes agree, else escalates to the strong one", async () => {
    const cheap = withBudget(policies.embedded, { budget: 0 });
    const routed = router({ cheap, strong: policies.openai, probes: 3, threshold: 0.9 });
    const out = (await routed.generate(["1+1=", "2+3=", "4+4=", "5+1="], { maxTokens: 12, seed: 2 })) as RoutedCompletion[][];
    for (const [d] of out) {
      expect(d.samples).toBe(d.escalated ? 4 : 3);
      if (!d.escalated) expect(d.confidence).toBeGreaterThanOrEqual(0.9);
      else expect(d.confidence).toBeLessThan(0.9);
    }
    const always = router({ cheap, strong: policies.openai, probes: 2, threshold: 1.01 });
    for (const [d] of (await always.generate(["1+1="], { maxTokens: 12, seed: 2 })) as RoutedCompletion[][]) expect(d.escalated).toBe(true);
  });

  it("routeExperiment reports baselines, the calibrated router and a monotone sweep (embedded cheap, endpoint strong)", async () => {
    const task = getTask("addition");
    const cal = task.generate(4, { difficulty: 1, seed: 1 });
    const test = task.generate(4, { difficulty: 1, seed: 2 });
    const options = [
      { name: "cheap", outputPrice: 1 },
      { name: "strong", outputPrice: 10 },
    ];
    for (const kind of ["probe", "prompt"] as const) {
      const { report: r, saved } = await routeExperiment([withBudget(policies.embedded, { budget: 0 }), policies.openai], options, cal, test, {
        router: kind,
        probes: 2,
        maxTokens: 12,
      });
      expect(r.n_test).toBe(4);
      expect(r.sweep[0].cpt).toBe(0);
      expect(r.sweep[r.sweep.length - 1].cpt).toBe(1);
      for (let i = 1; i < r.sweep.length; i++) expect(r.sweep[i].cpt).toBeGreaterThanOrEqual(r.sweep[i - 1].cpt);
      expect(r.router.tokens).toBeGreaterThan(0);
      expect(r.router.cost).toBeGreaterThan(0);
      expect(r.router.calibration.n).toBe(4);
      expect(r.oracle.accuracy).toBeGreaterThanOrEqual(Math.max(r.always_cheap.accuracy, r.always_strong.accuracy));
      expect(saved.router.kind).toBe(kind);
      expect(r.warnings).toBeUndefined();
    }
    // Priced so that the cheap side costs more per query: the report says so, and CPT still counts
    // calls past the cheap side (always-cheap 0, always-strong 1, every router point in between).
    const inverted = [
      { name: "cheap", outputPrice: 1000 },
      { name: "strong", outputPrice: 1 },
    ];
    const { report: w } = await routeExperiment([withBudget(policies.embedded, { budget: 0 }), policies.openai], inverted, cal, test, { maxTokens: 12 });
    expect(w.warnings?.[0]).toMatch(/^the cheap side cheap costs more per query \([\d.]+ per 1k queries\) than strong \([\d.]+\) at these prices/);
    expect(w.always_cheap.cpt).toBe(0);
    expect(w.always_strong.cpt).toBe(1);
  });
});

describe("openai backend against our server", () => {
  it("sums usage over requests, reasoning tokens included (chat mode)", async () => {
    const chat = new OpenAIPolicy({ baseURL: server.url, model: "tiny", api: "chat", reasoningEffort: "low" });
    const out = await chat.generate(["12+3=<think>", "4+5=<think>"], { n: 2, maxTokens: 50, seed: 1 });
    expect(chat.usage.requests).toBe(4); // one request per choice: exact usage per choice
    const sum = out.flat().reduce((a, c) => a + c.completionTokens, 0);
    expect(chat.usage.completionTokens).toBe(sum);
    expect(chat.usage.reasoningTokens).toBeGreaterThan(0);
    for (const c of out.flat()) {
      expect(typeof c.reasoning).toBe("string");
      expect(c.reasoning).not.toContain("</think>"); // the thinking segment ends at the first close tag
      expect(c.thinkingTokens).toBeLessThanOrEqual(32); // "low" effort = 32 thinking tokens
    }
  });

  it("retries 429s with backoff until the busy server has room", async () => {
    // A second server shares the batcher (the server does not own it: closing `busy` must leave the
    // main server working). Its backend holds every request until a 429 has been seen, so the queue
    // is certainly full when the third request arrives: no race with the decode loop.
    const statuses: number[] = [];
    const gate = new GatedBackend(batcher);
    const busy = await startServer({ backend: gate, modelName: "tiny", port: 0, maxQueue: 2 });
    try {
      const counting: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        if (String(input instanceof Request ? input.url : input).endsWith("/completions")) statuses.push(res.status); // not the /models probe
        if (res.status === 429) gate.release();
        return res;
      };
      const policy = new OpenAIPolicy({ baseURL: busy.url, model: "tiny", concurrency: 8, maxRetries: 8, fetch: counting });
      const out = await policy.generate(
        Array.from({ length: 8 }, (_, i) => `${i}+1=`),
        { maxTokens: 30, seed: 1 },
      );
      expect(out.flat()).toHaveLength(8);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 200).length).toBe(8);
    } finally {
      await busy.close();
    }
    // the shared batcher still serves the main server
    const after = await new OpenAIPolicy({ baseURL: server.url, model: "tiny", maxRetries: 0 }).generate(["1+1="], { maxTokens: 4 });
    expect(after[0]).toHaveLength(1);
  });

  it("names the server and the fix on errors", async () => {
    const wrong = new OpenAIPolicy({ baseURL: server.url, model: "missing", maxRetries: 0 });
    await expect(wrong.generate(["1+1="])).rejects.toThrow(OpenAIBackendError);
    await expect(wrong.generate(["1+1="])).rejects.toThrow(/404.*model name/s);
    // A server that accepts the request and never answers: the timeout is the only way out.
    const silent = createServer(() => {
      /* never respond */
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const slow = new OpenAIPolicy({ baseURL: `http://127.0.0.1:${port}/v1`, model: "tiny", maxRetries: 0, timeoutMs: 200 });
      await expect(slow.generate(["1+1="], { maxTokens: 100 })).rejects.toThrow(/timed out|timeout/i);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
