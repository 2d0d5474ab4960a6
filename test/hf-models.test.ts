/**
 * The shipped models load in Hugging Face's JavaScript tooling as they are: `@huggingface/tokenizers`
 * (the tokenizer library transformers.js' AutoTokenizer is built on) gives the ids `scratchpad
 * tokenize` gives, adds the BOS the models need when encoding with special tokens (the default), and
 * the `chat_template` of tokenizer_config.json renders with `@huggingface/jinja` (transformers.js'
 * renderer) to exactly the prompt `scratchpad serve` feeds the model. generation_config.json stays
 * within the context.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { Template } from "@huggingface/jinja";
import { Tokenizer as HFTokenizer } from "@huggingface/tokenizers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../src/cli/main.js";
import { SCRATCHPAD_CHAT_TEMPLATE } from "../src/core/chat-template.js";
import { buildProblems } from "../src/eval/problems.js";
import { templateFromString } from "../src/serve/context.js";
import type { ChatMessage } from "../src/serve/requests.js";
import { Tokenizer } from "../src/engine/tokenizer.js";

const MODELS = ["models/base", "models/r1zero"];
const json = async (dir: string, f: string) => JSON.parse(await readFile(path.join(dir, f), "utf8")) as Record<string, unknown>;

/** `scratchpad tokenize --model DIR --text TEXT --json`, run in this process. */
async function cliTokenize(dir: string, text: string): Promise<number[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((s: unknown) => void lines.push(String(s)));
  try {
    await buildProgram().exitOverride().parseAsync(["node", "scratchpad", "tokenize", "--model", dir, "--text", text, "--json"]);
  } finally {
    spy.mockRestore();
  }
  return (JSON.parse(lines.join("\n")) as { ids: number[] }).ids;
}

afterEach(() => vi.restoreAllMocks());

describe.each(MODELS)("%s in Hugging Face tooling", (dir) => {
  it("@huggingface/tokenizers encodes eval prompts and thinking text to the ids of `scratchpad tokenize`, with BOS by default", async () => {
    const hf = new HFTokenizer(await json(dir, "tokenizer.json"), await json(dir, "tokenizer_config.json"));
    const ours = await Tokenizer.load(dir);
    const prompts = (await buildProblems({ task: "addition", n: 4, seed: 7 })).map((p) => p.prompt);
    const texts = [...prompts, "12+3=<think>wait, 1+2=3</think> 15", "awaits\n\t<eos>"];
    expect(prompts.length).toBeGreaterThanOrEqual(20);
    for (const text of texts.slice(0, 6)) expect(hf.encode(text, { add_special_tokens: false }).ids).toEqual(await cliTokenize(dir, text));
    for (const text of texts) {
      const ids = ours.encode(text);
      expect(hf.encode(text, { add_special_tokens: false }).ids).toEqual(ids);
      expect(hf.encode(text).ids).toEqual([ours.bosId, ...ids]); // the post-processor adds BOS, as the models were trained
      expect(hf.decode(ids, { skip_special_tokens: true })).toBe(ours.decode(ids, { skipSpecialTokens: true }));
    }
    const cfg = await json(dir, "tokenizer_config.json");
    expect(cfg.add_bos_token).toBe(true);
  });

  it("the chat template renders with @huggingface/jinja to the prompt `scratchpad serve` applies", async () => {
    const cfg = await json(dir, "tokenizer_config.json");
    expect(cfg.chat_template).toBe(SCRATCHPAD_CHAT_TEMPLATE);
    const template = new Template(cfg.chat_template as string);
    const serve = templateFromString("{prompt}"); // `scratchpad serve`'s default --template
    const ours = await Tokenizer.load(dir);
    const conversations: ChatMessage[][] = [
      [{ role: "user", content: "68+30=" }],
      [
        { role: "system", content: "be brief" },
        { role: "user", content: "1+2=" },
        { role: "assistant", content: "<think>1+2=3</think> 3" },
        { role: "user", content: "658+6=" },
      ],
    ];
    for (const messages of conversations) {
      const rendered = template.render({ messages, bos_token: cfg.bos_token, eos_token: cfg.eos_token, add_generation_prompt: true });
      expect(rendered).toBe(`${cfg.bos_token as string}${serve(messages)}`);
      // The served model sees BOS + the prompt: encoding the rendered text without further specials gives the same ids.
      expect(ours.encode(rendered)).toEqual([ours.bosId, ...ours.encode(serve(messages))]);
    }
  });

  it("generation_config.json stays within the context", async () => {
    const ctx = (await json(dir, "config.json")).max_position_embeddings as number;
    const gen = await json(dir, "generation_config.json");
    expect(gen.max_length).toBe(ctx);
    expect(gen.max_new_tokens as number).toBeLessThan(ctx);
    expect(gen.bos_token_id).toBe((await Tokenizer.load(dir)).bosId);
  });
});
