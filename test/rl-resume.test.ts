// Resume after `kill -9`: a real `scratchpad train` child process is killed mid-run; the same
// command continues from the last checkpoint, ends at the same step count, and no file is corrupt.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EmbeddedPolicy } from "../src/backends/embedded.js";
import { checkpointStep } from "../src/rl/trainer.js";
import { tempDir, tinyBase } from "./rl-fixtures.js";

const entry = path.resolve("test/rl-cli-entry.ts");

function start(args: string[]): { child: ChildProcess; output: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], { env: { ...process.env, CI: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, done };
}

let base = "";
beforeAll(async () => {
  base = await tinyBase(path.join(await tempDir("resume-base"), "base"), 200);
});

describe("the RL commands as child processes", () => {
  it("train resumes after kill -9 from the last checkpoint, to the same step count, with an intact log", async () => {
    const out = await tempDir("resume-run");
    const args = [
      "train",
      "--model",
      base,
      "--output-dir",
      out,
      "--steps",
      "40",
      "--batch-size",
      "32",
      "--num-generations",
      "4",
      "--max-difficulty",
      "1",
      "--max-completion-length",
      "16",
      "--save-steps",
      "2",
    ];
    const first = start(args);
    const ck = path.join(out, "checkpoint");
    // Kill as soon as a checkpoint at step ≥ 4 exists (well before step 40).
    for (;;) {
      const s = await checkpointStep(ck);
      if (s !== null && s >= 4) break;
      if (first.child.exitCode !== null) throw new Error(`the run ended before it could be killed:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill("SIGKILL");
    await first.done;
    const killedAt = await checkpointStep(ck);
    expect(killedAt).toBeGreaterThanOrEqual(4);
    expect(killedAt).toBeLessThan(40);

    const second = start(args);
    const code = await second.done;
    expect(code, second.output()).toBe(0);
    expect(second.output()).toMatch(new RegExp(`resuming from .*checkpoint at step ${killedAt}`));
    expect(second.output()).toMatch(/trained 40\/40 steps/);
    expect(await checkpointStep(ck)).toBe(40);
    const steps = (await readFile(path.join(out, "metrics.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { step: number }).step);
    expect(steps).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const policy = await EmbeddedPolicy.load(ck);
    const [c] = await policy.generate(["3+4="], { n: 1, maxTokens: 8 });
    expect(typeof c[0].text).toBe("string");
  });

  it("rejects impossible configs with the fix, before training", async () => {
    const bad = start(["train", "--model", base, "--batch-size", "30", "--num-generations", "8"]);
    expect(await bad.done).toBe(1);
    expect(bad.output()).toMatch(/batch_size \(30\) must be a multiple of num_generations \(8\): use batch_size 24 or 32/);
    const unknown = start(["train", "--config", path.resolve("package.json")]);
    expect(await unknown.done).toBe(1);
    expect(unknown.output()).toMatch(/unknown config key "name"/);
  });

  it("scratchpad pretrain writes a loadable base model", async () => {
    const out = path.join(await tempDir("pretrain-cli"), "base");
    const run = start(["pretrain", "--out", out, "--steps", "2", "--batch-size", "4", "--max-digits", "1"]);
    expect(await run.done, run.output()).toBe(0);
    expect(run.output()).toMatch(/pretrain step 2\/2 .*loss/);
    const policy = await EmbeddedPolicy.load(out);
    expect(policy.tokenizer.tokenToId("wait")).toBeDefined();
    const cfg = JSON.parse(await readFile(path.join(out, "training_config.json"), "utf8")) as { corpus: { maxDigits: number } };
    expect(cfg.corpus.maxDigits).toBe(1);
  });
});
