// Tests of atomic writes: a failed or killed save leaves the previous file/folder intact, and the
// state left by a crash between the two renames of a folder swap is repaired.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFolderConsistently, recoverFolder, saveFolderAtomic, writeFileAtomic, writeFileAtomicSync, writeOutputFile } from "./atomic.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "atomic-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("writeFileAtomic", () => {
  it("replaces a file and leaves no temp files behind", async () => {
    const f = path.join(dir, "a.json");
    await writeFileAtomic(f, "old");
    await writeFileAtomic(f, new Uint8Array([104, 105]));
    expect(await readFile(f, "utf8")).toBe("hi");
    writeFileAtomicSync(f, "sync");
    expect(await readFile(f, "utf8")).toBe("sync");
    expect((await readdir(dir)).filter((n) => n.startsWith(".a.json"))).toEqual([]);
  });

  it("a write into a missing folder fails with the OS error", async () => {
    const f = path.join(dir, "missing-parent", "x");
    await expect(writeFileAtomic(f, "data")).rejects.toThrow(/ENOENT/);
  });

  it("writeOutputFile creates the missing folders of a path the user gave (runs/ in a fresh clone)", async () => {
    const f = path.join(dir, "runs", "deeper", "router.json");
    await writeOutputFile(f, "{}\n");
    expect(await readFile(f, "utf8")).toBe("{}\n");
    await writeOutputFile(f, "{}\n{}\n");
    expect(await readFile(f, "utf8")).toBe("{}\n{}\n");
  });
});

describe("saveFolderAtomic", () => {
  it("creates, then replaces a folder as a whole", async () => {
    const d = path.join(dir, "ckpt");
    await saveFolderAtomic(d, async (tmp) => {
      await writeFile(path.join(tmp, "a.txt"), "v1");
      await writeFile(path.join(tmp, "b.txt"), "v1");
    });
    await saveFolderAtomic(d, async (tmp) => {
      await mkdir(path.join(tmp, "sub"));
      await writeFile(path.join(tmp, "sub", "a.txt"), "v2");
    });
    expect((await readdir(d)).sort()).toEqual(["sub"]);
    expect(await readFile(path.join(d, "sub", "a.txt"), "utf8")).toBe("v2");
    expect((await readdir(dir)).filter((n) => n.startsWith(".ckpt."))).toEqual([]);
  });

  it("a save that throws midway leaves the previous folder intact and cleans up", async () => {
    const d = path.join(dir, "ckpt2");
    await saveFolderAtomic(d, (tmp) => writeFile(path.join(tmp, "model"), "good"));
    await expect(
      saveFolderAtomic(d, async (tmp) => {
        await writeFile(path.join(tmp, "model"), "half");
        throw new Error("disk full");
      }),
    ).rejects.toThrow("disk full");
    expect(await readFile(path.join(d, "model"), "utf8")).toBe("good");
    expect((await readdir(dir)).filter((n) => n.startsWith(".ckpt2."))).toEqual([]);
  });

  it("concurrent saves of one folder in a process are queued, the last one wins", async () => {
    const d = path.join(dir, "ckpt5");
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        saveFolderAtomic(d, async (tmp) => {
          await writeFile(path.join(tmp, "a"), `v${i}`);
          await new Promise((r) => setTimeout(r, 5 * (5 - i)));
          await writeFile(path.join(tmp, "b"), `v${i}`);
        }),
      ),
    );
    expect(await readFile(path.join(d, "a"), "utf8")).toBe("v4");
    expect(await readFile(path.join(d, "b"), "utf8")).toBe("v4");
    expect((await readdir(dir)).filter((n) => n.startsWith(".ckpt5."))).toEqual([]);
  });

  it("a crash between the two renames is repaired by recoverFolder (and by the next save)", async () => {
    const d = path.join(dir, "ckpt3");
    await saveFolderAtomic(d, (tmp) => writeFile(path.join(tmp, "model"), "previous"));
    // The state after `rename(dir, backup)` and before `rename(tmp, dir)`:
    await rename(d, path.join(dir, ".ckpt3.old-999999999-abcd"));
    await mkdir(path.join(dir, ".ckpt3.tmp-999999999-abcd"));
    expect(existsSync(d)).toBe(false);
    expect(await recoverFolder(d)).toBe(true);
    expect(await readFile(path.join(d, "model"), "utf8")).toBe("previous");
    await saveFolderAtomic(d, (tmp) => writeFile(path.join(tmp, "model"), "next"));
    expect(await readFile(path.join(d, "model"), "utf8")).toBe("next");
    // the dead process's temp folder (pid 999999999 does not exist) was removed
    expect((await readdir(dir)).filter((n) => n.startsWith(".ckpt3."))).toEqual([]);
  });

  it("a save killed with SIGKILL mid-write leaves the previous folder intact", async () => {
    const d = path.join(dir, "ckpt4");
    await saveFolderAtomic(d, (tmp) => writeFile(path.join(tmp, "model"), "survivor"));
    const atomicPath = fileURLToPath(new URL("./atomic.ts", import.meta.url));
    const script = `
      import { saveFolderAtomic } from ${JSON.stringify(atomicPath)};
      import { writeFileSync } from "node:fs";
      await saveFolderAtomic(${JSON.stringify(d)}, async (tmp) => {
        writeFileSync(tmp + "/model", "partial");
        console.log("writing");
        await new Promise((r) => setTimeout(r, 60_000));
      });`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => {
        if (b.toString().includes("writing")) resolve();
      });
      child.on("exit", (code) => reject(new Error(`child exited early with ${code}`)));
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    expect(await readFile(path.join(d, "model"), "utf8")).toBe("survivor");
    // the killed save's temp folder is garbage that the next save removes
    expect((await readdir(dir)).some((n) => n.startsWith(".ckpt4.tmp-"))).toBe(true);
    await saveFolderAtomic(d, (tmp) => writeFile(path.join(tmp, "model"), "after"));
    expect(await readFile(path.join(d, "model"), "utf8")).toBe("after");
    expect((await readdir(dir)).filter((n) => n.startsWith(".ckpt4."))).toEqual([]);
  });
});

describe("readFolderConsistently", () => {
  /** Save a folder whose two files both hold `v`. */
  const saveBoth = (d: string, v: string) =>
    saveFolderAtomic(d, async (tmp) => {
      await writeFile(path.join(tmp, "a"), v);
      await writeFile(path.join(tmp, "b"), v);
    });

  it("a read that a save cuts short is read again, however often, and never returned", async () => {
    const d = path.join(dir, "cut");
    await saveBoth(d, "0");
    let calls = 0;
    // Each of the first 30 reads is cut short: between its two files a save replaces the folder and
    // deletes the version being read, so "b" looks absent (as an optional file of a checkpoint would).
    // (The old rule gave up checking after 20 retries and returned such a read.)
    const got = await readFolderConsistently(d, async (f) => {
      calls++;
      const a = await readFile(path.join(f, "a"), "utf8");
      if (calls <= 30) await saveBoth(d, String(calls));
      const b = await readFile(path.join(f, "b"), "utf8").catch(() => "absent");
      return [a, b];
    });
    expect(got).toEqual(["30", "30"]);
    expect(calls).toBe(31);
  });

  it("an error of a complete read is real: it names the folder, not the pinned handle", async () => {
    const d = path.join(dir, "broken");
    await saveBoth(d, "x");
    const err = await readFolderConsistently(d, (f) => readFile(path.join(f, "missing"), "utf8")).catch((e: Error) => e);
    expect(String(err)).toContain(path.join(d, "missing"));
  });
});
