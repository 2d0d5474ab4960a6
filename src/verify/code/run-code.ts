/**
 * `runCode`: run a program and its tests in the sandbox and say whether they pass.
 *
 * `assert` and `calls` tests run in one process through a harness (python-runner.ts, node-runner.ts) that
 * receives the tests over a private channel and reports a verdict carrying a nonce, so a program can neither
 * read the tests from disk nor pass by exiting early. `io` cases run the program once per case and compare
 * its stdout in this process. TypeScript (and JavaScript with `import`/`export`) is transpiled here first.
 */
import { randomBytes } from "node:crypto";
import { NODE_RUNNER } from "./node-runner.js";
import { PYTHON_RUNNER } from "./python-runner.js";
import { runSandboxed, type ResolvedLimits, type SandboxOutcome } from "./sandbox.js";
import { sandboxInfo } from "./sandbox-info.js";
import { toRunnableJs } from "./transpile.js";
import { validateCodeRequest, type ValidRequest } from "./validate.js";
import type { CodeRequest, CodeResult, CodeStatus, IoCase } from "./types.js";

/** The verdict line a runner writes on fd 3. */
interface RunnerVerdict {
  status: CodeStatus;
  nonce: string;
  message?: string;
  failedTest?: string;
  failedTestIndex?: number;
  testsPassed?: number;
  testsTotal?: number;
}

const MEMORY_PATTERN =
  /MemoryError|heap out of memory|Allocation failed|allocation failed|Cannot allocate memory|std::bad_alloc|Fatal process out of memory|Out of memory/;

/** The last non-empty lines of stderr, for a short error message. */
function stderrTail(stderr: string, lines = 3): string {
  const all = stderr.trim().split("\n").filter((l) => l.trim() !== "");
  return all.slice(-lines).join("\n").slice(-600);
}

/** Map how a process ended (without a runner verdict) to a status and message. */
function classifyEnd(o: SandboxOutcome, limits: ResolvedLimits): { status: CodeStatus; message: string } | undefined {
  if (o.aborted) return { status: "error", message: "aborted" };
  if (o.wallTimeout) return { status: "timeout", message: `wall-clock limit of ${limits.timeoutMs} ms reached` };
  if (o.outputLimit) {
    return { status: "error", message: `output limit exceeded: the program printed more than ${limits.maxOutputBytes} bytes` };
  }
  if (o.signal === "SIGXCPU") return { status: "timeout", message: `CPU-time limit of ${limits.cpuSeconds} s reached` };
  if (MEMORY_PATTERN.test(o.stderr)) {
    const line = o.stderr.split("\n").find((l) => MEMORY_PATTERN.test(l))?.trim().slice(0, 300) ?? "";
    return { status: "memory", message: `memory limit of ${limits.memoryMb} MiB reached: ${line}` };
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

function parseVerdict(channel: string, nonce: string): RunnerVerdict | undefined {
  let found: RunnerVerdict | undefined;
  for (const line of channel.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const v = JSON.parse(line) as RunnerVerdict;
      if (v && v.nonce === nonce && !found) found = v;
    } catch {
      // not a verdict
    }
  }
  return found;
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

function resolveLimits(req: ValidRequest): ResolvedLimits {
  return req.limits;
}

function interpreterArgv(req: ValidRequest, file: string): (box: string) => string[] {
  const info = sandboxInfo();
  if (req.language === "python") return (box) => [info.python, "-s", `${box}/${file}`];
  const heap = Math.max(32, Math.floor(req.limits.memoryMb * 0.75));
  return (box) => [info.node, `--max-old-space-size=${heap}`, `${box}/${file}`];
}

/** Run through the harness (`assert`, `calls`). */
async function runWithHarness(req: ValidRequest, code: string, tests: string, started: number): Promise<CodeResult> {
  const limits = resolveLimits(req);
  const nonce = randomBytes(16).toString("hex");
  const isPython = req.language === "python";
  const file = isPython ? "runner.py" : "runner.cjs";
  const spec = {
    nonce,
    format: req.format,
    code,
    tests: req.format === "assert" ? tests : undefined,
    cases: req.format === "calls" ? req.cases : undefined,
    runAll: req.runAllCases,
  };
  const total = req.format === "calls" ? req.cases.length : 1;
  const o = await runSandboxed({
    argv: interpreterArgv(req, file),
    files: { [file]: isPython ? PYTHON_RUNNER : NODE_RUNNER },
    channelInput: JSON.stringify(spec),
    exitGraceAfterChannelMs: 1000,
    limits,
    signal: req.signal,
  });
  const r = baseResult(o, started, total);
  const v = parseVerdict(o.channel, nonce);
  if (o.outputLimit) return { ...r, ...classifyEnd(o, limits)! };
  if (v) {
    const out: CodeResult = {
      ...r,
      status: v.status,
      correct: v.status === "passed",
      testsPassed: v.testsPassed ?? (v.status === "passed" ? total : 0),
      testsTotal: v.testsTotal ?? total,
    };
    if (v.message !== undefined) out.message = v.message;
    if (v.failedTest) out.failedTest = v.failedTest;
    if (v.failedTestIndex !== undefined) out.failedTestIndex = v.failedTestIndex;
    if (out.status === "error" && out.message && MEMORY_PATTERN.test(out.message)) out.status = "memory";
    return out;
  }
  const end = classifyEnd(o, limits);
  if (end) return { ...r, ...end };
  return { ...r, status: "error", message: "the program exited before the tests finished (exit status 0, no verdict)" };
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
  const limits = resolveLimits(req);
  const file = req.language === "python" ? "main.py" : "main.js";
  let passed = 0;
  let first: Pick<CodeResult, "status" | "message" | "failedTest" | "failedTestIndex"> | undefined;
  let last: SandboxOutcome | undefined;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    const o = await runSandboxed({ argv: interpreterArgv(req, file), files: { [file]: code }, stdin: c.input, limits, signal: req.signal });
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
  let code = req.code;
  let tests = req.tests;
  if (req.language !== "python") {
    const lang = req.language;
    const c = await toRunnableJs(code, lang, "solution");
    if (!c.ok) return { ...baseResult(undefined, started, req.total), message: c.error };
    code = c.js;
    if (req.format === "assert" && tests) {
      const t = await toRunnableJs(tests, lang, "tests");
      if (!t.ok) return { ...baseResult(undefined, started, req.total), message: `the test code does not compile: ${t.error}` };
      tests = t.js;
    }
  }
  if (req.format === "io") return runIo(req, code, req.ioCases, started);
  return runWithHarness(req, code, tests, started);
}
