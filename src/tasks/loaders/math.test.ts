// Math loaders read the real benchmark files; the math verifier accepts each gold answer boxed, as a model writes it.
import { describe, expect, it } from "vitest";
import type { Problem } from "../../types.js";
import { loadDataset } from "./datasets.js";
import { gsm8kAnswer, loadAime24, loadAmc23, loadGsm8k, loadMath500 } from "./math.js";

async function expectGoldAccepted(ps: Problem[]): Promise<void> {
  expect(new Set(ps.map((p) => p.id)).size).toBe(ps.length);
  for (const p of ps) {
    expect(p.verifier.name).toBe("math");
    const v = await p.verifier.verify(`<think>work</think>The final answer is $\\boxed{${p.answer}}$.`, p);
    expect(v.correct, `${p.id}: gold ${JSON.stringify(p.answer)}: ${v.reason}`).toBe(true);
  }
}

describe("math loaders", () => {
  it("GSM8K: answers after ####, both splits", async () => {
    const test = await loadGsm8k();
    expect(test).toHaveLength(1319);
    expect((await loadGsm8k({ split: "train" })).length).toBe(7473);
    expect(test[0]).toMatchObject({ id: "gsm8k/test/0", answer: "18" });
    expect(test.every((p) => /^-?\d+(\.\d+)?$/.test(p.answer))).toBe(true);
    expect(gsm8kAnswer("so 3\n#### 1,000")).toBe("1000");
    await expectGoldAccepted(await loadGsm8k({ limit: 40, seed: 1 }));
    const [p] = test;
    expect((await p.verifier.verify("<think>x</think>\\boxed{19}", p)).correct).toBe(false);
    await expect(loadGsm8k({ split: "dev" })).rejects.toThrow(/unknown split "dev"; use test or train/);
  });

  it("MATH-500: LaTeX answers with level as difficulty", async () => {
    const all = await loadMath500();
    expect(all).toHaveLength(500);
    const levels = new Map<number, number>();
    for (const p of all) levels.set(p.difficulty!, (levels.get(p.difficulty!) ?? 0) + 1);
    expect(Object.fromEntries(levels)).toEqual({ 1: 43, 2: 90, 3: 105, 4: 128, 5: 134 });
    expect(all.every((p) => typeof p.meta.subject === "string")).toBe(true);
    await expectGoldAccepted(all);
    const polar = all.find((p) => p.answer === "\\left( 3, \\frac{\\pi}{2} \\right)")!;
    expect((await polar.verifier.verify("\\boxed{(3, \\pi)}", polar)).correct).toBe(false);
  });

  it("AIME 24/25 and AMC 23: numeric answers, normalised", async () => {
    const aime24 = await loadAime24();
    expect(aime24).toHaveLength(30);
    expect(aime24.every((p) => /^[1-9]\d*$|^0$/.test(p.answer))).toBe(true);
    expect(aime24.some((p) => p.meta.rawAnswer !== p.answer)).toBe(true); // "025" -> "25"
    const aime25 = await loadDataset("aime25");
    expect(aime25.map((p) => p.answer).slice(0, 3)).toEqual(["70", "588", "16"]);
    const amc = await loadAmc23();
    expect(amc).toHaveLength(40);
    expect(amc[0].answer).toBe("27");
    for (const ps of [aime24, aime25, amc]) await expectGoldAccepted(ps);
    expect((await amc[0].verifier.verify("<think></think>\\boxed{28}", amc[0])).correct).toBe(false);
  });

  it("subsamples with limit and seed, and every dataset loads by name", async () => {
    const a = await loadMath500({ limit: 7, seed: 2 });
    expect(a).toHaveLength(7);
    expect(a.map((p) => p.id)).toEqual((await loadMath500({ limit: 7, seed: 2 })).map((p) => p.id));
    expect((await loadMath500({ limit: 3 })).map((p) => p.id)).toEqual((await loadMath500()).slice(0, 3).map((p) => p.id));
    await expect(loadMath500({ limit: -1 })).rejects.toThrow(/limit must be a non-negative integer/);
    await expect(loadDataset("nope")).rejects.toThrow(/unknown task "nope"; known tasks: gsm8k, math500/);
  });
});
