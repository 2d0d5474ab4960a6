// Code loaders read the real benchmark files and produce Problems the sandboxed code verifier checks.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../types.js";
import { loadHumanEval, loadMbpp, loadMbppTs, loadMultiplE, loadMxevalHumanEvalTs } from "./code.js";

/** Set SCRATCHPAD_FULL_CODE_TESTS=1 to run every canonical solution instead of a seeded sample. */
const FULL = process.env.SCRATCHPAD_FULL_CODE_TESTS === "1";
/** Per-test timeout: the full runs take minutes on two cores. */
const SLOW = FULL ? 1_800_000 : 120_000;

function expectValid(ps: Problem[], language: string): void {
  for (const p of ps) {
    expect(p.id).toBeTruthy();
    expect(p.prompt.length).toBeGreaterThan(20);
    expect(p.answer.length).toBeGreaterThan(10);
    expect(p.verifier.name).toBe("code");
    expect(p.meta.language).toBe(language);
    expect(typeof p.meta.entryPoint).toBe("string");
  }
  expect(new Set(ps.map((p) => p.id)).size).toBe(ps.length);
}

describe("HumanEval loader", () => {
  it(
    "reads 164 problems whose canonical solutions pass and broken ones fail",
    async () => {
      const all = await loadHumanEval();
      expect(all).toHaveLength(164);
      expectValid(all, "python");
      expect(all[0].prompt).toMatch(/^Complete the following Python function\./);
      const sample = FULL ? all : await loadHumanEval({ limit: 6, seed: 11 });
      const results = await Promise.all(
        sample.map(async (p) => {
          const solution = p.meta.canonicalSolution as string;
          const body = solution.slice((p.meta.codePrompt as string).length);
          return [
            p.id,
            (await p.verifier.verify("<think>plan</think>\n```python\n" + solution + "\n```", p)).correct,
            (await p.verifier.verify(body, p)).correct, // completion style: body only
            (await p.verifier.verify("```python\n" + p.meta.codePrompt + "    return None\n```", p)).correct,
          ];
        }),
      );
      for (const r of results) expect(r, String(r[0])).toEqual([r[0], true, true, false]);
    },
    SLOW,
  );

  it("subsamples deterministically and offers the completion style", async () => {
    const a = await loadHumanEval({ limit: 5, seed: 3 });
    const b = await loadHumanEval({ limit: 5, seed: 3 });
    expect(a.map((p) => p.id)).toEqual(b.map((p) => p.id));
    expect(a.map((p) => p.id)).not.toEqual((await loadHumanEval({ limit: 5 })).map((p) => p.id));
    const [c] = await loadHumanEval({ limit: 1, style: "completion" });
    expect(c.prompt).toBe(c.meta.codePrompt);
  });
});

describe("MBPP loader", () => {
  it("splits by task id and finds every entry point", async () => {
    expect(await loadMbpp()).toHaveLength(500);
    expect(await loadMbpp({ split: "train" })).toHaveLength(374);
    expect(await loadMbpp({ split: "validation" })).toHaveLength(90);
    expect(await loadMbpp({ split: "prompt" })).toHaveLength(10);
    const all = await loadMbpp({ split: "all" });
    expect(all).toHaveLength(974);
    expectValid(all, "python");
    for (const p of all) expect(p.answer).toContain(`${p.meta.entryPoint as string}(`);
    await expect(loadMbpp({ split: "dev" })).rejects.toThrow(/unknown split "dev"; use test, prompt, validation, train, all/);
  });

  it(
    "reference solutions pass and wrong ones fail",
    async () => {
      const sample = FULL ? await loadMbpp() : await loadMbpp({ limit: 6, seed: 5 });
      const results = await Promise.all(
        sample.map(async (p) => [
          p.id,
          (await p.verifier.verify("```python\n" + (p.meta.canonicalSolution as string) + "\n```", p)).correct,
          (await p.verifier.verify(`\`\`\`python\ndef ${p.meta.entryPoint as string}(*args):\n    return None\n\`\`\``, p)).correct,
        ]),
      );
      for (const r of results) expect(r, String(r[0])).toEqual([r[0], true, false]);
    },
    SLOW,
  );
});

describe("JavaScript / TypeScript loaders", () => {
  it("MultiPL-E JS and TS: evaluation-only problems whose tests run a written solution", async () => {
    const js = await loadMultiplE("javascript");
    const ts = await loadMultiplE("typescript");
    expect(js).toHaveLength(161);
    expect(ts).toHaveLength(159);
    expectValid(js, "javascript");
    expectValid(ts, "typescript");
    expect(js.every((p) => p.meta.evalOnly === true)).toBe(true);
    const strlenJs = js.find((p) => p.id === "HumanEval_23_strlen")!;
    expect((await strlenJs.verifier.verify("  return string.length;\n}", strlenJs)).correct).toBe(true);
    expect((await strlenJs.verifier.verify("  return 0;\n}", strlenJs)).correct).toBe(false);
    const strlenTs = ts.find((p) => p.id === "HumanEval_23_strlen")!;
    const full = "```typescript\nfunction strlen(string: string): number {\n  return string.length;\n}\n```";
    expect((await strlenTs.verifier.verify(full, strlenTs)).correct).toBe(true);
    expect((await strlenTs.verifier.verify(full.replace("string.length", "1"), strlenTs)).correct).toBe(false);
  });

  it("mxeval HumanEval-TS and MBTSP", async () => {
    const he = await loadMxevalHumanEvalTs();
    const mb = await loadMbppTs();
    expect(he).toHaveLength(161);
    expect(mb).toHaveLength(968);
    expectValid(he, "typescript");
    expectValid(mb, "typescript");
    const strlen = he.find((p) => p.id === "HumanEval_typescript/23")!;
    expect((await strlen.verifier.verify("  return string0.length;\n}", strlen)).correct).toBe(true);
    expect((await strlen.verifier.verify("  return -1;\n}", strlen)).correct).toBe(false);
    const similar = mb.find((p) => p.id === "MBTSP/2")!;
    const body = "  return test_tup1.filter((x) => test_tup2.includes(x)).sort((a, b) => a - b);\n}";
    expect((await similar.verifier.verify(body, similar)).correct).toBe(true);
    expect((await similar.verifier.verify("  return [];\n}", similar)).correct).toBe(false);
  });
});

describe("data folder", () => {
  it("names the missing path and the fix", async () => {
    const empty = mkdtempSync(join(tmpdir(), "scratchpad-data-"));
    await expect(loadHumanEval({ dataDir: empty })).rejects.toThrow(
      new RegExp(`file not found: ${join(empty, "humaneval/HumanEval.jsonl")}.*--data-dir.*SCRATCHPAD_DATA`),
    );
    const saved = process.env.SCRATCHPAD_DATA;
    process.env.SCRATCHPAD_DATA = empty;
    try {
      await expect(loadMbpp()).rejects.toMatchObject({ name: "DatasetNotFoundError", dataset: "mbpp" });
    } finally {
      if (saved === undefined) delete process.env.SCRATCHPAD_DATA;
      else process.env.SCRATCHPAD_DATA = saved;
    }
  });
});
