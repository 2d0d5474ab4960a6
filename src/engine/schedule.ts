/**
 * The learning-rate schedule (the one module every trainer uses): linear warmup from 0 to the peak,
 * then constant, or cosine decay to a floor (nanoGPT's `get_lr`). Pretraining decays to lr/10 (the
 * default floor); RL (rl/config.ts `learningRateAt`) decays to 0 or stays constant.
 */
import { ScratchpadError } from "../core/errors.js";

/** The schedule's parameters. */
export interface LrSchedule {
  /** Peak learning rate, reached at the end of warmup. */
  lr: number;
  /** Steps of linear warmup (0 = start at the peak). */
  warmupSteps: number;
  /** Step at which the cosine reaches `minLr`; afterwards the rate stays at `minLr`. */
  totalSteps: number;
  /** Floor of the decay (default lr / 10). */
  minLr?: number;
  /** After warmup: "cosine" decay to `minLr` (default), or "none" (constant at `lr`). */
  decay?: "cosine" | "none";
}

/** Raised for a schedule that cannot work (negative steps, warmup past the end, ...). */
export class ScheduleError extends ScratchpadError {
  constructor(message: string) {
    super("schedule", message);
  }
  override readonly name = "ScheduleError";
}

/**
 * The learning rate at a 0-based step: `lr·(step+1)/warmupSteps` during warmup, then `lr` (decay
 * "none") or `minLr + ½(lr−minLr)(1+cos(π·progress))` with progress going 0 → 1 from warmupSteps to
 * totalSteps, and `minLr` from then on (progress is capped at 1).
 * @throws ScheduleError for invalid parameters.
 */
export function learningRate(step: number, s: LrSchedule): number {
  const minLr = s.minLr ?? s.lr / 10;
  if (!(s.lr >= 0) || !(minLr >= 0) || minLr > s.lr) throw new ScheduleError(`need 0 <= minLr <= lr, got lr=${s.lr}, minLr=${minLr}.`);
  if (!(s.warmupSteps >= 0) || !(s.totalSteps >= s.warmupSteps)) {
    throw new ScheduleError(`need 0 <= warmupSteps <= totalSteps, got warmupSteps=${s.warmupSteps}, totalSteps=${s.totalSteps}.`);
  }
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  if (s.decay === "none") return s.lr;
  const progress = Math.min(1, (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps));
  return minLr + 0.5 * (s.lr - minLr) * (1 + Math.cos(Math.PI * progress));
}
