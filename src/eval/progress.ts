/**
 * Progress of an evaluation (`evaluate`'s `onProgress`) for people watching: on a terminal one line
 * rewritten in place ("evaluating base model: budget 16 120/200"); without one (CI, a log file) one
 * plain line per finished stage (samples, then each budget) with its problem count and time, so a
 * long evaluation is never silent.
 */

/** Where progress goes (process.stdout by default). */
export interface ProgressOut {
  write(s: string): unknown;
}

/** An `onProgress` callback and the call that ends the display. */
export interface EvalProgress {
  onProgress: (phase: string, done: number, total: number) => void;
  /** Ends the live line (plain output needs nothing). */
  end(): void;
}

/**
 * Progress of evaluating `label` ("base model"). `live`: rewrite one terminal line; otherwise print
 * a line when a stage finishes (`done === total`), with the seconds it took.
 */
export function evalProgress(out: ProgressOut, label: string, opts: { live: boolean; now?: () => number }): EvalProgress {
  const now = opts.now ?? (() => performance.now());
  // A stage starts when the previous one ends (or when the display is made).
  let started = now();
  let wroteLive = false;
  return {
    onProgress(p, done, total) {
      if (opts.live) {
        out.write(`\r\x1b[2Kevaluating ${label}: ${p} ${done}/${total}`);
        wroteLive = true;
      } else if (done >= total) {
        out.write(`evaluating ${label}: ${p} done, ${total} problems in ${((now() - started) / 1000).toFixed(1)} s\n`);
      }
      if (done >= total) started = now();
    },
    end() {
      if (wroteLive) out.write("\n");
      wroteLive = false;
    },
  };
}
