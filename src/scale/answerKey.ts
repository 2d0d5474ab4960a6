/**
 * The math-aware answer key for voting (it needs the math verifier, so it lives above verify; the
 * key type, `basicAnswerKey` and the vote are in `core/vote.ts`).
 */

import type { AnswerKeyFn } from "../core/vote.js";
import { canonicalAnswerKey } from "../verify/math/canonical.js";

/**
 * The default key: the math verifier's canonical form, so answers it deems equivalent (`0.5`,
 * `1/2`, `\frac12`; `1,000` and `1000`) vote together.
 */
export const mathAnswerKey: AnswerKeyFn = (extracted) => canonicalAnswerKey(extracted);
