/**
 * The synthetic pretraining corpus of the main job: multi-digit additions written the way a
 * hurried human would, so that the base model starts R1-Zero-style with some reasoning habits and
 * no notion of which one pays.
 *
 * A document is a prompt ("47+85=", the addition task's compact format) and a completion:
 *   - a direct answer:           "132"
 *   - a column scratchpad:       "<think>7+5=12,4+8+1=13</think>132"
 *   - a slip caught with "wait": "<think>7+5=13 wait 12,4+8+1=13</think>132"
 *   - a slip not caught:         "<think>7+5=11,4+8+1=13</think>131"  (the answer follows the slip)
 *   - a scratchpad cut short:    "<think>7+5=12</think>132"  (the rest added in the head)
 * Adding in the head ("hasty" addition) is reliable for short numbers (up to `reliableDigits`
 * columns) and drops carries at random on longer ones; a direct answer is hasty addition of the
 * whole problem, and a scratchpad cut short answers with its computed low digits plus hasty
 * addition of the remaining high columns (with the carry the scratchpad reached). So a direct
 * answer is reliable exactly where the problem is short, each finished column makes the answer
 * more reliable, and a forced end of thinking still yields an answer. Nothing marks which
 * behaviour is right: every behaviour appears at every difficulty with the same odds.
 */
import { Rng } from "../core/rng.js";

/** Knobs of the corpus (defaults in `DEFAULT_CORPUS`). */
export interface CorpusOptions {
  /** Digits of the longer operand: uniform in [minDigits, maxDigits]. */
  minDigits: number;
  maxDigits: number;
  /** Fraction of documents that answer directly. */
  directRate: number;
  /** Fraction of scratchpads (with ≥ 2 columns) that stop early and finish in the head. */
  earlyStopRate: number;
  /** Probability that a column's sum is written wrong (off by one). */
  slipRate: number;
  /** Probability that a slip is caught with "wait" and corrected. */
  catchRate: number;
  /** Hasty addition is exact for up to this many columns. */
  reliableDigits: number;
  /** Beyond that, each carry of hasty addition is dropped with this probability. */
  carryDropRate: number;
}

/** The corpus of the shipped base model. */
export const DEFAULT_CORPUS: Readonly<CorpusOptions> = {
  minDigits: 1,
  maxDigits: 5,
  directRate: 0.4,
  earlyStopRate: 0.2,
  slipRate: 0.15,
  catchRate: 0.5,
  reliableDigits: 2,
  carryDropRate: 0.5,
};

/** What kind of completion a document has. */
export type DocKind = "direct" | "scratchpad" | "early-stop";

/** One document: prompt, completion and what it contains. */
export interface CorpusDoc {
  prompt: string;
  completion: string;
  kind: DocKind;
  /** Digits of the longer operand. */
  digits: number;
  /** Whether the completion's final answer is the true sum. */
  correct: boolean;
  /** Slips written / caught. */
  slips: number;
  caught: number;
}

/** The word a writer uses when catching a slip. */
export const WAIT = "wait";

/** Digits of `s` from the right (least significant first). */
function digitsLsf(s: string): number[] {
  return Array.from(s).reverse().map(Number);
}

/**
 * Hasty addition of columns (least significant first) with an incoming carry: exact when there are
 * at most `reliable` columns, else each carry is dropped with probability `drop`.
 * Returns the digits of the result, most significant first.
 */
export function hastySum(a: number[], b: number[], carryIn: number, rng: Rng, reliable: number, drop: number): string {
  const n = Math.max(a.length, b.length);
  const exact = n <= reliable;
  let carry = carryIn;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = (a[i] ?? 0) + (b[i] ?? 0) + carry;
    out.push(s % 10);
    carry = s >= 10 ? 1 : 0;
    if (carry && !exact && i < n - 1 && rng.next() < drop) carry = 0;
  }
  if (carry) out.push(1);
  const text = out
    .reverse()
    .join("")
    .replace(/^0+(?=.)/, "");
  return text;
}

/** One column's terms as written: "7+5" or "4+8+1". */
function terms(a: number[], b: number[], i: number, carry: number): { text: string; sum: number } {
  const ts: number[] = [];
  if (i < a.length) ts.push(a[i]);
  if (i < b.length) ts.push(b[i]);
  if (carry) ts.push(carry);
  return { text: ts.join("+"), sum: ts.reduce((x, y) => x + y, 0) };
}

/** A wrong column sum, off by one. */
function slipOf(sum: number, rng: Rng): number {
  if (sum === 0) return 1;
  if (sum === 19) return 18;
  return rng.bool() ? sum + 1 : sum - 1;
}

/** Write the completion for a + b (decimal strings) as the corpus writer would. */
export function writeCompletion(aStr: string, bStr: string, rng: Rng, o: CorpusOptions = DEFAULT_CORPUS): Omit<CorpusDoc, "prompt" | "digits"> {
  const a = digitsLsf(aStr),
    b = digitsLsf(bStr);
  const n = Math.max(a.length, b.length);
  const truth = (BigInt(aStr) + BigInt(bStr)).toString();
  if (rng.next() < o.directRate) {
    const ans = hastySum(a, b, 0, rng, o.reliableDigits, o.carryDropRate);
    return { completion: ans, kind: "direct", correct: ans === truth, slips: 0, caught: 0 };
  }
  const stopAfter = n >= 2 && rng.next() < o.earlyStopRate ? rng.int(1, n - 1) : n;
  const steps: string[] = [];
  const low: number[] = [];
  let carry = 0,
    slips = 0,
    caught = 0;
  for (let i = 0; i < stopAfter; i++) {
    const t = terms(a, b, i, carry);
    let written = t.sum;
    let step = `${t.text}=${t.sum}`;
    if (rng.next() < o.slipRate) {
      slips++;
      const wrong = slipOf(t.sum, rng);
      if (rng.next() < o.catchRate) {
        caught++;
        step = `${t.text}=${wrong} ${WAIT} ${t.sum}`;
      } else {
        written = wrong;
        step = `${t.text}=${wrong}`;
      }
    }
    steps.push(step);
    low.push(written % 10);
    carry = written >= 10 ? 1 : 0;
  }
  let answer: string;
  const lowText = low.slice().reverse().join("");
  if (stopAfter < n) {
    const high = hastySum(a.slice(stopAfter), b.slice(stopAfter), carry, rng, o.reliableDigits, o.carryDropRate);
    answer = (high + lowText).replace(/^0+(?=.)/, "");
  } else {
    answer = ((carry ? "1" : "") + lowText).replace(/^0+(?=.)/, "");
  }
  return {
    completion: `<think>${steps.join(",")}</think>${answer}`,
    kind: stopAfter < n ? "early-stop" : "scratchpad",
    correct: answer === truth,
    slips,
    caught,
  };
}

/** A random operand of exactly `d` digits (no leading zero unless d = 1). */
function operand(rng: Rng, d: number): string {
  let s = String(rng.int(d === 1 ? 0 : 1, 9));
  for (let i = 1; i < d; i++) s += String(rng.int(0, 9));
  return s;
}

/**
 * Document `index` of the corpus with `seed`: deterministic in (seed, index, options). Operand sizes
 * follow the addition task: one operand has exactly `digits` digits, the other 1..digits.
 */
export function corpusDoc(seed: number, index: number, o: CorpusOptions = DEFAULT_CORPUS): CorpusDoc {
  const rng = new Rng(seed).fork("corpus", index);
  const d = rng.int(o.minDigits, o.maxDigits);
  const other = rng.int(1, d);
  const [da, db] = rng.bool() ? [d, other] : [other, d];
  const a = operand(rng, da),
    b = operand(rng, db);
  return { prompt: `${a}+${b}=`, digits: d, ...writeCompletion(a, b, rng, o) };
}
