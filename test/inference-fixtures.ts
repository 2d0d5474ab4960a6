/**
 * Fixtures for the inference tests: a small randomly initialised engine model with the default
 * tokenizer (real weights, real engine, no training), and a real server on 127.0.0.1 around it.
 */
import { validateConfig } from "../src/engine/config.js";
import { tsKernels } from "../src/engine/kernels/ts.js";
import { Model } from "../src/engine/model.js";
import { Tokenizer } from "../src/engine/tokenizer.js";
import { ContinuousBatcher } from "../src/serve/batcher.js";
import { templateFromString } from "../src/serve/context.js";
import { startServer, type RunningServer, type ServeOptions } from "../src/serve/server.js";

/** A random tiny Llama (2 layers, hidden 32, context 160) and the default tokenizer. */
export function tinyModel(seed = 1, std = 0.3): { model: Model; tokenizer: Tokenizer } {
  const tokenizer = Tokenizer.default();
  const config = validateConfig({
    vocab_size: tokenizer.size,
    hidden_size: 32,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    intermediate_size: 64,
    max_position_embeddings: 160,
    rms_norm_eps: 1e-5,
    tie_word_embeddings: false,
  });
  return { model: Model.init(config, seed, std), tokenizer };
}

/** A served tiny model whose chat template opens the thinking segment ("{prompt}<think>"). */
export async function startTinyServer(opts: Partial<ServeOptions> & { maxSlots?: number } = {}): Promise<RunningServer & { batcher: ContinuousBatcher }> {
  const { model, tokenizer } = tinyModel();
  const batcher = new ContinuousBatcher({ model, tokenizer, kernels: tsKernels, maxSlots: opts.maxSlots ?? 64 });
  const server = await startServer({
    backend: batcher,
    modelName: "tiny",
    port: 0,
    chatTemplate: templateFromString("{prompt}<think>"),
    defaultMaxTokens: 48,
    ...opts,
  });
  // The server does not close the backend it was handed: this fixture created the batcher, so its
  // close() closes both.
  return {
    ...server,
    batcher,
    close: async () => {
      await server.close();
      await batcher.close();
    },
  };
}
