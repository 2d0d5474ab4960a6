/**
 * `POST /run_code`: SandboxFusion's contract (bytedance/SandboxFusion `sandbox/server/sandbox_api.py`) as
 * veRL's client (`verl/utils/reward_score/sandbox_fusion/utils.py`) calls it, run in scratchpad's code sandbox
 * (bubblewrap + rlimits, src/verify/code/sandbox.ts).
 *
 * Request: `{code, language, stdin?, run_timeout?, compile_timeout?, memory_limit_MB?, files?, fetch_files?}`
 * (timeouts in seconds; `files` maps relative paths to base64 content; `fetch_files` names files to send back).
 * Response: `{status: "Success"|"Failed"|"SandboxError", message, compile_result, run_result, executor_pod_name,
 * files}` where each result is `{status: "Finished"|"TimeLimitExceeded"|"Error", execution_time, return_code,
 * stdout, stderr}`; `status` follows SandboxFusion's `parse_run_status`: an `Error` step → SandboxError, a time
 * limit or a non-zero return code → Failed, otherwise Success. A program killed by signal N has return code -N
 * (Python's convention, as SandboxFusion reports it).
 *
 * The program runs through the code sandbox's `runProgram` (src/verify/code/program.ts: C++ compiled with g++
 * and TypeScript transpiled in the sandbox as a separate step; `files` placed in the working folder). When
 * `fetch_files` are asked for, which `runProgram` cannot send back yet, a small bash driver runs inside one
 * sandbox instead: it places the files, compiles (g++) under `compile_timeout`, runs under `run_timeout` with
 * fd 3 (its report channel) closed for the program, and reports each step and the fetched files on fd 3.
 */
import { CodeRequestError } from "../../verify/code/errors.js";
import { runProgram, type ProgramResult, type ProgramStep } from "../../verify/code/program.js";
import { runSandboxed, type ResolvedLimits, type SandboxOutcome } from "../../verify/code/sandbox.js";
import { sandboxInfo } from "../../verify/code/sandbox-info.js";
import { toRunnableJs } from "../../verify/code/transpile.js";
import { badParam } from "../errors.js";

/** SandboxFusion language names this server runs. */
export const RUN_CODE_LANGUAGES = ["python", "nodejs", "typescript", "cpp", "bash"] as const;
/** One of `RUN_CODE_LANGUAGES`. */
export type RunCodeLanguage = (typeof RUN_CODE_LANGUAGES)[number];

/** SandboxFusion's `CommandRunResult`. */
export interface CommandRunResult {
  status: "Finished" | "Error" | "TimeLimitExceeded";
  execution_time: number | null;
  return_code: number | null;
  stdout: string | null;
  stderr: string | null;
}

/** SandboxFusion's `RunCodeResponse`. */
export interface RunCodeResponse {
  status: "Success" | "Failed" | "SandboxError";
  message: string;
  compile_result: CommandRunResult | null;
  run_result: CommandRunResult | null;
  executor_pod_name: string | null;
  files: Record<string, string>;
}

/** A validated `/run_code` request. */
export interface RunCodeRequest {
  code: string;
  language: RunCodeLanguage;
  stdin: string;
  runTimeoutS: number;
  compileTimeoutS: number;
  memoryMb: number;
  /** Relative path → base64 content. */
  files: [string, string][];
  fetchFiles: string[];
}

/** Server-side bounds of `/run_code` requests. */
export interface RunCodeBounds {
  /** Largest `run_timeout` and `compile_timeout`, seconds (default 60). */
  maxTimeoutS: number;
  /** Memory when `memory_limit_MB` is absent or -1, MiB (default 1024). */
  defaultMemoryMb: number;
  /** Largest `memory_limit_MB` (default 8192). */
  maxMemoryMb: number;
}

/** Default bounds. */
export const DEFAULT_RUN_CODE_BOUNDS: RunCodeBounds = { maxTimeoutS: 60, defaultMemoryMb: 1024, maxMemoryMb: 8192 };

const MAX_CODE_BYTES = 4 << 20;
const MAX_TS_CHARS = 256 << 10;
const MAX_FILES = 256;
const MAX_FETCH_FILE_BYTES = 1 << 20;
const OUTPUT_CAP = 1 << 20;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkPath(param: string, p: unknown): string {
  if (typeof p !== "string" || p === "") throw badParam(param, `${param} must be a non-empty relative path`);
  // eslint-disable-next-line no-control-regex
  if (p.length > 512 || /[\u0000-\u001f]/.test(p) || p.startsWith("/") || p.split("/").some((s) => s === ".." || s === "")) {
    throw badParam(param, `${param} ${JSON.stringify(p.slice(0, 100))} must be a relative path inside the working folder (no leading "/", no "..", no empty parts, no control characters)`);
  }
  return p;
}

function seconds(param: string, v: unknown, fallback: number, max: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw badParam(param, `${param} must be a positive number of seconds, got ${JSON.stringify(v)}`);
  if (v > max) throw badParam(param, `${param} must be at most ${max} seconds on this server (got ${v})`);
  return v;
}

/** Validate a `/run_code` body (400 naming the field on bad input). */
export function parseRunCodeBody(body: unknown, bounds: RunCodeBounds = DEFAULT_RUN_CODE_BOUNDS): RunCodeRequest {
  if (!isObject(body)) throw badParam("body", 'the body must be a JSON object {"code": ..., "language": ...}');
  const { code, language } = body;
  if (typeof code !== "string") throw badParam("code", `code must be a string (got ${code === undefined ? "nothing" : typeof code})`);
  if (Buffer.byteLength(code) > MAX_CODE_BYTES) throw badParam("code", `code is over ${MAX_CODE_BYTES} bytes`);
  // TypeScript is transpiled in the server's process, before the sandbox's limits apply: keep it small.
  if (language === "typescript" && code.length > MAX_TS_CHARS) throw badParam("code", `TypeScript code is over ${MAX_TS_CHARS} characters`);
  if (typeof language !== "string" || !(RUN_CODE_LANGUAGES as readonly string[]).includes(language)) {
    throw badParam("language", `language must be one of ${RUN_CODE_LANGUAGES.join(", ")} (got ${JSON.stringify(language)})`);
  }
  const stdin = body.stdin ?? "";
  if (typeof stdin !== "string") throw badParam("stdin", "stdin must be a string or null");
  const runTimeoutS = seconds("run_timeout", body.run_timeout, 10, bounds.maxTimeoutS);
  const compileTimeoutS = seconds("compile_timeout", body.compile_timeout, 10, bounds.maxTimeoutS);
  let memoryMb = bounds.defaultMemoryMb;
  const mem = body.memory_limit_MB;
  if (mem !== undefined && mem !== null && mem !== -1) {
    if (typeof mem !== "number" || !Number.isInteger(mem) || mem < 16 || mem > bounds.maxMemoryMb) {
      throw badParam("memory_limit_MB", `memory_limit_MB must be -1 (server default) or an integer from 16 to ${bounds.maxMemoryMb}, got ${JSON.stringify(mem)}`);
    }
    memoryMb = mem;
  }
  const files: [string, string][] = [];
  if (body.files !== undefined && body.files !== null) {
    if (!isObject(body.files)) throw badParam("files", "files must be an object mapping relative paths to base64 content");
    for (const [p, v] of Object.entries(body.files)) {
      if (v === null || v === undefined) continue;
      checkPath(`files[${JSON.stringify(p)}]`, p);
      if (typeof v !== "string" || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(v)) throw badParam(`files[${JSON.stringify(p)}]`, "file content must be a base64 string");
      files.push([p, v.replace(/\s+/g, "")]);
    }
    if (files.length > MAX_FILES) throw badParam("files", `at most ${MAX_FILES} files`);
  }
  const fetchFiles: string[] = [];
  if (body.fetch_files !== undefined && body.fetch_files !== null) {
    if (!Array.isArray(body.fetch_files)) throw badParam("fetch_files", "fetch_files must be a list of relative paths");
    body.fetch_files.forEach((p, i) => fetchFiles.push(checkPath(`fetch_files[${i}]`, p)));
    if (fetchFiles.length > MAX_FILES) throw badParam("fetch_files", `at most ${MAX_FILES} files`);
  }
  return { code, language: language as RunCodeLanguage, stdin, runTimeoutS, compileTimeoutS, memoryMb, files, fetchFiles };
}

/** The driver: places files, compiles, runs, fetches; reports on fd 3. Args: box, compile s, run s, language, python, node, heap MiB, fetch cap bytes. */
const DRIVER = String.raw`set -u
B=$1; CT=$2; RT=$3; L=$4; PY=$5; NODE=$6; HEAP=$7; MAXF=$8
rep() { printf '%s\n' "$*" >&3; }
place() { case "$1" in */*) mkdir -p -- "$(dirname -- "$1")" || return 1;; esac; base64 -d < "$2" > "$1"; }
i=0
while IFS= read -r p || [ -n "$p" ]; do
  place "$p" "$B/f$i" || { rep "E could not write file $p"; exit 0; }
  i=$((i+1))
done < "$B/manifest"
case "$L" in
  python) cp -- "$B/main.src" main.py; set -- "$PY" -s main.py;;
  nodejs|typescript) cp -- "$B/main.src" main.js; set -- "$NODE" "--max-old-space-size=$HEAP" main.js;;
  bash) cp -- "$B/main.src" main.sh; set -- /bin/bash main.sh;;
  cpp)
    cp -- "$B/main.src" main.cpp
    t0=$EPOCHREALTIME
    timeout -k 1 "$CT" g++ -std=c++17 -O2 -o main.out main.cpp -lm -lpthread </dev/null >.compile.out 2>.compile.err 3>&-
    rc=$?; t1=$EPOCHREALTIME
    rep "C $rc $t0 $t1"
    rep "CO $(head -c 1048576 .compile.out | base64 -w0)"
    rep "CE $(head -c 1048576 .compile.err | base64 -w0)"
    rm -f .compile.out .compile.err
    [ "$rc" -eq 0 ] || exit 0
    set -- ./main.out;;
esac
t0=$EPOCHREALTIME
timeout -k 1 "$RT" "$@" 3>&-
rc=$?; t1=$EPOCHREALTIME
rep "R $rc $t0 $t1"
while IFS= read -r p || [ -n "$p" ]; do
  if [ -f "$p" ]; then
    n=$(stat -c %s -- "$p")
    if [ "$n" -le "$MAXF" ]; then rep "F $(printf %s "$p" | base64 -w0) $(base64 -w0 < "$p")"; else rep "X $(printf %s "$p" | base64 -w0) $n"; fi
  fi
done < "$B/fetch"
`;

function sandboxResult(o: Pick<SandboxOutcome, "stdout" | "stderr">, status: CommandRunResult["status"], seconds: number | null, rc: number | null): CommandRunResult {
  return { status, execution_time: seconds, return_code: rc, stdout: o.stdout, stderr: o.stderr };
}

/** SandboxFusion's `parse_run_status`. */
export function runStatus(compile: CommandRunResult | null, run: CommandRunResult | null): { status: RunCodeResponse["status"]; message: string } {
  const steps = [compile, run].filter((s): s is CommandRunResult => s !== null);
  const err = steps.find((s) => s.status === "Error");
  if (err) return { status: "SandboxError", message: err.stderr ?? "" };
  if (steps.some((s) => s.status === "TimeLimitExceeded")) return { status: "Failed", message: "" };
  if (steps.some((s) => s.return_code !== null && s.return_code !== 0)) return { status: "Failed", message: "" };
  return { status: "Success", message: "" };
}

function response(compile: CommandRunResult | null, run: CommandRunResult | null, files: Record<string, string> = {}, note?: string): RunCodeResponse {
  const { status, message } = runStatus(compile, run);
  return {
    status,
    message: note ? (message ? `${message}\n${note}` : note) : message,
    compile_result: compile,
    run_result: run,
    executor_pod_name: process.env.MY_POD_NAME ?? null,
    files,
  };
}

function limitsFor(req: RunCodeRequest, wallS: number): ResolvedLimits {
  return {
    timeoutMs: Math.ceil(wallS * 1000),
    cpuSeconds: Math.ceil(Math.max(req.runTimeoutS, req.compileTimeoutS)) + 1,
    memoryMb: req.memoryMb,
    maxProcesses: 64,
    maxOutputBytes: OUTPUT_CAP,
    maxFileBytes: 64 << 20,
  };
}

function decode64(s: string | undefined): string {
  return s ? Buffer.from(s, "base64").toString("utf8") : "";
}

/** Parse the driver's report into the response. */
function fromDriver(o: SandboxOutcome, req: RunCodeRequest, limits: ResolvedLimits): RunCodeResponse {
  let compile: CommandRunResult | null = null;
  let run: CommandRunResult | null = null;
  const files: Record<string, string> = {};
  const notes: string[] = [];
  let cOut = "";
  let cErr = "";
  for (const line of o.channel.split("\n")) {
    const [tag, a, b, c] = line.split(" ");
    if (tag === "E") return response(null, { status: "Error", execution_time: null, return_code: null, stdout: null, stderr: line.slice(2) });
    if (tag === "C" || tag === "R") {
      const rc = Number(a);
      const secs = Math.max(0, Number(c) - Number(b));
      const limit = tag === "C" ? req.compileTimeoutS : req.runTimeoutS;
      const tle = rc === 124 || (rc === 137 && secs >= limit * 0.98);
      const code = rc > 128 && rc < 128 + 65 ? -(rc - 128) : rc;
      const r: CommandRunResult = tle
        ? { status: "TimeLimitExceeded", execution_time: secs, return_code: null, stdout: null, stderr: null }
        : { status: "Finished", execution_time: secs, return_code: code, stdout: null, stderr: null };
      if (tag === "C") compile = r;
      else run = r;
    } else if (tag === "CO") cOut = decode64(a);
    else if (tag === "CE") cErr = decode64(a);
    else if (tag === "F" && a !== undefined) files[decode64(a)] = b ?? "";
    else if (tag === "X" && a !== undefined) notes.push(`file ${decode64(a)} not fetched: ${b} bytes is over ${MAX_FETCH_FILE_BYTES}`);
  }
  if (compile) compile = { ...compile, stdout: cOut, stderr: cErr };
  if (run) run = { ...run, stdout: o.stdout, stderr: o.stderr };
  else if (!compile || compile.return_code === 0) {
    // No run report: the whole sandbox was stopped (output cap, wall clock, abort) or the driver died.
    const secs = o.durationMs / 1000;
    if (o.wallTimeout) run = sandboxResult(o, "TimeLimitExceeded", secs, null);
    else if (o.outputLimit) run = { ...sandboxResult(o, "Finished", secs, -9), stderr: `${o.stderr}\n[scratchpad] killed: output over ${limits.maxOutputBytes} bytes` };
    else run = sandboxResult(o, "Error", secs, null);
  }
  return response(compile, run, files, notes.join("\n") || undefined);
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGXCPU: 24, SIGXFSZ: 25 };

/** A `runProgram` step as SandboxFusion's `CommandRunResult`. */
export function commandResult(step: ProgramStep, limits: { maxOutputBytes: number }): CommandRunResult {
  const secs = step.durationMs / 1000;
  const rc = step.exitCode ?? (step.signal ? -(SIGNAL_NUMBERS[step.signal] ?? 9) : null);
  const base = { execution_time: secs, stdout: step.stdout, stderr: step.stderr };
  switch (step.status) {
    case "timeout":
      return { ...base, status: "TimeLimitExceeded", return_code: null };
    case "aborted":
      return { ...base, status: "Error", return_code: null, stderr: `${step.stderr}\n[scratchpad] aborted` };
    case "output_limit":
      return { ...base, status: "Finished", return_code: rc ?? -9, stderr: `${step.stderr}\n[scratchpad] killed: output over ${limits.maxOutputBytes} bytes` };
    case "memory":
      return { ...base, status: "Finished", return_code: rc ?? -9, stderr: `${step.stderr}\n[scratchpad] killed: memory limit reached` };
    default:
      return rc === null ? { ...base, status: "Error", return_code: null } : { ...base, status: "Finished", return_code: rc };
  }
}

/** Run a validated `/run_code` request with `runProgram` (no files to fetch back). */
async function runWithProgram(req: RunCodeRequest, signal?: AbortSignal): Promise<RunCodeResponse> {
  const files: Record<string, Uint8Array> = {};
  for (const [p, b64] of req.files) files[p] = Buffer.from(b64, "base64");
  const limits = { timeoutMs: Math.ceil(req.runTimeoutS * 1000), memoryMb: req.memoryMb, maxOutputBytes: OUTPUT_CAP };
  let r: ProgramResult;
  try {
    r = await runProgram({
      language: req.language,
      code: req.code,
      stdin: req.stdin,
      files,
      limits,
      compileTimeoutMs: Math.ceil(req.compileTimeoutS * 1000),
      signal,
    });
  } catch (e) {
    if (e instanceof CodeRequestError) throw badParam(e.field === "limits.memoryMb" ? "memory_limit_MB" : e.field, e.message);
    throw e;
  }
  return response(r.compile ? commandResult(r.compile, limits) : null, r.run ? commandResult(r.run, limits) : null);
}

/**
 * Run a validated `/run_code` request in the sandbox. Never throws for what the program does.
 * Without `fetch_files` it is `runProgram` (src/verify/code/program.ts); with them, the driver above, which
 * sends the files back.
 */
export async function runCodeRequest(req: RunCodeRequest, signal?: AbortSignal): Promise<RunCodeResponse> {
  if (req.fetchFiles.length === 0) return runWithProgram(req, signal);
  const info = sandboxInfo();
  let code = req.code;
  if (req.language === "typescript") {
    const t0 = performance.now();
    const t = await toRunnableJs(code, "typescript", "main.ts");
    const secs = (performance.now() - t0) / 1000;
    if (!t.ok) return response({ status: "Finished", execution_time: secs, return_code: 1, stdout: "", stderr: t.error }, null);
    code = t.js;
  }
  const heap = Math.max(32, Math.floor(req.memoryMb * 0.75));
  const files: Record<string, string> = {
    "driver.sh": DRIVER,
    "main.src": code,
    manifest: req.files.map(([p]) => p).join("\n") + (req.files.length ? "\n" : ""),
    fetch: req.fetchFiles.join("\n") + (req.fetchFiles.length ? "\n" : ""),
  };
  req.files.forEach(([, content], i) => (files[`f${i}`] = content));
  const wall = (req.language === "cpp" ? req.compileTimeoutS + 1 : 0) + req.runTimeoutS + 2;
  const limits = limitsFor(req, wall);
  const o = await runSandboxed({
    argv: (box) => ["/bin/bash", `${box}/driver.sh`, box, String(req.compileTimeoutS), String(req.runTimeoutS), req.language, info.python, info.node, String(heap), String(MAX_FETCH_FILE_BYTES)],
    files,
    stdin: req.stdin,
    channelInput: "",
    limits,
    signal,
  });
  return fromDriver(o, req, limits);
}
