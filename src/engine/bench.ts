/**
 * The engine benchmark: the same measurements as `bench/torch_ref.py bench` (the PyTorch
 * reference), on the engine's own Model / Trainer / Sampler, so the two can be run side by side.
 *
 * - train_tokens_per_s: forward + backward + AdamW on a fixed random batch of train_batch × ctx
 *   tokens (cross-entropy on every position), repeated for `seconds` after one warm-up step;
 * - gen_tokens_per_s: batched sampling with the KV cache: gen_batch random prompts of prompt_len
 *   tokens, gen_len new tokens each, multinomial sampling at temperature 1;
 * - gemm_gflops: a 512×512×512 fp32 matmul with the engine's kernel (a rough ceiling);
 * - params, train_flops_per_token (6 × params), config, engine, and `runs`: one entry per thread
 *   setting when the config does not name `threads` (the headline figures are the best of them).
 */
import os from "node:os";
import type { Kernels } from "./kernels/types.js";
import { getKernels } from "./kernels/index.js";
import type { ModelConfig } from "./config.js";
import { validateConfig } from "./config.js";
import { Model } from "./model.js";
import { XoshiroRng } from "../core/rng.js";
import { Sampler } from "./sampler.js";
import { Trainer } from "./train.js";
import { ScratchpadError } from "../core/errors.js";

/** The benchmark's configuration: the fields (and defaults) of torch_ref.py's DEFAULT. */
export interface BenchConfig {
  vocab: number;
  d_model: number;
  n_layers: number;
  n_heads: number;
  n_kv_heads: number;
  d_ff: number;
  ctx: number;
  rope_theta: number;
  rms_eps: number;
  tie: boolean;
  train_batch: number;
  gen_batch: number;
  prompt_len: number;
  gen_len: number;
  /** Kernel threads; null tries each setting of `threadSettings()` and reports the best. */
  threads: number | null;
  /** Seconds of timed work per measurement (after a warm-up call). */
  seconds: number;
  seed: number;
}

/** torch_ref.py's DEFAULT: 0.87 M parameters, context 256. */
export const DEFAULT_BENCH_CONFIG: Readonly<BenchConfig> = Object.freeze({
  vocab: 64,
  d_model: 128,
  n_layers: 4,
  n_heads: 4,
  n_kv_heads: 4,
  d_ff: 384,
  ctx: 256,
  rope_theta: 10000.0,
  rms_eps: 1e-5,
  tie: false,
  train_batch: 32,
  gen_batch: 64,
  prompt_len: 32,
  gen_len: 224,
  threads: null,
  seconds: 8.0,
  seed: 0,
});

/** A bad benchmark config: names the field and the fix. */
export class BenchConfigError extends ScratchpadError {
  constructor(message: string) {
    super("bench_config", message);
  }
  override readonly name = "BenchConfigError";
}

/** The figures of one thread setting. */
export interface BenchRun {
  threads: number;
  train_tokens_per_s: number;
  gen_tokens_per_s: number;
  gemm_gflops: number;
}

/** The benchmark's result: the keys of torch_ref.py's output, plus which kernels ran. */
export interface BenchResult extends BenchRun {
  engine: string;
  kernels: string;
  params: number;
  train_flops_per_token: number;
  config: BenchConfig;
  runs: BenchRun[];
}

/**
 * Fills defaults into a partial config (e.g. a parsed --config file) and validates it.
 * @throws BenchConfigError for an unknown field, a wrong type or an inconsistent shape.
 */
export function resolveBenchConfig(raw: unknown = {}): BenchConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new BenchConfigError("the bench config must be a JSON object with fields of torch_ref.py's DEFAULT (vocab, d_model, ...).");
  }
  const known = Object.keys(DEFAULT_BENCH_CONFIG);
  for (const k of Object.keys(raw)) {
    if (!known.includes(k)) throw new BenchConfigError(`unknown bench config field "${k}"; the fields are: ${known.join(", ")}.`);
  }
  const c = { ...DEFAULT_BENCH_CONFIG, ...(raw as Partial<BenchConfig>) };
  const ints: (keyof BenchConfig)[] = [
    "vocab",
    "d_model",
    "n_layers",
    "n_heads",
    "n_kv_heads",
    "d_ff",
    "ctx",
    "train_batch",
    "gen_batch",
    "prompt_len",
    "gen_len",
  ];
  for (const k of ints) {
    const v = c[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
      throw new BenchConfigError(`bench config field "${k}" must be a positive integer, got ${JSON.stringify(v)}.`);
  }
  if (c.threads !== null && !(Number.isInteger(c.threads) && c.threads > 0)) {
    throw new BenchConfigError(`bench config field "threads" must be a positive integer or null (try every setting), got ${JSON.stringify(c.threads)}.`);
  }
  if (typeof c.seconds !== "number" || !(c.seconds > 0))
    throw new BenchConfigError(`bench config field "seconds" must be a positive number, got ${JSON.stringify(c.seconds)}.`);
  if (typeof c.tie !== "boolean") throw new BenchConfigError(`bench config field "tie" must be true or false, got ${JSON.stringify(c.tie)}.`);
  if (!Number.isInteger(c.seed)) throw new BenchConfigError(`bench config field "seed" must be an integer, got ${JSON.stringify(c.seed)}.`);
  if (c.prompt_len + c.gen_len > c.ctx) {
    throw new BenchConfigError(`prompt_len + gen_len = ${c.prompt_len + c.gen_len} exceeds ctx = ${c.ctx}; lower gen_len or raise ctx.`);
  }
  modelConfig(c); // shape checks (heads divide d_model, even head size, kv heads divide heads)
  return c;
}

/** The engine's ModelConfig (Hugging Face LlamaConfig fields) of a bench config. */
export function modelConfig(c: BenchConfig): ModelConfig {
  try {
    return validateConfig({
      vocab_size: c.vocab,
      hidden_size: c.d_model,
      num_hidden_layers: c.n_layers,
      num_attention_heads: c.n_heads,
      num_key_value_heads: c.n_kv_heads,
      intermediate_size: c.d_ff,
      max_position_embeddings: c.ctx,
      rms_norm_eps: c.rms_eps,
      rope_theta: c.rope_theta,
      tie_word_embeddings: c.tie,
    });
  } catch (err) {
    throw new BenchConfigError(`the bench config does not give a valid model: ${(err as Error).message}`);
  }
}

/** Kernels whose thread pool can be sized (the native ones). */
interface Threaded {
  setThreads(n: number): void;
  getThreads(): number;
}

function threaded(k: Kernels): Threaded | null {
  const t = k as Partial<Threaded>;
  return typeof t.setThreads === "function" && typeof t.getThreads === "function" ? (t as Threaded) : null;
}

/** The thread settings tried when the config leaves `threads` out: 1, and every core (deduplicated). */
export function threadSettings(): number[] {
  const n = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return [...new Set([1, Math.max(1, n)])];
}

/** Calls fn once (warm-up), then repeatedly for `seconds`; returns (calls, elapsed seconds). */
function timed(fn: () => void, seconds: number): { n: number; dt: number } {
  fn();
  const t0 = performance.now();
  let n = 0,
    dt = 0;
  do {
    fn();
    n++;
    dt = (performance.now() - t0) / 1000;
  } while (dt < seconds);
  return { n, dt };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Measures one thread setting (the caller has already set the kernels' threads). */
function measure(c: BenchConfig, K: Kernels, threads: number): BenchRun {
  const cfg = modelConfig(c);
  const model = Model.init(cfg, c.seed);
  const rng = new XoshiroRng(c.seed, 0xbe7c);
  const B = c.train_batch,
    T = c.ctx;
  // Random batch of B sequences of T + 1 tokens: predict tokens 1..T from 0..T-1 (every position counts).
  const seqs = Array.from({ length: B }, () => {
    const toks = Array.from({ length: T + 1 }, () => Math.floor(rng.next() * c.vocab));
    return { prompt: toks.slice(0, 1), completion: toks.slice(1) };
  });
  const trainer = new Trainer(model, { kernels: K, optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 } });
  const train = timed(() => {
    trainer.crossEntropy(seqs);
    trainer.step({ lr: 1e-3 });
  }, c.seconds);

  const sampler = new Sampler(model, K);
  const prompts = Array.from({ length: c.gen_batch }, () => Array.from({ length: c.prompt_len }, () => Math.floor(rng.next() * c.vocab)));
  let genTokens = 0;
  const gen = timed(() => {
    const res = sampler.generate(prompts, { maxNewTokens: c.gen_len, temperature: 1, seed: c.seed });
    genTokens = res.reduce((s, r) => s + r.tokens.length, 0);
  }, c.seconds);

  const S = 512;
  const x = new Float32Array(S * S).map(() => rng.normal());
  const w = new Float32Array(S * S).map(() => rng.normal());
  const y = new Float32Array(S * S);
  const gemm = timed(() => K.matmul(y, x, w, S, S, S, false), Math.min(1.5, c.seconds));
  return {
    threads,
    train_tokens_per_s: round1((train.n * B * T) / train.dt),
    gen_tokens_per_s: round1((gen.n * genTokens) / gen.dt),
    gemm_gflops: round1((2 * S ** 3 * gemm.n) / gemm.dt / 1e9),
  };
}

/** Options of `runBench`. */
export interface BenchOptions {
  /** Kernels to measure (default `getKernels()`: native when built). */
  kernels?: Kernels;
  /** Called after each thread setting's run (progress for the CLI). */
  onRun?: (run: BenchRun) => void;
}

/**
 * Runs the benchmark: every thread setting (or the config's `threads`) in turn, in this process;
 * the headline figures are the best of the runs, as torch_ref.py reports them.
 * @throws BenchConfigError for a bad config.
 */
export function runBench(raw: unknown = {}, opts: BenchOptions = {}): BenchResult {
  const c = resolveBenchConfig(raw);
  const K = opts.kernels ?? getKernels();
  const pool = threaded(K);
  const settings = pool ? (c.threads !== null ? [c.threads] : threadSettings()) : [1];
  const before = pool?.getThreads();
  const runs: BenchRun[] = [];
  try {
    for (const t of settings) {
      pool?.setThreads(t);
      const r = measure(c, K, t);
      runs.push(r);
      opts.onRun?.(r);
    }
  } finally {
    if (pool && before !== undefined) pool.setThreads(before);
  }
  const params = new Model(modelConfig(c)).numParams;
  const best = (key: keyof BenchRun): number => Math.max(...runs.map((r) => r[key]));
  const top = runs.reduce((a, r) => (r.train_tokens_per_s > a.train_tokens_per_s ? r : a));
  return {
    engine: `scratchpad-${K.name}`,
    kernels: K.name,
    params,
    config: c,
    threads: top.threads,
    train_tokens_per_s: best("train_tokens_per_s"),
    gen_tokens_per_s: best("gen_tokens_per_s"),
    gemm_gflops: best("gemm_gflops"),
    train_flops_per_token: 6 * params,
    runs,
  };
}
