/**
 * Atomic writes of files and whole folders: a crash at any moment leaves either the old
 * content or the new, never a mix and never a half-written file.
 *
 * - `writeFileAtomic(path, data)`: write a temp file in the same folder, fsync it, rename it over
 *   `path`, fsync the folder.
 * - `saveFolderAtomic(dir, fill)`: let `fill` write every file into a fresh temp sibling folder,
 *   fsync it all, then swap it into place. Replacing an existing folder takes two renames
 *   (old → `.NAME.old-*` backup, temp → NAME); should the process die between them,
 *   `recoverFolder(dir)` (called by the next save, and by loaders) puts the backup back.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, promises as fsp, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ScratchpadError } from "./errors.js";

/** A short random suffix for temp names (process id + random hex), unique across concurrent writers. */
function tempSuffix(): string {
  return `${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** fsync a folder so that renames inside it are durable (a no-op where the OS refuses, e.g. Windows). */
async function fsyncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, "r");
    await fh.sync();
  } catch {
    // Some platforms cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await fh?.close();
  }
}

/**
 * Write `data` to `file` atomically: a temp file in the same folder is written and fsynced, then
 * renamed over `file`, and the folder is fsynced. Readers see the old file or the new one, never
 * a partial one. The parent folder must exist.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${tempSuffix()}`);
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(tmp, "w");
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fsp.rename(tmp, file);
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/**
 * Write a file the user asked for (`--out runs/x.json`, `--report`, an export): creates the missing
 * folders of its path first, then writes it atomically (`writeFileAtomic`).
 */
export async function writeOutputFile(file: string, data: string | Uint8Array): Promise<void> {
  await fsp.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFileAtomic(file, data);
}

/** Synchronous twin of `writeFileAtomic`, for code paths that cannot await (exit handlers, CLIs). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${tempSuffix()}`);
  try {
    const fd = openSync(tmp, "w");
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dfd = openSync(dir, "r");
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Directory fsync is unsupported on some platforms; the rename is still atomic.
  }
}

/** fsync every regular file under `dir` (recursively), then the folders themselves. */
async function fsyncTree(dir: string): Promise<void> {
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await fsyncTree(p);
    } else if (entry.isFile()) {
      const fh = await fsp.open(p, "r");
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  }
  await fsyncDir(dir);
}

/**
 * Whether the save that made a `.NAME.tmp-PID-*` / `.NAME.old-PID-*` sibling may still be running:
 * its process (not this one's, whose saves are awaited) is alive and the entry changed in the last
 * minute (the two renames of a swap are microseconds apart, so an older entry is a crash's leftover
 * even if its process id was reused).
 */
async function saveInFlight(p: string): Promise<boolean> {
  const pid = Number(/\.(?:tmp|old)-(\d+)-/.exec(path.basename(p))?.[1]);
  if (!isAlive(pid)) return false;
  const st = await fsp.stat(p).catch(() => null);
  return st !== null && Date.now() - st.ctimeMs < 60_000;
}

/** Sibling entries of `dir` whose names start with `.BASENAME.<kind>-`, newest first. */
async function siblings(dir: string, kind: "tmp" | "old"): Promise<string[]> {
  const parent = path.dirname(dir);
  const prefix = `.${path.basename(dir)}.${kind}-`;
  let names: string[];
  try {
    names = await fsp.readdir(parent);
  } catch {
    return [];
  }
  const found = names.filter((n) => n.startsWith(prefix)).map((n) => path.join(parent, n));
  const withTimes = await Promise.all(found.map(async (p) => ({ p, t: (await fsp.stat(p).catch(() => null))?.mtimeMs ?? 0 })));
  return withTimes.sort((a, b) => b.t - a.t).map((x) => x.p);
}

async function exists(p: string): Promise<boolean> {
  return fsp.access(p).then(
    () => true,
    () => false,
  );
}

/**
 * Repair the state a crash during `saveFolderAtomic` can leave: if `dir` is missing but a backup
 * `.NAME.old-*` of the previous version exists (left by a save that is no longer running), rename
 * the newest backup back to `dir`. Leftover backups of dead saves are removed when `dir` exists.
 * Returns true when a backup was restored. Backups of saves still in flight are left alone.
 */
export async function recoverFolder(dir: string): Promise<boolean> {
  dir = path.resolve(dir);
  const backups: string[] = [];
  for (const b of await siblings(dir, "old")) if (!(await saveInFlight(b))) backups.push(b);
  let restored = false;
  if (!(await exists(dir)) && backups.length > 0) {
    await fsp.rename(backups[0], dir);
    await fsyncDir(path.dirname(dir));
    backups.shift();
    restored = true;
  }
  if (await exists(dir)) {
    for (const stale of backups) await fsp.rm(stale, { recursive: true, force: true });
  }
  return restored;
}

/**
 * Save a folder atomically. `fill(tmpDir)` writes every file into an empty temp folder next to
 * `dir` (same file system, so the final rename is atomic); then everything is fsynced and the temp
 * folder replaces `dir`. If `fill` throws, the temp folder is removed and `dir` is untouched.
 * Readers of `dir` see the complete old folder or the complete new one. Concurrent saves of the
 * same folder in one process are queued; across processes, one of two colliding swaps fails with
 * the OS error (ENOTEMPTY) and the folder stays complete.
 */
export async function saveFolderAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  dir = path.resolve(dir);
  // Saves of one folder within this process run one after another (their swaps would collide).
  const previous = savesInFlight.get(dir) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => saveFolderNow(dir, fill));
  const settled = mine.catch(() => undefined);
  savesInFlight.set(dir, settled);
  try {
    await mine;
  } finally {
    if (savesInFlight.get(dir) === settled) savesInFlight.delete(dir);
  }
}

/** The last queued save of each folder (absolute path) in this process. */
const savesInFlight = new Map<string, Promise<void>>();

/** The body of `saveFolderAtomic`, once no other save of `dir` in this process is running. */
async function saveFolderNow(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(dir);
  await fsp.mkdir(parent, { recursive: true });
  await recoverFolder(dir);
  // Temp folders of saves that died (their process is gone) are garbage.
  for (const stale of await siblings(dir, "tmp")) {
    if (!(await saveInFlight(stale))) await fsp.rm(stale, { recursive: true, force: true });
  }
  const suffix = tempSuffix();
  const tmp = path.join(parent, `.${path.basename(dir)}.tmp-${suffix}`);
  await fsp.mkdir(tmp);
  try {
    await fill(tmp);
    await fsyncTree(tmp);
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
  const backup = path.join(parent, `.${path.basename(dir)}.old-${suffix}`);
  const hadOld = await exists(dir);
  if (hadOld) await fsp.rename(dir, backup);
  try {
    await fsp.rename(tmp, dir);
  } catch (err) {
    if (hadOld) await fsp.rename(backup, dir).catch(() => undefined);
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(parent);
  if (hadOld) await fsp.rm(backup, { recursive: true, force: true });
}

/** Whether a process with this id exists (signal 0 probes without sending anything). */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The identity (device + inode) of a folder, or null when it does not exist. */
async function folderIdentity(dir: string): Promise<string | null> {
  const st = await fsp.stat(dir).catch(() => null);
  return st ? `${st.dev}:${st.ino}` : null;
}

/**
 * A path that names the folder `dir` itself (its inode), not whatever `dir` names later: on Linux,
 * `/proc/self/fd/N` of an open handle on the folder. Files read through it all come from the one
 * version that was opened, even if a save renames another version into place meanwhile.
 * Returns null where /proc is not available.
 */
async function pinFolder(dir: string): Promise<{ path: string; close: () => Promise<void> } | null> {
  if (process.platform !== "linux") return null;
  const fh = await fsp.open(dir, "r").catch(() => null);
  if (!fh) return null;
  const pinned = `/proc/self/fd/${fh.fd}`;
  if (!(await exists(pinned))) {
    await fh.close();
    return null;
  }
  return { path: pinned, close: () => fh.close() };
}

/** The sorted entry names of a folder, or null when it cannot be listed (e.g. it was deleted). */
async function listing(dir: string): Promise<string | null> {
  return fsp.readdir(dir).then(
    (names) => names.sort().join("\0"),
    () => null,
  );
}

/** A folder kept being replaced and cut every read of it short (see `readFolderConsistently`). */
export class FolderReadError extends ScratchpadError {
  constructor(
    readonly dir: string,
    readonly attempts: number,
  ) {
    super("folder_unstable", `${dir}: another process replaced this folder during each of ${attempts} reads; stop the process that saves it, or load again`);
  }
}

/** Reads `readFolderConsistently` makes before it gives up on a folder that keeps being replaced. */
const MAX_READ_ATTEMPTS = 100;

/**
 * Read a folder that `saveFolderAtomic` may replace concurrently (another process saving while this
 * one loads) and get one consistent version: repairs a crashed swap (`recoverFolder`), waits for a
 * swap in flight (up to `waitMs`, default 5 s) when `dir` is momentarily missing, then runs
 * `read(folder)` where `folder` names the opened version itself (see `pinFolder`), so files of two
 * versions are never mixed.
 *
 * A version is never modified once in place, only deleted (after a save replaced it), so a read is
 * complete exactly when the pinned version lists, after the read, the entries it listed while it was
 * still the live version: then every file the read opened existed throughout. A read that a deletion cut short (files
 * gone, optional ones looking absent) is retried on the new version, however often a busy machine
 * makes that happen, and never returned; after `MAX_READ_ATTEMPTS` such reads a `FolderReadError`
 * says so. Errors from a complete read propagate, re-raised from a read of `dir` itself so that
 * their messages name the real path.
 */
export async function readFolderConsistently<T>(dir: string, read: (folder: string) => Promise<T>, waitMs = 5000): Promise<T> {
  dir = path.resolve(dir);
  await recoverFolder(dir);
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; attempt <= MAX_READ_ATTEMPTS; attempt++) {
    let before = await folderIdentity(dir);
    while (before === null && Date.now() < deadline && (await siblings(dir, "old")).length > 0) {
      await new Promise((r) => setTimeout(r, 20));
      await recoverFolder(dir);
      before = await folderIdentity(dir);
    }
    const pin = before === null ? null : await pinFolder(dir);
    // The folder was there a moment ago but could not be pinned: a save moved it away in between.
    // Look again (the loop above waits out the swap) instead of reading a folder that is not there.
    if (!pin && before !== null && process.platform === "linux" && attempt < MAX_READ_ATTEMPTS) continue;
    if (!pin) return read(dir);
    try {
      // The listing is complete if the pinned version was still the live one after it was taken (a
      // version is deleted only after a save replaced it, and never becomes live again).
      const entries = await listing(pin.path);
      if ((await folderIdentity(pin.path)) !== (await folderIdentity(dir))) continue;
      let outcome: { ok: true; value: T } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await read(pin.path) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (entries === null || (await listing(pin.path)) !== entries) continue; // cut short by a deletion
      if (outcome.ok) return outcome.value;
      // The version read was complete, so its error is real: re-read it by its own name for a message
      // that names the real path. Should that read succeed, a save replaced the broken version
      // meanwhile: read the new one pinned.
      await read(dir);
    } finally {
      await pin.close();
    }
  }
  throw new FolderReadError(dir, MAX_READ_ATTEMPTS);
}
