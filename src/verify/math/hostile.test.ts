// Hostile inputs: every verification returns a verdict (never throws) within its time limit.
import { describe, expect, it } from "vitest";
import { answersEquivalent, canonicalAnswerKey, extractAnswer, verifyMath } from "./index.js";

const LIMIT_MS = 1000;
/** Allowed wall time past the limit (a loaded 2-core machine; the check itself is every 32 operations). */
const SLACK_MS = 1500;

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const r = rand(7);
const garbage = Array.from({ length: 1_000_000 }, () => String.fromCharCode(32 + Math.floor(r() * 95))).join("");
const latexSoup = Array.from({ length: 100_000 }, () => ["\\frac{", "}", "{", "\\sqrt", "^", "$", "\\boxed{", "(", ")", "x", "9"][Math.floor(r() * 11)]).join(
  "",
);
const huge = "1" + "0".repeat(100_000);

const cases: [name: string, gold: string, response: string][] = [
  ["power tower 9^9^9^9", "5", "\\boxed{9^{9^{9^{9}}}}"],
  ["power tower against itself", "9^{9^{9^{9}}}", "\\boxed{9^{9^{9^{9}}}}"],
  ["plain power tower", "5", "Answer: 9^9^9^9"],
  ["power of a variable", "x", "\\boxed{x^{9^{9^{9}}}}"],
  ["2^{100000}", "2", "\\boxed{2^{100000}}"],
  ["huge negative power", "0", "\\boxed{10^{-99999999}}"],
  ["factorial 100000!", "5", "\\boxed{100000!}"],
  ["factorial of a tower", "5", "\\boxed{(10^{10^{10}})!}"],
  ["nested factorials", "5", "\\boxed{((((10!)!)!)!)!}"],
  ["binomial of huge numbers", "5", "\\boxed{\\binom{10^{9}}{10^{8}}}"],
  ["100k-digit number", "5", `\\boxed{${huge}}`],
  ["100k-digit number against itself", huge, `\\boxed{${huge}}`],
  ["1000-digit numbers", "1" + "7".repeat(999), "\\boxed{" + "1" + "7".repeat(998) + "8}"],
  ["1 MB of garbage", "5", garbage],
  ["1 MB of garbage as gold", garbage, "\\boxed{5}"],
  ["LaTeX soup", "5", latexSoup],
  ["100k unclosed boxes", "5", "\\boxed{".repeat(100_000)],
  ["100k nested braces", "5", "\\boxed{" + "{".repeat(100_000) + "5" + "}".repeat(100_000) + "}"],
  ["deep parentheses", "6", "\\boxed{" + "(".repeat(1500) + "5" + ")".repeat(1500) + "}"],
  ["deep fractions", "6", "\\boxed{" + "\\frac{1}{".repeat(500) + "5" + "}".repeat(500) + "}"],
  ["deep square roots", "5", "\\boxed{" + "\\sqrt{".repeat(1000) + "5" + "}".repeat(1000) + "}"],
  ["deep unary minus", "5", "\\boxed{" + "-".repeat(3000) + "5}"],
  ["long sum", "2000", "\\boxed{" + Array(1999).fill("1").join("+") + "}"],
  ["long product of variables", "5", "\\boxed{" + "x".repeat(3900) + "}"],
  ["many dollar signs", "5", "$".repeat(1_000_000)],
  ["many newlines and answers", "5", "Answer: \n".repeat(100_000)],
  ["answer word then spaces", "5", "answer" + " ".repeat(200_000) + "x"],
  ["final answer then spaces", "5", "final answer" + " ".repeat(200_000) + "x"],
  ["many think tags", "5", "<think>".repeat(100_000)],
  ["huge set", "5", "\\boxed{\\{" + Array.from({ length: 1000 }, (_, i) => i).join(",") + "\\}}"],
  ["huge matrix", "5", "\\boxed{\\begin{pmatrix}" + Array(30).fill(Array(30).fill("1").join("&")).join("\\\\") + "\\end{pmatrix}}"],
  ["matrix power product", "5", "\\boxed{" + Array(20).fill("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}").join("") + "}"],
  ["many ± signs", "5", "\\boxed{" + Array(200).fill("1 \\pm 1").join("+") + "}"],
  ["division by zero", "5", "\\boxed{\\frac{1}{0}}"],
  ["zero to a negative power", "5", "\\boxed{0^{-1}}"],
  ["log of zero", "5", "\\boxed{\\log 0}"],
  ["unicode soup", "5", "√∞π×÷≤≥≠±∓∪∩∈∅°⁰¹²³⁴⁵⁶⁷⁸⁹½⅓¼".repeat(10_000)],
];

describe("hostile inputs", () => {
  it.each(cases)("%s: a verdict within the limit", async (_name, gold, response) => {
    const t0 = performance.now();
    const v = await verifyMath(gold, response, { timeoutMs: LIMIT_MS });
    const ms = performance.now() - t0;
    expect(typeof v.correct).toBe("boolean");
    expect(v.reason.length).toBeGreaterThan(0);
    expect(ms).toBeLessThan(LIMIT_MS + SLACK_MS);
  });

  it("wrong hostile answers are never correct", async () => {
    for (const [name, gold, response] of cases) {
      if (gold === "5" || name === "1000-digit numbers") {
        const v = await verifyMath(gold, response);
        expect(v.correct, name).toBe(false);
      }
    }
  });

  it("identical huge answers still match (by text)", async () => {
    expect((await verifyMath(huge, `\\boxed{${huge}}`)).correct).toBe(true);
    expect((await verifyMath("9^{9^{9^{9}}}", "\\boxed{9^{9^{9^{9}}}}")).correct).toBe(true);
    expect((await verifyMath(huge, `\\boxed{${huge.slice(0, -1)}1}`)).correct).toBe(false);
  });

  it("a tiny time limit gives a timeout verdict, not a hang or a throw", async () => {
    const v = await verifyMath("5", "\\boxed{" + Array(1999).fill("1").join("+") + "}", { timeoutMs: 0.001 });
    expect(v.correct).toBe(false);
    expect(v.reason).toBe("timeout");
  });

  it("the other entry points are bounded too", () => {
    for (const [, gold, response] of cases.slice(0, 12)) {
      const t0 = performance.now();
      extractAnswer(response);
      answersEquivalent(gold, response, { timeoutMs: LIMIT_MS });
      canonicalAnswerKey(response, { timeoutMs: LIMIT_MS });
      expect(performance.now() - t0).toBeLessThan(3 * LIMIT_MS + SLACK_MS);
    }
  });
});
