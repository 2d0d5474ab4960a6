// CLI smoke tests of `scratchpad eval | route | serve`: the built command run as a subprocess on a
// checkpoint the test writes, and a real `scratchpad serve` process that eval and route talk to.
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveCheckpoint } from "../src/engine/checkpoint.js";
import { getTask } from "../src/tasks/index.js";
import { ensureBuilt, runCli, startServe } from "./cli-helpers.js";
import { tinyModel } from "./inference-fixtures.js";

let dir: string;
let model: string;
let server: ChildProcess | undefined;
let url = "";

const run = runCli;
const children: ChildProcess[] = [];

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(path.join(tmpdir(), "inference-cli-"));
  model = path.join(dir, "tiny");
  const { model: m, tokenizer } = tinyModel(3);
  await saveCheckpoint(model, { model: m, tokenizer });
}, 300_000);

afterAll(async () => {
  server?.kill("SIGTERM");
  await rm(dir, { recursive: true, force: true });
});

describe("scratchpad eval / route / serve", () => {
  it("eval --print-prompts prints the prompts, one per line, and exits", async () => {
    const r = await run(["eval", "--print-prompts", "--n", "2", "--difficulty", "1-2", "--seed", "5"]);
    expect(r.status, r.stderr).toBe(0);
    const expected = [1, 2].flatMap((d) =>
      getTask("addition")
        .generate(2, { difficulty: d, seed: 5 })
        .map((p) => p.prompt),
    );
    expect(r.stdout.trimEnd().split("\n")).toEqual(expected);
  });

  it("eval --json prints the fields the RL work reads, and --report writes plots", async () => {
    const report = path.join(dir, "eval.html");
    const r = await run([
      "eval",
      "--model",
      model,
      "--n",
      "2",
      "--k",
      "2",
      "--budgets",
      "0,8",
      "--difficulty",
      "1-2",
      "--max-tokens",
      "24",
      "--seed",
      "1",
      "--json",
      "--report",
      report,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toHaveProperty("pass@1");
    expect(j).toHaveProperty("maj@k");
    expect(j.by_difficulty.map((d: { difficulty: number }) => d.difficulty)).toEqual([1, 2]);
    for (const d of j.by_difficulty) for (const key of ["pass@1", "maj@k", "mean_thinking_tokens"]) expect(typeof d[key]).toBe("number");
    expect(j.budgets.map((b: { budget: number }) => b.budget)).toEqual([0, 8]);
    for (const b of j.budgets) for (const key of ["accuracy", "mean_thinking_tokens"]) expect(typeof b[key]).toBe("number");
    const html = await readFile(report, "utf8");
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });

  it("serve answers OpenAI requests; eval and route run against it", async () => {
    const started = await startServe(["--model", model, "--name", "tiny"], children);
    server = started.child;
    url = started.url;
    const models = (await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] };
    expect(models.data[0].id).toBe("tiny");
    const e = await run(["eval", "--endpoint", url, "--n", "2", "--k", "2", "--difficulty", "1", "--max-tokens", "16", "--json"]);
    expect(e.status, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).policy).toContain(url);
    // the README's command: no --max-tokens, so the default 256 exceeds this model's 160-token
    // context; the client reads max_model_len from /v1/models and asks for what fits (was: 400)
    const readme = await run(["eval", "--endpoint", url, "--budgets", "0,8", "--n", "1", "--k", "2", "--difficulty", "1", "--json"]);
    expect(readme.status, readme.stderr).toBe(0);
    expect(JSON.parse(readme.stdout).budgets.map((b: { budget: number }) => b.budget)).toEqual([0, 8]);
    const r = await run(["route", "--cheap", url, "--strong", model, "--cheap-budget", "0", "--n", "2", "--difficulty", "1-2", "--max-tokens", "16", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const key of ["always_cheap", "always_strong", "router"]) {
      expect(typeof j[key].accuracy).toBe("number");
      expect(typeof j[key].tokens).toBe("number");
    }
    expect(j.sweep.length).toBeGreaterThanOrEqual(2);
    server.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => server!.once("exit", (c) => resolve(c)));
    expect(code).toBe(0);
    server = undefined;
  });

  it("bad input gets one clear line and a non-zero exit", async () => {
    const none = await run(["eval", "--n", "1"]);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/--model DIR .* or --endpoint URL/);
    const strat = await run(["eval", "--model", model, "--strategy", "vote"]);
    expect(strat.stderr).toMatch(/--strategy must be single, majority or best-of-n/);
    const budgets = await run(["eval", "--model", model, "--budgets", "1,x"]);
    expect(budgets.stderr).toMatch(/--budgets takes whole token counts/);
  });
});
