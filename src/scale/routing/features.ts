/**
 * Prompt features for routers that decide from the query alone (RouteLLM's setting): hashed
 * character n-grams of the prompt plus a few shape features (length, digits, longest and shortest
 * number). Nothing here knows the task, so the same featurizer serves arithmetic, GSM8K or code
 * prompts. (Aligned digit-pair counts, which see carries in a sum, were tried on the main job's
 * models and bought nothing on held-out problems: docs/inference.md, "Routing".)
 */

/** How prompts become feature vectors. Saved with a router so serving featurizes the same way. */
export interface FeaturizerSpec {
  /** Character n-gram orders to hash (default [1, 2, 3]). */
  ngrams: number[];
  /** Hash buckets for the n-grams (default 4096). */
  buckets: number;
  /** Lower-case the prompt first (default true). */
  lowercase: boolean;
}

/** The default featurizer. */
export const DEFAULT_FEATURIZER: FeaturizerSpec = { ngrams: [1, 2, 3], buckets: 4096, lowercase: true };

/** The shape features, in order (their values follow the n-gram buckets). */
export const SHAPE_FEATURES = ["log_chars", "log_words", "digit_share", "longest_number", "shortest_number", "digits", "numbers"] as const;

/** A sparse feature vector: parallel index and value arrays. */
export interface SparseVector {
  index: number[];
  value: number[];
}

/** The number of weights a linear model over `spec` needs (without the bias). */
export function featureDimension(spec: FeaturizerSpec): number {
  return spec.buckets + SHAPE_FEATURES.length;
}

/** FNV-1a, 32 bit: a stable hash so a saved router featurizes the same in any process. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Featurize one prompt: n-gram counts scaled to unit length (so long prompts do not dominate),
 * then the shape features, each scaled to roughly [0, 2].
 */
export function featurize(prompt: string, spec: FeaturizerSpec = DEFAULT_FEATURIZER): SparseVector {
  const text = spec.lowercase ? prompt.toLowerCase() : prompt;
  const counts = new Map<number, number>();
  for (const n of spec.ngrams) {
    for (let i = 0; i + n <= text.length; i++) {
      const b = fnv1a(`${n}\u0000${text.slice(i, i + n)}`) % spec.buckets;
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
  }
  const index = [...counts.keys()].sort((a, b) => a - b);
  const raw = index.map((b) => counts.get(b) ?? 0);
  const norm = Math.sqrt(raw.reduce((a, v) => a + v * v, 0)) || 1;
  const value = raw.map((v) => v / norm);
  const numbers = text.match(/\d+/g) ?? [];
  const digits = numbers.reduce((a, s) => a + s.length, 0);
  const shape = [
    Math.log1p(text.length) / 5,
    Math.log1p(text.split(/\s+/).filter(Boolean).length) / 5,
    text.length > 0 ? digits / text.length : 0,
    numbers.reduce((a, s) => Math.max(a, s.length), 0) / 5,
    numbers.length > 0 ? numbers.reduce((a, s) => Math.min(a, s.length), Infinity) / 5 : 0,
    digits / 10,
    Math.log1p(numbers.length) / 2,
  ];
  shape.forEach((v, i) => {
    index.push(spec.buckets + i);
    value.push(v);
  });
  return { index, value };
}
