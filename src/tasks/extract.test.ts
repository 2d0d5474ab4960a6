// Answer extraction: after </think>, <answer> tags, last line; cleaning and integer parsing.
import { describe, expect, it } from "vitest";
import { afterLastEquals, cleanAnswer, extractFinalAnswer, lastBoxed, parseIntegerAnswer } from "./extract.js";
import { parseIntegerList } from "./verifiers.js";

describe("extractFinalAnswer", () => {
  it("takes the text after the last </think>", () => {
    expect(extractFinalAnswer("<think>7+5=12</think>132")).toEqual({ text: "132", source: "after-think" });
    expect(extractFinalAnswer("<think>a</think>x<think>b</think>\n 9 \n")?.text).toBe("9");
  });
  it("prefers an <answer> tag after the think block and ignores tags inside it", () => {
    expect(extractFinalAnswer("<think>maybe <answer>1</answer></think> <answer> 2 </answer>")).toEqual({ text: "2", source: "answer-tag" });
    expect(extractFinalAnswer("no think <answer>5</answer> trailing")?.text).toBe("5");
    expect(extractFinalAnswer("<answer>7")?.text).toBe("7");
  });
  it("falls back to the last non-empty line", () => {
    expect(extractFinalAnswer("12+345=357")).toEqual({ text: "12+345=357", source: "last-line" });
    expect(extractFinalAnswer("work\nmore work\n\n42\n\n")?.text).toBe("42");
  });
  it("gives null when there is no answer", () => {
    expect(extractFinalAnswer("<think>never closed 42")).toBeNull();
    expect(extractFinalAnswer("<think>x</think>   ")).toBeNull();
    expect(extractFinalAnswer("")).toBeNull();
    expect(extractFinalAnswer("<answer></answer>")).toBeNull();
  });
  it("honours custom tag names and reads only the tail of huge responses", () => {
    expect(extractFinalAnswer("<reasoning>r</reasoning>8", { thinkTag: "reasoning" })?.text).toBe("8");
    const huge = "<think>" + "x".repeat(200_000) + "</think>5";
    expect(extractFinalAnswer(huge)?.text).toBe("5");
  });
});

describe("cleanAnswer and parsing", () => {
  it("strips boxes, math delimiters, bold, prefixes and trailing punctuation", () => {
    expect(cleanAnswer("The answer is $\\boxed{42}$.")).toBe("42");
    expect(cleanAnswer("**Answer: 17**")).toBe("17");
    expect(cleanAnswer("\\(3\\)")).toBe("3");
    expect(cleanAnswer("`5`")).toBe("5");
    expect(lastBoxed("\\boxed{\\frac{1}{2}} and \\boxed{x^{2}}")).toBe("x^{2}");
  });
  it("parses whole integers strictly", () => {
    expect(parseIntegerAnswer("1,234")).toBe(1234n);
    expect(parseIntegerAnswer("\u221212")).toBe(-12n);
    expect(parseIntegerAnswer("+7")).toBe(7n);
    expect(parseIntegerAnswer("12.0")).toBe(12n);
    for (const bad of ["12.5", "1,23", "3 or 4", "12a", "", "1".repeat(1001)]) expect(parseIntegerAnswer(bad)).toBeNull();
    expect(afterLastEquals("x = -3")).toBe("-3");
    expect(parseIntegerList("[3, 5, 9]")).toEqual([3n, 5n, 9n]);
    expect(parseIntegerList("3 5 9")).toEqual([3n, 5n, 9n]);
    expect(parseIntegerList("3,five")).toBeNull();
  });
});
