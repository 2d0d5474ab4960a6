/**
 * Digit reversal: "rev(4821)=" -> "1284". Difficulty = digits of the number (1..30).
 * A pure copying task: useful as a first step for a tiny model.
 */
import { defineGenerator } from "../task-generator.js";
import { defineVerifier, digitStringCheck } from "../verifiers.js";

/** The reverse task generator. */
export const reverse = defineGenerator({
  name: "reverse",
  description: "Write the digits of a number in reverse order.",
  difficulty: { min: 1, max: 30, default: 4, meaning: "digits of the number" },
  formats: { compact: "rev({n})=", text: "Write the digits of {n} in reverse order." },
  defaultFormat: "compact",
  fields: { n: "the number" },
  answerFormat: "the reversed digits, e.g. 1284 (leading zeros are optional)",
  verifier: defineVerifier("reverse", digitStringCheck),
  make(rng, d) {
    const n = rng.digits(d);
    return { fields: { n }, answer: [...n].reverse().join("") };
  },
});
