// Vitest global setup: build dist/ once, before any test file runs, when it is missing or older than
// a source file. Tests that run the built `scratchpad` command (bin/scratchpad.js → dist/) then see
// the current sources whether they run under `npm test` (whose pretest has just built, so nothing is
// rebuilt here) or on their own (`npx vitest run test/route-serve.test.ts`), and no two test files
// ever rebuild dist/ at the same time.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The newest modification time of a non-test source file under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (!e.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether dist/ is missing or older than a source file or the build configuration. */
export function distIsStale(root = ROOT): boolean {
  const built = path.join(root, "dist", "cli", "main.js");
  if (!existsSync(built)) return true;
  const t = statSync(built).mtimeMs;
  const config = ["tsconfig.json", "tsconfig.build.json"].map((f) => path.join(root, f)).filter(existsSync);
  return newestSource(path.join(root, "src")) > t || config.some((f) => statSync(f).mtimeMs > t);
}

/** Vitest's global setup hook. */
export default async function setup(): Promise<void> {
  if (!distIsStale()) return;
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, maxBuffer: 1 << 26 });
  } catch (err) {
    // tsc still emits when some file has a type error (reporting those is `npm run typecheck`'s job);
    // only a build that wrote nothing stops the run.
    if (!existsSync(path.join(ROOT, "dist", "cli", "main.js"))) throw err;
  }
}
