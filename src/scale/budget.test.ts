// Budget forcing on the shipped base model: the default text that extends thinking is the one the
// model's vocabulary knows, and an extension really continues the scratchpad with it.
import { describe, expect, it } from "vitest";
import { openPolicy } from "../backends/index.js";
import { defaultWaitText, generateWithBudget } from "./budget.js";

describe("budget forcing's wait text", () => {
  it('is s1\'s "Wait" unless the vocabulary has "wait" as one token and "Wait" as several', () => {
    expect(defaultWaitText({})).toBe("Wait");
    expect(defaultWaitText({ countTokens: (t) => (t === "wait" ? 1 : 4) })).toBe("wait");
    expect(defaultWaitText({ countTokens: () => 1 })).toBe("Wait");
  });

  it('is "wait" for models/base, and early-ending scratchpads are extended with it', async () => {
    const policy = await openPolicy("models/base");
    try {
      expect(defaultWaitText(policy)).toBe("wait");
      const out = await generateWithBudget(
        policy,
        ["47+85=<think>"],
        { budget: 60, waits: 1, answerTokens: 12 },
        { n: 16, maxTokens: 80, seed: 3, temperature: 1 },
      );
      const extended = out[0].filter((c) => c.waitsUsed > 0);
      expect(extended.length).toBeGreaterThan(0);
      for (const c of extended) {
        expect(c.text.split("</think>")[0]).toContain("wait");
        expect(c.text).not.toContain("Wait");
      }
    } finally {
      await policy.close?.();
    }
  });
});
