/**
 * The engine's CLI subcommands (see src/cli/main.ts):
 *   scratchpad init    --config CONFIG.json --seed N --out DIR   write a randomly initialised checkpoint
 *   scratchpad logits  --model DIR --tokens 5,17,3 [--json]      logits at every position
 *   scratchpad sample  --model DIR --prompt TEXT [-n N ...]      sample continuations
 *   scratchpad tokenize --model DIR --text TEXT | --ids 5,17,3   show the tokenizer at work
 * The work is done by exported functions (initCheckpoint, computeLogits, sampleText) that tests and
 * other stages can call directly; the command handlers only parse flags and print.
 */
import { readFile, readdir } from "node:fs/promises";
import { randomInt } from "node:crypto";
import type { Command } from "commander";
import { z } from "zod";
import { addOptions, resolveCommand, resolveOptions } from "../config/index.js";
import { checkVocabFits, loadCheckpoint, saveCheckpoint, type Checkpoint } from "../engine/checkpoint.js";
import { ConfigError, validateConfig } from "../engine/config.js";
import { Activations } from "../engine/activations.js";
import { forward } from "../engine/forward.js";
import { getKernels } from "../engine/kernels/index.js";
import { Model } from "../engine/model.js";
import { Sampler } from "../engine/sampler.js";
import { Tokenizer } from "../engine/tokenizer.js";
import { ScratchpadError } from "../core/errors.js";
import { isGgufPath, sampleGguf } from "../backends/llama-cpp.js";

/** Bad command-line input: the message says what is wrong and how to fix it. */
export class EngineCliError extends ScratchpadError {
  constructor(message: string) {
    super("engine_cli", message);
  }
  override readonly name = "EngineCliError";
}

const int = () => z.number().int();

/** `scratchpad init`'s options, and `initCheckpoint`'s (`InitOptions` is derived from it). */
export const InitOptionsSchema = z.object({
  config: z.string().min(1).meta({ description: "Hugging Face config.json with LlamaConfig fields (vocab_size may be omitted: it then fits the tokenizer)", arg: "file" }),
  seed: int().min(0).meta({ description: "seed of the random initialisation" }),
  out: z.string().min(1).meta({ description: "checkpoint folder to write (atomically)", arg: "dir" }),
  tokenizer: z.string().min(1).optional().meta({ description: "use this tokenizer.json (or a checkpoint folder's) instead of the default one", arg: "file" }),
  corpus: z.string().min(1).optional().meta({ description: "build the tokenizer's alphabet from the characters of this text file", arg: "file" }),
  words: z.array(z.string().min(1)).optional().meta({ description: 'comma-separated words that become single tokens, e.g. "wait,check"', arg: "list", list: "comma" }),
  byteFallback: z.boolean().default(false).meta({ description: "encode characters outside the alphabet as UTF-8 byte tokens (+256 tokens) instead of <unk>" }),
  initStd: z.number().min(0).max(10).default(0.02).meta({ description: "standard deviation of the initial weights", arg: "x" }),
  force: z.boolean().default(false).meta({ description: "replace --out if it exists and is not empty" }),
}).strict();

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
  const parts = s.split(",").map((p) => p.trim()).filter((p) => p !== "");
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
export const SampleTextOptionsSchema = z.object({
  n: int().min(1).max(4096).default(1).meta({ description: "number of samples", short: "n", arg: "count" }),
  temperature: z.number().min(0).max(100).optional().meta({ description: "softmax temperature; 0 = greedy", arg: "t", defaultText: "generation_config.json, else 1" }),
  topP: z.number().min(0).max(1).optional().meta({ description: "nucleus sampling mass in (0, 1]", arg: "p", defaultText: "generation_config.json, else 1" }),
  topK: int().min(0).optional().meta({ description: "keep only the k most likely tokens; 0 = off", arg: "k", defaultText: "generation_config.json, else 0" }),
  maxTokens: int().min(1).optional().meta({ description: "maximum new tokens per sample", arg: "m", defaultText: "generation_config.json, else 256" }),
  seed: int().min(0).optional().meta({ description: "seed for reproducible samples", arg: "s", defaultText: "random, printed with --json" }),
  stop: z.array(z.string()).optional().meta({ description: "stop when this string appears (repeatable); the end-of-sequence token always stops", arg: "text", repeat: true }),
  bos: z.boolean().default(true).meta({ description: "do not prepend the tokenizer's beginning-of-sequence token (prepended by default, as in training and `scratchpad eval`)", boolean: "negate" }),
}).strict();

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
  const results = new Sampler(ck.model).generate(Array.from({ length: o.n }, () => ids), {
    maxNewTokens: o.maxTokens ?? gen.max_new_tokens,
    temperature: o.temperature ?? (gen.do_sample ? gen.temperature : 0),
    topP: o.topP ?? gen.top_p,
    topK: o.topK ?? gen.top_k,
    stopTokens: [gen.eos_token_id],
    stopStrings: o.stop,
    decode: (t) => tok.decode(t),
    seed,
  });
  const completions = results.map((r) => {
    let kept = r.tokens;
    if (r.finishReason === "stop" && !r.stopString && kept[kept.length - 1] === gen.eos_token_id) kept = kept.slice(0, -1);
    let text = tok.decode(kept, { skipSpecialTokens: true });
    if (r.stopString) text = text.slice(0, text.indexOf(r.stopString));
    return { text, tokens: r.tokens, logprobs: r.logprobs, finish_reason: r.finishReason };
  });
  return { seed, completions };
}

/** `scratchpad logits`'s options. */
export const LogitsCliSchema = z.object({
  model: z.string().min(1).meta({ description: "checkpoint folder", arg: "dir" }),
  tokens: z.string().optional().meta({ description: "comma-separated token ids, e.g. 5,17,3", arg: "ids" }),
  text: z.string().optional().meta({ description: "text to tokenize instead of --tokens", arg: "text" }),
  json: z.boolean().default(false).meta({ description: 'print {"tokens": [...], "logits": [[...], ...]} (one row of vocab_size floats per position)' }),
  top: int().min(1).default(5).meta({ description: "without --json: how many most likely next tokens to show per position", arg: "k" }),
}).strict();

/** `scratchpad sample`'s options: the checkpoint, the prompt, the sampling options, --json. */
export const SampleCliSchema = z.object({
  model: z.string().min(1).meta({ description: "checkpoint folder, or a .gguf file (run by llama.cpp)", arg: "dir|file" }),
  prompt: z.string().meta({ description: "the prompt text", arg: "text" }),
  ...SampleTextOptionsSchema.shape,
  json: z.boolean().default(false).meta({ description: 'print {"seed", "completions": [{"text", "tokens", "logprobs", "finish_reason"}]}' }),
}).strict();

/** `scratchpad tokenize`'s options. */
export const TokenizeCliSchema = z.object({
  model: z.string().min(1).optional().meta({ description: "checkpoint folder (or pass --tokenizer)", arg: "dir" }),
  tokenizer: z.string().min(1).optional().meta({ description: "a tokenizer.json instead of --model", arg: "file" }),
  text: z.string().optional().meta({ description: "text to encode", arg: "text" }),
  ids: z.string().optional().meta({ description: "comma-separated token ids to decode", arg: "ids" }),
  json: z.boolean().default(false).meta({ description: 'print {"ids": [...], "tokens": [...], "text": "..."}' }),
}).strict();

/** Register `init`. */
function registerInit(program: Command): void {
  const cmd = program
    .command("init")
    .description("Write a randomly initialised checkpoint (Hugging Face Llama layout) from a config.json");
  addOptions(cmd, InitOptionsSchema)
    .addHelpText(
      "after",
      "\nThe default tokenizer is printable ASCII + newline + tab, one token per character, plus\n" +
        "<pad> <bos> <eos> <unk> <think> </think> (103 tokens). vocab_size must be at least the tokenizer's size.\n\n" +
        "Example:\n  scratchpad init --config config.json --seed 1 --out models/tiny --words wait",
    )
    .action(async () => {
      const o = resolveCommand<typeof InitOptionsSchema>(cmd);
      const { model, tokenizer } = await initCheckpoint(o);
      const c = model.config;
      console.log(
        `wrote ${o.out}: ${(model.numParams / 1e6).toFixed(3)} M parameters, ${c.num_hidden_layers} layers, hidden ${c.hidden_size}, ` +
          `vocab_size ${c.vocab_size} (tokenizer: ${tokenizer.size} tokens)`,
      );
    });
}

/** Register `logits`. */
function registerLogits(program: Command): void {
  const cmd = program
    .command("logits")
    .description("Print the model's logits at every position of a token sequence");
  addOptions(cmd, LogitsCliSchema)
    .addHelpText("after", "\nExample:\n  scratchpad logits --model models/tiny --tokens 5,17,3 --json")
    .action(async () => {
      const o = resolveCommand<typeof LogitsCliSchema>(cmd);
      if ((o.tokens === undefined) === (o.text === undefined)) throw new EngineCliError("pass exactly one of --tokens or --text.");
      const ck = await loadCheckpoint(o.model, { optimizer: false });
      const tokens = o.tokens !== undefined ? parseTokenList(o.tokens, ck.config.vocab_size) : ck.tokenizer.encode(o.text!);
      const logits = computeLogits(ck.model, tokens);
      if (o.json) {
        console.log(JSON.stringify({ tokens, logits: logits.map((row) => Array.from(row)) }));
        return;
      }
      const show = (id: number) => JSON.stringify(ck.tokenizer.idToToken(id) ?? `#${id}`);
      tokens.forEach((id, t) => {
        const top = Array.from(logits[t].keys()).sort((a, b) => logits[t][b] - logits[t][a]).slice(0, o.top);
        console.log(`${t}\t${id} ${show(id)}\t→ ${top.map((k) => `${show(k)} ${logits[t][k].toFixed(3)}`).join("  ")}`);
      });
    });
}

/** Register `sample`. */
function registerSample(program: Command): void {
  const cmd = program
    .command("sample")
    .description("Sample continuations of a prompt from a checkpoint");
  addOptions(cmd, SampleCliSchema)
    .addHelpText("after", '\nExample:\n  scratchpad sample --model models/tiny --prompt "12+34=" -n 4 --temperature 0.7 --max-tokens 64 --seed 1')
    .action(async () => {
      const { model, prompt, json, ...sampling } = resolveCommand<typeof SampleCliSchema>(cmd);
      const o = { model, prompt, json };
      const fromCheckpoint = async () => {
        const ck = await loadCheckpoint(o.model, { optimizer: false });
        const unknown = ck.tokenizer.unknownChars(o.prompt);
        if (unknown.length > 0 && !ck.tokenizer.byteFallback) {
          console.error(`scratchpad: warning: the prompt has characters outside the tokenizer's vocabulary (encoded as ${ck.tokenizer.roles.unk}): ${JSON.stringify(unknown.join(""))}`);
        }
        return sampleText(ck, o.prompt, sampling);
      };
      const out = isGgufPath(o.model) ? await sampleGguf(o.model, o.prompt, sampling) : await fromCheckpoint(); // a .gguf runs on llama.cpp
      if (o.json) {
        console.log(JSON.stringify(out));
        return;
      }
      out.completions.forEach((c, i) => {
        if (out.completions.length > 1) console.log(`--- sample ${i + 1}/${out.completions.length} (${c.finish_reason}, ${c.tokens.length} tokens)`);
        console.log(c.text);
      });
    });
}

/** Register `tokenize`. */
function registerTokenize(program: Command): void {
  const cmd = program
    .command("tokenize")
    .description("Show how a checkpoint's tokenizer encodes text (or decodes token ids)");
  addOptions(cmd, TokenizeCliSchema)
    .addHelpText("after", '\nExamples:\n  scratchpad tokenize --model models/tiny --text "12+34=<think>"\n  scratchpad tokenize --model models/tiny --ids 5,17,3')
    .action(async () => {
      const o = resolveCommand<typeof TokenizeCliSchema>(cmd);
      if ((o.model === undefined) === (o.tokenizer === undefined)) throw new EngineCliError("pass exactly one of --model or --tokenizer.");
      if ((o.text === undefined) === (o.ids === undefined)) throw new EngineCliError("pass exactly one of --text or --ids.");
      const tok = await Tokenizer.load((o.model ?? o.tokenizer)!);
      const ids = o.text !== undefined ? tok.encode(o.text) : parseTokenList(o.ids!, tok.size);
      const tokens = ids.map((id) => tok.idToToken(id)!);
      const text = tok.decode(ids);
      if (o.json) {
        console.log(JSON.stringify({ ids, tokens, text }));
        return;
      }
      console.log(ids.map((id, i) => `${id}:${JSON.stringify(tokens[i])}`).join(" "));
      console.log(`${ids.length} tokens; decoded: ${JSON.stringify(text)}`);
      const unknown = o.text !== undefined ? tok.unknownChars(o.text) : [];
      if (unknown.length > 0) console.log(`characters outside the vocabulary: ${JSON.stringify(unknown.join(""))}`);
    });
}

/** Register the engine's subcommands (init, logits, sample, tokenize) on the program. */
export function registerEngineCommands(program: Command): void {
  registerInit(program);
  registerLogits(program);
  registerSample(program);
  registerTokenize(program);
}
