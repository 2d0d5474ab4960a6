/**
 * Modular arithmetic: "(47*35)%11=" -> "7". Difficulty 1..5: a%m; (a+b)%m; (a*b)%m; a^e%m small;
 * a^e%m large (computed by square-and-multiply).
 */
import { defineGenerator } from "../task-generator.js";
import { defineVerifier, integerCheck } from "../verifiers.js";

/** base^exp mod m for non-negative integers (m >= 1). */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n % m;
  let b = base % m;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

/** The modular-arithmetic task generator. */
export const modular = defineGenerator({
  name: "modular",
  description: "Compute a remainder: a mod m, (a+b) mod m, (a*b) mod m or a^e mod m.",
  difficulty: {
    min: 1,
    max: 5,
    default: 2,
    meaning: "1: a%m, 2: (a+b)%m, 3: (a*b)%m, 4: a^e%m (small), 5: a^e%m (3-digit numbers)",
  },
  formats: { compact: "{expr}%{m}=", text: "What is {expr} mod {m}?" },
  defaultFormat: "compact",
  fields: { expr: 'the dividend expression, e.g. "(47*35)" or "7^5"', m: "the modulus" },
  answerFormat: "the remainder, an integer in 0..m-1",
  verifier: defineVerifier("modular", integerCheck),
  make(rng, d) {
    let expr: string;
    let m: number;
    let value: bigint;
    if (d === 1) {
      const a = rng.int(0, 99);
      m = rng.int(2, 9);
      expr = String(a);
      value = BigInt(a % m);
    } else if (d === 2 || d === 3) {
      const a = rng.int(0, 99);
      const b = rng.int(0, 99);
      m = rng.int(2, d === 2 ? 19 : 29);
      expr = d === 2 ? `(${a}+${b})` : `(${a}*${b})`;
      value = BigInt(d === 2 ? (a + b) % m : (a * b) % m);
    } else {
      const a = d === 4 ? rng.int(2, 20) : rng.int(2, 999);
      const e = d === 4 ? rng.int(2, 9) : rng.int(10, 99);
      m = d === 4 ? rng.int(2, 50) : rng.int(2, 999);
      expr = `${a}^${e}`;
      value = modPow(BigInt(a), BigInt(e), BigInt(m));
    }
    return { fields: { expr, m }, answer: value.toString(), meta: { expr, modulus: m } };
  },
});
