/**
 * `runCode`: run a program and its tests in the sandbox and say whether they pass.
 *
 * `assert` and `calls` tests run in TWO sandboxes (python-runner.ts, node-runner.ts): the program's process
 * (untrusted) holds only the program, and the tests' process (trusted, never runs the program's code) holds the
 * tests and asks the program's process for each value it needs (a function call, an attribute). This process
 * relays the requests and answers between the two and takes the verdict from the tests' process only: the
 * program cannot read the tests or the expected values, and no channel it can write to carries a verdict.
 * `io` cases run the program once per case and compare its stdout here. TypeScript (and JavaScript with
 * `import`/`export`) is transpiled inside the sandbox (sucrase), under the run's limits.
 */
import { NODE_PROGRAM_SERVER } from "./node-program-server.js";
import { NODE_TEST_RUNNER } from "./node-runner.js";
import { NODE_STDIO_PRELOAD, nodeArgv } from "./program.js";
import { PYTHON_PROGRAM_SERVER } from "./python-program-server.js";
import { PYTHON_TEST_RUNNER } from "./python-runner.js";
import { runSandboxed, startSandboxed, type ResolvedLimits, type SandboxOutcome } from "./sandbox.js";
import { sandboxInfo } from "./sandbox-info.js";
import { RUN_MAIN_SCRIPT } from "./transpile-in-sandbox.js";
import { validateCodeRequest, type ValidRequest } from "./validate.js";
import type { CodeRequest, CodeResult, CodeStatus, IoCase } from "./types.js";

/** The verdict the tests' process sends (status "exited": the program's process ended while needed). */
interface RunnerVerdict {
  status: CodeStatus | "exited";
  message?: string;
  failedTest?: string;
  failedTestIndex?: number;
  testsPassed?: number;
  testsTotal?: number;
}

// How a process that ran out of memory says so: Python's MemoryError, V8's fatal OOM reports ("...
// heap out of memory", "Fatal process out of memory", and V8 11's "Fatal JavaScript out of memory:
// ..."), allocation failures of C++ and libc.
const MEMORY_PATTERN = /MemoryError|out of memory|\bOOM\b|allocation failed|Cannot allocate memory|std::bad_alloc/i;

/** The last non-empty lines of stderr, for a short error message. */
function stderrTail(stderr: string, lines = 3): string {
  const all = stderr
    .trim()
    .split("\n")
    .filter((l) => l.trim() !== "");
  return all.slice(-lines).join("\n").slice(-600);
}

/** Map how a process ended (without a verdict) to a status and message. */
function classifyEnd(o: SandboxOutcome, limits: ResolvedLimits): { status: CodeStatus; message: string } | undefined {
  if (o.aborted) return { status: "error", message: "aborted" };
  if (o.wallTimeout) return { status: "timeout", message: `wall-clock limit of ${limits.timeoutMs} ms reached` };
  if (o.outputLimit) {
    return { status: "error", message: `output limit exceeded: the program printed more than ${limits.maxOutputBytes} bytes` };
  }
  if (o.memoryKilled) return { status: "memory", message: `memory limit of ${limits.memoryMb} MiB reached (the run's processes together)` };
  if (o.signal === "SIGXCPU") return { status: "timeout", message: `CPU-time limit of ${limits.cpuSeconds} s reached` };
  if (MEMORY_PATTERN.test(o.stderr)) {
    const line =
      o.stderr
        .split("\n")
        .find((l) => MEMORY_PATTERN.test(l))
        ?.trim()
        .slice(0, 300) ?? "";
    return { status: "memory", message: `memory limit of ${limits.memoryMb} MiB reached: ${line}` };
  }
  // Under the data rlimit an allocation the kernel refuses can end a runtime by a segfault with nothing
  // on stderr (seen with Node/V8 on a loaded machine): report it as the memory limit it most likely is.
  if ((o.signal === "SIGSEGV" || o.signal === "SIGBUS") && o.stderr.trim() === "") {
    return {
      status: "memory",
      message: `killed by ${o.signal} with no message: most likely an allocation refused under the memory limit of ${limits.memoryMb} MiB`,
    };
  }
  if (o.signal === "SIGKILL") {
    return { status: "timeout", message: `killed (SIGKILL): CPU-time limit of ${limits.cpuSeconds} s or an external kill` };
  }
  if (o.signal === "SIGXFSZ") return { status: "error", message: `file size limit of ${limits.maxFileBytes} bytes exceeded` };
  if (o.signal) return { status: "error", message: `killed by ${o.signal}${o.stderr ? `: ${stderrTail(o.stderr)}` : ""}` };
  if (o.exitCode !== 0) {
    return { status: "error", message: `exited with status ${o.exitCode}${o.stderr ? `: ${stderrTail(o.stderr)}` : ""}` };
  }
  return undefined;
}

function baseResult(o: SandboxOutcome | undefined, started: number, total: number): CodeResult {
  return {
    correct: false,
    status: "error",
    testsPassed: 0,
    testsTotal: total,
    stdout: o?.stdout ?? "",
    stderr: o?.stderr ?? "",
    truncated: o?.truncated ?? false,
    durationMs: performance.now() - started,
    sandbox: o?.sandbox ?? sandboxInfo().kind,
  };
}

function programArgv(req: ValidRequest, file: string): (box: string) => string[] {
  const info = sandboxInfo();
  if (req.language === "python") return (box) => [info.python, "-s", `${box}/${file}`];
  return (box) => nodeArgv(info.node, req.limits.memoryMb, box, file);
}

/**
 * Names the tests' process must take from the program even where a builtin has the name: the request's
 * `programNames`, and for `calls` the name each case's `fn` expression starts with (`sum`, `Solution`).
 */
function programNamesOf(req: ValidRequest): string[] {
  const names = new Set(req.programNames ?? []);
  if (req.format === "calls") {
    for (const c of req.cases) {
      const m = /^\s*(?:new\s+)?([A-Za-z_$][\w$]*)/.exec(c.fn);
      if (m) names.add(m[1]);
    }
  }
  return [...names];
}

/** Largest single message (one line) the program's process may send to the tests' process. */
function maxMessageBytes(limits: ResolvedLimits): number {
  return Math.max(16 << 20, 4 * limits.maxOutputBytes);
}

/** Run through the two-process harness (`assert`, `calls`). */
async function runWithHarness(req: ValidRequest, started: number): Promise<CodeResult> {
  const limits = req.limits;
  const isPython = req.language === "python";
  const ext = isPython ? "py" : "cjs";
  // The tests' process runs trusted code only; it gets at least 512 MiB whatever the program's limit.
  const testLimits: ResolvedLimits = { ...limits, memoryMb: Math.max(limits.memoryMb, 512), maxProcesses: Math.max(limits.maxProcesses, 16) };
  const prog = startSandboxed({
    argv: programArgv(req, `program.${ext}`),
    files: isPython ? { "program.py": PYTHON_PROGRAM_SERVER } : { "program.cjs": NODE_PROGRAM_SERVER, "sp-stdio.cjs": NODE_STDIO_PRELOAD },
    channel: true,
    limits,
    signal: req.signal,
  });
  let tests;
  try {
    tests = startSandboxed({
      argv: programArgv({ ...req, limits: testLimits }, `tests.${ext}`),
      files: isPython ? { "tests.py": PYTHON_TEST_RUNNER } : { "tests.cjs": NODE_TEST_RUNNER, "sp-stdio.cjs": NODE_STDIO_PRELOAD },
      channel: true,
      limits: testLimits,
      signal: req.signal,
    });
  } catch (e) {
    prog.kill();
    await prog.done;
    throw e;
  }
  const total = req.format === "calls" ? req.cases.length : 1;
  let verdict: RunnerVerdict | undefined;
  let protocolError: string | undefined;
  const pc = prog.channel!;
  const tc = tests.channel!;
  // The tests' process: its spec first, then everything the program's process says, verbatim.
  tc.write(
    JSON.stringify({
      format: req.format,
      language: req.language,
      tests: req.format === "assert" ? req.tests : undefined,
      cases: req.format === "calls" ? req.cases : undefined,
      runAll: req.runAllCases,
      setup: req.testSetup,
      programNames: programNamesOf(req),
    }) + "\n",
  );
  pc.write(JSON.stringify({ code: req.code, language: req.language }) + "\n");
  const cap = maxMessageBytes(limits);
  let sinceNewline = 0;
  pc.on("data", (b: Buffer) => {
    const nl = b.lastIndexOf(10);
    sinceNewline = nl >= 0 ? b.length - nl - 1 : sinceNewline + b.length;
    if (sinceNewline > cap) {
      protocolError ??= `the program sent a value larger than ${cap} bytes`;
      prog.kill();
      return;
    }
    // Backpressure: while the tests' process has not taken what was sent, stop reading the program's channel, so
    // a program writing without end blocks in its own write instead of queueing gigabytes in this process.
    if (tc.destroyed) return;
    if (!tc.write(b) && !pc.isPaused()) {
      pc.pause();
      tc.once("drain", () => pc.resume());
    }
  });
  // Once the tests' process is gone nothing more is relayed: let the program's writes go through (and be dropped).
  tc.once("close", () => pc.resume());
  pc.on("end", () => tc.end());
  pc.on("close", () => tc.end());
  // The tests' process: requests for the program, and its verdict.
  let pending = "";
  tc.setEncoding("utf8");
  tc.on("data", (text: string) => {
    pending += text;
    let i: number;
    while ((i = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, i);
      pending = pending.slice(i + 1);
      let m: { to?: string; msg?: unknown; verdict?: RunnerVerdict };
      try {
        m = JSON.parse(line) as typeof m;
      } catch {
        continue;
      }
      if (m.to === "program") pc.write(JSON.stringify(m.msg) + "\n");
      else if (m.to === "parent" && m.verdict && !verdict) {
        verdict = m.verdict;
        // The verdict is in: the program's process is not needed any more (threads, timers, atexit...). When it
        // ended by itself ("exited"), let it finish dying first: how it ended says why.
        if (verdict.status === "exited") setTimeout(() => prog.kill(), 1000).unref();
        else prog.kill();
        setTimeout(() => tests.kill(), 2000).unref();
      }
    }
  });
  const [t, o] = await Promise.all([tests.done, prog.done]);
  const r = baseResult(o, started, total);
  if (o.outputLimit) return { ...r, ...classifyEnd(o, limits)! };
  if (verdict && verdict.status !== "exited") {
    const status = verdict.status;
    const out: CodeResult = {
      ...r,
      status,
      correct: status === "passed",
      testsPassed: status === "passed" ? total : Math.min(verdict.testsPassed ?? 0, total),
      testsTotal: total,
    };
    if (verdict.message !== undefined) out.message = String(verdict.message);
    if (verdict.failedTest) out.failedTest = String(verdict.failedTest);
    if (verdict.failedTestIndex !== undefined) out.failedTestIndex = verdict.failedTestIndex;
    if (out.status === "error" && out.message && MEMORY_PATTERN.test(out.message)) out.status = "memory";
    return out;
  }
  const where: Partial<CodeResult> = {};
  if (verdict?.failedTest) where.failedTest = String(verdict.failedTest);
  if (verdict?.failedTestIndex !== undefined) where.failedTestIndex = verdict.failedTestIndex;
  if (verdict?.testsPassed !== undefined) where.testsPassed = Math.min(verdict.testsPassed, total);
  if (protocolError) return { ...r, ...where, status: "error", message: protocolError };
  if (verdict) {
    // The program's process ended (or broke the protocol) while the tests needed it: how it ended says why.
    const ourKill = o.killed && o.signal === "SIGKILL" && !o.wallTimeout && !o.aborted && !o.memoryKilled && !o.outputLimit;
    const end = ourKill ? undefined : classifyEnd(o, limits);
    if (end) return { ...r, ...where, ...end };
    const why = ourKill ? String(verdict.message ?? "the program's process broke the protocol") : "the program exited before the tests finished";
    return { ...r, ...where, status: "error", message: why };
  }
  const endT = classifyEnd(t, testLimits);
  const endP = classifyEnd(o, limits);
  if (t.wallTimeout || o.wallTimeout) return { ...r, status: "timeout", message: `wall-clock limit of ${limits.timeoutMs} ms reached` };
  if (t.aborted || o.aborted) return { ...r, status: "error", message: "aborted" };
  if (endP && endP.status !== "error") return { ...r, ...endP };
  return { ...r, status: "error", message: `the tests' process ended without a verdict: ${endT?.message ?? `exit status ${t.exitCode}`}` };
}

/**
 * No tests: the program alone runs in the program's process (as a module, as with tests) and passes when it
 * exits with status 0, as observed here. What it says on its channel is used only for a failure's message.
 */
async function runAlone(req: ValidRequest, started: number): Promise<CodeResult> {
  const limits = req.limits;
  const isPython = req.language === "python";
  const file = isPython ? "program.py" : "program.cjs";
  const prog = startSandboxed({
    argv: programArgv(req, file),
    files: isPython ? { "program.py": PYTHON_PROGRAM_SERVER } : { "program.cjs": NODE_PROGRAM_SERVER, "sp-stdio.cjs": NODE_STDIO_PRELOAD },
    channel: true,
    limits,
    signal: req.signal,
  });
  const said: Buffer[] = [];
  let saidBytes = 0;
  prog.channel!.on("data", (b: Buffer) => {
    saidBytes += b.length;
    if (saidBytes <= 65536) said.push(b);
  });
  prog.channel!.write(JSON.stringify({ code: req.code, language: req.language, alone: true }) + "\n");
  const o = await prog.done;
  const r = baseResult(o, started, 1);
  const end = classifyEnd(o, limits);
  if (end) return { ...r, ...end };
  let first: { ready?: unknown; kind?: unknown; message?: unknown } | undefined;
  try {
    first = JSON.parse(Buffer.concat(said).toString("utf8").split("\n")[0]) as typeof first;
  } catch {
    first = undefined;
  }
  if (first && first.ready === false) {
    return { ...r, status: first.kind === "memory" ? "memory" : "error", message: String(first.message ?? "the program did not load").slice(0, 2000) };
  }
  return { ...r, status: "passed", correct: true, testsPassed: 1 };
}

/** Compare outputs up to trailing whitespace on each line and trailing blank lines. */
export function sameOutput(actual: string, expected: string): boolean {
  return normaliseOutput(actual) === normaliseOutput(expected);
}

function normaliseOutput(s: string): string {
  return s
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.replace(/[ \t]+$/, ""))
    .join("\n")
    .replace(/\n+$/, "");
}

function firstDifference(actual: string, expected: string): string {
  const a = normaliseOutput(actual).split("\n");
  const e = normaliseOutput(expected).split("\n");
  const clip = (s: string | undefined): string => (s === undefined ? "<end of output>" : JSON.stringify(s.slice(0, 200)));
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    if (a[i] !== e[i]) return `line ${i + 1}: expected ${clip(e[i])}, got ${clip(a[i])}`;
  }
  return "outputs differ";
}

/** Run `io` cases: one process per case. */
async function runIo(req: ValidRequest, code: string, cases: IoCase[], started: number): Promise<CodeResult> {
  const limits = req.limits;
  const info = sandboxInfo();
  const isPython = req.language === "python";
  const file = isPython ? "main.py" : req.language === "typescript" ? "main.ts" : "main.js";
  const files: Record<string, string> = isPython ? { [file]: code } : { [file]: code, "main-boot.cjs": RUN_MAIN_SCRIPT, "sp-stdio.cjs": NODE_STDIO_PRELOAD };
  const argv = isPython
    ? (box: string) => [info.python, "-s", `${box}/${file}`]
    : (box: string) => [...nodeArgv(info.node, limits.memoryMb, box, "main-boot.cjs"), `${box}/${file}`, req.language];
  if (cases.length === 0) return { ...baseResult(undefined, started, 0), status: "error", message: "no test cases: nothing was checked" };
  let passed = 0;
  let first: Pick<CodeResult, "status" | "message" | "failedTest" | "failedTestIndex"> | undefined;
  let last: SandboxOutcome | undefined;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    const o = await runSandboxed({ argv, files, stdin: c.input, limits, signal: req.signal });
    last = o;
    const end = classifyEnd(o, limits);
    let failure: typeof first;
    if (end) failure = { ...end, failedTest: `case ${i}`, failedTestIndex: i };
    else if (!sameOutput(o.stdout, c.output)) {
      failure = { status: "failed", message: `wrong output: ${firstDifference(o.stdout, c.output)}`, failedTest: `case ${i}`, failedTestIndex: i };
    }
    if (!failure) passed++;
    else if (!first) first = failure;
    if (failure && (!req.runAllCases || o.aborted)) break;
  }
  const r = baseResult(last, started, cases.length);
  if (!first) return { ...r, status: "passed", correct: true, testsPassed: passed };
  return { ...r, ...first, correct: false, testsPassed: passed };
}

/**
 * Run a program and its tests in the sandbox.
 *
 * Resolves with a `CodeResult` for anything the program does (passing, failing, crashing, hanging, eating
 * memory, printing without end); every process it started is gone by then. Throws `CodeRequestError` only for
 * a malformed request, and `SandboxUnavailableError` when `SCRATCHPAD_SANDBOX=bwrap` demands a sandbox this
 * machine cannot give.
 *
 * @example
 * const r = await runCode({ language: "python", code: "def add(a, b):\n    return a + b", tests: "assert add(1, 2) == 3" });
 * r.status; // "passed"
 */
export async function runCode(request: CodeRequest): Promise<CodeResult> {
  const started = performance.now();
  const req = validateCodeRequest(request);
  if (req.format === "io") return runIo(req, req.code, req.ioCases, started);
  if (req.format === "assert" && req.tests.trim() === "") return runAlone(req, started);
  return runWithHarness(req, started);
}
