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

  // Issue 9 targets 97%; measured on the held-out half: 144/149 = 96.6% (docs/verify-math.md).
  // This floor (the measured count minus one case, 143/149 = 96.0%) keeps that from regressing; raise it as agreement improves.
  it("agrees on at least 143/149 of the held-out half (target 97%, not reached yet)", () => {
    const a = agreement(results, "heldout");
    expect(a.agree, `held-out ${a.agree}/${a.total}`).toBeGreaterThanOrEqual(143);
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
