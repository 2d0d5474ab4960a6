// Public tests for best-of-N on code: doctest examples become asserts, and the scorer runs them in
// the real sandbox, so a right solution outranks a wrong one without peeking at the hidden tests.
import { describe, expect, it } from "vitest";
import { loadDataset } from "../tasks/loaders/datasets.js";
import { doctestAsserts, publicTestProblem, publicTestScorer } from "./publicTests.js";
import type { Completion } from "../types.js";

describe("public tests", () => {
  it("turn doctest examples into asserts", () => {
    const doc = "    >>> add(1, 2)\n    3\n    >>> add('a',\n... 'b')\n    'ab'\n    >>> boom()\n    Traceback (most recent call last):\n    \"\"\"";
    expect(doctestAsserts(doc)).toEqual(["assert (add(1, 2)) == (3)", "assert (add('a',\n'b')) == ('ab')"]);
  });

  it("score a right HumanEval solution above a wrong one, in the sandbox", async () => {
    const [p] = await loadDataset("humaneval", { limit: 1 });
    const pub = publicTestProblem(p)!;
    expect(pub.answer).toContain("assert (has_close_elements([1.0, 2.0, 3.0], 0.5)) == (False)");
    expect(pub.answer).not.toContain("3.9"); // the hidden tests stay hidden
    const scorer = publicTestScorer([p]);
    const right: Completion = { text: "```python\n" + String(p.meta.canonicalSolution) + "```", finishReason: "stop", completionTokens: 1 };
    const wrong: Completion = {
      text: "```python\ndef has_close_elements(numbers, threshold):\n    return True\n```",
      finishReason: "stop",
      completionTokens: 1,
    };
    expect(await scorer(p.prompt, right)).toBe(1);
    expect(await scorer(p.prompt, wrong)).toBe(0);
    // the hidden tests agree with the public ones here
    expect((await p.verifier.verify(right.text, p)).correct).toBe(true);
    expect((await p.verifier.verify(wrong.text, p)).correct).toBe(false);
  }, 60_000);

  it("use the tests an MBPP prompt lists", async () => {
    const [p] = await loadDataset("mbpp", { limit: 1 });
    expect(publicTestProblem(p)).toBe(p);
  });
});
