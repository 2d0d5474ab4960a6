/**
 * Chat templates rendered with @huggingface/jinja: scratchpad's own (what `serve` applies), and the
 * real templates of Qwen3 and DeepSeek-R1-Distill (verbatim in test/fixtures/chat-templates):
 * the generation prompt, think-tag detection, whether the template opens thinking, loading from a
 * tokenizer_config.json or a .jinja file, and errors that name the file.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatTemplate, ChatTemplateError, detectThinkTags, endsInsideThinking, loadChatTemplate, SCRATCHPAD_CHAT_TEMPLATE } from "./chat-template.js";

const fixture = (name: string) => readFile(path.join("test/fixtures/chat-templates", name), "utf8");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "chat-template-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("chat templates", () => {
  it("scratchpad's template is BOS + the last user message, whatever else the conversation holds", () => {
    const t = new ChatTemplate(SCRATCHPAD_CHAT_TEMPLATE, { bosToken: "<bos>", eosToken: "<eos>" });
    expect(t.promptFor("68+30=")).toBe("<bos>68+30=");
    expect(
      t.render([
        { role: "system", content: "s" },
        { role: "user", content: "1+2=" },
        { role: "assistant", content: "3" },
        { role: "user", content: "4+4=" },
      ]),
    ).toBe("<bos>4+4=");
    expect(t.render([{ role: "system", content: "only a system message" }])).toBe("<bos>");
    expect(t.thinkTagsDetected).toBe(false); // the template has no tags: <think> is assumed (or taken from the vocabulary)
    expect(new ChatTemplate(SCRATCHPAD_CHAT_TEMPLATE, { vocabulary: ["<think>", "</think>", "a"] }).thinkTagsDetected).toBe(true);
  });

  it("Qwen3: ChatML turns, the model opens <think> itself; enable_thinking=false renders an empty think block", async () => {
    const t = new ChatTemplate(await fixture("qwen3.jinja"), { eosToken: "<|im_end|>" });
    expect(t.thinkTags).toEqual({ open: "<think>", close: "</think>" });
    const p = t.promptFor("What is 2+2?");
    expect(p).toBe("<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n");
    expect(t.startsInThinking(p)).toBe(false);
    const off = t.promptFor("What is 2+2?", { variables: { enable_thinking: false } });
    expect(off).toBe(p + "<think>\n\n</think>\n\n");
    expect(t.startsInThinking(off)).toBe(false);
    const multi = t.render([
      { role: "system", content: "Be brief." },
      { role: "user", content: "1+1?" },
      { role: "assistant", content: "<think>\nadd\n</think>\n\n2" },
      { role: "user", content: "2+2?" },
    ]);
    // Earlier turns' reasoning is dropped, as Qwen3's template does.
    expect(multi).toBe(
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n1+1?<|im_end|>\n<|im_start|>assistant\n2<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n",
    );
  });

  it("DeepSeek-R1-Distill: BOS, <｜User｜>…<｜Assistant｜><think>\\n, so the completion starts inside thinking", async () => {
    const t = new ChatTemplate(await fixture("deepseek-r1-distill-qwen.jinja"), { bosToken: "<｜begin▁of▁sentence｜>", eosToken: "<｜end▁of▁sentence｜>" });
    const p = t.promptFor("What is 2+2?");
    expect(p).toBe("<｜begin▁of▁sentence｜><｜User｜>What is 2+2?<｜Assistant｜><think>\n");
    expect(t.thinkTags).toEqual({ open: "<think>", close: "</think>" });
    expect(t.startsInThinking(p)).toBe(true);
    const withSystem = t.render([
      { role: "system", content: "S" },
      { role: "user", content: "Q" },
      { role: "assistant", content: "<think>r</think>A" },
      { role: "user", content: "Q2" },
    ]);
    expect(withSystem).toBe("<｜begin▁of▁sentence｜>S<｜User｜>Q<｜Assistant｜>A<｜end▁of▁sentence｜><｜User｜>Q2<｜Assistant｜><think>\n");
  });

  it("detects other families' thinking tags and whether a text ends inside thinking", () => {
    expect(detectThinkTags("{{ '<seed:think>' }}…{{ '</seed:think>' }}")).toEqual({ open: "<seed:think>", close: "</seed:think>" });
    expect(detectThinkTags("{{ '[THINK]' + x + '[/THINK]' }}")).toEqual({ open: "[THINK]", close: "[/THINK]" });
    expect(detectThinkTags("{{ messages }}", ["<thinking>", "</thinking>"])).toEqual({ open: "<thinking>", close: "</thinking>" });
    expect(detectThinkTags("{{ messages }}", ["a", "b"])).toBeUndefined();
    const tags = { open: "<think>", close: "</think>" };
    expect(endsInsideThinking("x<think>\n", tags)).toBe(true);
    expect(endsInsideThinking("x<think>a</think>b", tags)).toBe(false);
    expect(endsInsideThinking("no tags", tags)).toBe(false);
  });

  it("loads a template from tokenizer_config.json (string or named list), a .jinja file or a model folder", async () => {
    const fromModel = await loadChatTemplate("models/r1zero");
    expect(fromModel).toMatchObject({ template: SCRATCHPAD_CHAT_TEMPLATE, bosToken: "<bos>", eosToken: "<eos>" });
    const jinja = path.join(dir, "qwen3.jinja");
    await writeFile(jinja, await fixture("qwen3.jinja"));
    expect((await loadChatTemplate(jinja)).template).toBe(await fixture("qwen3.jinja"));
    const listed = path.join(dir, "tokenizer_config.json");
    await writeFile(
      listed,
      JSON.stringify({
        chat_template: [
          { name: "tool_use", template: "T" },
          { name: "default", template: "D" },
        ],
        bos_token: { content: "<s>" },
      }),
    );
    expect(await loadChatTemplate(listed)).toMatchObject({ template: "D", bosToken: "<s>" });
  });

  it("errors name the file and the fix", async () => {
    await expect(loadChatTemplate(path.join(dir, "missing.jinja"))).rejects.toThrow(/missing\.jinja: cannot read the chat template \(no such file\)/);
    await writeFile(path.join(dir, "nothing.json"), JSON.stringify({ bos_token: "<s>" }));
    await expect(loadChatTemplate(path.join(dir, "nothing.json"))).rejects.toThrow(/has no "chat_template"; pass the model's template as a \.jinja file/);
    expect(() => new ChatTemplate("{% if %}", {}, "t.jinja")).toThrow(ChatTemplateError);
    expect(() => new ChatTemplate("{% if %}", {}, "t.jinja")).toThrow(/t\.jinja: not a valid Jinja template/);
  });
});
