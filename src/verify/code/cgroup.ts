/**
 * Per-run control groups: the memory and process-count limits of a whole sandboxed process tree.
 *
 * rlimits count per process (RLIMIT_DATA) or per user (RLIMIT_NPROC), so six forked children of 900 MB each
 * pass a 1 GB RLIMIT_DATA. A control group counts the whole tree, including the tmpfs pages (`/tmp`,
 * `/dev/shm`) and SysV shared memory it creates. When this process may create control groups (root with a
 * writable cgroup v1 `memory` hierarchy, or a cgroup v2 subtree with the `memory` controller delegated to it), each
 * run gets its own group under this process's group: `memory.limit_in_bytes` (+ `memsw`) or `memory.max`
 * (+ `memory.swap.max = 0`), and `pids.max`. The run's first process writes itself into `cgroup.procs` (which
 * is chowned to the run's uid) before it execs bubblewrap, so every later process is inside. `cgroupSupport()`
 * probes this once per process; without it the sandbox falls back to rlimits (see docs/verify-code.md).
 */
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { ScratchpadError } from "../../core/errors.js";

/** How runs are put in control groups on this machine. */
export interface CgroupSupport {
  version: 1 | 2;
  /** Folder under which a run's memory group is created (v1: in the memory hierarchy; v2: the unified one). */
  memoryParent: string;
  /** Folder under which a run's pids group is created (v1: in the pids hierarchy; v2: same as memoryParent). */
  pidsParent?: string;
}

/** One run's groups. */
export interface RunCgroup {
  /** The `cgroup.procs` files the run's first process writes its pid into. */
  procsFiles: string[];
  /** Whether the kernel's OOM killer killed a process of this group (read after the run). */
  oomKilled(): boolean;
  /** Remove the groups (retried in the background while the kernel still holds them). */
  remove(): void;
}

let probed: CgroupSupport | null | undefined;

function ownGroup(controller: string): string | undefined {
  let text: string;
  try {
    text = readFileSync("/proc/self/cgroup", "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    const [, ctrls, p] = line.split(":");
    if (p === undefined) continue;
    if (controller === "" ? ctrls === "" && line.startsWith("0::") : ctrls.split(",").includes(controller)) return p;
  }
  return undefined;
}

function tryWrite(file: string, value: string): boolean {
  try {
    writeFileSync(file, value);
    return true;
  } catch {
    return false;
  }
}

/** Groups whose removal is still pending (the kernel frees a group a moment after its last process). */
const pending = new Set<string>();
let exitHook = false;

function tryRmdir(d: string): boolean {
  if (!existsSync(d)) return true;
  try {
    rmdirSync(d);
    return true;
  } catch {
    return false;
  }
}

function rmdirLater(dirs: string[], attempt = 0): void {
  const left = dirs.filter((d) => !tryRmdir(d));
  for (const d of dirs) if (!left.includes(d)) pending.delete(d);
  if (left.length === 0) return;
  for (const d of left) pending.add(d);
  if (!exitHook) {
    exitHook = true;
    // A last try when this process exits, so short-lived commands do not leave empty groups behind.
    process.once("exit", () => {
      for (const d of pending) tryRmdir(d);
    });
  }
  if (attempt < 20) setTimeout(() => rmdirLater(left, attempt + 1), 250 * (attempt + 1)).unref();
}

/** Remove empty run groups older than ten minutes that an earlier process left behind (it was killed). */
function sweepStale(parent: string | undefined): void {
  if (!parent) return;
  try {
    for (const e of readdirSync(parent)) {
      if (!e.startsWith("scratchpad-")) continue;
      const d = path.join(parent, e);
      try {
        if (Date.now() - statSync(d).mtimeMs > 10 * 60_000) tryRmdir(d);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // unreadable: nothing to sweep
  }
}

/** Create a test group and set a limit in it: whether per-run groups work here (probed once). */
export function cgroupSupport(): CgroupSupport | undefined {
  if (probed !== undefined) return probed ?? undefined;
  probed = null;
  if (process.env.SCRATCHPAD_CGROUP === "off" || typeof process.getuid !== "function") return undefined;
  const candidates: CgroupSupport[] = [];
  const v1mem = ownGroup("memory");
  if (v1mem !== undefined && existsSync("/sys/fs/cgroup/memory/cgroup.procs")) {
    const pids = ownGroup("pids");
    candidates.push({
      version: 1,
      memoryParent: path.join("/sys/fs/cgroup/memory", v1mem),
      pidsParent: pids !== undefined && existsSync("/sys/fs/cgroup/pids/cgroup.procs") ? path.join("/sys/fs/cgroup/pids", pids) : undefined,
    });
  }
  const v2 = ownGroup("");
  for (const mount of ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"]) {
    if (v2 === undefined || !existsSync(path.join(mount, "cgroup.subtree_control"))) continue;
    const parent = path.join(mount, v2);
    try {
      if (!readFileSync(path.join(parent, "cgroup.subtree_control"), "utf8").split(/\s+/).includes("memory")) continue;
    } catch {
      continue;
    }
    candidates.push({ version: 2, memoryParent: parent, pidsParent: parent });
  }
  for (const c of candidates) {
    const root = process.getuid() === 0;
    const g = createRunCgroup(c, {
      memoryBytes: 64 << 20,
      maxProcesses: 8,
      uid: root ? 65534 : process.getuid(),
      gid: root ? 65534 : (process.getgid?.() ?? 0),
    });
    if (g) {
      g.remove();
      sweepStale(c.memoryParent);
      if (c.pidsParent !== c.memoryParent) sweepStale(c.pidsParent);
      probed = c;
      return c;
    }
  }
  return undefined;
}

/**
 * Create one run's groups with the given limits; undefined when that fails (the caller falls back to rlimits).
 * The memory limit covers swap too, so a run cannot page its way past it.
 */
export function createRunCgroup(support: CgroupSupport, opts: { memoryBytes: number; maxProcesses: number; uid: number; gid: number }): RunCgroup | undefined {
  const name = `scratchpad-${randomBytes(6).toString("hex")}`;
  const made: string[] = [];
  const procs: string[] = [];
  const mem = path.join(support.memoryParent, name);
  try {
    mkdirSync(mem);
    made.push(mem);
    const limit = String(opts.memoryBytes);
    if (support.version === 1) {
      if (!tryWrite(path.join(mem, "memory.limit_in_bytes"), limit)) throw new ScratchpadError("cgroup_write_failed", "memory.limit_in_bytes");
      if (existsSync(path.join(mem, "memory.memsw.limit_in_bytes"))) tryWrite(path.join(mem, "memory.memsw.limit_in_bytes"), limit);
    } else {
      if (!tryWrite(path.join(mem, "memory.max"), limit)) throw new ScratchpadError("cgroup_write_failed", "memory.max");
      tryWrite(path.join(mem, "memory.swap.max"), "0");
      tryWrite(path.join(mem, "pids.max"), String(opts.maxProcesses));
    }
    procs.push(path.join(mem, "cgroup.procs"));
    if (support.version === 1 && support.pidsParent) {
      const pids = path.join(support.pidsParent, name);
      mkdirSync(pids);
      made.push(pids);
      if (!tryWrite(path.join(pids, "pids.max"), String(opts.maxProcesses))) throw new ScratchpadError("cgroup_write_failed", "pids.max");
      procs.push(path.join(pids, "cgroup.procs"));
    }
    for (const f of procs) chownSync(f, opts.uid, opts.gid);
  } catch {
    rmdirLater(made);
    return undefined;
  }
  const eventsFile = support.version === 1 ? path.join(mem, "memory.oom_control") : path.join(mem, "memory.events");
  return {
    procsFiles: procs,
    oomKilled(): boolean {
      try {
        const m = /oom_kill (\d+)/.exec(readFileSync(eventsFile, "utf8"));
        return m !== null && Number(m[1]) > 0;
      } catch {
        return false;
      }
    },
    remove(): void {
      rmdirLater(made);
    },
  };
}
