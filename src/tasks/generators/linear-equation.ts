/**
 * Linear equations in one unknown with an integer solution: "3x+5=20;x=" -> "5".
 * Difficulty 1..5: x+b=c; ax+b=c (small); ax+b=c with negatives; ax+b=cx+d; the same with larger numbers.
 */
import { InvalidTaskOptionError } from "../errors.js";
import type { Rng } from "../../core/rng.js";
import { defineGenerator } from "../task-generator.js";
import { defineVerifier, integerCheck } from "../verifiers.js";

/** "a*x" written compactly: 1 -> "x", -1 -> "-x", 3 -> "3x". */
function term(a: number, v: string): string {
  return a === 1 ? v : a === -1 ? `-${v}` : `${a}${v}`;
}

/** "3x" + 5 -> "3x+5"; "3x" + -5 -> "3x-5"; + 0 -> "3x". */
function plus(left: string, b: number): string {
  return b === 0 ? left : b > 0 ? `${left}+${b}` : `${left}${b}`;
}

function nonZero(rng: Rng, lo: number, hi: number): number {
  for (;;) {
    const v = rng.int(lo, hi);
    if (v !== 0) return v;
  }
}

interface Equation {
  equation: string;
  x: number;
}

/** One equation at level d (1..5) in variable `v`. */
export function makeEquation(rng: Rng, d: number, v: string): Equation {
  if (d === 1) {
    const x = rng.int(0, 9);
    const b = rng.int(1, 9) * (rng.bool() ? 1 : -1);
    return { equation: `${plus(v, b)}=${x + b}`, x };
  }
  if (d <= 3) {
    const x = d === 2 ? rng.int(0, 9) : rng.int(-12, 12);
    const a = d === 2 ? rng.int(2, 9) : nonZero(rng, -12, 12);
    const b = d === 2 ? rng.int(0, 9) : rng.int(-30, 30);
    return { equation: `${plus(term(a, v), b)}=${a * x + b}`, x };
  }
  const [cmax, xmax, bmax] = d === 4 ? [9, 12, 30] : [25, 50, 200];
  const x = rng.int(-xmax, xmax);
  const a = nonZero(rng, -cmax, cmax);
  let c = nonZero(rng, -cmax, cmax);
  while (c === a) c = nonZero(rng, -cmax, cmax);
  const b = rng.int(-bmax, bmax);
  const dd = a * x + b - c * x;
  return { equation: `${plus(term(a, v), b)}=${plus(term(c, v), dd)}`, x };
}

/** The linear-equation task generator. */
export const linearEquation = defineGenerator({
  name: "linear-equation",
  description: "Solve a linear equation in one unknown (integer solution).",
  difficulty: {
    min: 1,
    max: 5,
    default: 2,
    meaning: "1: x+b=c, 2: ax+b=c (small), 3: with negatives, 4: ax+b=cx+d, 5: the same with larger numbers",
  },
  formats: { compact: "{equation};{var}=", text: "Solve for {var}: {equation}" },
  defaultFormat: "compact",
  fields: { equation: 'the equation, e.g. "3x+5=20"', var: "the unknown's name" },
  answerFormat: 'the integer value of the unknown, e.g. 5 (or "x=5")',
  params: { variable: { default: "x", description: "name of the unknown (one letter)" } },
  checkParams(p) {
    if (!/^[a-z]$/.test(String(p.variable))) {
      throw new InvalidTaskOptionError(`task linear-equation: variable must be one lowercase letter, got ${p.variable}`);
    }
  },
  verifier: defineVerifier("linear-equation", integerCheck),
  make(rng, d, params) {
    const v = String(params.variable);
    const { equation, x } = makeEquation(rng, d, v);
    return { fields: { equation, var: v }, answer: String(x), meta: { equation } };
  },
});
