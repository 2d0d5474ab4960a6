/**
 * The per-item logic the reward server shares with `scratchpad verify math|code --jsonl` (src/verify/jsonl.ts):
 * one input object in, the exact object the CLI writes out. Items are numbered from 1, like the CLI's lines.
 */
import { codeErrorLine, codeResultLine, parseCodeItem as parseItem, verifyMathItem as mathItem } from "../../verify/jsonl.js";
import type { CodeLimits, CodeRequest, CodeResult } from "../../verify/code/types.js";
import type { MathVerifyOptions } from "../../verify/math/types.js";

/** `verify math --jsonl` on one item (the line's object), over `options` (the item's own `options` win). */
export function verifyMathItem(item: unknown, n: number, options: MathVerifyOptions = {}): Record<string, unknown> {
  return mathItem(item, n, options);
}

/** Parse one `verify code --jsonl` item into a request (throws with a message naming the problem). */
export function parseCodeItem(item: unknown, defaults: CodeLimits = {}): { req: CodeRequest; id: unknown } {
  return parseItem(item, defaults);
}

/** The object `verify code --jsonl` writes for a result (with the program's output, as the CLI's default). */
export function codeItemResult(r: CodeResult, id: unknown): Record<string, unknown> {
  return codeResultLine(r, true, id);
}

/** The object `verify code --jsonl` writes for an item it could not run. */
export function codeItemError(n: number, message: string, id: unknown): Record<string, unknown> {
  return codeErrorLine(n, message, id);
}
