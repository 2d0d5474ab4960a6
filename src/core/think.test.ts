// The one think/answer parser and its callers: every verifier reads the answer part the same way
// (after the LAST close tag; a response cut off while thinking holds no answer), and RL decides a
// verifier failure from `Verdict.status`, never from the text of `reason`.
import { describe, expect, it } from "vitest";
import { resolveTrainConfig } from "../rl/config.js";
import { TrainingReward } from "../rl/rewards.js";
import { getTask } from "../tasks/index.js";
import { extractFinalAnswer } from "../tasks/extract.js";
import type { Problem, Verdict } from "../types.js";
import { extractCode } from "../verify/code/extract.js";
import { checkFormat } from "../verify/format.js";
import { verifyMathSync } from "../verify/math/verify.js";
import { answerAfterThinking, DEFAULT_THINK_TAGS, splitThinking, thinkTagsNamed } from "./think.js";

describe("answerAfterThinking", () => {
  it("reads after the last close tag, refuses an unclosed segment, passes plain text through", () => {
    expect(answerAfterThinking("<think>a</think>b</think>c")).toEqual({ text: "c", afterThinking: true });
    expect(answerAfterThinking("a</think>b")).toEqual({ text: "b", afterThinking: true });
    expect(answerAfterThinking("<think>the answer is 5")).toBeNull();
    expect(answerAfterThinking("5 <think>more")).toBeNull();
    expect(answerAfterThinking("<think>the answer is 5", { unclosed: "whole-text" })).toEqual({ text: "<think>the answer is 5", afterThinking: false });
    expect(answerAfterThinking("just 5")).toEqual({ text: "just 5", afterThinking: false });
    expect(answerAfterThinking("[T]x[/T]y", { tags: { open: "[T]", close: "[/T]" } })?.text).toBe("y");
    expect(thinkTagsNamed("think")).toEqual(DEFAULT_THINK_TAGS);
  });

  it("splitThinking (display, thinking length) still splits at the first close tag", () => {
    expect(splitThinking("<think>a</think>b</think>c")).toMatchObject({ reasoning: "a", answer: "b</think>c", closed: true });
  });
});

describe("every verifier reads the answer part through core/think", () => {
  const closedTwice = "<think>first try: 4</think> wait <think>no</think> 5";
  const unclosed = "<think>I think the answer is 5";

  it("tasks' final answer", () => {
    expect(extractFinalAnswer(closedTwice)?.text).toBe("5");
    expect(extractFinalAnswer(unclosed)).toBeNull();
  });

  it("math: after the last close tag; a response cut off while thinking earns nothing (it did on the old split)", () => {
    expect(verifyMathSync("5", closedTwice)).toMatchObject({ correct: true, status: "correct" });
    // the old split searched the whole unclosed thinking and found its last number
    expect(verifyMathSync("5", unclosed)).toMatchObject({ correct: false, status: "no_answer" });
  });

  it("code: the program after the last close tag; none in an unclosed segment (the old split ran it)", () => {
    const fence = "```python\ndef f():\n    return 5\n```";
    expect(extractCode(`<think>${fence}</think>\`\`\`python\ndef f():\n    return 6\n\`\`\``, "python")).toContain("return 6");
    expect(extractCode(`<think>draft:\n${fence}`, "python")).toBeUndefined();
  });

  it("format: the answer after the last close tag; the whole text when none closes (as documented)", () => {
    expect(checkFormat("<think>x</think>y").answer).toBe("y");
    expect(checkFormat("<think>x").answer).toBe("<think>x");
  });
});

describe("Verdict.status", () => {
  const base = getTask("addition").generate(1, { difficulty: 1, seed: 1 })[0];
  const withVerdict = (v: Verdict): Problem => ({ ...base, verifier: { name: "fixed", verify: () => Promise.resolve(v) } });
  const reward = new TrainingReward(resolveTrainConfig({}));

  it("RL scores a verifier failure null by its status, whatever the reason says", async () => {
    const failed = await reward.score("1", withVerdict({ correct: false, status: "error", reason: "sandbox went away" }), 1);
    expect(failed.reward).toBeNull();
    const wrong = await reward.score("1", withVerdict({ correct: false, status: "wrong", reason: "verifier error: reads like one, is not" }), 1);
    expect(wrong.reward).not.toBeNull();
    expect(wrong.components.accuracy).toBe(0);
  });

  it("task verifiers set it", async () => {
    expect((await base.verifier.verify(`<think>x</think>${base.answer}`, base)).status).toBe("correct");
    expect((await base.verifier.verify("<think>x</think>no digits here", base)).status).toMatch(/wrong|no_answer/);
    expect((await base.verifier.verify("<think>cut off", base)).status).toBe("no_answer");
  });
});
