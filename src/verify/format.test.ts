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

  it("invisible characters are blank: a zero-width space is no thinking and no answer", () => {
    // JavaScript's trim() keeps format characters (U+200B, U+2060, U+00AD, bidi marks) and blank-looking letters
    // (U+2800, U+3164), so "<think>\u200b</think>\u200b" was paid as a think block followed by an answer
    for (const inv of ["\u200b", "\u200c\u200d", "\u2060", "\u00ad", "\u200e\u202e", "\u2800", "\u3164", "\u034f", " \u200b\n"]) {
      expect(strict(`<think>${inv}</think>${inv}`, P), JSON.stringify(inv)).toBe(0);
      expect(checkFormat(`<think>${inv}</think>4`).checks.thinking, JSON.stringify(inv)).toBe(false);
      expect(checkFormat(`<think>x</think>${inv}`).checks.answer, JSON.stringify(inv)).toBe(false);
    }
    expect(formatReward({ answerTags: ["<answer>", "</answer>"] })("<think>x</think><answer>\u200b</answer>", P)).toBe(0);
    expect(formatReward({ minAnswerChars: 3 })("<think>x</think>4\u200b\u200b\u200b", P)).toBe(0);
    // text with such characters in it still counts
    expect(strict("<think>2\u200b+2</think>\u200b4", P)).toBe(1);
    expect(strict("<think>x</think>\u00ad42", P)).toBe(1);
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
