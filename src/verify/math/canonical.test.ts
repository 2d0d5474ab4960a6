// Tests of answer keys for voting (canonicalAnswerKey) and of direct answer comparison.
import { describe, expect, it } from "vitest";
import { answersEquivalent, canonicalAnswerKey, parseAnswer, parsedEquivalent } from "./index.js";
import { parsedAnswerKey } from "./canonical.js";

describe("canonicalAnswerKey", () => {
  it.each([
    [["0.5", "\\frac12", "1/2", "\\dfrac{1}{2}", "2/4"]],
    [["50\\%", "50", "50 percent"]],
    [["1000", "1,000", "1{,}000", "1000.0", "\\$1000", "x = 1000"]],
    [["3\\frac{1}{2}", "7/2", "3.5", "\\frac{7}{2}"]],
    [["2\\sqrt{2}", "\\sqrt{8}", "\\frac{4}{\\sqrt2}"]],
    [["(x+1)^2", "x^2+2x+1", "1 + 2x + x^2"]],
    [["\\{1, 2\\}", "\\{2, 1\\}"]],
    [["\\pm 5", "5, -5", "-5, 5"]],
    [["90^\\circ", "90", "90°"]],
    [["\\text{Evelyn}", "\\text{evelyn}"]],
    [["\\infty", "∞"]],
  ])("one key for %j", (answers) => {
    const keys = new Set(answers.map((a) => canonicalAnswerKey(a)));
    expect([...keys]).toHaveLength(1);
  });

  it.each([
    ["1/2", "1/3"],
    ["(1,2)", "(2,1)"],
    ["[1,2)", "(1,2)"],
    ["x^2", "x^3"],
    ["\\sqrt2", "1.41"],
    ["5", "\\pm 5"],
    ["3R^2", "3r^2"],
    ["|x|", "x"],
  ])("different keys for %s and %s", (a, b) => {
    expect(canonicalAnswerKey(a)).not.toBe(canonicalAnswerKey(b));
  });

  it("falls back to a text key for answers that are not math, and never throws", () => {
    expect(canonicalAnswerKey("12:00")).toBe(canonicalAnswerKey("12 : 00"));
    expect(canonicalAnswerKey("12:00")).not.toBe(canonicalAnswerKey("1:00"));
    expect(typeof canonicalAnswerKey("\\frac{")).toBe("string");
    expect(typeof canonicalAnswerKey(null as unknown as string)).toBe("string");
  });
});

describe("canonicalAnswerKey's fast path for plain integers", () => {
  it("gives the parser's key for every kind of integer string", () => {
    const cases = ["0", "-0", "7", "007", "-12", "132", "99999", "1000000", "123456789012345678901234567890", "-000450"];
    for (let i = 0, x = 12345; i < 200; i++) cases.push(String((x = (Math.imul(x, 1103515245) + 12345) >>> 0) - 2 ** 31));
    for (const c of cases) expect(canonicalAnswerKey(c), c).toBe(parsedAnswerKey(c));
  });
});

describe("answersEquivalent and parsed answers", () => {
  it.each([
    ["0.5", "\\frac{1}{2}", true],
    ["\\frac{1}{3}", "0.333333", true],
    ["\\frac{1}{3}", "0.33", false],
    ["(x+2)(x+5)", "x^2+7x+10", true],
    ["[1,2)", "[1,2]", false],
    ["\\{3,4\\}", "\\{4,3\\}", true],
    ["y=2x", "2x", true],
  ])("%s ~ %s → %s", (a, b, expected) => {
    expect(answersEquivalent(a, b)).toBe(expected);
  });

  it("parses once and compares many times", () => {
    const gold = parseAnswer("\\frac{14}{3}");
    expect(gold.tree).not.toBeNull();
    const votes = ["14/3", "4\\frac23", "4.6666667", "4.7"].map((a) => parsedEquivalent(gold, parseAnswer(a)));
    expect(votes).toEqual([true, true, true, false]);
    const bad = parseAnswer("The largest");
    expect(bad.tree).toBeNull();
    expect(bad.error).toMatch(/not math/);
  });
});
