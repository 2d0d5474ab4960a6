/**
 * A small seeded pseudo-random number generator (mulberry32) and a seed hash.
 *
 * Task generators must be reproducible across machines and Node versions, so they never use
 * `Math.random()`: every problem draws from an `Rng` seeded from (seed, index, ...) via `hashSeed`.
 * Exported for reuse by other stages (rollout shuffling, subsampling) that need the same property.
 */

/** Mixes any list of strings and numbers into one 32-bit unsigned seed (FNV-1a, then a murmur3 finaliser). */
export function hashSeed(...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === "number" ? `n${part}` : `s${part}`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x7c; // separator, so ("ab","c") and ("a","bc") differ
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A deterministic PRNG (mulberry32): the same seed gives the same stream on every platform. */
export class Rng {
  private state: number;

  /** Seed with any number (it is reduced to 32 bits; non-integers are hashed). */
  constructor(seed: number) {
    this.state = Number.isInteger(seed) ? seed >>> 0 : hashSeed(seed);
  }

  /** A derived generator for a labelled sub-stream; does not advance this one. */
  fork(...labels: ReadonlyArray<string | number>): Rng {
    return new Rng(hashSeed(this.state, ...labels));
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [lo, hi] inclusive (both safe integers, hi - lo < 2^53). */
  int(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new RangeError(`Rng.int: need safe integers lo <= hi, got ${lo}, ${hi}`);
    }
    const span = hi - lo + 1;
    if (span <= 4294967296) return lo + Math.floor(this.next() * span);
    const hiBits = this.nextUint32() * 2097152; // 21 more bits make 53
    const r = hiBits + (this.nextUint32() >>> 11);
    return lo + (r % span);
  }

  /** True with probability p. */
  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Rng.pick: empty array");
    return items[Math.floor(this.next() * items.length)];
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** A decimal string of exactly `n` digits (no leading zero unless n = 1): uniform over that range. */
  digits(n: number): string {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Rng.digits: n must be a positive integer, got ${n}`);
    let s = String(n === 1 ? this.int(0, 9) : this.int(1, 9));
    for (let i = 1; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}
