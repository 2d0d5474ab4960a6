// Tests of CodePool: bounded parallelism (checked from the programs' own clocks), order, closing.
import { describe, expect, it } from "vitest";
import { CodePool, CodePoolClosedError } from "./pool.js";

/** A program that prints its start and end time (ms since the epoch) around a short sleep. */
const TIMED = "import time\nstart = time.time()\ntime.sleep(0.6)\nprint(start * 1000, time.time() * 1000)\n";

function maxOverlap(intervals: [number, number][]): number {
  const events = intervals.flatMap(([s, e]) => [
    [s, 1],
    [e, -1],
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let best = 0;
  for (const [, d] of events) {
    cur += d;
    best = Math.max(best, cur);
  }
  return best;
}

describe("CodePool", () => {
  it("runs up to `concurrency` programs at once, never more, and keeps results in order", async () => {
    const pool = new CodePool({ concurrency: 2 });
    expect(pool.concurrency).toBe(2);
    const reqs = Array.from({ length: 6 }, (_, i) => ({ language: "python" as const, code: TIMED + `print(${i})\n`, tests: "" }));
    let maxActive = 0;
    const watching = setInterval(() => (maxActive = Math.max(maxActive, pool.active)), 20);
    const results = await pool.runAll(reqs);
    clearInterval(watching);
    results.forEach((r, i) => {
      expect(r.status, r.message).toBe("passed");
      expect(r.stdout.trim().split("\n")[1]).toBe(String(i));
    });
    const intervals = results.map((r) => r.stdout.trim().split("\n")[0].split(" ").map(Number) as [number, number]);
    // Two programs' sleeps overlap (parallel), three never do (bounded).
    expect(maxOverlap(intervals)).toBe(2);
    expect(maxActive).toBe(2);
    expect(pool.active).toBe(0);
    expect(pool.pending).toBe(0);
  });

  it("rejects queued work after close and refuses new work", async () => {
    const pool = new CodePool({ concurrency: 1 });
    const first = pool.run({ language: "python", code: "print(1)", tests: "" });
    const queued = pool.run({ language: "python", code: "print(2)", tests: "" });
    pool.close();
    await expect(queued).rejects.toBeInstanceOf(CodePoolClosedError);
    expect((await first).status).toBe("passed");
    await expect(pool.run({ language: "python", code: "", tests: "" })).rejects.toThrow(/closed/);
  });

  it("rejects a bad concurrency", () => {
    expect(() => new CodePool({ concurrency: 0 })).toThrow(/positive integer/);
  });
});
