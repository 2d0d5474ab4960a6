// The evaluation phase of `npm start` is never silent: without a terminal (CI, a log file) each
// finished stage prints one plain line with its problem count and time; on a terminal one line is
// rewritten in place and ended once.
import { describe, expect, it } from "vitest";
import { evalProgress } from "../src/eval/progress.js";

function sink() {
  const chunks: string[] = [];
  return { out: { write: (s: string) => chunks.push(s) }, text: () => chunks.join("") };
}

describe("evaluation progress", () => {
  it("prints one line per finished stage without a terminal", () => {
    const s = sink();
    let t = 0;
    const p = evalProgress(s.out, "base model", { live: false, now: () => t });
    t = 1000;
    p.onProgress("samples", 64, 200);
    t = 2500;
    p.onProgress("samples", 200, 200);
    t = 3000;
    p.onProgress("budget 0", 100, 200);
    t = 4500;
    p.onProgress("budget 0", 200, 200);
    p.end();
    expect(s.text()).toBe("evaluating base model: samples done, 200 problems in 2.5 s\nevaluating base model: budget 0 done, 200 problems in 2.0 s\n");
    expect(s.text()).not.toContain("\r");
  });

  it("rewrites one line on a terminal and ends it once", () => {
    const s = sink();
    const p = evalProgress(s.out, "trained model", { live: true });
    p.onProgress("samples", 64, 200);
    p.onProgress("samples", 200, 200);
    p.end();
    p.end();
    expect(s.text()).toBe("\r\x1b[2Kevaluating trained model: samples 64/200\r\x1b[2Kevaluating trained model: samples 200/200\n");
  });
});
