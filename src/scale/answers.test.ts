// Vote keys: equivalent answers collide (the math verifier's canonical form), wherever the
// answer sits in a response (after </think>, in \boxed{}, after "=").
import { describe, expect, it } from "vitest";
import { defaultAnswerExtractor } from "./answers.js";
import { majorityVote } from "../core/vote.js";

describe("defaultAnswerExtractor", () => {
  const key = defaultAnswerExtractor();
  it("groups equivalent answers, not equal strings", () => {
    expect(key("<think>half of one</think>0.5")).toBe(key("\\boxed{\\frac12}"));
    expect(key("1/2")).toBe(key("<think>x</think>\\frac{1}{2}"));
    expect(key("12+30=42")).toBe(key("<think>2+0=2,1+3=4</think>42"));
    expect(key("1,000")).toBe(key("1000"));
    expect(key("41")).not.toBe(key("42"));
    expect(key("<think>never closed")).toBeNull();
  });
  it("makes a majority of equivalent forms win the vote", () => {
    const texts = ["0.5", "\\frac12", "1/3", "1/3", "<think>..</think>1/2"];
    const vote = majorityVote(texts.map((t) => ({ key: key(t), correct: t.includes("1/2") || t.includes("12") || t === "0.5" })));
    expect(vote.correct).toBe(true);
    expect(vote.agreement).toBeCloseTo(3 / 5);
  });
});
