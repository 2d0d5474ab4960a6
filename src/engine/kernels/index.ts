/**
 * Kernel selection: `getKernels()` returns the native fast path when it loads, else the TypeScript
 * reference kernels (with a one-line warning on stderr, printed once).
 *
 * The environment variable SCRATCHPAD_KERNELS=ts|native forces a choice: `ts` never tries the
 * native addon; `native` makes `getKernels()` throw a `KernelsUnavailableError` when it cannot load.
 */
import type { Kernels } from "./types.js";
import { tsKernels } from "./ts.js";

export type { Kernels } from "./types.js";
export { tsKernels } from "./ts.js";

/** Thrown when SCRATCHPAD_KERNELS asks for kernels that cannot be used. */
export class KernelsUnavailableError extends Error {
  override readonly name = "KernelsUnavailableError";
}

/** The outcome of trying to load the native kernels at import time. */
interface NativeAttempt {
  kernels: Kernels | null;
  reason: string;
}

/** Loads src/engine/kernels/native.ts (written by the native-kernels work) if it exists and loads. */
async function tryLoadNative(): Promise<NativeAttempt> {
  if ((process.env.SCRATCHPAD_KERNELS ?? "").trim().toLowerCase() === "ts") return { kernels: null, reason: "SCRATCHPAD_KERNELS=ts" };
  let reason = "";
  // Variable specifiers: the module is optional, so the type checker must not require it. Compiled
  // code has native.js; running from source (vitest, tsx) resolves native.ts.
  for (const spec of ["./native.js", "./native.ts"]) {
    try {
      const mod = (await import(spec)) as { loadNativeKernels?: () => Kernels | null };
      const k = mod.loadNativeKernels ? mod.loadNativeKernels() : null;
      return k ? { kernels: k, reason: "" } : { kernels: null, reason: "the native addon is not built" };
    } catch (err) {
      const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
      const notFound = /Cannot find module .*kernels[/\\]native\.[jt]s/.test(msg);
      if (!notFound || reason === "") reason = notFound ? "src/engine/kernels/native.ts is not present" : msg;
    }
  }
  return { kernels: null, reason };
}

const native = await tryLoadNative();
let warned = false;

/**
 * The kernels the engine should use: native when available (or forced by SCRATCHPAD_KERNELS=native),
 * TypeScript otherwise (or when forced by SCRATCHPAD_KERNELS=ts).
 * @throws KernelsUnavailableError when SCRATCHPAD_KERNELS is invalid or forces native kernels that cannot load.
 */
export function getKernels(): Kernels {
  const forced = (process.env.SCRATCHPAD_KERNELS ?? "").trim().toLowerCase();
  if (forced === "ts") return tsKernels;
  if (forced !== "" && forced !== "native") {
    throw new KernelsUnavailableError(`SCRATCHPAD_KERNELS=${forced} is not a kernel set; use "ts" or "native" (or unset it).`);
  }
  if (native.kernels) return native.kernels;
  if (forced === "native") {
    throw new KernelsUnavailableError(`SCRATCHPAD_KERNELS=native but the native kernels cannot load (${native.reason}); run "npm rebuild" or set SCRATCHPAD_KERNELS=ts.`);
  }
  if (!warned) {
    warned = true;
    process.stderr.write(`scratchpad: native kernels unavailable (${native.reason}); using the TypeScript kernels (slower).\n`);
  }
  return tsKernels;
}

/** The native kernels if they loaded (regardless of SCRATCHPAD_KERNELS), else null: for tests comparing both. */
export function nativeKernelsOrNull(): Kernels | null {
  return native.kernels;
}
