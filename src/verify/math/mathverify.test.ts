// Math-Verify's options and behaviours (issue 9, item 4): its option names per call, and the
// answer forms it accepts that this verifier used to miss. Each case is one of the classes.
import { describe, expect, it } from "vitest";
import { resolveMathOptions, MathOptionError } from "./options.js";
import { verifyMathSync, type MathVerifyOptions } from "./index.js";

function judged(gold: string, response: string, options: MathVerifyOptions = {}): boolean {
  return verifyMathSync(gold, response, options).correct;
}

describe("Math-Verify's behaviours", () => {
  it.each([
    ["labelled tuple", "(1,2)", "\\boxed{(x,y)=(1,2)}"],
    ["labelled length", "4", "\\boxed{|PQ| = 4}"],
    ["labelled quotient", "\\frac12", "\\boxed{\\frac{a}{b}=\\frac12}"],
    ["labelled gold", "(p,q)=(3,2)", "\\boxed{(3, 2)}"],
    ["two labelled values", "P(x) = 1", "$p(x) = 1$"],
    ["labelled list", "AB=4,CD=5", "\\boxed{4, 5}"],
    ["several boxes are one answer", "-1, 3", "so \\boxed{3} and \\boxed{-1}"],
    ["boxes in separate spans joined by and", "\\(\\boxed{1}\\) and \\(\\boxed{-2}\\).", "$\\boxed{-2,1}$."],
    ["adjacent boxes", "$\\boxed{1}\\boxed{2}$", "$\\boxed{1,2}$"],
    ["tuples in another order", "(1,2),(3,4)", "\\boxed{(3,4),(1,2)}"],
    ["ratio", "3:4", "\\boxed{6:8}"],
    ["labelled ratio", "S_{MBCN}:S=7:32", "\\boxed{7:32}"],
    ["inequality chain gold, interval answer", "1 < y < 2", "\\boxed{(1,2)}"],
    ["number after the last math span", "100\\%", "so $\\frac{a}{b} \\geq 2$. It increases by 100%."],
    ["absolute-value chain against a union", "1\\leq|z|\\leq \\frac{3}{2}", "$z \\in \\left[-\\frac{3}{2}, -1\\right] \\cup \\left[1, \\frac{3}{2}\\right]$"],
    ["absolute-value bound against an interval", "|x| < 2", "$(-2, 2)$"],
  ])("%s: %s vs %s", (_name, gold, pred) => {
    expect(judged(gold, pred)).toBe(true);
  });

  it.each([
    ["tuple items in another order", "(1,2),(3,4)", "\\boxed{(4,3),(1,2)}"],
    ["inverse ratio", "3:4", "\\boxed{4:3}"],
    ["boxes in separate spans without a separator: the last one", "20", "$$\\boxed{20}$$ \\boxed{143}"],
    ["a time is not a ratio", "12", "\\boxed{12:00}"],
    ["\\text with a lost escape (TAB + ext)", "$\text{13}$", "$13$"],
    ["an answer with a lost escape", "13", "$\text{13}$"],
    ["an equation is not its right side", "7 = 11a+c", "\\boxed{11a+c}"],
  ])("%s: %s vs %s is wrong", (_name, gold, pred) => {
    expect(judged(gold, pred)).toBe(false);
  });
});

describe("Math-Verify's options, per call", () => {
  it("float_rounding decides how many digits a decimal must get right", () => {
    expect(judged("\\frac13", "\\boxed{0.33}")).toBe(false);
    expect(judged("\\frac13", "\\boxed{0.33}", { float_rounding: 2 })).toBe(true);
    expect(judged("(\\frac{3}{5},\\frac{8}{3}]", "$(0.6,2.6667]$", { float_rounding: 2 })).toBe(true);
  });

  it("strict: false matches variables by position and sets with tuples", () => {
    expect(judged("f(x)", "\\boxed{f(y)}")).toBe(false);
    expect(judged("f(x)", "\\boxed{f(y)}", { strict: false })).toBe(true);
    expect(judged("x^2+1", "\\boxed{t^2+1}", { strict: false })).toBe(true);
    expect(judged("x^2+1", "\\boxed{t^2+2}", { strict: false })).toBe(false);
    expect(judged("\\{1,2\\}", "\\boxed{(2,1)}")).toBe(false);
    expect(judged("\\{1,2\\}", "\\boxed{(2,1)}", { strict: false })).toBe(true);
  });

  it("allow_set_relation_comp lets a gold interval match an inequality answer", () => {
    expect(judged("(1,2)", "\\boxed{1 < y < 2}")).toBe(false);
    expect(judged("(1,2)", "\\boxed{1 < y < 2}", { allow_set_relation_comp: true })).toBe(true);
    expect(judged("x \\in [-2,7]", "$-2 \\le x \\le 7$", { allowSetRelationComp: true })).toBe(true);
  });

  it("extraction takes Math-Verify's targets: latex alone does not read a $…$ split across lines", () => {
    expect(judged("$9$", "Answer $ \n 9 \n $", { extraction: ["latex"] })).toBe(false);
    expect(judged("$9$", "Answer $ \n 9 \n $", { extraction: ["latex", "expr"] })).toBe(true);
    expect(judged("$9$", "Answer \\[ \n 9 \n \\]", { extraction: ["latex"] })).toBe(true);
    expect(judged("2", "AZYUK2A", { extraction: ["expr"] })).toBe(false);
  });

  it("string extraction reads choice letters", () => {
    expect(judged("A", "The answer is (A).", { extraction: ["string"] })).toBe(true);
    expect(judged("B", "Because B is valid", { extraction: ["string"] })).toBe(true);
    expect(judged("U", "The answer is U.", { extraction: ["string"], strings: ["U", "V"] })).toBe(true);
    expect(judged("C", "The answer is (A).", { extraction: ["string"] })).toBe(false);
  });

  it("bad options are an invalid verdict that names the option and the fix", () => {
    const v = verifyMathSync("1", "1", { float_rounding: -1 });
    expect(v.status).toBe("invalid");
    expect(v.reason).toMatch(/float_rounding must be an integer/);
    expect(verifyMathSync("1", "1", { extraction: ["latexx" as "latex"] }).reason).toMatch(/unknown source "latexx"; use latex, expr, string/);
    expect(verifyMathSync("1", "1", { strict: "no" as unknown as boolean }).reason).toMatch(/strict must be true or false/);
    expect(() => resolveMathOptions({ timeout_seconds: 0 })).toThrow(MathOptionError);
  });

  it("timeout_seconds is an alias of timeoutMs", () => {
    expect(resolveMathOptions({ timeout_seconds: 2 }).timeoutMs).toBe(2000);
    expect(resolveMathOptions({ timeout_seconds: 2, timeoutMs: 5 }).timeoutMs).toBe(5);
  });
});
