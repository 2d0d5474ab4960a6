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
 * The program runs through the code sandbox's `runProgram` (src/verify/code/program.ts): C++ compiled with g++
 * and TypeScript transpiled in the sandbox as a separate step, `files` placed in the working folder, and
 * `fetch_files` sent back after the run over a descriptor the program does not hold.
 */
import { CodeRequestError } from "../../verify/code/errors.js";
import { runProgram, type ProgramResult, type ProgramStep } from "../../verify/code/program.js";
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
const MAX_FETCH_FILES = 64;
const MAX_FILES = 256;
const OUTPUT_CAP = 1 << 20;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkPath(param: string, p: unknown): string {
  if (typeof p !== "string" || p === "") throw badParam(param, `${param} must be a non-empty relative path`);
  // eslint-disable-next-line no-control-regex
  if (p.length > 512 || /[\u0000-\u001f]/.test(p) || p.startsWith("/") || p.split("/").some((s) => s === ".." || s === "")) {
    throw badParam(
      param,
      `${param} ${JSON.stringify(p.slice(0, 100))} must be a relative path inside the working folder (no leading "/", no "..", no empty parts, no control characters)`,
    );
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
      throw badParam(
        "memory_limit_MB",
        `memory_limit_MB must be -1 (server default) or an integer from 16 to ${bounds.maxMemoryMb}, got ${JSON.stringify(mem)}`,
      );
    }
    memoryMb = mem;
  }
  const files: [string, string][] = [];
  if (body.files !== undefined && body.files !== null) {
    if (!isObject(body.files)) throw badParam("files", "files must be an object mapping relative paths to base64 content");
    // Where each file lands ("./a" and "a" are one place): two files in one place, or a file where another
    // needs a folder ("a" and "a/b"), cannot both be placed (they were a 500 from the file system).
    const placed = new Map<string, string>();
    for (const [p, v] of Object.entries(body.files)) {
      if (v === null || v === undefined) continue;
      const param = `files[${JSON.stringify(p)}]`;
      checkPath(param, p);
      const where = p
        .split("/")
        .filter((s) => s !== ".")
        .join("/");
      if (where === "") throw badParam(param, `${param} names the working folder itself, not a file in it`);
      if (typeof v !== "string" || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(v)) throw badParam(param, "file content must be a base64 string");
      for (const [other, otherP] of placed) {
        if (other === where || other.startsWith(`${where}/`) || where.startsWith(`${other}/`)) {
          throw badParam(param, `${param} and files[${JSON.stringify(otherP)}] cannot both be placed: the same file, or a file where the other needs a folder`);
        }
      }
      placed.set(where, p);
      files.push([where, v.replace(/\s+/g, "")]);
    }
    if (files.length > MAX_FILES) throw badParam("files", `at most ${MAX_FILES} files`);
  }
  const fetchFiles: string[] = [];
  if (body.fetch_files !== undefined && body.fetch_files !== null) {
    if (!Array.isArray(body.fetch_files)) throw badParam("fetch_files", "fetch_files must be a list of relative paths");
    body.fetch_files.forEach((p, i) => fetchFiles.push(checkPath(`fetch_files[${i}]`, p)));
    if (fetchFiles.length > MAX_FETCH_FILES) throw badParam("fetch_files", `at most ${MAX_FETCH_FILES} files`);
  }
  return { code, language: language as RunCodeLanguage, stdin, runTimeoutS, compileTimeoutS, memoryMb, files, fetchFiles };
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

function response(compile: CommandRunResult | null, run: CommandRunResult | null, files: Record<string, string> = {}): RunCodeResponse {
  const { status, message } = runStatus(compile, run);
  return {
    status,
    message,
    compile_result: compile,
    run_result: run,
    executor_pod_name: process.env.MY_POD_NAME ?? null,
    files,
  };
}

const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGXCPU: 24,
  SIGXFSZ: 25,
};

/** A `runProgram` step as SandboxFusion's `CommandRunResult`. */
export function commandResult(step: ProgramStep, limits: { maxOutputBytes: number }): CommandRunResult {
  const secs = step.durationMs / 1000;
  const rc = step.exitCode ?? (step.signal ? -(SIGNAL_NUMBERS[step.signal] ?? 9) : null);
  // Fields in SandboxFusion's order: status, execution_time, return_code, stdout, stderr.
  const result = (status: CommandRunResult["status"], returnCode: number | null, note?: string): CommandRunResult => ({
    status,
    execution_time: secs,
    return_code: returnCode,
    stdout: step.stdout,
    stderr: note ? `${step.stderr}\n[scratchpad] ${note}` : step.stderr,
  });
  switch (step.status) {
    case "timeout":
      return result("TimeLimitExceeded", null);
    case "aborted":
      return result("Error", null, "aborted");
    case "output_limit":
      return result("Finished", rc ?? -9, `killed: output over ${limits.maxOutputBytes} bytes`);
    case "memory":
      return result("Finished", rc ?? -9, "killed: memory limit reached");
    default:
      return result(rc === null ? "Error" : "Finished", rc);
  }
}

/** Run a validated `/run_code` request in the sandbox (`runProgram`). Never throws for what the program does. */
export async function runCodeRequest(req: RunCodeRequest, signal?: AbortSignal): Promise<RunCodeResponse> {
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
      fetchFiles: req.fetchFiles.length > 0 ? req.fetchFiles : undefined,
      limits,
      compileTimeoutMs: Math.ceil(req.compileTimeoutS * 1000),
      signal,
    });
  } catch (e) {
    if (e instanceof CodeRequestError) throw badParam(fieldName(e.field), e.message);
    throw e;
  }
  const fetched: Record<string, string> = {};
  for (const [p, bytes] of Object.entries(r.files ?? {})) fetched[p] = bytes.toString("base64");
  return response(r.compile ? commandResult(r.compile, limits) : null, r.run ? commandResult(r.run, limits) : null, fetched);
}

/** The request field (SandboxFusion's name) behind a `runProgram` field. */
function fieldName(field: string): string {
  if (field === "limits.memoryMb") return "memory_limit_MB";
  if (field === "limits.timeoutMs") return "run_timeout";
  if (field === "compileTimeoutMs") return "compile_timeout";
  if (field.startsWith("fetchFiles")) return "fetch_files" + field.slice("fetchFiles".length);
  return field;
}
