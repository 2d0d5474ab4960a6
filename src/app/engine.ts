/**
 * The engine's library entry points behind `scratchpad init`, `logits` and `sample` (the CLI in
 * src/cli/engine.ts only parses flags and prints): `initCheckpoint` writes a randomly initialised
 * checkpoint, `computeLogits` runs one forward pass, `sampleText` samples text continuations from a
 * loaded checkpoint. Their option schemas come from src/config/ (defaults in one place).
 */
import { readFile, readdir } from "node:fs/promises";
import { randomInt } from "node:crypto";
import { z } from "zod";
import { resolveOptions } from "../config/index.js";
import { ScratchpadError } from "../core/errors.js";
import { checkVocabFits, saveCheckpoint, type Checkpoint } from "../engine/checkpoint.js";
import { ConfigError, validateConfig } from "../engine/config.js";
import { Activations } from "../engine/activations.js";
import { forward } from "../engine/forward.js";
import { getKernels } from "../engine/kernels/index.js";
import { Model } from "../engine/model.js";
import { Sampler } from "../engine/sampler.js";
import { Tokenizer } from "../engine/tokenizer.js";

/** Bad command-line input: the message says what is wrong and how to fix it. */
export class EngineCliError extends ScratchpadError {
  constructor(message: string) {
    super("engine_cli", message);
  }
  override readonly name = "EngineCliError";
}

const int = () => z.number().int();

/** `scratchpad init`'s options, and `initCheckpoint`'s (`InitOptions` is derived from it). */
export const InitOptionsSchema = z
  .object({
    config: z
      .string()
      .min(1)
      .meta({ description: "Hugging Face config.json with LlamaConfig fields (vocab_size may be omitted: it then fits the tokenizer)", arg: "file" }),
    seed: int().min(0).meta({ description: "seed of the random initialisation" }),
    out: z.string().min(1).meta({ description: "checkpoint folder to write (atomically)", arg: "dir" }),
    tokenizer: z.string().min(1).optional().meta({ description: "use this tokenizer.json (or a checkpoint folder's) instead of the default one", arg: "file" }),
    corpus: z.string().min(1).optional().meta({ description: "build the tokenizer's alphabet from the characters of this text file", arg: "file" }),
    words: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: 'comma-separated words that become single tokens, e.g. "wait,check"', arg: "list", list: "comma" }),
    byteFallback: z
      .boolean()
      .default(false)
      .meta({ description: "encode characters outside the alphabet as UTF-8 byte tokens (+256 tokens) instead of <unk>" }),
    initStd: z.number().min(0).max(10).default(0.02).meta({ description: "standard deviation of the initial weights", arg: "x" }),
    force: z.boolean().default(false).meta({ description: "replace --out if it exists and is not empty" }),
  })
  .strict();

/** Options of `initCheckpoint` (the `scratchpad init` command); omitted ones take the schema's defaults. */
export type InitOptions = z.input<typeof InitOptionsSchema>;

/** Choose the tokenizer for `init`: --tokenizer, else built from --corpus, else the default alphabet. */
async function chooseTokenizer(o: z.output<typeof InitOptionsSchema>): Promise<Tokenizer> {
  if (o.tokenizer) {
    if (o.corpus || o.words?.length || o.byteFallback) throw new EngineCliError("--tokenizer cannot be combined with --corpus, --words or --byte-fallback.");
    return Tokenizer.load(o.tokenizer);
  }
  const opts = { words: o.words, byteFallback: o.byteFallback };
  if (o.corpus) {
    const text = await readFile(o.corpus, "utf8").catch((err: Error) => {
      throw new EngineCliError(`--corpus ${o.corpus}: ${err.message}`);
    });
    return Tokenizer.fromCorpus(text, opts);
  }
  return Tokenizer.create(opts);
}

/**
 * Write a randomly initialised checkpoint. vocab_size may be left out of the config (it becomes the
 * tokenizer's size); a vocab_size smaller than the tokenizer is an error; a larger one is kept (the
 * extra ids are never produced by the tokenizer). Returns the written checkpoint's model and tokenizer.
 */
export async function initCheckpoint(options: InitOptions): Promise<{ model: Model; tokenizer: Tokenizer }> {
  const o = resolveOptions(InitOptionsSchema, [{ source: "object", values: options }]);
  if (!o.force) {
    const entries = await readdir(o.out).catch(() => []);
    if (entries.length > 0) throw new EngineCliError(`--out ${o.out} exists and is not empty; pass --force to replace it.`);
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(o.config, "utf8"));
  } catch (err) {
    throw new EngineCliError(`--config ${o.config}: ${(err as Error).message}`);
  }
  const tokenizer = await chooseTokenizer(o);
  // Token ids come from the tokenizer (they are rewritten in the saved config.json).
  const { bos_token_id: _b, eos_token_id: _e, pad_token_id: _p, ...rest } = raw;
  let config;
  try {
    config = validateConfig({ ...rest, vocab_size: raw.vocab_size ?? tokenizer.size });
  } catch (err) {
    if (err instanceof ConfigError) throw new EngineCliError(`--config ${o.config}: ${err.message}`);
    throw err;
  }
  checkVocabFits(config, tokenizer, o.config);
  const model = Model.init(config, o.seed, o.initStd);
  await saveCheckpoint(o.out, { model, tokenizer });
  return { model, tokenizer };
}

/** Parse "5,17,3" into token ids, checking them against the vocabulary. */
export function parseTokenList(s: string, vocabSize: number): number[] {
  const parts = s
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0) throw new EngineCliError("--tokens is empty; pass comma-separated token ids such as 5,17,3.");
  return parts.map((p) => {
    const id = Number(p);
    if (!/^\d+$/.test(p) || id >= vocabSize) {
      throw new EngineCliError(`--tokens: "${p}" is not a token id in [0, ${vocabSize}) (the model's vocab_size).`);
    }
    return id;
  });
}

/** The logits [T][vocab_size] of one token sequence (one forward pass, no gradients). */
export function computeLogits(model: Model, tokens: number[]): Float32Array[] {
  if (tokens.length === 0) throw new EngineCliError("no tokens given; pass at least one token id.");
  const acts = new Activations(model.config, false);
  acts.ensure(1, tokens.length);
  acts.tokens.set(tokens);
  forward(model, getKernels(), acts, 1, tokens.length, true);
  const V = model.config.vocab_size;
  return tokens.map((_, t) => acts.logits.slice(t * V, (t + 1) * V));
}

/** Sampling options of `sampleText` (`scratchpad sample`'s flags); unset ones come from generation_config.json. */
export const SampleTextOptionsSchema = z
  .object({
    n: int().min(1).max(4096).default(1).meta({ description: "number of samples", short: "n", arg: "count" }),
    temperature: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .meta({ description: "softmax temperature; 0 = greedy", arg: "t", defaultText: "generation_config.json, else 1" }),
    topP: z.number().min(0).max(1).optional().meta({ description: "nucleus sampling mass in (0, 1]", arg: "p", defaultText: "generation_config.json, else 1" }),
    topK: int().min(0).optional().meta({ description: "keep only the k most likely tokens; 0 = off", arg: "k", defaultText: "generation_config.json, else 0" }),
    maxTokens: int().min(1).optional().meta({ description: "maximum new tokens per sample", arg: "m", defaultText: "generation_config.json, else 256" }),
    seed: int().min(0).optional().meta({ description: "seed for reproducible samples", arg: "s", defaultText: "random, printed with --json" }),
    stop: z
      .array(z.string())
      .optional()
      .meta({ description: "stop when this string appears (repeatable); the end-of-sequence token always stops", arg: "text", repeat: true }),
    bos: z.boolean().default(true).meta({
      description: "do not prepend the tokenizer's beginning-of-sequence token (prepended by default, as in training and `scratchpad eval`)",
      boolean: "negate",
    }),
  })
  .strict();

/** Sampling options of `sampleText` (derived from its schema). */
export type SampleTextOptions = z.input<typeof SampleTextOptionsSchema>;

/** One sampled completion as the CLI reports it. */
export interface TextCompletion {
  text: string;
  tokens: number[];
  logprobs: number[];
  finish_reason: "stop" | "length";
}

/**
 * Sample `n` continuations of a text prompt from a loaded checkpoint. The text excludes the stop
 * token or stop string that ended it and special tokens (pad/bos/eos/unk); `tokens` holds every
 * generated id. Defaults come from the checkpoint's generation_config.json.
 */
export function sampleText(ck: Checkpoint, prompt: string, options: SampleTextOptions = {}): { seed: number; completions: TextCompletion[] } {
  const o = resolveOptions(SampleTextOptionsSchema, [{ source: "object", values: options }]);
  const tok = ck.tokenizer;
  const gen = ck.generationConfig;
  const ids = tok.encode(prompt, { addBos: o.bos });
  if (ids.length === 0) ids.push(tok.bosId); // the model needs at least one token of context
  const seed = o.seed ?? randomInt(2 ** 31);
  const results = new Sampler(ck.model).generate(
    Array.from({ length: o.n }, () => ids),
    {
      maxNewTokens: o.maxTokens ?? gen.max_new_tokens,
      temperature: o.temperature ?? (gen.do_sample ? gen.temperature : 0),
      topP: o.topP ?? gen.top_p,
      topK: o.topK ?? gen.top_k,
      stopTokens: [gen.eos_token_id],
      stopStrings: o.stop,
      decode: (t) => tok.decode(t),
      seed,
    },
  );
  const completions = results.map((r) => {
    let kept = r.tokens;
    if (r.finishReason === "stop" && !r.stopString && kept[kept.length - 1] === gen.eos_token_id) kept = kept.slice(0, -1);
    let text = tok.decode(kept, { skipSpecialTokens: true });
    if (r.stopString) text = text.slice(0, text.indexOf(r.stopString));
    return { text, tokens: r.tokens, logprobs: r.logprobs, finish_reason: r.finishReason };
  });
  return { seed, completions };
}
