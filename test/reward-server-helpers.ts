// Test helpers for the reward server: start the real `scratchpad reward-server` command (from the TypeScript
// sources, through tsx) as a child process on a free port, and run `scratchpad verify ...` the same way.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SCRIPT = 'const m = await import("./src/cli/main.ts"); await m.run(["node", "scratchpad", ...process.argv.slice(1)]);';

/** A reward server child process. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Start `scratchpad reward-server --port 0 ARGS`; resolves once it prints its URL. */
export function startServer(...args: string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "-e", SCRIPT, "reward-server", "--port", "0", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (b: Buffer) => (err += b.toString()));
  return new Promise<ServerProcess>((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`reward-server exited (${code}) before listening: ${err}`)));
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        child.removeAllListeners("exit");
        resolve({
          url: m[1],
          child,
          stderr: () => err,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    });
  });
}

/** Run `scratchpad ARGS` with `input` on stdin; returns stdout (throws on a non-zero exit). */
export function scratchpadCli(input: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", SCRIPT, ...args], { cwd: ROOT, input, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`scratchpad ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** POST JSON; returns status, headers and the parsed body. */
export async function post(url: string, body: unknown): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as Record<string, unknown> };
}

/** GET /health's body. */
export async function health(base: string): Promise<Record<string, number | string>> {
  const res = await fetch(`${base}/health`);
  return (await res.json()) as Record<string, number | string>;
}

/** Poll /health until `pred` holds (no fixed sleeps: each poll waits for the server's answer). */
export async function waitForHealth(
  base: string,
  pred: (h: Record<string, number | string>) => boolean,
  tries = 600,
): Promise<Record<string, number | string>> {
  for (let i = 0; i < tries; i++) {
    const h = await health(base);
    if (pred(h)) return h;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the server never reached the expected state");
}
