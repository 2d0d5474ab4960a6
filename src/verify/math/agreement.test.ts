// Agreement with Math-Verify on a held-out half of its documented behaviours (the fixture's
// `heldout` split; `tune` is the half the verifier was fixed against). Cases where scratchpad
// deliberately differs are marked `deviation` and must keep giving the other result.
import { describe, expect, it } from "vitest";
import { agreement, loadCases, runCases } from "./agreement.js";

describe("agreement with Math-Verify's documented behaviours", () => {
  const cases = loadCases();
  const results = runCases(cases);

  it("the fixture is well formed: sources, options and both splits present", () => {
    expect(cases.length).toBeGreaterThan(200);
    for (const c of cases) {
      expect(c.source, c.id).toMatch(/Math-Verify/);
      expect(typeof c.expected, c.id).toBe("boolean");
      expect(["tune", "heldout"]).toContain(c.split);
    }
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  // Issue 9 targets 97%; measured on the held-out half: 145/149 = 97.3% (docs/verify-math.md).
  // The floor is that target: a change that loses a held-out case fails here.
  it("agrees on at least 145/149 = 97.3% of the held-out half (issue 9's target: 97%)", () => {
    const a = agreement(results, "heldout");
    expect(a.total).toBe(149);
    expect(a.agree, `held-out ${a.agree}/${a.total}`).toBeGreaterThanOrEqual(145);
  });

  it("agrees on at least 163/164 of the tune half (164/164 measured)", () => {
    const a = agreement(results, "tune");
    expect(a.agree, `tune ${a.agree}/${a.total}`).toBeGreaterThanOrEqual(163);
  });

  it("deliberate deviations give the other result, each with its reason", () => {
    const devs = results.filter((r) => r.c.deviation);
    expect(devs.length).toBeGreaterThan(0);
    for (const r of devs) {
      expect(r.c.deviation!.length, r.c.id).toBeGreaterThan(20);
      expect(r.got, r.c.id).toBe(!r.c.expected);
    }
  });
});
