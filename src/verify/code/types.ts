/**
 * Types of the code sandbox: what a caller asks `runCode` to run (`CodeRequest`) and what comes back
 * (`CodeResult`). Three test formats are supported:
 *
 * - `"assert"`: test code run after the program in the same namespace (HumanEval, MBPP). The tests pass
 *   when they run to the end without raising.
 * - `"calls"`: function-call cases `{fn, args, expected}`; `fn` is evaluated in the program's namespace,
 *   called with `args`, and the result compared with `expected` (deep equality; floats to 1e-9 relative,
 *   but a float meets an expected integer only when it is that integer or within rounding of it).
 * - `"io"`: stdin/stdout cases `{input, output}` (competitive programming); the program runs once per
 *   case and its stdout must equal `output` up to trailing whitespace on each line and trailing blank lines.
 */

/** Languages the sandbox runs. TypeScript is transpiled (types stripped) in-process, then run by Node. */
export type CodeLanguage = "python" | "javascript" | "typescript";

/** Every language `runCode` accepts, in a stable order (for validation messages and CLIs). */
export const CODE_LANGUAGES: readonly CodeLanguage[] = ["python", "javascript", "typescript"];

/** How the tests are given (see the file comment). */
export type CodeTestFormat = "assert" | "calls" | "io";

/** Every test format, in a stable order. */
export const CODE_TEST_FORMATS: readonly CodeTestFormat[] = ["assert", "calls", "io"];

/** One function-call case: `fn(...args)` must deep-equal `expected`. */
export interface CallCase {
  /** An expression naming the function in the program's namespace: `add`, `Solution().twoSum`, `new Solution().twoSum`. */
  fn: string;
  /** Positional arguments (JSON values). */
  args: unknown[];
  /** Expected return value (JSON value; Python tuples compare equal to lists). */
  expected: unknown;
}

/** One stdin/stdout case. */
export interface IoCase {
  /** What the program reads on stdin. */
  input: string;
  /** What it must print on stdout (compared up to trailing whitespace per line and trailing blank lines). */
  output: string;
}

/** Resource limits of one sandboxed run (each process start: one per request, or one per case for `io`). */
export interface CodeLimits {
  /** Wall-clock limit in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** CPU-time limit in seconds (default: the wall limit rounded up to whole seconds). */
  cpuSeconds?: number;
  /** Memory limit in MiB: RLIMIT_DATA (heap, anonymous mappings, thread stacks); default 1024. */
  memoryMb?: number;
  /** Processes and threads the program may have at once (RLIMIT_NPROC inside its namespace); default 64. */
  maxProcesses?: number;
  /** Cap on captured stdout and on captured stderr, each, in bytes; a program that prints more is stopped. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Largest file the program may write in its temporary folder, in bytes (RLIMIT_FSIZE); default 16 MiB. */
  maxFileBytes?: number;
}

/** What to run: a program and its tests. */
export interface CodeRequest {
  language: CodeLanguage;
  /** The program (for example the model's extracted code). */
  code: string;
  /**
   * The tests: test code (format `"assert"`), `CallCase[]` (format `"calls"`) or `IoCase[]` (format `"io"`).
   * Omitted or empty string: the program alone is run and must exit cleanly.
   */
  tests?: string | CallCase[] | IoCase[];
  /** The test format; inferred from `tests` when omitted (string → assert, `{fn}` items → calls, `{input}` items → io). */
  format?: CodeTestFormat;
  /** Resource limits; defaults in `DEFAULT_CODE_LIMITS`. */
  limits?: CodeLimits;
  /** For `"io"`: keep running the remaining cases after a failure (default false: stop at the first). For `"calls"` likewise. */
  runAllCases?: boolean;
  /** Aborts the run: every process is killed and the result is an `"error"` with message "aborted". */
  signal?: AbortSignal;
  /**
   * Python `assert` format: trusted code run in the TESTS' process before the tests (the problem's prompt, so
   * helpers the tests use, like HumanEval's `poly` or `encode_cyclic`, are the prompt's and not the
   * program's). Names in `programNames` are removed from it afterwards so that the tests reach the program's.
   */
  testSetup?: string;
  /**
   * Names the tests must take from the program even where a builtin (or `testSetup`) has the name: the entry
   * point (MBPP's `sum`). Every other builtin name in the tests is the builtin, whatever the program defines.
   */
  programNames?: string[];
}

/**
 * The outcome of a run.
 * - `passed`: every test ran and passed.
 * - `failed`: a test ran and did not pass (`failedTest`, `message` say which and why).
 * - `timeout`: the wall-clock or CPU-time limit was reached.
 * - `memory`: the memory limit was reached.
 * - `error`: the program could not run to the tests (syntax error, exception outside the tests, exit before
 *   the tests finished, output limit, invalid request, ...).
 */
export type CodeStatus = "passed" | "failed" | "timeout" | "memory" | "error";

/** What `runCode` returns. It never throws for anything a program does; only for a malformed request. */
export interface CodeResult {
  /** `status === "passed"`. */
  correct: boolean;
  status: CodeStatus;
  /** The failing test: the source line of a failing assert, `fn(args)` of a call case, or `case N` of an io case. */
  failedTest?: string;
  /** 0-based index of the failing case (`calls`, `io`). */
  failedTestIndex?: number;
  /** Why: the assertion message, the exception, "expected X, got Y", "wall-clock limit of 10000 ms reached", ... */
  message?: string;
  /** Cases that passed (`calls`, `io`: of `testsTotal`; `assert`: 1 or 0 of 1). */
  testsPassed: number;
  /** Number of cases (`assert`: 1). */
  testsTotal: number;
  /** The program's stdout (capped at `maxOutputBytes`; for `io`, the last case run). */
  stdout: string;
  /** The program's stderr (capped at `maxOutputBytes`). */
  stderr: string;
  /** Whether stdout or stderr was cut at the cap. */
  truncated: boolean;
  /** Wall-clock time of the whole request in milliseconds. */
  durationMs: number;
  /** The isolation used: `"bwrap"` (namespaces + rlimits) or `"rlimits"` (rlimits + process groups only). */
  sandbox: SandboxKind;
}

/** The isolation a run used (see `sandboxInfo()`). */
export type SandboxKind = "bwrap" | "rlimits";

/** Defaults applied to every missing field of `CodeLimits`. */
export const DEFAULT_CODE_LIMITS: Readonly<Required<Omit<CodeLimits, "cpuSeconds">>> = Object.freeze({
  timeoutMs: 10_000,
  memoryMb: 1024,
  maxProcesses: 64,
  maxOutputBytes: 1 << 20,
  maxFileBytes: 16 << 20,
});
