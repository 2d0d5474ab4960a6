/**
 * Rewrite the Hugging Face side files of checkpoint folders (tokenizer.json, tokenizer_config.json,
 * generation_config.json) as the current checkpoint writer writes them: the BOS post-processor,
 * `add_bos_token`, the chat template, a generation config within the context. model.safetensors,
 * config.json and the training files are not touched, and the engine reads the same tokenizer.
 *
 *   npx tsx scripts/hf-files.ts models/base models/r1zero
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { writeFileAtomic } from "../src/core/atomic.js";
import { contextBoundGenerationConfig, defaultGenerationConfig, type GenerationConfig } from "../src/engine/checkpoint.js";
import { validateConfig } from "../src/engine/config.js";
import { Tokenizer } from "../src/engine/tokenizer.js";

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error("usage: npx tsx scripts/hf-files.ts CHECKPOINT_DIR...");
  process.exit(2);
}
for (const dir of dirs) {
  const config = validateConfig(JSON.parse(await readFile(path.join(dir, "config.json"), "utf8")));
  const tokenizer = await Tokenizer.load(dir);
  const before = JSON.stringify(tokenizer.encode("12+3=<think>wait</think>15"));
  const raw = JSON.parse(await readFile(path.join(dir, "generation_config.json"), "utf8")) as Partial<GenerationConfig>;
  const gen = contextBoundGenerationConfig(defaultGenerationConfig(tokenizer, raw), config);
  await tokenizer.save(dir);
  await writeFileAtomic(path.join(dir, "generation_config.json"), JSON.stringify(gen, null, 2) + "\n");
  const after = JSON.stringify((await Tokenizer.load(dir)).encode("12+3=<think>wait</think>15"));
  if (after !== before) throw new Error(`${dir}: the rewritten tokenizer encodes differently (${before} -> ${after})`);
  console.log(
    `${dir}: tokenizer.json, tokenizer_config.json, generation_config.json rewritten (max_new_tokens ${gen.max_new_tokens}, max_length ${gen.max_length})`,
  );
}
