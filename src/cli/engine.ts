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
import { InvalidArgumentError, type Command } from "commander";
import { checkVocabFits, loadCheckpoint, saveCheckpoint, type Checkpoint } from "../engine/checkpoint.js";
import { ConfigError, validateConfig } from "../engine/config.js";
import { Activations } from "../engine/activations.js";
import { forward } from "../engine/forward.js";
import { getKernels } from "../engine/kernels/index.js";
import { Model } from "../engine/model.js";
import { Sampler } from "../engine/sampler.js";
import { Tokenizer } from "../engine/tokenizer.js";

/** Bad command-line input: the message says what is wrong and how to fix it. */
export class EngineCliError extends Error {
  override readonly name = "EngineCliError";
}

/** Options of `initCheckpoint` (the `scratchpad init` command). */
export interface InitOptions {
  /** Path of a Hugging Face config.json (LlamaConfig fields). */
  config: string;
  seed: number;
  out: string;
  /** A tokenizer.json (or a checkpoint folder holding one); default: the default tokenizer. */
  tokenizer?: string;
  /** A text file whose characters become the alphabet (instead of the default alphabet). */
  corpus?: string;
  /** Extra single-token words, e.g. ["wait"]. */
  words?: string[];
  /** Encode unknown characters as UTF-8 byte tokens (adds 256 tokens). */
  byteFallback?: boolean;
  /** Standard deviation of the initial weights (default 0.02). */
  initStd?: number;
  /** Replace an existing non-empty --out folder. */
  force?: boolean;
}

/** Choose the tokenizer for `init`: --tokenizer, else built from --corpus, else the default alphabet. */
async function chooseTokenizer(o: InitOptions): Promise<Tokenizer> {
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
export async function initCheckpoint(o: InitOptions): Promise<{ model: Model; tokenizer: Tokenizer }> {
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

/** Sampling options of `sampleText` (CLI names, defaults from generation_config.json). */
export interface SampleTextOptions {
  n?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTokens?: number;
  seed?: number;
  stop?: string[];
  /** Prepend the tokenizer's BOS token to the prompt. */
  bos?: boolean;
}

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
export function sampleText(ck: Checkpoint, prompt: string, o: SampleTextOptions = {}): { seed: number; completions: TextCompletion[] } {
  const tok = ck.tokenizer;
  const gen = ck.generationConfig;
  const ids = tok.encode(prompt, { addBos: o.bos });
  if (ids.length === 0) ids.push(tok.bosId); // the model needs at least one token of context
  const seed = o.seed ?? randomInt(2 ** 31);
  const n = o.n ?? 1;
  const results = new Sampler(ck.model).generate(Array.from({ length: n }, () => ids), {
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

/** A commander argument parser for integers within bounds. */
function intArg(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    const x = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || x < min || x > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got "${v}".`);
    return x;
  };
}

/** A commander argument parser for numbers within bounds. */
function numArg(name: string, min: number, max: number): (v: string) => number {
  return (v) => {
    const x = Number(v);
    if (v.trim() === "" || !Number.isFinite(x) || x < min || x > max) throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}], got "${v}".`);
    return x;
  };
}

/** Collects a repeatable option into an array. */
function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/** Register `init`. */
function registerInit(program: Command): void {
  program
    .command("init")
    .description("Write a randomly initialised checkpoint (Hugging Face Llama layout) from a config.json")
    .requiredOption("--config <file>", "Hugging Face config.json with LlamaConfig fields (vocab_size may be omitted: it then fits the tokenizer)")
    .requiredOption("--seed <n>", "seed of the random initialisation", intArg("--seed", 0))
    .requiredOption("--out <dir>", "checkpoint folder to write (atomically)")
    .option("--tokenizer <file>", "use this tokenizer.json (or a checkpoint folder's) instead of the default one")
    .option("--corpus <file>", "build the tokenizer's alphabet from the characters of this text file")
    .option("--words <list>", 'comma-separated words that become single tokens, e.g. "wait,check"', (v) => v.split(",").filter(Boolean))
    .option("--byte-fallback", "encode characters outside the alphabet as UTF-8 byte tokens (+256 tokens) instead of <unk>")
    .option("--init-std <x>", "standard deviation of the initial weights", numArg("--init-std", 0, 10), 0.02)
    .option("--force", "replace --out if it exists and is not empty")
    .addHelpText(
      "after",
      "\nThe default tokenizer is printable ASCII + newline + tab, one token per character, plus\n" +
        "<pad> <bos> <eos> <unk> <think> </think> (103 tokens). vocab_size must be at least the tokenizer's size.\n\n" +
        "Example:\n  scratchpad init --config config.json --seed 1 --out models/tiny --words wait",
    )
    .action(async (o: InitOptions & { initStd: number }) => {
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
  program
    .command("logits")
    .description("Print the model's logits at every position of a token sequence")
    .requiredOption("--model <dir>", "checkpoint folder")
    .option("--tokens <ids>", "comma-separated token ids, e.g. 5,17,3")
    .option("--text <text>", "text to tokenize instead of --tokens")
    .option("--json", 'print {"tokens": [...], "logits": [[...], ...]} (one row of vocab_size floats per position)')
    .option("--top <k>", "without --json: how many most likely next tokens to show per position", intArg("--top", 1), 5)
    .addHelpText("after", "\nExample:\n  scratchpad logits --model models/tiny --tokens 5,17,3 --json")
    .action(async (o: { model: string; tokens?: string; text?: string; json?: boolean; top: number }) => {
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
  program
    .command("sample")
    .description("Sample continuations of a prompt from a checkpoint")
    .requiredOption("--model <dir>", "checkpoint folder")
    .requiredOption("--prompt <text>", "the prompt text")
    .option("-n, --n <count>", "number of samples", intArg("-n", 1, 4096), 1)
    .option("--temperature <t>", "softmax temperature; 0 = greedy (default: generation_config.json, else 1)", numArg("--temperature", 0, 100))
    .option("--top-p <p>", "nucleus sampling mass in (0, 1] (default: generation_config.json, else 1)", numArg("--top-p", 0, 1))
    .option("--top-k <k>", "keep only the k most likely tokens; 0 = off (default: generation_config.json, else 0)", intArg("--top-k", 0))
    .option("--max-tokens <m>", "maximum new tokens per sample (default: generation_config.json, else 256)", intArg("--max-tokens", 1))
    .option("--seed <s>", "seed for reproducible samples (default: random, printed with --json)", intArg("--seed", 0))
    .option("--stop <text>", "stop when this string appears (repeatable); the end-of-sequence token always stops", collect)
    .option("--no-bos", "do not prepend the tokenizer's beginning-of-sequence token (prepended by default, as in training and `scratchpad eval`)")
    .option("--json", 'print {"seed", "completions": [{"text", "tokens", "logprobs", "finish_reason"}]}')
    .addHelpText("after", '\nExample:\n  scratchpad sample --model models/tiny --prompt "12+34=" -n 4 --temperature 0.7 --max-tokens 64 --seed 1')
    .action(async (o: SampleTextOptions & { model: string; prompt: string; json?: boolean }) => {
      const ck = await loadCheckpoint(o.model, { optimizer: false });
      const unknown = ck.tokenizer.unknownChars(o.prompt);
      if (unknown.length > 0 && !ck.tokenizer.byteFallback) {
        console.error(`scratchpad: warning: the prompt has characters outside the tokenizer's vocabulary (encoded as ${ck.tokenizer.roles.unk}): ${JSON.stringify(unknown.join(""))}`);
      }
      const out = sampleText(ck, o.prompt, o);
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
  program
    .command("tokenize")
    .description("Show how a checkpoint's tokenizer encodes text (or decodes token ids)")
    .option("--model <dir>", "checkpoint folder (or pass --tokenizer)")
    .option("--tokenizer <file>", "a tokenizer.json instead of --model")
    .option("--text <text>", "text to encode")
    .option("--ids <ids>", "comma-separated token ids to decode")
    .option("--json", 'print {"ids": [...], "tokens": [...], "text": "..."}')
    .addHelpText("after", '\nExamples:\n  scratchpad tokenize --model models/tiny --text "12+34=<think>"\n  scratchpad tokenize --model models/tiny --ids 5,17,3')
    .action(async (o: { model?: string; tokenizer?: string; text?: string; ids?: string; json?: boolean }) => {
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
