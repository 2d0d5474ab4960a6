/**
 * Checkpoints: a folder in the Hugging Face layout, saved atomically, loaded with errors that name
 * the file and what is wrong.
 *
 *   config.json              LlamaConfig fields + architectures ["LlamaForCausalLM"], model_type "llama",
 *                            torch_dtype "float32", bos/eos/pad token ids
 *   model.safetensors        LlamaForCausalLM tensor names, F32 (no lm_head.weight when tied)
 *   tokenizer.json           Hugging Face tokenizer (see tokenizer.ts), + tokenizer_config.json
 *   generation_config.json   bos/eos/pad ids and sampling defaults (temperature, top_p, top_k, max_new_tokens)
 *   optimizer.safetensors    (optional) AdamW moments per parameter: exp_avg.NAME, exp_avg_sq.NAME; step in metadata
 *   training_config.json     (optional) the resolved training config, free-form JSON from the caller
 *   trainer_state.json       (optional) progress for resuming (step, RNG state, metrics...), free-form JSON
 *
 * The whole folder is written into a temp sibling, fsynced, and swapped into place (core/atomic.ts): a
 * crash at any moment leaves the previous checkpoint or the new one, both complete.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { readFolderConsistently, saveFolderAtomic } from "../core/atomic.js";
import { ConfigError, toHuggingFaceConfig, validateConfig, type ModelConfig } from "./config.js";
import { Model, ModelTensorError } from "./model.js";
import type { AdamWState } from "./optim.js";
import { encodeSafetensors, readSafetensors, SafetensorsError, type NamedTensor } from "./safetensors.js";
import { Tokenizer, TokenizerError } from "./tokenizer.js";
import { ScratchpadError } from "../core/errors.js";

/** Hugging Face `generation_config.json` fields used by the sampler (snake_case, as on disk). */
export interface GenerationConfig {
  bos_token_id: number;
  eos_token_id: number;
  pad_token_id: number;
  /** false means greedy decoding. Default true. */
  do_sample: boolean;
  /** Default 1.0. */
  temperature: number;
  /** Nucleus sampling mass; 1.0 disables it. Default 1.0. */
  top_p: number;
  /** Keep only the k most likely tokens; 0 disables it. Default 0. */
  top_k: number;
  /** Default 256; saved checkpoints hold at most max_position_embeddings − 1 (room for BOS). */
  max_new_tokens: number;
  /** Prompt + generated tokens at most (saved as max_position_embeddings: the model's context). */
  max_length?: number;
}

/** What `saveCheckpoint` writes. */
export interface CheckpointContents {
  model: Model;
  tokenizer: Tokenizer;
  /** AdamW state to resume training (moments mirror the model's flat parameter layout). */
  optimizer?: AdamWState;
  /** The resolved training config, saved as training_config.json. */
  trainingConfig?: Record<string, unknown>;
  /** Progress for resuming (step, RNG seeds, best metric, ...), saved as trainer_state.json. */
  trainerState?: Record<string, unknown>;
  /** Sampling defaults; token ids default to the tokenizer's. */
  generationConfig?: Partial<GenerationConfig>;
}

/** A loaded checkpoint. */
export interface Checkpoint extends Omit<CheckpointContents, "generationConfig"> {
  /** The folder it was loaded from (absolute). */
  dir: string;
  config: ModelConfig;
  generationConfig: GenerationConfig;
}

/** A checkpoint file is missing, truncated or does not match the others. `file` names it. */
export class CheckpointError extends ScratchpadError {
  override readonly name = "CheckpointError";
  constructor(
    /** The file (or folder) at fault. */
    readonly file: string,
    /** What is wrong. */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super("checkpoint", `${file}: ${problem}`, options);
  }
}

/** Names of the files of a checkpoint folder. */
export const CHECKPOINT_FILES = {
  config: "config.json",
  model: "model.safetensors",
  tokenizer: "tokenizer.json",
  tokenizerConfig: "tokenizer_config.json",
  generation: "generation_config.json",
  optimizer: "optimizer.safetensors",
  trainingConfig: "training_config.json",
  trainerState: "trainer_state.json",
} as const;

/** The generation config for a tokenizer, with `overrides` applied. */
export function defaultGenerationConfig(tokenizer: Tokenizer, overrides: Partial<GenerationConfig> = {}): GenerationConfig {
  return {
    bos_token_id: tokenizer.bosId,
    eos_token_id: tokenizer.eosId,
    pad_token_id: tokenizer.padId,
    do_sample: true,
    temperature: 1.0,
    top_p: 1.0,
    top_k: 0,
    max_new_tokens: 256,
    ...overrides,
  };
}

/**
 * A generation config held within the model's context, as saved: `max_new_tokens` at most
 * max_position_embeddings − 1 (a prompt holds BOS at least) and `max_length` = the context, so that
 * Hugging Face `generate` and servers that take their defaults from generation_config.json never
 * ask for more positions than the model has. The engine's own sampling is unchanged by it: a
 * sequence ends when it fills the context anyway.
 */
export function contextBoundGenerationConfig(gen: GenerationConfig, config: ModelConfig): GenerationConfig {
  const ctx = config.max_position_embeddings;
  return { ...gen, max_new_tokens: Math.min(gen.max_new_tokens, ctx - 1), max_length: Math.min(gen.max_length ?? ctx, ctx) };
}

/** The config.json object of a model saved with a tokenizer (token ids taken from the tokenizer). */
export function checkpointConfigJSON(config: ModelConfig, tokenizer: Tokenizer): Record<string, unknown> {
  return toHuggingFaceConfig({ ...config, bos_token_id: tokenizer.bosId, eos_token_id: tokenizer.eosId, pad_token_id: tokenizer.padId });
}

/** Throws unless the model's vocabulary can hold every token of the tokenizer. */
export function checkVocabFits(config: ModelConfig, tokenizer: Tokenizer, file: string = CHECKPOINT_FILES.config): void {
  if (config.vocab_size < tokenizer.size) {
    throw new CheckpointError(
      file,
      `vocab_size ${config.vocab_size} is smaller than the tokenizer's ${tokenizer.size} tokens; set vocab_size to at least ${tokenizer.size} ` +
        `(or use a tokenizer with a smaller alphabet).`,
    );
  }
}

/** Optimizer moments as named tensors, one pair per model tensor (views, not copies). */
function optimizerTensors(model: Model, state: AdamWState): NamedTensor[] {
  if (state.m.length !== model.params.length || state.v.length !== model.params.length) {
    throw new CheckpointError(
      CHECKPOINT_FILES.optimizer,
      `optimizer state has ${state.m.length}/${state.v.length} moments but the model has ${model.params.length} parameters`,
    );
  }
  const out: NamedTensor[] = [];
  for (const t of model.layout) {
    out.push({ name: `exp_avg.${t.name}`, shape: t.shape, data: state.m.subarray(t.offset, t.offset + t.size) });
    out.push({ name: `exp_avg_sq.${t.name}`, shape: t.shape, data: state.v.subarray(t.offset, t.offset + t.size) });
  }
  return out;
}

/**
 * Save a checkpoint folder atomically (everything is written to a temp sibling folder, fsynced, then
 * swapped in; an older checkpoint at `dir` is replaced only once the new one is complete).
 * @throws CheckpointError when the model's vocab_size cannot hold the tokenizer.
 */
export async function saveCheckpoint(dir: string, c: CheckpointContents): Promise<void> {
  checkVocabFits(c.model.config, c.tokenizer);
  const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
  const gen = contextBoundGenerationConfig(defaultGenerationConfig(c.tokenizer, c.generationConfig), c.model.config);
  // Inside the temp folder plain writes suffice: saveFolderAtomic fsyncs the tree before the swap.
  await saveFolderAtomic(dir, async (tmp) => {
    const at = (f: string) => path.join(tmp, f);
    await writeFile(at(CHECKPOINT_FILES.config), json(checkpointConfigJSON(c.model.config, c.tokenizer)));
    await writeFile(at(CHECKPOINT_FILES.model), encodeSafetensors(c.model.tensors(), { format: "pt" }));
    await c.tokenizer.save(tmp);
    await writeFile(at(CHECKPOINT_FILES.generation), json(gen));
    if (c.optimizer) {
      const meta = { format: "scratchpad-adamw", step: String(c.optimizer.step) };
      await writeFile(at(CHECKPOINT_FILES.optimizer), encodeSafetensors(optimizerTensors(c.model, c.optimizer), meta));
    }
    if (c.trainingConfig) await writeFile(at(CHECKPOINT_FILES.trainingConfig), json(c.trainingConfig));
    if (c.trainerState) await writeFile(at(CHECKPOINT_FILES.trainerState), json(c.trainerState));
  });
}

/** Read a JSON file of a checkpoint; `optional` files return undefined when absent. */
async function readJson(file: string, optional: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      if (optional) return undefined;
      throw new CheckpointError(file, "file is missing; the folder is not a complete checkpoint", { cause: err });
    }
    throw new CheckpointError(file, `cannot read (${(err as Error).message})`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CheckpointError(file, `not valid JSON (${(err as Error).message}); the file may be truncated`, { cause: err });
  }
}

/** Re-raise an error of a lower layer as a CheckpointError naming `file`. */
function asCheckpointError(err: unknown, file: string): never {
  if (err instanceof CheckpointError) throw err;
  if (err instanceof SafetensorsError) throw new CheckpointError(err.file, err.problem, { cause: err });
  if (err instanceof TokenizerError) throw new CheckpointError(err.file ?? file, err.message.replace(`${err.file}: `, ""), { cause: err });
  if (err instanceof ConfigError || err instanceof ModelTensorError) throw new CheckpointError(file, err.message, { cause: err });
  throw err;
}

/** Load optimizer.safetensors into flat moments matching the model's layout. */
async function loadOptimizer(file: string, model: Model): Promise<AdamWState | undefined> {
  let content;
  try {
    content = await readSafetensors(file);
  } catch (err) {
    if (err instanceof SafetensorsError && err.problem === "file is missing") return undefined;
    asCheckpointError(err, file);
  }
  const step = Number(content.metadata.step);
  if (!Number.isInteger(step) || step < 0)
    throw new CheckpointError(file, `metadata "step" is ${JSON.stringify(content.metadata.step)}, not a non-negative integer`);
  const m = new Float32Array(model.params.length);
  const v = new Float32Array(model.params.length);
  for (const t of model.layout) {
    for (const [prefix, buf] of [
      ["exp_avg", m],
      ["exp_avg_sq", v],
    ] as const) {
      const name = `${prefix}.${t.name}`;
      const got = content.tensors.get(name);
      if (!got) throw new CheckpointError(file, `tensor "${name}" is missing; the optimizer state does not match config.json`);
      if (got.data.length !== t.size || got.shape.join(",") !== t.shape.join(",")) {
        throw new CheckpointError(file, `tensor "${name}" has shape [${got.shape.join(", ")}] but config.json implies [${t.shape.join(", ")}]`);
      }
      buf.set(got.data, t.offset);
    }
  }
  return { step, m, v };
}

/** Options of `loadCheckpoint`. */
export interface LoadCheckpointOptions {
  /** Also load optimizer.safetensors when present (default true). */
  optimizer?: boolean;
}

/**
 * Load a checkpoint folder. config.json, model.safetensors and tokenizer.json are required;
 * generation_config.json, optimizer.safetensors, training_config.json and trainer_state.json are
 * optional. A folder left mid-swap by a crashed save is repaired first, and a save by another
 * process during the load never mixes files of two versions (see `readFolderConsistently`).
 * @throws CheckpointError naming the missing, truncated or mismatched file and what is wrong.
 */
export async function loadCheckpoint(dir: string, opts: LoadCheckpointOptions = {}): Promise<Checkpoint> {
  const abs = path.resolve(dir);
  const ck = await readFolderConsistently(abs, (folder) => loadOnce(folder, opts));
  return { ...ck, dir: abs };
}

/** One attempt at reading every file of a checkpoint folder. */
async function loadOnce(dir: string, opts: LoadCheckpointOptions): Promise<Checkpoint> {
  const at = (f: string) => path.join(dir, f);
  const configFile = at(CHECKPOINT_FILES.config);
  const rawConfig = await readJson(configFile, false).catch(async (err: unknown) => {
    const dirExists = await stat(dir).then(
      (st) => st.isDirectory(),
      () => false,
    );
    if (!dirExists) throw new CheckpointError(dir, "no such checkpoint folder (create one with `scratchpad init`)", { cause: err });
    throw err;
  });
  let config: ModelConfig;
  try {
    config = validateConfig(rawConfig);
  } catch (err) {
    asCheckpointError(err, configFile);
  }
  let tokenizer: Tokenizer;
  try {
    tokenizer = await Tokenizer.load(dir);
  } catch (err) {
    asCheckpointError(err, at(CHECKPOINT_FILES.tokenizer));
  }
  checkVocabFits(config, tokenizer, configFile);
  const modelFile = at(CHECKPOINT_FILES.model);
  let model: Model;
  try {
    const content = await readSafetensors(modelFile);
    model = Model.fromTensors(config, content.tensors);
  } catch (err) {
    asCheckpointError(err, modelFile);
  }
  const genRaw = (await readJson(at(CHECKPOINT_FILES.generation), true)) as Partial<GenerationConfig> | undefined;
  const generationConfig = defaultGenerationConfig(tokenizer, genRaw ?? {});
  const optimizer = opts.optimizer === false ? undefined : await loadOptimizer(at(CHECKPOINT_FILES.optimizer), model);
  const trainingConfig = (await readJson(at(CHECKPOINT_FILES.trainingConfig), true)) as Record<string, unknown> | undefined;
  const trainerState = (await readJson(at(CHECKPOINT_FILES.trainerState), true)) as Record<string, unknown> | undefined;
  return { dir, config, model, tokenizer, generationConfig, optimizer, trainingConfig, trainerState };
}
