// `scratchpad eval --model DIR` takes its task, template and difficulty range from the checkpoint's
// training_config.json (the RL run's min/max difficulty, or the pretraining corpus's digit range),
// unless flags say otherwise; before, it evaluated the main job's model on 1–6 digits, past its
// training range, so the hardest row read 0% for every model.
import { spawn } from "node:child_process";
import { cp, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkpointTask, evalDefaultsFromCheckpoint } from "../src/eval/checkpoint-defaults.js";
import { tempDir } from "./rl-fixtures.js";

const entry = path.resolve("test/rl-cli-entry.ts");

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], { env: { ...process.env, CI: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "",
    stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("evaluation defaults from the checkpoint", () => {
  it("reads an RL run's and a pretraining run's task, template and range", async () => {
    expect(await checkpointTask("models/r1zero")).toMatchObject({ task: "addition", template: "compact", difficulty: "1-5" });
    expect(await checkpointTask("models/base")).toMatchObject({ task: "addition", template: "compact", difficulty: "1-5" });
    expect(await checkpointTask(await tempDir("no-config"))).toBeNull();
  });

  it("fills only what the flags leave unset, and the range only for the trained task", async () => {
    const dir = await tempDir("ck-defaults");
    await writeFile(path.join(dir, "training_config.json"), JSON.stringify({ task: "addition", template: "compact", min_difficulty: 2, max_difficulty: 4 }));
    expect((await evalDefaultsFromCheckpoint(dir, {})).settings).toEqual({ task: "addition", template: "compact", difficulty: "2-4" });
    expect((await evalDefaultsFromCheckpoint(dir, { difficulty: "1-6" })).settings.difficulty).toBe("1-6");
    expect((await evalDefaultsFromCheckpoint(dir, { task: "countdown" })).settings).toEqual({ task: "countdown", template: "compact" });
    const none = await evalDefaultsFromCheckpoint(undefined, { task: "gsm8k" });
    expect(none).toEqual({ settings: { task: "gsm8k" }, note: null });
  });

  it("scratchpad eval --model DIR evaluates on the trained range (a real CLI run)", async () => {
    const dir = path.join(await tempDir("ck-eval"), "model");
    await cp("models/r1zero", dir, { recursive: true });
    const trained = { task: "addition", template: "compact", min_difficulty: 2, max_difficulty: 3 };
    await writeFile(path.join(dir, "training_config.json"), JSON.stringify(trained));
    const r = await cli(["eval", "--model", dir, "--n", "2", "--k", "1", "--max-tokens", "24", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim().split("\n").pop()!) as { task: string; by_difficulty: { difficulty: number }[] };
    expect(report.task).toBe("addition");
    expect(report.by_difficulty.map((d) => d.difficulty)).toEqual([2, 3]);
    expect(r.stderr).toMatch(/eval: task addition, template compact, difficulty 2-3 from .*training_config\.json/);
  });
});
