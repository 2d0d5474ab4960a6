// Math-Verify's parse options and option objects (boxed_match_priority, extraction_mode,
// try_extract_without_anchor, fallback_mode; a JSONL line's or the reward server's options over a command's),
// each with examples written here from parser.py's rules, not taken from Math-Verify's tests (those are the
// agreement fixture's held-out half).
import { describe, expect, it } from "vitest";
import { verifyMathSync, type MathVerifyOptions } from "./index.js";
import { lineOptions } from "./options.js";

const L: MathVerifyOptions = { extraction: ["latex", "expr"], evaluate_answer_operators: true };

function judged(gold: string, response: string, options: MathVerifyOptions = L): boolean {
  return verifyMathSync(gold, response, options).correct;
}

describe("parse options: boxed_match_priority and extraction_mode", () => {
  const T: MathVerifyOptions = { extraction: ["latex", "expr"] };
  const at = (p: number, extra: MathVerifyOptions = {}): MathVerifyOptions => ({ ...T, boxed_match_priority: p, ...extra });
  const read = (response: string, options: MathVerifyOptions): string | undefined => verifyMathSync("0", response, options).extracted;

  it('"The final answer is 3" then a later box: the box at 0 and 50 (it ends last), the phrase at 55 and -1', () => {
    const r = "Let me compute: 2 + 1. The final answer is 3\n\nWait, I dropped a term. Checking again: $\\boxed{4}$";
    expect(read(r, T)).toBe("4");
    expect(read(r, at(0))).toBe("4");
    expect(read(r, at(50))).toBe("4");
    expect(read(r, at(55))).toBe("3");
    expect(read(r, at(-1))).toBe("3");
    expect(judged("3", r, at(55))).toBe(true);
    expect(judged("3", r, at(0))).toBe(false);
  });

  it("a box before the phrase: 0 takes the box, 50 the phrase (same priority, it ends last)", () => {
    const r = "So $x = \\boxed{4}$. Hmm, that ignores the constraint. The final answer is 3";
    expect(read(r, at(0))).toBe("4");
    expect(read(r, at(50))).toBe("3");
    expect(read(r, at(200))).toBe("3");
  });

  it('"final answer is X. I hope" is priority 0: before a box at 1 or more, and at 0 the match that ends last wins', () => {
    const before = "The final answer is $3$. I hope it is correct.\n\nActually $\\boxed{4}$";
    expect(read(before, at(0))).toBe("4");
    expect(read(before, at(1))).toBe("3");
    expect(read(before, T)).toBe("3");
    const after = "$\\boxed{4}$\n\nThe final answer is $3$. I hope it is correct.";
    expect(read(after, at(0))).toBe("3");
  });

  it('"Answer: 3" is priority 100: a box at 100 that ends later wins, a box at 150 or 300 comes after it', () => {
    const r = "Answer: 3\nor rather \\boxed{4}";
    expect(read(r, at(100))).toBe("4");
    expect(read(r, at(150))).toBe("3");
    expect(read(r, at(300))).toBe("3");
  });

  it("-1: no box pattern; a box is read only inside a math span (the plain latex pattern, normalised)", () => {
    expect(judged("4", "So we get $\\boxed{4}$.", at(-1))).toBe(true);
    expect(verifyMathSync("4", "So we get \\boxed{4}.", at(-1)).status).toBe("no_answer");
    expect(verifyMathSync("4", "The final answer is \\boxed{4}", at(-1)).status).toBe("no_answer");
    expect(judged("4", "The final answer is $\\boxed{4}$", at(-1))).toBe(true);
    // the gold is read as before (the option is the response's, as open-r1 and TRL parse it)
    expect(judged("\\boxed{4}", "$4$", at(-1))).toBe(true);
  });

  it("first_match: a first match that does not parse leaves no answer; any_match goes on to the next", () => {
    const r = "The final answer is $\\frac{$. So 4";
    expect(judged("4", r, { ...T, extraction_mode: "any_match" })).toBe(true);
    expect(judged("4", r, T)).toBe(true);
    const v = verifyMathSync("4", r, { ...T, extraction_mode: "first_match" });
    expect(v.correct).toBe(false);
    expect(v.reason).toMatch(/could not be parsed/);
    // a box (50) that does not parse is the first match; "so the answer is 4" is the 200 pattern
    const box = "First $\\boxed{2x+}$, hmm. So the answer is 4";
    expect(judged("4", box, T)).toBe(true);
    expect(judged("4", box, { ...T, extractionMode: "first_match" })).toBe(false);
    // at priority 0 too, before "The final answer is 4" (50)
    const box0 = "$\\boxed{2x+}$ hmm. The final answer is 4";
    expect(judged("4", box0, at(0))).toBe(true);
    expect(judged("4", box0, at(0, { extraction_mode: "first_match" }))).toBe(false);
    // a first match that parses answers as before
    expect(judged("4", "So \\boxed{4}.", { ...T, extraction_mode: "first_match" })).toBe(true);
    expect(judged("4", "The final answer is $4$", { ...T, extraction_mode: "first_match" })).toBe(true);
  });

  it("takes both spellings and validates the values, naming the field and what it accepts", () => {
    expect(read("So \\boxed{4}. The final answer is 3", { ...T, boxedMatchPriority: 0 })).toBe("4");
    for (const bad of [-2, 1.5, "0", null]) {
      expect(verifyMathSync("4", "\\boxed{4}", { ...T, boxed_match_priority: bad as never }).reason).toMatch(/boxed_match_priority must be an integer from -1/);
    }
    for (const bad of ["first", "", 1]) {
      expect(verifyMathSync("4", "\\boxed{4}", { ...T, extraction_mode: bad as never }).reason).toMatch(/extraction_mode must be "any_match" or "first_match"/);
    }
  });

  it("with the default extraction they are an error that names the fix", () => {
    const v = verifyMathSync("4", "\\boxed{4}", { boxed_match_priority: 0 });
    expect(v.status).toBe("invalid");
    expect(v.reason).toMatch(/boxed_match_priority applies with Math-Verify's extraction targets; pass extraction: \["latex", "expr"\]/);
    expect(verifyMathSync("4", "\\boxed{4}", { extractionMode: "first_match" }).reason).toMatch(
      /extraction_mode applies with Math-Verify's extraction targets/,
    );
  });

  it("a JSONL line may set them in either spelling (its own wins over the command's)", () => {
    expect(lineOptions({ boxed_match_priority: 0 }, { ...T, boxedMatchPriority: 55 })).toEqual({ ...T, boxed_match_priority: 0 });
    expect(lineOptions({ extractionMode: "first_match" }, { ...T, extraction_mode: "any_match" })).toEqual({ ...T, extractionMode: "first_match" });
    expect(lineOptions({ boxed_match_priority: 0 })).toMatch(/applies with Math-Verify's extraction targets/);
    expect(lineOptions({ ...T, extraction_mode: "all" })).toMatch(/extraction_mode must be "any_match" or "first_match"/);
  });
});

describe("try_extract_without_anchor and fallback_mode (Math-Verify's parse options, open-r1's accuracy reward)", () => {
  // open-r1 / TRL: LatexExtractionConfig(boxed_match_priority=0, try_extract_without_anchor=False), extraction_mode="first_match"
  const R1: MathVerifyOptions = { extraction: ["latex"], boxed_match_priority: 0, try_extract_without_anchor: false, extraction_mode: "first_match" };
  const LE: MathVerifyOptions = { extraction: ["latex", "expr"], tryExtractWithoutAnchor: false };

  it("without an anchor only a box, a 'final answer' phrase or the word 'answer' marks the answer", () => {
    expect(judged("$5$", "So \\boxed{5}.", R1)).toBe(true);
    expect(judged("$5$", "The final answer is $5$.", R1)).toBe(true);
    expect(judged("$5$", "Answer: $5$", R1)).toBe(true);
    expect(judged("$\\frac{1}{2}$", "The answer is \\frac{1}{2}", R1)).toBe(true);
    // a plain span, a bare fraction or plain text is read by the plain patterns only (priority 300)
    expect(verifyMathSync("$5$", "We get $5$.", R1).status).toBe("no_answer");
    expect(verifyMathSync("$5$", "$\\frac{10}{2}$", R1).status).toBe("no_answer");
    expect(verifyMathSync("$5$", "5", R1).status).toBe("no_answer");
    // the same responses are read with the plain patterns (the default)
    expect(judged("$5$", "We get $5$.", { ...R1, try_extract_without_anchor: true })).toBe(true);
  });

  it("applies to every target given: the expr target reads numbers after 'answer' only", () => {
    expect(judged("$5$", "The answer is 5", LE)).toBe(true);
    expect(judged("$5$", "the answer is x = 5", LE)).toBe(true);
    expect(judged("$5$", "final answer is 5", LE)).toBe(true);
    for (const r of ["5", "x = 5", "**5**", "We get $5$. So it is 5."]) expect(verifyMathSync("$5$", r, LE).status).toBe("no_answer");
    // the string target: a letter after "answer" only
    const S: MathVerifyOptions = { extraction: ["string"], try_extract_without_anchor: false };
    expect(judged("A", "Final answer is A", S)).toBe(true);
    expect(judged("A", "The answer is A", S)).toBe(true);
    expect(verifyMathSync("A", "I think A", S).status).toBe("no_answer");
  });

  it("the gold is read as before: its plain span is still its answer (the option is the response's)", () => {
    expect(judged("We get $5$.", "The final answer is $5$.", R1)).toBe(true);
    expect(judged("We get $5$.", "\\boxed{6}", R1)).toBe(false);
  });

  it("fallback_mode 'no_fallback': an answer that does not parse matches nothing, not even the same text", () => {
    const F: MathVerifyOptions = { extraction: ["latex", "expr"], fallback_mode: "no_fallback" };
    expect(judged("$\\{x \\mid x>0\\}$", "$\\{x \\mid x>0\\}$", F)).toBe(false);
    expect(judged("$\\{x \\mid x>0\\}$", "$\\{x \\mid x>0\\}$", { ...F, fallback_mode: "first_match" })).toBe(true);
    expect(judged("$5$", "$5$", F)).toBe(true);
    expect(judged("$\\text{Evelyn}$", "$\\text{Evelyn}$", F)).toBe(true);
  });

  it("bad values and missing targets are errors that name the option and the fix", () => {
    expect(verifyMathSync("5", "5", { extraction: ["latex"], try_extract_without_anchor: "no" as never }).reason).toMatch(
      /try_extract_without_anchor must be true or false/,
    );
    expect(verifyMathSync("5", "5", { extraction: ["latex"], fallbackMode: "none" as never }).reason).toMatch(
      /fallback_mode must be "first_match" or "no_fallback"/,
    );
    expect(verifyMathSync("5", "5", { try_extract_without_anchor: false }).reason).toMatch(
      /try_extract_without_anchor applies with Math-Verify's extraction targets/,
    );
    expect(lineOptions({ fallback_mode: "no_fallback" }, { extraction: ["latex"], fallbackMode: "first_match" })).toEqual({
      extraction: ["latex"],
      fallback_mode: "no_fallback",
    });
    expect(lineOptions({ tryExtractWithoutAnchor: false }, { extraction: ["latex"] })).toEqual({ extraction: ["latex"], tryExtractWithoutAnchor: false });
  });
});

describe("red team of the seventh set: right answers the new options refused", () => {
  it("fallback_mode 'no_fallback': a run of letters equals itself (Math-Verify parses `$xyz$` as x*y*z on both sides)", () => {
    const F: MathVerifyOptions = { extraction: ["latex", "expr"], fallback_mode: "no_fallback" };
    expect(judged("$xyz$", "The answer is $xyz$", F)).toBe(true);
    expect(judged("$abc$", "$abc$", F)).toBe(true);
    // (it was already paid as the product of its letters, $a b c$; another word is still not)
    expect(judged("$abc$", "$a b c$", F)).toBe(true);
    expect(judged("$abc$", "$abd$", F)).toBe(false);
    // what does not parse on either side still matches nothing
    expect(judged("$\\{x \\mid x>0\\}$", "$\\{x \\mid x>0\\}$", F)).toBe(false);
  });
});

describe("red team of the seventh set: options a server or JSONL line passes", () => {
  it("names the bad option instead of throwing a TypeError (not a list; an Object method's name as a target)", () => {
    expect(lineOptions({ extraction: "latex", try_extract_without_anchor: false })).toMatch(/^extraction must be a non-empty list/);
    expect(lineOptions({ extraction: ["toString"] })).toMatch(/^extraction: unknown source "toString"/);
    expect(lineOptions({ gold_extraction: ["constructor"] })).toMatch(/^goldExtraction: unknown source "constructor"/);
    expect(verifyMathSync("5", "\\boxed{5}", { extraction: ["__proto__" as never] }).reason).toMatch(/unknown source "__proto__"/);
  });

  it("both spellings of one option in one object keep it when they agree, and are an error when they do not", () => {
    const both = lineOptions({ extraction: ["latex"], try_extract_without_anchor: false, tryExtractWithoutAnchor: false });
    expect(both).toMatchObject({ try_extract_without_anchor: false, tryExtractWithoutAnchor: false });
    expect(verifyMathSync("$42$", "We get $42$.", both as MathVerifyOptions).status).toBe("no_answer");
    expect(lineOptions({ extraction: ["latex"], fallback_mode: "no_fallback", fallbackMode: "first_match" })).toMatch(
      /fallback_mode and fallbackMode are one option; they disagree/,
    );
    // a line's spelling still replaces the command's other spelling
    expect(lineOptions({ boxed_match_priority: 0 }, { extraction: ["latex"], boxedMatchPriority: 50 })).toEqual({
      extraction: ["latex"],
      boxed_match_priority: 0,
    });
  });
});

describe("a line naming scratchpad's own sources under a command's Math-Verify parse options", () => {
  it("drops the parse options it does not set (a /verify item under --math-options may switch back), keeps its own", () => {
    const base: MathVerifyOptions = { extraction: ["latex"], boxed_match_priority: 0, try_extract_without_anchor: false, extraction_mode: "first_match" };
    expect(lineOptions({ extraction: ["boxed", "last-number"] }, base)).toEqual({ extraction: ["boxed", "last-number"] });
    expect(lineOptions({ extraction: ["boxed"], boxed_match_priority: 0 }, base)).toMatch(/boxed_match_priority applies with Math-Verify's extraction targets/);
    // a line with targets, or with no extraction, keeps the command's parse options
    expect(lineOptions({ strict: false }, base)).toEqual({ ...base, strict: false });
    expect(lineOptions({ extraction: ["latex", "expr"] }, base)).toEqual({ ...base, extraction: ["latex", "expr"] });
    const opts = lineOptions({ extraction: ["boxed", "last-number"] }, base) as MathVerifyOptions;
    expect(verifyMathSync("42", "We get 42.", opts).correct).toBe(true);
  });
});
