// Smoke tests of `scratchpad verify code`: the built CLI as a real subprocess, in JSONL and single-program modes,
// with the bubblewrap sandbox and with the rlimits fallback (which must warn once).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "bin/scratchpad.js");

function cli(args: string[], input: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
}

describe("scratchpad verify code", () => {
  let dir: string;
  beforeAll(() => {
    // dist/ is built once per run by vitest's global setup (test/global-setup.ts).
    expect(existsSync(path.join(ROOT, "dist/cli/verify-code.js"))).toBe(true);
    dir = mkdtempSync(path.join(os.tmpdir(), "scratchpad-cli-code-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const lines = [
    JSON.stringify({ language: "python", code: "def f(x):\n    return x * 2\n", tests: "assert f(2) == 4\nassert f(3) == 6" }),
    "this is not json",
    "",
    JSON.stringify({ language: "javascript", code: "function f(x) { return x * 3; }", tests: "require('assert').strictEqual(f(2), 4);" }),
    JSON.stringify({ language: "cobol", code: "x" }),
    JSON.stringify({ id: "ts-1", language: "typescript", code: "const f = (x: number): number => x + 1;", tests: [{ fn: "f", args: [1], expected: 2 }] }),
    JSON.stringify({ language: "python", code: "while True: pass", tests: "", limits: { timeoutMs: 1000 } }),
    JSON.stringify({ language: "python", code: "print(input()[::-1])", tests: [{ input: "abc\n", output: "cba\n" }] }),
  ].join("\n");

  it("--jsonl writes one result per request, in order, with error lines for malformed input", () => {
    const r = cli(["verify", "code", "--jsonl", "--concurrency", "2"], lines + "\n");
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(7);
    expect(out[0]).toMatchObject({ correct: true, status: "passed" });
    expect(out[1]).toMatchObject({ correct: false, status: "error" });
    expect(out[1].error).toMatch(/line 2: not valid JSON/);
    expect(out[2]).toMatchObject({ correct: false, status: "failed" });
    expect(out[2].message).toMatch(/6 !== 4/);
    expect(out[3].error).toMatch(/line 5: .*language/);
    expect(out[4]).toMatchObject({ id: "ts-1", correct: true, status: "passed" });
    expect(out[5]).toMatchObject({ correct: false, status: "timeout" });
    expect(out[6]).toMatchObject({ correct: true, status: "passed", stdout: "cba\n" });
  });

  it("runs one program from files and sets the exit status", () => {
    const code = path.join(dir, "sol.py");
    const tests = path.join(dir, "tests.py");
    writeFileSync(code, "def f(x):\n    return x + 1\n");
    writeFileSync(tests, "assert f(1) == 2\n");
    const ok = cli(["verify", "code", "--language", "python", "--code", code, "--tests", tests], "");
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ correct: true, status: "passed" });
    writeFileSync(tests, "assert f(1) == 3\n");
    const bad = cli(["verify", "code", "--language", "python", "--code", code, "--tests", tests], "");
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ status: "failed", failedTest: "line 1: assert f(1) == 3" });
  });

  it("says once on stderr when the sandbox is weaker, and still runs", () => {
    const r = cli(["verify", "code", "--jsonl"], lines.split("\n").slice(0, 2).join("\n") + "\n", { SCRATCHPAD_SANDBOX: "rlimits" });
    expect(r.status).toBe(0);
    expect(r.stderr.match(/WEAKER than bubblewrap/g)).toHaveLength(1);
    expect(r.stdout.trim().split("\n")).toHaveLength(2);
  });
});
