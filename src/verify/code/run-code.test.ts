// Tests of runCode: real programs in the real sandbox, in all three languages and all three test formats.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CodeRequestError } from "./errors.js";
import { runCode } from "./run-code.js";
import type { CodeLanguage, CodeRequest } from "./types.js";

const ADD: Record<CodeLanguage, { ok: string; wrong: string; crash: string; syntax: string }> = {
  python: {
    ok: "def add(a, b):\n    return a + b\n",
    wrong: "def add(a, b):\n    return a - b\n",
    crash: "raise ValueError('boom')\n",
    syntax: "def add(a, b)\n    return a + b\n",
  },
  javascript: {
    ok: "function add(a, b) { return a + b; }\n",
    wrong: "function add(a, b) { return a - b; }\n",
    crash: "throw new Error('boom');\n",
    syntax: "function add(a, b { return a + b; }\n",
  },
  typescript: {
    ok: "function add(a: number, b: number): number { return a + b; }\n",
    wrong: "function add(a: number, b: number): number { return a - b; }\n",
    crash: "const x: number = 1;\nthrow new Error('boom');\n",
    syntax: "function add(a: number, b: number { return a + b; }\n",
  },
};

const ASSERT_TESTS: Record<CodeLanguage, string> = {
  python: "assert add(1, 2) == 3\nassert add(-1, 1) == 0\nassert add(2, 2) == 4\n",
  javascript:
    "const assert = require('node:assert');\nassert.strictEqual(add(1, 2), 3);\nassert.strictEqual(add(-1, 1), 0);\nassert.strictEqual(add(2, 2), 4);\n",
  typescript:
    "declare var require: any;\nconst assert = require('node:assert');\nfunction test() {\n  assert.deepEqual(add(1, 2), 3);\n  assert.deepEqual(add(2, 2), 4);\n}\ntest();\n",
};

const IO_PROGRAM: Record<CodeLanguage, string> = {
  python: "import sys\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n",
  javascript: "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n",
  typescript: "import { readFileSync } from 'fs';\nconst [a, b]: number[] = readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n",
};

const LANGS: CodeLanguage[] = ["python", "javascript", "typescript"];

describe.each(LANGS)("runCode %s", (language) => {
  const p = ADD[language];

  it("assert format: passes a correct program", async () => {
    const r = await runCode({ language, code: p.ok, tests: ASSERT_TESTS[language] });
    expect(r.status, r.message).toBe("passed");
    expect(r.correct).toBe(true);
    expect(r.testsPassed).toBe(1);
  });

  it("assert format: fails a wrong program and names the failing test with its message", async () => {
    const r = await runCode({ language, code: p.wrong, tests: ASSERT_TESTS[language] });
    expect(r.status).toBe("failed");
    expect(r.correct).toBe(false);
    expect(r.failedTest).toMatch(/add\(1, 2\)/);
    expect(r.message).toMatch(/AssertionError/);
    expect(r.message).toMatch(/-1/); // the actual value appears in the message
  });

  it("assert format: a program that throws before the tests is an error", async () => {
    const r = await runCode({ language, code: p.crash, tests: ASSERT_TESTS[language] });
    expect(r.status).toBe("error");
    expect(r.message).toMatch(/boom/);
  });

  it("assert format: a syntax error is an error", async () => {
    const r = await runCode({ language, code: p.syntax, tests: ASSERT_TESTS[language] });
    expect(r.status).toBe("error");
    expect(r.message).toMatch(/syntax|expected/i);
  });

  it("calls format: counts passing cases and reports the first failure", async () => {
    const tests = [
      { fn: "add", args: [1, 2], expected: 3 },
      { fn: "add", args: [0.1, 0.2], expected: 0.3 },
      { fn: "add", args: [5, 5], expected: 11 },
    ];
    const ok = await runCode({ language, code: p.ok, tests: tests.slice(0, 2) });
    expect(ok.status, ok.message).toBe("passed");
    expect(ok.testsPassed).toBe(2);
    const bad = await runCode({ language, code: p.ok, tests, runAllCases: true });
    expect(bad.status).toBe("failed");
    expect(bad.failedTestIndex).toBe(2);
    expect(bad.testsPassed).toBe(2);
    expect(bad.testsTotal).toBe(3);
    expect(bad.message).toMatch(/expected 11, got 10/);
  });

  it("calls format: an exception inside the function fails that case", async () => {
    const r = await runCode({ language, code: p.ok, tests: [{ fn: "missing_fn", args: [], expected: 1 }] });
    expect(r.status).toBe("failed");
    expect(r.message).toMatch(/missing_fn/);
  });

  it("io format: compares stdout per case", async () => {
    const ok = await runCode({
      language,
      code: IO_PROGRAM[language],
      tests: [
        { input: "1 2\n", output: "3\n" },
        { input: "10 -4", output: "6" },
      ],
    });
    expect(ok.status, ok.message + ok.stderr).toBe("passed");
    expect(ok.testsPassed).toBe(2);
    const bad = await runCode({
      language,
      code: IO_PROGRAM[language],
      tests: [
        { input: "1 2", output: "3" },
        { input: "2 2", output: "5" },
      ],
    });
    expect(bad.status).toBe("failed");
    expect(bad.failedTestIndex).toBe(1);
    expect(bad.message).toMatch(/expected "5", got "4"/);
  });
});

describe("runCode harness", () => {
  it("does not let a program pass by exiting before the tests", async () => {
    const py = await runCode({ language: "python", code: "import os\nos._exit(0)\n", tests: "assert False" });
    expect(py.status).toBe("error");
    const py2 = await runCode({ language: "python", code: "import sys\nsys.exit(0)\n", tests: "assert False" });
    expect(py2.status).toBe("error");
    const js = await runCode({ language: "javascript", code: "process.exit(0);", tests: "throw new Error('never')" });
    expect(js.status).toBe("error");
    expect(js.correct).toBe(false);
  });

  it("does not let a Python program pass with an always-equal object", async () => {
    const code = "class Eq:\n    def __eq__(self, other):\n        return True\n\ndef add(a, b):\n    return Eq()\n";
    const r = await runCode({ language: "python", code, tests: "assert add(1, 2) == 3" });
    expect(r.status).toBe("failed");
    expect(r.message).toMatch(/AssertionError: <Eq object of the program> != 3/);
  });

  it("does not let a JavaScript program stub out node:assert", async () => {
    const code = "const a = require('node:assert'); try { a.strictEqual = () => {}; } catch (e) {}\nfunction add(x, y) { return 0; }";
    const r = await runCode({ language: "javascript", code, tests: "const assert = require('node:assert');\nassert.strictEqual(add(1, 2), 3);" });
    expect(r.status).toBe("failed");
  });

  it("keeps the tests out of the sandbox's filesystem", async () => {
    const code = "import os, sys\nfound = os.listdir(os.path.dirname(os.path.abspath(sys.argv[0])))\nprint(found)\ndef f(): return 1\n";
    const r = await runCode({ language: "python", code, tests: "SECRET_TEST_MARKER = 1\nassert f() == 1" });
    expect(r.status).toBe("passed");
    expect(r.stdout).not.toMatch(/test/i);
  });

  it("runs HumanEval-style check(candidate) tests and MBPP-style assert lists", async () => {
    const code = "def incr_list(l: list):\n    return [(e + 1) for e in l]\n";
    const tests = "def check(candidate):\n    assert candidate([]) == []\n    assert candidate([3, 2, 1]) == [4, 3, 2]\n\ncheck(incr_list)\n";
    expect((await runCode({ language: "python", code, tests })).status).toBe("passed");
    const broken = await runCode({ language: "python", code: code.replace("+ 1", "+ 2"), tests });
    expect(broken.status).toBe("failed");
    expect(broken.failedTest).toBe("line 3: assert candidate([3, 2, 1]) == [4, 3, 2]");
    expect(broken.message).toBe("AssertionError: [5, 4, 3] != [4, 3, 2]");
  });

  it("takes Fraction, Decimal, numpy scalars and the truth value of the program's objects as Python would", async () => {
    // Each of these is a right answer that used to fail: the value came back as an opaque proxy.
    const numpy = spawnSync("/usr/bin/python3", ["-c", "import numpy"]).status === 0; // .ci/run installs it (python3-torch)
    const cases: [string, string][] = [
      [
        "from fractions import Fraction\ndef f(x): return Fraction(x, 2)\n",
        "from fractions import Fraction\nassert f(1) == Fraction(1, 2)\nassert f(1) == 0.5\n",
      ],
      ["from decimal import Decimal\ndef f(x): return Decimal(x) / 4\n", "assert f(2) == 0.5\n"],
      ["class Empty:\n    def __bool__(self): return False\ndef f(x): return Empty()\n", "assert not f(1)\n"],
      ...(numpy
        ? ([
            ["import numpy as np\ndef f(x): return np.int64(x) * 2\n", "assert f(1) == 2\n"],
            ["import numpy as np\ndef f(x): return np.bool_(x > 1)\n", "assert not f(1)\nassert f(2)\n"],
          ] as [string, string][])
        : []),
    ];
    for (const [code, tests] of cases) {
      const r = await runCode({ language: "python", code, tests });
      expect(r.status, `${code}: ${r.message}`).toBe("passed");
    }
    const wrong = await runCode({
      language: "python",
      code: "from fractions import Fraction\ndef f(x): return Fraction(x, 3)\n",
      tests: "assert f(1) == 0.5\n",
    });
    expect(wrong.message).toBe("AssertionError: Fraction(1, 3) != 0.5");
  });

  it("treats tuples as lists in calls cases and keeps bool distinct from int", async () => {
    const code = "def f(x):\n    return (x, x)\n\ndef g():\n    return True\n";
    const r = await runCode({
      language: "python",
      code,
      tests: [
        { fn: "f", args: [1], expected: [1, 1] },
        { fn: "g", args: [], expected: 1 },
      ],
      runAllCases: true,
    });
    expect(r.testsPassed).toBe(1);
    expect(r.failedTestIndex).toBe(1);
  });

  it("awaits async functions in JavaScript calls cases and reports async test failures", async () => {
    const ok = await runCode({ language: "javascript", code: "async function f(x) { return x * 2; }", tests: [{ fn: "f", args: [21], expected: 42 }] });
    expect(ok.status, ok.message).toBe("passed");
    const bad = await runCode({
      language: "javascript",
      code: "async function f() { throw new Error('late failure'); }",
      tests: "f();",
    });
    expect(bad.status).toBe("failed");
    expect(bad.message).toMatch(/late failure/);
  });

  it("rejects malformed requests with a CodeRequestError naming the field", async () => {
    await expect(runCode({ language: "ruby", code: "" } as unknown as CodeRequest)).rejects.toThrow(CodeRequestError);
    await expect(runCode({ language: "python", code: "", tests: [{ fn: "f" }] } as unknown as CodeRequest)).rejects.toThrow(/tests\[0\]/);
    await expect(runCode({ language: "python", code: "", limits: { timeoutMs: -1 } })).rejects.toThrow(/limits.timeoutMs/);
    await expect(runCode({ language: "python", code: "", limits: { timeout: 5 } as never })).rejects.toThrow(/unknown limit/);
  });
});

describe("runCode leftovers", () => {
  it("does not wait for the wall-clock limit when a passing program leaves timers or threads running", async () => {
    const js = await runCode({
      language: "javascript",
      code: "setInterval(() => {}, 1000);\nfunction f() { return 1; }",
      tests: "if (f() !== 1) throw new Error('x');",
      limits: { timeoutMs: 30_000 },
    });
    expect(js.status, js.message).toBe("passed");
    expect(js.durationMs).toBeLessThan(20_000);
    const py = await runCode({
      language: "python",
      code: "import threading, time\nthreading.Thread(target=time.sleep, args=(600,)).start()\ndef f(): return 1\n",
      tests: "assert f() == 1",
      limits: { timeoutMs: 30_000 },
    });
    expect(py.status, py.message).toBe("passed");
    expect(py.durationMs).toBeLessThan(20_000);
  });
});

describe("runCode patching guards", () => {
  it("undoes a Python program's patches of builtins and math before the tests run", async () => {
    const code = "import builtins, math\nbuiltins.abs = lambda x: 0\nmath.isclose = lambda *a, **k: True\ndef f():\n    return 1.0\n";
    const a = await runCode({ language: "python", code, tests: "assert abs(f() - 2.0) < 1e-6" });
    expect(a.status).toBe("failed");
    const b = await runCode({ language: "python", code, tests: "import math\nassert math.isclose(f(), 2.0)" });
    expect(b.status).toBe("failed");
  });

  it("keeps a JavaScript program from patching Math", async () => {
    const code = "try { Math.abs = () => 0; } catch (e) {}\nfunction f() { return 1; }";
    const r = await runCode({ language: "javascript", code, tests: "if (!(Math.abs(f() - 2) < 1e-6)) throw new Error('wrong');" });
    expect(r.status).toBe("failed");
  });
});
