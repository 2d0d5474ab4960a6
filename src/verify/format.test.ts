// Tests of the think-then-answer format reward: strict and soft modes, custom tags, prompt-opened think blocks.
import { describe, expect, it } from "vitest";
import type { Problem } from "../types.js";
import { checkFormat, formatReward, FormatOptionsError } from "./format.js";

const P = {} as Problem;

describe("checkFormat / formatReward", () => {
  const strict = formatReward();
  const soft = formatReward({ mode: "soft" });

  it("gives 1 to one think block at the start followed by an answer", () => {
    const r = "<think>\n2 + 2 is 4.\n</think>\nThe answer is 4.";
    expect(strict(r, P)).toBe(1);
    expect(soft(r, P)).toBe(1);
    const c = checkFormat(r);
    expect(c.thinking?.trim()).toBe("2 + 2 is 4.");
    expect(c.answer.trim()).toBe("The answer is 4.");
  });

  it("allows leading whitespace but nothing else before the think block", () => {
    expect(strict("  \n<think>x</think> 4", P)).toBe(1);
    expect(strict("Sure! <think>x</think> 4", P)).toBe(0);
    expect(soft("Sure! <think>x</think> 4", P)).toBeCloseTo(3 / 4);
  });

  it("scores partial credit in soft mode and 0 in strict mode for each broken part", () => {
    const cases: [string, number][] = [
      ["<think>x</think>", 3 / 4], // no answer
      ["<think></think> 4", 3 / 4], // empty thinking
      ["<think>a</think><think>b</think> 4", 3 / 4], // two blocks: the tag count is wrong, the rest holds
      ["<think>never closed 4", 1 / 4], // only starts
      ["just 4", 0], // nothing
      ["</think> 4 <think>", 0 / 4 + 1 / 4], // reversed tags: only the answer check passes
    ];
    for (const [resp, want] of cases) {
      expect(strict(resp, P), resp).toBe(0);
      expect(soft(resp, P), resp).toBeCloseTo(want);
    }
  });

  it("supports custom tags and an answer block (R1-Zero template)", () => {
    const r1 = formatReward({ openTag: "<reasoning>", closeTag: "</reasoning>", answerTags: ["<answer>", "</answer>"] });
    expect(r1("<reasoning>r</reasoning>\n<answer> 42 </answer>\n", P)).toBe(1);
    expect(r1("<reasoning>r</reasoning>\n<answer>42</answer> extra", P)).toBe(0);
    expect(r1("<reasoning>r</reasoning>\n42", P)).toBe(0);
    expect(formatReward({ mode: "soft", answerTags: ["<answer>", "</answer>"] })("<think>r</think> 42", P)).toBeCloseTo(4 / 5);
  });

  it("handles templates whose prompt already opened the think block", () => {
    const f = formatReward({ promptOpensThink: true });
    expect(f("I add them.</think> 4", P)).toBe(1);
    expect(f("<think>I add them.</think> 4", P)).toBe(0);
  });

  it("returns null for a non-string response and never throws", () => {
    expect(strict(undefined as unknown as string, P)).toBeNull();
    expect(soft("<think>".repeat(100_000), P)).toBeGreaterThanOrEqual(0);
  });

  it("rejects bad options when the reward is built", () => {
    expect(() => formatReward({ openTag: "" })).toThrow(FormatOptionsError);
    expect(() => formatReward({ openTag: "<t>", closeTag: "<t>" })).toThrow(/differ/);
    expect(() => formatReward({ mode: "lenient" as "soft" })).toThrow(/mode/);
    expect(() => formatReward({ answerTags: ["<a>", ""] })).toThrow(/answerTags/);
  });
});
