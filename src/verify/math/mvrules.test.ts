// Rules ported from Math-Verify's source (huggingface/Math-Verify grader.py and parser.py,
// latex2sympy2_extended's math_normalization.py), each with examples written here from the rule,
// not taken from Math-Verify's tests (those are the agreement fixture's held-out half). These are the rules of
// comparison and grammar; where the answer is read is in mvextract.test.ts, the parse options in mvoptions.test.ts.
import { describe, expect, it } from "vitest";
import { verifyMathSync, type MathVerifyOptions } from "./index.js";

// Math-Verify's behaviour: an integral, limit, derivative, sum or product left in the answer is
// evaluated (scratchpad's default refuses such an answer as a restated question: restate.ts,
// exploits.test.ts).
const L: MathVerifyOptions = { extraction: ["latex", "expr"], evaluate_answer_operators: true };

function judged(gold: string, response: string, options: MathVerifyOptions = L): boolean {
  return verifyMathSync(gold, response, options).correct;
}

describe("equations against values (grader.sympy_expr_eq)", () => {
  it("an answer equation against a plain gold value is judged by its last side", () => {
    expect(judged("$6$", "$a+b = 6$")).toBe(true);
    expect(judged("$5$", "$x = 2+3 = 5$")).toBe(true);
    expect(judged("$6$", "$a+b = 7$")).toBe(false);
    expect(judged("$2$", "$y = 2x$")).toBe(false);
  });

  it("two assignments to different variables differ; the same variable in another case does not", () => {
    expect(judged("$x=5$", "$y=5$")).toBe(false);
    expect(judged("$x=5$", "$x=5$")).toBe(true);
    expect(judged("$x=5$", "$y=5$", { ...L, strict: false })).toBe(true);
  });
});

describe("units (math_normalization: \\mathrm becomes \\text, a trailing \\text{...} is dropped)", () => {
  it("a unit in \\mathrm after a number is dropped", () => {
    expect(judged("$12$", "$12\\,\\mathrm{kg}$")).toBe(true);
    expect(judged("$3$", "$3 \\mathrm{cm}^2$")).toBe(true);
    expect(judged("$13$", "$12\\,\\mathrm{kg}$")).toBe(false);
  });
  it("i, e and d in \\mathrm are kept", () => {
    expect(judged("$2+3i$", "$2+3\\mathrm{i}$")).toBe(true);
    expect(judged("$2$", "$2+3\\mathrm{i}$")).toBe(false);
  });
});

describe("sums and products (latex2sympy2_extended's \\sum and \\prod)", () => {
  it("with integer bounds they are their value", () => {
    expect(judged("$30$", "$\\sum_{j=1}^{4} j^2$")).toBe(true);
    expect(judged("$\\prod_{m=2}^{5} m$", "$120$")).toBe(true);
    expect(judged("$31$", "$\\sum_{j=1}^{4} j^2$")).toBe(false);
    expect(judged("$0$", "$\\sum_{j=3}^{1} j$")).toBe(true);
  });
  it("with symbolic bounds: the index name does not matter, the body and bounds do", () => {
    expect(judged("$\\sum_{r=1}^{m} r^3$", "$\\sum_{s=1}^{m} s^3$")).toBe(true);
    expect(judged("$\\sum_{r=1}^{m} c_r d_r$", "$\\sum_{r=1}^{m} d_r c_r$")).toBe(true);
    expect(judged("$\\sum_{r=1}^{m} r^3$", "$\\sum_{r=1}^{m} r^2$")).toBe(false);
    expect(judged("$\\sum_{r=1}^{m} r^3$", "$\\sum_{r=2}^{m} r^3$")).toBe(false);
    // the r = 0 term is 0: the same sum (sympy's doit gives the same closed form)
    expect(judged("$\\sum_{r=1}^{m} r^3$", "$\\sum_{r=0}^{m} r^3$")).toBe(true);
    expect(judged("$\\sum_{r=1}^{m} r^3$", "$\\sum_{r=1}^{m+1} r^3$")).toBe(false);
    expect(judged("$\\prod_{r=1}^{m} r$", "$\\sum_{r=1}^{m} r$")).toBe(false);
  });
  it("a sum with symbolic bounds equals its closed form only (grader.sympy_symbolic_eq: simplify ends with doit)", () => {
    expect(judged("$0$", "$\\sum_{r=0}^{m} r$")).toBe(false);
    expect(judged("$\\frac{m(m+1)}{2}$", "$\\sum_{r=0}^{m} r$")).toBe(true);
    expect(judged("$\\frac{m(m-1)}{2}$", "$\\sum_{r=0}^{m} r$")).toBe(false);
  });
});

describe("floor, ceiling, gcd, lcm, max, min (PS.g4's floor_group, ceil_group, multi-argument functions)", () => {
  it("are evaluated", () => {
    expect(judged("$4$", "$\\lfloor 4.9 \\rfloor$")).toBe(true);
    expect(judged("$5$", "$\\lceil 4.1 \\rceil$")).toBe(true);
    expect(judged("$5$", "$\\lfloor 4.9 \\rfloor$")).toBe(false);
    expect(judged("$4$", "$\\gcd(20, 12)$")).toBe(true);
    expect(judged("$60$", "$\\operatorname{lcm}(20, 12)$")).toBe(true);
    expect(judged("$7$", "$\\max(2, 7, 3)$")).toBe(true);
    expect(judged("$2$", "$\\min(2, 7, 3)$")).toBe(true);
    expect(judged("$3$", "$\\min(2, 7, 3)$")).toBe(false);
  });
});

describe("\\bigl( … \\bigr) under Math-Verify's targets (no rule for it in PS.g4)", () => {
  it("does not parse, so a later plain number answers; by default it is read", () => {
    const L2: MathVerifyOptions = { extraction: ["latex", "expr"] };
    expect(judged("7", "Final answer is $\\bigl(3+4\\bigr)^2$. I hope. 7", L2)).toBe(true);
    expect(judged("$49$", "$\\bigl(3+4\\bigr)^2$", {})).toBe(true);
  });
});

describe("a gold relation against a set answer is its solution set (grader: gold.as_set())", () => {
  it("x ≠ a is the union of the two open rays", () => {
    expect(judged("$x \\neq 3$", "$(-\\infty, 3) \\cup (3, \\infty)$")).toBe(true);
    expect(judged("$x \\neq 3$", "$(-\\infty, 3] \\cup (3, \\infty)$")).toBe(false);
    expect(judged("$x \\neq 3$", "$(-\\infty, 2) \\cup (2, \\infty)$")).toBe(false);
    expect(judged("$(-\\infty, 3) \\cup (3, \\infty)$", "$x \\neq 3$")).toBe(false);
    expect(judged("$(-\\infty, 3) \\cup (3, \\infty)$", "$x \\neq 3$", { ...L, allow_set_relation_comp: true })).toBe(true);
  });
});

describe("more of latex2sympy2_extended's grammar and normalisation", () => {
  it("{n \\choose k} is a binomial coefficient", () => {
    expect(judged("$35$", "${7 \\choose 3}$")).toBe(true);
    expect(judged("$21$", "${7 \\choose 3}$")).toBe(false);
  });
  it("a \\mod m is the remainder", () => {
    expect(judged("$3$", "$17 \\mod 7$")).toBe(true);
    expect(judged("$3$", "$17 \\bmod 7$")).toBe(true);
    expect(judged("$2$", "$17 \\mod 7$")).toBe(false);
  });
  it("\\mathbb{R} (and ℝ) is the real line", () => {
    expect(judged("$(-\\infty, \\infty)$", "$\\mathbb{R}$")).toBe(true);
    expect(judged("$x \\in \\mathbb{R}$", "$(-\\infty,\\infty)$")).toBe(true);
    expect(judged("$(-\\infty, \\infty)$", "$ℝ$")).toBe(true);
    expect(judged("$(0, \\infty)$", "$\\mathbb{R}$")).toBe(false);
  });
  it("a trailing \\ldots goes; a spaced one-letter unit after a number goes", () => {
    expect(judged("$2, 4, 6$", "$2, 4, 6, \\ldots$")).toBe(true);
    expect(judged("$2, 4, 8$", "$2, 4, 6, \\ldots$")).toBe(false);
    expect(judged("$16$", "$16 \\text{ m}^2$")).toBe(true);
    expect(judged("$16m$", "$16m$")).toBe(true);
    expect(judged("$\\frac{1}{4}$", "$\\frac{1}{4} \\mbox{ g}$")).toBe(true);
  });
});

describe("labels and repeated boxes (latex2sympy2_extended's symbols, extract_boxed_content)", () => {
  it("a subscript with a command and letters names one symbol", () => {
    expect(judged("$30$", "$S_{\\triangle PQR} = 30$")).toBe(true);
    expect(judged("$31$", "$S_{\\triangle PQR} = 30$")).toBe(false);
  });
  it("the same box twice in a row is one answer", () => {
    expect(judged("$-4$", "$\\boxed{-4}$ and $\\boxed{-4}$")).toBe(true);
    expect(judged("$-4$", "$\\boxed{-4}$ and $\\boxed{4}$")).toBe(false);
  });
});

describe("answers compared as text", () => {
  it("one-character sub- and superscripts with or without braces are the same text", () => {
    expect(judged("$\\int_0^2 g(t)\\,dt$", "$\\int_{0}^{2} g(t) \\, dt$")).toBe(true);
    expect(judged("$\\int_0^2 g(t)\\,dt$", "$\\int_{0}^{3} g(t) \\, dt$")).toBe(false);
  });
});

describe("no false positives from the ported rules", () => {
  it("a sum whose body agrees with the gold's on the first indices only is another sum", () => {
    expect(judged("$\\sum_{r=1}^{m} r^2$", "$\\sum_{r=1}^{m} (r^2 + (r-1)(r-2)(r-3)(r-4)(r-5)(r-6))$")).toBe(false);
  });
  it("a one-letter \\mathrm that is no unit symbol stays a variable", () => {
    expect(judged("$6$", "$6\\mathrm{x}$")).toBe(false);
    expect(judged("$6$", "$6\\,\\mathrm{g}$")).toBe(true);
  });
});

describe("sums stay bounded", () => {
  it("nested sums with large integer bounds are not written out term by term", () => {
    const v = verifyMathSync("$5$", "$\\sum_{k=1}^{1999} \\sum_{j=1}^{1999} \\sum_{i=1}^{1999} (i+j+k)$", L);
    expect(v.status).toBe("wrong");
    expect(judged("$5050$", "$\\sum_{k=1}^{100} k$")).toBe(true);
  });
});

describe("accents (latex2sympy2's ACCENT atoms: one symbol named after the accent and its text)", () => {
  it("a labelled answer with an accented name is judged by its value", () => {
    expect(judged("$5$", "So $\\overline{AB} = 5$.")).toBe(true);
    expect(judged("$5$", "So $|\\overrightarrow{AB}| = 5$.")).toBe(true);
    expect(judged("$6$", "So $\\overline{AB} = 5$.")).toBe(false);
  });
  it("\\overline is \\bar and \\overrightarrow is \\vec; other accents and other letters differ", () => {
    expect(judged("$\\bar{z} + 1$", "$\\boxed{1 + \\overline{z}}$")).toBe(true);
    expect(judged("$\\vec{a} + \\vec{b}$", "$\\boxed{\\overrightarrow{b} + \\vec{a}}$")).toBe(true);
    expect(judged("$\\bar{z}$", "$\\boxed{z}$")).toBe(false);
    expect(judged("$\\bar{z}$", "$\\boxed{\\hat{z}}$")).toBe(false);
    expect(judged("$\\overline{AB}$", "$\\boxed{\\overline{AC}}$")).toBe(false);
  });
});

describe("grammar details (PS.g4, grader.is_assignment_relation)", () => {
  it("\\lbrack … \\rbrack is an interval or bracket, \\lgroup … \\rgroup a parenthesis", () => {
    expect(judged("$[1, 2]$", "$\\boxed{\\lbrack 1, 2\\rbrack}$")).toBe(true);
    expect(judged("$(1, 2)$", "$\\boxed{\\lbrack 1, 2\\rbrack}$")).toBe(false);
    expect(judged("$6$", "$\\boxed{2\\lgroup 1+2\\rgroup}$")).toBe(true);
  });
  it("an inverse function value f^{-1}(x) labels its value (is_expr_of_only_symbols allows a power -1)", () => {
    expect(judged("$f^{-1}(x) = 2x$", "$\\boxed{2x}$")).toBe(true);
    expect(judged("$f^{-1}(x) = 2x$", "$\\boxed{3x}$")).toBe(false);
    expect(judged("$f^{2}(x) = 2x$", "$\\boxed{2x}$")).toBe(false);
  });
});

describe("fourth set: math_normalization details (latex2sympy2_extended 959e6b9)", () => {
  it("\\log_24 is log base 2 of 4 (malformed operators: a subscript takes one digit)", () => {
    expect(judged("$2$", "$\\log_24$")).toBe(true);
    expect(judged("$3$", "$\\log_28$", {})).toBe(true);
    expect(judged("$\\log_{24} x$", "$\\log_24$")).toBe(false);
    expect(judged("$4.58$", "$\\log_24$")).toBe(false);
  });
  it("(n)_{k} is the falling factorial n!/(n-k)! (permutation_regex)", () => {
    expect(judged("$20$", "$(5)_{2}$")).toBe(true);
    expect(judged("$24$", "$(4)_{4}$", {})).toBe(true);
    expect(judged("$n(n-1)$", "$(n)_{2}$")).toBe(true);
    expect(judged("$n^2$", "$(n)_{2}$")).toBe(false);
    expect(judged("$5$", "$(5)_{2}$")).toBe(false);
    expect(judged("$10$", "$(5)_{2}$")).toBe(false);
  });
});

describe("fourth set: latex2sympy2_extended 1.10.1 and 1.11.0 (CHANGELOG, convert_number, PS.g4 FUNC_GAMMA)", () => {
  it("0,xxx is a decimal comma, not a thousands separator (a group cannot start with 0)", () => {
    expect(judged("$0.125$", "$0,125$")).toBe(true);
    expect(judged("0.125", "0,125", {})).toBe(true);
    expect(judged("$125$", "$0,125$")).toBe(false);
    expect(judged("125", "0,125", {})).toBe(false);
    expect(judged("1000", "1,000", {})).toBe(true);
  });
  it("\\Gamma(x) is the gamma function", () => {
    expect(judged("$24$", "$\\Gamma(5)$")).toBe(true);
    expect(judged("$\\sqrt{\\pi}$", "$\\Gamma\\left(\\frac12\\right)$")).toBe(true);
    expect(judged("$(n-1)!$", "$\\Gamma(n)$")).toBe(true);
    expect(judged("$\\Gamma(5)$", "$24$", {})).toBe(true);
    expect(judged("$120$", "$\\Gamma(5)$")).toBe(false);
    expect(judged("$n!$", "$\\Gamma(n)$")).toBe(false);
    expect(judged("$1.7724$", "$\\Gamma(\\frac12)$")).toBe(false);
  });
});

describe("seventh set: grader.sympy_compare_symbols and the box against a plain answer phrase", () => {
  it("a symbol E and Euler's number e are one answer (`Handle E vs symbol case`), in either direction", () => {
    expect(judged("$E$", "$e$")).toBe(true);
    expect(judged("$e$", "$E$")).toBe(true);
    expect(judged("$\\text{E}$", "The answer is $e$")).toBe(true);
    // one-letter variables keep their case; e is not any other letter
    expect(judged("$A$", "$a$")).toBe(false);
    expect(judged("$E$", "$F$")).toBe(false);
    expect(judged("$e$", "$2.7$")).toBe(false);
  });

  it("names longer than one letter compare without case (`\\Theta` is `\\theta`); constants are not renamed", () => {
    expect(judged("$\\theta$", "$\\Theta$")).toBe(true);
    expect(judged("$x_1$", "$X_1$")).toBe(true);
    expect(judged("$\\{\\alpha, \\beta\\}$", "$\\{\\Beta, \\Alpha\\}$")).toBe(true);
    expect(judged("$\\pi$", "$\\Pi$")).toBe(false);
    expect(judged("$\\theta$", "$\\phi$")).toBe(false);
    // only lone symbols: inside an expression the case still counts
    expect(judged("$2\\theta$", "$2\\Theta$")).toBe(false);
  });

  it("a run of letters and the product of the same letters are one answer (`$abc$` is a*b*c to Math-Verify)", () => {
    expect(judged("$abc$", "$a*b*c$")).toBe(true);
    expect(judged("$a \\cdot b \\cdot c$", "$abc$")).toBe(true);
    expect(judged("$\\text{abc}$", "$a b c$")).toBe(true);
    // other letters, another order, or a number among them: no
    expect(judged("$abc$", "$a*b*d$")).toBe(false);
    expect(judged("$abc$", "$c*b*a$")).toBe(false);
    expect(judged("$abc$", "$2*a*b*c$")).toBe(false);
    expect(judged("$ab$", "$a+b$")).toBe(false);
  });

  it("'so the answer is 4' after a box is Math-Verify's answer pattern (200): the box (50) answers", () => {
    const r = "So we get $\\boxed{3}$. So the answer is 4";
    expect(judged("$3$", r)).toBe(true);
    expect(judged("$4$", r)).toBe(false);
    // "the final answer is 4" shares the box's priority (50) and ends later: it answers
    expect(judged("$4$", "So we get $\\boxed{3}$. The final answer is 4")).toBe(true);
    expect(judged("$3$", "So we get $\\boxed{3}$. The final answer is 4")).toBe(false);
    // scratchpad's own extraction keeps its rule: a later "the answer is" sentence replaces the box
    expect(judged("4", "So we get \\boxed{3}. So the answer is 4", {})).toBe(true);
  });
});

describe("red team of the seventh set: the box against a later 'Final answer:' (no 'is')", () => {
  it("'Final answer: X' is Math-Verify's 'answer:' pattern (100), not 'final answer … is' (50): a box before it answers", () => {
    const MV: MathVerifyOptions = { extraction: ["latex", "expr"] };
    for (const r of ["So we get $\\boxed{3}$. Final answer: $4$", "So we get $\\boxed{3}$. Final Answer: 4"]) {
      expect(judged("$3$", r, MV)).toBe(true);
      expect(judged("$4$", r, MV)).toBe(false);
    }
    // "the final answer is: 4" and "final answer to (b) is $4$" are that pattern: the later one answers
    expect(judged("$4$", "So we get $\\boxed{3}$. The final answer is: 4", MV)).toBe(true);
    expect(judged("$4$", "So we get $\\boxed{3}$. final answer to (b) is $4$", MV)).toBe(true);
    // at other box priorities it ranks as "answer:" (100): before a box at 150, after one at 75
    expect(judged("$4$", "So we get $\\boxed{3}$. Final answer: $4$", { ...MV, boxed_match_priority: 150 })).toBe(true);
    expect(judged("$3$", "So we get $\\boxed{3}$. Final answer: $4$", { ...MV, boxed_match_priority: 75 })).toBe(true);
    // scratchpad's own extraction keeps its rule (a later answer phrase replaces the box)
    expect(judged("4", "So we get \\boxed{3}. Final answer: 4", {})).toBe(true);
  });
});

describe("matrix functions of latex2sympy2 (PS.g4 func_operator_names_single_arg: trace, rank; floor, ceil)", () => {
  const LE: MathVerifyOptions = { extraction: ["latex", "expr"] };
  it("\\operatorname{tr} / {trace} is the sum of the diagonal, \\operatorname{rank} the rank over the rationals", () => {
    expect(judged("$\\operatorname{tr}\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$", "$5$", LE)).toBe(true);
    expect(judged("$\\operatorname{tr}\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$", "$4$", LE)).toBe(false);
    expect(judged("$5$", "$\\operatorname{trace}\\left(\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}\\right)$", LE)).toBe(true);
    expect(judged("$a+d$", "$\\operatorname{tr}\\begin{pmatrix}a&b\\\\c&d\\end{pmatrix}$", LE)).toBe(true);
    expect(judged("$\\operatorname{rank}\\begin{pmatrix}1&2\\\\2&4\\end{pmatrix}$", "$1$", LE)).toBe(true);
    expect(judged("$\\operatorname{rank}\\begin{pmatrix}1&2\\\\2&4\\end{pmatrix}$", "$2$", LE)).toBe(false);
    expect(judged("$2$", "$\\operatorname{rank}\\begin{pmatrix}1&2&3\\\\4&5&6\\\\7&8&9\\end{pmatrix}$", LE)).toBe(true);
  });
  it("\\operatorname{floor} and {ceil} are the floor and the ceiling", () => {
    expect(judged("$3$", "$\\operatorname{floor}(\\pi)$", LE)).toBe(true);
    expect(judged("$4$", "$\\operatorname{ceil}(\\pi)$", LE)).toBe(true);
    expect(judged("$4$", "$\\operatorname{floor}(\\pi)$", LE)).toBe(false);
  });
});

describe("the other inverse functions of PS.g4 (\\arccot, \\arcsec, \\arccsc and the inverse hyperbolic ones)", () => {
  const LE: MathVerifyOptions = { extraction: ["latex", "expr"] };
  it("are evaluated (sympy's acot, asec, acsc, asinh, acosh, atanh), also as \\operatorname{...}", () => {
    expect(judged("$\\arccot 1$", "$\\frac{\\pi}{4}$", LE)).toBe(true);
    expect(judged("$\\arcsec 2$", "$\\frac{\\pi}{3}$", LE)).toBe(true);
    expect(judged("$\\arccsc 2$", "$\\frac{\\pi}{6}$", LE)).toBe(true);
    expect(judged("$\\arsinh 1$", "$\\ln(1+\\sqrt{2})$", LE)).toBe(true);
    expect(judged("$\\operatorname{arcsinh}(0)$", "$0$", LE)).toBe(true);
    expect(judged("$\\operatorname{arctanh}(\\frac12)$", "$\\frac{\\ln 3}{2}$", LE)).toBe(true);
    expect(judged("$\\arccosh 2$", "$\\ln(2+\\sqrt3)$", LE)).toBe(true);
  });
  it("and other values are wrong", () => {
    expect(judged("$\\arcsec 2$", "$\\frac{\\pi}{4}$", LE)).toBe(false);
    expect(judged("$\\arcosh 2$", "$\\ln(2+\\sqrt2)$", LE)).toBe(false);
    expect(judged("$\\arccot 1$", "$\\frac{\\pi}{3}$", LE)).toBe(false);
  });
});

describe("\\approx (latex2sympy's APPROX relation)", () => {
  const LE: MathVerifyOptions = { extraction: ["latex", "expr"] };
  it("after a value it keeps the value, not the approximation: \\boxed{3 \\approx 4} answers 3", () => {
    expect(judged("$3$", "\\boxed{3 \\approx 4}", LE)).toBe(true);
    expect(judged("$4$", "\\boxed{3 \\approx 4}", LE)).toBe(false);
    expect(judged("$4$", "\\boxed{3 \\approx 4}", {})).toBe(false);
    expect(judged("$\\pi$", "$\\pi \\approx 3.14$", LE)).toBe(true);
    expect(judged("$3.14$", "$\\pi \\approx 3.14$", LE)).toBe(false);
    expect(judged("$\\frac13$", "$\\frac{1}{3} \\approx 0.33$", LE)).toBe(true);
  });
  it("after variables it is an assignment, and after an equation the rest is cut", () => {
    expect(judged("$11$", "$x \\approx 11$", LE)).toBe(true);
    expect(judged("$\\frac13$", "$x = \\frac13 \\approx 0.33$", LE)).toBe(true);
    expect(judged("$x = \\frac13$", "$x = \\frac13 \\approx 0.33$", LE)).toBe(true);
  });
});

describe("a set holds each element once (sympy's FiniteSet)", () => {
  const LE: MathVerifyOptions = { extraction: ["latex", "expr"] };
  it("repeats are dropped, in braces and in comma lists", () => {
    expect(judged("$\\{1,2\\}$", "$\\{1,1,2\\}$", LE)).toBe(true);
    expect(judged("$\\{1,2\\}$", "$\\{2,1,2\\}$", LE)).toBe(true);
    expect(judged("$1, 2$", "$1, 1, 2$", LE)).toBe(true);
    expect(judged("$\\{1,2\\}$", "$\\{1,\\frac{2}{2},2\\}$", LE)).toBe(true);
    expect(judged("$1,2$", "\\boxed{\\{1,2,2\\}}", {})).toBe(true);
  });
  it("but an element that is not there is still missing, and tuples keep their length", () => {
    expect(judged("$\\{1,2,3\\}$", "$\\{1,1,2\\}$", LE)).toBe(false);
    expect(judged("$\\{1\\}$", "$\\{1,1,2\\}$", LE)).toBe(false);
    expect(judged("$(1,2)$", "$(1,1,2)$", LE)).toBe(false);
  });
});

describe("TeX's \\over (latex2sympy2 reads A \\over B as A/B)", () => {
  const LE: MathVerifyOptions = { extraction: ["latex", "expr"] };
  it("the group it stands in, or the whole answer, is the fraction", () => {
    expect(judged("$\\frac34$", "$\\boxed{{3 \\over 4}}$", LE)).toBe(true);
    expect(judged("$\\frac34$", "\\boxed{3 \\over 4}", {})).toBe(true);
    expect(judged("$\\sqrt{\\frac34}$", "\\boxed{\\sqrt{3 \\over 4}}", {})).toBe(true);
    expect(judged("$\\frac32$", "\\boxed{1+{1 \\over 2}}", {})).toBe(true);
  });
  it("and nothing else: the other fraction, the group's part alone and \\overline stay what they were", () => {
    expect(judged("$\\frac43$", "\\boxed{3 \\over 4}", {})).toBe(false);
    expect(judged("$\\frac12$", "\\boxed{1+{1 \\over 2}}", {})).toBe(false);
    expect(judged("$\\overline{AB}$", "\\boxed{\\overline{AB}}", {})).toBe(true);
    expect(judged("$5$", "\\boxed{\\over}", {})).toBe(false);
  });
});
