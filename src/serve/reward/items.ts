/**
 * The per-item logic the reward server shares with `scratchpad verify math|code --jsonl`: one input object
 * in, the exact object the CLI writes out. This file is the one place that points at it.
 */
import { verifyMathLine } from "../../cli/verify-math.js";
import { codeErrorLine, codeResultLine, parseCodeLine } from "../../cli/verify-code.js";
import type { CodeLimits, CodeRequest, CodeResult } from "../../verify/code/types.js";

/** `verify math --jsonl` on one item (the line's object), numbered from 1 like the CLI's lines. */
export function verifyMathItem(item: unknown, n: number): Record<string, unknown> {
  let text: string;
  try {
    text = JSON.stringify(item) ?? "null";
  } catch (e) {
    return { error: `line ${n}: the item cannot be serialised (${(e as Error).message})` };
  }
  return verifyMathLine(text, n);
}

/** Parse one `verify code --jsonl` item into a request (throws with a message naming the problem). */
export function parseCodeItem(item: unknown, defaults: CodeLimits = {}): { req: CodeRequest; id: unknown } {
  return parseCodeLine(JSON.stringify(item) ?? "null", defaults);
}

/** The object `verify code --jsonl` writes for a result (with the program's output, as the CLI's default). */
export function codeItemResult(r: CodeResult, id: unknown): Record<string, unknown> {
  return codeResultLine(r, true, id);
}

/** The object `verify code --jsonl` writes for an item it could not run. */
export function codeItemError(n: number, message: string, id: unknown): Record<string, unknown> {
  return codeErrorLine(n, message, id);
}
