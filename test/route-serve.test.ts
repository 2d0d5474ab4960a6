// Routing end to end: `scratchpad route` trains and saves a router (the JSON contract: baselines,
// oracle, router with PGR, APGR, sweep), and a server fronting two backends with it (one embedded
// checkpoint, one OpenAI-compatible URL) says where each request went, in a header and a field,
// through the `openai` client. Real engines, real HTTP servers on 127.0.0.1, the built CLI.
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIPolicy } from "../src/backends/openai.js";
import { saveCheckpoint } from "../src/engine/checkpoint.js";
import { tsKernels } from "../src/engine/kernels/ts.js";
import { saveRouter, trainPromptRouter, type QueryRecord, type SavedRouter } from "../src/scale/routing/index.js";
import { ContinuousBatcher } from "../src/serve/batcher.js";
import { PolicyBackend, RoutingBackend } from "../src/serve/routing-backend.js";
import { startServer, type RunningServer } from "../src/serve/server.js";
import { templateFromString } from "../src/serve/context.js";
import { ensureBuilt, runCli, startServe } from "./cli-helpers.js";
import { startTinyServer, tinyModel } from "./inference-fixtures.js";

let dir: string;
let cheapDir: string;
let strongDir: string;
const children: ChildProcess[] = [];

const run = runCli;

/** Start `scratchpad serve ... --port 0` and wait for the line that names its URL. */
async function serve(args: string[]): Promise<string> {
  return (await startServe(args, children)).url;
}

/** A prompt router trained on records where the cheap option gets short prompts right and long ones wrong. */
function longPromptsGoStrong(): SavedRouter {
  const options = [
    { name: "cheap", outputPrice: 1 },
    { name: "strong", outputPrice: 10 },
  ];
  const records: QueryRecord[] = Array.from({ length: 40 }, (_, i) => {
    const long = i % 2 === 1;
    return {
      prompt: long ? `${30000 + i * 91}+${40000 + i * 13}=` : `${i % 9}+${i % 7}=`,
      outcomes: [
        { correct: !long, outputTokens: 10, inputTokens: 0 },
        { correct: true, outputTokens: 40, inputTokens: 0 },
      ],
    };
  });
  return {
    format: "scratchpad-router",
    version: 1,
    router: trainPromptRouter(records, options, { epochs: 200 }),
    threshold: 0.5,
    options: options.map((o) => ({ name: o.name, output_price: o.outputPrice, input_price: 0 })),
    calibration: {},
  };
}

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(path.join(tmpdir(), "route-serve-"));
  cheapDir = path.join(dir, "cheap");
  strongDir = path.join(dir, "strong");
  await saveCheckpoint(cheapDir, tinyModel(3));
  await saveCheckpoint(strongDir, tinyModel(4));
}, 300_000);

afterAll(async () => {
  for (const c of children) c.kill("SIGTERM");
  await rm(dir, { recursive: true, force: true });
});

describe("a server fronting two backends with a router", () => {
  let remote: Awaited<ReturnType<typeof startTinyServer>>;
  let routed: RunningServer;
  let backend: RoutingBackend;

  beforeAll(async () => {
    remote = await startTinyServer();
    const { model, tokenizer } = tinyModel(5);
    const local = new ContinuousBatcher({ model, tokenizer, kernels: tsKernels, maxSlots: 8 });
    backend = new RoutingBackend(longPromptsGoStrong(), [local, new PolicyBackend(new OpenAIPolicy({ baseURL: remote.url, model: "tiny" }))]);
    routed = await startServer({ backend, modelName: "routed", port: 0, chatTemplate: templateFromString("{prompt}"), defaultMaxTokens: 12 });
  });
  afterAll(async () => {
    await routed?.close();
    await backend?.close();
    await remote?.close();
  });

  it("says in a header and a field which option answered (completions and chat, streamed too)", async () => {
    const client = new OpenAI({ baseURL: routed.url, apiKey: "unused" });
    const easy = await client.completions.create({ model: "routed", prompt: "3+4=", max_tokens: 8, temperature: 0 }).withResponse();
    expect(easy.response.headers.get("x-scratchpad-route")).toBe("cheap");
    expect((easy.data as unknown as { route: { name: string } }).route.name).toBe("cheap");
    const hard = await client.completions.create({ model: "routed", prompt: "31337+42424=", max_tokens: 8, temperature: 0 }).withResponse();
    expect(hard.response.headers.get("x-scratchpad-route")).toBe("strong");
    expect((hard.data.choices[0] as unknown as { route: { option: number } }).route.option).toBe(1);
    const chat = await client.chat.completions.create({ model: "routed", messages: [{ role: "user", content: "52341+99871=" }], max_tokens: 8 }).withResponse();
    expect(chat.response.headers.get("x-scratchpad-route")).toBe("strong");
    const stream = await client.completions.create({ model: "routed", prompt: "2+2=", max_tokens: 8, stream: true }).withResponse();
    expect(stream.response.headers.get("x-scratchpad-route")).toBe("cheap");
    let text = "";
    for await (const chunk of stream.data) text += chunk.choices[0]?.text ?? "";
    expect(typeof text).toBe("string");
  });
});

describe("scratchpad route and serve --router", () => {
  it("route --json prints the money frontier; --save-router writes a file serve loads", async () => {
    const file = path.join(dir, "router.json");
    const report = path.join(dir, "route.html");
    const r = await run([
      "route",
      "--cheap",
      cheapDir,
      "--strong",
      strongDir,
      "--router",
      "prompt",
      "--cheap-price",
      "1",
      "--strong-price",
      "10",
      "--max-cpt",
      "0.5",
      "--n",
      "4",
      "--difficulty",
      "1-2",
      "--max-tokens",
      "12",
      "--json",
      "--save-router",
      file,
      "--report",
      report,
      "--bound-samples",
      "2",
      "--strong-votes",
      "2",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ["always_cheap", "always_strong", "oracle", "router"]) {
      for (const f of ["accuracy", "cost", "cpt"]) expect(typeof j[k][f], `${k}.${f}`).toBe("number");
    }
    expect(j.always_cheap.cpt).toBe(0);
    expect(j.always_strong.cpt).toBe(1);
    // Strong is 10× the price per token: its cost per query is its tokens × 10 / 1e6.
    expect(j.always_strong.cost).toBeCloseTo((j.always_strong.tokens * 10) / 1e6, 12);
    // PGR and APGR are numbers when always-strong and always-cheap differ, null when they tie (the
    // untrained test checkpoints usually get nothing right: no gap to recover).
    const tie = j.always_cheap.accuracy === j.always_strong.accuracy;
    if (tie) {
      expect(j.router.pgr).toBeNull();
      expect(j.apgr).toBeNull();
      expect(j.prompt_oracle.apgr).toBeNull();
    } else {
      expect(typeof j.router.pgr).toBe("number");
      expect(j.apgr).toBeGreaterThanOrEqual(0);
      expect(j.prompt_oracle.apgr).toBeGreaterThanOrEqual(0);
    }
    expect(j.sweep.length).toBeGreaterThanOrEqual(2);
    for (const p of j.sweep) for (const f of ["threshold", "accuracy", "cost", "cpt"]) expect(typeof p[f]).toBe("number");
    expect(j.router.calibration.target).toEqual({ kind: "max-cpt", maxCpt: 0.5 });
    // --bound-samples: the prompt oracle, scored on the same test outcomes, at most the router's CPT.
    expect(j.prompt_oracle.samples).toBe(2);
    expect(j.prompt_oracle.at_router_cpt.cpt).toBeLessThanOrEqual(j.router.cpt);
    expect(j.prompt_oracle.sweep[0].cpt).toBe(0);
    const html = await readFile(report, "utf8");
    expect(html).toContain('data-chart="route-frontier"');
    expect(html).toContain('data-chart="route-pgr"');
    expect(html).toContain("prompt oracle");

    // The router file records how each option answered, for the server to answer the same way.
    expect(JSON.parse(await readFile(file, "utf8")).options[1]).toMatchObject({ output_price: 10, votes: 2 });
    const url = await serve(["--router", file, "--cheap", cheapDir, "--strong", strongDir, "--max-tokens", "8"]);
    const client = new OpenAI({ baseURL: url, apiKey: "unused" });
    const res = await client.completions.create({ model: "router", prompt: "1+1=", max_tokens: 4 }).withResponse();
    // The server names each option by what it fronts (the folders given), not the calibration's labels.
    expect([cheapDir, strongDir]).toContain(res.response.headers.get("x-scratchpad-route"));
  });

  it("serve --router re-applies the votes an option was priced with", async () => {
    const saved = longPromptsGoStrong();
    saved.options[1].votes = 3;
    const file = path.join(dir, "router-votes.json");
    await saveRouter(file, saved);
    const { url, log } = await startServe(["--router", file, "--cheap", cheapDir, "--strong", strongDir, "--max-tokens", "8"], children);
    expect(log).toContain(`${strongDir} vote@3`);
    const client = new OpenAI({ baseURL: url, apiKey: "unused" });
    const hard = await client.completions.create({ model: "router", prompt: "31337+42424=", max_tokens: 4, temperature: 0 }).withResponse();
    expect(hard.response.headers.get("x-scratchpad-route")).toBe(strongDir);
    // The same router without votes, for one greedy sample's length: the voting server drew and
    // billed three such samples.
    const plainFile = path.join(dir, "router-plain.json");
    await saveRouter(plainFile, longPromptsGoStrong());
    const plain = new OpenAI({
      baseURL: await serve(["--router", plainFile, "--cheap", cheapDir, "--strong", strongDir, "--max-tokens", "8"]),
      apiKey: "unused",
    });
    const one = await plain.completions.create({ model: "router", prompt: "31337+42424=", max_tokens: 4, temperature: 0 });
    expect(one.choices[0].text).toBe(hard.data.choices[0].text);
    expect(hard.data.usage!.completion_tokens).toBe(3 * one.usage!.completion_tokens);
  });

  it("serve --router names what is missing", async () => {
    const r = await run(["serve", "--router", path.join(dir, "router.json"), "--cheap", cheapDir]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--router needs --cheap A and --strong B/);
    const bad = await run(["route", "--cheap", cheapDir, "--strong", strongDir, "--router", "bert"]);
    expect(bad.stderr).toMatch(/--router must be one of prompt, probe; got "bert"/);
  });
});
