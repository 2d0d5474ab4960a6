/**
 * An exported GGUF of models/r1zero in llama.cpp itself (node-llama-cpp 3.21.1, its prebuilt CPU
 * binary): the file loads unmodified, tokenizes eval prompts to the engine's ids, continues 20
 * addition prompts greedily token for token as `scratchpad sample --temperature 0` does, and gives
 * the engine's next-token distribution within 1e-3 at F32 (llama.cpp's probabilities are the
 * softmax of its raw logits under greedy sampling, so log-probabilities and mean-centred logits are
 * compared). The `llama-cpp` backend over the file gives the embedded backend's completions, and
 * budget forcing works through it; with Qwen3's or DeepSeek-R1's template in the file it renders
 * prompts in chat mode and continues after the template. Skipped, with the reason in the suite's name, where
 * node-llama-cpp (an optional dependency) cannot load.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { EmbeddedPolicy } from "../src/backends/embedded.js";
import { LlamaCppPolicy, llamaCppAvailable, openPolicy } from "../src/backends/index.js";
import { buildProgram } from "../src/cli/main.js";
import { ChatTemplate, SCRATCHPAD_CHAT_TEMPLATE } from "../src/core/chat-template.js";
import { loadCheckpoint, type Checkpoint } from "../src/engine/checkpoint.js";
import { readGguf } from "../src/engine/gguf.js";
import { checkpointToGguf, exportGguf } from "../src/engine/gguf-export.js";
import { Trainer } from "../src/engine/train.js";
import { buildProblems } from "../src/eval/problems.js";
import { withBudget } from "../src/scale/budget.js";
import { ContinuousBatcher } from "../src/serve/batcher.js";
import { templateFromString } from "../src/serve/context.js";
import { startServer } from "../src/serve/server.js";

const available = await llamaCppAvailable();
const title = available.ok ? "GGUF export in llama.cpp" : `GGUF export in llama.cpp (SKIPPED: ${available.reason})`;
if (!available.ok) console.warn(`test/gguf-llama.test.ts skipped: ${available.reason}`);

/* The parts of node-llama-cpp used directly (optional dependency: no static types). */
type Tok = number;
interface Seq {
  evaluateWithMetadata(t: Tok[], m: { probabilities?: boolean }, o: Record<string, unknown>): AsyncGenerator<{ token: Tok; probabilities?: Map<Tok, number> }>;
  clearHistory(): Promise<void>;
}
interface LModel {
  tokens: { bos: Tok | null; shouldPrependBosToken: boolean };
  fileInfo: { metadata: Record<string, Record<string, unknown>> };
  tokenize(t: string, special?: boolean): Tok[];
  detokenize(t: readonly Tok[], special?: boolean): string;
  createContext(o: Record<string, unknown>): Promise<{ getSequence(): Seq; dispose(): Promise<void> }>;
  dispose(): Promise<void>;
}
async function loadRaw(file: string): Promise<LModel> {
  const specifier = "node-llama-cpp";
  const mod = (await import(specifier)) as {
    getLlama(o: Record<string, unknown>): Promise<{ loadModel(o: { modelPath: string }): Promise<LModel> }>;
    LlamaLogLevel: { error: unknown };
  };
  const llama = await mod.getLlama({ gpu: false, build: "never", logLevel: mod.LlamaLogLevel.error });
  return llama.loadModel({ modelPath: file });
}

/** Run the CLI in this process and return what it printed. */
async function cli(args: string[]): Promise<string> {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((s: unknown) => void lines.push(String(s)));
  const out = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync(["node", "scratchpad", ...args]);
  } finally {
    log.mockRestore();
    out.mockRestore();
  }
  return lines.join("\n");
}

/** Greedy continuation in llama.cpp until EOS or the context (128) is full, with each step's distribution. */
async function llamaGreedy(seq: Seq, prompt: Tok[], ctx: number, eos: Tok, withProbs = false): Promise<{ tokens: Tok[]; probs: Map<Tok, number>[] }> {
  await seq.clearHistory();
  const tokens: Tok[] = [];
  const probs: Map<Tok, number>[] = [];
  for await (const r of seq.evaluateWithMetadata(prompt, { probabilities: withProbs }, { temperature: 0, yieldEogToken: true })) {
    tokens.push(r.token);
    if (r.probabilities) probs.push(r.probabilities);
    if (r.token === eos || prompt.length + tokens.length >= ctx) break;
  }
  return { tokens, probs };
}

function logSoftmax(x: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of x) max = Math.max(max, v);
  let sum = 0;
  for (const v of x) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  return Float64Array.from(x, (v) => v - lse);
}

describe.skipIf(!available.ok)(title, () => {
  let dir: string;
  let f32: string;
  let f16: string;
  let ck: Checkpoint;
  let prompts: string[];
  let model: LModel;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "gguf-"));
    f32 = path.join(dir, "r1zero.gguf");
    f16 = path.join(dir, "r1zero-f16.gguf");
    await exportGguf("models/r1zero", f32);
    await exportGguf("models/r1zero", f16, { dtype: "f16" });
    ck = await loadCheckpoint("models/r1zero");
    prompts = (await buildProblems({ task: "addition", n: 4, seed: 0 })).map((p) => p.prompt).slice(0, 20);
    model = await loadRaw(f32);
  });
  afterAll(async () => {
    await model?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("`scratchpad export --format gguf` writes the same file as exportGguf", async () => {
    const viaCli = path.join(dir, "cli.gguf");
    expect(await cli(["export", "--model", "models/r1zero", "--format", "gguf", "--out", viaCli])).toMatch(/wrote .*cli\.gguf \(GGUF, F32, 39 tensors/);
    const [a, b] = [await readFile(viaCli), await readFile(f32)];
    expect(Buffer.compare(a, b)).toBe(0); // deterministic: the same checkpoint gives the same bytes
  });

  it("llama.cpp reads the llama metadata, the tokenizer and the chat template", async () => {
    const md = model.fileInfo.metadata;
    expect(md.general.architecture).toBe("llama");
    expect(md.llama).toMatchObject({ context_length: 128, embedding_length: 128, block_count: 4, feed_forward_length: 384, vocab_size: 104 });
    expect(md.tokenizer.chat_template).toBe(SCRATCHPAD_CHAT_TEMPLATE);
    expect(model.tokens.bos).toBe(ck.tokenizer.bosId);
    expect(model.tokens.shouldPrependBosToken).toBe(true);
    const ours = await readGguf(f32);
    expect(ours.metadata.get("tokenizer.ggml.model")?.value).toBe("gpt2");
    expect(ours.tensors.find((t) => t.name === "blk.0.attn_q.weight")?.ne).toEqual([128, 128]);
  });

  it("tokenizes 20 eval prompts and thinking text to the engine's ids, and back", () => {
    expect(prompts).toHaveLength(20);
    for (const text of [...prompts, "12+3=<think>wait, 1+2=3</think> 15", "a\twaits\n<eos>"]) {
      const ids = ck.tokenizer.encode(text);
      expect(model.tokenize(text, true)).toEqual(ids);
      expect(model.detokenize(ids, true)).toBe(ck.tokenizer.decode(ids));
    }
  });

  it("greedy continuations of 20 eval prompts are token-identical to `scratchpad sample --temperature 0`", async () => {
    const ctx = await model.createContext({
      contextSize: 128,
      threads: 1,
      flashAttention: false,
      experimentalKvCacheKeyType: "F32",
      experimentalKvCacheValueType: "F32",
    });
    try {
      const seq = ctx.getSequence();
      let withThinking = 0;
      for (const prompt of prompts) {
        const sample = JSON.parse(await cli(["sample", "--model", "models/r1zero", "--prompt", prompt, "--temperature", "0", "--json"])) as {
          completions: { tokens: number[] }[];
        };
        const want = sample.completions[0].tokens;
        const got = await llamaGreedy(seq, [ck.tokenizer.bosId, ...ck.tokenizer.encode(prompt)], 128, ck.tokenizer.eosId);
        expect(got.tokens, prompt).toEqual(want);
        if (want.includes(ck.tokenizer.thinkId)) withThinking++;
      }
      console.info(`greedy: ${prompts.length}/${prompts.length} token-identical, ${withThinking} of them think`);
      expect(withThinking).toBeGreaterThan(0); // some continuations think, so the comparison covers <think> … </think>
    } finally {
      await ctx.dispose();
    }
  });

  it("`scratchpad sample --model FILE.gguf` runs on llama.cpp and prints what it prints for the checkpoint", async () => {
    for (const prompt of prompts.slice(0, 5)) {
      const args = ["--prompt", prompt, "--temperature", "0", "--json"];
      const viaGguf = JSON.parse(await cli(["sample", "--model", f32, ...args])) as {
        completions: { text: string; tokens: number[]; logprobs: number[]; finish_reason: string }[];
      };
      const viaCk = JSON.parse(await cli(["sample", "--model", "models/r1zero", ...args])) as typeof viaGguf;
      const [g, c] = [viaGguf.completions[0], viaCk.completions[0]];
      expect([g.text, g.tokens, g.finish_reason]).toEqual([c.text, c.tokens, c.finish_reason]);
      g.logprobs.forEach((lp, i) => expect(Math.abs(lp - c.logprobs[i])).toBeLessThan(1e-3));
    }
  });

  it("at F32 the next-token log-probabilities and mean-centred logits agree with the engine within 1e-3", async () => {
    const ctx = await model.createContext({
      contextSize: 128,
      threads: 1,
      flashAttention: false,
      experimentalKvCacheKeyType: "F32",
      experimentalKvCacheValueType: "F32",
    });
    const trainer = new Trainer(ck.model);
    let worst = 0;
    let compared = 0;
    try {
      const seq = ctx.getSequence();
      for (const prompt of prompts.slice(0, 6)) {
        const ids = [ck.tokenizer.bosId, ...ck.tokenizer.encode(prompt)];
        const { tokens, probs } = await llamaGreedy(seq, ids, 128, ck.tokenizer.eosId, true);
        const logits = trainer.logits([...ids, ...tokens]);
        probs.forEach((p, step) => {
          const ours = logSoftmax(logits[ids.length - 1 + step]);
          const theirs = new Float64Array(ck.tokenizer.size);
          for (const [id, pr] of p) if (id < theirs.length) theirs[id] = Math.log(pr);
          const theirMean = theirs.reduce((a, b) => a + b, 0) / theirs.length;
          const ourMean = ours.slice(0, theirs.length).reduce((a, b) => a + b, 0) / theirs.length;
          for (let i = 0; i < theirs.length; i++) {
            expect(Number.isFinite(theirs[i])).toBe(true);
            worst = Math.max(worst, Math.abs(theirs[i] - ours[i]), Math.abs(theirs[i] - theirMean - (ours[i] - ourMean)));
            compared++;
          }
        });
      }
    } finally {
      await ctx.dispose();
    }
    console.info(`F32 GGUF vs engine: ${compared} log-probabilities compared, largest difference ${worst.toExponential(2)}`);
    expect(compared).toBeGreaterThan(1000);
    expect(worst).toBeLessThan(1e-3);
  });

  it("an F16 export loads, tokenizes the same, and its greedy answers mostly match", async () => {
    const half = await loadRaw(f16);
    const ctx = await half.createContext({ contextSize: 128, threads: 1, flashAttention: false });
    try {
      const seq = ctx.getSequence();
      let same = 0;
      const sampler = await EmbeddedPolicy.load("models/r1zero");
      const greedy = await sampler.generate(prompts, { temperature: 0, maxTokens: 127 });
      for (const [i, prompt] of prompts.entries()) {
        expect(half.tokenize(prompt, true)).toEqual(ck.tokenizer.encode(prompt));
        const got = await llamaGreedy(seq, [ck.tokenizer.bosId, ...ck.tokenizer.encode(prompt)], 128, ck.tokenizer.eosId);
        if (JSON.stringify(got.tokens) === JSON.stringify(greedy[i][0].tokens)) same++;
      }
      console.info(`F16 GGUF: ${same}/${prompts.length} greedy continuations token-identical to the F32 engine`);
      expect(same).toBeGreaterThanOrEqual(18);
    } finally {
      await ctx.dispose();
      await half.dispose();
    }
  });

  it("the llama-cpp backend (--model FILE.gguf) gives the embedded backend's completions, with and without budget forcing", async () => {
    // One sequence at a time: with several, which sequences llama.cpp evaluates in one batch depends on
    // timing, and batch composition changes its float sums, so exact comparisons could flake under load.
    const gguf = await openPolicy(f32, { llamaCpp: { parallel: 1 } });
    const embedded = await EmbeddedPolicy.load("models/r1zero");
    try {
      expect(gguf).toBeInstanceOf(LlamaCppPolicy);
      expect((gguf as LlamaCppPolicy).chat).toBe(false); // scratchpad's own template: raw text after BOS
      const a = await gguf.generate(prompts, { temperature: 0, maxTokens: 64, logprobs: true });
      const b = await embedded.generate(prompts, { temperature: 0, maxTokens: 64 });
      for (let i = 0; i < prompts.length; i++) {
        expect(a[i][0].tokens).toEqual(b[i][0].tokens);
        expect(a[i][0].text).toBe(b[i][0].text);
        expect(a[i][0].thinkingTokens).toBe(b[i][0].thinkingTokens);
        a[i][0].logprobs!.forEach((lp, j) => expect(Math.abs(lp - b[i][0].logprobs![j])).toBeLessThan(1e-3));
      }
      const forced = await withBudget(gguf, { budget: 4 }).generate(prompts.slice(0, 8), { temperature: 0, maxTokens: 64 });
      const forcedRef = await withBudget(embedded, { budget: 4 }).generate(prompts.slice(0, 8), { temperature: 0, maxTokens: 64 });
      expect(forced.map((c) => c[0].text)).toEqual(forcedRef.map((c) => c[0].text));
      const sampled = await gguf.generate(prompts.slice(0, 4), { temperature: 1, n: 3, seed: 5, maxTokens: 40, stop: ["</think>"] });
      for (const group of sampled) {
        expect(group).toHaveLength(3);
        for (const c of group) expect(c.text).not.toContain("</think>");
      }
      const again = await gguf.generate(prompts.slice(0, 4), { temperature: 1, n: 3, seed: 5, maxTokens: 40, stop: ["</think>"] });
      expect(again.map((g) => g.map((c) => c.text))).toEqual(sampled.map((g) => g.map((c) => c.text))); // seeded
    } finally {
      await gguf.close?.();
    }
  });

  it("`scratchpad serve` on a GGUF (the backend's submit): chat answers, reasoning split, budget forcing and streamed logprobs match serving the checkpoint", async () => {
    const gguf = await LlamaCppPolicy.load(f32, { chat: false, parallel: 1 }); // deterministic batches (see above)
    const ckAgain = await loadCheckpoint("models/r1zero", { optimizer: false });
    const batcher = new ContinuousBatcher({ model: ckAgain.model, tokenizer: ckAgain.tokenizer, maxSlots: 8 });
    const common = { effortBudgets: { low: 2 }, port: 0, host: "127.0.0.1" };
    const a = await startServer({ ...common, backend: gguf, modelName: "m", chatTemplate: (m) => gguf.renderChat(m) });
    const b = await startServer({ ...common, backend: batcher, modelName: "m", chatTemplate: templateFromString("{prompt}") });
    const post = async (url: string, body: Record<string, unknown>) => {
      const r = await fetch(`${url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", temperature: 0, max_tokens: 60, ...body }),
      });
      expect(r.status).toBe(200);
      return (await r.json()) as {
        choices: { message: { content: string; reasoning_content: string | null }; logprobs: { content: { token: string; logprob: number }[] } | null }[];
        usage: { completion_tokens: number; completion_tokens_details: { reasoning_tokens: number } };
      };
    };
    try {
      for (const prompt of prompts.slice(8, 14)) {
        for (const extra of [{}, { reasoning_effort: "low" }, { logprobs: true, top_logprobs: 2 }]) {
          const body = { messages: [{ role: "user", content: prompt }], ...extra };
          const [x, y] = [await post(a.url, body), await post(b.url, body)];
          expect(x.choices[0].message).toEqual(y.choices[0].message);
          expect(x.usage.completion_tokens).toBe(y.usage.completion_tokens);
          expect(x.usage.completion_tokens_details.reasoning_tokens).toBe(y.usage.completion_tokens_details.reasoning_tokens);
          if ("logprobs" in extra) {
            expect(x.choices[0].logprobs!.content.map((t) => t.token)).toEqual(y.choices[0].logprobs!.content.map((t) => t.token));
            x.choices[0].logprobs!.content.forEach((t, i) => expect(Math.abs(t.logprob - y.choices[0].logprobs!.content[i].logprob)).toBeLessThan(1e-3));
          }
        }
      }
    } finally {
      await a.close();
      await b.close();
      await gguf.close();
      await batcher.close?.();
    }
  });

  it("a missing or broken .gguf is an error that names the file and the fix", async () => {
    await expect(openPolicy(path.join(dir, "missing.gguf"))).rejects.toThrow(/missing\.gguf: no such GGUF file \(export one with `scratchpad export/);
    const broken = path.join(dir, "broken.gguf");
    await writeFile(broken, "{ not a model }");
    await expect(openPolicy(broken)).rejects.toThrow(/broken\.gguf: llama\.cpp cannot load it \(.*\); is it a GGUF model file\?/);
  });

  it("chat mode with Qwen3's and DeepSeek-R1's templates in the GGUF: prompts rendered, continuations after the template, thinking counted", async () => {
    for (const [fixture, startsInThinking] of [
      ["qwen3.jinja", false],
      ["deepseek-r1-distill-qwen.jinja", true],
    ] as const) {
      const template = await readFile(path.join("test/fixtures/chat-templates", fixture), "utf8");
      const file = path.join(dir, fixture.replace(".jinja", ".gguf"));
      await writeFile(file, checkpointToGguf(ck, { chatTemplate: template }));
      const p = await LlamaCppPolicy.load(file, { parallel: 2 });
      try {
        expect(p.chat).toBe(true);
        expect(p.thinkTags).toEqual({ open: "<think>", close: "</think>" });
        const rendered = p.promptText("8+2=");
        expect(rendered).toBe(new ChatTemplate(template, { bosToken: "<bos>", eosToken: "<eos>" }).promptFor("8+2="));
        // Budget forcing sends prompt + generated: the extra text continues the rendered prompt, not a new user turn.
        expect(p.promptText("8+2=<think>8+2=10</think>")).toBe(rendered + "<think>8+2=10</think>");
        expect(p.promptTokens("8+2=")[0]).toBe(ck.tokenizer.bosId);
        expect(p.promptTokens("8+2=").filter((t) => t === ck.tokenizer.bosId)).toHaveLength(1); // BOS once, template or not
        const [[c]] = await p.generate(["8+2="], { temperature: 0, maxTokens: 12 });
        expect(c.completionTokens).toBeGreaterThan(0);
        // The engine's own continuation of the same rendered text (the model has never seen the template, but the
        // computation is the same): equal tokens, and thinking counted from the first token when the template opened it.
        const [ref] = await (await EmbeddedPolicy.load("models/r1zero")).generateTokens([p.promptTokens("8+2=")], { temperature: 0, maxTokens: 12 });
        expect(c.tokens).toEqual(ref[0].tokens);
        const close = c.tokens!.indexOf(ck.tokenizer.thinkEndId);
        const body = c.tokens!.filter((t) => t !== ck.tokenizer.eosId).length;
        expect(c.thinkingTokens).toBe(startsInThinking ? (close >= 0 ? close : body) : ref[0].thinkingTokens);
      } finally {
        await p.close();
      }
    }
  });
});
