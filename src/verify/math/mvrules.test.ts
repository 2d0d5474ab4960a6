// Rules ported from Math-Verify's source (huggingface/Math-Verify grader.py and parser.py,
// latex2sympy2_extended's math_normalization.py), each with examples written here from the rule,
// not taken from Math-Verify's tests (those are the agreement fixture's held-out half).
import { describe, expect, it } from "vitest";
import { verifyMathSync, type MathVerifyOptions } from "./index.js";

const L: MathVerifyOptions = { extraction: ["latex", "expr"] };

function judged(gold: string, response: string, options: MathVerifyOptions = L): boolean {
  return verifyMathSync(gold, response, options).correct;
}

describe("equations against values (grader.sympy_expr_eq)", () => {
  it("an answer equation against a plain gold value is judged by its last side", () => {
    expect(judged("$6$", "$a+b = 6$")).toBe(true);
    expect(judged("$5$", "$x = 2+3 = 5$")).toBe(true);
    expect(judged("$6$", "$a+b = 7$")).toBe(false);
    expect(judged("$2$", "$y = 2x$")).toBe(false);
  });

  it("two assignments to different variables differ; the same variable in another case does not", () => {
    expect(judged("$x=5$", "$y=5$")).toBe(false);
    expect(judged("$x=5$", "$x=5$")).toBe(true);
    expect(judged("$x=5$", "$y=5$", { ...L, strict: false })).toBe(true);
  });
});
