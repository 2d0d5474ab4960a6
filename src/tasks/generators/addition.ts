/**
 * Multi-digit addition: "47+85=" -> "132". Difficulty = digits of the longer operand (1..20);
 * the other operand has 1..d digits (or exactly d with `sameLength`). Big integers throughout.
 */
import { defineGenerator } from "../task-generator.js";
import { defineVerifier, integerCheck } from "../verifiers.js";
import type { Rng } from "../../core/rng.js";

/** Digit counts of two operands at level d: one has exactly d digits. */
export function operandDigits(rng: Rng, d: number, sameLength: boolean): [number, number] {
  if (sameLength) return [d, d];
  const other = rng.int(1, d);
  return rng.bool() ? [d, other] : [other, d];
}

/** Column-by-column sums from the right, with carries: "47","85" -> "7+5=12,4+8+1=13". */
export function additionTrace(a: string, b: string): string {
  const steps: string[] = [];
  let carry = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const terms: number[] = [];
    if (i < a.length) terms.push(Number(a[a.length - 1 - i]));
    if (i < b.length) terms.push(Number(b[b.length - 1 - i]));
    if (carry) terms.push(carry);
    const sum = terms.reduce((s, t) => s + t, 0);
    steps.push(`${terms.join("+")}=${sum}`);
    carry = sum >= 10 ? 1 : 0;
  }
  return steps.join(",");
}

/** The addition task generator. */
export const addition = defineGenerator({
  name: "addition",
  description: "Add two non-negative integers.",
  difficulty: { min: 1, max: 20, default: 3, meaning: "digits of the longer operand" },
  formats: { compact: "{a}+{b}=", text: "What is {a} + {b}?" },
  defaultFormat: "compact",
  fields: { a: "first operand", b: "second operand" },
  answerFormat: "the sum as a plain integer, e.g. 132",
  params: {
    sameLength: { default: false, description: "both operands have exactly d digits" },
  },
  verifier: defineVerifier("addition", integerCheck),
  make(rng, d, params) {
    const [da, db] = operandDigits(rng, d, params.sameLength === true);
    const a = rng.digits(da);
    const b = rng.digits(db);
    return { fields: { a, b }, answer: (BigInt(a) + BigInt(b)).toString(), trace: additionTrace(a, b), meta: { operands: [a, b] } };
  },
});
