/** The server's token choice draws exactly what the engine's sampler draws (same seed, same options). */
import { describe, expect, it } from "vitest";
import { XoshiroRng } from "../core/rng.js";
import { sampleToken } from "../engine/sampler.js";
import { TokenChooser } from "./tokenChoice.js";

describe("TokenChooser", () => {
  const V = 40;
  const logits = new Float32Array(V).map((_, i) => Math.sin(i * 1.7) * 3);

  it("matches the engine's sampleToken with top-k and top-p together", () => {
    const chooser = new TokenChooser(V);
    const a = new XoshiroRng(7),
      b = new XoshiroRng(7);
    const probs = new Float32Array(V),
      order = new Int32Array(V);
    const mine: number[] = [],
      engine: number[] = [];
    for (let i = 0; i < 200; i++) {
      mine.push(chooser.choose(logits, 0, { temperature: 0.8, topK: 10, topP: 0.7 }, a));
      engine.push(sampleToken(logits, 0, V, b, 0.8, 10, 0.7, probs, order));
    }
    expect(mine).toEqual(engine);
    expect(new Set(mine).size).toBeGreaterThan(1); // really sampled, not greedy
  });

  it("is greedy at temperature 0", () => {
    const chooser = new TokenChooser(V);
    const best = logits.indexOf(Math.max(...logits));
    expect(chooser.choose(logits, 0, { temperature: 0 }, new XoshiroRng(1))).toBe(best);
  });
});
