// Helpers for tests that run the built `scratchpad` command the way a user does: run a command to
// completion without blocking the test worker, start `scratchpad serve` and wait for the line that
// names its URL. dist/ is built once per run by vitest's global setup (test/global-setup.ts).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));

/** What a finished command printed, and its exit status (null when it was killed). */
export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command in the repository root (vitest's RPC needs the worker's event loop, so never spawnSync). */
export function runCommand(cmd: string, args: string[]): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: root, encoding: "utf8", timeout: 240_000, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
    });
  });
}

/** Run the built CLI: `node bin/scratchpad.js ...args`. */
export function runCli(args: string[]): Promise<CommandResult> {
  return runCommand(process.execPath, [path.join(root, "bin", "scratchpad.js"), ...args]);
}

/** Check that dist/ is built (vitest's global setup, test/global-setup.ts, builds it when stale). */
export function ensureBuilt(): void {
  if (!existsSync(path.join(root, "dist", "cli", "main.js"))) throw new Error("dist/ is not built: run `npm run build`");
}

/** A running `scratchpad serve` process. */
export interface ServeProcess {
  url: string;
  /** What it printed to stderr up to the line naming its URL. */
  log: string;
  child: ChildProcess;
}

/**
 * Start `scratchpad serve ...args --port 0` and resolve when it prints its URL. The child is pushed
 * onto `children` so the test can stop it in afterAll.
 */
export function startServe(args: string[], children: ChildProcess[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [path.join(root, "bin", "scratchpad.js"), "serve", ...args, "--port", "0"], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /on (http:\/\/\S+)/.exec(err);
      if (m) resolve({ url: m[1], log: err, child });
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}
