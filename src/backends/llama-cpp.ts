/**
 * The `llama-cpp` backend: a GGUF model run by llama.cpp in this process (through node-llama-cpp,
 * an optional dependency; CPU by default), as a `Policy`. It serves any GGUF reasoning model
 * (Qwen3, DeepSeek-R1-Distill, ..., or a model exported with `scratchpad export --format gguf`), so
 * budgets, voting, best-of-N, routing and eval run on a laptop CPU.
 *
 * Prompts. A prompt is the user's text. In chat mode (the default for a GGUF whose chat template is
 * not scratchpad's own) it is rendered through the model's chat template (read from the GGUF's
 * `tokenizer.chat_template`, rendered with @huggingface/jinja, see core/chat-template.ts) as one
 * user message with the generation prompt; in raw mode (scratchpad's models, whose template is
 * "BOS + the prompt", or `chat: false`) the text is continued as is, after BOS when the model wants
 * one. Budget forcing (scale/budget.ts) continues a prompt by sending `prompt + generated`: a prompt
 * that extends one this policy has rendered is taken as that continuation, and the extra text goes
 * after the rendered template (the raw text after the template is continued, never re-wrapped as
 * a new user turn).
 *
 * Sampling. Temperature 0 is greedy; otherwise llama.cpp samples with top-k / top-p as asked (no
 * other sampler: min-p 0, no penalties), seeded per sample with seed + i·n + j (prompt i, sample j).
 * `logprobs: true` returns log p(token) under the model's raw distribution (temperature 1, no
 * truncation), computed from llama.cpp's full next-token distribution. Thinking tokens are those
 * between the thinking tags (detected from the template or vocabulary), counting from the start
 * when the template itself opened thinking (DeepSeek-R1). A sequence also ends when it fills the
 * model's context (`contextLength`), as in the embedded engine.
 */
import { randomInt } from "node:crypto";
import { stat } from "node:fs/promises";
import * as path from "node:path";
import { ChatTemplate, SCRATCHPAD_CHAT_TEMPLATE } from "../core/chat-template.js";
import { DEFAULT_THINK_TAGS, type ThinkTags } from "../core/think.js";
import type { Completion, GenerateOptions, Policy } from "../types.js";
import { getLlamaRuntime, LlamaCppError, rawLogprob, type NlcContext, type NlcModel, type NlcSequence } from "./llama-cpp-runtime.js";
import type { GenerationRequest, GenerationResult, TokenEvent } from "./generation.js";

export { isGgufPath, llamaCppAvailable, LlamaCppError } from "./llama-cpp-runtime.js";

/** Options of `LlamaCppPolicy.load`. */
export interface LlamaCppPolicyOptions {
  /** Display name (default "llama-cpp:<file>"). */
  name?: string;
  /**
   * Apply the GGUF's chat template to prompts: "auto" (default: yes, unless the template is
   * scratchpad's own, which is raw text after BOS anyway), true, or false (raw prompts).
   */
  chat?: "auto" | boolean;
  /** Extra chat template variables (e.g. `{ enable_thinking: false }` for Qwen3). */
  templateVariables?: Record<string, unknown>;
  /** Context length in tokens (default: the model's training context, at most 8192). */
  contextSize?: number;
  /** Sequences generated at once (llama.cpp batches them; default 4). */
  parallel?: number;
  /**
   * CPU threads (default: 1 for a model under 64 MiB, whose matmuls are too small to gain from
   * threads and whose thread syncs stall on a busy machine; else node-llama-cpp's choice).
   */
  threads?: number;
  /**
   * Precision of the KV cache (default "F32" for a model under 1 GiB, so that an F32 export computes
   * what the embedded engine computes; else llama.cpp's default "F16").
   */
  kvCacheType?: "F32" | "F16";
  /** Use a GPU build when one is available (default false: the CPU binary). */
  gpu?: boolean;
  /** Maximum new tokens when a call gives none (default 256). */
  defaultMaxTokens?: number;
  /** Override the thinking tags (default: detected from the chat template or the vocabulary). */
  thinkTags?: ThinkTags;
  /** Put BOS before raw prompts (default: the model's `add_bos_token`). */
  addBos?: boolean;
}

/**
 * A GGUF model on llama.cpp as a `Policy`, and as a backend `scratchpad serve` can front (`submit`,
 * `countTokens`, `contextLength`, `renderChat`: the shape of serve's `ServeBackend`).
 */
export class LlamaCppPolicy implements Policy {
  readonly name: string;
  /** The chat template of the GGUF, when it has one. */
  readonly chatTemplate?: ChatTemplate;
  /** Whether prompts go through the chat template. */
  readonly chat: boolean;
  /** The thinking delimiters. */
  readonly thinkTags: ThinkTags;
  /** Prompt + completion tokens at most. */
  readonly contextLength: number;
  private readonly free: NlcSequence[];
  private readonly waiting: ((s: NlcSequence) => void)[] = [];
  /** Rendered prompts of user prompts seen, for continuations (insertion order = age). */
  private readonly rendered = new Map<string, string>();

  private constructor(
    private readonly model: NlcModel,
    private readonly context: NlcContext,
    private readonly opts: LlamaCppPolicyOptions,
    file: string,
  ) {
    this.name = opts.name ?? `llama-cpp:${path.relative(process.cwd(), file) || file}`;
    const meta = model.fileInfo.metadata as { tokenizer?: { chat_template?: unknown; ggml?: { tokens?: unknown } } };
    const source = typeof meta.tokenizer?.chat_template === "string" ? meta.tokenizer.chat_template : undefined;
    const vocab = Array.isArray(meta.tokenizer?.ggml?.tokens) ? (meta.tokenizer.ggml.tokens as string[]) : undefined;
    if (source !== undefined) {
      this.chatTemplate = new ChatTemplate(
        source,
        {
          bosToken: model.tokens.bosString ?? "",
          eosToken: model.tokens.eosString ?? "",
          thinkTags: opts.thinkTags,
          vocabulary: vocab,
        },
        `${file}: tokenizer.chat_template`,
      );
    }
    const chat = opts.chat ?? "auto";
    if (chat === true && !this.chatTemplate) throw new LlamaCppError(`${file} has no tokenizer.chat_template; open it with chat: false (raw prompts)`);
    this.chat = chat === "auto" ? this.chatTemplate !== undefined && source !== SCRATCHPAD_CHAT_TEMPLATE : chat;
    this.thinkTags = opts.thinkTags ?? this.chatTemplate?.thinkTags ?? DEFAULT_THINK_TAGS;
    this.contextLength = Math.min(context.contextSize, opts.contextSize ?? model.trainContextSize);
    const parallel = opts.parallel ?? 4;
    this.free = Array.from({ length: parallel }, () => context.getSequence());
  }

  /** Load a GGUF file. @throws LlamaCppError when node-llama-cpp or the file cannot be loaded. */
  static async load(file: string, opts: LlamaCppPolicyOptions = {}): Promise<LlamaCppPolicy> {
    const parallel = opts.parallel ?? 4;
    if (!Number.isInteger(parallel) || parallel < 1) throw new LlamaCppError(`parallel must be a whole number ≥ 1, got ${parallel}`);
    if (
      !(await stat(file).then(
        (st) => st.isFile(),
        () => false,
      ))
    ) {
      throw new LlamaCppError(
        `${file}: no such GGUF file (export one with \`scratchpad export --model DIR --format gguf --out ${file}\`, or give the path of a downloaded .gguf)`,
      );
    }
    const runtime = await getLlamaRuntime(opts.gpu ?? false);
    let model: NlcModel;
    try {
      model = await runtime.loadModel({ modelPath: path.resolve(file) });
    } catch (err) {
      throw new LlamaCppError(`${file}: llama.cpp cannot load it (${(err as Error).message.split("\n")[0]}); is it a GGUF model file?`, { cause: err });
    }
    const contextSize = opts.contextSize ?? Math.min(model.trainContextSize, 8192);
    let context: NlcContext;
    try {
      const small = (mib: number) => (model.size ?? Infinity) < mib * 1024 * 1024;
      const kv = opts.kvCacheType ?? (small(1024) ? "F32" : "F16");
      context = await model.createContext({
        contextSize,
        sequences: parallel,
        threads: opts.threads ?? (small(64) ? 1 : undefined),
        flashAttention: false,
        experimentalKvCacheKeyType: kv,
        experimentalKvCacheValueType: kv,
      });
    } catch (err) {
      await model.dispose();
      throw new LlamaCppError(
        `${file}: cannot create a ${contextSize}-token context × ${parallel} sequences (${(err as Error).message}); lower contextSize or parallel`,
        { cause: err },
      );
    }
    return new LlamaCppPolicy(model, context, opts, file);
  }

  /** The text the model continues for a prompt (chat template applied in chat mode). */
  promptText(prompt: string): string {
    if (!this.chat || !this.chatTemplate) return prompt;
    const known = this.rendered.get(prompt);
    if (known !== undefined) return known;
    let base: string | undefined;
    for (const user of this.rendered.keys()) if (prompt.startsWith(user) && (base === undefined || user.length > base.length)) base = user;
    if (base !== undefined) return this.rendered.get(base)! + prompt.slice(base.length);
    const text = this.chatTemplate.promptFor(prompt, { variables: this.opts.templateVariables });
    this.rendered.set(prompt, text);
    if (this.rendered.size > 50_000) this.rendered.delete(this.rendered.keys().next().value!);
    return text;
  }

  /** Token ids of the text a prompt becomes (BOS first when the model wants it and the template did not write it). */
  promptTokens(prompt: string): number[] {
    return this.rawTokens(this.promptText(prompt));
  }

  /** Token ids of raw text as the model continues it (special tokens parsed, BOS first as `promptTokens` puts it). */
  rawTokens(text: string): number[] {
    const ids = this.model.tokenize(text, true);
    const bos = this.model.tokens.bos;
    if ((this.opts.addBos ?? this.model.tokens.shouldPrependBosToken) && bos !== null && ids[0] !== bos) ids.unshift(bos);
    if (ids.length === 0 && bos !== null) ids.push(bos); // the model needs at least one token of context
    return ids;
  }

  /**
   * Chat messages → the raw prompt, with the GGUF's chat template (for `scratchpad serve`; a file
   * without one: the last user message).
   */
  renderChat(messages: readonly { role: string; content: string }[]): string {
    if (this.chatTemplate) return this.chatTemplate.render(messages, { variables: this.opts.templateVariables });
    return [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  }

  /** Requests waiting or running now. */
  get load(): number {
    return this.running;
  }
  private running = 0;

  /**
   * Generate one continuation of a raw prompt, streaming tokens (serve's backend contract): stop
   * strings cut from the text, a thinking budget forced by inserting the close tag, cancellation
   * by `signal` (finish reason "abort").
   */
  async submit(req: GenerationRequest): Promise<GenerationResult> {
    this.running++;
    try {
      return await this.withSequence((seq) => this.stream(seq, req));
    } finally {
      this.running--;
    }
  }

  private async stream(seq: NlcSequence, req: GenerationRequest): Promise<GenerationResult> {
    const prompt = this.rawTokens(req.prompt);
    const maxTokens = Math.min(req.maxTokens, this.contextLength - prompt.length);
    if (maxTokens < 1) throw new LlamaCppError(`the prompt has ${prompt.length} tokens; this model's context is ${this.contextLength}: shorten the prompt`);
    const cached = seq.contextTokens;
    let keep = 0;
    while (keep < cached.length && keep < prompt.length - 1 && cached[keep] === prompt[keep]) keep++;
    if (keep < seq.nextTokenIndex) await seq.eraseContextTokenRanges([{ start: keep, end: seq.nextTokenIndex }]);
    const top = req.topLogprobs ?? 0;
    const t = req.temperature;
    const sampling = {
      temperature: t,
      topK: t === 0 ? undefined : (req.topK ?? 0),
      topP: t === 0 ? undefined : (req.topP ?? 1),
      minP: 0,
      seed: (req.seed ?? randomInt(2 ** 31)) >>> 0,
      yieldEogToken: true,
    };
    const tags = this.thinkTags;
    const closeIds = this.model.tokenize(tags.close, true);
    const events: TokenEvent[] = [];
    const ids: number[] = [];
    let text = "";
    // Phases as the embedded server's batcher keeps them: thinking starts when the prompt ends inside
    // it or the completion opens with the tag; the first other text starts the answer.
    let phase: "start" | "thinking" | "answer" = req.prompt.lastIndexOf(tags.open) > req.prompt.lastIndexOf(tags.close) ? "thinking" : "start";
    let thinking = 0;
    let finishReason: GenerationResult["finishReason"] = "length";
    const stops = (req.stop ?? []).filter((x) => x !== "");
    let input = prompt.slice(keep);
    /** Record a token (EOS counts as a completion token but is not an event, as in the batcher). */
    const take = (id: number, piece: string, ev: Omit<TokenEvent, "text" | "id"> | undefined, forced: boolean): boolean => {
      ids.push(id);
      if (!ev) return false;
      const before = text.length;
      text += piece;
      const event = { text: piece, id, ...ev };
      events.push(event);
      if (phase === "start") {
        const t = text.trimStart();
        if (t.startsWith(tags.open)) phase = "thinking";
        else if (t !== "" && !tags.open.startsWith(t)) phase = "answer";
      } else if (phase === "thinking") {
        if (text.indexOf(tags.close, Math.max(0, text.length - piece.length - tags.close.length)) >= 0) phase = "answer";
        else if (!forced) thinking++;
      }
      req.onToken?.(event);
      const hits = stops.map((x) => text.indexOf(x, Math.max(0, before - x.length + 1))).filter((at) => at >= 0);
      if (hits.length > 0) {
        const cut = Math.min(...hits);
        text = text.slice(0, cut);
        let pos = 0;
        let kept = 0;
        while (kept < events.length && pos < cut) pos += events[kept++].text.length;
        events.length = kept;
        finishReason = "stop";
        return true;
      }
      return false;
    };
    for (;;) {
      let forceClose = false;
      let done = false;
      const gen = seq.evaluateWithMetadata(input, top > 0 ? { probabilities: true } : { confidence: true }, sampling);
      for await (const r of gen) {
        if (req.signal?.aborted) {
          finishReason = "abort";
          done = true;
          break;
        }
        if (req.thinkingBudget !== undefined && phase === "thinking" && thinking >= req.thinkingBudget) {
          forceClose = true; // the sampled token is dropped: the close tag goes in its place
          break;
        }
        const logprob = r.probabilities ? rawLogprob(r.probabilities, r.token, t === 0 ? 1 : t) : Math.log(r.confidence ?? 1);
        if (this.model.isEogToken(r.token)) {
          take(r.token, "", undefined, false);
          finishReason = "stop";
          done = true;
          break;
        }
        const alternatives = r.probabilities
          ? [...r.probabilities.entries()]
              .sort((x, y) => y[1] - x[1])
              .slice(0, top)
              .map(([id]) => ({ text: this.model.detokenize([id], true), logprob: rawLogprob(r.probabilities!, id, t === 0 ? 1 : t) }))
          : undefined;
        const piece = this.model.detokenize([r.token], false, ids.slice(-8));
        if (take(r.token, piece, { logprob, ...(alternatives && { top: alternatives }) }, false)) {
          done = true;
          break;
        }
        if (ids.length >= maxTokens) {
          done = true;
          break;
        }
      }
      await gen.return();
      if (done || !forceClose) break;
      let stopped = false;
      for (const id of closeIds) {
        const piece = this.model.detokenize([id], false, ids.slice(-8));
        if (take(id, piece, { logprob: 0, forced: true }, true)) {
          stopped = true;
          break;
        }
        if (ids.length >= maxTokens) {
          stopped = true;
          break;
        }
      }
      if (stopped) break;
      input = closeIds;
    }
    return { text, tokens: events, finishReason, promptTokens: prompt.length, completionTokens: ids.length, thinkingTokens: thinking };
  }

  /** Tokens of a text as this model counts them (special tokens parsed, no BOS). */
  countTokens(text: string): number {
    return this.model.tokenize(text, true).length;
  }

  /** Sample `opts.n` completions of each prompt. */
  async generate(prompts: string[], opts: GenerateOptions = {}): Promise<Completion[][]> {
    const n = opts.n ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new LlamaCppError(`n must be a whole number ≥ 1, got ${n}`);
    if (opts.signal?.aborted) throw new LlamaCppError("generation was cancelled before it started");
    const out: Completion[][] = prompts.map(() => []);
    const jobs: Promise<void>[] = [];
    prompts.forEach((prompt, i) => {
      const ids = this.promptTokens(prompt);
      const thinking = this.chat && this.chatTemplate ? this.chatTemplate.startsInThinking(this.promptText(prompt)) : false;
      if (ids.length >= this.contextLength) {
        throw new LlamaCppError(`prompt ${i} has ${ids.length} tokens; the context is ${this.contextLength}: shorten it or raise contextSize`);
      }
      for (let j = 0; j < n; j++) {
        const seed = ((opts.seed ?? 0) + i * n + j) >>> 0;
        jobs.push(this.withSequence((seq) => this.sample(seq, ids, thinking, opts, seed)).then((c) => void (out[i][j] = c)));
      }
    });
    await Promise.all(jobs);
    return out;
  }

  private async withSequence<T>(fn: (s: NlcSequence) => Promise<T>): Promise<T> {
    const seq = this.free.pop() ?? (await new Promise<NlcSequence>((resolve) => this.waiting.push(resolve)));
    try {
      return await fn(seq);
    } finally {
      const next = this.waiting.shift();
      if (next) next(seq);
      else this.free.push(seq);
    }
  }

  /** One completion of `prompt` on `seq` (its KV cache reused for a shared prefix). */
  private async sample(seq: NlcSequence, prompt: number[], startsInThinking: boolean, opts: GenerateOptions, seed: number): Promise<Completion> {
    const maxTokens = Math.min(opts.maxTokens ?? this.opts.defaultMaxTokens ?? 256, this.contextLength - prompt.length);
    // Keep the cached prefix this prompt shares with what the sequence holds; re-evaluate at least the last prompt token.
    const cached = seq.contextTokens;
    let keep = 0;
    while (keep < cached.length && keep < prompt.length - 1 && cached[keep] === prompt[keep]) keep++;
    if (keep < seq.nextTokenIndex) await seq.eraseContextTokenRanges([{ start: keep, end: seq.nextTokenIndex }]);
    const temperature = opts.temperature ?? 1;
    const wantLogprobs = opts.logprobs === true;
    const tokens: number[] = [];
    const logprobs: number[] = [];
    let text = "";
    let finishReason: Completion["finishReason"] = "length";
    let thinking = 0;
    let inThinking = startsInThinking;
    const stops = (opts.stop ?? []).filter((s) => s !== "");
    let stopAt = -1;
    if (maxTokens > 0) {
      const gen = seq.evaluateWithMetadata(
        prompt.slice(keep),
        { probabilities: wantLogprobs },
        {
          temperature,
          topK: temperature === 0 ? undefined : (opts.topK ?? 0),
          topP: temperature === 0 ? undefined : (opts.topP ?? 1),
          minP: 0,
          seed,
          yieldEogToken: true,
        },
      );
      for await (const r of gen) {
        if (opts.signal?.aborted) break;
        tokens.push(r.token);
        if (wantLogprobs && r.probabilities) logprobs.push(rawLogprob(r.probabilities, r.token, temperature === 0 ? 1 : temperature));
        if (this.model.isEogToken(r.token)) {
          finishReason = "stop";
          break;
        }
        const piece = this.model.detokenize([r.token], false, tokens.slice(-8, -1));
        const before = text;
        text += piece;
        // Thinking accounting on the text: a tag completed by this token switches state (the tag is not counted).
        if (!inThinking && text.slice(Math.max(0, before.length - this.thinkTags.open.length)).includes(this.thinkTags.open)) inThinking = true;
        else if (inThinking && text.slice(Math.max(0, before.length - this.thinkTags.close.length)).includes(this.thinkTags.close)) inThinking = false;
        else if (inThinking) thinking++;
        const hit = stops
          .map((s) => ({ s, at: text.indexOf(s, Math.max(0, before.length - s.length + 1)) }))
          .filter((h) => h.at >= 0)
          .sort((a, b) => a.at - b.at)[0];
        if (hit) {
          stopAt = hit.at;
          finishReason = "stop";
          break;
        }
        if (tokens.length >= maxTokens) break;
      }
      await gen.return();
    }
    // The final text is decoded in one piece (a character split over tokens decodes whole); a stop
    // string found while streaming is cut at its first occurrence there.
    const body = tokens.filter((t) => !this.model.isEogToken(t));
    text = this.model.detokenize(body, false);
    if (stopAt >= 0) {
      const cut = stops.map((st) => text.indexOf(st)).filter((at) => at >= 0);
      if (cut.length > 0) text = text.slice(0, Math.min(...cut));
    }
    return {
      text,
      tokens,
      logprobs: wantLogprobs ? logprobs : undefined,
      finishReason,
      completionTokens: tokens.length,
      thinkingTokens: thinking,
    };
  }

  /** Free the context and the model. */
  async close(): Promise<void> {
    for (const s of this.free) s.dispose();
    await this.context.dispose();
    await this.model.dispose();
  }
}

/** Options of `sampleGguf` (`scratchpad sample`'s flags). */
export interface SampleGgufOptions {
  n?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTokens?: number;
  seed?: number;
  stop?: string[];
  /** Put BOS first (default true, as `scratchpad sample` does). */
  bos?: boolean;
}

/**
 * `scratchpad sample --model FILE.gguf`: `n` raw continuations of a prompt (no chat template) with
 * their tokens and log-probabilities, in the shape `sampleText` returns for a checkpoint. Defaults:
 * temperature 1, top-p 1, top-k 0, 256 new tokens, a random seed (returned).
 */
export async function sampleGguf(
  file: string,
  prompt: string,
  o: SampleGgufOptions = {},
): Promise<{
  seed: number;
  completions: { text: string; tokens: number[]; logprobs: number[]; finish_reason: "stop" | "length" }[];
}> {
  const n = o.n ?? 1;
  const policy = await LlamaCppPolicy.load(file, { chat: false, addBos: o.bos ?? true, parallel: Math.min(n, 8) });
  try {
    const seed = o.seed ?? randomInt(2 ** 31);
    const [group] = await policy.generate([prompt], {
      n,
      seed,
      temperature: o.temperature ?? 1,
      topP: o.topP,
      topK: o.topK,
      maxTokens: o.maxTokens,
      stop: o.stop,
      logprobs: true,
    });
    return { seed, completions: group.map((c) => ({ text: c.text, tokens: c.tokens ?? [], logprobs: c.logprobs ?? [], finish_reason: c.finishReason })) };
  } finally {
    await policy.close();
  }
}
