/**
 * Multi-digit multiplication: "47*85=" -> "3995". Difficulty = digits of the first operand (1..10);
 * the second has 1..d digits, or exactly `secondDigits` when that parameter is set (> 0).
 */
import { defineGenerator } from "../task-generator.js";
import { InvalidTaskOptionError } from "../errors.js";
import { defineVerifier, integerCheck } from "../verifiers.js";

/** Partial products by the digits of b, then their sum: "47","85" -> "47*5=235,47*80=3760,235+3760=3995". */
export function multiplicationTrace(a: string, b: string): string {
  const parts: string[] = [];
  const products: bigint[] = [];
  for (let i = 0; i < b.length; i++) {
    const digit = b[b.length - 1 - i];
    if (digit === "0" && b.length > 1) continue;
    const factor = digit + "0".repeat(i);
    const p = BigInt(a) * BigInt(factor);
    products.push(p);
    parts.push(`${a}*${factor}=${p}`);
  }
  if (products.length > 1) {
    parts.push(`${products.join("+")}=${products.reduce((s, p) => s + p, 0n)}`);
  }
  return parts.join(",");
}

/** The multiplication task generator. */
export const multiplication = defineGenerator({
  name: "multiplication",
  description: "Multiply two non-negative integers.",
  difficulty: { min: 1, max: 10, default: 2, meaning: "digits of the first operand (the second has 1..d)" },
  formats: { compact: "{a}*{b}=", text: "What is {a} * {b}?" },
  defaultFormat: "compact",
  fields: { a: "first operand", b: "second operand" },
  answerFormat: "the product as a plain integer, e.g. 3995",
  params: {
    secondDigits: { default: 0, description: "digits of the second operand (0: random 1..d)" },
  },
  checkParams(p) {
    const s = p.secondDigits as number;
    if (!Number.isInteger(s) || s < 0 || s > 10) {
      throw new InvalidTaskOptionError(`task multiplication: secondDigits must be an integer from 0 to 10, got ${s}`);
    }
  },
  verifier: defineVerifier("multiplication", integerCheck),
  make(rng, d, params) {
    const second = (params.secondDigits as number) || rng.int(1, d);
    const a = rng.digits(d);
    const b = rng.digits(second);
    return {
      fields: { a, b },
      answer: (BigInt(a) * BigInt(b)).toString(),
      trace: multiplicationTrace(a, b),
      meta: { operands: [a, b] },
    };
  },
});
