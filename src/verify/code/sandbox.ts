/**
 * Starting one program in the sandbox and collecting what it did.
 *
 * The program's files are written to a fresh host folder that the sandbox sees read-only at `/box`
 * (bubblewrap) and the program runs with `/tmp` (a size-capped tmpfs) as its working directory; `/tmp` and
 * `/dev/shm` (capped too) are its only writable places, `/dev` itself is read-only. Limits of the whole run:
 * a per-run control group (memory of the whole process tree, tmpfs pages included, and a process count; see
 * cgroup.ts) where the machine allows it, plus rlimits set inside the sandbox by `prlimit` (CPU seconds,
 * RLIMIT_DATA, RLIMIT_NPROC, RLIMIT_FSIZE, no core dumps). A wall-clock timer, the output caps and an
 * `AbortSignal` kill the run: under bubblewrap the kill goes to the namespace's init process, which takes
 * every process of the pid namespace with it; without it, to the process group plus every process carrying
 * the run's environment marker. A run's outcome arrives only after the whole tree is gone.
 *
 * File descriptor 3 of the program is, on request, a socket pair with the parent (`startSandboxed(...).channel`):
 * the test harness talks over it, and what the program's process says on it is never trusted (run-code.ts).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Duplex } from "node:stream";
import { cgroupSupport, createRunCgroup, type RunCgroup } from "./cgroup.js";
import { SandboxUnavailableError } from "./errors.js";
import { bwrapArgs, SANDBOX_NODE_MODULES, sandboxInfo, type SandboxInfo } from "./sandbox-info.js";
import type { SandboxKind } from "./types.js";
import { ScratchpadError } from "../../core/errors.js";

/** Limits of one process start, all resolved. */
export interface ResolvedLimits {
  timeoutMs: number;
  cpuSeconds: number;
  memoryMb: number;
  maxProcesses: number;
  maxOutputBytes: number;
  maxFileBytes: number;
}

/** File contents: text (UTF-8) or bytes. */
export type FileContent = string | Uint8Array;

/** What to start. */
export interface SandboxSpawn {
  /** The command, given the folder where `files` are visible to it (`/box` under bubblewrap). */
  argv: (boxDir: string) => string[];
  /** Files (name → content) placed read-only in the box folder (executable bit set). */
  files: Record<string, FileContent>;
  /** Files (relative path → content) copied into the program's writable working directory before it starts. */
  workFiles?: Record<string, FileContent>;
  /** Give the program a writable folder (`/out` under bubblewrap) whose files come back in `outFiles`. */
  outDir?: boolean;
  /** The program's stdin (default: empty). */
  stdin?: string;
  /** Open fd 3 as a socket pair with the parent (`StartedSandbox.channel`). */
  channel?: boolean;
  /** A line written to fd 3 at the start (implies `channel`). */
  channelInput?: string;
  limits: ResolvedLimits;
  signal?: AbortSignal;
  /**
   * Once the program writes on fd 3, give it this long to exit, then kill it. Default: no grace kill.
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
  /** Killed by `StartedSandbox.kill()` (the caller no longer needed it). */
  killed: boolean;
  /** The run's control group hit its memory limit and the kernel killed a process of it. */
  memoryKilled: boolean;
  /** Everything the program wrote on fd 3 (when no `onChannelData` consumer took it). */
  channel: string;
  /** Files the program left in its `outDir` (name → bytes), when asked for. */
  outFiles?: Record<string, Buffer>;
  durationMs: number;
  sandbox: SandboxKind;
}

/** A started run. */
export interface StartedSandbox {
  /** Resolves once every process of the run is gone. */
  done: Promise<SandboxOutcome>;
  /** The parent's end of fd 3 (when `channel` was asked for). */
  channel?: Duplex;
  /** Kill the whole run now (the outcome says `killed`). */
  kill(): void;
}

const SIGNAL_NAMES: Record<number, NodeJS.Signals> = Object.fromEntries(
  Object.entries(os.constants.signals).map(([name, num]) => [num, name as NodeJS.Signals]),
);

/** Clean environment of every sandboxed program. */
function sandboxEnv(home: string, marker: string, nodeModules: string | undefined): Record<string, string> {
  return {
    ...(nodeModules ? { SCRATCHPAD_NODE_MODULES: nodeModules } : {}),
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
    const p = [info.prlimit, `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`, `--data=${data}`, `--fsize=${limits.maxFileBytes}`, "--core=0"];
    if (withNproc) p.push(`--nproc=${limits.maxProcesses}`);
    return [...p, "--"];
  }
  const kb = Math.floor(data / 1024);
  const blocks = Math.ceil(limits.maxFileBytes / 512);
  const u = withNproc ? ` -u ${limits.maxProcesses}` : "";
  return ["/bin/sh", "-c", `ulimit -t ${limits.cpuSeconds} -d ${kb} -f ${blocks} -c 0${u} && exec "$@"`, "sh"];
}

/** Prefix that moves the first process into the run's control groups, then execs the rest. */
function cgroupPrefix(files: string[]): string[] {
  const script = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';
  return ["/bin/sh", "-c", script, "sh", String(files.length), ...files];
}

/** Prefix that copies `/box/.work` into the working directory (the program's own files), then execs the rest. */
function copyWorkPrefix(fromDir: string): string[] {
  return ["/bin/sh", "-c", 'cp -R "$1"/. . || exit 125; shift; exec "$@"', "sh", fromDir];
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

/** A relative path without `..`, absolute parts or odd characters; throws a clear error otherwise. */
export function safeRelativePath(name: string): string {
  const norm = path.posix.normalize(name);
  if (!name || name.includes("\0") || path.posix.isAbsolute(name) || norm === "." || norm.startsWith("../") || norm === "..") {
    throw new ScratchpadError(
      "invalid_file_name",
      `file name ${JSON.stringify(name)} must be a relative path inside the working directory (no "..", not absolute)`,
    );
  }
  return norm;
}

function writeTree(root: string, files: Record<string, FileContent>, mode: number, uid?: number, gid?: number): void {
  for (const [name, content] of Object.entries(files)) {
    const rel = safeRelativePath(name);
    const full = path.join(root, rel);
    const dir = path.dirname(full);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(full, content, { mode });
    if (uid !== undefined) chownQuietly(full, uid, gid!);
  }
}

function readTree(root: string, maxBytes: number): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  let total = 0;
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(full, r);
      else if (e.isFile()) {
        const size = statSync(full).size;
        if (total + size > maxBytes) continue;
        total += size;
        out[r] = readFileSync(full);
      }
    }
  };
  try {
    walk(root, "");
  } catch {
    // a file vanished: return what was read
  }
  return out;
}

/** Run one program in the sandbox; resolves after every process it started is gone. Never rejects for program behaviour. */
export async function runSandboxed(req: SandboxSpawn): Promise<SandboxOutcome> {
  return startSandboxed(req).done;
}

/**
 * Start one program in the sandbox. Throws `SandboxUnavailableError` when a required sandbox is missing; the
 * returned `done` never rejects for program behaviour.
 */
export function startSandboxed(req: SandboxSpawn): StartedSandbox {
  const info = sandboxInfo();
  if (info.requiredButUnavailable) throw new SandboxUnavailableError(info.requiredButUnavailable);
  const started = performance.now();
  const hostDir = mkdtempSync(path.join(os.tmpdir(), "scratchpad-code-"));
  let cg: RunCgroup | undefined;
  const cleanup = (): void => {
    rmSync(hostDir, { recursive: true, force: true });
    cg?.remove();
  };
  try {
    chmodSync(hostDir, 0o755);
    const box = path.join(hostDir, "box");
    const work = path.join(hostDir, "work");
    const out = path.join(hostDir, "out");
    mkdirSync(box, { mode: 0o755 });
    mkdirSync(work, { mode: 0o700 });
    // Under rlimits the program (uid 65534 when we are root) writes in work/; under bwrap it writes in its tmpfs.
    const uid = runUid(info);
    if (info.kind === "rlimits") chownQuietly(work, uid, info.gid);
    if (req.outDir) {
      mkdirSync(out, { mode: 0o700 });
      chownQuietly(out, uid, info.gid);
    }
    writeTree(box, req.files, 0o755);
    if (req.workFiles && Object.keys(req.workFiles).length > 0) writeTree(path.join(box, ".work"), req.workFiles, 0o644);
    const support = cgroupSupport();
    if (support) {
      // The tree's memory: the program's limit plus what its tmpfs mounts may hold (their pages count too).
      const memoryBytes = req.limits.memoryMb * 1024 * 1024 + tmpfsBytes(req.limits).total;
      cg = createRunCgroup(support, { memoryBytes, maxProcesses: req.limits.maxProcesses, uid, gid: info.gid });
    }
    const s = spawnAndWatch(req, info, { box, work, out, started, uid, cg });
    return { ...s, done: s.done.finally(cleanup) };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** Sizes of the run's tmpfs mounts: `/tmp` (max(4 × file limit, 64 MiB)) and `/dev/shm` (16 MiB). */
export function tmpfsBytes(limits: ResolvedLimits): { tmp: number; shm: number; total: number } {
  const tmp = Math.max(limits.maxFileBytes * 4, 64 << 20);
  const shm = 16 << 20;
  return { tmp, shm, total: tmp + shm };
}

/**
 * The user id a run gets. Under bubblewrap, "nobody": RLIMIT_NPROC counts per user namespace. Under rlimits as
 * root, a fresh uid per run, so that RLIMIT_NPROC counts this run's processes only.
 */
function runUid(info: SandboxInfo): number {
  if (info.kind === "rlimits" && info.uid === 65534) return 200_000 + (randomBytes(4).readUInt32LE(0) % 800_000);
  return info.uid;
}

function chownQuietly(p: string, uid: number, gid: number): void {
  try {
    chownSync(p, uid, gid);
  } catch {
    // not root: the folder is already ours
  }
}

interface RunDirs {
  box: string;
  work: string;
  out: string;
  started: number;
  uid: number;
  cg?: RunCgroup;
}

function spawnAndWatch(req: SandboxSpawn, info: SandboxInfo, dirs: RunDirs): StartedSandbox {
  const { limits } = req;
  const { box, work, out, started, uid, cg } = dirs;
  const marker = randomBytes(12).toString("hex");
  const isBwrap = info.kind === "bwrap";
  const boxDir = isBwrap ? "/box" : box;
  const outDir = isBwrap ? "/out" : out;
  const home = isBwrap ? "/tmp" : work;
  const infoFd = 4;
  const hasWork = req.workFiles !== undefined && Object.keys(req.workFiles).length > 0;
  const inner = [
    ...limitPrefix(info, limits, isBwrap || uid !== process.getuid?.()),
    ...(hasWork ? copyWorkPrefix(`${boxDir}/.work`) : []),
    ...req.argv(boxDir).map((a) => a.replaceAll("{out}", outDir)),
  ];
  const sizes = tmpfsBytes(limits);
  const outer = isBwrap
    ? [info.bwrap!, ...bwrapArgs(info, box, { tmpBytes: sizes.tmp, shmBytes: sizes.shm, infoFd, outHostDir: req.outDir ? out : undefined }), ...inner]
    : inner;
  const [cmd, ...args] = cg ? [...cgroupPrefix(cg.procsFiles), ...outer] : outer;
  const wantChannel = req.channel === true || req.channelInput !== undefined;
  const child = spawn(cmd, args, {
    cwd: isBwrap ? "/" : work,
    env: sandboxEnv(home, marker, isBwrap ? (info.nodeModules ? SANDBOX_NODE_MODULES : undefined) : info.nodeModules),
    // Only root switches users; anyone else runs programs as themselves (inside bubblewrap's user namespace).
    ...(process.getuid?.() === 0 ? { uid, gid: info.gid } : {}),
    detached: true,
    stdio: ["pipe", "pipe", "pipe", wantChannel ? "pipe" : "ignore", isBwrap ? "pipe" : "ignore"],
  });
  const stdout = new CappedBuffer(limits.maxOutputBytes);
  const stderr = new CappedBuffer(limits.maxOutputBytes);
  const channel: Buffer[] = [];
  let innerPid: number | undefined;
  let wallTimeout = false;
  let outputLimit = false;
  let aborted = false;
  let killed = false;
  let killing = false;

  const killAll = (): void => {
    if (killing) return;
    killing = true;
    if (innerPid !== undefined) killQuietly(innerPid, "SIGKILL");
    if (child.pid !== undefined) killQuietly(-child.pid, "SIGKILL");
    // The outer bwrap exits by itself once its child (the namespace's init) is dead; make sure anyway.
    setTimeout(() => child.pid !== undefined && killQuietly(child.pid, "SIGKILL"), 2000).unref();
  };
  const chan = wantChannel ? ((child.stdio[3] as Duplex | null) ?? undefined) : undefined;

  const done = new Promise<SandboxOutcome>((resolve) => {
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
    if (chan) {
      chan.on("error", () => undefined);
      if (req.channelInput !== undefined) {
        // One-shot use: collect what comes back (capped).
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
        chan.write(req.channelInput + "\n");
      }
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
      const outcome: SandboxOutcome = {
        exitCode,
        signal,
        stdout: stdout.text(),
        stderr: errText,
        truncated: stdout.over || stderr.over,
        outputLimit,
        wallTimeout,
        aborted,
        killed,
        memoryKilled: cg?.oomKilled() ?? false,
        channel: Buffer.concat(channel).toString("utf8"),
        durationMs: performance.now() - started,
        sandbox: info.kind,
      };
      if (req.outDir) outcome.outFiles = readTree(out, 256 << 20);
      resolve(outcome);
    });
  });
  return {
    done,
    channel: req.channelInput === undefined ? chan : undefined,
    kill: () => {
      if (!killing) killed = true;
      killAll();
    },
  };
}
