// Tests of code extraction and codeVerifier, including the canonical HumanEval solutions from data/.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../types.js";
import { codeBlocks, extractCode } from "./extract.js";
import { CodePool } from "./pool.js";
import { codeVerifier, createCodeVerifier, withPrefix } from "./verifier.js";

const HUMANEVAL = path.resolve(__dirname, "../../../data/humaneval/HumanEval.jsonl");

function problem(answer: string, meta: Record<string, unknown> = {}): Problem {
  return { id: "t", prompt: "", answer, verifier: codeVerifier, meta };
}

describe("extractCode", () => {
  it("takes the fenced block in the right language after the think block", () => {
    const r = "<think>maybe ```python\nwrong()\n```</think>\nHere:\n```python\ndef f():\n    return 1\n```\nand a usage:\n```\nf()\n```";
    expect(extractCode(r, "python")).toBe("def f():\n    return 1");
  });

  it("prefers the last block that defines the entry point", () => {
    const r = "```python\ndef add(a, b):\n    return a + b\n```\nTest it:\n```python\nprint(add(1, 2))\n```";
    expect(extractCode(r, "python", { entryPoint: "add" })).toBe("def add(a, b):\n    return a + b");
    expect(extractCode(r, "python")).toBe("print(add(1, 2))");
  });

  it("handles js/ts tags, tildes, longer fences and an unclosed final fence", () => {
    expect(extractCode("```ts\nconst x: number = 1;\n```", "typescript")).toBe("const x: number = 1;");
    expect(extractCode("~~~js\nlet a = 1;\n~~~", "javascript")).toBe("let a = 1;");
    expect(extractCode("````python\nx = '```'\n````", "python")).toBe("x = '```'");
    expect(extractCode("```python\ndef f():\n    pass", "python")).toBe("def f():\n    pass");
    expect(codeBlocks("no fences")).toEqual([]);
  });

  it("takes a response without fences as code, and finds none in an empty answer", () => {
    expect(extractCode("def f():\n    return 2\n", "python")).toBe("def f():\n    return 2");
    expect(extractCode("<think>hmm</think>   ", "python")).toBeUndefined();
  });
});

describe("codeVerifier", () => {
  it("scores a correct and a wrong response to an assert-style problem", async () => {
    const p = problem("assert square(3) == 9\nassert square(-2) == 4\n", { entryPoint: "square" });
    const good = await codeVerifier.verify("<think>easy</think>\n```python\ndef square(x):\n    return x * x\n```", p);
    expect(good.correct).toBe(true);
    expect(good.score).toBe(1);
    expect(good.extracted).toBe("def square(x):\n    return x * x");
    const bad = await codeVerifier.verify("```python\ndef square(x):\n    return x + x\n```", p);
    expect(bad.correct).toBe(false);
    expect(bad.reason).toMatch(/failed: AssertionError: 6 != 9/);
    expect(bad.details?.failedTest).toBe("line 1: assert square(3) == 9");
  });

  it("prepends the prompt for body-only completions (HumanEval completion style)", async () => {
    const p = problem("assert double(4) == 8", { entryPoint: "double", codePrefix: "def double(x):\n" });
    const v = await codeVerifier.verify("    return 2 * x\n", p);
    expect(v.correct).toBe(true);
  });

  it("keeps the prompt's imports and helpers when the response rewrites the whole function", async () => {
    const prompt =
      'from typing import List\n\n\ndef is_even(n: int) -> bool:\n    return n % 2 == 0\n\n\ndef evens(xs: List[int]) -> List[int]:\n    """ Keep the even numbers. """\n';
    const p = problem("assert evens([1, 2, 3, 4]) == [2, 4]", { entryPoint: "evens", codePrefix: prompt });
    const v = await codeVerifier.verify("```python\ndef evens(xs: List[int]) -> List[int]:\n    return [x for x in xs if is_even(x)]\n```", p);
    expect(v.correct, v.reason).toBe(true);
    expect(withPrefix("function g() { return 1; }", "// doc\nfunction g() {\n", "g", "javascript")).toBe("function g() { return 1; }");
    expect(withPrefix("function g() {}", "const fs = require('fs');\nfunction g() {\n", "g", "javascript")).toBe("const fs = require('fs');\nfunction g() {}");
  });

  it("gives partial credit on calls cases and runs TypeScript", async () => {
    const p = problem("", {
      language: "typescript",
      testFormat: "calls",
      cases: [
        { fn: "inc", args: [1], expected: 2 },
        { fn: "inc", args: [5], expected: 6 },
        { fn: "inc", args: [-1], expected: 1 },
      ],
    });
    const v = await codeVerifier.verify("```typescript\nfunction inc(x: number): number { return x + 1; }\n```", p);
    expect(v.correct).toBe(false);
    expect(v.score).toBeCloseTo(2 / 3);
  });

  it("never throws: no code, bad language and malformed cases become verdicts", async () => {
    expect((await codeVerifier.verify("", problem("assert True"))).reason).toMatch(/no code/);
    expect((await codeVerifier.verify("x = 1", problem("", { language: "cobol" }))).correct).toBe(false);
    const v = await codeVerifier.verify("x = 1", problem("not json", { testFormat: "io" }));
    expect(v.correct).toBe(false);
    expect(v.reason).toMatch(/verifier error/);
  });

  it.runIf(existsSync(HUMANEVAL))(
    "passes all 164 canonical HumanEval solutions and fails broken ones",
    async () => {
      const rows = readFileSync(HUMANEVAL, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { task_id: string; prompt: string; canonical_solution: string; test: string; entry_point: string });
      expect(rows.length).toBe(164);
      const verifier = createCodeVerifier({ pool: new CodePool(), limits: { timeoutMs: 20_000 } });
      const asProblem = (r: (typeof rows)[number]): Problem => ({
        id: r.task_id,
        prompt: r.prompt,
        answer: `${r.test}\ncheck(${r.entry_point})\n`,
        verifier,
        meta: { entryPoint: r.entry_point, codePrefix: r.prompt },
      });
      const verdicts = await Promise.all(rows.map((r) => verifier.verify("```python\n" + r.prompt + r.canonical_solution + "\n```", asProblem(r))));
      const failures = verdicts.map((v, i) => (v.correct ? null : `${rows[i].task_id}: ${v.reason}`)).filter(Boolean);
      expect(failures).toEqual([]);
      // Broken: the body replaced by `return None` (completion style, prompt prepended by the verifier).
      const broken = await Promise.all(rows.slice(0, 40).map((r) => verifier.verify("    return None\n", asProblem(r))));
      expect(broken.filter((v) => v.correct).map((_v, i) => rows[i].task_id)).toEqual([]);
    },
    600_000,
  );
});
