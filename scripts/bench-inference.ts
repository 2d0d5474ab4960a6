/**
 * Inference benchmarks (BENCHMARKS.md, "Test-time compute" section):
 *  1. server throughput under N concurrent clients (the official openai client in this process
 *     against a `scratchpad serve` process on 127.0.0.1) against offline batch sampling of the
 *     same number of sequences in process (EmbeddedPolicy.generate) — tokens per second; the
 *     continuous batcher alone (submit() in process, no HTTP) is reported too;
 *  2. the strategy layer's overhead: self-consistency over k samples against raw sampling of the
 *     same k samples (same seeds), wall time.
 * One warm-up round, then runs alternate and report medians. Needs `npm run build` (for serve). Usage:
 *   npx tsx scripts/bench-inference.ts [--model DIR] [--clients 32] [--max-tokens 128] [--rounds 3]
 * Without --model it uses a random model of the default bench shape (hidden 128, 4 layers, ctx 256).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import OpenAI from "openai";
import { EmbeddedPolicy } from "../src/backends/embedded.js";
import { loadCheckpoint, saveCheckpoint } from "../src/engine/checkpoint.js";
import { validateConfig } from "../src/engine/config.js";
import { getKernels } from "../src/engine/kernels/index.js";
import { Model } from "../src/engine/model.js";
import { Tokenizer } from "../src/engine/tokenizer.js";
import { ContinuousBatcher } from "../src/serve/batcher.js";
import { compose, selfConsistency } from "../src/scale/strategies.js";
import { getTask } from "../src/tasks/index.js";

function flag(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** This process's CPU seconds so far. */
function ownCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Start `scratchpad serve` on a free port; resolves with its URL, pid and a stop function. */
async function serveProcess(dir: string): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, [path.resolve("bin/scratchpad.js"), "serve", "--model", dir, "--port", "0", "--name", "bench", "--max-slots", "64"]);
  const url = await new Promise<string>((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
      const m = /on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  return { url, pid: child.pid!, stop: () => child.kill("SIGTERM") };
}

async function openModel(): Promise<{ model: Model; tokenizer: Tokenizer; label: string }> {
  const dir = process.argv.includes("--model") ? flag("model", "") : "";
  if (dir) {
    const ck = await loadCheckpoint(dir, { optimizer: false });
    return { model: ck.model, tokenizer: ck.tokenizer, label: dir };
  }
  const tokenizer = Tokenizer.default();
  const config = validateConfig({
    vocab_size: tokenizer.size,
    hidden_size: 128,
    num_hidden_layers: 4,
    num_attention_heads: 4,
    num_key_value_heads: 4,
    intermediate_size: 384,
    max_position_embeddings: 256,
    rms_norm_eps: 1e-5,
  });
  return { model: Model.init(config, 0), tokenizer, label: "random d128 L4 ctx256" };
}

async function main(): Promise<void> {
  const clients = Number(flag("clients", "32"));
  const maxTokens = Number(flag("max-tokens", "128"));
  const rounds = Number(flag("rounds", "3"));
  const k = Number(flag("k", "8"));
  const { model, tokenizer, label } = await openModel();
  const kernels = getKernels();
  const policy = new EmbeddedPolicy(model, tokenizer);
  const prompts = getTask("addition")
    .generate(clients, { difficulty: 4, seed: 1 })
    .map((p) => p.prompt);
  const batcher = new ContinuousBatcher({ model, tokenizer, kernels, maxSlots: Math.max(64, clients) });
  const tmp = await mkdtemp(path.join(tmpdir(), "bench-inference-"));
  await saveCheckpoint(tmp, { model, tokenizer });
  const server = await serveProcess(tmp);
  const client = new OpenAI({ baseURL: server.url, apiKey: "none", maxRetries: 2 });
  // Wall-clock tokens/s, and tokens per CPU-second of the process doing the work (the server's own
  // process for the served run): on a shared, oversubscribed machine the CPU figure is the stable one.
  const offline: number[] = [],
    served: number[] = [],
    direct: number[] = [];
  const offlineCpu: number[] = [],
    servedCpu: number[] = [],
    directCpu: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    let t0 = performance.now();
    let c0 = ownCpu();
    const out = await policy.generate(prompts, { maxTokens, temperature: 1, seed: 100 + r });
    const offTokens = out.flat().reduce((a, c) => a + c.completionTokens, 0);
    const off = [offTokens / ((performance.now() - t0) / 1000), offTokens / (ownCpu() - c0)];
    t0 = performance.now();
    c0 = await cpuSecondsOf(server.pid);
    const res = await Promise.all(
      prompts.map((p, i) => client.completions.create({ model: "bench", prompt: p, max_tokens: maxTokens, temperature: 1, seed: 1000 * r + i })),
    );
    const srvTokens = res.reduce((a, x) => a + (x.usage?.completion_tokens ?? 0), 0);
    const srv = [srvTokens / ((performance.now() - t0) / 1000), srvTokens / ((await cpuSecondsOf(server.pid)) - c0)];
    t0 = performance.now();
    c0 = ownCpu();
    const sub = await Promise.all(prompts.map((p, i) => batcher.submit({ prompt: p, maxTokens, temperature: 1, seed: 1000 * r + i })));
    const subTokens = sub.reduce((a, x) => a + x.completionTokens, 0);
    const dir = [subTokens / ((performance.now() - t0) / 1000), subTokens / (ownCpu() - c0)];
    if (r === 0) continue; // warm-up
    offline.push(off[0]);
    offlineCpu.push(off[1]);
    served.push(srv[0]);
    servedCpu.push(srv[1]);
    direct.push(dir[0]);
    directCpu.push(dir[1]);
  }
  server.stop();
  await rm(tmp, { recursive: true, force: true });
  const sc = compose(policy, selfConsistency({ k }));
  const raw: number[] = [];
  const strat: number[] = [];
  const few = prompts.slice(0, 8);
  for (let r = 0; r <= rounds; r++) {
    let t0 = performance.now();
    await policy.generate(few, { n: k, maxTokens, temperature: 1, seed: 7 + r });
    raw.push(performance.now() - t0);
    t0 = performance.now();
    await sc.generate(few, { maxTokens, temperature: 1, seed: 7 + r });
    if (r > 0) strat.push(performance.now() - t0);
    else raw.pop(); // warm-up
  }
  // The strategy layer alone: the same vote over samples already drawn (a replay of one raw run),
  // so sampling noise on a shared machine does not drown the layer's own cost.
  const drawn = await policy.generate(few, { n: k, maxTokens, temperature: 1, seed: 7 });
  const replay = { name: "replay", generate: () => Promise.resolve(drawn) };
  const voteOnly: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const t0 = performance.now();
    await compose(replay, selfConsistency({ k })).generate(few, { maxTokens });
    if (r > 0) voteOnly.push(performance.now() - t0);
  }
  const result = {
    model: label,
    kernels: kernels.name,
    clients,
    max_tokens: maxTokens,
    rounds,
    offline_tokens_per_s: Math.round(median(offline)),
    server_tokens_per_s: Math.round(median(served)),
    server_vs_offline: Number((median(served) / median(offline)).toFixed(3)),
    batcher_tokens_per_s: Math.round(median(direct)),
    offline_tokens_per_cpu_s: Math.round(median(offlineCpu)),
    server_tokens_per_cpu_s: Math.round(median(servedCpu)),
    batcher_tokens_per_cpu_s: Math.round(median(directCpu)),
    server_vs_offline_cpu: Number((median(servedCpu) / median(offlineCpu)).toFixed(3)),
    batcher_vs_offline: Number((median(direct) / median(offline)).toFixed(3)),
    mean_batch_in_batcher: Number((batcher.stats.slotSteps / Math.max(1, batcher.stats.steps)).toFixed(1)),
    strategy: {
      k,
      prompts: few.length,
      raw_ms: Math.round(median(raw)),
      self_consistency_ms: Math.round(median(strat)),
      overhead_wall: Number((median(strat) / median(raw) - 1).toFixed(4)),
      vote_only_ms: Number(median(voteOnly).toFixed(2)),
      overhead_layer: Number((median(voteOnly) / median(raw)).toFixed(5)),
    },
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
