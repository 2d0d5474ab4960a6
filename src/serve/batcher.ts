/**
 * Continuous batching over the embedded engine: one decode loop runs a slot-based batch (the
 * engine's KV cache), and requests are admitted between steps — new prompts are prefilled together
 * in one forward pass into free slots, finished or cancelled requests leave at once and their slot
 * is refilled by compaction. Throughput under many concurrent clients therefore approaches offline
 * batch sampling. Per request: seeded sampling (temperature / top-k / top-p), stop strings, the
 * EOS token, a token limit, and budget forcing (at `thinkingBudget` thinking tokens the
 * end-of-thinking tag is forced).
 *
 * Built on the engine's exported step-level pieces: `forward` (prefill, with the per-layer hook
 * that copies keys/values into the cache), `KVCache` and `decodeStep`.
 */
import { Activations } from "../engine/activations.js";
import { forward } from "../engine/forward.js";
import { getKernels } from "../engine/kernels/index.js";
import type { Kernels } from "../engine/kernels/types.js";
import { decodeStep, KVCache } from "../engine/kvcache.js";
import type { Model } from "../engine/model.js";
import { XoshiroRng } from "../core/rng.js";
import type { Tokenizer } from "../engine/tokenizer.js";
import { DEFAULT_THINK_TAGS, type ThinkTags } from "../core/think.js";
import type { GenerationRequest, GenerationResult, ServeBackend, TokenEvent } from "./backend.js";
import { TokenChooser } from "./tokenChoice.js";
import { ScratchpadError } from "../core/errors.js";

/** Sequences decoded together unless `maxSlots` says otherwise. */
export const DEFAULT_MAX_SLOTS = 64;

/** Options of the batcher. */
export interface BatcherOptions {
  model: Model;
  tokenizer: Tokenizer;
  kernels?: Kernels;
  /** Sequences decoded together at most (default 64); more requests wait in a queue. */
  maxSlots?: number;
  tags?: ThinkTags;
}

/** Statistics of the decode loop, for benchmarks and /health. */
export interface BatcherStats {
  steps: number;
  prefills: number;
  generatedTokens: number;
  /** Sum over steps of the batch size (÷ steps = mean batch). */
  slotSteps: number;
}

interface Job {
  req: GenerationRequest;
  prompt: number[];
  events: TokenEvent[];
  ids: number[];
  text: string;
  limit: number;
  rng: XoshiroRng;
  phase: "start" | "thinking" | "answer";
  thinking: number;
  forced: number[];
  done?: "stop" | "length";
  resolve: (r: GenerationResult) => void;
  reject: (e: unknown) => void;
}

/** A `ServeBackend` that batches concurrent requests into one decode loop. */
export class ContinuousBatcher implements ServeBackend {
  readonly contextLength: number;
  readonly stats: BatcherStats = { steps: 0, prefills: 0, generatedTokens: 0, slotSteps: 0 };
  private readonly K: Kernels;
  private readonly cache: KVCache;
  private readonly acts: Activations;
  private readonly chooser: TokenChooser;
  private readonly maxSlots: number;
  private readonly tags: ThinkTags;
  private readonly closeIds: number[];
  /** The text of every token id, decoded once (the decode loop looks tokens up, never decodes). */
  private readonly tokenTexts: string[];
  private pending: Job[] = [];
  private slots: Job[] = [];
  private running = false;
  private closed = false;

  constructor(private readonly o: BatcherOptions) {
    this.K = o.kernels ?? getKernels();
    this.maxSlots = o.maxSlots ?? DEFAULT_MAX_SLOTS;
    this.tags = o.tags ?? DEFAULT_THINK_TAGS;
    this.contextLength = o.model.config.max_position_embeddings;
    this.cache = new KVCache(o.model);
    this.cache.ensure(this.maxSlots, this.contextLength);
    this.acts = new Activations(o.model.config, false);
    this.chooser = new TokenChooser(o.model.config.vocab_size);
    this.closeIds = o.tokenizer.encode(this.tags.close);
    this.tokenTexts = Array.from({ length: o.model.config.vocab_size }, (_, id) =>
      id < o.tokenizer.size ? o.tokenizer.decode([id], { skipSpecialTokens: true }) : "",
    );
  }

  /** Requests waiting or running. */
  get load(): number {
    return this.pending.length + this.slots.length;
  }

  /** Prompt tokens as the model sees them (BOS included). */
  countTokens(text: string): number {
    return this.o.tokenizer.encode(text).length + 1;
  }

  submit(req: GenerationRequest): Promise<GenerationResult> {
    if (this.closed) return Promise.reject(new ScratchpadError("batcher_closed", "the batcher is closed"));
    // BOS first, as in pretraining and the embedded policy.
    const prompt = [this.o.tokenizer.bosId, ...this.o.tokenizer.encode(req.prompt)];
    const limit = Math.max(0, Math.min(req.maxTokens, this.contextLength - prompt.length));
    return new Promise<GenerationResult>((resolve, reject) => {
      const startsThinking = req.prompt.trimEnd().endsWith(this.tags.open);
      const job: Job = {
        req,
        prompt,
        events: [],
        ids: [],
        text: "",
        limit,
        rng: new XoshiroRng(req.seed ?? Math.floor(Math.random() * 2 ** 31), 0),
        phase: startsThinking ? "thinking" : "start",
        thinking: 0,
        forced: [],
        resolve,
        reject,
      };
      if (limit === 0 || prompt.length >= this.contextLength) return this.finish(job, "length");
      this.pending.push(job);
      if (!this.running) {
        // Start on the next turn of the event loop, so that requests submitted together are
        // prefilled together.
        this.running = true;
        setImmediate(() => void this.loop());
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of [...this.pending, ...this.slots]) this.finish(j, "abort");
    this.pending = [];
    this.slots = [];
  }

  private async loop(): Promise<void> {
    try {
      while (!this.closed && (this.slots.length > 0 || this.pending.length > 0)) {
        this.admit();
        this.chooseAll();
        const S = this.slots.length;
        if (S > 0) {
          decodeStep(this.cache, this.K, S);
          for (let i = 0; i < S; i++) this.cache.positions[i]++;
          this.stats.steps++;
          this.stats.slotSteps += S;
        }
        await new Promise<void>((r) => setImmediate(r)); // let the server accept and stream
      }
    } catch (err) {
      for (const j of [...this.pending, ...this.slots]) j.reject(err);
      this.pending = [];
      this.slots = [];
    } finally {
      this.running = false;
    }
  }

  /** Prefill waiting requests into free slots, in one right-padded forward pass. */
  private admit(): void {
    this.pending = this.pending.filter((j) => !(j.req.signal?.aborted && (this.finish(j, "abort"), true)));
    const free = this.maxSlots - this.slots.length;
    if (free <= 0 || this.pending.length === 0) return;
    const jobs = this.pending.splice(0, free);
    const { model } = this.o;
    const cfg = model.config,
      C = cfg.hidden_size,
      V = cfg.vocab_size;
    const S0 = this.slots.length,
      B = jobs.length;
    const Tp = Math.max(...jobs.map((j) => j.prompt.length));
    const acts = this.acts,
      cache = this.cache;
    acts.ensure(B, Tp);
    jobs.forEach((j, b) => {
      acts.tokens.fill(0, b * Tp, (b + 1) * Tp);
      acts.tokens.set(j.prompt, b * Tp);
    });
    forward(model, this.K, acts, B, Tp, false, (l, a) => {
      for (let b = 0; b < B; b++) cache.writePrefill(l, S0 + b, a.k, a.v, b * Tp, jobs[b].prompt.length);
    });
    for (let b = 0; b < B; b++) {
      const r = (b * Tp + jobs[b].prompt.length - 1) * C;
      cache.ln.set(acts.lnf.subarray(r, r + C), (S0 + b) * C);
      cache.positions[S0 + b] = jobs[b].prompt.length;
      cache.lens[S0 + b] = jobs[b].prompt.length;
    }
    this.K.matmul(cache.logits.subarray(S0 * V), cache.ln.subarray(S0 * C), model.w.lmHead, B, C, V, false);
    this.slots.push(...jobs);
    this.stats.prefills++;
  }

  /** Choose (or force) the next token of every slot; finished slots are refilled by the last one. */
  private chooseAll(): void {
    const V = this.o.model.config.vocab_size;
    const cache = this.cache;
    let S = this.slots.length;
    for (let i = 0; i < S;) {
      const job = this.slots[i];
      const tok = job.req.signal?.aborted ? -1 : this.next(job, cache.logits, i * V);
      cache.tokens[i] = Math.max(tok, 0);
      if (tok < 0 || this.isDone(job)) {
        S--;
        if (i < S) {
          cache.moveSlot(S, i);
          cache.logits.copyWithin(i * V, S * V, S * V + V);
          this.slots[i] = this.slots[S];
        }
        this.slots.length = S;
        if (tok < 0) this.finish(job, "abort");
        continue;
      }
      i++;
    }
  }

  /** Pick or force one token, record it and update the job's phase; returns the token id. */
  private next(job: Job, logits: Float32Array, off: number): number {
    const budget = job.req.thinkingBudget;
    if (job.phase === "thinking" && budget !== undefined && job.thinking >= budget && job.forced.length === 0) {
      job.forced = [...this.closeIds];
    }
    const lse = this.chooser.logSumExp(logits, off);
    const forced = job.forced.length > 0;
    const tok = forced ? job.forced.shift()! : this.chooser.choose(logits, off, job.req, job.rng);
    job.ids.push(tok);
    this.stats.generatedTokens++;
    if (tok === this.o.tokenizer.eosId && !forced) {
      job.done = "stop";
      return tok;
    }
    const text = this.tokenTexts[tok];
    const ev: TokenEvent = { text, id: tok, logprob: logits[off + tok] - lse, ...(forced && { forced: true }) };
    const n = job.req.topLogprobs ?? 0;
    if (n > 0) ev.top = this.chooser.top(logits, off, n, lse).map((t) => ({ text: this.tokenTexts[t.id], logprob: t.logprob }));
    const before = job.text.length;
    job.text += text;
    job.events.push(ev);
    this.advancePhase(job, forced);
    job.req.onToken?.(ev);
    for (const s of job.req.stop ?? []) {
      const at = job.text.indexOf(s, Math.max(0, before - s.length + 1));
      if (at >= 0) {
        job.text = job.text.slice(0, at);
        job.done = "stop";
        this.dropEventsAfter(job, at);
      }
    }
    if (!job.done && job.ids.length >= job.limit) job.done = "length";
    return tok;
  }

  /** Drop the token events that start at or after `cut` (the stop string and what follows). */
  private dropEventsAfter(job: Job, cut: number): void {
    let pos = 0;
    let keep = 0;
    while (keep < job.events.length && pos < cut) pos += job.events[keep++].text.length;
    job.events.length = keep;
  }

  private advancePhase(job: Job, forced: boolean): void {
    const { open, close } = this.tags;
    if (job.phase === "start") {
      const t = job.text.trimStart();
      if (t.startsWith(open)) job.phase = "thinking";
      else if (t !== "" && !open.startsWith(t)) job.phase = "answer";
      return;
    }
    if (job.phase === "thinking") {
      const last = job.events[job.events.length - 1].text;
      if (job.text.indexOf(close, Math.max(0, job.text.length - last.length - close.length)) >= 0) job.phase = "answer";
      else if (!forced) job.thinking++;
    }
  }

  private isDone(job: Job): boolean {
    if (!job.done) return false;
    this.finish(job, job.done);
    return true;
  }

  private finish(job: Job, reason: GenerationResult["finishReason"]): void {
    job.resolve({
      text: job.text,
      tokens: job.events,
      finishReason: reason,
      promptTokens: job.prompt.length,
      completionTokens: job.ids.length,
      thinkingTokens: job.thinking,
    });
  }
}
