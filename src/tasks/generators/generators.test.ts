// Tests shared by every procedural generator: determinism, difficulty, verifier accepts gold / rejects wrong and garbage.
import { describe, expect, it } from "vitest";
import { listTasks } from "../registry.js";
import type { TaskGenerator } from "../task-generator.js";

/** A plausible wrong answer of the same shape as the gold one. */
function wrongAnswer(task: TaskGenerator, gold: string): string {
  if (task.name === "countdown") return gold.replace(/\d+/, (m) => String(Number(m) + 1));
  if (task.name === "sorting") return gold.split(",").reverse().join(",") + ",1";
  if (/^-?\d+$/.test(gold)) return (BigInt(gold) + 1n).toString();
  return gold + "1";
}

const GARBAGE = [
  "",
  "   ",
  "<think>still thinking",
  "<think>x</think>",
  "banana",
  "\u0000\u0001\uffff",
  "9".repeat(200_000),
  "(((((((",
  // shapes that make naive regexes quadratic
  ".".repeat(65_536) + "x",
  "1,".repeat(30_000) + "x",
  "$".repeat(60_000) + "x",
  "the answer is ".repeat(5_000),
  "\\boxed{".repeat(20_000),
];

describe.each(listTasks().map((t) => [t.name, t] as const))("task %s", (_name, task) => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = task.generate(20, { seed: 7 });
    const b = task.generate(20, { seed: 7 });
    expect(a.map((p) => [p.id, p.prompt, p.answer])).toEqual(b.map((p) => [p.id, p.prompt, p.answer]));
    const c = task.generate(20, { seed: 8 });
    expect(c.map((p) => p.prompt)).not.toEqual(a.map((p) => p.prompt));
    expect(new Set(a.map((p) => p.id)).size).toBe(20);
    // prefix property: offset continues the stream
    const tail = task.generate(10, { seed: 7, offset: 10 });
    expect(tail.map((p) => p.prompt)).toEqual(a.slice(10).map((p) => p.prompt));
  });

  it("changes problems with difficulty and records the level", () => {
    const { min, max } = task.difficulty;
    const easy = task.generate(30, { seed: 1, difficulty: min });
    const hard = task.generate(30, { seed: 1, difficulty: max });
    expect(easy.every((p) => p.difficulty === min)).toBe(true);
    expect(hard.every((p) => p.difficulty === max)).toBe(true);
    const avgLen = (ps: { prompt: string; answer: string }[]): number => ps.reduce((s, p) => s + p.prompt.length + p.answer.length, 0) / ps.length;
    expect(avgLen(hard)).toBeGreaterThan(avgLen(easy));
    const mixed = task.generate(200, { seed: 1, difficulty: { min, max } });
    expect(new Set(mixed.map((p) => p.difficulty)).size).toBeGreaterThan(1);
    expect(() => task.generate(1, { difficulty: max + 1 })).toThrow(/outside this task's range/);
  });

  it("verifier accepts the gold answer as a model writes it, rejects wrong answers and garbage", async () => {
    const problems = task.generate(25, { seed: 3, difficulty: { min: task.difficulty.min, max: task.difficulty.max } });
    for (const p of problems) {
      for (const response of [
        `<think>let me work it out</think>${p.answer}`,
        `<think>\nsteps\n</think>\n${p.answer}\n`,
        `<think>a</think> <answer>${p.answer}</answer>`,
        `${p.prompt}${p.answer}`,
        p.answer,
      ]) {
        const v = await p.verifier.verify(response, p);
        expect(v, `${p.id} ${JSON.stringify(response.slice(0, 80))}: ${v.reason}`).toMatchObject({ correct: true, score: 1 });
      }
      const wrong = await p.verifier.verify(`<think>hmm</think>${wrongAnswer(task, p.answer)}`, p);
      expect(wrong.correct, `${p.id}: ${p.answer} vs ${wrongAnswer(task, p.answer)}`).toBe(false);
      // the answer inside the think block does not count
      expect((await p.verifier.verify(`<think>${p.answer}</think>`, p)).correct).toBe(false);
    }
    const t0 = performance.now();
    for (const g of GARBAGE) {
      const v = await problems[0].verifier.verify(g, problems[0]);
      expect(v.correct).toBe(false);
      expect(typeof v.reason).toBe("string");
    }
    expect(performance.now() - t0, "hostile inputs must not hang the verifier").toBeLessThan(3000);
    const notString = await problems[0].verifier.verify(undefined as unknown as string, problems[0]);
    expect(notString).toMatchObject({ correct: false, reason: "response is not a string" });
  });

  it("has a compact default format without letters beyond a few, and a text format", () => {
    expect(task.formats[task.defaultFormat]).toBeDefined();
    const compact = task.generate(5, { seed: 0 });
    for (const p of compact) expect(p.prompt.length).toBeLessThan(80);
    const text = task.generate(1, { seed: 0, format: "text" });
    expect(text[0].prompt).not.toBe(compact[0].prompt);
    expect(text[0].answer).toBe(compact[0].answer);
  });
});

describe("generator options", () => {
  it("keeps problems stable across versions (pinned addition stream for seed 0)", () => {
    const add = listTasks().find((t) => t.name === "addition")!;
    expect(add.generate(3, { seed: 0 }).map((p) => [p.id, p.prompt, p.answer, p.meta.trace])).toEqual([
      ["addition:s0:i0:d3", "658+6=", "664", "8+6=14,5+1=6,6=6"],
      ["addition:s0:i1:d3", "2+251=", "253", "2+1=3,5=5,2=2"],
      ["addition:s0:i2:d3", "270+65=", "335", "0+5=5,7+6=13,2+1=3"],
    ]);
  });

  it("rejects unknown params, bad formats and bad counts with a clear message", () => {
    const add = listTasks().find((t) => t.name === "addition")!;
    expect(() => add.generate(1, { params: { nope: 1 } })).toThrow(/unknown parameter "nope"; known parameters: sameLength/);
    expect(() => add.generate(1, { format: "fancy" })).toThrow(/unknown format "fancy"; use one of compact, text/);
    expect(() => add.generate(1, { format: "{a}+{c}=" })).toThrow(/placeholder \{c\} is unknown/);
    expect(() => add.generate(-1)).toThrow(/n must be an integer/);
    expect(() => add.generate(1, { seed: 1.5 })).toThrow(/seed must be an integer/);
  });

  it("custom formats fill placeholders and keep literal braces", () => {
    const add = listTasks().find((t) => t.name === "addition")!;
    const [p] = add.generate(1, { seed: 2, format: "Q:{a} plus {b} {{ok}}=" });
    const [a, b] = p.meta.operands as string[];
    expect(p.prompt).toBe(`Q:${a} plus ${b} {ok}=`);
    expect(p.meta.format).toBe("custom");
  });

  it("params change the problems and the ids", () => {
    const add = listTasks().find((t) => t.name === "addition")!;
    const same = add.generate(20, { seed: 1, difficulty: 5, params: { sameLength: true } });
    for (const p of same) expect((p.meta.operands as string[]).map((o) => o.length)).toEqual([5, 5]);
    expect(same[0].id).not.toBe(add.generate(1, { seed: 1, difficulty: 5 })[0].id);
  });

  it("a fractional difficulty mixes the neighbouring levels", () => {
    const add = listTasks().find((t) => t.name === "addition")!;
    const ps = add.generate(400, { seed: 1, difficulty: 2.25 });
    const threes = ps.filter((p) => p.difficulty === 3).length;
    expect(ps.every((p) => p.difficulty === 2 || p.difficulty === 3)).toBe(true);
    expect(threes).toBeGreaterThan(60);
    expect(threes).toBeLessThan(140);
  });
});
