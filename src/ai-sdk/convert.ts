/**
 * Conversions between the AI SDK's language-model protocol (LanguageModelV3 from
 * `@ai-sdk/provider`, what `ai@6` calls) and scratchpad's `Policy`: prompts to raw text, a
 * completion to content parts (reasoning apart from text), usage, and a finished result replayed
 * as a stream. Types only are imported from `@ai-sdk/provider`, so nothing here loads it at run time.
 */
import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { DEFAULT_THINK_TAGS, splitThinking, type ThinkTags } from "../core/think.js";
import type { Completion, FinishReason, GenerateOptions } from "../types.js";

/** The text of a message's text parts (files and tool parts have no text). */
export function messageText(m: LanguageModelV3Prompt[number]): string {
  if (typeof m.content === "string") return m.content;
  return (m.content as { type: string; text?: string }[]).map((p) => (p.type === "text" && typeof p.text === "string" ? p.text : "")).join("");
}

/** The last user message's text: the raw prompt of a completion model trained on raw prompts. */
export function lastUserText(prompt: LanguageModelV3Prompt): string {
  for (let i = prompt.length - 1; i >= 0; i--) if (prompt[i].role === "user") return messageText(prompt[i]);
  return "";
}

/** A one-message prompt holding `text`: what a completion model continues as raw text. */
export function textPrompt(text: string): LanguageModelV3Prompt {
  return [{ role: "user", content: [{ type: "text", text }] }];
}

/** Sampling options of a call in scratchpad's terms. */
export function generateOptions(o: LanguageModelV3CallOptions, maxTokensDefault = 256): GenerateOptions {
  return {
    n: 1,
    maxTokens: o.maxOutputTokens ?? maxTokensDefault,
    temperature: o.temperature,
    topP: o.topP,
    topK: o.topK,
    stop: o.stopSequences,
    seed: o.seed,
    signal: o.abortSignal,
  };
}

export function finishReason(r: FinishReason): LanguageModelV3FinishReason {
  return { unified: r === "length" ? "length" : "stop", raw: r };
}

/** AI SDK usage from token counts. */
export function usage(input: number | undefined, output: number | undefined, reasoning: number | undefined): LanguageModelV3Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output === undefined ? undefined : output - (reasoning ?? 0), reasoning },
  };
}

/** Sum usages (every sample a strategy drew counts). */
export function addUsage(us: LanguageModelV3Usage[]): LanguageModelV3Usage {
  const sum = (f: (u: LanguageModelV3Usage) => number | undefined) => {
    const xs = us.map(f);
    return xs.every((x) => x === undefined) ? undefined : xs.reduce<number>((a, x) => a + (x ?? 0), 0);
  };
  return {
    inputTokens: {
      total: sum((u) => u.inputTokens.total),
      noCache: sum((u) => u.inputTokens.noCache),
      cacheRead: sum((u) => u.inputTokens.cacheRead),
      cacheWrite: sum((u) => u.inputTokens.cacheWrite),
    },
    outputTokens: { total: sum((u) => u.outputTokens.total), text: sum((u) => u.outputTokens.text), reasoning: sum((u) => u.outputTokens.reasoning) },
  };
}

/**
 * A completion as content parts: the thinking segment as a reasoning part (from
 * `Completion.reasoning`, or split from the text with the think tags; `inThinking` when the prompt
 * opened the segment), then the answer as a text part.
 */
export function completionContent(c: Completion, tags: ThinkTags = DEFAULT_THINK_TAGS, inThinking = false): LanguageModelV3Content[] {
  let reasoning = c.reasoning ?? "";
  let text = c.text;
  if (c.reasoning === undefined) {
    const s = splitThinking(inThinking ? tags.open + c.text : c.text, tags);
    if (s.opened) {
      reasoning = s.reasoning;
      text = s.answer;
    }
  }
  const out: LanguageModelV3Content[] = [];
  if (reasoning !== "") out.push({ type: "reasoning", text: reasoning });
  out.push({ type: "text", text });
  return out;
}

/** The reasoning and the text of a result's content. */
export function contentText(content: LanguageModelV3Content[]): { reasoning: string; text: string } {
  let reasoning = "";
  let text = "";
  for (const p of content) {
    if (p.type === "reasoning") reasoning += p.text;
    else if (p.type === "text") text += p.text;
  }
  return { reasoning, text };
}

/** Replay a finished result as a stream: reasoning deltas, then text deltas, then finish. */
export function resultToStream(r: LanguageModelV3GenerateResult): LanguageModelV3StreamResult {
  const parts: LanguageModelV3StreamPart[] = [{ type: "stream-start", warnings: r.warnings }];
  if (r.response) parts.push({ type: "response-metadata", ...r.response });
  r.content.forEach((p, i) => {
    const id = String(i);
    if (p.type === "reasoning") parts.push({ type: "reasoning-start", id }, { type: "reasoning-delta", id, delta: p.text }, { type: "reasoning-end", id });
    else if (p.type === "text") parts.push({ type: "text-start", id }, { type: "text-delta", id, delta: p.text }, { type: "text-end", id });
  });
  parts.push({ type: "finish", usage: r.usage, finishReason: r.finishReason, ...(r.providerMetadata && { providerMetadata: r.providerMetadata }) });
  return {
    stream: new ReadableStream<LanguageModelV3StreamPart>({
      start(controller) {
        for (const p of parts) controller.enqueue(p);
        controller.close();
      },
    }),
  };
}
