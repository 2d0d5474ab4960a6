/**
 * POST /v1/chat/completions: the reasoning is returned apart from the answer, in both
 * `reasoning_content` (DeepSeek / vLLM) and `reasoning` (OpenRouter / newer vLLM), streamed as
 * reasoning deltas before content deltas; `reasoning_effort` sets a thinking budget (budget
 * forcing); `max_completion_tokens` caps reasoning and answer together.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { effortBudget } from "../scale/effort.js";
import { splitThinking } from "../core/think.js";
import type { GenerationRequest, GenerationResult, TokenEvent } from "./backend.js";
import { checkLoad, endStream, finishReason, newId, recordTokens, tokenRoom, usageOf, type ServeContext } from "./context.js";
import { ReasoningSplitter } from "./reasoningSplitter.js";
import { parseChatRequest, type ChatRequest } from "./requests.js";
import { routeField, routeHeader, routeHeaderBefore, responseRouteField } from "./route-info.js";
import { sendEvent, startSSE, StopHoldback } from "./stream.js";

/** Handle one chat completion request (body already parsed as JSON). */
export async function handleChat(ctx: ServeContext, body: unknown, res: ServerResponse, req: IncomingMessage): Promise<void> {
  const r = parseChatRequest(body, ctx.limits);
  const prompt = ctx.chatTemplate(r.messages);
  const { promptTokens, maxTokens } = tokenRoom(ctx, r.model, prompt, r.maxTokens);
  checkLoad(ctx, r.n, { n: r.n });
  const budget = r.effort ? effortBudget(r.effort, ctx.effortBudgets) : undefined;
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  req.on("aborted", () => abort.abort());
  const base: GenerationRequest = {
    prompt,
    maxTokens,
    temperature: r.temperature,
    topP: r.topP,
    topK: r.topK,
    stop: r.stop,
    thinkingBudget: budget === undefined || !Number.isFinite(budget) ? undefined : budget,
    topLogprobs: r.logprobs ? r.topLogprobs : 0,
    signal: abort.signal,
  };
  const startInThinking = prompt.trimEnd().endsWith(ctx.tags.open);
  const id = newId("chatcmpl");
  const created = Math.floor(Date.now() / 1000);
  if (r.stream) return streamChat(ctx, r, base, { id, created, promptTokens, startInThinking }, res);
  const results = await Promise.all(Array.from({ length: r.n }, (_, i) => ctx.backend.submit({ ...base, seed: seedOf(r, i) })));
  recordTokens(ctx, promptTokens, results);
  if (abort.signal.aborted) return;
  const choices = results.map((g, index) => {
    const s = splitThinking(startInThinking ? ctx.tags.open + g.text : g.text, ctx.tags);
    const reasoning = s.opened ? s.reasoning : null;
    return {
      index,
      message: { role: "assistant", content: s.opened ? s.answer : g.text, reasoning_content: reasoning, reasoning },
      logprobs: r.logprobs ? { content: g.tokens.filter((t) => !t.forced).map((t) => chatLogprob(t)) } : null,
      finish_reason: finishReason(g.finishReason),
      ...routeField(g),
    };
  });
  res.writeHead(200, { "content-type": "application/json", ...routeHeader(results) });
  res.end(
    JSON.stringify({
      id,
      object: "chat.completion",
      created,
      model: ctx.modelName,
      choices,
      usage: usageOf(promptTokens, results),
      ...responseRouteField(results),
    }),
  );
}

function seedOf(r: ChatRequest, i: number): number | undefined {
  return r.seed === undefined ? undefined : r.seed + i;
}

function chatLogprob(t: TokenEvent) {
  return {
    token: t.text,
    logprob: t.logprob,
    bytes: [...Buffer.from(t.text, "utf8")],
    top_logprobs: (t.top ?? []).map((a) => ({ token: a.text, logprob: a.logprob, bytes: [...Buffer.from(a.text, "utf8")] })),
  };
}

async function streamChat(
  ctx: ServeContext,
  r: ChatRequest,
  base: GenerationRequest,
  meta: { id: string; created: number; promptTokens: number; startInThinking: boolean },
  res: ServerResponse,
): Promise<void> {
  startSSE(res, routeHeaderBefore(ctx.backend, [base.prompt]));
  const chunk = (index: number, delta: Record<string, unknown>, finish: string | null = null, logprobs: unknown = null) =>
    sendEvent(res, {
      id: meta.id,
      object: "chat.completion.chunk",
      created: meta.created,
      model: ctx.modelName,
      choices: [{ index, delta, logprobs, finish_reason: finish }],
    });
  const emit = (index: number, d: { reasoning?: string; content?: string }) => {
    if (d.reasoning) chunk(index, { reasoning_content: d.reasoning, reasoning: d.reasoning });
    if (d.content) chunk(index, { content: d.content });
  };
  const runs = Array.from({ length: r.n }, (_, index) => {
    const splitter = new ReasoningSplitter(ctx.tags, meta.startInThinking);
    const hold = new StopHoldback(r.stop);
    chunk(index, { role: "assistant", content: "" });
    return ctx.backend
      .submit({
        ...base,
        seed: seedOf(r, index),
        onToken: (t) => {
          emit(index, splitter.push(hold.push(t.text)));
          if (r.logprobs && !t.forced) chunk(index, {}, null, { content: [chatLogprob(t)] });
        },
      })
      .then((g: GenerationResult) => {
        emit(index, splitter.push(hold.finish(g.text)));
        emit(index, splitter.end());
        chunk(index, {}, finishReason(g.finishReason));
        return g;
      });
  });
  endStream(ctx, res, meta, "chat.completion.chunk", r.includeUsage, await Promise.all(runs));
}
