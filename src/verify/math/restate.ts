/**
 * The restated-question guard. An answer that leaves an integral, a limit, a derivative, a sum or a
 * product unevaluated restates the question instead of answering it: asked for ∫₀¹ eˣ dx, the
 * answer `\int_0^1 e^x dx` is "equal" to the gold `e-1`, and a policy that learns to copy the
 * operator out of its prompt is paid for every such problem. Math-Verify evaluates such answers
 * (sympy's `doit`); scratchpad does not pay them unless the gold itself has the same operator, or the
 * caller asks for Math-Verify's behaviour (`evaluate_answer_operators: true`).
 */

/** The operators an answer must not leave unevaluated, with how to recognise each in LaTeX. */
const OPERATORS: readonly { name: string; pattern: RegExp }[] = [
  { name: "an integral", pattern: /\\(?:i{1,3}nt|oint)(?![a-zA-Z])|∫/ },
  { name: "a limit", pattern: /\\lim(?![a-zA-Z])/ },
  { name: "a sum", pattern: /\\sum(?![a-zA-Z])|∑/ },
  { name: "a product", pattern: /\\prod(?![a-zA-Z])|∏/ },
  {
    name: "a derivative",
    // the operator d/dx applied to what follows (`\frac{d}{dx} x^2`, `\frac{d^2}{dx^2}`), not the
    // notation dy/dx naming a derivative in a labelled answer (`\frac{dy}{dx} = 2x`)
    pattern:
      /\\partial(?![a-zA-Z])|∂|\\[dt]?frac\s*\{\s*(?:d|\\mathrm\s*\{\s*d\s*\}|\\mathrm\s*d|\{\\rm\s+d\})\s*(?:\^\s*\{?\s*\d+\s*\}?\s*)?\}\s*\{\s*(?:d|\\mathrm\s*\{\s*d\s*\}|\\mathrm\s*d|\{\\rm\s+d\})/,
  },
];

/** The `d` of Leibniz notation: `d`, `\mathrm{d}`, `\mathrm d`, `{\rm d}`, `\partial`. */
const LEIBNIZ_D = String.raw`(?:d|\\mathrm\s*\{\s*d\s*\}|\\mathrm\s*d|\{\\rm\s+d\}|\\partial)`;
const LEIBNIZ_NUM = new RegExp(String.raw`^\s*${LEIBNIZ_D}(?![a-zA-Z]{2})`);
const LEIBNIZ_DEN = new RegExp(String.raw`^\s*${LEIBNIZ_D}\s*(?:[a-zA-Z]|\\[a-zA-Z]+)\s*(?:\^\s*\{?\s*\d+\s*\}?\s*)?$`);

/** The brace group starting at `at` (after spaces): its content and the index after it, or null. */
function group(s: string, at: number): { body: string; end: number } | null {
  while (s[at] === " ") at++;
  if (s[at] !== "{") return null;
  for (let i = at + 1, depth = 1; i < s.length; i++) {
    if (s[i] === "{") depth++;
    else if (s[i] === "}" && --depth === 0) return { body: s.slice(at + 1, i), end: i + 1 };
  }
  return null;
}

/**
 * True when `value` has a Leibniz derivative with the function in the numerator (`\frac{d x^2}{dx}`,
 * `\frac{d(x^2)}{dx}`), which the parser evaluates as d/dx applied to it.
 */
function leibnizDerivative(value: string): boolean {
  const re = /\\[dt]?frac(?![a-zA-Z])/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const num = group(value, m.index + m[0].length);
    const den = num && group(value, num.end);
    if (num && den && LEIBNIZ_NUM.test(num.body) && LEIBNIZ_DEN.test(den.body)) return true;
  }
  return false;
}

/**
 * What an answer states as its value: the part after its last `=` outside braces (a labelled answer
 * `\int_0^1 x\,dx = \frac12` answers `\frac12`), else the whole answer. An `=` inside a subscript
 * (`\sum_{k=1}^n`) is inside braces and does not split.
 */
export function statedValue(answer: string): string {
  let depth = 0;
  let last = -1;
  for (let i = 0; i < answer.length; i++) {
    const ch = answer[i];
    if (ch === "{") depth++;
    else if (ch === "}") depth = Math.max(0, depth - 1);
    else if (ch === "=" && depth === 0 && answer[i - 1] !== "\\") last = i;
  }
  return last < 0 ? answer : answer.slice(last + 1);
}

/**
 * The operator (`"an integral"`, `"a limit"`, ...) that `answer` leaves unevaluated in the value it
 * states and `gold` does not contain, or null when there is none.
 */
export function unevaluatedOperator(answer: string, gold: string): string | null {
  const value = statedValue(answer);
  for (const op of OPERATORS) {
    if (op.pattern.test(value) && !op.pattern.test(gold)) return op.name;
  }
  // (d/dx written with the function on the fraction bar: \frac{d x^2}{dx} is the operator applied to x^2)
  if (leibnizDerivative(value) && !leibnizDerivative(gold) && !OPERATORS[4].pattern.test(gold)) return "a derivative";
  return null;
}
