/**
 * Shared types: the one data flow of scratchpad.
 *
 * A `Problem` becomes prompts, a `Policy` turns prompts into `Completion`s, a `Verifier` /
 * reward function turns completions into rewards, and rewards become either gradients (rl/)
 * or decisions (scale/, eval/). Every stage imports these types and nothing else in common.
 */

/** What a verifier decided about one response (`Verdict.status`). A verifier never throws: errors become verdicts. */
export type VerdictStatus =
  /** The answer is right. */
  | "correct"
  /** An answer was found and it is wrong (a program that fails, crashes or exhausts its memory included). */
  | "wrong"
  /** No answer could be found in the response (or a response cut off while thinking). */
  | "no_answer"
  /** The problem or the input cannot be judged (no gold answer, bad metadata, a response that is not text). */
  | "invalid"
  /** The check ran out of time (the verifier's deadline, or a program's time limit). */
  | "timeout"
  /** The verifier itself failed; RL scores such a sample null instead of 0. */
  | "error";

/** A verifier's judgement of one response. */
export interface Verdict {
  /** Whether the response's final answer is right. */
  correct: boolean;
  /** What happened, as a value code can branch on (never parse `reason`): see `VerdictStatus`. */
  status: VerdictStatus;
  /** A score in [0, 1] where partial credit applies (defaults to `correct ? 1 : 0`). */
  score?: number;
  /** A short human-readable reason ("equivalent", "no answer found", "timeout", ...). */
  reason: string;
  /** The answer extracted from the response, when one was found. */
  extracted?: string;
  /** Anything else worth logging (test name that failed, time taken, ...). */
  details?: Record<string, unknown>;
}

/** Checks a model response against a problem. Implementations must not throw and must be time-bounded. */
export interface Verifier {
  /** A stable name for logs ("math", "code", "countdown", ...). */
  readonly name: string;
  verify(response: string, problem: Problem): Promise<Verdict>;
}

/** One task instance: a prompt with a verifiable answer. */
export interface Problem {
  /** Unique and stable for the same generator, seed and index (or dataset row). */
  id: string;
  /** The question itself, without any prompt template (templates live in tasks/templates). */
  prompt: string;
  /** The gold answer in the form the verifier expects (a number, LaTeX, or test code for code tasks). */
  answer: string;
  /** How responses are checked. */
  verifier: Verifier;
  /** Difficulty on the generator's own scale (e.g. number of digits); absent for datasets without one. */
  difficulty?: number;
  /** Source-specific fields (dataset name, level, subject, entry point, ...). */
  meta: Record<string, unknown>;
}

/** Why a completion ended. */
export type FinishReason = "stop" | "length";

/** Sampling options shared by every backend (OpenAI-style names). */
export interface GenerateOptions {
  /** Completions per prompt (default 1). */
  n?: number;
  /** Maximum new tokens per completion. */
  maxTokens?: number;
  /** Sampling temperature; 0 means greedy. */
  temperature?: number;
  topP?: number;
  topK?: number;
  /** Stop strings: generation ends when one appears (the stop string is not included in the text). */
  stop?: string[];
  /** Seed for reproducible sampling. */
  seed?: number;
  /** Return per-token log-probabilities. */
  logprobs?: boolean;
  /** Cancels the request (a disconnected client, a timeout). */
  signal?: AbortSignal;
}

/** One sampled continuation of a prompt. */
export interface Completion {
  /** The generated text (without the prompt). */
  text: string;
  /** Generated token ids, where the backend exposes them. */
  tokens?: number[];
  /** Log-probability of each generated token under the sampling distribution's model (before temperature). */
  logprobs?: number[];
  finishReason: FinishReason;
  /** Number of generated tokens. */
  completionTokens: number;
  /** Tokens spent inside `<think>…</think>`, where known. */
  thinkingTokens?: number;
  /** Reasoning text, for backends that return it separately from the answer (OpenAI-style servers). */
  reasoning?: string;
}

/** Anything that turns prompts into completions: the embedded engine or a remote server. */
export interface Policy {
  /** A display name ("embedded:models/base", "openai:http://127.0.0.1:8000/v1 qwen3"). */
  readonly name: string;
  /** Raw-prompt generation: for each prompt, `opts.n` completions (result[i] belongs to prompts[i]). */
  generate(prompts: string[], opts?: GenerateOptions): Promise<Completion[][]>;
  /** Count tokens the way this policy does (used for budgets and accounting). */
  countTokens?(text: string): number;
  /** Release resources (worker threads, HTTP agents). */
  close?(): Promise<void>;
}

/** A prompt and completion as token ids, for scoring or training. */
export interface TokenSequence {
  prompt: number[];
  completion: number[];
}

/** Per-token statistics of a completion under the current parameters. */
export interface TokenScores {
  /** log p(completion[t] | prefix), one per completion token. */
  logprobs: Float32Array;
  /** Entropy of the next-token distribution at each completion position. */
  entropy: Float32Array;
}

/**
 * The result a loss callback returns: the scalar loss (for logging) and dLoss/dLogprob for every
 * completion token of every sequence (same shapes as `TokenScores.logprobs`).
 */
export interface LossGrad {
  loss: number;
  dLogprobs: Float32Array[];
}

/** A policy whose parameters can be trained: the only view rl/ has of the engine. */
export interface TrainablePolicy extends Policy {
  encode(text: string): number[];
  decode(tokens: number[]): string;
  /** Sample completions from token prompts, returning tokens and their log-probabilities. */
  generateTokens(prompts: number[][], opts?: GenerateOptions): Promise<Completion[][]>;
  /**
   * Log-probabilities and entropies of completions, without gradients. With `opts.temperature` T they
   * are those of softmax(logits / T), the distribution a sampler at T draws from (default 1).
   */
  score(seqs: TokenSequence[], opts?: { temperature?: number }): Promise<TokenScores[]>;
  /**
   * Forward with saved activations, then `lossFn` maps the scores to dLoss/dLogprob, then backward:
   * gradients are accumulated into the parameters' gradient buffers. Returns the loss. The scores
   * are taken at `opts.temperature` as in `score`.
   */
  accumulateGradients(seqs: TokenSequence[], lossFn: (scores: TokenScores[]) => LossGrad, opts?: { temperature?: number }): Promise<number>;
  /** One AdamW step with the accumulated gradients (clipped to maxGradNorm); zeroes them. Returns the pre-clip norm. */
  step(opts: { lr: number; maxGradNorm?: number }): { gradNorm: number };
  /** A frozen copy (the reference model for KL). */
  snapshot(): TrainablePolicy;
  /** Write a checkpoint folder (Hugging Face layout, plus optimizer state). */
  save(dir: string, extra?: Record<string, unknown>): Promise<void>;
}
