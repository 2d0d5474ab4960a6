/**
 * The server's configuration as the request handlers see it, and the helpers they share
 * (token budgets against the context length, ids, usage objects).
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { EffortBudgets } from "../scale/effort.js";
import type { ThinkTags } from "../core/think.js";
import type { GenerationResult, ServeBackend } from "./backend.js";
import { OpenAIHttpError } from "./errors.js";
import type { ServerMetrics } from "./metrics.js";
import { sendEvent } from "./stream.js";
import type { ChatMessage, RequestLimits } from "./requests.js";
import { ScratchpadError } from "../core/errors.js";

/** Turns chat messages into the raw prompt the model was trained on. */
export type ChatTemplate = (messages: ChatMessage[]) => string;

/** Everything a handler needs. */
export interface ServeContext {
  backend: ServeBackend;
  modelName: string;
  chatTemplate: ChatTemplate;
  effortBudgets: Partial<EffortBudgets>;
  tags: ThinkTags;
  /** max_tokens when a request gives none (default 256, clamped to the context). */
  defaultMaxTokens: number;
  limits: RequestLimits;
  /** Requests waiting or running beyond which new ones get 429 (default 1024). */
  maxQueue: number;
  /** Counters for GET /metrics. */
  metrics?: ServerMetrics;
}

/**
 * The default chat template: system and user messages joined by newlines (assistant turns are
 * appended as they are), the raw text a completion model continues.
 */
export const plainChatTemplate: ChatTemplate = (messages) => messages.map((m) => m.content).join("\n");

/** A chat template that fills `{prompt}` in `template` with the last user message. */
export function templateFromString(template: string): ChatTemplate {
  if (!template.includes("{prompt}")) throw new ScratchpadError("invalid_chat_template", `chat template "${template}" must contain {prompt}`);
  return (messages) => {
    const last = [...messages].reverse().find((m) => m.role === "user");
    return template.replace("{prompt}", last?.content ?? "");
  };
}

/** Check the model name and the token room for a prompt; returns the max_tokens to use. */
export function tokenRoom(ctx: ServeContext, model: string, prompt: string, maxTokens: number | undefined): { promptTokens: number; maxTokens: number } {
  if (model !== ctx.modelName) {
    throw new OpenAIHttpError(
      404,
      `The model '${model}' does not exist: this server serves '${ctx.modelName}' (GET /v1/models)`,
      "invalid_request_error",
      "model",
      "model_not_found",
    );
  }
  const promptTokens = ctx.backend.countTokens(prompt);
  const room = ctx.backend.contextLength - promptTokens;
  if (room < 1) {
    throw new OpenAIHttpError(
      400,
      `the prompt has ${promptTokens} tokens; this model's context is ${ctx.backend.contextLength}: shorten the prompt`,
      "invalid_request_error",
      "messages",
      "context_length_exceeded",
    );
  }
  if (maxTokens !== undefined && maxTokens > room) {
    throw new OpenAIHttpError(
      400,
      `max tokens ${maxTokens} + prompt ${promptTokens} exceed the context length ${ctx.backend.contextLength}: ask for at most ${room}`,
      "invalid_request_error",
      "max_tokens",
      "context_length_exceeded",
    );
  }
  return { promptTokens, maxTokens: maxTokens ?? Math.min(ctx.defaultMaxTokens, room) };
}

/**
 * Reject new work when the backend is overloaded (429: clients retry with backoff), and a request
 * that can never be admitted — more sequences than the whole queue holds — with a 400 naming what to
 * lower (`n`, or the number of prompts), since retrying it would never succeed.
 */
export function checkLoad(ctx: ServeContext, adding: number, shape: { n: number; prompts?: number } = { n: adding }): void {
  if (adding > ctx.maxQueue) {
    const prompts = shape.prompts ?? 1;
    const param = shape.n > 1 ? "n" : "prompt";
    throw new OpenAIHttpError(
      400,
      `this request asks for ${adding} sequences (${prompts} prompt${prompts === 1 ? "" : "s"} × n=${shape.n}), more than this server ever holds at once (${ctx.maxQueue}): lower ${param === "n" ? "n" : "the number of prompts"} or split the request`,
      "invalid_request_error",
      param,
      "request_too_large",
    );
  }
  if ((ctx.backend.load ?? 0) + adding > ctx.maxQueue) {
    throw new OpenAIHttpError(429, `the server is at capacity (${ctx.maxQueue} requests): retry later`, "rate_limit_exceeded", null, "rate_limit_exceeded");
  }
}

/** Count an answered request's tokens for /metrics. */
export function recordTokens(ctx: ServeContext, promptTokens: number, results: GenerationResult[]): void {
  ctx.metrics?.observeTokens(
    promptTokens,
    results.reduce((a, r) => a + r.completionTokens, 0),
  );
}

/**
 * The end of a streamed response: count the tokens for /metrics, send the usage chunk when the
 * client asked for it (`stream_options.include_usage`: an empty `choices` and the usage), then
 * `[DONE]`, and close.
 */
export function endStream(
  ctx: ServeContext,
  res: ServerResponse,
  meta: { id: string; created: number; promptTokens: number },
  object: "chat.completion.chunk" | "text_completion",
  includeUsage: boolean,
  results: GenerationResult[],
): void {
  recordTokens(ctx, meta.promptTokens, results);
  if (includeUsage) {
    sendEvent(res, { id: meta.id, object, created: meta.created, model: ctx.modelName, choices: [], usage: usageOf(meta.promptTokens, results) });
  }
  sendEvent(res, "[DONE]");
  res.end();
}

/** An OpenAI-style id. */
export function newId(prefix: string): string {
  return `${prefix}-${randomUUID().replace(/-/g, "").slice(0, 24)}`;
}

/** The usage object, with reasoning tokens in completion_tokens_details. */
export function usageOf(promptTokens: number, results: GenerationResult[]) {
  const completion = results.reduce((a, r) => a + r.completionTokens, 0);
  const reasoning = results.reduce((a, r) => a + r.thinkingTokens, 0);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

/** OpenAI finish reasons ("abort" never reaches a client that is still there). */
export function finishReason(r: GenerationResult["finishReason"]): "stop" | "length" {
  return r === "length" ? "length" : "stop";
}
