/**
 * AdamW over a model's flat parameter array, with global gradient-norm clipping.
 *
 * Moments `m` and `v` mirror the parameter layout. Weight decay applies to matrices (embeddings,
 * projections, LM head) and not to norm weights, as nanoGPT and most LLM recipes do. The update
 * itself is the `adamw` kernel (PyTorch's AdamW semantics), run once per tensor.
 */
import type { Kernels } from "./kernels/types.js";
import type { Model } from "./model.js";
import { ScratchpadError } from "../core/errors.js";

/** AdamW hyperparameters (PyTorch's defaults). */
export interface AdamWOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay on matrices (never on norm weights). Default 0.01. */
  weightDecay?: number;
}

/** Options of one optimizer step. */
export interface StepOptions {
  lr: number;
  /** Clip the global gradient norm to this value before the update (no clipping when absent or ≤ 0). */
  maxGradNorm?: number;
}

/** The optimizer state, for checkpoints (m and v are views, not copies). */
export interface AdamWState {
  step: number;
  m: Float32Array;
  v: Float32Array;
}

/** Raised when an optimizer state does not match the model or a gradient is not finite. */
export class OptimizerError extends ScratchpadError {
  constructor(message: string) {
    super("optimizer", message);
  }
  override readonly name = "OptimizerError";
}

/** The global L2 norm of a gradient array, accumulated in float64. */
export function gradNorm(grads: Float32Array): number {
  let s = 0;
  for (let i = 0; i < grads.length; i++) s += grads[i] * grads[i];
  return Math.sqrt(s);
}

/** AdamW with gradient clipping over one model. */
export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Number of updates taken so far. */
  t = 0;
  readonly m: Float32Array;
  readonly v: Float32Array;
  private readonly segments: { p: Float32Array; g: Float32Array; m: Float32Array; v: Float32Array; decay: boolean }[];

  constructor(
    readonly model: Model,
    private readonly K: Kernels,
    opts: AdamWOptions = {},
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    const n = model.params.length;
    this.m = new Float32Array(n);
    this.v = new Float32Array(n);
    const grads = model.grads;
    this.segments = model.layout.map((s) => {
      const r = [s.offset, s.offset + s.size] as const;
      return { p: model.params.subarray(...r), g: grads.subarray(...r), m: this.m.subarray(...r), v: this.v.subarray(...r), decay: s.decay };
    });
  }

  /**
   * One update with the model's accumulated gradients: clip to `maxGradNorm`, apply AdamW, zero the
   * gradients. Returns the gradient norm before clipping.
   * @throws OptimizerError when the gradient norm is not finite (the parameters are left untouched).
   */
  step(opts: StepOptions): { gradNorm: number } {
    const grads = this.model.grads;
    const norm = gradNorm(grads);
    if (!Number.isFinite(norm)) {
      this.model.zeroGrads();
      throw new OptimizerError(`gradient norm is ${norm}; the step was skipped (lower the learning rate or check the loss).`);
    }
    if (opts.maxGradNorm !== undefined && opts.maxGradNorm > 0 && norm > opts.maxGradNorm) {
      const scale = opts.maxGradNorm / (norm + 1e-6);
      for (let i = 0; i < grads.length; i++) grads[i] *= scale;
    }
    this.t++;
    for (const s of this.segments) {
      this.K.adamw(s.p, s.g, s.m, s.v, s.p.length, opts.lr, this.beta1, this.beta2, this.eps, s.decay ? this.weightDecay : 0, this.t);
    }
    this.model.zeroGrads();
    return { gradNorm: norm };
  }

  /** The state to save with a checkpoint. */
  state(): AdamWState {
    return { step: this.t, m: this.m, v: this.v };
  }

  /**
   * Restores a saved state.
   * @throws OptimizerError when the moment arrays do not match the model's parameter count.
   */
  loadState(s: AdamWState): void {
    if (s.m.length !== this.m.length || s.v.length !== this.v.length) {
      throw new OptimizerError(
        `optimizer state has ${s.m.length}/${s.v.length} moments but the model has ${this.m.length} parameters; it belongs to another model.`,
      );
    }
    this.m.set(s.m);
    this.v.set(s.v);
    this.t = s.step;
  }
}
