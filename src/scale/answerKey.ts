/**
 * Answer keys for voting: two samples vote together when their final answers are equivalent, not
 * when their strings are equal (`0.5`, `1/2` and `\frac12` are one vote).
 */

import { canonicalAnswerKey } from "../verify/math/canonical.js";

/** Maps an extracted final answer to the key it votes under (equal keys = equivalent answers). */
export type AnswerKeyFn = (extracted: string) => string;

/**
 * The default key: the math verifier's canonical form, so answers it deems equivalent (`0.5`,
 * `1/2`, `\frac12`; `1,000` and `1000`) vote together.
 */
export const mathAnswerKey: AnswerKeyFn = (extracted) => canonicalAnswerKey(extracted);

/**
 * A conservative normal form used when no math-aware key is supplied: trims, drops `$`, `\boxed{}`,
 * spaces and thousands separators, and writes plain numbers (including simple fractions) in one form.
 */
export function basicAnswerKey(extracted: string): string {
  let s = extracted.trim();
  const boxed = /\\boxed\{(.*)\}/s.exec(s);
  if (boxed) s = boxed[1];
  s = s.replace(/\$/g, "").replace(/\\[,;!]/g, "").replace(/\s+/g, "");
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
  const frac = /^\\d?frac\{?(-?\d+)\}?\{?(\d+)\}?$/.exec(s) ?? /^(-?\d+)\/(\d+)$/.exec(s);
  if (frac && Number(frac[2]) !== 0) return numberKey(Number(frac[1]) / Number(frac[2]));
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return numberKey(Number(s));
  return s;
}

function numberKey(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(12)));
}
