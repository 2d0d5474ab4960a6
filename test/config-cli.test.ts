// The config machinery through the real command line (a child process running the CLI from the
// sources): a YAML recipe with TRL's names is echoed key by key, flags override it, and bad input
// names the key or flag, the file and the fix before anything trains.
import { spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const scratchpad = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "test", "rl-cli-entry.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });

describe("scratchpad train: config files and TRL names on the command line", () => {
  it("echoes each TRL name to its key, then validates the merged settings (flags over the file)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "config-cli-"));
    const recipe = path.join(dir, "recipe.yaml");
    await writeFile(recipe, "model_name_or_path: /nonexistent/model\nmax_steps: 20\nper_device_train_batch_size: 64\nlr_scheduler_type: cosine\n");
    // A flag makes the merged config impossible: nothing is loaded or trained, the error says the fix.
    const r = scratchpad("train", "--config", recipe, "--num-generations", "6", "--output-dir", path.join(dir, "out"));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "note: model_name_or_path → model\nnote: max_steps → steps\nnote: per_device_train_batch_size → batch_size\nnote: lr_scheduler_type → lr_scheduler\n",
    );
    expect(r.stderr).toMatch(/batch_size \(64\) must be a multiple of num_generations \(6\): use batch_size 60 or 66/);
    // With a possible config it gets as far as loading the model the file names.
    const ok = scratchpad("train", "--config", recipe, "--output-dir", path.join(dir, "out"));
    expect(ok.stderr).toMatch(/\/nonexistent\/model: no such checkpoint folder/);
  });

  it("names the flag, the alias as typed, and the file's key", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "config-cli-"));
    expect(scratchpad("train", "--max-steps", "x").stderr).toBe(
      'note: --max-steps → --steps\nscratchpad: --max-steps must be an integer (a whole number) ≥ 1; got "x"\n',
    );
    const bad = path.join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ max_step: 3 }));
    expect(scratchpad("train", "--config", bad).stderr).toBe(
      `scratchpad: unknown config key "max_step" in ${bad}; did you mean "steps"? (\`scratchpad train --help\` lists every key)\n`,
    );
    const neg = path.join(dir, "neg.yml");
    await writeFile(neg, "beta: -1\n");
    expect(scratchpad("train", "--config", neg).stderr).toBe(`scratchpad: "beta" (in ${neg}) must be ≥ 0; got -1\n`);
  });
});
