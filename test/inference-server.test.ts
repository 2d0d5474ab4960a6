// The OpenAI-compatible server, exercised through the official `openai` client against a real
// server on 127.0.0.1 running a real (randomly initialised) engine model with continuous batching.
import { execFile } from "node:child_process";
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
      model: "tiny",
      messages: [{ role: "user", content: "12+34=" }],
      max_completion_tokens: 40,
      seed: 3,
      reasoning_effort: "low",
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
    const body = {
      model: "tiny",
      messages: [{ role: "user" as const, content: "7+8=" }],
      max_completion_tokens: 30,
      seed: 5,
      reasoning_effort: "minimal" as const,
    };
    const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    const kinds: string[] = [];
    let reasoning = "";
    let content = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const d = chunk.choices[0]?.delta as (ReasoningMessage & { content?: string }) | undefined;
      if (d?.reasoning_content) {
        kinds.push("r");
        reasoning += d.reasoning_content;
        expect(d.reasoning).toBe(d.reasoning_content);
      }
      if (d?.content) {
        kinds.push("c");
        content += d.content;
      }
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
        model: "tiny",
        messages: [{ role: "user", content: "3+4=" }],
        max_completion_tokens: 120,
        n: 6,
        seed: 1,
        reasoning_effort: effort,
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
    const rs = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        client.chat.completions.create({
          model: "tiny",
          messages: [{ role: "user", content: `${i}+${i}=` }],
          max_completion_tokens: 24,
          seed: i,
        }),
      ),
    );
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
      for (const top of c.logprobs!.top_logprobs!) expect(Object.keys(top).length).toBeGreaterThanOrEqual(1);
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
      const err = await client.chat.completions.create(body as never).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.status).toBe(400);
      expect(e.param).toBe(param);
      expect(e.type).toBe("invalid_request_error");
      expect(e.message.length).toBeGreaterThan(10);
    }
    const missing = await client.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }).then(
      () => null,
      (e: unknown) => e,
    );
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
      {
        model: "tiny",
        messages: [{ role: "user", content: "9+9=" }],
        max_completion_tokens: 150,
        stream: true,
        temperature: 1,
        seed: 9,
        reasoning_effort: "high",
      },
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

describe("scratchpad serve: CORS, API key, limits, metrics", () => {
  let guarded: Srv;
  beforeAll(async () => {
    guarded = await startTinyServer({ apiKey: "sk-test", allowedOrigins: ["http://app.example"], maxBodyBytes: 64 * 1024, maxQueue: 8 });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  it("answers a browser's preflight, and marks responses for allowed origins only (default: any origin)", async () => {
    const pre = await fetch(`${srv.url}/chat/completions`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    expect(pre.headers.get("access-control-allow-headers")).toBe("authorization, content-type");
    const get = await fetch(`${srv.url}/models`, { headers: { origin: "http://localhost:3000" } });
    expect(get.headers.get("access-control-allow-origin")).toBe("*");
    // a configured list: the allowed origin is echoed, another gets no CORS header and a refused preflight
    const ok = await fetch(`${guarded.url}/models`, { headers: { origin: "http://app.example", authorization: "Bearer sk-test" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://app.example");
    const other = await fetch(`${guarded.url}/models`, { headers: { origin: "http://evil.example", authorization: "Bearer sk-test" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const refused = await fetch(`${guarded.url}/models`, {
      method: "OPTIONS",
      headers: { origin: "http://evil.example", "access-control-request-method": "GET" },
    });
    expect(refused.status).toBe(400);
  });

  it("--api-key: a missing or wrong key is a 401 the openai client reports; the right one works", async () => {
    for (const apiKey of ["none", "sk-wrong"]) {
      const c = new OpenAI({ baseURL: guarded.url, apiKey, maxRetries: 0 });
      const err = await c.models.list().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("invalid_api_key");
    }
    const raw = await fetch(`${guarded.url}/models`);
    expect(raw.status).toBe(401);
    expect(((await raw.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    const good = new OpenAI({ baseURL: guarded.url, apiKey: "sk-test", maxRetries: 0 });
    expect((await good.models.list()).data[0].id).toBe("tiny");
    // health, version and metrics stay open
    expect((await fetch(guarded.url.replace(/\/v1$/, "/health"))).status).toBe(200);
  });

  it("refuses tools, response_format and logit_bias with a 400 naming the parameter", async () => {
    const base = { model: "tiny", messages: [{ role: "user" as const, content: "1+1=" }], max_completion_tokens: 8 };
    const cases: [Record<string, unknown>, string][] = [
      [{ tools: [{ type: "function", function: { name: "add", parameters: { type: "object" } } }] }, "tools"],
      [{ response_format: { type: "json_object" } }, "response_format"],
      [{ logit_bias: { "5": 10 } }, "logit_bias"],
    ];
    for (const [extra, param] of cases) {
      const err = await client.chat.completions.create({ ...base, ...extra } as never).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(param);
    }
    const c = await client.completions.create({ model: "tiny", prompt: "1+1=", max_tokens: 4, logit_bias: { "5": 1 } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((c as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("logit_bias");
    // neutral values pass
    const fine = await client.chat.completions.create({ ...base, tools: [], response_format: { type: "text" }, logit_bias: {} } as never);
    expect(fine.choices).toHaveLength(1);
  });

  it("streamed /v1/completions carry logprobs that match the non-streamed ones", async () => {
    const body = { model: "tiny", prompt: "3+5=", max_tokens: 12, seed: 4, logprobs: 2, stop: ["7"] };
    const once = await client.completions.create(body);
    const tokens: string[] = [];
    const lps: number[] = [];
    let text = "";
    for await (const chunk of await client.completions.create({ ...body, stream: true })) {
      const c = chunk.choices[0];
      if (!c) continue;
      text += c.text;
      if (c.logprobs) {
        tokens.push(...(c.logprobs.tokens ?? []));
        lps.push(...(c.logprobs.token_logprobs ?? []));
        for (const top of c.logprobs.top_logprobs ?? []) expect(Object.keys(top ?? {}).length).toBeGreaterThanOrEqual(1);
      }
    }
    expect(text).toBe(once.choices[0].text);
    expect(tokens).toEqual(once.choices[0].logprobs!.tokens);
    expect(lps).toEqual(once.choices[0].logprobs!.token_logprobs);
    expect(tokens.length).toBeGreaterThan(0);
  });

  it("a request that can never fit is a 400 naming n or prompt, not a 429 to retry", async () => {
    const auth = { headers: { authorization: "Bearer sk-test", "content-type": "application/json" } };
    const tooMany = await fetch(`${guarded.url}/completions`, {
      method: "POST",
      ...auth,
      body: JSON.stringify({ model: "tiny", prompt: ["1+1=", "2+2=", "3+3="], n: 4, max_tokens: 4 }),
    });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { param: string } }).error.param).toBe("n");
    const prompts = await fetch(`${guarded.url}/completions`, {
      method: "POST",
      ...auth,
      body: JSON.stringify({ model: "tiny", prompt: Array.from({ length: 9 }, () => "1+1="), max_tokens: 4 }),
    });
    expect(prompts.status).toBe(400);
    expect(((await prompts.json()) as { error: { param: string } }).error.param).toBe("prompt");
  });

  it("a body over the cap: 413 and the connection closed; Python requests gets the answer, not a hang", async () => {
    const py = [
      "import json, sys, requests",
      "body = json.dumps({'model': 'tiny', 'prompt': 'x' * (1 << 20), 'max_tokens': 1})",
      "r = requests.post(sys.argv[1] + '/completions', data=body, headers={'Authorization': 'Bearer sk-test', 'Content-Type': 'application/json'}, timeout=60)",
      "print(json.dumps({'status': r.status_code, 'connection': r.headers.get('connection'), 'code': r.json()['error']['code']}))",
    ].join("\n");
    const out = await new Promise<string>((resolve, reject) => {
      execFile("/usr/bin/python3", ["-c", py, guarded.url], { timeout: 120_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(stderr || String(err))) : resolve(stdout),
      );
    });
    expect(JSON.parse(out)).toEqual({ status: 413, connection: "close", code: "request_too_large" });
  });

  it("GET /metrics is Prometheus text with requests, tokens, queue depth and a latency histogram; GET /version", async () => {
    await client.completions.create({ model: "tiny", prompt: "2+2=", max_tokens: 5, seed: 1 });
    const res = await fetch(srv.url.replace(/\/v1$/, "/metrics"));
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1]);
    expect(value(/^scratchpad_requests_total\{model_name="tiny",endpoint="\/v1\/completions",status="200"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^scratchpad_generation_tokens_total\{model_name="tiny"\} (\d+)$/m)).toBeGreaterThanOrEqual(5);
    expect(value(/^scratchpad_prompt_tokens_total\{model_name="tiny"\} (\d+)$/m)).toBeGreaterThan(0);
    expect(value(/^scratchpad_queue_depth\{model_name="tiny"\} (\d+)$/m)).toBeGreaterThanOrEqual(0);
    const count = value(/^scratchpad_request_duration_seconds_count\{model_name="tiny"\} (\d+)$/m);
    expect(value(/^scratchpad_request_duration_seconds_bucket\{model_name="tiny",le="\+Inf"\} (\d+)$/m)).toBe(count);
    expect(text).toMatch(/^# TYPE scratchpad_request_duration_seconds histogram$/m);
    const version = (await (await fetch(srv.url.replace(/\/v1$/, "/version"))).json()) as { version: string };
    expect(version.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
