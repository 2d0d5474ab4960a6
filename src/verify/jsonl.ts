/**
 * The per-line logic of `scratchpad verify math|code --jsonl`: one input object in, the exact object the CLI
 * writes out. Shared by the CLI (src/cli/verify-math.ts, src/cli/verify-code.ts) and the reward server's
 * `POST /verify` (src/serve/reward/verify.ts), so that both answer the same for the same item.
 */
import type { CodeLimits, CodeRequest, CodeResult } from "./code/types.js";
import { verifyMathSync } from "./math/verify.js";
import type { MathVerdict, MathVerifyOptions } from "./math/types.js";
import { lineOptions } from "./math/options.js";
import { ScratchpadError } from "../core/errors.js";

/** The JSON object `verify math` prints for one verdict. */
export function mathVerdictLine(v: MathVerdict, id: unknown): Record<string, unknown> {
  const line: Record<string, unknown> = {};
  if (id !== undefined) line.id = id;
  line.correct = v.correct;
  line.reason = v.reason;
  if (v.extracted !== undefined) line.extracted = v.extracted;
  if (v.source !== undefined) line.source = v.source;
  if (v.gold !== undefined) line.gold = v.gold;
  return line;
}

/** Verify one `verify math --jsonl` item (a parsed line); returns the output object (`{error}` for a malformed item). */
export function verifyMathItem(obj: unknown, lineNo: number, options: MathVerifyOptions = {}): Record<string, unknown> {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    return { error: `line ${lineNo}: expected a JSON object {"gold": "...", "pred": "..."}` };
  }
  const o = obj as Record<string, unknown>;
  const pred = o.pred ?? o.response;
  const bad = (name: string, v: unknown): string | null =>
    typeof v === "string" || typeof v === "number" ? null : `line ${lineNo}: "${name}" must be a string (got ${v === undefined ? "nothing" : typeof v})`;
  const err = bad("gold", o.gold) ?? bad("pred", pred);
  if (err) return o.id !== undefined ? { id: o.id, error: err } : { error: err };
  const opts = lineOptions(o.options, options);
  if (typeof opts === "string") return o.id !== undefined ? { id: o.id, error: `line ${lineNo}: ${opts}` } : { error: `line ${lineNo}: ${opts}` };
  return mathVerdictLine(verifyMathSync(String(o.gold), String(pred), opts), o.id);
}

/** Verify one JSONL input line; returns the output object (an `{error}` object for a malformed line). */
export function verifyMathLine(text: string, lineNo: number, options: MathVerifyOptions = {}): Record<string, unknown> {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    return { error: `line ${lineNo}: not valid JSON (${(e as Error).message})` };
  }
  return verifyMathItem(obj, lineNo, options);
}

/** The JSON line `verify code` prints for one result. */
export function codeResultLine(r: CodeResult, includeOutput: boolean, id: unknown): Record<string, unknown> {
  const line: Record<string, unknown> = {};
  if (id !== undefined) line.id = id;
  line.correct = r.correct;
  line.status = r.status;
  if (r.failedTest !== undefined) line.failedTest = r.failedTest;
  if (r.failedTestIndex !== undefined) line.failedTestIndex = r.failedTestIndex;
  if (r.message !== undefined) line.message = r.message;
  line.testsPassed = r.testsPassed;
  line.testsTotal = r.testsTotal;
  line.durationMs = Math.round(r.durationMs);
  if (includeOutput) {
    if (r.stdout) line.stdout = r.stdout;
    if (r.stderr) line.stderr = r.stderr;
    if (r.truncated) line.truncated = true;
  }
  return line;
}

/** The JSON line `verify code` prints for a line it could not run. */
export function codeErrorLine(lineNo: number, message: string, id: unknown): Record<string, unknown> {
  const line: Record<string, unknown> = {};
  if (id !== undefined) line.id = id;
  return { ...line, correct: false, status: "error", error: `line ${lineNo}: ${message}` };
}

/** Turn one `verify code --jsonl` item (a parsed line) into a request (throws with a message naming the problem). */
export function parseCodeItem(obj: unknown, defaults: CodeLimits): { req: CodeRequest; id: unknown } {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    throw new ScratchpadError("invalid_jsonl_item", 'expected a JSON object {"language": ..., "code": ..., "tests": ...}');
  }
  const o = obj as Record<string, unknown>;
  if (o.limits !== undefined && (typeof o.limits !== "object" || o.limits === null || Array.isArray(o.limits))) {
    throw new ScratchpadError("invalid_jsonl_item", '"limits" must be an object such as {"timeoutMs": 5000}');
  }
  const limits = { ...defaults, ...((o.limits as CodeLimits | undefined) ?? {}) };
  const req = { language: o.language, code: o.code, tests: o.tests, format: o.format, limits } as CodeRequest;
  return { req, id: o.id };
}

/** Parse one `verify code --jsonl` input line into a request (throws with a message naming the problem). */
export function parseCodeLine(text: string, defaults: CodeLimits): { req: CodeRequest; id: unknown } {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new ScratchpadError("invalid_jsonl_item", `not valid JSON (${(e as Error).message})`);
  }
  return parseCodeItem(obj, defaults);
}
