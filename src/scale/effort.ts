/**
 * `reasoning_effort` presets: each level maps to a thinking budget in tokens (budget forcing caps
 * thinking there). The mapping is configurable per deployment.
 */
import { ScratchpadError } from "../core/errors.js";

/** The effort levels accepted by the server and the CLI. */
export const EFFORT_LEVELS = ["none", "minimal", "low", "medium", "high"] as const;

/** One of `EFFORT_LEVELS`. */
export type EffortLevel = (typeof EFFORT_LEVELS)[number];

/** Thinking budget (tokens) of each effort level; Infinity = no cap beyond max tokens. */
export type EffortBudgets = Record<EffortLevel, number>;

/** Default budgets, sized for the small reasoning models of this project. */
export const DEFAULT_EFFORT_BUDGETS: Readonly<EffortBudgets> = {
  none: 0,
  minimal: 8,
  low: 32,
  medium: 128,
  high: Infinity,
};

/** Error for an unknown effort level or a bad preset table. */
export class EffortError extends ScratchpadError {
  constructor(message: string) {
    super("effort", message);
  }
  override readonly name = "EffortError";
}

/** Whether `s` is an effort level. */
export function isEffortLevel(s: unknown): s is EffortLevel {
  return typeof s === "string" && (EFFORT_LEVELS as readonly string[]).includes(s);
}

/** The thinking budget of an effort level under a (partial) override of the defaults. */
export function effortBudget(level: string, overrides: Partial<EffortBudgets> = {}): number {
  if (!isEffortLevel(level)) throw new EffortError(`unknown reasoning effort "${level}": use one of ${EFFORT_LEVELS.join(", ")}`);
  return { ...DEFAULT_EFFORT_BUDGETS, ...overrides }[level];
}

/**
 * Parse an override like "none=0,low=16,medium=64,high=inf" into budgets; unknown levels and
 * negative or non-numeric budgets are errors that name the fix.
 */
export function parseEffortBudgets(spec: string): Partial<EffortBudgets> {
  const out: Partial<EffortBudgets> = {};
  for (const part of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [level, value] = part.split("=").map((s) => s.trim());
    if (!isEffortLevel(level)) throw new EffortError(`unknown effort level "${level}" in "${spec}": use ${EFFORT_LEVELS.join(", ")}`);
    const b = value === "inf" || value === "Infinity" ? Infinity : Number(value);
    if (!(b >= 0)) throw new EffortError(`budget for "${level}" must be a number ≥ 0 or "inf", got "${value}"`);
    out[level] = b;
  }
  return out;
}
