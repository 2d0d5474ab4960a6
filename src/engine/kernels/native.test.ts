// The native kernels against their TypeScript twins (kernels/ts.ts) on random inputs of several
// shapes: odd sizes that are not multiples of the SIMD width, M = 1, grouped-query heads, T = 1,
// shapes big enough to take the multi-threaded paths, with 1 and 2 threads; accumulate-vs-overwrite
// semantics; and the clear errors on bad arguments. Skipped, with a visible reason, when the addon
// is not built.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadNativeKernels, nativeLoadError } from "./native.js";
import { tsKernels as T } from "./ts.js";

const N = loadNativeKernels();
if (!N) console.warn(`native.test.ts SKIPPED: the native kernels are unavailable: ${nativeLoadError() ?? "unknown reason"}`);

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randn(n: number, r: () => number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (r() * 2 - 1) * scale;
  return a;
}

/**
 * Asserts that `got` equals `want` entry by entry to `tol`, relative to max(1, max |want|):
 * float32 sums in a different order differ by a few ulps of the largest magnitude.
 */
function expectClose(got: Float32Array, want: Float32Array, tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  let scale = 1;
  for (const w of want) scale = Math.max(scale, Math.abs(w));
  let worst = 0,
    at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= worst)) {
      worst = Number.isNaN(e) ? Infinity : e;
      at = i;
    }
    if (worst === Infinity) break;
  }
  expect(worst / scale, `${what}: worst error at ${at}: native ${got[at]} vs ts ${want[at]}`).toBeLessThanOrEqual(tol);
}

const THREADS = [1, 2];

describe.skipIf(!N)("native kernels equal the TypeScript kernels", () => {
  const K = N!;
  const defaultThreads = N ? N.getThreads() : 1;
  afterAll(() => K.setThreads(defaultThreads));

  for (const threads of THREADS) {
    describe(`${threads} thread(s)`, () => {
      it("matmul, overwrite and accumulate", () => {
        K.setThreads(threads);
        const r = rng(1);
        for (const [M, Kd, Nn] of [
          [1, 7, 5],
          [2, 33, 17],
          [3, 128, 64],
          [37, 129, 70],
          [64, 128, 384],
          [300, 64, 200],
          [8, 2048, 9],
        ]) {
          const x = randn(M * Kd, r),
            w = randn(Nn * Kd, r);
          for (const acc of [false, true]) {
            const init = randn(M * Nn, r);
            const a = init.slice(),
              b = init.slice();
            T.matmul(a, x, w, M, Kd, Nn, acc);
            K.matmul(b, x, w, M, Kd, Nn, acc);
            expectClose(b, a, 2e-5 * Math.sqrt(Kd), `matmul M=${M} K=${Kd} N=${Nn} acc=${acc}`);
          }
        }
      });

      it("matmulBackward accumulates into dInp and dWeight, and skips null ones", () => {
        K.setThreads(threads);
        const r = rng(2);
        for (const [M, Kd, Nn] of [
          [1, 9, 3],
          [5, 17, 33],
          [64, 128, 128],
          [2048, 64, 48],
          [300, 129, 70],
        ]) {
          const x = randn(M * Kd, r),
            w = randn(Nn * Kd, r),
            dy = randn(M * Nn, r);
          const dx0 = randn(M * Kd, r),
            dw0 = randn(Nn * Kd, r);
          const dxT = dx0.slice(),
            dwT = dw0.slice(),
            dxN = dx0.slice(),
            dwN = dw0.slice();
          T.matmulBackward(dxT, dwT, dy, x, w, M, Kd, Nn);
          K.matmulBackward(dxN, dwN, dy, x, w, M, Kd, Nn);
          expectClose(dxN, dxT, 2e-5 * Math.sqrt(Nn), `dInp M=${M} K=${Kd} N=${Nn}`);
          expectClose(dwN, dwT, 2e-5 * Math.sqrt(M), `dWeight M=${M} K=${Kd} N=${Nn}`);
          const onlyW = dw0.slice();
          K.matmulBackward(null, onlyW, dy, x, w, M, Kd, Nn);
          expectClose(onlyW, dwT, 2e-5 * Math.sqrt(M), "dWeight alone");
          const onlyX = dx0.slice();
          K.matmulBackward(onlyX, null, dy, x, w, M, Kd, Nn);
          expectClose(onlyX, dxT, 2e-5 * Math.sqrt(Nn), "dInp alone");
        }
      });

      it("attention forward and backward (odd T and D, grouped-query heads, T = 1)", () => {
        K.setThreads(threads);
        const r = rng(3);
        for (const [B, Tt, H, KV, D] of [
          [1, 1, 2, 1, 4],
          [2, 5, 2, 2, 8],
          [1, 13, 4, 2, 6],
          [2, 17, 4, 1, 12],
          [3, 33, 2, 2, 32],
          [2, 64, 4, 4, 32],
          [1, 40, 6, 3, 20],
        ]) {
          const q = randn(B * Tt * H * D, r),
            k = randn(B * Tt * KV * D, r),
            v = randn(B * Tt * KV * D, r);
          const outT = new Float32Array(B * Tt * H * D),
            attT = new Float32Array(B * H * Tt * Tt);
          const outN = randn(B * Tt * H * D, r),
            attN = randn(B * H * Tt * Tt, r); // overwritten
          T.attention(outT, attT, q, k, v, B, Tt, H, KV, D);
          K.attention(outN, attN, q, k, v, B, Tt, H, KV, D);
          const shape = `B=${B} T=${Tt} H=${H} KV=${KV} D=${D}`;
          expectClose(attN, attT, 1e-5, `att ${shape}`);
          expectClose(outN, outT, 1e-5, `out ${shape}`);
          const dOut = randn(B * Tt * H * D, r);
          const dq0 = randn(q.length, r),
            dk0 = randn(k.length, r),
            dv0 = randn(v.length, r);
          const g = { T: [dq0.slice(), dk0.slice(), dv0.slice()], N: [dq0.slice(), dk0.slice(), dv0.slice()] };
          T.attentionBackward(g.T[0], g.T[1], g.T[2], new Float32Array(attT.length), dOut, q, k, v, attT, B, Tt, H, KV, D);
          K.attentionBackward(g.N[0], g.N[1], g.N[2], new Float32Array(attT.length), dOut, q, k, v, attT, B, Tt, H, KV, D);
          expectClose(g.N[0], g.T[0], 2e-5, `dq ${shape}`);
          expectClose(g.N[1], g.T[1], 2e-5, `dk ${shape}`);
          expectClose(g.N[2], g.T[2], 2e-5, `dv ${shape}`);
        }
      });

      it("attentionDecode over ragged lengths with grouped-query heads", () => {
        K.setThreads(threads);
        const r = rng(4);
        for (const [B, L, H, KV, D] of [
          [1, 1, 1, 1, 4],
          [3, 20, 4, 2, 12],
          [64, 50, 4, 4, 32],
          [5, 9, 6, 2, 7],
        ]) {
          const lens = new Int32Array(B);
          for (let b = 0; b < B; b++) lens[b] = b === 0 ? L : 1 + Math.floor(r() * L);
          const q = randn(B * H * D, r),
            kc = randn(B * L * KV * D, r),
            vc = randn(B * L * KV * D, r);
          const outT = new Float32Array(B * H * D),
            outN = randn(B * H * D, r);
          T.attentionDecode(outT, new Float32Array(B * H * L), q, kc, vc, lens, B, L, H, KV, D);
          K.attentionDecode(outN, new Float32Array(B * H * L), q, kc, vc, lens, B, L, H, KV, D);
          expectClose(outN, outT, 1e-5, `decode B=${B} L=${L} H=${H} KV=${KV} D=${D}`);
        }
      });

      it("rmsnorm forward (overwrites) and backward (accumulates)", () => {
        K.setThreads(threads);
        const r = rng(5);
        for (const [M, C] of [
          [1, 3],
          [5, 13],
          [64, 128],
          [1024, 96],
        ]) {
          const x = randn(M * C, r, 2),
            w = randn(C, r);
          const oT = new Float32Array(M * C),
            rT = new Float32Array(M),
            oN = randn(M * C, r),
            rN = randn(M, r);
          T.rmsnorm(oT, rT, x, w, M, C, 1e-5);
          K.rmsnorm(oN, rN, x, w, M, C, 1e-5);
          expectClose(oN, oT, 1e-5, `rmsnorm out M=${M} C=${C}`);
          expectClose(rN, rT, 1e-5, `rmsnorm rstd M=${M} C=${C}`);
          const dy = randn(M * C, r),
            dx0 = randn(M * C, r),
            dw0 = randn(C, r);
          const dxT = dx0.slice(),
            dwT = dw0.slice(),
            dxN = dx0.slice(),
            dwN = dw0.slice();
          T.rmsnormBackward(dxT, dwT, dy, x, w, rT, M, C);
          K.rmsnormBackward(dxN, dwN, dy, x, w, rT, M, C);
          expectClose(dxN, dxT, 1e-5, `rmsnorm dInp M=${M} C=${C}`);
          expectClose(dwN, dwT, 1e-5 * Math.sqrt(M), `rmsnorm dWeight M=${M} C=${C}`);
        }
      });

      it("rope and ropeBackward (in place)", () => {
        K.setThreads(threads);
        const r = rng(6);
        for (const [M, H, D, P] of [
          [1, 1, 2, 4],
          [7, 3, 10, 16],
          [300, 4, 32, 512],
          [9, 2, 64, 9],
        ]) {
          const h = D / 2;
          const cos = new Float32Array(P * h),
            sin = new Float32Array(P * h);
          for (let p = 0; p < P; p++)
            for (let i = 0; i < h; i++) {
              const a = p * Math.pow(10000, (-2 * i) / D);
              cos[p * h + i] = Math.cos(a);
              sin[p * h + i] = Math.sin(a);
            }
          const pos = new Int32Array(M);
          for (let m = 0; m < M; m++) pos[m] = Math.floor(r() * P);
          const x = randn(M * H * D, r);
          const a = x.slice(),
            b = x.slice();
          T.rope(a, cos, sin, pos, M, H, D);
          K.rope(b, cos, sin, pos, M, H, D);
          expectClose(b, a, 1e-6, `rope M=${M} H=${H} D=${D}`);
          T.ropeBackward(a, cos, sin, pos, M, H, D);
          K.ropeBackward(b, cos, sin, pos, M, H, D);
          expectClose(b, a, 1e-6, `ropeBackward M=${M} H=${H} D=${D}`);
          expectClose(b, x, 1e-5, "ropeBackward inverts rope");
        }
      });

      it("swiglu forward and backward (accumulates)", () => {
        K.setThreads(threads);
        const r = rng(7);
        for (const [M, F] of [
          [1, 1],
          [3, 37],
          [256, 384],
        ]) {
          const g = randn(M * F, r, 6),
            u = randn(M * F, r);
          const oT = new Float32Array(M * F),
            oN = randn(M * F, r);
          T.swiglu(oT, g, u, M, F);
          K.swiglu(oN, g, u, M, F);
          expectClose(oN, oT, 1e-6, `swiglu M=${M} F=${F}`);
          const dy = randn(M * F, r),
            dg0 = randn(M * F, r),
            du0 = randn(M * F, r);
          const dgT = dg0.slice(),
            duT = du0.slice(),
            dgN = dg0.slice(),
            duN = du0.slice();
          T.swigluBackward(dgT, duT, dy, g, u, M, F);
          K.swigluBackward(dgN, duN, dy, g, u, M, F);
          expectClose(dgN, dgT, 1e-6, `swiglu dGate M=${M} F=${F}`);
          expectClose(duN, duT, 1e-6, `swiglu dUp M=${M} F=${F}`);
        }
      });

      it("tokenLogprobs (with and without entropy, masked rows) and its backward (overwrites)", () => {
        K.setThreads(threads);
        const r = rng(8);
        for (const [M, V] of [
          [1, 1],
          [6, 67],
          [512, 64],
          [3, 1000],
        ]) {
          const logits = randn(M * V, r, 8);
          const tg = new Int32Array(M);
          for (let m = 0; m < M; m++) tg[m] = m % 5 === 4 ? -1 : Math.floor(r() * V);
          const lT = new Float32Array(M),
            eT = new Float32Array(M),
            lN = randn(M, r),
            eN = randn(M, r);
          T.tokenLogprobs(lT, eT, logits, tg, M, V);
          K.tokenLogprobs(lN, eN, logits, tg, M, V);
          expectClose(lN, lT, 1e-5, `logp M=${M} V=${V}`);
          expectClose(eN, eT, 1e-5, `entropy M=${M} V=${V}`);
          const lN2 = randn(M, r);
          K.tokenLogprobs(lN2, null, logits, tg, M, V);
          expectClose(lN2, lT, 1e-5, "logp without entropy");
          const dlogp = randn(M, r);
          if (M > 1) dlogp[1] = 0;
          const dT = new Float32Array(M * V),
            dN = randn(M * V, r);
          T.tokenLogprobsBackward(dT, dlogp, logits, tg, M, V);
          K.tokenLogprobsBackward(dN, dlogp, logits, tg, M, V);
          expectClose(dN, dT, 1e-6, `dLogits M=${M} V=${V}`);
        }
      });

      it("adamw over several steps", () => {
        K.setThreads(threads);
        const r = rng(9);
        for (const n of [1, 13, 100_003]) {
          const p0 = randn(n, r),
            m0 = randn(n, r, 0.1),
            v0 = new Float32Array(n).map(() => r() * 0.01);
          const pT = p0.slice(),
            mT = m0.slice(),
            vT = v0.slice(),
            pN = p0.slice(),
            mN = m0.slice(),
            vN = v0.slice();
          for (let step = 1; step <= 3; step++) {
            const g = randn(n, r);
            T.adamw(pT, g, mT, vT, n, 1e-2, 0.9, 0.95, 1e-8, 0.1, step);
            K.adamw(pN, g, mN, vN, n, 1e-2, 0.9, 0.95, 1e-8, 0.1, step);
          }
          expectClose(pN, pT, 1e-6, `adamw params n=${n}`);
          expectClose(mN, mT, 1e-6, `adamw m n=${n}`);
          expectClose(vN, vT, 1e-6, `adamw v n=${n}`);
        }
      });
    });
  }

  it("takes its thread count from SCRATCHPAD_THREADS, and warns on a bad value", () => {
    const url = pathToFileURL(path.join(__dirname, "native.ts")).href;
    const code = `import { loadNativeKernels } from ${JSON.stringify(url)}; console.log(loadNativeKernels()?.getThreads());`;
    const run = (value: string) =>
      spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
        encoding: "utf8",
        env: { ...process.env, SCRATCHPAD_THREADS: value },
        timeout: 60_000,
      });
    const one = run("1");
    expect(one.stdout.trim(), one.stderr).toBe("1");
    const bad = run("two");
    expect(bad.stderr).toMatch(/SCRATCHPAD_THREADS=two is not a whole number in 1\.\.64/);
    expect(Number(bad.stdout.trim())).toBeGreaterThanOrEqual(1);
  });

  it("rejects bad arguments with errors that name the kernel and the argument", () => {
    const out = new Float32Array(6);
    expect(() => K.matmul(out, new Float32Array(5), new Float32Array(6), 2, 3, 3, false)).toThrow(
      /native kernel matmul: inp has 5 elements but the shape needs 6/,
    );
    expect(() => K.matmul(out, new Float64Array(6) as unknown as Float32Array, new Float32Array(6), 2, 3, 2, false)).toThrow(/inp must be a Float32Array/);
    expect(() =>
      K.attentionDecode(
        new Float32Array(4),
        new Float32Array(8),
        new Float32Array(4),
        new Float32Array(8),
        new Float32Array(8),
        Int32Array.of(3),
        1,
        2,
        1,
        1,
        4,
      ),
    ).toThrow(/lens\[0\] = 3 must be in 1..2/);
    expect(() => K.tokenLogprobs(new Float32Array(1), null, new Float32Array(4), Int32Array.of(4), 1, 4)).toThrow(/targets\[0\] = 4 is not below V = 4/);
    expect(() => K.rope(new Float32Array(4), new Float32Array(2), new Float32Array(2), Int32Array.of(1), 1, 1, 4)).toThrow(
      /positions\[0\] = 1 is outside the cos\/sin tables/,
    );
    expect(() => K.attention(new Float32Array(8), new Float32Array(8), new Float32Array(8), new Float32Array(8), new Float32Array(8), 1, 2, 3, 2, 1)).toThrow(
      /H = 3 must be a multiple of KV = 2/,
    );
  });
});
