/**
 * Kernel selection: `getKernels()` returns the native fast path when it loads, else the TypeScript
 * reference kernels (with a one-line warning on stderr, printed once).
 *
 * The environment variable SCRATCHPAD_KERNELS=ts|native forces a choice: `ts` never loads the
 * native addon; `native` makes `getKernels()` throw a `KernelsUnavailableError` when it cannot load.
 */
import type { Kernels } from "./types.js";
import { loadNativeKernels, nativeLoadError, type NativeKernels } from "./native.js";
import { tsKernels } from "./ts.js";
import { ScratchpadError } from "../../core/errors.js";

export type { Kernels } from "./types.js";
export { tsKernels } from "./ts.js";

/** Thrown when SCRATCHPAD_KERNELS asks for kernels that cannot be used. */
export class KernelsUnavailableError extends ScratchpadError {
  constructor(message: string) {
    super("kernels_unavailable", message);
  }
  override readonly name = "KernelsUnavailableError";
}

/** The outcome of trying to load the native kernels (once, on first use). */
interface NativeAttempt {
  kernels: NativeKernels | null;
  reason: string;
}

let native: NativeAttempt | null = null;

/** Loads the native addon once (never throws); SCRATCHPAD_KERNELS=ts skips it entirely. */
function tryLoadNative(): NativeAttempt {
  if (native) return native;
  if ((process.env.SCRATCHPAD_KERNELS ?? "").trim().toLowerCase() === "ts") return { kernels: null, reason: "SCRATCHPAD_KERNELS=ts" };
  const kernels = loadNativeKernels();
  native = { kernels, reason: kernels ? "" : (nativeLoadError() ?? "the native addon did not load") };
  return native;
}

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
  const attempt = tryLoadNative();
  if (attempt.kernels) return attempt.kernels;
  if (forced === "native") {
    throw new KernelsUnavailableError(
      `SCRATCHPAD_KERNELS=native but the native kernels cannot load (${attempt.reason}); run "npm rebuild" or set SCRATCHPAD_KERNELS=ts.`,
    );
  }
  if (!warned) {
    warned = true;
    process.stderr.write(`scratchpad: native kernels unavailable (${attempt.reason}); using the TypeScript kernels (slower).\n`);
  }
  return tsKernels;
}

/** The native kernels if they load (unless SCRATCHPAD_KERNELS=ts), else null: for tests comparing both. */
export function nativeKernelsOrNull(): NativeKernels | null {
  return tryLoadNative().kernels;
}
