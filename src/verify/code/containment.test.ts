// Containment tests of the code sandbox: hostile programs against the real sandbox, checked from outside
// (a real TCP server, the host filesystem, the host's process table).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCode } from "./run-code.js";
import { sandboxInfo } from "./sandbox-info.js";

/** Host processes whose command line contains `marker`. */
function hostProcesses(marker: string): string[] {
  try {
    return execFileSync("pgrep", ["-af", marker], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.includes("pgrep"));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

const isolated = sandboxInfo().kind === "bwrap";

describe.runIf(isolated)("sandbox isolation (bubblewrap)", () => {
  let server: Server;
  let port = 0;
  let connections = 0;
  let hostDir: string;

  beforeAll(async () => {
    server = createServer((s) => {
      connections++;
      s.end("hello from the host\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
    hostDir = mkdtempSync(path.join(os.tmpdir(), "scratchpad-containment-"));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(hostDir, { recursive: true, force: true });
  });

  it("has no network: a Python program cannot reach a server on the host's 127.0.0.1", async () => {
    const code = `import socket\ns = socket.create_connection(("127.0.0.1", ${port}), timeout=3)\nprint(s.recv(100))\n`;
    const r = await runCode({ language: "python", code, tests: "" });
    expect(r.status).toBe("error");
    expect(r.message).toMatch(/Connection refused|unreachable|Errno/);
    expect(connections).toBe(0);
  });

  it("has no network: nor can a JavaScript program, nor resolve names", async () => {
    const code = `const net = require("net");\nconst s = net.connect(${port}, "127.0.0.1");\ns.on("data", (d) => console.log("GOT", String(d)));\ns.on("error", (e) => { console.log("ERR", e.code); });\nrequire("dns").lookup("example.com", (e) => console.log("DNS", e ? e.code : "resolved"));\n`;
    const r = await runCode({ language: "javascript", code, tests: "", limits: { timeoutMs: 5000 } });
    expect(r.stdout).not.toMatch(/GOT/);
    expect(r.stdout).toMatch(/ERR ECONNREFUSED/);
    expect(r.stdout).not.toMatch(/DNS resolved/);
    expect(connections).toBe(0);
  });

  it("cannot write outside its temporary folder; the files are absent afterwards", async () => {
    const target = path.join(hostDir, "escaped.txt");
    const code = [
      "import os",
      "results = []",
      `for p in [${JSON.stringify(target)}, "/usr/escaped.txt", "/etc/escaped.txt", "/box/escaped.txt", os.path.expanduser("~root/escaped.txt")]:`,
      "    try:",
      "        open(p, 'w').write('x')",
      "        results.append('WROTE ' + p)",
      "    except OSError as e:",
      "        results.append('DENIED ' + p)",
      "open('/tmp/own.txt', 'w').write('mine')",
      "print('\\n'.join(results))",
      "print(open('/tmp/own.txt').read())",
    ].join("\n");
    const r = await runCode({ language: "python", code, tests: "" });
    expect(r.status, r.message).toBe("passed");
    expect(r.stdout).not.toMatch(/WROTE/);
    expect(r.stdout.match(/DENIED/g)?.length).toBe(5);
    expect(r.stdout).toMatch(/mine/);
    expect(existsSync(target)).toBe(false);
    expect(existsSync("/usr/escaped.txt")).toBe(false);
    expect(existsSync("/etc/escaped.txt")).toBe(false);
  });

  it("sees only its own processes and runs as an unprivileged user", async () => {
    const r = await runCode({ language: "python", code: "import os\nprint(len([p for p in os.listdir('/proc') if p.isdigit()]), os.getuid())", tests: "" });
    const [count, uid] = r.stdout.trim().split(" ").map(Number);
    expect(count).toBeLessThan(10);
    expect(uid).not.toBe(0);
  });
});

describe("sandbox limits", () => {
  it("stops an endless loop at the wall-clock limit and returns soon after", async () => {
    const started = Date.now();
    const r = await runCode({ language: "python", code: "while True:\n    pass\n", tests: "", limits: { timeoutMs: 1500 } });
    expect(r.status).toBe("timeout");
    expect(r.message).toMatch(/limit/);
    expect(Date.now() - started).toBeLessThan(1500 + 5000);
  });

  it("stops an endless JavaScript loop too", async () => {
    const r = await runCode({ language: "javascript", code: "for (;;) {}", tests: "", limits: { timeoutMs: 1500 } });
    expect(r.status).toBe("timeout");
  });

  it("reports a CPU-time limit as a timeout", async () => {
    const r = await runCode({ language: "python", code: "while True:\n    pass\n", tests: "", limits: { timeoutMs: 10_000, cpuSeconds: 1 } });
    expect(r.status).toBe("timeout");
    expect(r.message).toMatch(/CPU/);
  });

  it("reports allocating 8 GB as memory, in Python and JavaScript", async () => {
    const py = await runCode({ language: "python", code: "x = bytearray(8 * 1024 ** 3)\n", tests: "", limits: { memoryMb: 512 } });
    expect(py.status).toBe("memory");
    const js = await runCode({
      language: "javascript",
      code: "const parts = [];\nfor (let i = 0; i < 8; i++) parts.push(Buffer.alloc(1024 ** 3, 1));",
      tests: "",
      limits: { memoryMb: 512 },
    });
    expect(js.status, js.message).toBe("memory");
    const heap = await runCode({
      language: "javascript",
      code: "const a = []; for (;;) a.push(new Array(1e6).fill(1.5));",
      tests: "",
      limits: { memoryMb: 256 },
    });
    expect(heap.status).toBe("memory");
  });

  it("leaves no process behind: detached children and daemons are gone when it returns", async () => {
    const marker = `scratchpad_leftover_${randomBytes(6).toString("hex")}`;
    const code = [
      "import os, subprocess, time",
      `subprocess.Popen(["sh", "-c", "sleep 300; echo ${marker}"], start_new_session=True)`,
      `subprocess.Popen(["sh", "-c", "(setsid sh -c 'sleep 301; echo ${marker}' &) ; sleep 302 # ${marker}"])`,
      "if os.fork() == 0:",
      "    os.setsid()",
      "    if os.fork() == 0:",
      `        os.execvp("sh", ["sh", "-c", "sleep 303; echo ${marker}"])`,
      "    os._exit(0)",
      "time.sleep(0.5)",
      "def f(): return 1",
    ].join("\n");
    const r = await runCode({ language: "python", code, tests: "assert f() == 1" });
    expect(r.status, r.message).toBe("passed");
    expect(hostProcesses(marker)).toEqual([]);
  });

  it("leaves no process behind after a timeout either", async () => {
    const marker = `scratchpad_leftover_${randomBytes(6).toString("hex")}`;
    const code = `const { spawn } = require("child_process");\nspawn("sh", ["-c", "sleep 300; echo ${marker}"], { detached: true, stdio: "ignore" }).unref();\nfor (;;) {}`;
    const r = await runCode({ language: "javascript", code, tests: "", limits: { timeoutMs: 1500 } });
    expect(r.status).toBe("timeout");
    expect(hostProcesses(marker)).toEqual([]);
  });

  it("bounds a fork bomb by the process limit", async () => {
    const code = [
      "import os, time",
      "count = 0",
      "for _ in range(500):",
      "    try:",
      "        if os.fork() == 0:",
      "            time.sleep(60)",
      "            os._exit(0)",
      "        count += 1",
      "    except OSError:",
      "        break",
      "print(count, flush=True)",
      "os._exit(0)",
    ].join("\n");
    const r = await runCode({ language: "python", code, format: "io", tests: [{ input: "", output: "" }], limits: { maxProcesses: 20, timeoutMs: 8000 } });
    const count = Number(r.stdout.trim());
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(20);
    const bomb = await runCode({
      language: "python",
      code: "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
      tests: "",
      limits: { timeoutMs: 2000 },
    });
    expect(bomb.status).toBe("timeout");
  });

  it("caps huge output and stops the program", async () => {
    const r = await runCode({ language: "python", code: "while True:\n    print('x' * 10000)\n", tests: "", limits: { maxOutputBytes: 100_000 } });
    expect(r.status).toBe("error");
    expect(r.message).toMatch(/output limit/);
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(100_000);
  });

  it("caps the size of files it writes", async () => {
    const r = await runCode({ language: "python", code: "open('big.bin', 'wb').write(b'x' * (64 << 20))\n", tests: "", limits: { maxFileBytes: 1 << 20 } });
    expect(r.status).toBe("error");
    expect(r.message).toMatch(/File too large|file size/);
  });

  it("kills the program when the caller aborts", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await runCode({ language: "python", code: "import time\ntime.sleep(60)\n", tests: "", signal: ac.signal });
    expect(r.status).toBe("error");
    expect(r.message).toBe("aborted");
  });
});
