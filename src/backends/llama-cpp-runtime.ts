/**
 * node-llama-cpp, the optional dependency behind the `llama-cpp` backend: its structural types (the
 * parts llama-cpp.ts uses, so that scratchpad compiles without it), loading its prebuilt llama.cpp
 * binary once per process, whether it is available here, and the raw log-probability of a token
 * from the probabilities llama.cpp reports.
 */
import { ScratchpadError } from "../core/errors.js";

/** A GGUF model cannot be loaded or a request cannot be served; the message names the fix. */
export class LlamaCppError extends ScratchpadError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("llama_cpp_failed", message, options);
  }
}

/* Structural types of the parts of node-llama-cpp used here (it is an optional dependency). */
/** A llama.cpp token id. */
export type Token = number;
/** A context sequence (node-llama-cpp's LlamaContextSequence, the parts used). */
export interface NlcSequence {
  readonly nextTokenIndex: number;
  readonly contextTokens: readonly Token[];
  clearHistory(): Promise<void>;
  eraseContextTokenRanges(ranges: { start: number; end: number }[]): Promise<void>;
  evaluateWithMetadata(
    tokens: Token[],
    metadata: { probabilities?: boolean; confidence?: boolean },
    options?: Record<string, unknown>,
  ): AsyncGenerator<{ token: Token; probabilities?: Map<Token, number>; confidence?: number }, void, void | Token | Token[]>;
  dispose(): void;
}
/** A context (node-llama-cpp's LlamaContext, the parts used). */
export interface NlcContext {
  readonly contextSize: number;
  getSequence(): NlcSequence;
  dispose(): Promise<void>;
}
/** A loaded model (node-llama-cpp's LlamaModel, the parts used). */
export interface NlcModel {
  readonly tokens: { bos: Token | null; eos: Token | null; bosString: string | null; eosString: string | null; shouldPrependBosToken: boolean };
  readonly fileInfo: { metadata: Record<string, unknown> };
  readonly trainContextSize: number;
  /** Bytes of the weights. */
  readonly size?: number;
  tokenize(text: string, specialTokens?: boolean): Token[];
  detokenize(tokens: readonly Token[], specialTokens?: boolean, lastTokens?: readonly Token[]): string;
  isEogToken(token: Token | undefined): boolean;
  iterateAllTokens(): Generator<Token, void, unknown>;
  createContext(o: Record<string, unknown>): Promise<NlcContext>;
  dispose(): Promise<void>;
}

let llamaInstance: Promise<unknown> | undefined;

/** Load node-llama-cpp's prebuilt binary once per process (never builds from source). */
export async function getLlamaRuntime(gpu: boolean): Promise<{ loadModel(o: { modelPath: string }): Promise<NlcModel> }> {
  llamaInstance ??= (async () => {
    // A computed specifier: the package is optional, so its types must not be required to compile.
    const specifier = "node-llama-cpp";
    let mod: { getLlama(o: Record<string, unknown>): Promise<unknown>; LlamaLogLevel: { error: unknown } };
    try {
      mod = (await import(specifier)) as typeof mod;
    } catch (err) {
      throw new LlamaCppError(
        "GGUF models run on llama.cpp through the optional dependency node-llama-cpp, which is not installed: run `npm install node-llama-cpp@3.21.1`",
        { cause: err },
      );
    }
    try {
      return await mod.getLlama({ gpu: gpu ? "auto" : false, build: "never", logLevel: mod.LlamaLogLevel.error });
    } catch (err) {
      throw new LlamaCppError(
        `node-llama-cpp has no prebuilt llama.cpp binary for this machine (${(err as Error).message}); see https://node-llama-cpp.withcat.ai/guide/building-from-source`,
        { cause: err },
      );
    }
  })();
  try {
    return (await llamaInstance) as { loadModel(o: { modelPath: string }): Promise<NlcModel> };
  } catch (err) {
    llamaInstance = undefined;
    throw err;
  }
}

/** Whether node-llama-cpp and its prebuilt binary load here; the reason when not. */
export async function llamaCppAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await getLlamaRuntime(false);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** Whether a model spec names a GGUF file. */
export function isGgufPath(spec: string): boolean {
  return /\.gguf$/i.test(spec.trim());
}

/** Raw log-probability of `token` from llama.cpp's probabilities after temperature `t` (no truncation). */
export function rawLogprob(probs: Map<Token, number>, token: Token, t: number): number {
  // p_t(i) ∝ exp(l_i / t), so t·log p_t(i) = l_i + const: the raw log-softmax follows.
  const scaled: number[] = [];
  let mine = -Infinity;
  for (const [id, p] of probs) {
    const v = t * Math.log(p);
    scaled.push(v);
    if (id === token) mine = v;
  }
  let max = -Infinity;
  for (const v of scaled) if (v > max) max = v;
  let sum = 0;
  for (const v of scaled) sum += Math.exp(v - max);
  return mine - max - Math.log(sum);
}
