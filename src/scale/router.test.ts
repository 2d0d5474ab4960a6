// Router calibration and the threshold sweep on hand-made labelled records (values computed by hand).
import { describe, expect, it } from "vitest";
import { calibrateThreshold, routeAt, routerSweep, type RouteRecord } from "./router.js";

// Four queries: the cheap vote is confident and right on easy ones, unsure and wrong on hard ones.
const rec = (confidence: number, cheapCorrect: boolean, strongCorrect: boolean): RouteRecord => ({
  confidence, cheapCorrect, cheapTokens: 8, cheapSingleCorrect: cheapCorrect, cheapSingleTokens: 2, strongCorrect, strongTokens: 40,
});
const records = [rec(1, true, true), rec(1, true, true), rec(0.5, false, true), rec(0.25, false, false)];

describe("router", () => {
  it("computes accuracy and tokens at a threshold", () => {
    // t = 0.75: the last two escalate. Accuracy (1 + 1 + 1 + 0) / 4; tokens (8·4 + 40·2) / 4 = 28.
    expect(routeAt(records, 0.75)).toEqual({ threshold: 0.75, accuracy: 0.75, tokens: 28, escalated: 0.5 });
    // t = 0: never escalate.
    expect(routeAt(records, 0)).toEqual({ threshold: 0, accuracy: 0.5, tokens: 8, escalated: 0 });
  });
  it("sweeps from never to always escalating, with the baselines", () => {
    const s = routerSweep(records);
    expect(s.always_cheap).toEqual({ accuracy: 0.5, tokens: 2 });
    expect(s.always_strong).toEqual({ accuracy: 0.75, tokens: 40 });
    expect(s.sweep[0].escalated).toBe(0);
    expect(s.sweep[s.sweep.length - 1].escalated).toBe(1);
    for (let i = 1; i < s.sweep.length; i++) expect(s.sweep[i].tokens).toBeGreaterThanOrEqual(s.sweep[i - 1].tokens);
  });
  it("calibrates to the cheapest threshold within the tolerance of always-strong", () => {
    const t = calibrateThreshold(records, 0.02);
    expect(t.accuracy).toBe(0.75);
    expect(t.tokens).toBe(28); // escalating only the two unsure queries
    expect(t.threshold).toBeGreaterThan(0.5);
    expect(t.threshold).toBeLessThanOrEqual(1);
  });
});

describe("voteConfidence", () => {
  it("is the vote share, or the winning answer's mean token probability", async () => {
    const { voteConfidence } = await import("./router.js");
    const c = (logprobs: number[]) => ({ text: "", finishReason: "stop" as const, completionTokens: logprobs.length, logprobs });
    const samples = [c([-0.1, -0.3]), c([-2]), c([-0.2])];
    const keys = ["a", "b", "a"];
    expect(voteConfidence(samples, keys, "agreement").confidence).toBeCloseTo(2 / 3);
    expect(voteConfidence(samples, keys, "logprob").confidence).toBeCloseTo(Math.exp(-0.6 / 3));
    expect(voteConfidence(samples, [null, null, null], "logprob").confidence).toBe(0);
  });
});
