// Routing: the money frontier (CPT, PGR, APGR, oracle), calibration margins, the prompt and probe
// routers on hand-made records (values computed by hand), the classifier, router files and the
// routed Policy.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Completion, Policy, Problem, Verdict } from "../types.js";
import {
  alwaysOption,
  apgr,
  atCpt,
  chooseOperatingPoint,
  choosePromptOption,
  featurize,
  loadRouter,
  oracleRouter,
  parseRouter,
  pgr,
  predictProbability,
  measureSuccessRates,
  probabilityRouterOnRecords,
  probeRouterOnRecords,
  promptRouterOnRecords,
  relativeCostsOf,
  routedPolicy,
  saveRouter,
  summarize,
  trainLogistic,
  trainPromptRouter,
  featureDimension,
  DEFAULT_FEATURIZER,
  type QueryRecord,
  type RouteOption,
  type SavedRouter,
  type RouteDecidedCompletion,
} from "./routing/index.js";
import { voteConfidence } from "./router.js";

// Two options: cheap (price 1 per 1M output tokens), strong (price 10). Four queries.
const options: RouteOption[] = [
  { name: "cheap", outputPrice: 1 },
  { name: "strong", outputPrice: 10 },
];
const q = (prompt: string, cheapOk: boolean, strongOk: boolean, confidence: number): QueryRecord => ({
  prompt,
  outcomes: [
    { correct: cheapOk, outputTokens: 10, inputTokens: 0 },
    { correct: strongOk, outputTokens: 40, inputTokens: 0 },
  ],
  probe: { correct: cheapOk, confidence, outputTokens: 10, inputTokens: 0 },
});
const records = [q("1+1=", true, true, 1), q("2+2=", true, true, 1), q("12345+67890=", false, true, 0.5), q("99999+99999=", false, false, 0.25)];

describe("routing frontier", () => {
  it("prices the baselines and the oracle in money per query", () => {
    // cheap: 10 tokens × 1 / 1e6 = 1e-5 per query; strong: 40 × 10 / 1e6 = 4e-4.
    expect(alwaysOption(records, options, 0)).toEqual({ accuracy: 0.5, cost: 1e-5, cpt: 0, tokens: 10 });
    expect(alwaysOption(records, options, 1)).toEqual({ accuracy: 0.75, cost: 4e-4, cpt: 1, tokens: 40 });
    // oracle: strong only for the third query (cheap wrong, strong right): accuracy 3/4, cost (3·1e-5 + 4e-4)/4.
    const o = oracleRouter(records, options);
    expect(o.accuracy).toBe(0.75);
    expect(o.cpt).toBe(0.25);
    expect(o.cost).toBeCloseTo((3e-5 + 4e-4) / 4, 12);
  });
  it("PGR is the share of the gap recovered; a random router's APGR is 0.5, a perfect one's more", () => {
    expect(pgr({ accuracy: 0.625 }, { accuracy: 0.5 }, { accuracy: 0.75 })).toBeCloseTo(0.5);
    // Equally accurate baselines leave no gap: PGR and APGR are undefined (NaN; null in JSON), not 0 or 1.
    expect(pgr({ accuracy: 0.5 }, { accuracy: 0.5 }, { accuracy: 0.5 })).toBeNaN();
    expect(apgr([{ accuracy: 0, cost: 1, cpt: 0.5, tokens: 1 }], { accuracy: 0 }, { accuracy: 0 })).toBeNaN();
    expect(JSON.parse(JSON.stringify({ pgr: pgr({ accuracy: 0 }, { accuracy: 0 }, { accuracy: 0 }) })).pgr).toBeNull();
    // Random routing moves linearly from cheap to strong: PGR = CPT.
    const random = [0, 0.25, 0.5, 0.75, 1].map((c) => ({ accuracy: 0.5 + 0.25 * c, cost: 0, cpt: c, tokens: 0 }));
    expect(apgr(random, { accuracy: 0.5 }, { accuracy: 0.75 })).toBeCloseTo(0.5);
    // Recovering the whole gap at CPT 0.25 then flat: area = 0.25·0.5 + 0.75·1 = 0.875.
    const good = [
      { accuracy: 0.5, cost: 0, cpt: 0, tokens: 0 },
      { accuracy: 0.75, cost: 0, cpt: 0.25, tokens: 0 },
      { accuracy: 0.75, cost: 0, cpt: 1, tokens: 0 },
    ];
    expect(apgr(good, { accuracy: 0.5 }, { accuracy: 0.75 })).toBeCloseTo(0.875);
  });
  it("the probe router pays the probes on every query and the strong call when it escalates", () => {
    const r = probeRouterOnRecords(records, options);
    // Fewest escalations first: the first threshold never escalates, the last always does.
    expect(summarize(r.evaluate(r.thresholds[0])).cpt).toBe(0);
    expect(summarize(r.evaluate(r.thresholds[r.thresholds.length - 1])).cpt).toBe(1);
    // Threshold 0.75: the two unsure queries escalate. Accuracy (1+1+1+0)/4; cost (4·1e-5 + 2·4e-4)/4.
    const p = summarize(r.evaluate(0.75));
    expect(p.accuracy).toBe(0.75);
    expect(p.cpt).toBe(0.5);
    expect(p.cost).toBeCloseTo((4e-5 + 8e-4) / 4, 12);
    expect(p.tokens).toBe((4 * 10 + 2 * 40) / 4);
  });
  it("chooses the cheapest point whose accuracy bound is within tolerance, or the best under a CPT cap", () => {
    const r = probeRouterOnRecords(records, options);
    const strongOk = records.map((x) => x.outcomes[1].correct);
    const tol = chooseOperatingPoint(r.thresholds, r.evaluate, strongOk, { kind: "tolerance", tolerance: 0 });
    // Escalating the two unsure queries matches always-strong on every query (difference 0, no spread).
    expect(tol.met).toBe(true);
    expect(tol.point.accuracy).toBe(0.75);
    expect(tol.point.cpt).toBe(0.5);
    // A CPT cap of 0.5 with 4 queries: the margin (1.645·√(0.25/4) ≈ 0.41) rules out CPT 0.25 and up.
    const capped = chooseOperatingPoint(r.thresholds, r.evaluate, strongOk, { kind: "max-cpt", maxCpt: 0.5 });
    expect(capped.point.cpt).toBe(0);
    expect(capped.bound).toBeLessThanOrEqual(0.5);
  });
});

describe("prompt router", () => {
  it("picks the best predicted accuracy minus threshold × relative cost (ties escalate)", () => {
    expect(choosePromptOption([0.5, 0.9], [0.1, 1], 0.4)).toBe(1); // gain 0.4 ≥ 0.4 × 0.9
    expect(choosePromptOption([0.5, 0.9], [0.1, 1], 0.5)).toBe(0); // gain 0.4 < 0.45
    expect(choosePromptOption([0.5, 0.9], [0.1, 1], Infinity)).toBe(0);
    // Three options: the middle one wins when its gain per cost is best.
    expect(choosePromptOption([0.5, 0.85, 0.9], [0.1, 0.3, 1], 0.5)).toBe(1);
  });
  it("the logistic classifier learns which prompts the cheap policy gets wrong, deterministically", () => {
    const prompts = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? `${i}+1=` : `${10000 + i * 37}+${20000 + i * 53}=`));
    const ys = prompts.map((_, i) => (i % 2 === 0 ? 1 : 0));
    const xs = prompts.map((p) => featurize(p));
    const m = trainLogistic(xs, ys, featureDimension(DEFAULT_FEATURIZER), { epochs: 200 });
    expect(predictProbability(m, featurize("7+1="))).toBeGreaterThan(0.8);
    expect(predictProbability(m, featurize("31415+27182="))).toBeLessThan(0.2);
    expect(trainLogistic(xs, ys, featureDimension(DEFAULT_FEATURIZER), { epochs: 200 })).toEqual(m);
  });
  it("trained on records, it escalates the long prompts first and its sweep runs from CPT 0 to 1", () => {
    const recs = Array.from({ length: 40 }, (_, i) => q(i % 2 ? `${30000 + i * 91}+${40000 + i * 13}=` : `${i % 9}+${i % 7}=`, i % 2 === 0, true, 1));
    const spec = trainPromptRouter(recs, options, { epochs: 200 });
    expect(spec.relativeCosts[0]).toBeCloseTo(1e-5 / 4e-4);
    const r = promptRouterOnRecords(spec, recs, options);
    const sweep = r.thresholds.map((t) => summarize(r.evaluate(t)));
    expect(sweep[0].cpt).toBe(0);
    expect(sweep[sweep.length - 1].cpt).toBe(1);
    for (let i = 1; i < sweep.length; i++) expect(sweep[i].cpt).toBeGreaterThanOrEqual(sweep[i - 1].cpt);
    // Half the calls to strong recovers the whole gap (the long prompts are exactly the cheap misses).
    const half = sweep.find((p) => p.cpt === 0.5)!;
    expect(pgr(half, sweep[0], sweep[sweep.length - 1])).toBe(1);
  });
});

describe("prompt oracle", () => {
  it("routes by measured success rates: the most to gain escalates first", () => {
    // Success rates per query [cheap, strong]: only the third query gains from strong (0.2 → 1).
    const rates = [
      [1, 1],
      [1, 1],
      [0.2, 1],
      [0.5, 0.5],
    ];
    const rc = relativeCostsOf(records, options);
    expect(rc).toEqual([1e-5 / 4e-4, 1]);
    const r = probabilityRouterOnRecords(rates, rc, records, options);
    const sweep = r.thresholds.map((t) => summarize(r.evaluate(t)));
    expect(sweep.map((p) => p.cpt)).toEqual([0, 0.25, 1]);
    // Escalating the third query recovers the whole gap (0.5 → 0.75); the others gain nothing.
    expect(sweep[1].accuracy).toBe(0.75);
    // Area: 0.25 · (0 + 1)/2 + 0.75 · 1 = 0.875.
    expect(apgr(sweep, sweep[0], sweep[2])).toBeCloseTo(0.875);
    expect(() => probabilityRouterOnRecords(rates.slice(1), rc, records, options)).toThrow(/3 probability rows for 4 records/);
    // Between sweep points the point is linear (ties broken at random): CPT 0.625 is halfway from 0.25 to 1.
    expect(atCpt(sweep, 0.625)).toEqual({
      accuracy: 0.75,
      cost: (sweep[1].cost + sweep[2].cost) / 2,
      cpt: 0.625,
      tokens: (sweep[1].tokens + sweep[2].tokens) / 2,
    });
    expect(atCpt(sweep, 0.125).accuracy).toBeCloseTo(0.625);
    expect(atCpt(sweep, 0)).toEqual(sweep[0]);
  });
  it("measures each option's success rate from fresh samples with its own seeds", async () => {
    // The cheap policy is right on sample j when (seed + j) is even; the strong one always.
    const seeds: number[] = [];
    const policy = (alwaysRight: boolean): Policy => ({
      name: alwaysRight ? "strong" : "cheap",
      async generate(prompts, opts = {}) {
        seeds.push(opts.seed ?? -1);
        return prompts.map((_, i) =>
          Array.from({ length: opts.n ?? 1 }, (_, j): Completion => {
            const right = alwaysRight || ((opts.seed ?? 0) + i * (opts.n ?? 1) + j) % 2 === 0;
            return { text: right ? "ok" : "no", finishReason: "stop", completionTokens: 1 };
          }),
        );
      },
    });
    const verifier = {
      name: "ok",
      verify: async (text: string): Promise<Verdict> => ({ correct: text === "ok", status: text === "ok" ? "correct" : "wrong", reason: "" }),
    };
    const problems: Problem[] = ["a", "b", "c"].map((id) => ({ id, prompt: id, answer: "ok", verifier, meta: {} }));
    const rates = await measureSuccessRates([policy(false), policy(true)], problems, { samples: 4, seed: 0, batchSize: 2 });
    expect(rates).toEqual([
      [0.5, 1],
      [0.5, 1],
      [0.5, 1],
    ]);
    // Seed streams: 7_000_003 past the records' streams, 1_000_003 apart per option, batches s·K apart.
    expect(seeds).toEqual([7_000_003, 8_000_006, 7_000_011, 8_000_014]);
    await expect(measureSuccessRates([policy(true), policy(true)], problems, { samples: 0 })).rejects.toThrow(/samples ≥ 1, got 0/);
  });
});

describe("router files and the routed policy", () => {
  const toy = (name: string): Policy => ({
    name,
    async generate(prompts, opts = {}) {
      return prompts.map((p) => Array.from({ length: opts.n ?? 1 }, (): Completion => ({ text: `${name}:${p}`, finishReason: "stop", completionTokens: 1 })));
    },
  });
  it("saves, loads and routes each prompt to the option it picks, saying where it went", async () => {
    const recs = Array.from({ length: 40 }, (_, i) => q(i % 2 ? `${30000 + i * 91}+${40000 + i * 13}=` : `${i % 9}+${i % 7}=`, i % 2 === 0, true, 1));
    const spec = trainPromptRouter(recs, options, { epochs: 200 });
    const saved: SavedRouter = {
      format: "scratchpad-router",
      version: 1,
      router: spec,
      threshold: 0.5,
      options: options.map((o) => ({ name: o.name, output_price: o.outputPrice, input_price: 0 })),
      calibration: {},
    };
    const dir = await mkdtemp(path.join(tmpdir(), "router-"));
    const file = path.join(dir, "router.json");
    await saveRouter(file, saved);
    const loaded = await loadRouter(file);
    expect(loaded).toEqual(saved);
    const policy = routedPolicy(loaded, [toy("cheap"), toy("strong")]);
    const [[easy], [hard]] = (await policy.generate(["3+4=", "31337+42424="])) as RouteDecidedCompletion[][];
    expect(easy.text).toBe("cheap:3+4=");
    expect(easy.route.name).toBe("cheap");
    expect(hard.text).toBe("strong:31337+42424=");
    expect(hard.route.option).toBe(1);
    // A damaged file names the field.
    const bad = JSON.parse(await readFile(file, "utf8"));
    bad.router.models[1].bias = "x";
    await writeFile(file, JSON.stringify(bad));
    await expect(loadRouter(file)).rejects.toThrow(/router\.models\.1\.bias/);
    expect(() => parseRouter("{")).toThrow(/not JSON/);
  });
  it("a probe router file runs the cascade", async () => {
    const saved: SavedRouter = {
      format: "scratchpad-router",
      version: 1,
      router: { kind: "probe", probes: 1, confidence: "agreement" },
      threshold: 1.01,
      options: options.map((o) => ({ name: o.name, output_price: o.outputPrice, input_price: 0 })),
      calibration: {},
    };
    const [[c]] = (await routedPolicy(saved, [toy("cheap"), toy("strong")]).generate(["1+2="])) as RouteDecidedCompletion[][];
    // One probe always agrees with itself (confidence 1 < 1.01): escalated.
    expect(c.route.name).toBe("strong");
    expect(c.text).toBe("strong:1+2=");
  });
});

describe("voteConfidence", () => {
  it("is the vote share, or the winning answer's mean token probability", () => {
    const c = (logprobs: number[]) => ({ text: "", finishReason: "stop" as const, completionTokens: logprobs.length, logprobs });
    const samples = [c([-0.1, -0.3]), c([-2]), c([-0.2])];
    const keys = ["a", "b", "a"];
    expect(voteConfidence(samples, keys, "agreement").confidence).toBeCloseTo(2 / 3);
    expect(voteConfidence(samples, keys, "logprob").confidence).toBeCloseTo(Math.exp(-0.6 / 3));
    expect(voteConfidence(samples, [null, null, null], "logprob").confidence).toBe(0);
  });
});
