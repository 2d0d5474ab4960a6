// Where Math-Verify reads the answer (huggingface/Math-Verify parser.py's patterns and priorities, the percent
// group, boxes and spans; latex2sympy2_extended's normalisation where it decides what is read), each with examples
// written here from the rule, not taken from Math-Verify's tests (those are the agreement fixture's held-out half).
// The rules of comparison and grammar are in mvrules.test.ts, the parse options in mvoptions.test.ts.
import { describe, expect, it } from "vitest";
import { verifyMathSync, type MathVerifyOptions } from "./index.js";

// Math-Verify's behaviour: an integral, limit, derivative, sum or product left in the answer is evaluated.
const L: MathVerifyOptions = { extraction: ["latex", "expr"], evaluate_answer_operators: true };

function judged(gold: string, response: string, options: MathVerifyOptions = L): boolean {
  return verifyMathSync(gold, response, options).correct;
}

describe("percent after a math span (parser.make_latex_env_pattern's percent group)", () => {
  it("a percent sign or word right after $…$ belongs to the value", () => {
    expect(judged("$\\frac{1}{4}$", "It rose by $25$ percent")).toBe(true);
    expect(judged("$0.3$", "so $30$% of them")).toBe(true);
    expect(judged("$30$", "so $30$% of them")).toBe(false);
    expect(judged("$\\frac{1}{4}$", "It rose by $25$ points")).toBe(false);
  });
});

describe("plain-text numbers (parser.lazy_expr_regex's number pattern)", () => {
  const E: MathVerifyOptions = { extraction: ["expr"] };
  it("a comma that cannot separate thousands is a decimal comma", () => {
    expect(judged("2.5", "2,5", E)).toBe(true);
    expect(judged("3.25", "It costs 3,25 now", E)).toBe(true);
    expect(judged("4321", "4,321", E)).toBe(true);
    expect(judged("4.321", "4,321", E)).toBe(false);
  });
  it("only with Math-Verify's expr target: by default a bare 2,5 stays a list", () => {
    expect(judged("2, 5", "2,5", {})).toBe(true);
    expect(judged("2.5", "2,5", {})).toBe(false);
  });
  it("thousands separated by spaces keep their decimals", () => {
    expect(judged("4321.75", "The total is 4 321.75", E)).toBe(true);
    expect(judged("4321.75", "The total is 4 321.76", E)).toBe(false);
  });
});

describe("plain expressions under the expr target (parser.lazy_expr_regex's expr pattern)", () => {
  const E: MathVerifyOptions = { extraction: ["expr"] };
  it("the match that ends last wins, so an expression beats the number inside it", () => {
    expect(judged("9", "so it is 3^2", E)).toBe(true);
    expect(judged("11", "so it is (5+6).", E)).toBe(true);
    expect(judged("2", "so it is 3^2", E)).toBe(false);
    expect(judged("6", "so it is (5+6).", E)).toBe(false);
  });
  it("numbers side by side are no expression", () => {
    expect(judged("26/3", "8\n2/3", E)).toBe(false);
  });
  it("by default the last number is read as before", () => {
    expect(judged("2", "so it is 3^2", {})).toBe(true);
  });
});

describe("Math-Verify's latex target alone reads LaTeX only (parser.lazy_latex_regex)", () => {
  const LX: MathVerifyOptions = { extraction: ["latex"] };
  it("an answer phrase, bold text or a whole string without math delimiters gives no answer", () => {
    expect(judged("$8$", "The final answer is 8.", LX)).toBe(false);
    expect(judged("$8$", "Answer: **8**", LX)).toBe(false);
    expect(judged("$8$", "8", LX)).toBe(false);
  });
  it("math spans, boxes and bare fractions are read", () => {
    expect(judged("$8$", "The final answer is $8$.", LX)).toBe(true);
    expect(judged("$8$", "Answer: \\boxed{8}", LX)).toBe(true);
    expect(judged("$\\frac{3}{8}$", "so it is \\frac{3}{8} of the cake", LX)).toBe(true);
  });
  it("with the expr target too, plain text is read", () => {
    expect(judged("$8$", "The final answer is 8.", L)).toBe(true);
    expect(judged("$8$", "8", L)).toBe(true);
  });
});

describe('the word "answer" before a math span (parser.lazy_latex_regex, priorities 100 and 200)', () => {
  const LX: MathVerifyOptions = { extraction: ["latex"] };
  it('a span within 50 characters after "answer" comes before later spans', () => {
    expect(judged("$6$", "So the answer must be $6$, because $2 \\cdot 3 = 6$; $5$ was a slip.", LX)).toBe(true);
    expect(judged("$5$", "So the answer must be $6$, because $2 \\cdot 3 = 6$; $5$ was a slip.", LX)).toBe(false);
    expect(judged("$6$", "Answer: then $6$. Also $5$ and $4$ were tried.", LX)).toBe(true);
  });
  it('spans joined by "and" after it are one answer; far from the word, the last span answers', () => {
    expect(judged("$\\{2, 3\\}$", "The answers are $2$ and $3$, since $x^2-5x+6=0$ factors as $(x-2)(x-3)$.", LX)).toBe(true);
    expect(judged("$9$", `The answer comes later.${" Some more words here to push it far away."} Then $9$.`, LX)).toBe(true);
  });
  it("by default the last span or box is read as before", () => {
    expect(judged("$5$", "So the answer must be $6$, because $2 \\cdot 3 = 6$; $5$ was a slip.", {})).toBe(true);
  });
});

describe('the word "answer" before a number under the expr target (parser.lazy_expr_regex, priorities 100 and 200)', () => {
  const E: MathVerifyOptions = { extraction: ["expr"] };
  it("the first number within 50 characters after it (or after the last = within 100) beats later numbers", () => {
    expect(judged("15", "The answer should be 15. We packed 4 boxes.", E)).toBe(true);
    expect(judged("4", "The answer should be 15. We packed 4 boxes.", E)).toBe(false);
    expect(judged("15", "answer: y = 15, with 4 left over", E)).toBe(true);
  });
  it("a number inside a math span that does not parse is not taken", () => {
    expect(judged("42", "Final answer is $\\sum_{k=0}^n\\bigl(k\\bigr)$. I hope. 42", { extraction: ["latex", "expr"] })).toBe(true);
  });
});

describe("a box that does not parse (parser.extract_target_from_pred)", () => {
  it("under Math-Verify's targets other spans are tried, numbers inside the box are not", () => {
    expect(judged("$3$", "We get $y = 3$. So \\boxed{\\oint_0^3 dt}", { extraction: ["latex"] })).toBe(true);
    expect(judged("$3$", "Hence \\boxed{\\oint_0^3 dt}")).toBe(false);
  });
  it("by default the box is final", () => {
    expect(judged("$3$", "We get $y = 3$. So \\boxed{\\oint_0^3 dt}", {})).toBe(false);
  });
});

describe('"final answer … is" (parser: final answer.{0,100}?\\s+is, priority 50)', () => {
  it('words between "final answer" and "is" are allowed under Math-Verify\'s targets', () => {
    expect(judged("$4$", "The final answer to part two is $4$, not the $7$ below.", { extraction: ["latex"] })).toBe(true);
    expect(judged("$7$", "The final answer to part two is $4$, not the $7$ below.", { extraction: ["latex"] })).toBe(false);
  });
});

// Fragilities found by scripts/mv-metamorphic.ts (rewrites of tune cases that must not change the verdict).

describe("boxes joined by a word in any text command (math_normalization reads \\mathrm, \\textbf … as \\text)", () => {
  it("\\mathrm{and}, \\textbf{and} and \\displaystyle between boxes still join them", () => {
    expect(judged("$(2, 2), (6, 2)$", "$$\\boxed{(2, 2)} \\quad \\mathrm{and} \\quad \\boxed{(6, 2)}$$")).toBe(true);
    expect(judged("$k = 45, n = 2$", "$$\\boxed{k = 45} \\quad\\textbf{and}\\quad \\boxed{n = 2}$$")).toBe(true);
    expect(judged("$1, -2$", "\\(\\displaystyle \\boxed{1}\\) and \\(\\displaystyle \\boxed{-2}\\).")).toBe(true);
  });
  it("the joined boxes are a list: they match no single value, and a hedge stays a hedge", () => {
    expect(judged("$(6, 2)$", "$$\\boxed{(2, 2)} \\quad \\mathrm{and} \\quad \\boxed{(6, 2)}$$")).toBe(false);
    expect(judged("$2$", "$\\boxed{2} \\quad \\mathrm{or} \\quad \\boxed{3}$")).toBe(false);
    expect(judged("$3$", "$\\boxed{2} \\quad \\textbf{or} \\quad \\boxed{3}$")).toBe(false);
  });
});

describe("line breaks and tabs (parser's \\s, normalize_latex's tab → space)", () => {
  const E: MathVerifyOptions = { extraction: ["expr"] };
  it("a carriage return is a line break: 11\\r\\n5/6 and 11\\r5/6 are no mixed number", () => {
    expect(judged("71/6", "11\r\n5/6", E)).toBe(false);
    expect(judged("71/6", "11\r\r\n5/6", E)).toBe(false);
    expect(judged("71/6", "11\r5/6", E)).toBe(false);
    expect(judged("71/6", "11 5/6", E)).toBe(true);
  });
  it("a tab before a word is whitespace, not a lost escape", () => {
    expect(judged("$28\\%$", "28\tpct")).toBe(true);
    expect(judged("$28\\%$", "$\\boxed{28\tpercent}$")).toBe(true);
    expect(judged("$34$", "Final\tAnswer:\tThe\tlargest\t$n$\tis\t34.")).toBe(true);
  });
  it("a tab before the rest of a LaTeX command is still a lost escape", () => {
    expect(judged("$13$", "$\text{13}$")).toBe(false);
    expect(judged("$\\frac{1}{2}$", "$\tfrac{1}{2}$")).toBe(false);
    expect(judged("$6$", "$2\times 3$")).toBe(false);
  });
});

describe("latex and expr targets: the match that ends last (parser.extract_target_from_pred, priority 300)", () => {
  it("a number after the last math span answers, wherever the text ends", () => {
    const pred = "We get $$\\frac{\\Delta x'}{\\Delta x} \\geq \\frac{2}{1}.$$ So the error increases by 100%.\n\nI hope this helps!";
    expect(judged("$100\\%$", pred)).toBe(true);
    expect(judged("$2$", pred)).toBe(false);
    expect(judged("$3$", "Thus $x = 5$ works in all 3 cases.")).toBe(true);
    expect(judged("$5$", "Thus $x = 5$ works in all 3 cases.")).toBe(false);
  });
  it("a number glued to a word is no match of the expr patterns; a box still comes first", () => {
    expect(judged("$5$", "Thus $x = 5$ works, see eq2.")).toBe(true);
    expect(judged("$5$", "Thus $\\boxed{5}$ works in all 3 cases.")).toBe(true);
  });
  it("only under Math-Verify's targets: by default the last span answers unless the text ends with the number", () => {
    expect(judged("$5$", "Thus $x = 5$ works in all 3 cases.", {})).toBe(true);
    expect(judged("$3$", "Thus $x = 5$ works in all 3 cases.", {})).toBe(false);
  });
});

describe("an answer sentence without LaTeX under latex and expr targets (lazy_expr_regex's answer patterns)", () => {
  it("is read by the number it starts with: 'is 5cm' is 5", () => {
    expect(judged("$5$", "The answer is 5cm.")).toBe(true);
    expect(judged("$5$", "The answer is 6cm.")).toBe(false);
    expect(judged("$9$", "The answer is x = 9.")).toBe(true);
  });
  it("words are no answer to those targets: 'The answer is Monday' has none", () => {
    expect(verifyMathSync("$\\text{Monday}$", "The answer is Monday.", L).status).toBe("no_answer");
    expect(judged("Monday", "The answer is Monday.", {})).toBe(true);
  });
});

describe("numbers and spans under latex and expr targets (lazy_expr_regex's prefix, plain latex pattern)", () => {
  it("a number glued to a letter, brace or operator is none the expr pattern reads", () => {
    expect(judged("$1$", "The value is x^2+1.")).toBe(false);
    expect(judged("$1$", "The value is x^2 + 1.")).toBe(true);
  });
  it("when the span after the word 'answer' does not parse, the last span is read", () => {
    expect(judged("42", "Final answer is \\(\\sum_{k=0}^n\\bigl(k\\bigr)\\). I hope. \\(42\\)")).toBe(true);
    expect(judged("0", "Final answer is \\(\\sum_{k=0}^n\\bigl(k\\bigr)\\). I hope. \\(42\\)")).toBe(false);
  });
});

describe('the word "answer" under latex and expr targets (answerword.ts: both patterns, the match ending last first)', () => {
  it("a number the expr pattern reads after a span the latex pattern reads wins", () => {
    expect(judged("$5$", "To answer this question, we need $x$. Thus we get $5$ in the end.")).toBe(true);
    expect(judged("$x$", "To answer this question, we need $x$. Thus we get $5$ in the end.")).toBe(false);
  });
  it("a bare \\frac{a}{b} after 'Answer:' is the latex pattern's first environment", () => {
    expect(judged("$\\frac{3}{4}$", "Answer: \\frac{3}{4}\n\nCheck: it satisfies $2 \\cdot 3 = 6$.")).toBe(true);
    expect(judged("$6$", "Answer: \\frac{3}{4}\n\nCheck: it satisfies $2 \\cdot 3 = 6$.")).toBe(false);
  });
  it("a span after the word still answers when nothing ends after it", () => {
    expect(judged("$\\frac{1}{2}$", "The answer is $\\frac{1}{2}$.")).toBe(true);
    expect(judged("$44$", "We may check our answer: $17\\cdot 44 = 748 \\equiv 1\\pmod{83}$, so our answer is correct.\n\nThe answer is $44$.")).toBe(true);
  });
});

describe("fourth set: parser.py details (huggingface/Math-Verify 056ad62)", () => {
  const L2: MathVerifyOptions = { extraction: ["latex", "expr"] };
  it("a span that does not parse is read by the part after the last '=' of its chain (parse_latex_cached's get_last_eq)", () => {
    expect(judged("$3$", "$x = \\bigl(1\\bigr) = 3$", L2)).toBe(true);
    expect(judged("$1$", "$x = \\bigl(1\\bigr) = 3$", L2)).toBe(false);
    // (only a chain of two '=' or more, and no list: the last part must parse on its own)
    expect(judged("$3$", "$x = \\bigl(3\\bigr)$", L2)).toBe(false);
    expect(judged("$3$", "$x = 3 = \\bigl(3\\bigr)$", L2)).toBe(false);
  });
  it("a bracket pair with whitespace on both sides is a math span under the latex target (latexInlineBracket)", () => {
    expect(judged("$\\frac{1}{2}$", "We get [ x = \\frac{1}{2} ]\nDone.", L2)).toBe(true);
    expect(judged("$3$", "so [ 3 ] done", { extraction: ["latex"] })).toBe(true);
    expect(judged("$4$", "We get [ x = \\frac{1}{2} ]\nDone.", L2)).toBe(false);
    // (the whitespace after a bracket belongs to its match: of ` [1] [2] ` only the first is a span)
    expect(judged("$1$", "see [1] [2] here", { extraction: ["latex"] })).toBe(true);
    expect(judged("$2$", "see [1] [2] here", { extraction: ["latex"] })).toBe(false);
    // (no bracket inside, no line break, and not at the very start)
    expect(judged("$3$", "[3] done", { extraction: ["latex"] })).toBe(false);
    expect(judged("$3$", "so [ [3]] done", { extraction: ["latex"] })).toBe(false);
    expect(judged("$3$", "so [ [3] ] done", { extraction: ["latex"] })).toBe(true);
  });
});

describe("fourth set: boxes joined as extract_boxed_content joins them (math_normalization, mode 'last')", () => {
  it("under Math-Verify's targets, a box joins the next within 10 characters, or within 70 with and/or/,/; and other content", () => {
    expect(judged("$3,4$", "The answer: \\boxed{3} hmm, wait actually it is \\boxed{4}")).toBe(true);
    expect(judged("$1,2$", "\\boxed{1} then \\boxed{2}")).toBe(true);
    // (a long stretch without a separator: only the last box)
    expect(judged("$4$", "The answer: \\boxed{3} hmm wait actually it is \\boxed{4}")).toBe(true);
    // (the same box again is one answer)
    expect(judged("$4$", "\\boxed{4}, so \\boxed{4}")).toBe(true);
  });
  it("the joined list is no answer to either member; the default extraction keeps its own rule", () => {
    expect(judged("$4$", "The answer: \\boxed{3} hmm, wait actually it is \\boxed{4}")).toBe(false);
    expect(judged("$3$", "The answer: \\boxed{3} hmm, wait actually it is \\boxed{4}")).toBe(false);
    expect(judged("$2$", "\\boxed{1} then \\boxed{2}")).toBe(false);
    expect(judged("$4$", "The answer: \\boxed{3} hmm, wait actually it is \\boxed{4}", {})).toBe(true);
  });
});

describe("fourth set: boxes in math spans (parser.lazy_latex_regex's boxed environment pattern, priority 50)", () => {
  it("boxes in one span all belong to it (normalised with boxed='all')", () => {
    expect(judged("$3,4$", "$$x = \\boxed{3}\\text{ and the remaining value for this long explanation is } y = \\boxed{4}$$")).toBe(true);
    expect(judged("$4$", "$$x = \\boxed{3}\\text{ and the remaining value for this long explanation is } y = \\boxed{4}$$")).toBe(false);
  });
  it("spans join only by the pattern's separators: ',', 'and', 'or', ',and', ',or' with spaces around", () => {
    expect(judged("$1,2$", "$x=\\boxed{1}$ and $y=\\boxed{2}$")).toBe(true);
    expect(judged("$1,2,3$", "So $\\boxed{1}$, $\\boxed{2}$ and $\\boxed{3}$")).toBe(true);
    // (a semicolon or ", and" joins no spans: the span ending last is the answer)
    expect(judged("$2$", "So $\\boxed{1}$; $\\boxed{2}$")).toBe(true);
    expect(judged("$3$", "So $\\boxed{1}$, $\\boxed{2}$, and $\\boxed{3}$")).toBe(true);
    expect(judged("$1,2$", "So $\\boxed{1}$; $\\boxed{2}$")).toBe(false);
    // (a bare box before a span is no part of it)
    expect(judged("$2$", "\\boxed{1} and $\\boxed{2}$")).toBe(true);
    // by default, a semicolon still joins
    expect(judged("$1,2$", "So $\\boxed{1}$; $\\boxed{2}$", {})).toBe(true);
  });
});

// Fifth set: found by writing variants of the tune half's behaviour families (scripts/mv-families.ts).
const EXPR: MathVerifyOptions = { extraction: ["expr"] };

describe("fifth set: a box in a math span followed by a percent (make_latex_env_pattern's percent group, context 'boxed')", () => {
  it("under Math-Verify's targets, $\\boxed{28}$ pct is 28% (0.28), as $28$ pct is", () => {
    expect(judged("$0.28$", "$\\boxed{28}$ pct")).toBe(true);
    expect(judged("$\\frac{7}{25}$", "so \\(\\boxed{28}\\) percent")).toBe(true);
    expect(judged("$0.28$", "$x = \\boxed{28}$%")).toBe(true);
    expect(judged("$28\\%$", "$\\boxed{28}$ pct")).toBe(true);
  });
  it("a box outside every span is read by the plain \\boxed{.+} pattern, which has no percent group; the default extraction is unchanged", () => {
    expect(judged("$28$", "\\boxed{28} pct")).toBe(true);
    expect(judged("$0.28$", "\\boxed{28} pct")).toBe(false);
    expect(judged("$28$", "$\\boxed{28}$ pct", {})).toBe(true);
  });
});

describe("fifth set: the expr target's number pattern (parser.lazy_expr_regex)", () => {
  it("a capital P is a percent word too ([Pp]ercent, [Pp]ercentage, [Pp]ct), also in running text", () => {
    expect(judged("71/600", "so it is 11 5/6 Percent", EXPR)).toBe(true);
    expect(judged("0.28", "it rose by 28 Pct", EXPR)).toBe(true);
    expect(judged("28", "it rose by 28 Percent", EXPR)).toBe(false);
  });
  it("with the expr target alone, a number is read only after the start, a space or '=' (number_with_anchors), as with both targets", () => {
    expect(judged("1000.99", "so the number is 10 which is 1,000.99 m^2", EXPR)).toBe(true);
    expect(judged("5", "x^2+5", EXPR)).toBe(false);
    expect(judged("5", "value:5", EXPR)).toBe(false);
    expect(judged("5", "so it is 5cm", EXPR)).toBe(true);
    expect(judged("5", "costs $5", EXPR)).toBe(true);
  });
  it("operands side by side (`(11) 4/9`) are no one expression (sympy's parse_expr has no implicit multiplication): the answer is read on", () => {
    expect(judged("4/9", "(11) 4/9", EXPR)).toBe(true);
    expect(judged("4/9", "The answer is (11) 4/9.", EXPR)).toBe(true);
    expect(judged("4/9", "(11) 4/9")).toBe(true);
    // (mixed numbers and spaced thousands are still one number)
    expect(judged("71/6", "11 5/6", EXPR)).toBe(true);
    expect(judged("71/600", "11 5/6 %", EXPR)).toBe(true);
    expect(judged("1000", "1 000", EXPR)).toBe(true);
  });
});

describe("sixth set: found by differential testing (scripts/mv-diff.ts against a reconstructed Math-Verify)", () => {
  const both: MathVerifyOptions = { extraction: ["latex", "expr"] };
  const expr: MathVerifyOptions = { extraction: ["expr"] };
  it("a plain-text comma list is no tuple or set under Math-Verify's targets (its expr pattern reads a comma only inside a number)", () => {
    for (const o of [both, expr]) {
      expect(judged("$(3, 4)$", "(3, 4)", o)).toBe(false);
      expect(judged("$\\{-6, 14, 20\\}$", "-6, 14, 20", o)).toBe(false);
      expect(judged("$(3, 4)$", "After 12 steps the answer is (3, 4)", o)).toBe(false);
      expect(judged("\\boxed{(-4, 1)}", "**Answer:** (-4, 1)", o)).toBe(false);
      expect(judged("$(3; 4)$", "(3; 4)", o)).toBe(false);
    }
    // the list written in LaTeX is read as before
    expect(judged("$(3, 4)$", "$(3, 4)$", both)).toBe(true);
    expect(judged("$(3, 4)$", "\\boxed{(3, 4)}", both)).toBe(true);
  });
  it("against a gold written as a plain list, a list the response ends with is read whole, not its last number", () => {
    for (const o of [both, expr]) {
      expect(judged("(8, 11)", "So the result is (8, 11).", o)).toBe(true);
      expect(judged("(8, 11)", "We try 2 and 3 first. So the result is (8, 11)", o)).toBe(true);
      // (the reference reads both sides' last numbers and pays these; here the whole list must match)
      expect(judged("(8, 11)", "We try 2 and 3 first. So the result is (5, 11).", o)).toBe(false);
      expect(judged("(8, 11)", "So the result is 11.", o)).toBe(false);
      expect(judged("(8, 11)", "So the result is (8, 11), found in 3 steps.", o)).toBe(false);
    }
  });
  it("a number with thousands separators or a decimal comma is no list", () => {
    for (const o of [both, expr]) {
      expect(judged("$7425000$", "7,425,000", o)).toBe(true);
      expect(judged("$1000.5$", "1,000.5", o)).toBe(true);
      expect(judged("$2.5$", "2,5", o)).toBe(true);
      expect(judged("$0.125$", "0,125", o)).toBe(true);
      expect(judged("$1000000$", "1 000 000", o)).toBe(true);
      expect(judged("1000.99", "the number is not 10 which is 1,000.99€", o)).toBe(true);
    }
  });
  it("a box or a span before the list keeps its priority; a list after the last span leaves no answer", () => {
    expect(judged("$5$", "\\boxed{5} so (3, 4)", both)).toBe(true);
    expect(judged("$5$", "The answer is $5$. Check: (3, 4)", both)).toBe(true);
    expect(judged("$5$", "We get $5$. So (3, 4)", both)).toBe(false);
    expect(judged("$7$", "We get 7. Then (3, 4)", both)).toBe(false);
    // (the latex target alone never sees plain text: the span answers)
    expect(judged("$5$", "We get $5$. So (3, 4)", { extraction: ["latex"] })).toBe(true);
  });
  it("a gold written as a plain-text list is read as one, and so is the response's list against it", () => {
    expect(judged("(2, 6)", "(2, 6)", both)).toBe(true);
    expect(judged("(2, 6)", "After 12 steps the answer is (2, 6)", both)).toBe(true);
    expect(judged("(2, 6)", "$(2, 6)$", both)).toBe(true);
    expect(judged("(2, 6)", "(5, 6)", both)).toBe(false);
  });
  it("the default extraction still reads a plain list", () => {
    expect(judged("$(3, 4)$", "(3, 4)", {})).toBe(true);
    expect(judged("$\\{-6, 14, 20\\}$", "-6, 14, 20", {})).toBe(true);
  });
});

// parser.py (LatexExtractionConfig, lazy_latex_regex, extract_target_from_pred, parse): the box patterns
// carry boxed_match_priority (default 50; -1 adds none); patterns are tried by priority, lowest first,
// and the matches of one priority by where they end, the last first. "final answer is X. I hope" is 0,
// "final answer ... is X" 50, "answer: X" 100, "answer ... X" 200, any span or number 300.
// extraction_mode "first_match" tries only the first match of the first priority that has one.

describe("'final answer … is' reads what stands right after it (parser.py's 0 and 50 patterns: `is:?\\s*{latex_re}`)", () => {
  const LE: MathVerifyOptions = { extraction: ["latex", "expr"] };
  const LX: MathVerifyOptions = { extraction: ["latex"] };

  it("the math environment right after the phrase answers, not a later span in the sentence", () => {
    const r = "The final answer is $3$, but it could also be $4$";
    expect(judged("$3$", r, LE)).toBe(true);
    expect(judged("$4$", r, LE)).toBe(false);
    expect(judged("$3$", r, LX)).toBe(true);
    expect(judged("$4$", r, LX)).toBe(false);
  });

  it("environments joined by ',', 'and' or 'or' are one answer (a list; 'or' a hedge that pays no single value)", () => {
    expect(judged("$\\{3,4\\}$", "The final answer is $3$ and $4$", LE)).toBe(true);
    expect(judged("$3$", "The final answer is $3$ and $4$", LE)).toBe(false);
    expect(judged("$3$", "The final answer is $3$ or $4$", LE)).toBe(false);
    expect(judged("$4$", "The final answer is $3$ or $4$", LE)).toBe(false);
  });

  it("a plain number right after it is the expr target's; with the latex target alone the 'answer' pattern reads the span after it", () => {
    const r = "The final answer is 3 (or $4$)";
    expect(judged("$3$", r, LE)).toBe(true);
    expect(judged("$4$", r, LE)).toBe(false);
    expect(judged("$4$", r, LX)).toBe(true);
    expect(judged("$3$", r, LX)).toBe(false);
  });

  it("scratchpad's own extraction is unchanged", () => {
    expect(judged("3", "The final answer is $3$. I hope it is correct.", {})).toBe(true);
    expect(judged("12", "The final answer is 12.", {})).toBe(true);
  });
});
