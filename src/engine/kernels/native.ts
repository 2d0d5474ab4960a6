/**
 * The native kernels: a Node-API addon (native/*.cc, built by node-gyp into build/Release at
 * `npm ci`) with AVX2/FMA GEMM, attention, normalisation, activation, log-prob and AdamW kernels
 * that run on a persistent thread pool. `loadNativeKernels()` returns them, or null when the addon
 * is missing, fails to load, or the CPU lacks AVX2/FMA (never throws); kernels/index.ts picks
 * between them and the TypeScript reference kernels. SCRATCHPAD_THREADS=N sets the kernel threads
 * (default: every CPU).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Kernels } from "./types.js";

/** The native kernels plus control of their thread pool. */
export interface NativeKernels extends Kernels {
  /** Sets how many threads the kernels use (1 = the calling thread only); the default is the CPU count. */
  setThreads(n: number): void;
  /** How many threads the kernels use. */
  getThreads(): number;
}

/** The file name node-gyp gives the addon (target_name in binding.gyp). */
const ADDON_FILE = "scratchpad_native.node";

type Addon = Omit<NativeKernels, "name"> & { supported: boolean };

let cached: NativeKernels | null | undefined;
let loadError: string | null = null;

/**
 * Finds build/Release/scratchpad_native.node above this file (it sits in src/engine/kernels when
 * run from source and in dist/src/engine/kernels when compiled). SCRATCHPAD_NATIVE_ADDON overrides.
 */
export function nativeAddonPath(): string | null {
  const override = process.env.SCRATCHPAD_NATIVE_ADDON;
  if (override) return existsSync(override) ? path.resolve(override) : null;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, "build", "Release", ADDON_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/**
 * The native kernels, or null when they cannot be used (see `nativeLoadError()` for why).
 * Loads the addon once; later calls return the same object.
 */
export function loadNativeKernels(): NativeKernels | null {
  if (cached !== undefined) return cached;
  cached = null;
  const file = nativeAddonPath();
  if (!file) {
    loadError = `${ADDON_FILE} is not built (run "npm rebuild" or "node scripts/build-native.mjs")`;
    return null;
  }
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(file) as Addon;
  } catch (err) {
    loadError = `${file} does not load: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`;
    return null;
  }
  if (!addon.supported) {
    loadError = "this CPU lacks AVX2/FMA, which the native kernels need";
    return null;
  }
  const want = process.env.SCRATCHPAD_THREADS;
  if (want !== undefined && want !== "") {
    const n = Number(want);
    if (Number.isInteger(n) && n >= 1 && n <= 64) addon.setThreads(n);
    else process.stderr.write(`scratchpad: SCRATCHPAD_THREADS=${want} is not a whole number in 1..64; using ${addon.getThreads()} kernel threads.\n`);
  }
  // The addon's functions take exactly the Kernels arguments: expose them without a wrapper.
  cached = {
    name: "native",
    matmul: addon.matmul,
    matmulBackward: addon.matmulBackward,
    rmsnorm: addon.rmsnorm,
    rmsnormBackward: addon.rmsnormBackward,
    rope: addon.rope,
    ropeBackward: addon.ropeBackward,
    attention: addon.attention,
    attentionBackward: addon.attentionBackward,
    attentionDecode: addon.attentionDecode,
    swiglu: addon.swiglu,
    swigluBackward: addon.swigluBackward,
    tokenLogprobs: addon.tokenLogprobs,
    tokenLogprobsBackward: addon.tokenLogprobsBackward,
    adamw: addon.adamw,
    setThreads: addon.setThreads,
    getThreads: addon.getThreads,
  };
  return cached;
}

/** Why `loadNativeKernels()` returned null (null when it loaded or has not been tried). */
export function nativeLoadError(): string | null {
  return loadError;
}
