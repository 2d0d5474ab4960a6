// scratchpad/ai-sdk with the real Vercel AI SDK (ai@6) and @ai-sdk/openai-compatible against a real
// `scratchpad serve` on 127.0.0.1: reasoning parts, streaming, usage, and the middleware
// (self-consistency, router, budget forcing) through wrapLanguageModel; and the provider over
// scratchpad's own models (a checkpoint folder through the embedded engine).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText, wrapLanguageModel } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budgetForcingMiddleware, createScratchpad, routerMiddleware, selfConsistencyMiddleware } from "../src/ai-sdk/index.js";
import { llamaCppAvailable } from "../src/backends/index.js";
import { loadCheckpoint, saveCheckpoint } from "../src/engine/checkpoint.js";
import { checkpointToGguf } from "../src/engine/gguf-export.js";
import { startTinyServer, tinyModel } from "./inference-fixtures.js";

let srv: Awaited<ReturnType<typeof startTinyServer>>;
let dir: string;
let provider: ReturnType<typeof createOpenAICompatible>;

beforeAll(async () => {
  srv = await startTinyServer(); // chat template "{prompt}<think>": every answer starts inside thinking
  provider = createOpenAICompatible({ name: "scratchpad", baseURL: srv.url, includeUsage: true });
  dir = await mkdtemp(path.join(tmpdir(), "ai-sdk-"));
  const { model, tokenizer } = tinyModel(7);
  await saveCheckpoint(path.join(dir, "tiny"), { model, tokenizer });
});
afterAll(async () => {
  await srv?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the AI SDK against scratchpad serve", () => {
  it("generateText: reasoning apart from the text, usage with reasoning tokens", async () => {
    const r = await generateText({
      model: provider.chatModel("tiny"),
      prompt: "12+30=",
      maxOutputTokens: 40,
      seed: 3,
      maxRetries: 0,
      providerOptions: { scratchpad: { reasoningEffort: "low" } },
    });
    expect(r.reasoningText?.length).toBeGreaterThan(0);
    expect(r.reasoningText).not.toContain("</think>");
    expect(r.text).not.toContain("<think>");
    expect(r.usage.outputTokens).toBeGreaterThan(0);
    expect(r.usage.outputTokenDetails.reasoningTokens).toBeGreaterThan(0);
    expect(r.usage.outputTokenDetails.reasoningTokens).toBeLessThanOrEqual(r.usage.outputTokens!);
  });

  it("streamText: reasoning deltas before text deltas, the same answer as generateText, usage at the end", async () => {
    const call = { model: provider.chatModel("tiny"), prompt: "7+8=", maxOutputTokens: 30, seed: 5, maxRetries: 0 };
    const s = streamText(call);
    const kinds: string[] = [];
    for await (const part of s.fullStream) {
      if (part.type === "reasoning-delta") kinds.push("r");
      if (part.type === "text-delta") kinds.push("t");
    }
    expect(kinds.join("")).toMatch(/^r+t*$/);
    const once = await generateText(call);
    expect(await s.reasoningText).toBe(once.reasoningText);
    expect(await s.text).toBe(once.text);
    expect((await s.usage).outputTokens).toBe(once.usage.outputTokens);
  });

  it("self-consistency middleware: k samples, the majority answer, usage of every sample", async () => {
    const model = wrapLanguageModel({ model: provider.chatModel("tiny"), middleware: selfConsistencyMiddleware({ k: 3 }) });
    const r = await generateText({ model, prompt: "2+2=", maxOutputTokens: 24, seed: 11, maxRetries: 0 });
    const meta = r.providerMetadata?.scratchpad as { samples: number; votes: (string | null)[]; confidence: number; answer: string | null };
    expect(meta.samples).toBe(3);
    expect(meta.votes).toHaveLength(3);
    // the usage is the three samples' together: the same calls made one by one
    let sum = 0;
    for (const seed of [11, 12, 13])
      sum += (await generateText({ model: provider.chatModel("tiny"), prompt: "2+2=", maxOutputTokens: 24, seed, maxRetries: 0 })).usage.outputTokens!;
    expect(r.usage.outputTokens).toBe(sum);
    if (meta.answer !== null) expect(meta.confidence).toBeGreaterThanOrEqual(1 / 3);
    // streaming through the middleware gives the chosen sample
    const s = streamText({ model, prompt: "2+2=", maxOutputTokens: 24, seed: 11, maxRetries: 0 });
    expect(await s.text).toBe(r.text);
  });

  it("router middleware: escalates to the strong model when the cheap probes are unsure", async () => {
    const strong = provider.chatModel("tiny");
    const always = wrapLanguageModel({ model: provider.chatModel("tiny"), middleware: routerMiddleware({ strong, probes: 2, threshold: 1.01 }) });
    const r = await generateText({ model: always, prompt: "5+1=", maxOutputTokens: 20, seed: 2, maxRetries: 0 });
    expect((r.providerMetadata?.scratchpad as { escalated: boolean }).escalated).toBe(true);
    const never = wrapLanguageModel({ model: provider.chatModel("tiny"), middleware: routerMiddleware({ strong, probes: 2, threshold: 0 }) });
    const q = await generateText({ model: never, prompt: "5+1=", maxOutputTokens: 20, seed: 2, maxRetries: 0 });
    const meta = q.providerMetadata?.scratchpad as { escalated: boolean; samples: number; answer: string | null };
    if (meta.answer !== null) expect(meta.escalated).toBe(false); // no answer at all escalates too
    expect(meta.samples).toBe(meta.escalated ? 3 : 2);
  });

  it("budget forcing middleware over the server's raw completions caps thinking", async () => {
    const scratchpad = createScratchpad({ maxRetries: 0 });
    const model = wrapLanguageModel({ model: scratchpad(srv.url), middleware: budgetForcingMiddleware({ budget: 6, answerTokens: 8 }) });
    for (const seed of [1, 2, 3]) {
      const r = await generateText({ model, prompt: "4+4=<think>", maxOutputTokens: 60, seed, maxRetries: 0 });
      const meta = r.providerMetadata?.scratchpad as { thinkingTokens: number; forcedStop: boolean };
      expect(meta.thinkingTokens).toBeLessThanOrEqual(6);
      expect(r.usage.outputTokenDetails.reasoningTokens).toBe(meta.thinkingTokens);
      expect(r.text).not.toContain("</think>");
    }
  });
});

const gguf = await llamaCppAvailable();

describe.skipIf(!gguf.ok)(`the scratchpad provider over a GGUF file (llama.cpp in process)${gguf.ok ? "" : ` (SKIPPED: ${gguf.reason})`}`, () => {
  it("generateText and budget forcing on an exported GGUF of models/r1zero", async () => {
    const ck = await loadCheckpoint(fileURLToPath(new URL("../models/r1zero", import.meta.url)), { optimizer: false });
    const file = path.join(dir, "r1zero.gguf");
    await writeFile(file, checkpointToGguf(ck));
    const scratchpad = createScratchpad();
    const r = await generateText({ model: scratchpad(file), prompt: "12+34=", maxOutputTokens: 60, temperature: 0 });
    expect(r.text.length + (r.reasoningText?.length ?? 0)).toBeGreaterThan(0);
    expect(r.usage.outputTokens).toBeGreaterThan(0);
    const capped = wrapLanguageModel({ model: scratchpad(file), middleware: budgetForcingMiddleware({ budget: 4, answerTokens: 12 }) });
    const b = await generateText({ model: capped, prompt: "123+456=<think>", maxOutputTokens: 60, seed: 1 });
    expect((b.providerMetadata?.scratchpad as { thinkingTokens: number }).thinkingTokens).toBeLessThanOrEqual(4);
  }, 120_000);
});

describe("the scratchpad provider over a checkpoint folder (embedded engine)", () => {
  it("generateText and streamText with reasoning parts and usage", async () => {
    const scratchpad = createScratchpad();
    const model = scratchpad(path.join(dir, "tiny"));
    const r = await generateText({ model, prompt: "3+4=<think>", maxOutputTokens: 30, seed: 4 });
    expect(r.usage.outputTokens).toBeGreaterThan(0);
    expect(r.usage.inputTokens).toBeGreaterThan(0);
    if (r.reasoningText) expect(r.reasoningText).not.toContain("</think>");
    const s = streamText({ model, prompt: "3+4=<think>", maxOutputTokens: 30, seed: 4 });
    expect(await s.text).toBe(r.text);
    expect(await s.reasoningText).toBe(r.reasoningText);
  });
});
