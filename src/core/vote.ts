/**
 * Voting over sampled answers: answer keys (two samples vote together when their final answers are
 * equivalent, not when their strings are equal) and the weighted majority vote that scale's
 * self-consistency, the router and eval's maj@k share.
 */

/** Maps an extracted final answer to the key it votes under (equal keys = equivalent answers). */
export type AnswerKeyFn = (extracted: string) => string;

/**
 * A conservative normal form used when no math-aware key is supplied: trims, drops `$`, `\boxed{}`,
 * spaces and thousands separators, and writes plain numbers (including simple fractions) in one form.
 */
export function basicAnswerKey(extracted: string): string {
  let s = extracted.trim();
  const boxed = /\\boxed\{(.*)\}/s.exec(s);
  if (boxed) s = boxed[1];
  s = s
    .replace(/\$/g, "")
    .replace(/\\[,;!]/g, "")
    .replace(/\s+/g, "");
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

/** One sample as the vote sees it: its answer key (null when no answer was found) and whether it is right. */
export interface VotedSample {
  key: string | null;
  /** Whether the sample is right, when known (evaluation); a vote at inference leaves it out. */
  correct?: boolean;
  /** Vote weight (default 1). */
  weight?: number;
}

/** The outcome of a vote: the winning key, its share of the (weighted) votes, and whether it is right (false when unknown). */
export interface VoteResult {
  key: string | null;
  /** Winning weight ÷ total weight of samples with an answer (0 when no sample has one). */
  agreement: number;
  correct: boolean;
  /** Index of the first sample of the winning group (the representative). */
  index: number;
}

/**
 * Majority vote over samples grouped by answer key. Samples without an answer do not vote; ties
 * go to the group that appeared first (a deterministic rule that does not peek at correctness).
 */
export function majorityVote(samples: VotedSample[]): VoteResult {
  const groups = new Map<string, { weight: number; first: number }>();
  let total = 0;
  samples.forEach((s, i) => {
    if (s.key === null) return;
    const w = s.weight ?? 1;
    total += w;
    const g = groups.get(s.key);
    if (g) g.weight += w;
    else groups.set(s.key, { weight: w, first: i });
  });
  let best: { key: string; weight: number; first: number } | null = null;
  for (const [key, g] of groups) {
    if (!best || g.weight > best.weight || (g.weight === best.weight && g.first < best.first)) best = { key, ...g };
  }
  if (!best) return { key: null, agreement: 0, correct: false, index: samples.length > 0 ? 0 : -1 };
  return { key: best.key, agreement: total > 0 ? best.weight / total : 0, correct: samples[best.first].correct === true, index: best.first };
}
