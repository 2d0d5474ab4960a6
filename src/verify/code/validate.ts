/**
 * Checking a `CodeRequest` and filling in its defaults, with errors that name the field and the fix.
 */
import { CodeRequestError } from "./errors.js";
import type { ResolvedLimits } from "./sandbox.js";
import {
  CODE_LANGUAGES,
  CODE_TEST_FORMATS,
  DEFAULT_CODE_LIMITS,
  type CallCase,
  type CodeLanguage,
  type CodeLimits,
  type CodeRequest,
  type CodeTestFormat,
  type IoCase,
} from "./types.js";

/** A request after validation: format decided, tests split by kind, limits resolved. */
export interface ValidRequest {
  language: CodeLanguage;
  code: string;
  format: CodeTestFormat;
  /** Test code (`assert`); "" otherwise. */
  tests: string;
  cases: CallCase[];
  ioCases: IoCase[];
  /** Number of cases (1 for `assert`). */
  total: number;
  limits: ResolvedLimits;
  runAllCases: boolean;
  signal?: AbortSignal;
  testSetup?: string;
  programNames?: string[];
}

const LIMIT_RANGES: Record<keyof CodeLimits, [number, number]> = {
  timeoutMs: [1, 3_600_000],
  cpuSeconds: [1, 3_600],
  memoryMb: [16, 1 << 20],
  maxProcesses: [1, 1 << 16],
  maxOutputBytes: [1, 2 ** 30],
  maxFileBytes: [0, 2 ** 40],
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Resolve limits, rejecting unknown keys and out-of-range values. */
export function resolveCodeLimits(limits: CodeLimits | undefined): ResolvedLimits {
  const lim: CodeLimits = limits ?? {};
  if (limits !== undefined && !isObject(limits)) throw new CodeRequestError("limits", "must be an object");
  const given = limits ?? {};
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const range = LIMIT_RANGES[key as keyof CodeLimits];
    if (!range) {
      throw new CodeRequestError(`limits.${key}`, `unknown limit; known limits are ${Object.keys(LIMIT_RANGES).join(", ")}`);
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value < range[0] || value > range[1]) {
      throw new CodeRequestError(`limits.${key}`, `must be a number from ${range[0]} to ${range[1]}, got ${JSON.stringify(value)}`);
    }
  }
  const d = DEFAULT_CODE_LIMITS;
  const timeoutMs = Math.round(lim.timeoutMs ?? d.timeoutMs);
  const cpu: number = lim.cpuSeconds ?? timeoutMs / 1000;
  return {
    timeoutMs,
    cpuSeconds: Math.ceil(cpu),
    memoryMb: Math.round(lim.memoryMb ?? d.memoryMb),
    maxProcesses: Math.round(lim.maxProcesses ?? d.maxProcesses),
    maxOutputBytes: Math.round(lim.maxOutputBytes ?? d.maxOutputBytes),
    maxFileBytes: Math.round(lim.maxFileBytes ?? d.maxFileBytes),
  };
}

function inferFormat(tests: unknown): CodeTestFormat {
  if (tests === undefined || typeof tests === "string") return "assert";
  if (Array.isArray(tests)) {
    const firstCase = tests[0] as unknown;
    if (isObject(firstCase) && "fn" in firstCase) return "calls";
    if (isObject(firstCase) && "input" in firstCase) return "io";
    if (tests.length === 0) {
      throw new CodeRequestError("format", 'cannot infer the test format from an empty case list; pass format: "calls" or "io"');
    }
  }
  throw new CodeRequestError("tests", "must be test code (a string), function-call cases [{fn, args, expected}] or stdin/stdout cases [{input, output}]");
}

function checkCallCases(tests: unknown[]): CallCase[] {
  return tests.map((c, i) => {
    if (!isObject(c) || typeof c.fn !== "string" || !c.fn.trim()) {
      throw new CodeRequestError(`tests[${i}]`, "a call case needs fn (a non-empty string), args (an array) and expected");
    }
    if (!Array.isArray(c.args)) throw new CodeRequestError(`tests[${i}].args`, "must be an array of arguments");
    if (!("expected" in c)) throw new CodeRequestError(`tests[${i}].expected`, "is missing (use null for no value)");
    return { fn: c.fn, args: c.args, expected: c.expected };
  });
}

function checkIoCases(tests: unknown[]): IoCase[] {
  return tests.map((c, i) => {
    if (!isObject(c) || typeof c.input !== "string" || typeof c.output !== "string") {
      throw new CodeRequestError(`tests[${i}]`, "an io case needs input and output, both strings");
    }
    return { input: c.input, output: c.output };
  });
}

/** Validate a request (throws `CodeRequestError` naming the field) and fill in its defaults. */
export function validateCodeRequest(req: CodeRequest): ValidRequest {
  if (!isObject(req)) throw new CodeRequestError("request", "must be an object {language, code, tests}");
  if (!CODE_LANGUAGES.includes(req.language)) {
    throw new CodeRequestError("language", `must be one of ${CODE_LANGUAGES.join(", ")}, got ${JSON.stringify(req.language)}`);
  }
  if (typeof req.code !== "string") throw new CodeRequestError("code", "must be a string");
  if (req.format !== undefined && !CODE_TEST_FORMATS.includes(req.format)) {
    throw new CodeRequestError("format", `must be one of ${CODE_TEST_FORMATS.join(", ")}, got ${JSON.stringify(req.format)}`);
  }
  const format = req.format ?? inferFormat(req.tests);
  const limits = resolveCodeLimits(req.limits);
  if (req.testSetup !== undefined && typeof req.testSetup !== "string") throw new CodeRequestError("testSetup", "must be a string of code");
  if (req.programNames !== undefined && (!Array.isArray(req.programNames) || req.programNames.some((n) => typeof n !== "string"))) {
    throw new CodeRequestError("programNames", "must be an array of names");
  }
  const base = {
    language: req.language,
    code: req.code,
    format,
    limits,
    runAllCases: Boolean(req.runAllCases),
    signal: req.signal,
    testSetup: req.testSetup,
    programNames: req.programNames,
  };
  if (format === "assert") {
    if (req.tests !== undefined && typeof req.tests !== "string") {
      throw new CodeRequestError("tests", 'format "assert" needs test code as a string');
    }
    return { ...base, tests: req.tests ?? "", cases: [], ioCases: [], total: 1 };
  }
  if (!Array.isArray(req.tests)) throw new CodeRequestError("tests", `format "${format}" needs an array of cases`);
  if (format === "calls") {
    const cases = checkCallCases(req.tests);
    return { ...base, tests: "", cases, ioCases: [], total: cases.length };
  }
  const ioCases = checkIoCases(req.tests);
  return { ...base, tests: "", cases: [], ioCases, total: ioCases.length };
}
