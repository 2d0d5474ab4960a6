// Tests of Rubric: weighted combination, null components, errors and timeouts kept out of the trainer,
// and the ready-made accuracy and format rewards.
import { describe, expect, it } from "vitest";
import type { Problem, Verdict } from "../types.js";
import { formatReward } from "./format.js";
import { accuracyReward, Rubric, RubricConfigError } from "./rubric.js";

/** A problem whose verifier checks that the answer after </think> is the gold string. */
function exactProblem(gold: string): Problem {
  return {
    id: "p",
    prompt: "",
    answer: gold,
    meta: {},
    verifier: {
      name: "exact",
      async verify(response: string): Promise<Verdict> {
        const answer = response.split("</think>").pop()!.trim();
        return { correct: answer === gold, status: answer === gold ? "correct" : "wrong", score: answer.startsWith(gold) ? 0.5 : 0, reason: "compared" };
      },
    },
  };
}

describe("Rubric", () => {
  it("sums weighted accuracy and format components and reports each one", async () => {
    const rubric = new Rubric([
      { name: "accuracy", fn: accuracyReward(), weight: 1 },
      { name: "format", fn: formatReward(), weight: 0.2 },
    ]);
    const p = exactProblem("4");
    const good = await rubric.score("<think>2+2</think> 4", p);
    expect(good).toEqual({ total: 1.2, components: { accuracy: 1, format: 1 }, errors: {} });
    const noFormat = await rubric.score("4", p);
    expect(noFormat.total).toBeCloseTo(1);
    expect(noFormat.components).toEqual({ accuracy: 1, format: 0 });
    const wrong = await rubric.score("<think>hm</think> 5", p);
    expect(wrong.total).toBeCloseTo(0.2);
  });

  it("skips null components; 'mean' divides by the weights that apply", async () => {
    const rubric = new Rubric(
      [
        { name: "a", fn: () => 1, weight: 3 },
        { name: "b", fn: () => null, weight: 5 },
        { name: "c", fn: async () => 0, weight: 1 },
      ],
      { combine: "mean" },
    );
    const s = await rubric.score("x", exactProblem("x"));
    expect(s.components).toEqual({ a: 1, b: null, c: 0 });
    expect(s.total).toBeCloseTo(3 / 4);
    const none = await new Rubric([{ name: "n", fn: () => null }]).score("x", exactProblem("x"));
    expect(none.total).toBe(0);
  });

  it("turns throws, rejections, timeouts and non-finite values into null components with errors", async () => {
    const seen: string[] = [];
    const rubric = new Rubric(
      [
        { name: "ok", fn: () => 0.5 },
        {
          name: "throws",
          fn: () => {
            throw new TypeError("bad input");
          },
        },
        { name: "rejects", fn: async () => Promise.reject(new Error("network down")) },
        { name: "hangs", fn: () => new Promise<number>(() => undefined), timeoutMs: 50 },
        { name: "nan", fn: () => NaN },
      ],
      { onError: (name) => seen.push(name) },
    );
    const s = await rubric.score("x", exactProblem("x"));
    expect(s.total).toBe(0.5);
    expect(s.components).toEqual({ ok: 0.5, throws: null, rejects: null, hangs: null, nan: null });
    expect(s.errors.throws).toBe("TypeError: bad input");
    expect(s.errors.rejects).toMatch(/network down/);
    expect(s.errors.hangs).toMatch(/timed out after 50 ms/);
    expect(s.errors.nan).toMatch(/not a finite number/);
    expect(seen.sort()).toEqual(["hangs", "nan", "rejects", "throws"]);
  });

  it("accuracy reward: partial score on request, null without a verifier", async () => {
    const p = exactProblem("42");
    expect(await accuracyReward()("<think/></think> 421", p)).toBe(0);
    expect(await accuracyReward({ partial: true })("</think> 421", p)).toBe(0.5);
    expect(await accuracyReward()("42", { ...p, verifier: undefined } as unknown as Problem)).toBeNull();
  });

  it("scores many responses in order", async () => {
    const rubric = new Rubric([{ name: "accuracy", fn: accuracyReward() }]);
    const p = exactProblem("1");
    const s = await rubric.scoreMany(["1", "2", "1"].map((response) => ({ response, problem: p })));
    expect(s.map((x) => x.total)).toEqual([1, 0, 1]);
  });

  it("rejects bad configuration", () => {
    expect(() => new Rubric([])).toThrow(RubricConfigError);
    expect(
      () =>
        new Rubric([
          { name: "a", fn: () => 1 },
          { name: "a", fn: () => 1 },
        ]),
    ).toThrow(/twice/);
    expect(() => new Rubric([{ name: "a", fn: () => 1, weight: Infinity }])).toThrow(/weight/);
    expect(() => new Rubric([{ name: "a", fn: 3 as never }])).toThrow(/fn/);
  });
});
