/**
 * Where the benchmark JSONL files are: an explicit folder, else $SCRATCHPAD_DATA, else `data/` in
 * the package root (the repository ships them there; the npm package leaves them out).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder holding this package's package.json (the repository root), found by walking up from this file. */
export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "scratchpad") return dir;
      } catch {
        // not ours: keep walking
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

/** The data folder: `explicit`, else $SCRATCHPAD_DATA, else `<package root>/data` (or `./data`). */
export function resolveDataDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  const env = process.env.SCRATCHPAD_DATA;
  if (env) return resolve(env);
  return resolve(findRepoRoot() ?? process.cwd(), "data");
}
