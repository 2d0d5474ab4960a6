// CLI smoke test: `scratchpad tasks list|sample|check` run as a real subprocess on the current sources.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { findRepoRoot } from "./loaders/data-dir.js";

const root = findRepoRoot()!;

/** Run `scratchpad ARGS` from the sources (tsx), as a user would from the built CLI. */
function scratchpad(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const script = 'const m = await import("./src/cli/main.ts"); await m.run(["node", "scratchpad", ...process.argv.slice(1)]);';
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script, ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("scratchpad tasks CLI", () => {
  it("lists tasks and datasets", () => {
    const r = scratchpad("tasks", "list", "--json");
    expect(r.status, r.stderr).toBe(0);
    const { tasks, datasets } = JSON.parse(r.stdout) as { tasks: { name: string }[]; datasets: { name: string }[] };
    expect(tasks.map((t) => t.name)).toEqual(expect.arrayContaining(["addition", "countdown", "sorting", "base-conversion"]));
    expect(tasks.length).toBeGreaterThanOrEqual(8);
    expect(datasets.map((d) => d.name)).toEqual(expect.arrayContaining(["gsm8k", "math500", "humaneval", "mbpp", "humaneval-ts"]));
  });

  it("samples problems as JSON lines, deterministically, and checks a response", () => {
    const args = ["tasks", "sample", "--task", "addition", "--difficulty", "4", "--n", "3", "--seed", "5", "--json", "--template", "compact-think"];
    const a = scratchpad(...args);
    expect(a.status, a.stderr).toBe(0);
    const lines = a.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { prompt: string; answer: string; difficulty: number; rendered: string });
    expect(lines).toHaveLength(3);
    for (const p of lines) {
      expect(p.prompt).toMatch(/^\d+\+\d+=$/);
      expect(p.difficulty).toBe(4);
      expect(p.rendered).toBe(`${p.prompt}<think>`);
      const [x, y] = p.prompt.slice(0, -1).split("+");
      expect(p.answer).toBe(String(Number(x) + Number(y)));
    }
    expect(scratchpad(...args).stdout).toBe(a.stdout);

    const ok = scratchpad(
      "tasks",
      "check",
      "--task",
      "addition",
      "--difficulty",
      "4",
      "--seed",
      "5",
      "--index",
      "1",
      "--response",
      `<think>carry</think>${lines[1].answer}`,
    );
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ correct: true });
    const bad = scratchpad("tasks", "check", "--task", "addition", "--difficulty", "4", "--seed", "5", "--response", "<think></think>1");
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ correct: false, reason: "wrong answer" });
  });

  it("samples a dataset and explains bad input", () => {
    const r = scratchpad("tasks", "sample", "--task", "gsm8k", "--n", "2", "--seed", "1");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^gsm8k\/test\/\d+\n {2}prompt: .+\n {2}answer: \d+/);
    const byId = scratchpad("tasks", "check", "--task", "gsm8k", "--id", "gsm8k/test/0", "--response", "<think>16-3-4=9, 9*2=18</think>\\boxed{18}");
    expect(byId.status, byId.stderr).toBe(0);
    expect(JSON.parse(byId.stdout)).toMatchObject({ id: "gsm8k/test/0", correct: true });
    const bad = scratchpad("tasks", "sample", "--task", "addition", "--difficulty", "99");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/difficulty 99 is outside this task's range: use a number from 1 to 20/);
    const unknown = scratchpad("tasks", "sample", "--task", "chess");
    expect(unknown.stderr).toMatch(/unknown task "chess"; known tasks: addition, .*gsm8k/);
  });
});
