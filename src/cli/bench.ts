/**
 * `scratchpad bench [--json] [--config FILE]`: the engine's speed on a tiny Llama (training and
 * sampling tokens/s, the GEMM ceiling), with the same config fields and output keys as
 * `bench/torch_ref.py bench`, so the two engines can be compared side by side.
 */
import type { Command } from "commander";
import { z } from "zod";
import { addOptions, parseConfigText, resolveCommand } from "../config/index.js";
import { BenchConfigError, resolveBenchConfig, runBench, type BenchResult, type BenchRun } from "../engine/bench.js";
import { readFile } from "node:fs/promises";

/** `scratchpad bench`'s options. */
export const BenchCliSchema = z
  .object({
    json: z.boolean().default(false).meta({ description: "print one JSON object (train_tokens_per_s, gen_tokens_per_s, params, gemm_gflops, ...)" }),
    config: z.string().min(1).optional().meta({
      description:
        "JSON or YAML config: vocab, d_model, n_layers, n_heads, n_kv_heads, d_ff, ctx, train_batch, gen_batch, prompt_len, gen_len, threads, seconds, seed",
      arg: "file",
    }),
  })
  .strict();

/** Options of the bench command (derived from its schema). */
export type BenchCommandOptions = z.input<typeof BenchCliSchema>;

/** Reads a bench config file (JSON or YAML with torch_ref.py's fields); missing fields take the defaults. */
export async function readBenchConfig(file: string | undefined): Promise<unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new BenchConfigError(`--config ${file}: ${(err as Error).message}`);
  }
  return parseConfigText(file, text) ?? {};
}

function fmtRun(r: BenchRun): string {
  return `  threads ${String(r.threads).padStart(2)}: train ${r.train_tokens_per_s.toFixed(0).padStart(8)} tok/s   sample ${r.gen_tokens_per_s.toFixed(0).padStart(8)} tok/s   gemm ${r.gemm_gflops.toFixed(1).padStart(6)} GFLOP/s`;
}

/** The human-readable report of a bench result. */
export function formatBench(r: BenchResult): string {
  const c = r.config;
  const frac = (r.train_tokens_per_s * r.train_flops_per_token) / 1e9 / r.gemm_gflops;
  return [
    `scratchpad bench (${r.kernels} kernels): ${(r.params / 1e6).toFixed(2)} M parameters, d_model ${c.d_model}, ${c.n_layers} layers, ${c.n_heads}/${c.n_kv_heads} heads, d_ff ${c.d_ff}, ctx ${c.ctx}`,
    ...r.runs.map(fmtRun),
    `best: training ${r.train_tokens_per_s.toFixed(0)} tokens/s (batch ${c.train_batch}×${c.ctx}), sampling ${r.gen_tokens_per_s.toFixed(0)} tokens/s (${c.gen_batch} sequences, ${c.prompt_len}+${c.gen_len} tokens), gemm ${r.gemm_gflops.toFixed(1)} GFLOP/s`,
    `training reaches ${(100 * frac).toFixed(1)}% of the GEMM figure (6 × params = ${(r.train_flops_per_token / 1e6).toFixed(2)} MFLOP per token)`,
  ].join("\n");
}

/** Register this subcommand on its parent command. */
export function registerBenchCommand(parent: Command): void {
  const cmd = parent.command("bench").description("measure training and sampling speed (the keys and config fields of torch_ref.py bench)");
  addOptions(cmd, BenchCliSchema).action(async () => {
    const o = resolveCommand<typeof BenchCliSchema>(cmd);
    const raw = await readBenchConfig(o.config);
    resolveBenchConfig(raw); // fail fast, before any measurement
    if (!o.json) process.stderr.write("scratchpad bench: measuring training, sampling and GEMM at each thread setting...\n");
    const result = runBench(raw);
    process.stdout.write(o.json ? JSON.stringify(result) + "\n" : formatBench(result) + "\n");
  });
}
