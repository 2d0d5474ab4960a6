/**
 * Starting one program in the sandbox and collecting what it did.
 *
 * The program's files are written to a fresh host folder that the sandbox sees read-only at `/box`
 * (bubblewrap) and the program runs with `/tmp` (a size-capped tmpfs) as its only writable place. Limits are
 * rlimits set inside the sandbox by `prlimit` (CPU seconds, RLIMIT_DATA, RLIMIT_NPROC, RLIMIT_FSIZE, no core
 * dumps). A wall-clock timer, the output caps and an `AbortSignal` kill the run: under bubblewrap the kill goes
 * to the namespace's init process, which takes every process of the pid namespace with it; without it, to the
 * process group plus every process carrying the run's environment marker. `runSandboxed` returns only after
 * the whole tree is gone.
 *
 * File descriptor 3 of the program is a socket pair with the parent: the runners read their spec (tests,
 * nonce) from it and write their verdict to it, so tests never touch the sandbox's filesystem.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SandboxUnavailableError } from "./errors.js";
import { bwrapArgs, sandboxInfo, type SandboxInfo } from "./sandbox-info.js";
import type { SandboxKind } from "./types.js";

/** Limits of one process start, all resolved. */
export interface ResolvedLimits {
  timeoutMs: number;
  cpuSeconds: number;
  memoryMb: number;
  maxProcesses: number;
  maxOutputBytes: number;
  maxFileBytes: number;
}

/** What to start. */
export interface SandboxSpawn {
  /** The command, given the folder where `files` are visible to it (`/box` under bubblewrap). */
  argv: (boxDir: string) => string[];
  /** Files (name → content) placed read-only in the box folder. */
  files: Record<string, string>;
  /** The program's stdin (default: empty). */
  stdin?: string;
  /** A line written to the program's fd 3 (a socket pair) before it starts reading; omitted: no fd 3. */
  channelInput?: string;
  limits: ResolvedLimits;
  signal?: AbortSignal;
  /**
   * Once the program writes on fd 3 (its verdict), give it this long to exit, then kill it: the verdict is in,
   * and threads or timers it left running must not hold the run until the wall-clock limit. Default: no grace kill.
   */
  exitGraceAfterChannelMs?: number;
}

/** What happened to one process start. */
export interface SandboxOutcome {
  /** Exit status of the program, when it exited. */
  exitCode: number | null;
  /** The signal that ended the program (`SIGKILL`, `SIGXCPU`, ...), when one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Whether stdout or stderr was cut at `maxOutputBytes`. */
  truncated: boolean;
  /** Killed for printing more than `maxOutputBytes`. */
  outputLimit: boolean;
  /** Killed at the wall-clock limit. */
  wallTimeout: boolean;
  /** Killed because the caller's signal aborted. */
  aborted: boolean;
  /** Everything the program wrote on fd 3. */
  channel: string;
  durationMs: number;
  sandbox: SandboxKind;
}

const SIGNAL_NAMES: Record<number, NodeJS.Signals> = Object.fromEntries(
  Object.entries(os.constants.signals).map(([name, num]) => [num, name as NodeJS.Signals]),
);

/** Clean environment of every sandboxed program. */
function sandboxEnv(home: string, marker: string): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    TMPDIR: home,
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONIOENCODING: "utf-8",
    PYTHONHASHSEED: "0",
    SCRATCHPAD_SANDBOX_ID: marker,
  };
}

/** `prlimit` (or `/bin/sh` + `ulimit`) prefix that applies the limits and then execs the command. */
function limitPrefix(info: SandboxInfo, limits: ResolvedLimits, withNproc: boolean): string[] {
  const data = limits.memoryMb * 1024 * 1024;
  if (info.prlimit) {
    const p = [
      info.prlimit,
      `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
      `--data=${data}`,
      `--fsize=${limits.maxFileBytes}`,
      "--core=0",
    ];
    if (withNproc) p.push(`--nproc=${limits.maxProcesses}`);
    return [...p, "--"];
  }
  const kb = Math.floor(data / 1024);
  const blocks = Math.ceil(limits.maxFileBytes / 512);
  const u = withNproc ? ` -u ${limits.maxProcesses}` : "";
  return ["/bin/sh", "-c", `ulimit -t ${limits.cpuSeconds} -d ${kb} -f ${blocks} -c 0${u} && exec "$@"`, "sh"];
}

function killQuietly(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGKILL every process whose environment carries `marker` (the rlimits sandbox's sweep for daemons). */
function sweepMarked(marker: string): number {
  const needle = Buffer.from(`SCRATCHPAD_SANDBOX_ID=${marker}\0`);
  let found = 0;
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/environ`).includes(needle)) {
        killQuietly(Number(e), "SIGKILL");
        found++;
      }
    } catch {
      // exited or unreadable
    }
  }
  return found;
}

/** Output collector with a byte cap. */
class CappedBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;
  constructor(private readonly cap: number) {}
  push(b: Buffer): void {
    this.total += b.length;
    if (this.kept >= this.cap) return;
    const room = this.cap - this.kept;
    const part = b.length > room ? b.subarray(0, room) : b;
    this.chunks.push(part);
    this.kept += part.length;
  }
  get over(): boolean {
    return this.total > this.cap;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/** Run one program in the sandbox; resolves after every process it started is gone. Never rejects for program behaviour. */
export async function runSandboxed(req: SandboxSpawn): Promise<SandboxOutcome> {
  const info = sandboxInfo();
  if (info.requiredButUnavailable) throw new SandboxUnavailableError(info.requiredButUnavailable);
  const started = performance.now();
  const hostDir = mkdtempSync(path.join(os.tmpdir(), "scratchpad-code-"));
  try {
    chmodSync(hostDir, 0o755);
    const box = path.join(hostDir, "box");
    const work = path.join(hostDir, "work");
    mkdirSync(box, { mode: 0o755 });
    mkdirSync(work, { mode: 0o700 });
    // Under rlimits the program (uid 65534 when we are root) writes in work/; under bwrap it writes in its tmpfs.
    const uid = runUid(info);
    if (info.kind === "rlimits") chownQuietly(work, uid, info.gid);
    for (const [name, content] of Object.entries(req.files)) writeFileSync(path.join(box, name), content, { mode: 0o644 });
    return await spawnAndWatch(req, info, box, work, started, uid);
  } finally {
    rmSync(hostDir, { recursive: true, force: true });
  }
}

/**
 * The user id a run gets. Under bubblewrap, "nobody": RLIMIT_NPROC counts per user namespace. Under rlimits as
 * root, a fresh uid per run, so that RLIMIT_NPROC counts this run's processes only.
 */
function runUid(info: SandboxInfo): number {
  if (info.kind === "rlimits" && info.uid === 65534) return 200_000 + randomBytes(4).readUInt32LE(0) % 800_000;
  return info.uid;
}

function chownQuietly(p: string, uid: number, gid: number): void {
  try {
    chownSync(p, uid, gid);
  } catch {
    // not root: the folder is already ours
  }
}

function spawnAndWatch(
  req: SandboxSpawn,
  info: SandboxInfo,
  box: string,
  work: string,
  started: number,
  uid: number,
): Promise<SandboxOutcome> {
  const { limits } = req;
  const marker = randomBytes(12).toString("hex");
  const isBwrap = info.kind === "bwrap";
  const boxDir = isBwrap ? "/box" : box;
  const home = isBwrap ? "/tmp" : work;
  const infoFd = 4;
  const inner = [...limitPrefix(info, limits, isBwrap || uid !== process.getuid?.()), ...req.argv(boxDir)];
  const tmpBytes = Math.max(limits.maxFileBytes * 4, 64 << 20);
  const [cmd, ...args] = isBwrap ? [info.bwrap!, ...bwrapArgs(info, box, { tmpBytes, infoFd }), ...inner] : inner;
  const child = spawn(cmd, args, {
    cwd: isBwrap ? "/" : work,
    env: sandboxEnv(home, marker),
    // Only root switches users; anyone else runs programs as themselves (inside bubblewrap's user namespace).
    ...(process.getuid?.() === 0 ? { uid, gid: info.gid } : {}),
    detached: true,
    stdio: ["pipe", "pipe", "pipe", req.channelInput === undefined ? "ignore" : "pipe", isBwrap ? "pipe" : "ignore"],
  });
  const stdout = new CappedBuffer(limits.maxOutputBytes);
  const stderr = new CappedBuffer(limits.maxOutputBytes);
  const channel: Buffer[] = [];
  let innerPid: number | undefined;
  let wallTimeout = false;
  let outputLimit = false;
  let aborted = false;
  let killing = false;

  const killAll = (): void => {
    if (killing) return;
    killing = true;
    if (innerPid !== undefined) killQuietly(innerPid, "SIGKILL");
    if (child.pid !== undefined) killQuietly(-child.pid, "SIGKILL");
    // The outer bwrap exits by itself once its child (the namespace's init) is dead; make sure anyway.
    setTimeout(() => child.pid !== undefined && killQuietly(child.pid, "SIGKILL"), 2000).unref();
  };

  return new Promise<SandboxOutcome>((resolve) => {
    const timer = setTimeout(() => {
      wallTimeout = true;
      killAll();
    }, limits.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      killAll();
    };
    if (req.signal?.aborted) onAbort();
    req.signal?.addEventListener("abort", onAbort, { once: true });

    const onOutput = (buf: CappedBuffer) => (b: Buffer) => {
      buf.push(b);
      if (buf.over && !outputLimit) {
        outputLimit = true;
        killAll();
      }
    };
    child.stdout!.on("data", onOutput(stdout));
    child.stderr!.on("data", onOutput(stderr));
    const chan = child.stdio[3] as NodeJS.ReadWriteStream | null;
    if (chan) {
      let chanBytes = 0;
      let graceTimer: NodeJS.Timeout | undefined;
      chan.on("data", (b: Buffer) => {
        if (req.exitGraceAfterChannelMs !== undefined && !graceTimer) {
          graceTimer = setTimeout(killAll, req.exitGraceAfterChannelMs);
          graceTimer.unref();
        }
        chanBytes += b.length;
        if (chanBytes <= 4 * limits.maxOutputBytes) channel.push(b);
      });
      chan.on("error", () => undefined);
      chan.write(req.channelInput! + "\n");
    }
    const infoStream = child.stdio[4] as NodeJS.ReadableStream | null;
    if (infoStream) {
      let text = "";
      infoStream.on("data", (b: Buffer) => {
        if (innerPid !== undefined || text.length > 4096) return;
        text += b.toString("utf8");
        const m = /"child-pid"\s*:\s*(\d+)/.exec(text);
        if (m) {
          innerPid = Number(m[1]);
          if (killing) killQuietly(innerPid, "SIGKILL");
        }
      });
      infoStream.on("error", () => undefined);
    }
    child.stdin!.on("error", () => undefined);
    child.stdin!.end(req.stdin ?? "");

    let spawnError: Error | undefined;
    child.on("error", (e) => {
      spawnError = e;
    });
    const cleanUp = (): void => {
      // Under rlimits, daemons may have escaped the process group: sweep by marker too.
      if (!isBwrap) {
        if (child.pid !== undefined) killQuietly(-child.pid, "SIGKILL");
        sweepMarked(marker);
      }
    };
    child.on("exit", () => {
      cleanUp();
      // A process that escaped every kill could hold the pipes open: stop waiting for them after a grace period.
      setTimeout(() => {
        for (const s of child.stdio) s?.destroy();
      }, 2000).unref();
    });
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
      cleanUp();
      let exitCode = code;
      let signal = sig;
      if (isBwrap && code !== null && code > 128 && code < 128 + 65) {
        // bwrap reports a child killed by signal N as exit status 128 + N.
        signal = SIGNAL_NAMES[code - 128] ?? null;
        exitCode = null;
      }
      let errText = stderr.text();
      if (spawnError) errText += `\n[sandbox] could not start ${cmd}: ${spawnError.message}`;
      resolve({
        exitCode,
        signal,
        stdout: stdout.text(),
        stderr: errText,
        truncated: stdout.over || stderr.over,
        outputLimit,
        wallTimeout,
        aborted,
        channel: Buffer.concat(channel).toString("utf8"),
        durationMs: performance.now() - started,
        sandbox: info.kind,
      });
    });
  });
}
