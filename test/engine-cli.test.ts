// CLI smoke tests of `scratchpad init | logits | sample | tokenize`: the built command (node bin/scratchpad.js)
// run as a subprocess, the way a user runs it, on checkpoints it writes itself.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeLogits } from "../src/app/engine.js";
import { loadCheckpoint } from "../src/engine/checkpoint.js";
import { ensureBuilt, root, runCli, runCommand, type CommandResult } from "./cli-helpers.js";

const torchRef = path.resolve(root, "bench", "torch_ref.py");
const torchMissing = !existsSync(torchRef)
  ? `${torchRef} is missing`
  : spawnSync("/usr/bin/python3", ["-c", "import torch"]).status !== 0
    ? "/usr/bin/python3 cannot import torch (apt-get install python3-torch libopenblas0-pthread)"
    : null;
if (torchMissing) console.warn(`SKIPPED the CLI-vs-PyTorch logits test: ${torchMissing}`);
let dir: string;

const run = runCommand;

/** Run the built CLI. */
function scratchpad(...args: string[]): Promise<CommandResult> {
  return runCli(args);
}

const config = {
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  intermediate_size: 64,
  max_position_embeddings: 96,
  rms_norm_eps: 1e-5,
};

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(path.join(tmpdir(), "engine-cli-"));
  await writeFile(path.join(dir, "config.json"), JSON.stringify(config));
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("scratchpad init / logits / sample", () => {
  it("init writes a Hugging Face checkpoint folder with the default tokenizer", async () => {
    const out = path.join(dir, "m1");
    const r = await scratchpad("init", "--config", path.join(dir, "config.json"), "--seed", "7", "--out", out, "--words", "wait");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote .*m1: 0\.0\d+ M parameters, 2 layers, hidden 32, vocab_size 104 \(tokenizer: 104 tokens\)/);
    expect((await readdir(out)).sort()).toEqual(["config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"]);
    const cfg = JSON.parse(await readFile(path.join(out, "config.json"), "utf8"));
    expect(cfg).toMatchObject({ architectures: ["LlamaForCausalLM"], model_type: "llama", vocab_size: 104, num_key_value_heads: 2, eos_token_id: 2 });
    // same seed, same weights
    const again = await scratchpad("init", "--config", path.join(dir, "config.json"), "--seed", "7", "--out", path.join(dir, "m1b"), "--words", "wait");
    expect(again.status, again.stderr).toBe(0);
    expect(await readFile(path.join(dir, "m1b", "model.safetensors"))).toEqual(await readFile(path.join(out, "model.safetensors")));
  });

  it("init refuses bad input with a clear message", async () => {
    const small = path.join(dir, "small.json");
    await writeFile(small, JSON.stringify({ ...config, vocab_size: 64 }));
    const r1 = await scratchpad("init", "--config", small, "--seed", "1", "--out", path.join(dir, "x"));
    expect(r1.status).toBe(1);
    expect(r1.stderr).toMatch(/small\.json: vocab_size 64 is smaller than the tokenizer's 103 tokens; set vocab_size to at least 103/);
    const r2 = await scratchpad("init", "--config", path.join(dir, "config.json"), "--seed", "1", "--out", path.join(dir, "m1"));
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/m1 exists and is not empty; pass --force to replace it/);
    const r3 = await scratchpad("init", "--config", path.join(dir, "config.json"), "--seed", "x", "--out", path.join(dir, "y"));
    expect(r3.status).not.toBe(0);
    expect(r3.stderr).toMatch(/--seed must be an integer/);
    const bad = path.join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ ...config, num_key_value_heads: 3 }));
    const r4 = await scratchpad("init", "--config", bad, "--seed", "1", "--out", path.join(dir, "z"));
    expect(r4.stderr).toMatch(/bad\.json: config field "num_key_value_heads": 3 does not divide num_attention_heads 4/);
  });

  it("init --corpus builds a small tokenizer from the corpus's characters", async () => {
    const corpus = path.join(dir, "corpus.txt");
    await writeFile(corpus, "12+34=<think>4+2=6 wait 1+3=4</think>46\n");
    const out = path.join(dir, "m2");
    const r = await scratchpad("init", "--config", path.join(dir, "config.json"), "--seed", "1", "--out", out, "--corpus", corpus, "--words", "wait");
    expect(r.status, r.stderr).toBe(0);
    const ck = await loadCheckpoint(out);
    // 6 role tokens + "wait" + the 9 distinct characters outside tags and words: 1 2 3 4 6 + = space newline
    expect(ck.tokenizer.size).toBe(16);
    expect(ck.config.vocab_size).toBe(16);
    expect(ck.tokenizer.unknownChars(await readFile(corpus, "utf8"))).toEqual([]);
  });

  it("logits --json prints one row of vocab_size logits per position, equal to the library's", async () => {
    const m = path.join(dir, "m1");
    const r = await scratchpad("logits", "--model", m, "--tokens", "5,17,3", "--json");
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { tokens: number[]; logits: number[][] };
    expect(out.tokens).toEqual([5, 17, 3]);
    expect(out.logits).toHaveLength(3);
    for (const row of out.logits) expect(row).toHaveLength(104);
    const ck = await loadCheckpoint(m);
    const lib = computeLogits(ck.model, [5, 17, 3]);
    out.logits.forEach((row, t) => row.forEach((x, v) => expect(x).toBe(lib[t][v])));
    // human-readable form: one line per position with the top next tokens
    const h = await scratchpad("logits", "--model", m, "--text", "ab", "--top", "3");
    expect(h.status, h.stderr).toBe(0);
    expect(h.stdout.trim().split("\n")).toHaveLength(2);
    expect(h.stdout).toMatch(/^0\t\d+ "a"\t→ (".*" -?\d+\.\d{3}\s*){3}$/m);
  });

  it.skipIf(torchMissing !== null)("init + logits agree with the PyTorch reference (torch_ref.py) to 1e-4", async () => {
    const m = path.join(dir, "m-torch");
    const init = await scratchpad("init", "--config", path.join(dir, "config.json"), "--seed", "3", "--out", m, "--init-std", "0.3");
    expect(init.status, init.stderr).toBe(0);
    const tokens = "1,40,77,5,12,99,3,60,61,62";
    const ours = JSON.parse((await scratchpad("logits", "--model", m, "--tokens", tokens, "--json")).stdout) as { logits: number[][] };
    const ref = await run("/usr/bin/python3", [torchRef, "logits", "--model", m, "--tokens", tokens]);
    expect(ref.status, ref.stderr).toBe(0);
    const theirs = (JSON.parse(ref.stdout) as { logits: number[][] }).logits;
    expect(theirs).toHaveLength(10);
    let maxDiff = 0;
    theirs.forEach((row, t) => row.forEach((x, v) => (maxDiff = Math.max(maxDiff, Math.abs(x - ours.logits[t][v])))));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it("logits rejects token ids outside the vocabulary and a missing checkpoint", async () => {
    const r = await scratchpad("logits", "--model", path.join(dir, "m1"), "--tokens", "5,104", "--json");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--tokens: "104" is not a token id in \[0, 104\)/);
    const r2 = await scratchpad("logits", "--model", path.join(dir, "nowhere"), "--tokens", "1");
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/nowhere: no such checkpoint folder/);
  });

  it("sample gives n completions, reproducible for a seed, greedy at temperature 0", async () => {
    const m = path.join(dir, "m1");
    const args = ["sample", "--model", m, "--prompt", "12+34=", "-n", "3", "--max-tokens", "12", "--seed", "5", "--json"];
    const a = await scratchpad(...args);
    expect(a.status, a.stderr).toBe(0);
    const out = JSON.parse(a.stdout) as { seed: number; completions: { text: string; tokens: number[]; logprobs: number[]; finish_reason: string }[] };
    expect(out.seed).toBe(5);
    expect(out.completions).toHaveLength(3);
    for (const c of out.completions) {
      expect(c.tokens.length).toBeLessThanOrEqual(12);
      expect(c.logprobs).toHaveLength(c.tokens.length);
      for (const lp of c.logprobs) expect(lp).toBeLessThanOrEqual(0);
      expect(["stop", "length"]).toContain(c.finish_reason);
    }
    expect(new Set(out.completions.map((c) => c.tokens.join(","))).size).toBeGreaterThan(1);
    expect((await scratchpad(...args)).stdout).toBe(a.stdout);
    const greedy = JSON.parse(
      (await scratchpad("sample", "--model", m, "--prompt", "12+34=", "-n", "2", "--temperature", "0", "--max-tokens", "8", "--json")).stdout,
    );
    expect(greedy.completions[0].tokens).toEqual(greedy.completions[1].tokens);
  });

  it("sample --stop cuts the text at the stop string; plain output prints the texts", async () => {
    const m = path.join(dir, "m1");
    const greedy = JSON.parse((await scratchpad("sample", "--model", m, "--prompt", "hi", "--temperature", "0", "--max-tokens", "12", "--json")).stdout);
    const text: string = greedy.completions[0].text;
    expect(text.length).toBeGreaterThan(3);
    const stop = text.slice(2, 4);
    const cut = JSON.parse(
      (await scratchpad("sample", "--model", m, "--prompt", "hi", "--temperature", "0", "--max-tokens", "12", "--stop", stop, "--json")).stdout,
    );
    expect(cut.completions[0].finish_reason).toBe("stop");
    expect(cut.completions[0].text).toBe(text.slice(0, text.indexOf(stop)));
    const plain = await scratchpad("sample", "--model", m, "--prompt", "hi", "-n", "2", "--max-tokens", "5", "--seed", "1");
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^--- sample 1\/2 \((stop|length), \d+ tokens\)\n/);
  });

  it("tokenize encodes text and decodes ids with the checkpoint's tokenizer", async () => {
    const m = path.join(dir, "m1");
    const r = await scratchpad("tokenize", "--model", m, "--text", "1+<think>wait</think>é", "--json");
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ids: number[]; tokens: string[]; text: string };
    expect(out.tokens).toEqual(["1", "+", "<think>", "wait", "</think>", "<unk>"]);
    expect(out.text).toBe("1+<think>wait</think><unk>");
    const back = await scratchpad("tokenize", "--tokenizer", path.join(m, "tokenizer.json"), "--ids", out.ids.join(","));
    expect(back.status, back.stderr).toBe(0);
    expect(back.stdout).toContain('6 tokens; decoded: "1+<think>wait</think><unk>"');
  });

  it("every command has help text", async () => {
    for (const [cmd, flag] of [
      ["init", "--config"],
      ["logits", "--tokens"],
      ["sample", "--temperature"],
      ["tokenize", "--ids"],
    ]) {
      const r = await scratchpad(cmd, "--help");
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(flag);
      expect(r.stdout).toMatch(/Examples?:/);
    }
  });
});
