/**
 * Base conversion: "45_10>2=" -> "101101" (and, with `direction`, from a base back to decimal:
 * "101101_2>10=" -> "45"). Difficulty = decimal digits of the number (1..8). Digits above 9 are
 * lowercase letters; the verifier ignores case and leading zeros.
 */
import { InvalidTaskOptionError } from "../errors.js";
import { defineGenerator } from "../task-generator.js";
import { defineVerifier, digitStringCheck } from "../verifiers.js";

/** Parse a "2,3,8" or "2-9" list of bases (each 2..36). */
export function parseBases(text: string): number[] {
  const s = text.trim();
  const range = /^(\d+)-(\d+)$/.exec(s);
  const bases = range
    ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => Number(range[1]) + i)
    : s.split(",").map((b) => Number(b.trim()));
  if (bases.length === 0 || bases.some((b) => !Number.isInteger(b) || b < 2 || b > 36)) {
    throw new InvalidTaskOptionError(`task base-conversion: bases must be like "2-9" or "2,8,16" with each base in 2..36, got "${text}"`);
  }
  return bases;
}

/** The base-conversion task generator. */
export const baseConversion = defineGenerator({
  name: "base-conversion",
  description: "Convert a number between base 10 and another base.",
  difficulty: { min: 1, max: 8, default: 2, meaning: "decimal digits of the number" },
  formats: { compact: "{value}_{from}>{to}=", text: "Convert {value} from base {from} to base {to}." },
  defaultFormat: "compact",
  fields: { value: "the number written in the source base", from: "source base", to: "target base" },
  answerFormat: "the number in the target base, e.g. 101101 (digits above 9 as lowercase letters)",
  params: {
    bases: { default: "2-9", description: 'the other bases, "2-9" or "2,8,16"' },
    direction: { default: "to", description: '"to" (decimal to base b), "from" (base b to decimal) or "both"' },
  },
  checkParams(p) {
    parseBases(String(p.bases));
    if (!["to", "from", "both"].includes(String(p.direction))) {
      throw new InvalidTaskOptionError(`task base-conversion: direction must be "to", "from" or "both", got "${p.direction}"`);
    }
  },
  verifier: defineVerifier("base-conversion", digitStringCheck),
  make(rng, d, params) {
    const base = rng.pick(parseBases(String(params.bases)));
    const n = BigInt(rng.digits(d));
    const dir = params.direction === "both" ? (rng.bool() ? "to" : "from") : String(params.direction);
    const inBase = n.toString(base);
    return dir === "to"
      ? { fields: { value: n.toString(), from: 10, to: base }, answer: inBase, meta: { n: n.toString(), base, direction: "to" } }
      : { fields: { value: inBase, from: base, to: 10 }, answer: n.toString(), meta: { n: n.toString(), base, direction: "from" } };
  },
});
