/**
 * Live training progress on the terminal: one status line rewritten in place on a TTY (step,
 * reward, accuracy, thinking length, ETA), or one plain line per step when `CI` is set or the
 * output is not a terminal.
 */
import type { TrainConfig } from "./config.js";
import type { StepMetrics } from "./metrics.js";

/** Where progress goes (process.stdout by default). */
export interface ProgressSink {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** Format seconds as "1m05s" / "42s". */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "?";
  const m = Math.floor(s / 60),
    r = Math.round(s - 60 * m);
  return m > 0 ? `${m}m${String(r).padStart(2, "0")}s` : `${r}s`;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? "  -  " : `${(100 * x).toFixed(0).padStart(3)}%`);
const num = (x: number | null | undefined, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(d));

/** Prints training progress; call `step` after every step and `done` at the end. */
export class ProgressPrinter {
  private readonly live: boolean;
  private firstStep = -1;
  private firstElapsed = 0;

  constructor(
    private readonly out: ProgressSink = process.stdout,
    opts: { plain?: boolean } = {},
  ) {
    this.live = !opts.plain && !process.env.CI && out.isTTY === true;
  }

  /** One line describing a step. */
  line(m: StepMetrics, cfg: TrainConfig): string {
    const step = m.step;
    const elapsed = m.time.elapsed_s || 0;
    if (this.firstStep < 0) {
      this.firstStep = step - 1;
      this.firstElapsed = 0;
    }
    const done = step - this.firstStep;
    const eta = done > 0 ? ((elapsed - this.firstElapsed) / done) * (cfg.steps - step) : NaN;
    const byD = m.by_difficulty.map((d) => `${d.difficulty}:${pct(d.accuracy).trim()}/${num(d.thinking_mean_tokens, 0)}`).join(" ");
    return (
      `step ${String(step).padStart(String(cfg.steps).length)}/${cfg.steps}  reward ${num(m.reward, 3)}  acc ${pct(m.accuracy)}  ` +
      `think ${num(m.thinking.mean_tokens)} tok (${pct(m.thinking.rate).trim()} think, ${pct(m.thinking.self_check_rate).trim()} wait)  ` +
      `[digits:acc/think ${byD}]  ${num(m.time.step_s)}s/step  ETA ${formatDuration(eta)}`
    );
  }

  /** Report one step. */
  step(m: StepMetrics, cfg: TrainConfig): void {
    const line = this.line(m, cfg);
    if (this.live) {
      const cols = (this.out as { columns?: number }).columns ?? 160;
      this.out.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
    } else this.out.write(line + "\n");
  }

  /** End the live line. */
  done(): void {
    if (this.live) this.out.write("\n");
  }

  /** Print a message on its own line (keeps the live line intact). */
  note(msg: string): void {
    this.out.write(this.live ? `\r\x1b[2K${msg}\n` : `${msg}\n`);
  }
}
