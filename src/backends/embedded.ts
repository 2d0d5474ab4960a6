/**
 * The `embedded` backend: the in-process Llama engine (src/engine/) as a `Policy` and a
 * `TrainablePolicy`. Prompts are text (or token ids); a BOS token is put in front of every prompt,
 * as in pretraining. Sampling stops at the end-of-sequence token (kept in `tokens`, so training
 * teaches the model to stop, and dropped from `text`) or at a stop string (cut from `text`).
 *
 * Used by the RL trainer (rollouts, scoring, gradients, AdamW, checkpoints) and by eval / serve
 * (generation only). The engine's Trainer and Sampler are created lazily: a policy that only
 * samples never allocates training activations.
 */
import * as path from "node:path";
import type { Completion, GenerateOptions, LossGrad, TokenScores, TokenSequence, TrainablePolicy } from "../types.js";
import { loadCheckpoint, saveCheckpoint } from "../engine/checkpoint.js";
import type { Model } from "../engine/model.js";
import { Sampler } from "../engine/sampler.js";
import type { Tokenizer } from "../engine/tokenizer.js";
import { Trainer } from "../engine/train.js";
import type { AdamWOptions } from "../engine/optim.js";
import { ScratchpadError } from "../core/errors.js";

/** Options of an embedded policy. */
export interface EmbeddedPolicyOptions {
  /** Display name (default "embedded:<dir>" or "embedded"). */
  name?: string;
  /** AdamW hyperparameters for training. */
  optimizer?: AdamWOptions;
  /** Default maximum new tokens when a call gives none (default 256). */
  defaultMaxTokens?: number;
}

/** Raised when a generation request cannot be served (bad options, a prompt that fills the context). */
export class EmbeddedPolicyError extends ScratchpadError {
  constructor(message: string) {
    super("embedded_policy", message);
  }
  override readonly name = "EmbeddedPolicyError";
}

/** The in-process engine as a trainable policy. */
export class EmbeddedPolicy implements TrainablePolicy {
  readonly name: string;
  private sampler?: Sampler;
  private trainer?: Trainer;
  private pendingOptimizer?: { step: number; m: Float32Array; v: Float32Array };
  private readonly frozen: boolean;

  /** Wrap a model and its tokenizer (see `EmbeddedPolicy.load` to open a checkpoint folder). */
  constructor(
    readonly model: Model,
    readonly tokenizer: Tokenizer,
    private readonly opts: EmbeddedPolicyOptions = {},
    frozen = false,
  ) {
    this.name = opts.name ?? "embedded";
    this.frozen = frozen;
  }

  /** Open a checkpoint folder (with its optimizer state, when present, for resuming training). */
  static async load(dir: string, opts: EmbeddedPolicyOptions = {}): Promise<EmbeddedPolicy> {
    const ck = await loadCheckpoint(dir);
    const p = new EmbeddedPolicy(ck.model, ck.tokenizer, { ...opts, name: opts.name ?? `embedded:${path.relative(process.cwd(), ck.dir) || ck.dir}` });
    if (ck.optimizer) p.pendingOptimizer = ck.optimizer;
    return p;
  }

  /** Token ids of a text (no BOS). */
  encode(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  /** Text of token ids; the end-of-sequence and padding tokens are dropped, thinking tags kept. */
  decode(tokens: number[]): string {
    return this.tokenizer.decode(tokens, { skipSpecialTokens: true });
  }

  /** Tokens of a text as this policy counts them. */
  countTokens(text: string): number {
    return this.tokenizer.encode(text).length;
  }

  /** Sample `opts.n` completions of each text prompt. */
  async generate(prompts: string[], opts: GenerateOptions = {}): Promise<Completion[][]> {
    const ids = prompts.map((p) => this.promptIds(p));
    return this.generateTokens(ids, opts);
  }

  /** The prompt's token ids as the model sees them: BOS, then the text. */
  promptIds(prompt: string): number[] {
    return [this.tokenizer.bosId, ...this.tokenizer.encode(prompt)];
  }

  /** Sample `opts.n` completions of each token prompt, with tokens and log-probabilities. */
  generateTokens(prompts: number[][], opts: GenerateOptions = {}): Promise<Completion[][]> {
    const n = opts.n ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new EmbeddedPolicyError(`n must be a whole number ≥ 1, got ${n}`);
    const maxTokens = opts.maxTokens ?? this.opts.defaultMaxTokens ?? 256;
    const stopTokens = [this.tokenizer.eosId];
    const stopStrings: string[] = [];
    for (const s of opts.stop ?? []) {
      if (s === "") continue;
      const enc = this.tokenizer.encode(s);
      if (enc.length === 1) stopTokens.push(enc[0]);
      else stopStrings.push(s);
    }
    const flat: number[][] = [];
    for (const p of prompts) for (let j = 0; j < n; j++) flat.push(p);
    if (opts.signal?.aborted) throw new EmbeddedPolicyError("generation was cancelled before it started");
    this.sampler ??= new Sampler(this.model);
    const results = this.sampler.generate(flat, {
      maxNewTokens: maxTokens,
      temperature: opts.temperature ?? 1,
      topK: opts.topK,
      topP: opts.topP,
      stopTokens,
      stopStrings: stopStrings.length ? stopStrings : undefined,
      decode: stopStrings.length ? (t) => this.decode(t) : undefined,
      seed: opts.seed ?? 0,
      signal: opts.signal,
    });
    const out: Completion[][] = prompts.map(() => []);
    results.forEach((r, i) => {
      const textTokens = r.tokens.filter((t) => t !== this.tokenizer.eosId && !stopTokens.includes(t));
      let text = this.decode(textTokens);
      if (r.stopString !== undefined) {
        const at = text.indexOf(r.stopString);
        if (at >= 0) text = text.slice(0, at);
      }
      out[Math.floor(i / n)].push({
        text,
        tokens: r.tokens,
        logprobs: opts.logprobs === false ? undefined : r.logprobs,
        finishReason: r.finishReason,
        completionTokens: r.tokens.length,
        thinkingTokens: this.thinkingTokens(r.tokens),
      });
    });
    return Promise.resolve(out);
  }

  /** Tokens strictly between `<think>` and `</think>` (to the end when thinking never closes). */
  thinkingTokens(tokens: readonly number[]): number {
    const open = tokens.indexOf(this.tokenizer.thinkId);
    if (open < 0) return 0;
    const close = tokens.indexOf(this.tokenizer.thinkEndId, open + 1);
    return (close < 0 ? tokens.length : close) - open - 1;
  }

  private getTrainer(): Trainer {
    if (!this.trainer) {
      this.trainer = new Trainer(this.model, { optimizer: this.opts.optimizer, padId: this.tokenizer.padId });
      if (this.pendingOptimizer) {
        this.trainer.optimizer.loadState(this.pendingOptimizer);
        this.pendingOptimizer = undefined;
      }
    }
    return this.trainer;
  }

  /** Log-probabilities and entropies of completions (no gradients), at `opts.temperature` (default 1). */
  score(seqs: TokenSequence[], opts: { temperature?: number } = {}): Promise<TokenScores[]> {
    return Promise.resolve(this.getTrainer().score(seqs, opts));
  }

  /** Forward, loss callback, backward: gradients accumulate until `step`. */
  accumulateGradients(seqs: TokenSequence[], lossFn: (scores: TokenScores[]) => LossGrad, opts: { temperature?: number } = {}): Promise<number> {
    if (this.frozen) throw new EmbeddedPolicyError("this policy is a frozen snapshot (a reference model); it cannot be trained");
    return Promise.resolve(this.getTrainer().accumulateGradients(seqs, lossFn, opts));
  }

  /** One AdamW step with the accumulated gradients. */
  step(opts: { lr: number; maxGradNorm?: number }): { gradNorm: number } {
    if (this.frozen) throw new EmbeddedPolicyError("this policy is a frozen snapshot (a reference model); it cannot be trained");
    return this.getTrainer().step(opts);
  }

  /** A frozen copy of the current parameters (the reference model for KL). */
  snapshot(): EmbeddedPolicy {
    return new EmbeddedPolicy(this.model.clone(), this.tokenizer, { ...this.opts, name: `${this.name} (frozen)` }, true);
  }

  /**
   * Write a checkpoint folder atomically: the Hugging Face files, the optimizer state (when this
   * policy has trained), `extra.trainingConfig` as training_config.json and the rest of `extra` as
   * trainer_state.json.
   */
  async save(dir: string, extra: Record<string, unknown> = {}): Promise<void> {
    const { trainingConfig, ...state } = extra;
    await saveCheckpoint(dir, {
      model: this.model,
      tokenizer: this.tokenizer,
      optimizer: this.trainer ? this.trainer.optimizer.state() : this.pendingOptimizer,
      trainingConfig: trainingConfig as Record<string, unknown> | undefined,
      trainerState: Object.keys(state).length ? state : undefined,
    });
  }

  /** Nothing to release (the engine runs in this thread). */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
