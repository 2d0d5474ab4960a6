// Tests of verifyMath: tables of gold answer / response / expected verdict, one table per form.
import { describe, expect, it } from "vitest";
import { mathVerifier, verifyMath, verifyMathSync } from "./index.js";
import type { Problem } from "../../types.js";

type Row = [gold: string, pred: string, expected: boolean];

function table(name: string, rows: Row[]): void {
  describe(name, () => {
    it.each(rows)("gold %j / response %j → %s", (gold, pred, expected) => {
      const v = verifyMathSync(gold, pred);
      expect(v.correct, `${v.reason}; extracted ${JSON.stringify(v.extracted)}`).toBe(expected);
    });
  });
}

table("MATH-500 style gold answers", [
  ["\\left( 3, \\frac{\\pi}{2} \\right)", "so the point is $\\boxed{(3, \\pi/2)}$.", true],
  ["\\left( 3, \\frac{\\pi}{2} \\right)", "$\\boxed{\\left(3,\\frac{\\pi}{2}\\right)}$", true],
  ["\\left( 3, \\frac{\\pi}{2} \\right)", "$\\boxed{(3, \\pi)}$", false],
  ["\\left( 3, \\frac{\\pi}{2} \\right)", "$\\boxed{(\\frac{\\pi}{2}, 3)}$", false],
  ["\\frac{14}{3}", "\\boxed{\\frac{14}{3}}", true],
  ["\\frac{14}{3}", "\\boxed{14/3}", true],
  ["\\frac{14}{3}", "\\boxed{\\dfrac{28}{6}}", true],
  ["\\frac{14}{3}", "\\boxed{4\\frac{2}{3}}", true],
  ["\\frac{14}{3}", "\\boxed{4.6666667}", true],
  ["\\frac{14}{3}", "\\boxed{4.67}", false],
  ["\\frac{14}{3}", "\\boxed{\\frac{3}{14}}", false],
  ["2\\sqrt{2}", "\\boxed{2\\sqrt{2}}", true],
  ["2\\sqrt{2}", "\\boxed{\\sqrt{8}}", true],
  ["2\\sqrt{2}", "\\boxed{2\\sqrt2}", true],
  ["2\\sqrt{2}", "\\boxed{\\frac{4}{\\sqrt{2}}}", true],
  ["2\\sqrt{2}", "\\boxed{2.8284271}", true],
  ["2\\sqrt{2}", "\\boxed{2\\sqrt{3}}", false],
  ["2\\sqrt{2}", "\\boxed{2.83}", false],
  ["x^2+7x+10", "\\boxed{x^2+7x+10}", true],
  ["x^2+7x+10", "\\boxed{(x+2)(x+5)}", true],
  ["x^2+7x+10", "\\boxed{10 + 7x + x^{2}}", true],
  ["x^2+7x+10", "\\boxed{x^2+7x+11}", false],
  ["x^2+7x+10", "\\boxed{(x+2)(x-5)}", false],
  ["|x|", "\\boxed{x}", false],
  ["|x|", "\\boxed{\\sqrt{x^2}}", true],
  ["x", "\\boxed{\\sqrt{x^2}}", false],
  ["2\\ln x", "\\boxed{\\ln x^2}", true],
  ["[-2,7)", "\\boxed{[-2,7)}", true],
  ["[-2,7)", "\\boxed{[-2, 7)}", true],
  ["[-2,7)", "\\boxed{(-2,7)}", false],
  ["[-2,7)", "\\boxed{[-2,7]}", false],
  ["[-2,7)", "\\boxed{x \\in [-2,7)}", true],
  ["\\{1,2\\}", "\\boxed{\\{1,2\\}}", true],
  ["\\{1,2\\}", "\\boxed{\\{2,1\\}}", true],
  ["\\{1,2\\}", "\\boxed{\\{1,3\\}}", false],
  ["\\{1,2\\}", "\\boxed{\\{1,2,3\\}}", false],
  ["10\\%", "\\boxed{10\\%}", true],
  ["10\\%", "\\boxed{10}", true],
  ["10\\%", "\\boxed{0.1}", true],
  ["10\\%", "\\boxed{10 percent}", true],
  ["10\\%", "\\boxed{11\\%}", false],
  ["\\$5.00", "\\boxed{5}", true],
  ["\\$5.00", "\\boxed{\\$5}", true],
  ["\\$5.00", "It costs $\\$5.00$. Answer: \\$5", true],
  ["\\$5.00", "\\boxed{5.01}", false],
  ["1{,}000", "\\boxed{1000}", true],
  ["1{,}000", "\\boxed{1,000}", true],
  ["1{,}000", "\\boxed{1{,}000}", true],
  ["1{,}000", "\\boxed{100}", false],
  ["3\\frac{1}{2}", "\\boxed{3\\frac{1}{2}}", true],
  ["3\\frac{1}{2}", "\\boxed{\\frac{7}{2}}", true],
  ["3\\frac{1}{2}", "\\boxed{3.5}", true],
  ["3\\frac{1}{2}", "The answer is 3 1/2.", true],
  ["3\\frac{1}{2}", "\\boxed{\\frac{3}{2}}", false],
  ["90^\\circ", "\\boxed{90^\\circ}", true],
  ["90^\\circ", "\\boxed{90}", true],
  ["90^\\circ", "\\boxed{90°}", true],
  ["90^\\circ", "\\boxed{90 \\text{ degrees}}", true],
  ["90^\\circ", "\\boxed{45^\\circ}", false],
  ["\\text{(C)}", "\\boxed{\\text{(C)}}", true],
  ["\\text{(C)}", "\\boxed{C}", true],
  ["\\text{(C)}", "\\boxed{(C)}", true],
  ["\\text{(C)}", "\\boxed{\\textbf{(C)}}", true],
  ["\\text{(C)}", "\\boxed{D}", false],
  ["\\text{Evelyn}", "\\boxed{\\text{Evelyn}}", true],
  ["\\text{Evelyn}", "The fastest is **Evelyn**", true],
  ["\\text{Evelyn}", "\\boxed{\\text{Briana}}", false],
  ["204_5", "\\boxed{204_5}", true],
  ["204_5", "\\boxed{204_{5}}", true],
  ["204_5", "\\boxed{214_5}", false],
  ["-2 + 7i", "\\boxed{7i - 2}", true],
  ["-2 + 7i", "\\boxed{-2+7i}", true],
  ["-2 + 7i", "\\boxed{-2-7i}", false],
  ["\\cot x", "\\boxed{\\frac{\\cos x}{\\sin x}}", true],
  ["\\cot x", "\\boxed{\\tan x}", false],
  ["15\\mbox{ cm}^2", "\\boxed{15}", true],
  ["15\\mbox{ cm}^2", "\\boxed{15 \\text{ cm}^2}", true],
  ["864 \\mbox{ inches}^2", "\\boxed{864}", true],
  ["5.4 \\text{ cents}", "\\boxed{5.4}", true],
  ["60", "\\boxed{60 \\text{ km/h}}", true],
  ["9.8", "\\boxed{9.8\\,\\text{m/s^2}}", true],
  ["\\frac{270}7\\text{ degrees}", "\\boxed{\\frac{270}{7}}", true],
  ["10,\\!080", "\\boxed{10080}", true],
  ["11,\\! 111,\\! 111,\\! 100", "\\boxed{11111111100}", true],
  ["\\$32,\\!348", "\\boxed{\\$32,348}", true],
  ["\\$18.90", "\\boxed{18.9}", true],
  ["\\frac 34", "\\boxed{0.75}", true],
  ["\\frac9{19}", "\\boxed{\\frac{9}{19}}", true],
  ["\\frac{\\sqrt{3}}{3}", "\\boxed{\\frac{1}{\\sqrt{3}}}", true],
  ["11\\sqrt2", "\\boxed{\\sqrt{242}}", true],
  ["\\pi", "\\boxed{\\pi}", true],
  ["\\pi", "\\boxed{3.14}", false],
  ["12\\pi", "\\boxed{12 \\pi}", true],
  ["18+2\\pi", "\\boxed{2\\pi+18}", true],
  [".0000672", "\\boxed{6.72 \\times 10^{-5}}", true],
  [".35625", "\\boxed{\\frac{57}{160}}", true],
  ["-\\frac{\\pi}{6}", "\\boxed{-\\pi/6}", true],
  ["3R^2", "\\boxed{3R^2}", true],
  ["3R^2", "\\boxed{3r^2}", false],
  ["8n^2 + 4n + 1", "\\boxed{1+4n+8n^2}", true],
  ["\\frac{11+9a}{20}", "\\boxed{\\frac{11}{20} + \\frac{9a}{20}}", true],
  ["\\frac{20000}{\\pi}", "\\boxed{\\frac{20000}{\\pi}}", true],
]);

table("GSM8K gold answers (#### forms and plain numbers)", [
  ["18", "Janet makes 16-3-4=9 eggs, 9*2 = 18 dollars.\n#### 18", true],
  ["Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\n#### 18", "The answer is 18.", true],
  ["#### 18", "The answer is $18.", true],
  ["18", "The answer is 18 dollars.", true],
  ["18", "So she makes $\\$18$ every day.", true],
  ["18", "The answer is 19.", false],
  ["7425000", "The total is 7,425,000.", true],
  ["1000", "1 000", true],
  ["1000", "1000.0", true],
  ["1000.99", "1,000.99", true],
  ["1000.99", "1000,99", true],
  ["2.74", "Soucis : 2,74 $ a..", true],
  ["0.4", ".4", true],
  ["1000.99", "the number is not 10 which is 1,000.99€", true],
  ["1000.99", "so it is 1,000.99m²", true],
  ["2", "AZYUK2A", false],
  ["-5", "-5", true],
]);

table("equivalence of numbers and expressions", [
  ["10/9", "\\frac{10}{9}", true],
  ["-10/9", "-\\frac{10}{9}", true],
  ["$1/3$", "$\\frac13 $", true],
  ["$1$", "$\\frac3{3} $", true],
  ["$\\sqrt{3}$", "$\\sqrt3 $", true],
  ["$1/3$", "$\\cfrac{1}{3} $", true],
  ["$1/3$", "$\\tfrac{1}{3} $", true],
  ["$1/3$", "$\\left( \\frac{1}{3} \\right)$", true],
  ["$1/3$", "$\\frac{1}{3} \\textbf{meters}$", true],
  ["$1/3$", "$k = \\frac{1}{3}$", true],
  ["$\\frac{1}{12}$", "$0.0833333333333333$", true],
  ["$(1,\\frac{9}{2})$", "$(1,4.5)$", true],
  ["$\\frac{x+2}{7}$", "$\\frac{x}{7}+\\frac{2}{7}$", true],
  ["$\\tan^2(y)+1$", "$\\sec^2(y)$", true],
  ["$\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{15+2\\sqrt{33}}$", "$\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{2\\sqrt{33}+15}$", true],
  ["$(a+5)(b+2)$", "$(+5)(b+2)$", false],
  ["$2$", "$\\frac{1+\\sqrt{5}}{2}$", false],
  ["$4$", "$\\frac{34}{16}+\\frac{\\sqrt{1358}}{16}$", false],
  ["$1\\sqrt{19}$", "$1$", false],
  ["$x+2n+1$", "$x+1$", false],
  ["$4$", "$4\\sqrt{2}$", false],
  ["4.123105625617661", "$\\sqrt{17}$", true],
  ["$\\frac{5\\sqrt{42}}{27}$", "The final answer is $\\frac{10\\sqrt{10.5}}{27}$. I hope it is correct.", true],
  ["$1 - \\frac{1}{\\mathrm{e}}$", "$1 - \\frac{1}{\\mathrm{e}}$", true],
  ["$1 - \\frac{1}{\\mathrm{e}}$", "$1 + \\frac{1}{\\mathrm{e}}$", false],
  ["$2 \\sin b \\cos a$", "\\boxed{\\sin(a+b) - \\sin(a-b)}", true],
  ["$\\frac{9}{4}\\pi$", "Therefore $\\boxed{\\frac94\\pi}$.", true],
  ["$\\sqrt{2}+\\sqrt{5}$", "The answer is $\\boxed{\\sqrt 2+\\sqrt 5}$", true],
  ["$\\frac{\\pi r}{h+r}$", "The answer is $\\boxed{\\frac{\\pi r}{h+r}}$.", true],
  ["2^{10}", "\\boxed{1024}", true],
  ["5!", "\\boxed{120}", true],
  ["\\binom{5}{2}", "\\boxed{10}", true],
  ["\\sqrt[3]{-8}", "\\boxed{-2}", true],
  ["|{-3}|", "\\boxed{3}", true],
  ["e^{i\\pi}", "\\boxed{-1}", true],
  ["\\log_2 8", "\\boxed{3}", true],
  ["\\ln e^2", "\\boxed{2}", true],
]);

table("equations and inequalities", [
  ["x=5", "\\boxed{5}", true],
  ["5", "\\boxed{x=5}", true],
  ["y = 2x + 3", "\\boxed{y = 3 + 2x}", true],
  ["y = 2x + 3", "\\boxed{2x+3}", true],
  ["y = -2x", "\\boxed{y=-2x}", true],
  ["y = -2x", "\\boxed{y=2x}", false],
  ["5x - 7y + 11z + 4 = 0", "\\boxed{10x - 14y + 22z + 8 = 0}", true],
  ["5x - 7y + 11z + 4 = 0", "\\boxed{-5x + 7y - 11z - 4 = 0}", true],
  ["5x - 7y + 11z + 4 = 0", "\\boxed{5x - 7y + 11z - 4 = 0}", false],
  ["$34x+45y-20z+100=0$", "$-34x-45y+20z-100=0$", true],
  ["$2x+4y-3=0$", "$y=-\\frac{1}{2}x+\\frac{3}{4}$", true],
  ["$x^2/4 + y^2/3 = 1$", "$x^2/16 + y^2/12 = 1/4$", true],
  ["$x >= 5$", "Therefore $x \\geq 5$ is the solution.", true],
  ["$x < 3$", "We find that $x \\lt 3$.", true],
  ["$x \\leq 2$", "Thus $x <= 2$ is our answer.", true],
  ["$x != 3$", "We find that $x \\neq 3$.", true],
  ["$x > 5$", "Therefore $x < 5$ is the solution.", false],
  ["$x \\geq 5$", "The solution is $x \\leq 5$", false],
  ["$x \\leq 5$", "$5 \\geq x$", true],
  ["$x \\geq 5$", "$5 \\leq x$", true],
  ["$x < 1$", "$-x > -1$", true],
  ["$x < 1$", "$x > -1$", false],
  ["$x <= 1$", "$-x >= -1$", true],
  ["$x = 11$", "$x = 5+5+1 = 7 =11$", true],
  ["$x = 1/3$", "$x = 5+5+1 = 1/3 \\approx 11$", true],
  ["$11$", "$x=11$", true],
  ["$11$", "$x\\approx11$", true],
  ["$1/3$", "$x=1/3\\approx1.3$", true],
  ["$7 = 11a+c$", "$11a+c$", false],
  ["$a +3z = 0$", "$0$", false],
  ["$2x + z = 1$", "$1$", false],
  ["$a^2 + b = 0$", "$0$", false],
  ["$k=1$", "$1$", true],
  ["$z = 1 + 1 = 2$", "$z = 3+3 = 2$", true],
  ["$-2 \\le x \\le 7$", "$x \\in [-2,7]$", true],
  ["$x > 2$", "$x \\in (2, \\infty)$", true],
  ["$x \\in [-2,7]$", "$-2 \\le x \\le 7$", false],
  ["f(2) < f(1) < f(4)", "\\boxed{f(2) < f(1) < f(4)}", true],
  ["$n=1, 2, 3$", "$n=1, 2, 3$", true],
  ["$n=2, 3, 4$", "$n=1, 2, 3$", false],
  ["$D = (0, 1)$", "$D = (0, 1.5)$", false],
]);

table("sets, tuples, intervals, unions, infinity", [
  ["$[0,1)$", "$[0,1)$", true],
  ["$[0,9)$", "$[0,1)$", false],
  ["$(0,9)$", "$[0,9)$", false],
  ["$1$", "$-[0,1)$", false],
  ["(-\\infty, 0]", "\\boxed{(-\\infty,0]}", true],
  ["(-\\infty, 0]", "\\boxed{(-\\infty,0)}", false],
  ["(-\\infty, 0]", "\\boxed{(\\infty,0]}", false],
  ["(5,\\infty)", "\\boxed{(5, ∞)}", true],
  ["(-\\infty, 2) \\cup (3, \\infty)", "\\boxed{(-\\infty,2)\\cup(3,\\infty)}", true],
  ["(-\\infty, 2) \\cup (3, \\infty)", "\\boxed{(3,\\infty)\\cup(-\\infty,2)}", true],
  ["(-\\infty, 2) \\cup (3, \\infty)", "\\boxed{(-\\infty,2]\\cup(3,\\infty)}", false],
  [
    "$[-1, -\\frac{1}{2}) \\cup (-\\frac{1}{2}, 0) \\cup (0, 1) \\cup (1, \\infty)$",
    "$\\boxed{[-1, -\\tfrac12) \\cup (-\\tfrac12, 0) \\cup (0, 1) \\cup (1, \\infty)}$",
    true,
  ],
  ["x \\in \\boxed{\\{-1\\} \\cup [0,7)}.$", "x \\in \\boxed{\\{-1\\} \\cup [0,7)}.$", true],
  ["(1,-16,-4,43)", "\\boxed{(1,-16,-4,43)}", true],
  ["(1,-16,-4,43)", "\\boxed{(-16,1,-4,43)}", false],
  ["(6,31,-1)", "$(p,q,r) = \\boxed{(6,31,-1)}$", true],
  ["\\left(\\frac{3}{5},\\frac{8}{3}\\right]", "\\boxed{(0.6, 8/3]}", true],
  ["-2,1", "\\boxed{1,-2}", true],
  ["-2,1", "\\boxed{x=-2 \\text{ or } x=1}", true],
  ["-2,1", "\\boxed{-2}", false],
  ["3, 5, 7", "\\boxed{7, 5, 3}", true],
  ["3, 5, 7", "\\boxed{3, 5}", false],
  ["\\{1\\pm\\sqrt{5},-2\\}", "\\boxed{\\{1\\pm\\sqrt{5},-2\\}}", true],
  ["\\{1\\pm\\sqrt{5},-2\\}", "\\boxed{-2, 1+\\sqrt5, 1-\\sqrt 5}", true],
  ["1 \\pm \\sqrt{19}", "$x = \\boxed{1 \\pm \\sqrt{19}}$", true],
  ["1 \\pm \\sqrt{19}", "\\boxed{1+\\sqrt{19}, 1-\\sqrt{19}}", true],
  ["3 \\pm 2 \\sqrt{2}", "\\boxed{3 - 2\\sqrt2, 3+2\\sqrt2}", true],
  ["$\\pm 2021$", "${-2021, 2021}$", true],
  ["$(3,1)$", "${1,3}$", false],
  ["$(1,3)$", "${1,3}$", true],
  ["$19, 46, and 82$", "$19, 46, \\text{ and } 82$", true],
  ["$19, 46, and 82$", "$21, 36, and 82$", false],
  ["\\emptyset", "\\boxed{\\varnothing}", true],
  ["\\infty", "\\boxed{\\infty}", true],
  ["-\\infty", "\\boxed{\\infty}", false],
]);

table("matrices and vectors", [
  ["\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}", "\\boxed{\\begin{bmatrix} -1 & 0 \\\\ 0 & -1 \\end{bmatrix}}", true],
  ["\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}", "\\boxed{\\begin{pmatrix} -1 & 0 \\\\ 0 & 1 \\end{pmatrix}}", false],
  ["\\begin{pmatrix} 1/5 \\\\ -18/5 \\end{pmatrix}", "\\boxed{\\begin{pmatrix} 0.2 \\\\ -3.6 \\end{pmatrix}}", true],
  ["\\begin{pmatrix} -7 \\\\ 16 \\\\ 5 \\end{pmatrix}", "\\boxed{(-7, 16, 5)}", true],
  ["$\\begin{pmatrix}1 & 2 \\\\3 & 4\\end{pmatrix}$", "Special matrix: $ \\left[\\begin{array}{cc}1 & 2 \\\\3 & 4\\end{array}\\right] $", true],
  [
    "$\\begin{pmatrix}6 & 8 \\\\ 10 & 12\\end{pmatrix}$",
    "The sum is $\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} + \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}$",
    true,
  ],
  ["$\\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix}$", "$\\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix} \\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix}$", true],
  ["$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}$", "The matrix is $\\begin{pmatrix}1 & 2 \\\\ 3 & 5\\end{pmatrix}$", false],
  ["$\\begin{pmatrix}-\\frac{7}{4}&-2\\\\4&\\frac{1}{4}\\\\\\end{pmatrix}$", "$\\begin{pmatrix}-\\frac{7}{4}&-2\\\\4&\\frac{1}{4}\\\\\\end{pmatrix}$", true],
  ["$\\begin{pmatrix}\\frac{1}{3\\sqrt[3]{x}^2}&0\\\\0&1\\end{pmatrix}$", "$\\begin{pmatrix}\\frac{1}{3x^{2/3}}&0\\\\0&1\\end{pmatrix}$", true],
]);

table("hedges and several answers", [
  ["3", "\\boxed{3 \\text{ or } 4}", false],
  ["3", "\\boxed{3} or \\boxed{4}", false],
  ["4", "The final answer is 3 or maybe 4.", false],
  ["3", "The final answer is 3 or maybe 4.", true],
  ["3", "\\boxed{3, 4}", false],
  ["3", "\\boxed{\\{3, 4\\}}", false],
  ["5", "\\boxed{\\pm 5}", false],
  ["\\pm 5", "\\boxed{\\pm 5}", true],
  ["\\pm 5", "\\boxed{5, -5}", true],
  ["\\pm 5", "\\boxed{5}", false],
  ["3, 4", "\\boxed{3 \\text{ or } 4}", true],
  ["1,-2", "The integers are \\boxed{-2} and \\boxed{1}.", true],
  ["$\\boxed{1}\\boxed{2}$", "$\\boxed{1,2}$", true],
  ["\\frac{639}{40}", "\\boxed{15\\frac{39}{40} \\text{ or } \\frac{639}{40}}", true],
  ["4", "The answer is 4 4/9.", false],
  ["40/9", "The answer is 4 4/9.", true],
  ["40/9", "11 7/6", false],
  ["40/900", "4 4/9%", true],
  ["40/9", "4 4/9%", false],
]);

table("percent semantics", [
  ["$28\\%$", "28 percent", true],
  ["$28\\%$", "28 pct", true],
  ["$28\\%$", "28 %", true],
  ["$28\\%$", "$28$ %", true],
  ["$28\\%$", "$\\boxed{28}$ pct", true],
  ["$28\\%$", "$\\boxed{28 percentage}", true],
  ["$28\\%$", "28", true],
  ["$0.28$", "28", false],
  ["$28/100$", "28", false],
  ["$28$", "28/100", false],
  ["$\\frac{28}{100}$", "28", false],
]);

table("more model-style answers", [
  ["\\frac{\\sqrt{3}}{2}", "\\boxed{\\dfrac{\\sqrt{3}}{2}}", true],
  ["2", "\\boxed{2.}", true],
  ["\\sqrt{2}", "\\boxed{2^{1/2}}", true],
  ["e", "\\boxed{\\exp(1)}", true],
  ["3", "\\boxed{x=3, y=4}", false],
  ["\\pi", "\\boxed{\\approx 3.14159265}", true],
  ["\\pi", "\\boxed{\\approx 3.14}", false],
  ["\\infty", "\\boxed{+\\infty}", true],
  ["\\text{A}", "\\boxed{A}", true],
  ["\\$1.50", "The answer is 1.5 dollars.", true],
  ["2\\%", "\\boxed{0.02}", true],
  ["1, 2, 3", "\\boxed{1, 2, 3, \\dots}", false],
  ["f(x) = x^2", "\\boxed{x^2}", true],
  ["x^2", "\\boxed{f(x) = x^2}", true],
  ["\\frac{1}{2}", "The probability is 1/2.", true],
  ["120", "The total is 5! = 120.", true],
  ["-\\frac{1}{2}", "\\boxed{\\frac{-1}{2}}", true],
  ["\\frac{1}{4}", "\\boxed{25\\%}", true],
  ["6", "**Answer:** 6", true],
  ["6", "### Final Answer\nThe answer is $6$.", true],
  ["0", "\\boxed{-0}", true],
  ["\\{-1, 1\\}", "\\boxed{x = \\pm 1}", true],
  ["(2,3)", "\\boxed{x=2, y=3}", true],
  ["x \\in (-\\infty, 3)", "\\boxed{x < 3}", false],
  ["\\text{even}", "\\boxed{\\text{Even}}", true],
  ["\\text{even}", "The function is even.", false],
  ["6", "\\boxed{\\text{Area of the triangle} = \\frac12 \\cdot 3 \\cdot 4 = 6}", true],
  ["$(3, \\frac{\\pi}{2})$", "the polar coordinates are $\\\\boxed{\\\\left( 3, \\\\frac{\\\\pi}{2} \\\\right)}.$", true],
  ["$\\\\left( \\\\frac{4}{3}, -\\\\frac{1}{3} \\\\right)$", "Thus, $(t,u) = \\boxed{\\left( \\frac{4}{3}, -\\frac{1}{3} \\right)}.$", true],
  ["$\\\\left( \\\\frac{4}{3}, -\\\\frac{1}{3} \\\\right)$", "Thus, $(t,u) = \\boxed{\\left( \\frac{4}{3}, \\frac{1}{3} \\right)}.$", false],
  ["6", "\\boxed{\\text{Area of the triangle} = \\frac12 \\cdot 3 \\cdot 4 = 7}", false],
]);

describe("verifyMath contract", () => {
  it("resolves to a verdict and never rejects, whatever the input", async () => {
    const weird: unknown[] = [undefined, null, 42, {}, "", "\\boxed{", "}}}}", "$$$$"];
    for (const g of weird) {
      for (const p of weird) {
        const v = await verifyMath(g as string, p as string);
        expect(typeof v.correct).toBe("boolean");
        expect(typeof v.reason).toBe("string");
      }
    }
  });

  it("says why a response has no answer, and what it extracted otherwise", () => {
    expect(verifyMathSync("5", "I do not know.").reason).toBe("no answer found");
    const v = verifyMathSync("5", "so \\boxed{5}");
    expect(v).toMatchObject({ correct: true, extracted: "5", source: "boxed", gold: "5", score: 1 });
    expect(verifyMathSync("", "\\boxed{5}").reason).toBe("gold answer is empty");
  });

  it("reads a plain gold of letters as math: x y is a product, x+iy a complex number (both were 'gold answer is empty')", () => {
    expect(verifyMathSync("x y", "\\boxed{xy}").correct).toBe(true);
    expect(verifyMathSync("x y", "\\boxed{x+y}").correct).toBe(false);
    expect(verifyMathSync("x+iy", "\\boxed{x + iy}").correct).toBe(true);
    expect(verifyMathSync("x+iy", "\\boxed{x - iy}").correct).toBe(false);
    // a gold with a unit word is still its number, and prose is still no gold
    expect(verifyMathSync("5 apples", "\\boxed{5}").correct).toBe(true);
    expect(verifyMathSync("5 apples", "\\boxed{6}").correct).toBe(false);
    expect(verifyMathSync("so it is 5", "\\boxed{5}").gold).toBe("5");
  });

  it("only reads the text after </think> when there is one", () => {
    expect(verifyMathSync("7", "<think>maybe \\boxed{7}</think> The answer is \\boxed{8}").correct).toBe(false);
    expect(verifyMathSync("8", "<think>maybe \\boxed{7}</think> The answer is \\boxed{8}").correct).toBe(true);
  });

  it("mathVerifier checks problem.answer", async () => {
    const problem: Problem = { id: "p1", prompt: "2+2?", answer: "4", verifier: mathVerifier, meta: {} };
    expect(mathVerifier.name).toBe("math");
    expect((await problem.verifier.verify("It is \\boxed{4}.", problem)).correct).toBe(true);
    expect((await problem.verifier.verify("It is \\boxed{5}.", problem)).correct).toBe(false);
  });
});
