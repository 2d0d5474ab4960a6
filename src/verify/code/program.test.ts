// Tests of runProgram: real sandboxed runs of Python, Node, TypeScript, C++ (g++) and bash with stdin, files
// and limits; compile errors are a separate step; the output limit is the same in every language.
import { describe, expect, it } from "vitest";
import { cgroupSupport } from "./cgroup.js";
import { CodeRequestError } from "./errors.js";
import { runProgram } from "./program.js";
import { sandboxInfo } from "./sandbox-info.js";

const info = sandboxInfo();

describe("runProgram", () => {
  it.runIf(info.gxx)("compiles C++ with g++ in the sandbox, then runs it with stdin and files", async () => {
    const code =
      '#include <cstdio>\nint main(){int a,b;scanf("%d %d",&a,&b);FILE*f=fopen("data/in.txt","r");char s[8]={0};fread(s,1,5,f);printf("%d %s\\n",a+b,s);}';
    const r = await runProgram({ language: "cpp", code, stdin: "2 3", files: { "data/in.txt": "hello" } });
    expect(r.compile?.status).toBe("finished");
    expect(r.compile?.exitCode).toBe(0);
    expect(r.run?.stdout).toBe("5 hello\n");
    expect(r.ok).toBe(true);
  });

  it.runIf(info.gxx)("reports a C++ compile error as the compile step, with no run", async () => {
    const r = await runProgram({ language: "cpp", code: "int main( {" });
    expect(r.ok).toBe(false);
    expect(r.compile?.exitCode).not.toBe(0);
    expect(r.compile?.stderr).toMatch(/error/);
    expect(r.run).toBeUndefined();
  });

  it("transpiles TypeScript inside the sandbox; a syntax error is a compile failure", async () => {
    const ok = await runProgram({ language: "typescript", code: "enum E { A, B }\nconst x: number = 41;\nconsole.log(x + E.B)" });
    expect(ok.run?.stdout).toBe("42\n");
    const bad = await runProgram({ language: "typescript", code: "const x: = 1" });
    expect(bad.run).toBeUndefined();
    expect(bad.compile?.stderr).toMatch(/TypeScript syntax error in main\.ts \(line 1, column 11\)/);
  });

  it("runs bash and nodejs (alias of javascript) with stdin; exit statuses come back", async () => {
    const b = await runProgram({ language: "bash", code: "read a; echo got $a; cat d/f.txt; exit 3", stdin: "zz\n", files: { "d/f.txt": "F" } });
    expect(b.run).toMatchObject({ status: "finished", exitCode: 3, stdout: "got zz\nF" });
    expect(b.ok).toBe(false);
    const n = await runProgram({ language: "nodejs", code: "process.stdin.on('data', (d) => console.log(String(d).toUpperCase()))", stdin: "abc" });
    expect(n.run?.stdout).toBe("ABC\n");
    const p = await runProgram({ language: "python", code: "print(input()[::-1])", stdin: "abc\n" });
    expect(p.run?.stdout).toBe("cba\n");
  });

  it("sends back the files asked for (fetchFiles), never those it was not asked for, with the exit status", async () => {
    const code = "mkdir -p out; printf 'a b' > 'out/x y.txt'; head -c 3 /dev/zero > bin.dat; echo secret > other; exit 4";
    const r = await runProgram({ language: "bash", code, fetchFiles: ["out/x y.txt", "bin.dat", "missing.txt"] });
    expect(r.run?.exitCode).toBe(4);
    expect(Object.keys(r.files ?? {}).sort()).toEqual(["bin.dat", "out/x y.txt"]);
    expect(r.files?.["out/x y.txt"].toString()).toBe("a b");
    expect([...(r.files?.["bin.dat"] ?? [])]).toEqual([0, 0, 0]);
    const py = await runProgram({ language: "python", code: "import os\nos.write(3, b'forged\\n')", fetchFiles: ["forged"] });
    expect(py.files).toEqual({});
  });

  it("stops a program at the wall-clock limit", async () => {
    const r = await runProgram({ language: "python", code: "while True: pass", limits: { timeoutMs: 1500 } });
    expect(r.run?.status).toBe("timeout");
  });

  it("gives the same output_limit status in every language, whatever the write size", async () => {
    const limits = { maxOutputBytes: 1 << 20 };
    const progs = [
      { language: "python" as const, code: "import sys\nwhile True: sys.stdout.write('x' * (1 << 20))" },
      { language: "javascript" as const, code: "const b = Buffer.alloc(64 << 20, 97); for (;;) require('fs').writeSync(1, b)" },
      { language: "javascript" as const, code: "const s = 'x'.repeat(1 << 16); for (let i = 0; i < 16384; i++) console.log(s)" },
      { language: "typescript" as const, code: "const s: string = 'x'.repeat(1 << 24); for (let i = 0; i < 64; i++) process.stdout.write(s)" },
      { language: "bash" as const, code: "yes" },
    ];
    for (const p of progs) {
      const r = await runProgram({ ...p, limits });
      expect(r.run?.status, p.code).toBe("output_limit");
      expect(r.run?.stdout.length).toBe(1 << 20);
    }
  });

  it.runIf(cgroupSupport())("limits the memory of the whole process tree (six forked children of 300 MB under 1 GB)", async () => {
    const code =
      "import os, time\nfor i in range(6):\n    if os.fork() == 0:\n        x = bytearray(300 << 20)\n        time.sleep(5)\n        os._exit(0)\nfor i in range(6):\n    os.wait()\nprint('all done')";
    const r = await runProgram({ language: "python", code, limits: { memoryMb: 1024, timeoutMs: 20_000 } });
    expect(r.run?.status).toBe("memory");
  });

  it("rejects malformed requests naming the field", async () => {
    await expect(runProgram({ language: "cobol" as never, code: "" })).rejects.toThrow(CodeRequestError);
    await expect(runProgram({ language: "bash", code: "", files: { "../x": "y" } })).rejects.toThrow(/files\.\.\.\/x/);
  });
});
