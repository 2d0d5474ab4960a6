/**
 * Digit sums: "digitsum(4821)=" -> "15". Difficulty = digits of the number (1..30).
 */
import { defineGenerator } from "../task-generator.js";
import { defineVerifier, integerCheck } from "../verifiers.js";

/** The digit-sum task generator. */
export const digitSum = defineGenerator({
  name: "digit-sum",
  description: "Add up the decimal digits of a number.",
  difficulty: { min: 1, max: 30, default: 4, meaning: "digits of the number" },
  formats: { compact: "digitsum({n})=", text: "What is the sum of the digits of {n}?" },
  defaultFormat: "compact",
  fields: { n: "the number" },
  answerFormat: "the digit sum as an integer, e.g. 15",
  verifier: defineVerifier("digit-sum", integerCheck),
  make(rng, d) {
    const n = rng.digits(d);
    const digits = [...n].map(Number);
    const sum = digits.reduce((s, v) => s + v, 0);
    return { fields: { n }, answer: String(sum), trace: `${digits.join("+")}=${sum}` };
  },
});
