// Shared fixtures of the RL tests: a tiny base model pretrained (for real, in seconds) on the
// synthetic addition corpus, and a temp folder helper.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pretrain } from "../src/pretrain/pretrain.js";
import type { CorpusOptions } from "../src/pretrain/corpus.js";

/** A fresh temp folder. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `scratchpad-${prefix}-`));
}

/** Pretrain a tiny model (hidden 32, 2 layers) on 1-digit additions into `dir`. */
export async function tinyBase(dir: string, steps: number, corpus: Partial<CorpusOptions> = {}): Promise<string> {
  await pretrain({
    out: dir,
    steps,
    batchSize: 32,
    lr: 3e-3,
    warmupSteps: 10,
    seed: 0,
    architecture: { hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 2, intermediate_size: 64, max_position_embeddings: 48 },
    corpus: { maxDigits: 1, ...corpus },
  });
  return dir;
}
