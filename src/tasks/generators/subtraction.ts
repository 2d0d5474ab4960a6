/**
 * Multi-digit subtraction: "132-85=" -> "47". Difficulty = digits of the longer operand (1..20).
 * By default the result is non-negative (the larger operand comes first); `allowNegative` keeps
 * the drawn order, so answers can be negative.
 */
import { defineGenerator } from "../task-generator.js";
import { defineVerifier, integerCheck } from "../verifiers.js";
import { operandDigits } from "./addition.js";

/** The subtraction task generator. */
export const subtraction = defineGenerator({
  name: "subtraction",
  description: "Subtract one non-negative integer from another.",
  difficulty: { min: 1, max: 20, default: 3, meaning: "digits of the longer operand" },
  formats: { compact: "{a}-{b}=", text: "What is {a} - {b}?" },
  defaultFormat: "compact",
  fields: { a: "minuend", b: "subtrahend" },
  answerFormat: "the difference as a plain integer, e.g. 47 (or -47 with allowNegative)",
  params: {
    sameLength: { default: false, description: "both operands have exactly d digits" },
    allowNegative: { default: false, description: "allow a < b (negative answers)" },
  },
  verifier: defineVerifier("subtraction", integerCheck),
  make(rng, d, params) {
    const [da, db] = operandDigits(rng, d, params.sameLength === true);
    let a = rng.digits(da);
    let b = rng.digits(db);
    if (!params.allowNegative && BigInt(a) < BigInt(b)) [a, b] = [b, a];
    return { fields: { a, b }, answer: (BigInt(a) - BigInt(b)).toString(), meta: { operands: [a, b] } };
  },
});
