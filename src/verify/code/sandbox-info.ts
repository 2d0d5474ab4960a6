/**
 * Which sandbox this machine can give the code runner, decided once per process.
 *
 * - `"bwrap"`: bubblewrap with every namespace unshared (net, pid, ipc, uts, user, mount, cgroup), the system
 *   directories bound read-only, a size-capped tmpfs as the only writable place, and rlimits inside.
 * - `"rlimits"`: when bubblewrap is missing or user namespaces are off: rlimits, a private process group and a
 *   sweep of leftover processes by an environment marker; no network or filesystem isolation. A warning says
 *   so once, on stderr.
 *
 * `SCRATCHPAD_SANDBOX` chooses: `auto` (default: bwrap when it works), `bwrap` (required; runs fail with
 * `SandboxUnavailableError` without it) or `rlimits` (skip bubblewrap). `SCRATCHPAD_PYTHON` and
 * `SCRATCHPAD_NODE` override the interpreters (default `/usr/bin/python3` or `python3` on PATH, and the Node
 * running scratchpad).
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, lstatSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { SandboxKind } from "./types.js";

/** What `sandboxInfo()` found. */
export interface SandboxInfo {
  /** The isolation runs get. */
  kind: SandboxKind;
  /** Why the sandbox is weaker than bubblewrap, when it is. */
  weakReason?: string;
  /** `SandboxUnavailableError` reason when bubblewrap is demanded (SCRATCHPAD_SANDBOX=bwrap) but broken. */
  requiredButUnavailable?: string;
  /** Absolute path of the bubblewrap binary, when found. */
  bwrap?: string;
  /** Absolute path of `prlimit` (util-linux), when found; otherwise limits are set with `ulimit` in /bin/sh. */
  prlimit?: string;
  /** The Python 3 interpreter. */
  python: string;
  /** The Node.js binary. */
  node: string;
  /** The user id the programs run as (65534 "nobody" when scratchpad runs as root, else the current user). */
  uid: number;
  gid: number;
  /** Extra read-only binds an interpreter outside the system directories needs (bwrap only). */
  extraBinds: string[];
  /**
   * The `node_modules` folder holding `sucrase` (TypeScript is transpiled inside the sandbox with it), seen
   * read-only at `SANDBOX_NODE_MODULES` under bubblewrap.
   */
  nodeModules?: string;
  /** The C++ compiler (`g++`), when installed. */
  gxx?: string;
  /** `bash`, when installed. */
  bash?: string;
}

/** Where the sandbox sees scratchpad's `node_modules` (read-only). */
export const SANDBOX_NODE_MODULES = "/opt/scratchpad/node_modules";

function findNodeModules(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve("sucrase");
    // <node_modules>/sucrase/dist/index.js
    let dir = path.dirname(entry);
    while (path.basename(dir) !== "sucrase" && dir !== path.dirname(dir)) dir = path.dirname(dir);
    return path.dirname(dir);
  } catch {
    return undefined;
  }
}

/** System directories made visible (read-only) inside the bubblewrap sandbox. */
export const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];

let cached: SandboxInfo | undefined;
let warned = false;

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(":")) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  for (const dir of ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]) {
    const p = path.join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

function findPython(): string {
  const env = process.env.SCRATCHPAD_PYTHON;
  if (env) return env;
  if (existsSync("/usr/bin/python3")) return "/usr/bin/python3";
  return which("python3") ?? "python3";
}

/** Read-only binds needed for an interpreter whose real path lies outside the system directories. */
function bindsFor(binary: string): string[] {
  let real: string;
  try {
    real = realpathSync(binary);
  } catch {
    return [];
  }
  if (SYSTEM_DIRS.some((d) => real === d || real.startsWith(d + "/"))) return [];
  // <prefix>/bin/<binary>: bind the whole prefix (its lib/ holds the standard library).
  return [path.dirname(path.dirname(real))];
}

/** The argv of bubblewrap for one run (everything up to and including the `--` before the command). */
export function bwrapArgs(info: SandboxInfo, boxHostDir: string, opts: { tmpBytes: number; shmBytes?: number; infoFd: number; outHostDir?: string }): string[] {
  const args = ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "sandbox"];
  for (const dir of SYSTEM_DIRS) {
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) {
      const target = realpathSync(dir);
      // Keep usr-merged layouts (/lib -> usr/lib) as symlinks.
      args.push("--symlink", path.relative("/", target), dir);
    } else {
      args.push("--ro-bind", dir, dir);
    }
  }
  for (const b of info.extraBinds) args.push("--ro-bind", b, b);
  if (info.nodeModules) args.push("--ro-bind", info.nodeModules, SANDBOX_NODE_MODULES);
  args.push(
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    // /dev is a tmpfs bubblewrap fills with device nodes: read-only, with a size-capped tmpfs at /dev/shm.
    "--size",
    String(opts.shmBytes ?? 16 << 20),
    "--tmpfs",
    "/dev/shm",
    "--remount-ro",
    "/dev",
    "--size",
    String(opts.tmpBytes),
    "--tmpfs",
    "/tmp",
    "--ro-bind",
    boxHostDir,
    "/box",
    ...(opts.outHostDir ? ["--bind", opts.outHostDir, "/out"] : []),
    "--chdir",
    "/tmp",
    "--setenv",
    "HOME",
    "/tmp",
    "--info-fd",
    String(opts.infoFd),
    "--",
  );
  return args;
}

function probeBwrap(info: SandboxInfo): string | undefined {
  if (!info.bwrap) return "the `bwrap` binary was not found on PATH";
  const args = bwrapArgs(info, "/usr", { tmpBytes: 1 << 20, infoFd: 1 }).filter((_a, i, all) => {
    // The probe has no info fd to read: drop "--info-fd N".
    return !(all[i] === "--info-fd" || all[i - 1] === "--info-fd");
  });
  const r = spawnSync(info.bwrap, [...args, "/bin/sh", "-c", "echo ok"], {
    encoding: "utf8",
    timeout: 10_000,
    ...(process.getuid?.() === 0 ? { uid: info.uid, gid: info.gid } : {}),
    env: { PATH: "/usr/bin:/bin" },
  });
  if (r.error) return `bwrap could not start (${r.error.message})`;
  if (r.status !== 0 || r.stdout.trim() !== "ok") {
    const why = (r.stderr || "").trim().split("\n").pop() || `exit status ${r.status}`;
    return `bwrap failed to create its namespaces (${why}); user namespaces may be disabled`;
  }
  return undefined;
}

/** Detect (once) what sandbox runs get; print the one-time warning when it is weaker than bubblewrap. */
export function sandboxInfo(): SandboxInfo {
  if (cached) return cached;
  const mode = (process.env.SCRATCHPAD_SANDBOX ?? "auto").toLowerCase();
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const python = findPython();
  const node = process.env.SCRATCHPAD_NODE ?? process.execPath;
  const info: SandboxInfo = {
    kind: "bwrap",
    bwrap: which("bwrap"),
    prlimit: which("prlimit"),
    python,
    node,
    uid: isRoot ? 65534 : (process.getuid?.() ?? 0),
    gid: isRoot ? 65534 : (process.getgid?.() ?? 0),
    extraBinds: [...new Set([...bindsFor(python), ...bindsFor(node)])],
    nodeModules: findNodeModules(),
    gxx: which("g++"),
    bash: which("bash"),
  };
  if (mode === "rlimits" || mode === "none") {
    info.kind = "rlimits";
    info.weakReason = "SCRATCHPAD_SANDBOX=rlimits was set";
  } else {
    const broken = probeBwrap(info);
    if (broken) {
      info.kind = "rlimits";
      info.weakReason = broken;
      if (mode === "bwrap") info.requiredButUnavailable = broken;
    }
  }
  cached = info;
  if (info.kind === "rlimits" && !warned && !info.requiredButUnavailable) {
    warned = true;
    process.stderr.write(
      `scratchpad: warning: code sandbox is WEAKER than bubblewrap: ${info.weakReason}. Programs run with ` +
        `rlimits (CPU, memory, file size${isRoot ? ", processes" : ""}) in their own process group, but with ` +
        `network access and the host filesystem visible.\n`,
    );
  }
  return info;
}
