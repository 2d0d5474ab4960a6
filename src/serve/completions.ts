/**
 * POST /v1/completions: raw prompts (one or many), `n` choices each, stop strings, `logprobs`
 * (the sampled tokens' log-probabilities plus up to 5 alternatives), `echo`, and streaming.
 * Choice i*n+j is the j-th sample of prompt i, as in the OpenAI API.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GenerationRequest, GenerationResult, TokenEvent } from "./backend.js";
import { checkLoad, endStream, finishReason, newId, recordTokens, tokenRoom, usageOf, type ServeContext } from "./context.js";
import { parseCompletionRequest, type CompletionRequest } from "./requests.js";
import { routeField, routeHeader, routeHeaderBefore, responseRouteField } from "./route-info.js";
import { sendEvent, startSSE, StopHoldback } from "./stream.js";

/** Handle one completions request (body already parsed as JSON). */
export async function handleCompletions(ctx: ServeContext, body: unknown, res: ServerResponse, req: IncomingMessage): Promise<void> {
  const r = parseCompletionRequest(body, ctx.limits);
  const rooms = r.prompts.map((p) => tokenRoom(ctx, r.model, p, r.maxTokens));
  checkLoad(ctx, r.prompts.length * r.n, { n: r.n, prompts: r.prompts.length });
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  req.on("aborted", () => abort.abort());
  const id = newId("cmpl");
  const created = Math.floor(Date.now() / 1000);
  const promptTokens = rooms.reduce((a, x) => a + x.promptTokens, 0);
  const jobs: { index: number; req: GenerationRequest; prompt: string }[] = [];
  r.prompts.forEach((prompt, i) => {
    for (let j = 0; j < r.n; j++) {
      const index = i * r.n + j;
      jobs.push({
        index,
        prompt,
        req: {
          prompt,
          maxTokens: rooms[i].maxTokens,
          temperature: r.temperature,
          topP: r.topP,
          topK: r.topK,
          stop: r.stop,
          seed: r.seed === undefined ? undefined : r.seed + index,
          topLogprobs: r.logprobs ?? 0,
          signal: abort.signal,
        },
      });
    }
  });
  if (r.stream) return streamCompletions(ctx, r, jobs, { id, created, promptTokens }, res);
  const results = await Promise.all(jobs.map((job) => ctx.backend.submit(job.req)));
  recordTokens(ctx, promptTokens, results);
  if (abort.signal.aborted) return;
  const choices = results.map((g, k) => ({
    index: jobs[k].index,
    text: (r.echo ? jobs[k].prompt : "") + g.text,
    logprobs: r.logprobs === null ? null : logprobsOf(g.tokens, r.echo ? jobs[k].prompt.length : 0),
    finish_reason: finishReason(g.finishReason),
    ...routeField(g),
  }));
  res.writeHead(200, { "content-type": "application/json", ...routeHeader(results) });
  res.end(
    JSON.stringify({
      id,
      object: "text_completion",
      created,
      model: ctx.modelName,
      choices,
      usage: usageOf(promptTokens, results),
      ...responseRouteField(results),
    }),
  );
}

/** The legacy logprobs object: tokens, token_logprobs, top_logprobs, text_offset. */
function logprobsOf(tokens: TokenEvent[], offset0: number) {
  let offset = offset0;
  const out = { tokens: [] as string[], token_logprobs: [] as number[], top_logprobs: [] as (Record<string, number> | null)[], text_offset: [] as number[] };
  for (const t of tokens) {
    out.tokens.push(t.text);
    out.token_logprobs.push(t.logprob);
    out.top_logprobs.push(t.top ? Object.fromEntries(t.top.map((a) => [a.text, a.logprob])) : null);
    out.text_offset.push(offset);
    offset += t.text.length;
  }
  return out;
}

async function streamCompletions(
  ctx: ServeContext,
  r: CompletionRequest,
  jobs: { index: number; req: GenerationRequest; prompt: string }[],
  meta: { id: string; created: number; promptTokens: number },
  res: ServerResponse,
): Promise<void> {
  startSSE(
    res,
    routeHeaderBefore(
      ctx.backend,
      jobs.map((j) => j.prompt),
    ),
  );
  const chunk = (index: number, text: string, finish: string | null = null, logprobs: ReturnType<typeof logprobsOf> | null = null) =>
    sendEvent(res, {
      id: meta.id,
      object: "text_completion",
      created: meta.created,
      model: ctx.modelName,
      choices: [{ index, text, logprobs, finish_reason: finish }],
    });
  const runs = jobs.map((job) => {
    const hold = new StopHoldback(r.stop);
    // With logprobs, each chunk carries the tokens its text completes: tokens wait until the
    // stop-string hold-back has released all of their text.
    const pending: TokenEvent[] = [];
    let sentTokens = 0;
    let released = 0; // characters of generated text sent
    let covered = 0; // characters of the tokens sent
    let offset = r.echo ? job.prompt.length : 0;
    const take = (): ReturnType<typeof logprobsOf> | null => {
      if (r.logprobs === null) return null;
      const ready: TokenEvent[] = [];
      while (pending.length > 0 && covered + pending[0].text.length <= released) {
        const t = pending.shift()!;
        covered += t.text.length;
        ready.push(t);
      }
      sentTokens += ready.length;
      const lp = logprobsOf(ready, offset);
      offset += ready.reduce((a, t) => a + t.text.length, 0);
      return lp;
    };
    if (r.echo) chunk(job.index, job.prompt, null, r.logprobs === null ? null : logprobsOf([], 0));
    return ctx.backend
      .submit({
        ...job.req,
        onToken: (t) => {
          if (r.logprobs !== null) pending.push(t);
          const s = hold.push(t.text);
          released += s.length;
          if (s) chunk(job.index, s, null, take());
        },
      })
      .then((g: GenerationResult) => {
        const rest = hold.finish(g.text);
        // the final token list is authoritative (a stop string drops the tokens that made it)
        const last = r.logprobs === null ? null : logprobsOf(g.tokens.slice(sentTokens), offset);
        if (rest || (last && last.tokens.length > 0)) chunk(job.index, rest, null, last);
        chunk(job.index, "", finishReason(g.finishReason));
        return g;
      });
  });
  endStream(ctx, res, meta, "text_completion", r.includeUsage, await Promise.all(runs));
}
