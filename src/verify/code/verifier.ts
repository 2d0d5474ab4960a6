/**
 * `codeVerifier`: the `Verifier` for code problems. It extracts the program from a model response
 * (extract.ts), runs it with the problem's tests through a `CodePool`, and turns the `CodeResult` into a
 * `Verdict`. It never throws: a malformed problem or a sandbox failure becomes a verdict with a reason.
 *
 * A code `Problem` carries its tests as follows (see `CodeProblemMeta`):
 * - `answer`: the test code for the `assert` format (HumanEval: `test + "\ncheck(entry_point)\n"`; MBPP:
 *   the `assert` lines joined by newlines). For `calls` / `io`, `meta.cases` holds the cases (or `answer`
 *   holds them as a JSON array).
 * - `meta.language` (default `"python"`), `meta.testFormat` (default `"assert"`), `meta.entryPoint`,
 *   `meta.codePrefix` (prepended when the extracted code does not define the entry point, e.g. the
 *   HumanEval prompt for body-only completions), `meta.limits`.
 */
import type { Problem, Verdict, Verifier } from "../../types.js";
import { definesName, extractCode } from "./extract.js";
import { CodePool, defaultCodePool } from "./pool.js";
import { CODE_LANGUAGES, type CallCase, type CodeLanguage, type CodeLimits, type CodeRequest, type CodeTestFormat, type IoCase } from "./types.js";

/** The `Problem.meta` fields `codeVerifier` reads. */
export interface CodeProblemMeta {
  language?: CodeLanguage;
  testFormat?: CodeTestFormat;
  cases?: CallCase[] | IoCase[];
  entryPoint?: string;
  codePrefix?: string;
  limits?: CodeLimits;
  /** Pass the extracted code through unchanged even when it lacks the entry point (default false). */
  noPrefix?: boolean;
}

/** Options of `createCodeVerifier`. */
export interface CodeVerifierOptions {
  /** Pool the programs run in (default: the shared `defaultCodePool()`). */
  pool?: CodePool;
  /** Limits for problems that do not set `meta.limits` (default: `DEFAULT_CODE_LIMITS` with a 10 s timeout). */
  limits?: CodeLimits;
  /** Closing tag of the reasoning block, stripped before extraction (default `</think>`). */
  thinkCloseTag?: string;
}

function problemRequest(code: string, problem: Problem, meta: CodeProblemMeta, language: CodeLanguage, limits?: CodeLimits): CodeRequest {
  const format = meta.testFormat ?? (meta.cases ? undefined : "assert");
  let tests: CodeRequest["tests"] = meta.cases;
  if (tests === undefined) {
    if (format === "assert" || format === undefined) tests = problem.answer;
    else tests = JSON.parse(problem.answer) as CallCase[] | IoCase[];
  }
  const req: CodeRequest = { language, code, tests };
  if (format) req.format = format;
  // Function-call cases run in one process: run them all, so the score is the fraction passed.
  if (format === "calls" || (format === undefined && Array.isArray(tests) && tests.length > 0 && "fn" in tests[0])) req.runAllCases = true;
  const l = meta.limits ?? limits;
  if (l) req.limits = l;
  // The prompt's helpers (HumanEval's poly, encode_cyclic, ...) are the tests' own: the program cannot redefine them.
  // The entry point is the program's even where it shadows a builtin (MBPP's `sum`); every other builtin name
  // in the tests stays the builtin.
  if (meta.entryPoint) req.programNames = [meta.entryPoint];
  if (language === "python" && req.format !== "calls" && meta.codePrefix && meta.entryPoint && !meta.noPrefix) {
    req.testSetup = meta.codePrefix;
  }
  return req;
}

/**
 * The program to run, given the extracted code and the problem's prefix (the prompt).
 * - The code does not define the entry point (a body-only completion): prefix + code.
 * - It does, in Python, and the prefix is a complete stub (ends with its docstring, as HumanEval prompts do):
 *   prefix + code, so the prompt's imports and helper functions exist and the code's definition wins.
 * - It does, otherwise: the prefix's import lines (those the code lacks) + code.
 */
export function withPrefix(code: string, prefix: string, entryPoint: string | undefined, language: CodeLanguage): string {
  if (entryPoint && !definesName(code, entryPoint, language)) return prefix + code;
  if (language === "python" && /("""|''')\s*$/.test(prefix)) return `${prefix}\n\n${code}`;
  const importLine = language === "python" ? /^(import\s|from\s+\S+\s+import\s)/ : /^(import\s|const\s+\w+\s*=\s*require\()/;
  const imports = prefix.split("\n").filter((l) => importLine.test(l) && !code.includes(l.trim()));
  return imports.length > 0 ? `${imports.join("\n")}\n${code}` : code;
}

/** Build a code `Verifier` with its own pool, limits or think tag. */
export function createCodeVerifier(opts: CodeVerifierOptions = {}): Verifier {
  return {
    name: "code",
    async verify(response: string, problem: Problem): Promise<Verdict> {
      try {
        const meta = (problem.meta ?? {}) as CodeProblemMeta;
        const language = meta.language ?? "python";
        if (!CODE_LANGUAGES.includes(language)) {
          return {
            correct: false,
            status: "invalid",
            score: 0,
            reason: `problem.meta.language ${JSON.stringify(language)} is not one of ${CODE_LANGUAGES.join(", ")}`,
          };
        }
        let code = extractCode(response, language, { entryPoint: meta.entryPoint, thinkCloseTag: opts.thinkCloseTag });
        if (code === undefined) return { correct: false, status: "no_answer", score: 0, reason: "no code found in the response" };
        const extracted = code;
        if (meta.codePrefix && !meta.noPrefix) code = withPrefix(code, meta.codePrefix, meta.entryPoint, language);
        const request = problemRequest(code, problem, meta, language, opts.limits);
        // No tests would run the program alone and pay for any program that exits 0: a reward needs tests.
        if (request.tests === undefined || (typeof request.tests === "string" ? request.tests.trim() === "" : request.tests.length === 0)) {
          return { correct: false, status: "invalid", score: 0, reason: "the problem has no tests (answer and meta.cases are empty)", extracted };
        }
        const pool = opts.pool ?? defaultCodePool();
        const r = await pool.run(request);
        const reason = r.status === "passed" ? "passed" : `${r.status}${r.message ? `: ${r.message}` : ""}`;
        const details: Record<string, unknown> = {
          status: r.status,
          testsPassed: r.testsPassed,
          testsTotal: r.testsTotal,
          durationMs: Math.round(r.durationMs),
          sandbox: r.sandbox,
        };
        if (r.failedTest) details.failedTest = r.failedTest;
        if (r.message) details.message = r.message;
        return {
          correct: r.correct,
          status: r.status === "passed" ? "correct" : r.status === "timeout" ? "timeout" : "wrong",
          score: r.testsTotal > 0 ? r.testsPassed / r.testsTotal : r.correct ? 1 : 0,
          reason: reason.slice(0, 500),
          extracted,
          details,
        };
      } catch (err) {
        const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        return { correct: false, status: "error", score: 0, reason: `verifier error: ${msg}` };
      }
    },
  };
}

/** The default code verifier (shared pool, default limits). */
export const codeVerifier: Verifier = createCodeVerifier();
