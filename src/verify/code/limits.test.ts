// Limits per run, not per process (issue 9, item 2): the whole process tree's memory, capped /dev/shm and a
// read-only /dev, TypeScript transpiled inside the limits, and the same output-limit verdict in every language.
import { describe, expect, it } from "vitest";
import { cgroupSupport } from "./cgroup.js";
import { runCode } from "./run-code.js";
import { sandboxInfo } from "./sandbox-info.js";

const isolated = sandboxInfo().kind === "bwrap";

describe("limits per run", () => {
  it.runIf(cgroupSupport())("six forked children of 900 MB do not pass under a 1 GB limit", async () => {
    const code = [
      "import os, time",
      "kids = []",
      "for i in range(6):",
      "    pid = os.fork()",
      "    if pid == 0:",
      "        x = bytearray(900 << 20)",
      "        for j in range(0, len(x), 4096): x[j] = 1",
      "        time.sleep(5)",
      "        os._exit(0)",
      "    kids.append(pid)",
      "ok = all(os.waitpid(p, 0)[1] == 0 for p in kids)",
      "def f(): return ok",
    ].join("\n");
    const r = await runCode({ language: "python", code, tests: "assert f() is True", limits: { memoryMb: 1024, timeoutMs: 30_000 } });
    expect(r.status, r.message).not.toBe("passed");
  });

  it.runIf(isolated)("caps /dev/shm and keeps /dev read-only (320 x 16 MB in /dev/shm cannot take 5 GB)", async () => {
    const code = [
      "import os",
      "written = 0",
      "try:",
      "    for i in range(320):",
      "        with open('/dev/shm/f%d' % i, 'wb') as fh: fh.write(b'x' * (16 << 20))",
      "        written += 16",
      "except OSError as e: print('stopped:', e.strerror)",
      "print('MB', written)",
      "try: open('/dev/evil', 'w'); print('dev writable')",
      "except OSError as e: print('dev:', e.strerror)",
    ].join("\n");
    const r = await runCode({ language: "python", code, tests: "", limits: { timeoutMs: 30_000 } });
    expect(r.stdout).toMatch(/stopped: No space left on device/);
    const mb = Number(/MB (\d+)/.exec(r.stdout)?.[1]);
    expect(mb).toBeLessThanOrEqual(16);
    expect(r.stdout).toMatch(/dev: Read-only file system/);
  });

  it("transpiles TypeScript inside the run's limits: a 500k-line program meets the 1 s timeout, not the verifier", async () => {
    const code = "let x: number = 0;\n" + "x = x + 1;\n".repeat(500_000) + "function f(): number { return x; }\n";
    const before = process.memoryUsage().rss;
    const r = await runCode({ language: "typescript", code, tests: "", limits: { timeoutMs: 1000 } });
    expect(["timeout", "memory"]).toContain(r.status);
    // Under a memory limit too small for transpiling it, the run is out of memory; a small program is not.
    const small = await runCode({
      language: "typescript",
      code: "let x: number = 1;\nfunction f(): number { return x; }",
      tests: "",
      limits: { memoryMb: 128 },
    });
    expect(small.status).toBe("passed");
    const big = await runCode({ language: "typescript", code, tests: "", limits: { memoryMb: 128, timeoutMs: 60_000 } });
    expect(big.status, `${big.message}\n${big.stderr.slice(-600)}`).toBe("memory");
    // The work happened in the sandbox: this process did not grow by the gigabyte transpiling it takes.
    expect(process.memoryUsage().rss - before).toBeLessThan(512 << 20);
  });

  it("gives the output-limit error in JavaScript as in Python, even for 1 GiB written at once", async () => {
    const limits = { maxOutputBytes: 1 << 20, timeoutMs: 20_000 };
    const py = await runCode({ language: "python", code: "import sys\nfor i in range(1024): sys.stdout.write('x' * (1 << 20))", tests: "", limits });
    const js = await runCode({
      language: "javascript",
      code: "const s = 'x'.repeat(1 << 20); for (let i = 0; i < 1024; i++) process.stdout.write(s);",
      tests: "",
      limits,
    });
    const js2 = await runCode({ language: "javascript", code: "require('fs').writeSync(1, Buffer.alloc(256 << 20, 120));", tests: "", limits });
    for (const r of [py, js, js2]) {
      expect(r.status).toBe("error");
      expect(r.message).toMatch(/^output limit exceeded/);
    }
  });
});
