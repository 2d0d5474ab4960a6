// Tests of answer extraction: every source, its priority, delimiters and the text after </think>.
import { describe, expect, it } from "vitest";
import { extractAnswer, extractCandidates, lastMathSpan } from "./index.js";

describe("extractAnswer", () => {
  it.each([
    ["boxed with nested braces", "so $x = \\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}", "boxed"],
    ["the last box wins", "first \\boxed{1}, then \\boxed{2}.\n\nSo the answer is \\boxed{3}", "3", "boxed"],
    ["fbox", "\\fbox{42}", "42", "boxed"],
    ["boxed without braces", "\\boxed 7 is it", "7", "boxed"],
    ["boxes joined by and", "The integers are \\boxed{-2} and \\boxed{1}.", "-2, 1", "boxed"],
    ["boxes joined by or", "x = \\boxed{3} or x = \\boxed{4}", "3 \\text{ or } 4", "boxed"],
    ["answer tag", "<think>hmm 5</think><answer> 12 </answer>", "12", "answer-tag"],
    ["answer tag with math", "<answer>$\\frac{3}{4}$</answer>", "\\frac{3}{4}", "answer-tag"],
    ["final answer is", "Final Answer: The final answer is $28 \\%$. I hope it is correct.", "28 \\%", "final-answer"],
    ["the answer is", "Thus the answer is 1,000.", "1,000", "final-answer"],
    ["final answer after a box", "\\boxed{200} then \\boxed{255}. Final Answer: The final answer is $10,455$.", "10,455", "final-answer"],
    ["Answer: line", "Work...\nAnswer: 17 apples", "17 apples", "answer-line"],
    ["markdown bold", "The winner is **Evelyn**.", "Evelyn", "bold"],
    ["last inline math", "We get $x=2$ and then $y = 3$.", "y = 3", "last-latex"],
    ["math spans joined by and", "The roots are $1$, $2$ and $-3$.", "1, 2, -3", "last-latex"],
    ["math spans joined by or", "It is $3$ or $4$.", "3 \\text{ or } 4", "last-latex"],
    ["bare LaTeX fraction in text", "so we eat \\frac{3}{4} of the pie", "\\frac{3}{4}", "last-number"],
    ["display math \\[ \\]", "Answer \\[ \n 9 \n \\]", "9", "last-latex"],
    ["inline \\( \\)", "Answer \\( (9+1) \\)", "(9+1)", "last-latex"],
    ["$$ display $$", "Answer $$ \n 9 \n $$", "9", "last-latex"],
    ["bare LaTeX", "\\frac{10}{9}", "\\frac{10}{9}", "whole"],
    ["last number", "She has 3 apples and 4 pears, 7 in all", "7", "last-number"],
    ["last number with separators", "so it is 1,000.99€", "1,000.99", "last-number"],
    ["mixed number", "It takes 4 4/9", "4 4/9", "last-number"],
    ["bare mixed number", "4 4/9", "4 4/9", "whole"],
  ])("%s", (_name, response, text, source) => {
    expect(extractAnswer(response)).toEqual({ text, source });
  });

  it("returns null when there is nothing", () => {
    expect(extractAnswer("I do not know.")).toBeNull();
    expect(extractAnswer("")).toBeNull();
    expect(extractAnswer(undefined as unknown as string)).toBeNull();
  });

  it("reads only after </think>, unless told otherwise", () => {
    const r = "<think>\\boxed{7}</think>So 8.";
    expect(extractAnswer(r)?.text).toBe("8");
    expect(extractAnswer(r, { afterThink: false })?.text).toBe("7");
  });

  it("follows configured priorities", () => {
    const r = "**5** and \\boxed{6}.\nAnswer: 7";
    expect(extractAnswer(r)?.text).toBe("6");
    expect(extractAnswer(r, { extraction: ["bold", "boxed"] })?.text).toBe("5");
    expect(extractAnswer(r, { extraction: ["answer-line"] })?.text).toBe("7");
    expect(extractAnswer(r, { extraction: ["answer-tag"] })).toBeNull();
  });

  it("lists every candidate in priority order, with readings of phrases", () => {
    const c = extractCandidates("Final Answer: The largest $n$ is 34.");
    expect(c.map((x) => x.text)).toContain("34");
    expect(c[0].source).toBe("final-answer");
  });

  it("keeps escaped dollars inside math and skips unclosed spans", () => {
    expect(lastMathSpan("Answer $ \\frac{1}{2} \\$ = \\frac{10}{9} $")).toBe("\\frac{1}{2} \\$ = \\frac{10}{9}");
    expect(lastMathSpan("costs $5 and more")).toBeNull();
    expect(lastMathSpan("Answer $ \n 9 \n $")).toBeNull();
  });
});
