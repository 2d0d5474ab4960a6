// The OpenAI-compatible server, exercised through the official `openai` client against a real
// server on 127.0.0.1 running a real (randomly initialised) engine model with continuous batching.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTinyServer } from "./inference-fixtures.js";

type Srv = Awaited<ReturnType<typeof startTinyServer>>;
let srv: Srv;
let client: OpenAI;

beforeAll(async () => {
  srv = await startTinyServer();
  client = new OpenAI({ baseURL: srv.url, apiKey: "none", maxRetries: 0 });
});
afterAll(async () => {
  await srv?.close();
});

type ReasoningMessage = { content: string | null; reasoning_content?: string | null; reasoning?: string | null };

describe("scratchpad serve", () => {
  it("lists its model", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(["tiny"]);
  });

  it("returns the reasoning apart from the answer, with reasoning tokens in usage", async () => {
    const r = await client.chat.completions.create({
      model: "tiny", messages: [{ role: "user", content: "12+34=" }], max_completion_tokens: 40, seed: 3, reasoning_effort: "low",
    });
    const m = r.choices[0].message as unknown as ReasoningMessage;
    expect(typeof m.reasoning_content).toBe("string");
    expect(m.reasoning).toBe(m.reasoning_content);
    expect(m.content).not.toContain("<think>");
    expect(m.reasoning_content).not.toContain("</think>");
    const details = r.usage!.completion_tokens_details!;
    expect(details.reasoning_tokens).toBeGreaterThan(0);
    expect(details.reasoning_tokens).toBeLessThanOrEqual(32); // "low" = 32 thinking tokens
    expect(r.usage!.completion_tokens).toBeLessThanOrEqual(40);
    expect(r.usage!.completion_tokens).toBeGreaterThanOrEqual(details.reasoning_tokens!);
  });

  it("streams reasoning deltas before content deltas, and the stream equals the non-streamed answer", async () => {
    const body = { model: "tiny", messages: [{ role: "user" as const, content: "7+8=" }], max_completion_tokens: 30, seed: 5, reasoning_effort: "minimal" as const };
    const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    const kinds: string[] = [];
    let reasoning = "";
    let content = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const d = chunk.choices[0]?.delta as (ReasoningMessage & { content?: string }) | undefined;
      if (d?.reasoning_content) { kinds.push("r"); reasoning += d.reasoning_content; expect(d.reasoning).toBe(d.reasoning_content); }
      if (d?.content) { kinds.push("c"); content += d.content; }
    }
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.join("")).toMatch(/^r*c*$/); // every reasoning delta comes before any content delta
    expect(kinds[0]).toBe("r");
    const once = await client.chat.completions.create(body);
    const m = once.choices[0].message as unknown as ReasoningMessage;
    expect(reasoning).toBe(m.reasoning_content);
    expect(content).toBe(m.content);
    expect(usage?.completion_tokens_details?.reasoning_tokens).toBe(once.usage?.completion_tokens_details?.reasoning_tokens);
  });

  it("reasoning_effort visibly changes the thinking length", async () => {
    const lengths: Record<string, number> = {};
    for (const effort of ["none", "minimal", "low", "high"] as const) {
      const r = await client.chat.completions.create({
        model: "tiny", messages: [{ role: "user", content: "3+4=" }], max_completion_tokens: 120, n: 6, seed: 1, reasoning_effort: effort,
      });
      lengths[effort] = r.usage!.completion_tokens_details!.reasoning_tokens! / 6;
    }
    expect(lengths.none).toBe(0);
    expect(lengths.minimal).toBeLessThanOrEqual(8);
    expect(lengths.low).toBeLessThanOrEqual(32);
    expect(lengths.minimal).toBeGreaterThan(lengths.none);
    expect(lengths.low).toBeGreaterThan(lengths.minimal);
    expect(lengths.high).toBeGreaterThan(lengths.low);
  });

  it("serves 32 concurrent requests, batching them into one decode loop", async () => {
    const before = { ...srv.batcher.stats };
    const rs = await Promise.all(Array.from({ length: 32 }, (_, i) => client.chat.completions.create({
      model: "tiny", messages: [{ role: "user", content: `${i}+${i}=` }], max_completion_tokens: 24, seed: i,
    })));
    expect(rs).toHaveLength(32);
    for (const r of rs) expect(r.choices[0].finish_reason).toMatch(/stop|length/);
    const steps = srv.batcher.stats.steps - before.steps;
    const slotSteps = srv.batcher.stats.slotSteps - before.slotSteps;
    expect(slotSteps / steps).toBeGreaterThan(4); // many sequences per decode step, not one at a time
  });

  it("raw /v1/completions: n choices, stop strings, logprobs", async () => {
    const r = await client.completions.create({ model: "tiny", prompt: ["1+1=", "2+2="], n: 3, max_tokens: 16, seed: 2, logprobs: 2, stop: ["\n"] });
    expect(r.choices).toHaveLength(6);
    expect(r.choices.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const c of r.choices) {
      expect(c.text).not.toContain("\n");
      expect(c.logprobs!.tokens!.join("")).toContain(c.text);
      for (const lp of c.logprobs!.token_logprobs!) expect(lp).toBeLessThanOrEqual(0);
      for (const top of c.logprobs!.top_logprobs!) expect(Object.keys(top!).length).toBeGreaterThanOrEqual(1);
    }
    const listed = r.choices.reduce((a, c) => a + c.logprobs!.tokens!.length, 0);
    // usage also counts each choice's final stop token (EOS or the token that completed a stop string)
    expect(r.usage!.completion_tokens).toBeGreaterThanOrEqual(listed);
    expect(r.usage!.completion_tokens).toBeLessThanOrEqual(listed + r.choices.length);
  });

  it("streams raw completions that add up to the non-streamed text", async () => {
    const body = { model: "tiny", prompt: "5+5=", max_tokens: 20, seed: 8, stop: ["9"] };
    const once = await client.completions.create(body);
    let text = "";
    let finish: string | null = null;
    for await (const chunk of await client.completions.create({ ...body, stream: true })) {
      text += chunk.choices[0]?.text ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe(once.choices[0].text);
    expect(finish).toBe(once.choices[0].finish_reason);
    const echoed = await client.completions.create({ ...body, echo: true });
    expect(echoed.choices[0].text).toBe("5+5=" + once.choices[0].text);
  });

  it("answers malformed requests with OpenAI-shaped 4xx errors", async () => {
    const bad: [Record<string, unknown>, string | null][] = [
      [{ model: "tiny" }, "messages"],
      [{ model: "tiny", messages: [{ role: "wizard", content: "x" }] }, "messages[0].role"],
      [{ model: "tiny", messages: [{ role: "user", content: "x" }], temperature: 9 }, "temperature"],
      [{ model: "tiny", messages: [{ role: "user", content: "x" }], reasoning_effort: "extreme" }, "reasoning_effort"],
      [{ model: "tiny", messages: [{ role: "user", content: "x" }], n: 0 }, "n"],
      [{ model: "tiny", messages: [{ role: "user", content: "x" }], max_completion_tokens: 100000 }, "max_tokens"],
    ];
    for (const [body, param] of bad) {
      const err = await client.chat.completions.create(body as never).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.status).toBe(400);
      expect(e.param).toBe(param);
      expect(e.type).toBe("invalid_request_error");
      expect(e.message.length).toBeGreaterThan(10);
    }
    const missing = await client.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }).then(() => null, (e: unknown) => e);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).status).toBe(404);
    const raw = await fetch(`${srv.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(raw.status).toBe(400);
    const j = (await raw.json()) as { error: { message: string; type: string; code: string } };
    expect(j.error.code).toBe("invalid_json");
    const wrong = await fetch(`${srv.url}/completions`, { method: "GET" });
    expect(wrong.status).toBe(405);
    expect(((await wrong.json()) as { error: unknown }).error).toBeDefined();
  });

  it("a client that disconnects frees its slot", async () => {
    const ac = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "tiny", messages: [{ role: "user", content: "9+9=" }], max_completion_tokens: 150, stream: true, temperature: 1, seed: 9, reasoning_effort: "high" },
      { signal: ac.signal },
    );
    let seen = 0;
    try {
      for await (const _ of stream) {
        if (++seen === 3) ac.abort();
      }
    } catch {
      // the client reports the abort (or just ends the stream)
    }
    expect(seen).toBe(3);
    for (let t = 0; t < 100 && srv.batcher.load > 0; t++) await new Promise((r) => setTimeout(r, 20));
    expect(srv.batcher.load).toBe(0);
    expect(srv.batcher.stats.generatedTokens).toBeGreaterThan(0);
  });
});
