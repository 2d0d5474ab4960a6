// Behaviours of Math-Verify ported after the first rule set (mvrules.test.ts): semicolon groups, set
// operations, sums against closed forms, integrals, limits and derivatives. Each example is written
// here from the rule as latex2sympy2_extended (PS.g4, latex2sympy2.py) and Math-Verify's grader.py
// state it, not taken from Math-Verify's tests; the wrong answers beside them are what an RL policy
// could try (different bounds, operations, points or integrands must not pay).
import { describe, expect, it } from "vitest";
import { verifyMathSync, type MathVerifyOptions } from "./index.js";

// Math-Verify's behaviour: an integral, limit, derivative, sum or product left in the answer is
// evaluated (scratchpad's default refuses such an answer as a restated question: restate.ts,
// exploits.test.ts).
const L: MathVerifyOptions = { extraction: ["latex", "expr"], evaluate_answer_operators: true };

function judged(gold: string, response: string, options: MathVerifyOptions = L): boolean {
  return verifyMathSync(gold, response, options).correct;
}

describe("semicolon groups (PS.g4 semicolon_elements, latex2sympy2 convert_elements_to_set_or_tuple)", () => {
  it("groups with several comma items are tuples, one per group", () => {
    expect(judged("$(5,2),(7,2)$", "$p=5,q=2;p=7,q=2$")).toBe(true);
    expect(judged("$(1,2),(3,4)$", "$1,2;3,4$")).toBe(true);
    expect(judged("$\\{1,2,3\\}$", "$1;2;3$")).toBe(true);
  });
  it("the pairing matters: other pairs or other values do not match", () => {
    expect(judged("$(5,2),(7,2)$", "$p=5,q=7;p=2,q=2$")).toBe(false);
    expect(judged("$(1,2),(3,4)$", "$1,3;2,4$")).toBe(false);
    expect(judged("$(5,2),(7,2)$", "$p=5,q=2;p=7,q=3$")).toBe(false);
  });
});

describe("sums against closed forms (grader.sympy_symbolic_eq: sympy's simplify ends with doit())", () => {
  it("a sum with symbolic bounds equals its closed form", () => {
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\sum_{k=1}^{n} k$")).toBe(true);
    expect(judged("$\\sum_{i=1}^{n} i^2$", "$\\frac{n(n+1)(2n+1)}{6}$")).toBe(true);
    expect(judged("$2^{n+1}-1$", "$\\sum_{k=0}^{n} 2^k$")).toBe(true);
    expect(judged("$\\frac{x^{n+1}-1}{x-1}$", "$\\sum_{k=0}^{n} x^k$")).toBe(true);
    expect(judged("$n!$", "$\\prod_{k=1}^{n} k$")).toBe(true);
  });
  it("other bounds, bodies or closed forms are wrong", () => {
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\sum_{k=1}^{n-1} k$")).toBe(false);
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\sum_{k=1}^{n+1} k$")).toBe(false);
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\sum_{k=1}^{n} k^2$")).toBe(false);
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\prod_{k=1}^{n} k$")).toBe(false);
    expect(judged("$\\sum_{k=1}^{n} k$", "$\\frac{n(n-1)}{2}$")).toBe(false);
    expect(judged("$\\sum_{k=1}^{n} k$", "$\\frac{n^2}{2}$")).toBe(false);
    expect(judged("$\\frac{x^{n+1}-1}{x-1}$", "$\\sum_{k=0}^{n} x^{k+1}$")).toBe(false);
    // a polynomial that agrees with the closed form at a few small n only
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\frac{n(n+1)}{2} + (n-1)(n-2)(n-3)$")).toBe(false);
    // a term that is 0 for small n only
    expect(judged("$\\sum_{k=1}^{n} k$", "$\\frac{n(n+1)}{2} + \\lfloor \\frac{n}{100} \\rfloor$")).toBe(false);
  });
  it("a huge sum is not written out (bounded time)", () => {
    const t0 = performance.now();
    expect(judged("$5$", "$\\sum_{k=1}^{n} \\sum_{j=1}^{10^{9}} j$")).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});

describe("set operations (PS.g4 minus_expr / union_expr / intersection_expr; grader.sympy_compare_sets)", () => {
  it("\\cap, \\setminus and \\cup of intervals and finite sets are the sets they make", () => {
    expect(judged("$[2,3]$", "$[1,3] \\cap [2,4]$")).toBe(true);
    expect(judged("$\\{1,3\\}$", "$\\{1,2,3\\} \\setminus \\{2\\}$")).toBe(true);
    expect(judged("$(-\\infty,1)\\cup(1,\\infty)$", "$\\mathbb{R} \\setminus \\{1\\}$")).toBe(true);
    expect(judged("$[1,2)$", "$[1,3] \\setminus [2,3]$")).toBe(true);
    expect(judged("$\\{1,2\\}$", "$\\{1,2,5\\} \\cap [0,3]$")).toBe(true);
    expect(judged("$\\emptyset$", "$(1,2) \\cap (2,3)$")).toBe(true);
    expect(judged("$(1, \\sqrt 5)$", "$(0,\\sqrt 5) \\cap (1, 3)$")).toBe(true);
  });
  it("two unions are equal when they cover the same part of the line (symmetric difference empty)", () => {
    expect(judged("$[1,3]$", "$[1,2]\\cup[2,3]$")).toBe(true);
    expect(judged("$[1,4]$", "$[1,3] \\cup [2,4]$")).toBe(true);
  });
  it("\\cap is not \\cup, ends and brackets matter, and symbolic ends are not computed", () => {
    expect(judged("$[2,3]$", "$[1,3] \\cup [2,4]$")).toBe(false);
    expect(judged("$[1,4]$", "$[1,3] \\cap [2,4]$")).toBe(false);
    expect(judged("$[2,3)$", "$[1,3] \\cap [2,4]$")).toBe(false);
    expect(judged("$(-\\infty,1]\\cup(1,\\infty)$", "$\\mathbb{R} \\setminus \\{1\\}$")).toBe(false);
    expect(judged("$(-\\infty,1)\\cup(1,\\infty)$", "$\\mathbb{R} \\setminus \\{2\\}$")).toBe(false);
    expect(judged("$[1,3]$", "$[1,2)\\cup(2,3]$")).toBe(false);
    expect(judged("$\\{1,3\\}$", "$\\{1,2,3\\} \\setminus \\{3\\}$")).toBe(false);
    expect(judged("$[a,b]$", "$[a,c] \\cap [d,b]$")).toBe(false);
  });
});

describe("integrals (PS.g4 FUNC_INT, latex2sympy2 handle_integral; the grader evaluates them with doit)", () => {
  it("a definite integral is its value: polynomials exactly, others numerically", () => {
    expect(judged("$\\frac{1}{3}$", "$\\int_0^1 x^2 dx$")).toBe(true);
    expect(judged("$\\frac13$", "$\\int_{0}^{1} x^{2} \\, \\mathrm{d}x$")).toBe(true);
    expect(judged("$3$", "$\\int_0^3 dt$")).toBe(true);
    expect(judged("$2$", "$\\int_0^{\\pi} \\sin(x)\\,dx$")).toBe(true);
    expect(judged("$\\frac{\\pi}{4}$", "$\\int_0^1 \\frac{1}{1+x^2} dx$")).toBe(true);
    expect(judged("$1$", "$\\int_0^\\infty e^{-x} dx$")).toBe(true);
    expect(judged("$\\int_0^1 e^x dx$", "$e - 1$")).toBe(true);
  });
  it("an indefinite integral is the antiderivative without a constant", () => {
    expect(judged("$\\frac{x^3}{3}$", "$\\int x^2 dx$")).toBe(true);
    expect(judged("$\\int \\sin x dx$", "$-\\cos x$")).toBe(true);
    expect(judged("$\\int \\sin x dx$", "$\\int \\sin(x) \\, dx$")).toBe(true);
  });
  it("another integrand, other bounds, another variable or an added constant are wrong", () => {
    expect(judged("$\\frac{1}{2}$", "$\\int_0^1 x^2 dx$")).toBe(false);
    expect(judged("$\\frac{1}{3}$", "$\\int_0^2 x^2 dx$")).toBe(false);
    expect(judged("$\\frac{1}{3}$", "$\\int_0^1 x^3 dx$")).toBe(false);
    expect(judged("$1$", "$\\int_0^\\pi \\sin x dx$")).toBe(false);
    expect(judged("$2$", "$\\int_0^{\\pi} \\cos(x)\\,dx$")).toBe(false);
    expect(judged("$\\frac{355}{452}$", "$\\int_0^1 \\frac{1}{1+x^2} dx$")).toBe(false);
    expect(judged("$\\frac{x^3}{3} + C$", "$\\int x^2 dx$")).toBe(false);
    expect(judged("$\\frac{x^3}{3}$", "$\\int x^3 dx$")).toBe(false);
    expect(judged("$\\int \\sin x dx$", "$-\\cos x + C$")).toBe(false);
    expect(judged("$\\int \\sin x dx$", "$\\cos x$")).toBe(false);
    expect(judged("$\\int \\sin x dx$", "$\\int \\cos x \\, dx$")).toBe(false);
    expect(judged("$\\int \\sin x dx$", "$\\int \\sin t \\, dt$")).toBe(false);
    expect(judged("$\\int_0^1 e^x dx$", "$\\int_0^2 e^x dx$")).toBe(false);
  });
});

describe("limits (PS.g4 FUNC_LIM limit_sub mp, latex2sympy2 handle_limit; doit)", () => {
  it("a limit is its value, from both sides or the side given", () => {
    expect(judged("$1$", "$\\lim_{x \\to 0} \\frac{\\sin x}{x}$")).toBe(true);
    expect(judged("$e$", "$\\lim_{n \\to \\infty} \\left(1 + \\frac{1}{n}\\right)^n$")).toBe(true);
    expect(judged("$4$", "$\\lim_{x \\to 2} x^2$")).toBe(true);
    expect(judged("$\\frac{1}{2}$", "$\\lim_{x \\to 0} \\frac{1 - \\cos x}{x^2}$")).toBe(true);
    expect(judged("$\\infty$", "$\\lim_{x \\to 0} \\frac{1}{x^2}$")).toBe(true);
    expect(judged("$1$", "$\\lim_{x \\to 0^+} \\frac{|x|}{x}$")).toBe(true);
    expect(judged("$-1$", "$\\lim_{x \\to 0^-} \\frac{|x|}{x}$")).toBe(true);
  });
  it("a limit at another point, of another function, or one that does not exist is wrong", () => {
    expect(judged("$0$", "$\\lim_{x \\to 0} \\frac{\\sin x}{x}$")).toBe(false);
    expect(judged("$1$", "$\\lim_{x \\to 1} \\frac{\\sin x}{x}$")).toBe(false);
    expect(judged("$9$", "$\\lim_{x \\to 2} x^2$")).toBe(false);
    expect(judged("$1$", "$\\lim_{x \\to 0} \\frac{|x|}{x}$")).toBe(false);
    expect(judged("$-\\infty$", "$\\lim_{x \\to 0} \\frac{1}{x^2}$")).toBe(false);
    expect(judged("$2.718$", "$\\lim_{n \\to \\infty} \\left(1 + \\frac{1}{n}\\right)^n$")).toBe(false);
  });
});

describe("derivatives (latex2sympy2 convert_frac: d/dx as an operator; doit)", () => {
  it("\\frac{d}{dx} f and \\frac{d f}{dx} are the derivative of f", () => {
    expect(judged("$2x$", "$\\frac{d}{dx} x^2$")).toBe(true);
    expect(judged("$2x$", "$\\frac{d}{dx}\\left(x^2\\right)$")).toBe(true);
    expect(judged("$\\cos x$", "$\\frac{d}{dx} \\sin x$")).toBe(true);
    expect(judged("$3x^2$", "$\\frac{d(x^3)}{dx}$")).toBe(true);
    expect(judged("$e^x (\\sin x + \\cos x)$", "$\\frac{d}{dx} e^x \\sin x$")).toBe(true);
  });
  it("another function, another variable or a plain quotient is not a derivative", () => {
    expect(judged("$2x$", "$\\frac{d}{dx} x^3$")).toBe(false);
    expect(judged("$-\\cos x$", "$\\frac{d}{dx} \\sin x$")).toBe(false);
    expect(judged("$2x$", "$\\frac{d}{dt} x^2$")).toBe(false);
    expect(judged("$\\frac{y}{x}$", "$\\frac{dy}{dx}$")).toBe(false);
    expect(judged("$\\frac{1}{2}$", "$\\frac{d}{2}$", L)).toBe(false);
  });
});

describe("calculus stays bounded on hostile input", () => {
  it.each([
    ["nested integrals", "\\boxed{" + "\\int_0^1 ".repeat(150) + "x " + "dx ".repeat(150) + "}"],
    ["nested derivatives", "\\boxed{" + "\\frac{d}{dx}".repeat(12) + "\\sin(x^2) e^{x} \\tan x}"],
    ["nested limits", "\\boxed{" + "\\lim_{x \\to 0}".repeat(150) + "\\frac{\\sin x}{x}}"],
    ["limit of a tower", "\\boxed{\\lim_{x \\to \\infty} e^{e^{e^{x}}}}"],
    ["a high power integrated", "\\boxed{\\int_0^1 ((ax+b)^{24})^{24} dx}"],
    ["an oscillating integrand", "\\boxed{\\int_0^1 \\sin(1/x) dx}"],
    ["huge bounds", "\\boxed{\\int_0^{10^{300}} \\sin(x) dx}"],
    ["many intersections", "\\boxed{" + Array.from({ length: 150 }, (_, i) => `[${i},${i + 1}]`).join(" \\cap ") + "}"],
    ["nested symbolic sums", "\\boxed{\\sum_{i=1}^{n} \\sum_{j=1}^{n} \\sum_{k=1}^{n} \\sum_{l=1}^{n} i j k l}"],
  ])("%s: a verdict well inside the limit", (_name, response) => {
    const t0 = performance.now();
    const v = verifyMathSync("5", response);
    expect(v.correct).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2500);
  });
});

describe("an unclosed box in a gold (parser.lazy_latex_regex's \\\\boxed{.+} ends at the last })", () => {
  it("a number after the failed box is still read by the expr target", () => {
    expect(judged("\\boxed{W(n) = 1 \\text{ and } W(n) = -1", "W(x)=1orW(x)=-1")).toBe(true);
    expect(judged("\\boxed{W(n) = 1 \\text{ and } W(n) = -1", "W(x)=1orW(x)=1")).toBe(false);
  });
});

describe("calculus notation variants (math_normalization, PS.g4)", () => {
  it("{\\rm d}x, \\limits, \\frac{dx}{x}, limits at infinity", () => {
    expect(judged("$\\frac{1}{3}$", "$\\int_0^1 x^{2}\\,{\\rm d}x$")).toBe(true);
    expect(judged("$\\frac{1}{3}$", "$\\int\\limits_0^1 x^2\\,\\mathrm{d}x$")).toBe(true);
    expect(judged("$\\ln x$", "$\\int \\frac{dx}{x}$")).toBe(true);
    expect(judged("$\\ln x$", "$\\int \\frac{dx}{x^2}$")).toBe(false);
    expect(judged("$0$", "$\\lim_{x \\to \\infty} \\frac{1}{x}$")).toBe(true);
    expect(judged("$\\frac{2}{3}$", "$\\lim_{n\\to\\infty}\\frac{2n+1}{3n-1}$")).toBe(true);
    expect(judged("$\\frac{2}{3}$", "$\\lim_{n\\to\\infty}\\left(\\frac{2n+1}{3n-2} + \\frac{1}{10^{9}}\\right)$")).toBe(false);
    expect(judged("$\\frac{2}{3}$", "$\\lim_{n\\to\\infty}\\left(\\frac{2n+1}{3n-2} + \\frac{1}{n}\\right)$")).toBe(true);
    expect(judged("$e$", "$\\lim_{n\\to\\infty}\\left(1+\\frac{1}{n}\\right)^{n+1}$")).toBe(true);
    expect(judged("$e$", "$\\lim_{n\\to\\infty}\\left(1+\\frac{1}{n}\\right)^{2n}$")).toBe(false);
    expect(judged("$2.718282$", "$\\lim_{n\\to\\infty}\\left(1+\\frac{1}{n}\\right)^{n}$")).toBe(true);
    expect(judged("$2.7183$", "$\\lim_{n\\to\\infty}\\left(1+\\frac{1}{n}\\right)^{n}$")).toBe(false);
  });
});

describe("latex spans as parser.make_latex_env_pattern reads them", () => {
  const LO: MathVerifyOptions = { extraction: ["latex"] };
  it("an inline $ right after a digit opens no span ((?<!\\\\|\\d)\\$)", () => {
    expect(judged("$3$", "It costs 5$ and then $3$", LO)).toBe(true);
    expect(judged("$3$", "It costs 5$3$ hmm", LO)).toBe(false);
  });
  it("a bare \\frac{a}{b} keeps a percent sign after it", () => {
    expect(judged("$\\frac{1}{2}$", "we get \\frac{1}{2}% here", LO)).toBe(false);
    expect(judged("$\\frac{1}{200}$", "we get \\frac{1}{2}% here", LO)).toBe(true);
  });
});

describe("infinite series (latex2sympy2 handle_sum_or_prod with an ∞ bound; the grader's doit sums it)", () => {
  it("a convergent series is its sum", () => {
    expect(judged("$1$", "$\\sum_{n=1}^{\\infty} \\frac{1}{2^n}$")).toBe(true);
    expect(judged("$\\frac{\\pi^2}{6}$", "$\\sum_{n=1}^{\\infty} \\frac{1}{n^2}$")).toBe(true);
    expect(judged("$\\ln 2$", "$\\sum_{n=1}^{\\infty} \\frac{(-1)^{n+1}}{n}$")).toBe(true);
    expect(judged("$e$", "$\\sum_{n=0}^{\\infty} \\frac{1}{n!}$")).toBe(true);
    expect(judged("$1$", "$\\sum_{n=1}^{\\infty} \\frac{1}{n(n+1)}$")).toBe(true);
  });
  it("another start, a nearby value or a divergent series is wrong", () => {
    expect(judged("$1$", "$\\sum_{n=0}^{\\infty} \\frac{1}{2^n}$")).toBe(false);
    expect(judged("$\\frac{\\pi^2}{6} + 10^{-6}$", "$\\sum_{n=1}^{\\infty} \\frac{1}{n^2}$")).toBe(false);
    expect(judged("$1$", "$\\sum_{n=1}^{\\infty} \\frac{1}{n}$")).toBe(false);
    expect(judged("$\\infty$", "$\\sum_{n=1}^{\\infty} \\frac{1}{n}$")).toBe(false);
    expect(judged("$0$", "$\\sum_{n=1}^{\\infty} (-1)^n$")).toBe(false);
  });
});

describe("determinants and transposes (PS.g4's det rule and FUNC_DET, transpose)", () => {
  it("vmatrix and \\det are the determinant, ^T and ^{\\top} the transpose", () => {
    expect(judged("$-2$", "$\\begin{vmatrix}1&2\\\\3&4\\end{vmatrix}$")).toBe(true);
    expect(judged("$-2$", "$\\det\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$")).toBe(true);
    expect(judged("$ad - bc$", "$\\begin{vmatrix}a&b\\\\c&d\\end{vmatrix}$")).toBe(true);
    expect(judged("$\\begin{pmatrix}1&3\\\\2&4\\end{pmatrix}$", "$\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}^T$")).toBe(true);
    expect(judged("$\\begin{pmatrix}1\\\\2\\end{pmatrix}$", "$\\begin{pmatrix}1&2\\end{pmatrix}^{\\top}$")).toBe(true);
  });
  it("another determinant, or a matrix that is not transposed, is wrong", () => {
    expect(judged("$2$", "$\\begin{vmatrix}1&2\\\\3&4\\end{vmatrix}$")).toBe(false);
    expect(judged("$1$", "$\\det\\begin{pmatrix}1&2&3\\\\4&5&6\\\\7&8&9\\end{pmatrix}$")).toBe(false);
    expect(judged("$ad + bc$", "$\\begin{vmatrix}a&b\\\\c&d\\end{vmatrix}$")).toBe(false);
    expect(judged("$\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$", "$\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}^T$")).toBe(false);
  });
});

describe("capital point names (latex2sympy2 reads ABC as letters; grader.sympy_compare_symbols concatenates them)", () => {
  it("a labelled angle or segment answers its value; the label matters between two labelled answers", () => {
    expect(judged("$\\angle ABC = 60^\\circ$", "$60$")).toBe(true);
    expect(judged("$60$", "$\\angle ABC = 60^\\circ$")).toBe(true);
    expect(judged("$\\angle ABC = 60^\\circ$", "$\\angle ABC = 60^\\circ$")).toBe(true);
    expect(judged("$\\angle ABC = 60^\\circ$", "$\\angle ABD = 60^\\circ$")).toBe(false);
    expect(judged("$\\angle ABC = 60^\\circ$", "$50$")).toBe(false);
    expect(judged("$\\text{yes}$", "$YES$")).toBe(true);
    expect(judged("$\\text{no}$", "$YES$")).toBe(false);
  });
});

describe("an equation against its solved form (grader.sympy_solve_and_compare in the fork the numina tests come from)", () => {
  it("x = c answers an equation in x whose only real solution is c", () => {
    expect(judged("$2^x = 8$", "$x = 3$")).toBe(true);
    expect(judged("$\\frac{1}{x} = 2$", "$x = \\frac{1}{2}$")).toBe(true);
    expect(judged("$\\sqrt{x} = 3$", "$x = 9$")).toBe(true);
    expect(judged("$\\log_2 x = 3$", "$x = 8$")).toBe(true);
    expect(judged("$e^x = 1$", "$x = 0$")).toBe(true);
  });
  it("another value, one of several solutions, another variable, or an equation as the answer are not", () => {
    expect(judged("$2^x = 8$", "$x = 4$")).toBe(false);
    expect(judged("$x^2 = 4$", "$x = 2$")).toBe(false);
    expect(judged("$x^3 - 3x = 0$", "$x = 0$")).toBe(false);
    expect(judged("$2^x + 2^{-x} = \\frac{5}{2}$", "$x = 1$")).toBe(false);
    expect(judged("$2^x = 4$", "$y = 2$")).toBe(false);
    // the answer is not checked for hidden roots: an equation as the answer is compared as an equation
    expect(judged("$x = 3$", "$(2^x - 8)(x - 10^{20}) = 0$")).toBe(false);
  });
});

describe("series and solved forms stay bounded", () => {
  it.each([
    ["nested series", "$5$", "$\\sum_{n=1}^{\\infty} \\sum_{m=1}^{\\infty} \\frac{1}{n^2 m^2}$"],
    ["a series of a long body", "$5$", `$\\sum_{n=1}^{\\infty} \\frac{${Array.from({ length: 60 }, (_, i) => `\\sin(${i}n)`).join("+")}}{n^2}$`],
    ["a long equation against x = c", `$${Array.from({ length: 60 }, (_, i) => `\\sin(${i}x)`).join("+")} = 1$`, "$x = 0.5$"],
    ["a series inside an integral", "$5$", "$\\int_0^1 \\sum_{n=1}^{\\infty} \\frac{x^n}{n^2} dx$"],
  ])("%s: a verdict well inside the limit", (_name, gold, response) => {
    const t0 = performance.now();
    const v = verifyMathSync(gold, response, L);
    expect(v.correct).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});

describe("a failed LaTeX span and the numbers around it (parser.extract_target_from_pred)", () => {
  it("a number after '=' in the answer sentence, outside the failed span, is read", () => {
    expect(judged("7", "The answer is $\\bigl(3+4\\bigr)$ = 7")).toBe(true);
    expect(judged("3", "The answer is $\\bigl(3+4\\bigr)$ = 7")).toBe(false);
  });
  it("a span with sizing delimiters is not the text of its content (the string fallback is the span as written)", () => {
    expect(judged("4", "Final answer is $\\bigl(4\\bigr)$. I hope. 42")).toBe(false);
    expect(judged("42", "Final answer is $\\bigl(4\\bigr)$. I hope. 42")).toBe(true);
  });
});

describe("the expr target's answer pattern: the value after the last '=' (answer(?:.{0,100}=\\s*|.{0,50}?))", () => {
  const E: MathVerifyOptions = { extraction: ["expr"] };
  it("in an answer sentence without LaTeX", () => {
    expect(judged("4", "answer: x = 3, y = 4", E)).toBe(true);
    expect(judged("3", "answer: x = 3, y = 4", E)).toBe(false);
    expect(judged("7", "The answer is 3 + 4 = 7", E)).toBe(true);
  });
  it("a sentence with LaTeX is read as its span", () => {
    expect(judged("$x-2y+z-1=0$", "The final answer is $x-2y+z-1=0$. I hope it is correct.")).toBe(true);
  });
});

describe("the latex target's answer pattern (answer:.{0,50}? then a math span, ending after a number before it)", () => {
  it("an 'Answer:' line with a math span answers the span", () => {
    expect(judged("$6$", "Answer: 5 and then $6$")).toBe(true);
    expect(judged("$5$", "Answer: 5 and then $6$")).toBe(false);
    expect(judged("$5$", "Answer: $5$ and then 6")).toBe(true);
  });
});

describe("'the answer is' is Math-Verify's plain answer pattern, 'final answer … is' its own", () => {
  it("a math span within 50 characters after 'the answer' wins over a number before it; after 'final answer is' the first value", () => {
    expect(judged("$6$", "the answer is 5, not $6$")).toBe(true);
    expect(judged("$5$", "the answer is $5$, not 6")).toBe(true);
    expect(judged("$5$", "The final answer is 5, not $6$")).toBe(true);
  });
});

describe("'final answer is X. I hope' comes before any box (Math-Verify's priority-0 pattern)", () => {
  it("a later box does not replace it", () => {
    expect(judged("$5$", "The final answer is $5$. I hope it is correct. \\boxed{6}")).toBe(true);
    expect(judged("$6$", "The final answer is $5$. I hope it is correct. \\boxed{6}")).toBe(false);
    // without "I hope" the box written last wins (priority 50, the match ending last)
    expect(judged("$6$", "The final answer is $5$. \\boxed{6}")).toBe(true);
  });
});

describe("plain text under the expr target (parser.lazy_expr_regex: numbers need no suffix, 'so we can extract $100 or 100m2')", () => {
  const E: MathVerifyOptions = { extraction: ["expr"] };
  it("a whole answer with words is read through its number; Python's ** is a power", () => {
    expect(judged("100", "100m2", E)).toBe(true);
    expect(judged("10000", "100m2", E)).toBe(false);
    expect(judged("8", "2**3", E)).toBe(true);
    expect(judged("6", "2**3", E)).toBe(false);
  });
});

describe("sums of sequences (the index as a subscript)", () => {
  it("a_k is a_1, a_2, … when the sum is written out, and the index name does not matter", () => {
    expect(judged("$\\sum_{k=1}^{3} a_k$", "$a_1 + a_2 + a_3$")).toBe(true);
    expect(judged("$\\sum_{k=1}^{n} a_k$", "$\\sum_{j=1}^{n} a_j$")).toBe(true);
    expect(judged("$\\sum_{k=1}^{3} a_k$", "$3 a_k$")).toBe(false);
    expect(judged("$\\sum_{k=1}^{n} a_k$", "$n a_k$")).toBe(false);
    expect(judged("$\\sum_{k=1}^{n} a_k$", "$\\sum_{j=1}^{n} b_j$")).toBe(false);
  });
});
