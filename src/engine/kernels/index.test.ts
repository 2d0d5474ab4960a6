// Tests of kernel selection: SCRATCHPAD_KERNELS=ts forces the TypeScript kernels, an unknown value is
// an error naming the fix, and without the variable getKernels() returns a complete kernel set.
import { afterEach, describe, expect, it } from "vitest";
import { getKernels, KernelsUnavailableError, nativeKernelsOrNull, tsKernels } from "./index.js";

const saved = process.env.SCRATCHPAD_KERNELS;
afterEach(() => {
  if (saved === undefined) delete process.env.SCRATCHPAD_KERNELS;
  else process.env.SCRATCHPAD_KERNELS = saved;
});

describe("getKernels", () => {
  it("SCRATCHPAD_KERNELS=ts forces the TypeScript kernels", () => {
    process.env.SCRATCHPAD_KERNELS = "ts";
    expect(getKernels()).toBe(tsKernels);
  });

  it("an unknown SCRATCHPAD_KERNELS value is an error that names the choices", () => {
    process.env.SCRATCHPAD_KERNELS = "gpu";
    expect(() => getKernels()).toThrow(KernelsUnavailableError);
    expect(() => getKernels()).toThrow(/"ts" or "native"/);
  });

  it("SCRATCHPAD_KERNELS=native gives the native kernels, or an error when they cannot load", () => {
    process.env.SCRATCHPAD_KERNELS = "native";
    const native = nativeKernelsOrNull();
    if (native) expect(getKernels()).toBe(native);
    else expect(() => getKernels()).toThrow(/cannot load/);
  });

  it("by default returns a complete kernel set (native when it loads)", () => {
    delete process.env.SCRATCHPAD_KERNELS;
    const k = getKernels();
    expect(k.name).toBe(nativeKernelsOrNull() ? nativeKernelsOrNull()!.name : "ts");
    for (const fn of Object.keys(tsKernels))
      expect(typeof (k as unknown as Record<string, unknown>)[fn]).toBe(typeof (tsKernels as unknown as Record<string, unknown>)[fn]);
  });
});
