// Tests of the synthetic corpus: the documents' forms, that answers follow the scratchpad (slips
// included), that hasty addition is exact on short numbers only, and the mix of behaviours.
import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.js";
import { corpusDoc, DEFAULT_CORPUS, hastySum, writeCompletion } from "./corpus.js";

const lsf = (s: string) => Array.from(s).reverse().map(Number);

describe("writeCompletion", () => {
  it("writes a correct column scratchpad when nothing slips", () => {
    const o = { ...DEFAULT_CORPUS, directRate: 0, earlyStopRate: 0, slipRate: 0 };
    const d = writeCompletion("47", "85", new Rng(1), o);
    expect(d.completion).toBe("<think>7+5=12,4+8+1=13</think>132");
    expect(d.correct).toBe(true);
    expect(writeCompletion("9", "931", new Rng(1), o).completion).toBe("<think>9+1=10,3+1=4,9=9</think>940");
  });

  it("a caught slip says wait and corrects itself; an uncaught one carries into the answer", () => {
    const caught = writeCompletion("47", "85", new Rng(3), { ...DEFAULT_CORPUS, directRate: 0, earlyStopRate: 0, slipRate: 1, catchRate: 1 });
    expect(caught.completion).toMatch(/^<think>7\+5=1[13] wait 12,4\+8\+1=1[24] wait 13<\/think>132$/);
    expect(caught.correct).toBe(true);
    const missed = writeCompletion("47", "85", new Rng(3), { ...DEFAULT_CORPUS, directRate: 0, earlyStopRate: 0, slipRate: 1, catchRate: 0 });
    const m = /^<think>7\+5=(\d+),4\+8(\+1)?=(\d+)<\/think>(\d+)$/.exec(missed.completion)!;
    expect(m).not.toBeNull();
    // the answer is what the written (wrong) column sums give
    const low = Number(m[1]) % 10,
      high = Number(m[3]);
    expect(m[4]).toBe(`${high}${low}`);
    expect(missed.correct).toBe(false);
  });

  it("a scratchpad cut short answers with its low digits and adds the rest in the head", () => {
    for (let seed = 0; seed < 20; seed++) {
      const d = writeCompletion("123", "456", new Rng(seed), { ...DEFAULT_CORPUS, directRate: 0, earlyStopRate: 1, slipRate: 0 });
      expect(d.kind).toBe("early-stop");
      expect(d.completion).toMatch(/^<think>3\+6=9(,2\+5=7)?<\/think>579$/); // ≤ 2 columns left: exact
    }
  });
});

describe("hastySum", () => {
  it("is exact up to the reliable number of columns and drops carries beyond", () => {
    const rng = new Rng(0);
    expect(hastySum(lsf("99"), lsf("99"), 0, rng, 2, 1)).toBe("198");
    // 3 columns with every carry dropped: 9+1 = 10 writes 0 and forgets the carry, then 9, 9
    expect(hastySum(lsf("999"), lsf("1"), 0, rng, 2, 1)).toBe("990");
    expect(hastySum(lsf("999"), lsf("1"), 0, rng, 2, 0)).toBe("1000");
  });
});

describe("corpusDoc", () => {
  it("is deterministic and mixes every behaviour at every difficulty", () => {
    expect(corpusDoc(0, 17)).toEqual(corpusDoc(0, 17));
    const kinds = new Map<string, number>();
    let directShort = 0,
      directShortOk = 0,
      waits = 0;
    for (let i = 0; i < 3000; i++) {
      const d = corpusDoc(0, i);
      kinds.set(`${d.digits}:${d.kind}`, (kinds.get(`${d.digits}:${d.kind}`) ?? 0) + 1);
      if (d.kind === "direct" && d.digits <= 2) {
        directShort++;
        if (d.correct) directShortOk++;
      }
      if (d.completion.includes(" wait ")) waits++;
      expect(d.prompt).toMatch(/^\d+\+\d+=$/);
    }
    for (let dg = 1; dg <= 5; dg++) {
      expect(kinds.get(`${dg}:direct`)).toBeGreaterThan(0);
      expect(kinds.get(`${dg}:scratchpad`)).toBeGreaterThan(0);
    }
    expect(directShortOk).toBe(directShort); // direct answers are reliable on short numbers
    expect(waits).toBeGreaterThan(50);
  });
});
