/**
 * The project's seeded pseudo-random numbers: one module, one seed hash, one set of derived draws
 * (`int`, `pick`, `shuffle`, `normal`, …) over two pinned generator streams.
 *
 * Nothing reproducible uses `Math.random()`. Two streams exist because each is pinned by what was
 * produced with it, and they are different algorithms, so neither can replace the other without
 * changing results:
 * - `Rng` (mulberry32, seeded from one number; `fork` for labelled sub-streams): task problems,
 *   curricula, subsampling, the pretraining corpus, rollout shuffling.
 * - `XoshiroRng` (xoshiro128**, seeded through splitmix32 from one or more integers): the engine's
 *   parameter initialisation and token sampling (a run's model and samples depend on it bit for bit).
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

/** The draws every generator offers, built on its raw 32-bit stream. */
export abstract class SeededRng {
  private spare: number | null = null;

  /** The next 32-bit unsigned integer of the stream. */
  abstract nextUint32(): number;

  /** A float in [0, 1) with 32 random bits. */
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

  /** A standard normal variate (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = this.next();
    while (u <= 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** mulberry32: the same seed gives the same stream on every platform. Task problems are drawn from it. */
export class Rng extends SeededRng {
  private state: number;

  /** Seed with any number (it is reduced to 32 bits; non-integers are hashed). */
  constructor(seed: number) {
    super();
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
}

/** splitmix32 step: spreads a 32-bit seed into well-mixed state words. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** xoshiro128** seeded through splitmix32: the engine's initialisation and sampling stream. */
export class XoshiroRng extends SeededRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds the generator from one or more integers (e.g. a run seed and a sequence index). */
  constructor(...seeds: number[]) {
    super();
    const st = { s: 0x12345678 };
    for (const s of seeds) {
      st.s = (st.s ^ Math.imul((s >>> 0) ^ Math.floor(s / 4294967296), 0x27d4eb2d)) | 0;
      splitmix32(st);
    }
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st) | 1;
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
