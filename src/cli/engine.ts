/**
 * The engine's CLI subcommands (see src/cli/main.ts):
 *   scratchpad init    --config CONFIG.json --seed N --out DIR   write a randomly initialised checkpoint
 *   scratchpad logits  --model DIR --tokens 5,17,3 [--json]      logits at every position
 *   scratchpad sample  --model DIR --prompt TEXT [-n N ...]      sample continuations
 *   scratchpad tokenize --model DIR --text TEXT | --ids 5,17,3   show the tokenizer at work
 * The work is done by the library functions of src/app/engine.ts (initCheckpoint, computeLogits,
 * sampleText); the command handlers only parse flags and print.
 */
import type { Command } from "commander";
import { z } from "zod";
import { addOptions, resolveCommand } from "../config/index.js";
import { loadCheckpoint } from "../engine/checkpoint.js";
import { Tokenizer } from "../engine/tokenizer.js";
import { isGgufPath, sampleGguf } from "../backends/llama-cpp.js";
import { computeLogits, EngineCliError, initCheckpoint, InitOptionsSchema, parseTokenList, sampleText, SampleTextOptionsSchema } from "../app/engine.js";

const int = () => z.number().int();

/** `scratchpad logits`'s options. */
export const LogitsCliSchema = z
  .object({
    model: z.string().min(1).meta({ description: "checkpoint folder", arg: "dir" }),
    tokens: z.string().optional().meta({ description: "comma-separated token ids, e.g. 5,17,3", arg: "ids" }),
    text: z.string().optional().meta({ description: "text to tokenize instead of --tokens", arg: "text" }),
    json: z.boolean().default(false).meta({ description: 'print {"tokens": [...], "logits": [[...], ...]} (one row of vocab_size floats per position)' }),
    top: int().min(1).default(5).meta({ description: "without --json: how many most likely next tokens to show per position", arg: "k" }),
  })
  .strict();

/** `scratchpad sample`'s options: the checkpoint, the prompt, the sampling options, --json. */
export const SampleCliSchema = z
  .object({
    model: z.string().min(1).meta({ description: "checkpoint folder, or a .gguf file (run by llama.cpp)", arg: "dir|file" }),
    prompt: z.string().meta({ description: "the prompt text", arg: "text" }),
    ...SampleTextOptionsSchema.shape,
    json: z.boolean().default(false).meta({ description: 'print {"seed", "completions": [{"text", "tokens", "logprobs", "finish_reason"}]}' }),
  })
  .strict();

/** `scratchpad tokenize`'s options. */
export const TokenizeCliSchema = z
  .object({
    model: z.string().min(1).optional().meta({ description: "checkpoint folder (or pass --tokenizer)", arg: "dir" }),
    tokenizer: z.string().min(1).optional().meta({ description: "a tokenizer.json instead of --model", arg: "file" }),
    text: z.string().optional().meta({ description: "text to encode", arg: "text" }),
    ids: z.string().optional().meta({ description: "comma-separated token ids to decode", arg: "ids" }),
    json: z.boolean().default(false).meta({ description: 'print {"ids": [...], "tokens": [...], "text": "..."}' }),
  })
  .strict();

/** Register `init`. */
function registerInit(program: Command): void {
  const cmd = program.command("init").description("Write a randomly initialised checkpoint (Hugging Face Llama layout) from a config.json");
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
  const cmd = program.command("logits").description("Print the model's logits at every position of a token sequence");
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
        const top = Array.from(logits[t].keys())
          .sort((a, b) => logits[t][b] - logits[t][a])
          .slice(0, o.top);
        console.log(`${t}\t${id} ${show(id)}\t→ ${top.map((k) => `${show(k)} ${logits[t][k].toFixed(3)}`).join("  ")}`);
      });
    });
}

/** Register `sample`. */
function registerSample(program: Command): void {
  const cmd = program.command("sample").description("Sample continuations of a prompt from a checkpoint");
  addOptions(cmd, SampleCliSchema)
    .addHelpText("after", '\nExample:\n  scratchpad sample --model models/tiny --prompt "12+34=" -n 4 --temperature 0.7 --max-tokens 64 --seed 1')
    .action(async () => {
      const { model, prompt, json, ...sampling } = resolveCommand<typeof SampleCliSchema>(cmd);
      const o = { model, prompt, json };
      const fromCheckpoint = async () => {
        const ck = await loadCheckpoint(o.model, { optimizer: false });
        const unknown = ck.tokenizer.unknownChars(o.prompt);
        if (unknown.length > 0 && !ck.tokenizer.byteFallback) {
          console.error(
            `scratchpad: warning: the prompt has characters outside the tokenizer's vocabulary (encoded as ${ck.tokenizer.roles.unk}): ${JSON.stringify(unknown.join(""))}`,
          );
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
  const cmd = program.command("tokenize").description("Show how a checkpoint's tokenizer encodes text (or decodes token ids)");
  addOptions(cmd, TokenizeCliSchema)
    .addHelpText(
      "after",
      '\nExamples:\n  scratchpad tokenize --model models/tiny --text "12+34=<think>"\n  scratchpad tokenize --model models/tiny --ids 5,17,3',
    )
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
