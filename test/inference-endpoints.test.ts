// The openai backend against stand-ins of every common server (vLLM old and new, SGLang, llama.cpp
// with and without --reasoning-format, Ollama, DeepSeek's API; see test/endpoint-standins.ts for
// each one's wire format and where it comes from): eval gets the k it asked for, max_tokens fits
// the context, thinking tokens are the server's own count when it reports one, and errors say
// what to check.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { loadChatPrompt } from "../src/backends/chat-prompt.js";
import { OpenAIBackendError, OpenAIPolicy } from "../src/backends/openai.js";
import { parseContextOverflow, refusesN } from "../src/backends/openai-compat.js";
import { sampleProblems } from "../src/eval/samples.js";
import { generateWithBudget } from "../src/scale/budget.js";
import { getTask } from "../src/tasks/index.js";
import { startTinyServer } from "./inference-fixtures.js";
import { standInContinue, standInTokens, startStandIn, type Flavor, type StandIn } from "./endpoint-standins.js";

const open: StandIn[] = [];
async function standIn(...args: Parameters<typeof startStandIn>): Promise<StandIn> {
  const s = await startStandIn(...args);
  open.push(s);
  return s;
}
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

const policyFor = (s: StandIn, extra: Partial<ConstructorParameters<typeof OpenAIPolicy>[0]> = {}) =>
  new OpenAIPolicy({ baseURL: s.url, model: s.url.includes("deepseek") ? "deepseek-reasoner" : "standin", maxRetries: 0, ...extra });

const completionFlavors: Flavor[] = ["vllm-0.9", "vllm-0.10", "sglang", "llamacpp", "llamacpp-reasoning", "ollama"];

describe("raw completions against each server", () => {
  for (const flavor of completionFlavors) {
    it(`${flavor}: k samples per problem with distinct seeds, max_tokens within the context`, async () => {
      const s = await standIn({ flavor, contextLength: 128 });
      const policy = policyFor(s);
      const problems = getTask("addition").generate(3, { difficulty: 2, seed: 4 });
      // max_tokens 256 against a 128-token context: the README's case, which used to answer 400.
      const records = await sampleProblems(policy, problems, { n: 4, maxTokens: 256, seed: 10 });
      expect(records.map((rs) => rs.length)).toEqual([4, 4, 4]);
      // four different samples, not one repeated: each is the stand-in's continuation for its own seed
      const texts = records.flat().map((r) => r.text);
      expect(new Set(texts).size).toBeGreaterThan(4);
      const ok = s.requests.filter((q) => q.path === "/v1/completions" && q.status === 200);
      // every sample drawn with its own seed: s + i·n + j, no stream shared across problems
      const drawn = (q: { body: Record<string, unknown> }) => (flavor === "ollama" ? 1 : ((q.body.n as number | undefined) ?? 1)); // Ollama returns one whatever n says
      const seeds = ok.flatMap((q) => Array.from({ length: drawn(q) }, (_, j) => (q.body.seed as number) + j));
      expect(seeds.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => 10 + i));
      // (Ollama publishes no context length over /v1 and never refuses a long max_tokens: it stops at its num_ctx)
      for (const q of flavor === "ollama" ? [] : ok) {
        const promptTokens = standInTokens(q.body.prompt as string).length + 1;
        expect((q.body.max_tokens as number) + promptTokens).toBeLessThanOrEqual(128);
      }
      // n: honoured by vLLM and SGLang (one request per problem); llama.cpp refuses it and Ollama
      // ignores it, so those get one request per sample
      if (flavor.startsWith("vllm") || flavor === "sglang") expect(ok.length).toBe(3);
      else expect(ok.filter((q) => (q.body.n ?? 1) === 1).length).toBeGreaterThanOrEqual(flavor === "ollama" ? 9 : 12);
    });
  }

  it("eval's batches continue the seed streams: no two samples of a run share a seed", async () => {
    const s = await standIn({ flavor: "sglang", contextLength: 512 });
    const problems = getTask("addition").generate(5, { difficulty: 1, seed: 8 });
    await sampleProblems(policyFor(s), problems, { n: 3, maxTokens: 64, seed: 100, batchSize: 2 });
    const seeds = s.requests.filter((q) => q.path === "/v1/completions").flatMap((q) => [0, 1, 2].map((j) => (q.body.seed as number) + j));
    expect(seeds.sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => 100 + i));
  });

  it("a server that publishes no context length: the 400 is read, max_tokens clamped, sent once more", async () => {
    for (const flavor of ["vllm-0.9", "vllm-0.10", "sglang"] as const) {
      const s = await standIn({ flavor, contextLength: 64, publishContext: false });
      const policy = policyFor(s);
      const [[c]] = await policy.generate(["12+34="], { maxTokens: 200, seed: 1 });
      expect(c.text.length).toBeGreaterThan(0);
      const posts = s.requests.filter((q) => q.path === "/v1/completions");
      expect(posts.map((q) => q.status)).toEqual([400, 200]);
      expect(posts[1].body.max_tokens).toBe(64 - 7); // the room the server's message named
      // the context is learned: the next request fits at once
      await policy.generate(["1+2="], { maxTokens: 200, seed: 2 });
      expect(s.requests.filter((q) => q.path === "/v1/completions").map((q) => q.status)).toEqual([400, 200, 200]);
    }
  });

  it("llama.cpp: the context comes from /props, and a prompt over it is an error that says what to change", async () => {
    const s = await standIn({ flavor: "llamacpp", contextLength: 40 });
    const policy = policyFor(s);
    expect(await policy.contextLength()).toBe(40);
    const long = "1+1=" + "x".repeat(60);
    const err = await policy.generate([long], { maxTokens: 8 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAIBackendError);
    expect((err as Error).message).toMatch(/exceeds the available context size/);
    expect((err as Error).message).toMatch(/larger context/);
    expect((err as Error).message).not.toMatch(/400 400/);
  });

  it("thinking tokens: counted from the listed tokens, including a prompt that opened thinking", async () => {
    const s = await standIn({ flavor: "vllm-0.10", contextLength: 512 });
    const policy = policyFor(s);
    const out = await policy.generate(["3+4=<think>"], { n: 3, maxTokens: 100, seed: 5 });
    for (const [j, c] of out[0].entries()) {
      const expected = standInContinue("3+4=<think>", 5 + j);
      const thinking = standInTokens(expected.slice(0, expected.indexOf("</think>"))).length;
      expect(c.thinkingTokens).toBe(thinking);
      expect(c.text).toBe(expected);
    }
  });

  it("budget forcing over each server's /v1/completions caps thinking at the budget", async () => {
    // (not Ollama: its /v1/completions wraps every prompt in the model's template, so a forced
    // continuation would be a new question; over Ollama use --api chat with --reasoning-effort)
    for (const flavor of ["vllm-0.9", "sglang", "llamacpp"] as const) {
      const s = await standIn({ flavor, contextLength: 256 });
      const out = await generateWithBudget(policyFor(s), ["5+6=<think>"], { budget: 6, answerTokens: 8 }, { n: 4, maxTokens: 64, seed: 3 });
      expect(out[0]).toHaveLength(4);
      for (const c of out[0]) {
        expect(c.thinkingTokens).toBeLessThanOrEqual(6);
        expect(c.text).toContain("</think>");
      }
      expect(out[0].some((c) => c.forcedStop)).toBe(true);
    }
  });
});

describe("client-side chat template (--chat-template) over /v1/completions", () => {
  // DeepSeek-R1's template (its tokenizer_config.json, abridged to the user/assistant turns): the
  // generation prompt opens the thinking segment.
  const r1 = {
    bos_token: { content: "<｜begin▁of▁sentence｜>" },
    eos_token: "<｜end▁of▁sentence｜>",
    chat_template:
      "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{{ bos_token }}" +
      "{% for message in messages %}{% if message['role'] == 'user' %}{{ '<｜User｜>' + message['content'] }}{% endif %}" +
      "{% if message['role'] == 'assistant' %}{{ '<｜Assistant｜>' + message['content'] + '<｜end▁of▁sentence｜>' }}{% endif %}{% endfor %}" +
      "{% if add_generation_prompt %}{{ '<｜Assistant｜><think>\\n' }}{% endif %}",
  };

  it("renders the model's template (BOS left to the server) and budget forcing continues it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "chat-template-"));
    try {
      await writeFile(path.join(dir, "tokenizer_config.json"), JSON.stringify(r1));
      const chat = await loadChatPrompt(path.join(dir, "tokenizer_config.json"));
      expect(chat("3+4=")).toBe("<｜User｜>3+4=<｜Assistant｜><think>\n");
      expect(chat.tags).toEqual({ open: "<think>", close: "</think>" });
      const s = await standIn({ flavor: "vllm-0.10", contextLength: 256 });
      const out = await generateWithBudget(policyFor(s), [chat("3+4=")], { budget: 5, answerTokens: 8, tags: chat.tags }, { n: 3, maxTokens: 64, seed: 2 });
      for (const c of out[0]) {
        expect(c.thinkingTokens).toBeLessThanOrEqual(5);
        expect(c.text).toContain("</think>");
      }
      expect(s.requests[s.requests.length - 1].body.prompt).toMatch(/^<｜User｜>3\+4=<｜Assistant｜><think>\n/);
      // the folder form finds the same file
      expect((await loadChatPrompt(dir))("1+1=")).toBe("<｜User｜>1+1=<｜Assistant｜><think>\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("chat against each server", () => {
  const chatFlavors: Flavor[] = ["vllm-0.9", "vllm-0.10", "sglang", "llamacpp", "llamacpp-reasoning", "ollama", "deepseek"];
  for (const flavor of chatFlavors) {
    it(`${flavor}: reasoning apart from the answer, n samples, max_tokens sent beside max_completion_tokens`, async () => {
      const s = await standIn({ flavor, contextLength: 512 });
      const policy = policyFor(s, { api: "chat", exactTokens: false });
      const out = await policy.generate(["21+21="], { n: 3, maxTokens: 100, seed: 7 });
      expect(out[0]).toHaveLength(3);
      for (const [j, c] of out[0].entries()) {
        const full = standInContinue("21+21=", 7 + j);
        const close = full.indexOf("</think>");
        expect(c.reasoning).toBe(full.slice("<think>".length, close));
        expect(c.text).toBe(full.slice(close + "</think>".length));
        if (flavor === "deepseek") expect(c.thinkingTokens).toBe(standInTokens(c.reasoning!).length); // the server's count
      }
      for (const q of s.requests.filter((x) => x.path === "/v1/chat/completions")) {
        expect(q.body.max_tokens).toBe(q.body.max_completion_tokens);
      }
    });
  }
});

describe("counts the server reports", () => {
  it("thinking tokens over /v1/completions are the server's reasoning_tokens when it reports them (scratchpad serve)", async () => {
    const srv = await startTinyServer();
    try {
      const policy = new OpenAIPolicy({ baseURL: srv.url, model: "tiny", maxRetries: 0 });
      const raw = new OpenAI({ baseURL: srv.url, apiKey: "none", maxRetries: 0 });
      for (const seed of [1, 2, 3]) {
        const [[c]] = await policy.generate(["6+7=<think>"], { maxTokens: 40, seed });
        const r = await raw.completions.create({ model: "tiny", prompt: "6+7=<think>", max_tokens: 40, seed });
        expect(r.choices[0].text).toBe(c.text);
        expect(c.thinkingTokens).toBe(r.usage!.completion_tokens_details!.reasoning_tokens);
      }
    } finally {
      await srv.close();
    }
  });

  it("a server that returns no choice at all is an error, never a smaller k", async () => {
    const empty = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          req.url?.endsWith("/models")
            ? JSON.stringify({ object: "list", data: [] })
            : JSON.stringify({
                id: "x",
                object: "text_completion",
                created: 0,
                model: "m",
                choices: [],
                usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 },
              }),
        );
      });
    });
    await new Promise<void>((resolve) => empty.listen(0, "127.0.0.1", resolve));
    try {
      const port = (empty.address() as { port: number }).port;
      const policy = new OpenAIPolicy({ baseURL: `http://127.0.0.1:${port}/v1`, model: "m", maxRetries: 0 });
      const err = await policy.generate(["1+1="], { n: 4 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAIBackendError);
      expect((err as Error).message).toMatch(/asked for 1 completion, the server returned 0/);
    } finally {
      await new Promise<void>((resolve) => empty.close(() => resolve()));
    }
  });
});

describe("helpers and errors", () => {
  it("reads every server's context-overflow wording", () => {
    expect(
      parseContextOverflow(
        "This model's maximum context length is 128 tokens. However, you requested 261 tokens (5 in the messages, 256 in the completion). Please reduce the length of the messages or completion.",
      ),
    ).toEqual({ contextLength: 128, promptTokens: 5, maxTokens: undefined });
    expect(
      parseContextOverflow(
        "'max_tokens' or 'max_completion_tokens' is too large: 256. This model's maximum context length is 128 tokens and your request has 5 input tokens (256 > 128 - 5).",
      )?.promptTokens,
    ).toBe(5);
    expect(
      parseContextOverflow(
        "This model's maximum context length is 4096 tokens. However, you requested 5000 output tokens and your prompt contains 90 input tokens, for a total of 5090 tokens.",
      )?.promptTokens,
    ).toBe(90);
    expect(
      parseContextOverflow(
        "Requested token count exceeds the model's maximum context length of 128 tokens. You requested a total of 261 tokens: 5 tokens from the input messages and 256 tokens for the completion.",
      ),
    ).toEqual({ contextLength: 128, promptTokens: 5, maxTokens: undefined });
    expect(parseContextOverflow("max tokens 256 + prompt 5 exceed the context length 128: ask for at most 123")).toEqual({
      contextLength: 128,
      promptTokens: 5,
      maxTokens: 123,
    });
    expect(parseContextOverflow("temperature must be between 0 and 2")).toBeUndefined();
    expect(refusesN("Only one completion choice is allowed")).toBe(true);
    expect(refusesN("Illegal param: only one completion choice is allowed")).toBe(true);
    expect(refusesN("temperature must be between 0 and 2")).toBe(false);
  });

  it("an unreachable server: the error says what to check, once", async () => {
    // a port that was free a moment ago and has nothing listening now
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const policy = new OpenAIPolicy({ baseURL: `http://127.0.0.1:${port}/v1`, model: "m", maxRetries: 0 });
    const err = await policy.generate(["1+1="]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAIBackendError);
    expect((err as Error).message).toMatch(/could not reach http:\/\/127\.0\.0\.1:\d+\/v1 \(ECONNREFUSED\)/);
    expect((err as Error).message).toMatch(/server is running/);
    expect((err as OpenAIBackendError).code).toBe("endpoint_unreachable");
  });
});
