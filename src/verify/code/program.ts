/**
 * `runProgram`: run one program with a given stdin and files under the sandbox's limits, and report what it
 * did: exit status, stdout, stderr, time; for compiled languages (C++ with g++, TypeScript transpiled with
 * sucrase) the compile step is a separate sandboxed run with its own result, so a compile error is never
 * confused with a run error. No tests, no verdict: the caller judges the output (the reward server's
 * SandboxFusion-compatible `/run_code` does).
 *
 * Languages: `python` (python3), `javascript` (alias `nodejs`; Node, ES module syntax transpiled), `typescript`
 * (transpiled in the sandbox, then Node), `cpp` (g++ -std=c++17 -O2 in the sandbox, then the binary), `bash`.
 */
import { startSandboxed, type FileContent, type ResolvedLimits, type SandboxOutcome } from "./sandbox.js";
import { sandboxInfo } from "./sandbox-info.js";
import { COMPILE_SCRIPT } from "./transpile-in-sandbox.js";
import { CodeRequestError } from "./errors.js";
import { resolveCodeLimits } from "./validate.js";
import type { CodeLimits, SandboxKind } from "./types.js";

/** Languages `runProgram` runs. */
export type ProgramLanguage = "python" | "javascript" | "typescript" | "cpp" | "bash";

/** Every language `runProgram` accepts (plus the alias `nodejs` for `javascript`). */
export const PROGRAM_LANGUAGES: readonly ProgramLanguage[] = ["python", "javascript", "typescript", "cpp", "bash"];

/** What to run. */
export interface ProgramRequest {
  /** The language; `nodejs` is accepted for `javascript`. */
  language: ProgramLanguage | "nodejs";
  /** The program's source. */
  code: string;
  /** What the program reads on stdin (default: nothing). */
  stdin?: string;
  /** Files (relative path → content) placed in the program's working directory before it starts; they count against its tmpfs. */
  files?: Record<string, FileContent>;
  /** Limits of the run (`timeoutMs` is the run's wall clock); defaults in `DEFAULT_CODE_LIMITS`. */
  limits?: CodeLimits;
  /**
   * Files (relative paths in the working directory) to send back after the run, in `ProgramResult.files`
   * (SandboxFusion's `fetch_files`); a file that does not exist is left out. At most 64 names.
   */
  fetchFiles?: string[];
  /** Wall-clock limit of the compile step in ms (C++, TypeScript); default 30 000. */
  compileTimeoutMs?: number;
  /** Aborts the run; every process is killed. */
  signal?: AbortSignal;
}

/**
 * How one step ended.
 * - `finished`: the process exited by itself (any exit status) or was killed by a signal of its own doing.
 * - `timeout`: the wall-clock or CPU-time limit was reached.
 * - `memory`: the run's memory limit was reached (the kernel killed it; needs per-run control groups, else a
 *   program out of memory just exits non-zero: `finished`).
 * - `output_limit`: it printed more than `maxOutputBytes` on stdout or stderr and was stopped.
 * - `aborted`: the caller's signal aborted it.
 */
export type ProgramRunStatus = "finished" | "timeout" | "memory" | "output_limit" | "aborted";

/** One sandboxed step (compile or run). */
export interface ProgramStep {
  status: ProgramRunStatus;
  /** Exit status, when the process exited. */
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Whether stdout or stderr was cut at the cap. */
  truncated: boolean;
  durationMs: number;
}

/** What `runProgram` returns. */
export interface ProgramResult {
  /** The compile step (C++, TypeScript, JavaScript with `import`/`export`); absent for the others. */
  compile?: ProgramStep;
  /** The run; absent when the compile step did not succeed. */
  run?: ProgramStep;
  /** `compile` succeeded (or there was none) and the run finished with exit status 0. */
  ok: boolean;
  /** The `fetchFiles` that existed after the run (name → bytes); present when `fetchFiles` was given and the run ended by itself. */
  files?: Record<string, Buffer>;
  sandbox: SandboxKind;
}

/**
 * Preloaded into every Node program (`node -r`): stdout and stderr written synchronously, as Python's are, so
 * a program that prints without end meets the output limit (the parent stops it) instead of queueing the
 * output in its own memory until it dies of that. A program that undoes it only changes how it fails.
 */
export const NODE_STDIO_PRELOAD = String.raw`"use strict";
for (const s of [process.stdout, process.stderr]) {
  if (s && s._handle && typeof s._handle.setBlocking === "function") s._handle.setBlocking(true);
}
`;

/** The Node command line of a program file in the box (with the stdio preload, which must be in the box). */
export function nodeArgv(node: string, memoryMb: number, box: string, file: string): string[] {
  const heap = Math.max(32, Math.floor(memoryMb * 0.75));
  return [node, `--max-old-space-size=${heap}`, "-r", `${box}/sp-stdio.cjs`, `${box}/${file}`];
}

/** `sh -c` script: run the program (after the N fetch names), then send each existing fetched file on fd 3. */
const FETCH_WRAPPER = [
  'n=$1; shift; names=""; i=0',
  'while [ "$i" -lt "$n" ]; do names="$names$(printf "%s" "$1" | base64 -w0) "; shift; i=$((i+1)); done',
  '"$@" 3>&-; rc=$?',
  'for e in $names; do f=$(printf "%s" "$e" | base64 -d); if [ -f "$f" ]; then printf "%s\\n" "$f" >&3; base64 -w0 -- "$f" >&3; printf "\\n" >&3; fi; done',
  "exit $rc",
].join("\n");

function stepOf(o: SandboxOutcome): ProgramStep {
  let status: ProgramRunStatus = "finished";
  if (o.aborted) status = "aborted";
  else if (o.wallTimeout) status = "timeout";
  else if (o.outputLimit) status = "output_limit";
  else if (o.memoryKilled) status = "memory";
  else if (o.signal === "SIGXCPU" || o.signal === "SIGKILL") status = "timeout";
  return {
    status,
    exitCode: o.exitCode,
    signal: o.signal,
    stdout: o.stdout,
    stderr: o.stderr,
    truncated: o.truncated,
    durationMs: o.durationMs,
  };
}

function normaliseLanguage(l: unknown): ProgramLanguage {
  if (l === "nodejs" || l === "node" || l === "js") return "javascript";
  if (l === "ts") return "typescript";
  if (l === "c++" || l === "cpp") return "cpp";
  if (l === "sh") return "bash";
  if (typeof l === "string" && (PROGRAM_LANGUAGES as readonly string[]).includes(l)) return l as ProgramLanguage;
  throw new CodeRequestError("language", `must be one of ${PROGRAM_LANGUAGES.join(", ")} (or nodejs), got ${JSON.stringify(l)}`);
}

function usesModuleSyntax(source: string): boolean {
  return /^\s*(import\s*[\w{*"']|export\s)/m.test(source);
}

/**
 * Run one program in the sandbox with `stdin` and `files` under `limits`; C++ and TypeScript are compiled
 * first, in the sandbox, as a separate step. Throws `CodeRequestError` (naming the field) for a malformed
 * request and `SandboxUnavailableError` when a required sandbox is missing; never for anything the program does.
 *
 * @example
 * const r = await runProgram({ language: "cpp", code: "#include <cstdio>\nint main(){int a,b;scanf(\"%d %d\",&a,&b);printf(\"%d\\n\",a+b);}", stdin: "2 3" });
 * r.run?.stdout; // "5\n"
 */
export async function runProgram(request: ProgramRequest): Promise<ProgramResult> {
  if (typeof request !== "object" || request === null) throw new CodeRequestError("request", "must be an object {language, code}");
  const language = normaliseLanguage(request.language);
  if (typeof request.code !== "string") throw new CodeRequestError("code", "must be a string");
  if (request.stdin !== undefined && typeof request.stdin !== "string") throw new CodeRequestError("stdin", "must be a string");
  const files = request.files ?? {};
  if (typeof files !== "object" || files === null || Array.isArray(files)) {
    throw new CodeRequestError("files", "must be an object {relative path: content}");
  }
  for (const [name, content] of Object.entries(files)) {
    if (typeof content !== "string" && !(content instanceof Uint8Array)) {
      throw new CodeRequestError(`files.${name}`, "must be a string or bytes (Uint8Array)");
    }
    if (!name || name.includes("\0") || name.startsWith("/") || name.split("/").includes("..")) {
      throw new CodeRequestError(`files.${name}`, 'must be a relative path inside the working directory (no "..", not absolute)');
    }
  }
  const fetch = request.fetchFiles ?? [];
  if (!Array.isArray(fetch) || fetch.length > 64 || fetch.some((f) => typeof f !== "string")) {
    throw new CodeRequestError("fetchFiles", "must be an array of at most 64 relative file names");
  }
  for (const f of fetch) {
    if (!f || f.includes("\0") || f.includes("\n") || f.startsWith("/") || f.split("/").includes("..")) {
      throw new CodeRequestError(`fetchFiles.${f}`, 'must be a relative path inside the working directory (no "..", not absolute)');
    }
  }
  const limits = resolveCodeLimits(request.limits);
  const compileTimeoutMs = request.compileTimeoutMs ?? 30_000;
  if (typeof compileTimeoutMs !== "number" || !Number.isFinite(compileTimeoutMs) || compileTimeoutMs < 1 || compileTimeoutMs > 3_600_000) {
    throw new CodeRequestError("compileTimeoutMs", `must be a number from 1 to 3600000, got ${JSON.stringify(request.compileTimeoutMs)}`);
  }
  const info = sandboxInfo();
  const compileLimits: ResolvedLimits = {
    ...limits,
    timeoutMs: Math.round(compileTimeoutMs),
    cpuSeconds: Math.ceil(compileTimeoutMs / 1000),
    memoryMb: Math.max(limits.memoryMb, 2048),
    maxFileBytes: Math.max(limits.maxFileBytes, 64 << 20),
  };
  let compile: ProgramStep | undefined;
  let runFiles: Record<string, FileContent>;
  let argv: (box: string) => string[];
  if (language === "cpp" || language === "typescript" || (language === "javascript" && usesModuleSyntax(request.code))) {
    let compileArgv: (box: string) => string[];
    let srcName: string;
    if (language === "cpp") {
      if (!info.gxx) throw new CodeRequestError("language", "cpp needs g++, which is not installed (apt-get install g++)");
      srcName = "main.cpp";
      compileArgv = (box) => [info.gxx!, "-std=c++17", "-O2", "-pipe", "-o", "{out}/main", `${box}/main.cpp`];
    } else {
      srcName = language === "typescript" ? "main.ts" : "main.mjs";
      compileArgv = (box) => [info.node, `${box}/compile.cjs`, `${box}/${srcName}`, language, "{out}/main.js"];
    }
    const boxFiles: Record<string, FileContent> = { [srcName]: request.code };
    if (language !== "cpp") boxFiles["compile.cjs"] = COMPILE_SCRIPT;
    const c = await startSandboxed({ argv: compileArgv, files: boxFiles, outDir: true, limits: compileLimits, signal: request.signal }).done;
    compile = stepOf(c);
    const built = c.outFiles?.[language === "cpp" ? "main" : "main.js"];
    if (compile.status !== "finished" || compile.exitCode !== 0 || !built) {
      return { compile, ok: false, sandbox: c.sandbox };
    }
    if (language === "cpp") {
      runFiles = { main: built };
      argv = (box) => [`${box}/main`];
    } else {
      runFiles = { "main.js": built, "sp-stdio.cjs": NODE_STDIO_PRELOAD };
      argv = (box) => nodeArgv(info.node, limits.memoryMb, box, "main.js");
    }
  } else if (language === "python") {
    runFiles = { "main.py": request.code };
    argv = (box) => [info.python, "-s", `${box}/main.py`];
  } else if (language === "bash") {
    if (!info.bash) throw new CodeRequestError("language", "bash is not installed");
    runFiles = { "main.sh": request.code };
    argv = (box) => [info.bash!, `${box}/main.sh`];
  } else {
    runFiles = { "main.js": request.code, "sp-stdio.cjs": NODE_STDIO_PRELOAD };
    argv = (box) => nodeArgv(info.node, limits.memoryMb, box, "main.js");
  }
  // With fetchFiles, a shell around the program sends the files back on fd 3 once it has ended (base64, one
  // "name\ncontent\n" pair per file) and exits with the program's status.
  const runArgv = fetch.length === 0 ? argv : (box: string) => ["/bin/sh", "-c", FETCH_WRAPPER, "sh", String(fetch.length), ...fetch, ...argv(box)];
  const started = startSandboxed({
    argv: runArgv,
    files: runFiles,
    workFiles: files,
    stdin: request.stdin ?? "",
    limits,
    signal: request.signal,
    channel: fetch.length > 0,
  });
  const sent: Buffer[] = [];
  let sentBytes = 0;
  started.channel?.on("data", (b: Buffer) => {
    sentBytes += b.length;
    if (sentBytes <= 4 * limits.maxFileBytes * fetch.length + 65536) sent.push(b);
  });
  started.channel?.on("error", () => undefined);
  const o = await started.done;
  const run = stepOf(o);
  const result: ProgramResult = { run, ok: run.status === "finished" && run.exitCode === 0, sandbox: o.sandbox };
  if (compile) result.compile = compile;
  if (fetch.length > 0 && run.status === "finished") {
    const lines = Buffer.concat(sent).toString("utf8").split("\n");
    result.files = {};
    for (let i = 0; i + 1 < lines.length; i += 2) {
      if (fetch.includes(lines[i])) result.files[lines[i]] = Buffer.from(lines[i + 1], "base64");
    }
  }
  return result;
}
