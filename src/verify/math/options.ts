/**
 * Math-Verify's option names for the math verifier: validation with errors that name the option
 * and the fix, both spellings (`float_rounding` / `floatRounding`), the extraction targets `latex`,
 * `expr`, `string` mapped onto this verifier's sources, and a `timeout_seconds` alias.
 */
import { DEFAULT_EXTRACTION, GOLD_EXTRACTION, type ExtractionSource, type MathVerifyOptions, type MathVerifyTarget } from "./types.js";
import { ScratchpadError } from "../../core/errors.js";

/** Math-Verify's default `float_rounding`. */
export const DEFAULT_FLOAT_ROUNDING = 6;

/** Math-Verify's default `boxed_match_priority` (LatexExtractionConfig, parser.py at 056ad62). */
export const DEFAULT_BOXED_MATCH_PRIORITY = 50;

/** The values of Math-Verify's `extraction_mode`. */
export const EXTRACTION_MODES = ["any_match", "first_match"] as const;
/** Math-Verify's `parse(..., fallback_mode=...)` values. */
export const FALLBACK_MODES = ["first_match", "no_fallback"] as const;

const SOURCES: readonly ExtractionSource[] = ["boxed", "answer-tag", "final-answer", "answer-line", "bold", "last-latex", "last-number", "whole", "choice"];

/** What each Math-Verify target reads, in this verifier's sources. */
const TARGETS: Record<MathVerifyTarget, readonly ExtractionSource[]> = {
  latex: ["boxed", "answer-tag", "final-answer", "answer-line", "bold", "last-latex", "whole"],
  expr: ["final-answer", "answer-line", "whole", "last-number"],
  string: ["choice"],
};

/** A bad option: the message names the option and what it accepts. */
export class MathOptionError extends ScratchpadError {
  constructor(message: string) {
    super("math_option", message);
    this.name = "MathOptionError";
  }
}

/** Options after validation, with one spelling of each. */
export interface ResolvedMathOptions extends MathVerifyOptions {
  floatRounding: number;
  strict: boolean;
  allowSetRelationComp: boolean;
  evaluateAnswerOperators: boolean;
  /** `boxed_match_priority` (50 unless given; -1: no box pattern). */
  boxedMatchPriority: number;
  /** `extraction_mode` ("any_match" unless given). */
  extractionMode: (typeof EXTRACTION_MODES)[number];
  /** `try_extract_without_anchor` (true unless given). */
  tryExtractWithoutAnchor: boolean;
  /** `fallback_mode` ("first_match" unless given). */
  fallbackMode: (typeof FALLBACK_MODES)[number];
  extraction: readonly ExtractionSource[];
  goldExtraction: readonly ExtractionSource[];
  /** Math-Verify's `expr` target was asked for: a bare `1,5` is read as its number pattern reads it (1.5). */
  exprNumbers?: boolean;
  /** The gold's own `exprNumbers`: whether `gold_extraction`, when given as Math-Verify's targets, holds `expr` (else `exprNumbers`). */
  goldExprNumbers?: boolean;
  /** Math-Verify's targets were asked for: LaTeX its grammar has no rule for (`\\bigl(`) does not parse. */
  mathVerifyTargets?: boolean;
  /** Internal: the text being read is the gold answer (a plain-text comma list stays an answer there; see plainlists.ts). */
  goldSide?: boolean;
  /** Internal: the gold is a plain-text comma list, so a response's plain list is read as one too (extract.ts). */
  goldPlainList?: boolean;
}

/** Expand Math-Verify target names into sources (order kept, duplicates dropped); throws `MathOptionError` for an unknown name or an empty list. */
export function expandExtraction(list: readonly string[], what: string): ExtractionSource[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw new MathOptionError(`${what} must be a non-empty list of sources (latex, expr, string, or ${SOURCES.join(", ")})`);
  }
  const out: ExtractionSource[] = [];
  for (const item of list) {
    // (own names only: "toString" or "constructor" is no target, though every object answers to it)
    const expanded =
      typeof item !== "string"
        ? null
        : Object.hasOwn(TARGETS, item)
          ? (TARGETS as Record<string, readonly ExtractionSource[]>)[item]
          : SOURCES.includes(item as ExtractionSource)
            ? [item as ExtractionSource]
            : null;
    if (!expanded) {
      throw new MathOptionError(`${what}: unknown source ${JSON.stringify(item)}; use latex, expr, string, or one of ${SOURCES.join(", ")}`);
    }
    for (const s of expanded) if (!out.includes(s)) out.push(s);
  }
  return out;
}

function usesTargets(list: readonly string[] | undefined): boolean {
  // (not a list: expandExtraction names the problem)
  return Array.isArray(list) && list.some((x) => x === "latex" || x === "expr" || x === "string");
}

/**
 * Validate options and settle their spellings. Throws `MathOptionError` naming the bad option.
 * Resolved options pass through unchanged (cheap to call on every verification).
 */
export function resolveMathOptions(o: MathVerifyOptions = {}): ResolvedMathOptions {
  if ((o as Partial<ResolvedMathOptions> & { __resolved?: true }).__resolved) return o as ResolvedMathOptions;
  const fr = o.floatRounding ?? o.float_rounding ?? DEFAULT_FLOAT_ROUNDING;
  if (!Number.isInteger(fr) || fr < 0 || fr > 100) {
    throw new MathOptionError(`float_rounding must be an integer number of decimal places from 0 to 100, got ${JSON.stringify(fr)}`);
  }
  for (const [name, v] of [
    ["strict", o.strict],
    ["allow_set_relation_comp", o.allow_set_relation_comp ?? o.allowSetRelationComp],
    ["evaluate_answer_operators", o.evaluate_answer_operators ?? o.evaluateAnswerOperators],
  ] as const) {
    if (v !== undefined && typeof v !== "boolean") throw new MathOptionError(`${name} must be true or false, got ${JSON.stringify(v)}`);
  }
  let timeoutMs = o.timeoutMs;
  if (timeoutMs === undefined && o.timeout_seconds !== undefined) timeoutMs = o.timeout_seconds * 1000;
  if (timeoutMs !== undefined && !(typeof timeoutMs === "number" && timeoutMs > 0 && Number.isFinite(timeoutMs))) {
    throw new MathOptionError(`timeoutMs / timeout_seconds must be a positive number, got ${JSON.stringify(o.timeoutMs ?? o.timeout_seconds)}`);
  }
  if (o.tolerance !== undefined && !(typeof o.tolerance === "number" && o.tolerance >= 0 && Number.isFinite(o.tolerance))) {
    throw new MathOptionError(`tolerance must be a non-negative number, got ${JSON.stringify(o.tolerance)}`);
  }
  if (o.strings !== undefined && (!Array.isArray(o.strings) || o.strings.some((x) => typeof x !== "string" || x === ""))) {
    throw new MathOptionError(`strings must be a list of non-empty strings (the choices, e.g. ["A","B","C","D"])`);
  }
  const bmp = o.boxedMatchPriority ?? o.boxed_match_priority;
  if (bmp !== undefined && !(Number.isInteger(bmp) && bmp >= -1)) {
    throw new MathOptionError(
      `boxed_match_priority must be an integer from -1 (no box pattern) up (0: a box before every phrase; Math-Verify's default 50), got ${JSON.stringify(bmp)}`,
    );
  }
  const mode = o.extractionMode ?? o.extraction_mode;
  if (mode !== undefined && !EXTRACTION_MODES.includes(mode)) {
    throw new MathOptionError(`extraction_mode must be "any_match" or "first_match", got ${JSON.stringify(mode)}`);
  }
  const anchorless = o.tryExtractWithoutAnchor ?? o.try_extract_without_anchor;
  if (anchorless !== undefined && typeof anchorless !== "boolean") {
    throw new MathOptionError(`try_extract_without_anchor must be true or false, got ${JSON.stringify(anchorless)}`);
  }
  const fallback = o.fallbackMode ?? o.fallback_mode;
  if (fallback !== undefined && !FALLBACK_MODES.includes(fallback)) {
    throw new MathOptionError(`fallback_mode must be "first_match" or "no_fallback", got ${JSON.stringify(fallback)}`);
  }
  // (first: a target option needs the targets, and a list of them)
  const extraction = o.extraction ? expandExtraction(o.extraction, "extraction") : DEFAULT_EXTRACTION;
  for (const [name, v] of [
    ["boxed_match_priority", bmp],
    ["extraction_mode", mode],
    ["try_extract_without_anchor", anchorless],
    ["fallback_mode", fallback],
  ] as const) {
    if (v !== undefined && !usesTargets(o.extraction)) {
      throw new MathOptionError(
        `${name} applies with Math-Verify's extraction targets; pass extraction: ["latex", "expr"] with it (CLI: --extraction latex,expr; or the targets you use: latex, expr, string)`,
      );
    }
  }
  const goldList = o.goldExtraction ?? o.gold_extraction;
  const goldExtraction = goldList
    ? expandExtraction(goldList, "goldExtraction")
    : usesTargets(o.extraction)
      ? GOLD_EXTRACTION.filter((s) => s === "whole" || extraction.includes(s)).concat(extraction.includes("choice") ? ["choice"] : [])
      : GOLD_EXTRACTION;
  const resolved = {
    ...o,
    timeoutMs,
    floatRounding: fr,
    strict: o.strict ?? true,
    allowSetRelationComp: o.allowSetRelationComp ?? o.allow_set_relation_comp ?? false,
    evaluateAnswerOperators: o.evaluateAnswerOperators ?? o.evaluate_answer_operators ?? false,
    boxedMatchPriority: bmp ?? DEFAULT_BOXED_MATCH_PRIORITY,
    extractionMode: mode ?? "any_match",
    tryExtractWithoutAnchor: anchorless ?? true,
    fallbackMode: fallback ?? "first_match",
    extraction,
    goldExtraction,
    exprNumbers: usesTargets(o.extraction) && o.extraction!.includes("expr"),
    // open-r1 reads the response with ["latex"] and the gold with ["latex", "expr"]: the gold's numbers are read as the expr target reads them
    goldExprNumbers:
      goldList && usesTargets(o.extraction) && usesTargets(goldList) ? goldList.includes("expr") : usesTargets(o.extraction) && o.extraction!.includes("expr"),
    mathVerifyTargets: usesTargets(o.extraction),
  };
  Object.defineProperty(resolved, "__resolved", { value: true, enumerable: false });
  return resolved;
}

/** Option names a JSONL line's `"options"` object may use (Math-Verify's and this verifier's). */
const LINE_OPTION_NAMES = new Set([
  "float_rounding",
  "floatRounding",
  "numeric_precision",
  "strict",
  "allow_set_relation_comp",
  "allowSetRelationComp",
  "evaluate_answer_operators",
  "evaluateAnswerOperators",
  "boxed_match_priority",
  "boxedMatchPriority",
  "extraction_mode",
  "extractionMode",
  "try_extract_without_anchor",
  "tryExtractWithoutAnchor",
  "fallback_mode",
  "fallbackMode",
  "extraction",
  "goldExtraction",
  "gold_extraction",
  "strings",
  "timeout_seconds",
  "timeoutMs",
  "tolerance",
  "afterThink",
]);

/** The two spellings of each option a line may set (Math-Verify's and camelCase). */
const SPELLINGS = [
  ["float_rounding", "floatRounding"],
  ["allow_set_relation_comp", "allowSetRelationComp"],
  ["evaluate_answer_operators", "evaluateAnswerOperators"],
  ["boxed_match_priority", "boxedMatchPriority"],
  ["extraction_mode", "extractionMode"],
  ["try_extract_without_anchor", "tryExtractWithoutAnchor"],
  ["fallback_mode", "fallbackMode"],
] as const;

/** Math-Verify's `parse` options that apply only with its targets. */
const MV_PARSE_OPTIONS = new Set<string>(["boxed_match_priority", "extraction_mode", "try_extract_without_anchor", "fallback_mode"]);

/**
 * The options of one JSONL line (`{"gold", "pred", "options": {...}}`) over the command's own:
 * validated, so a bad line gets an error naming the option and the fix. Returns the merged options,
 * or the error text.
 */
export function lineOptions(raw: unknown, base: MathVerifyOptions = {}): MathVerifyOptions | string {
  if (raw === undefined || raw === null) return base;
  if (typeof raw !== "object" || Array.isArray(raw)) return `"options" must be an object such as {"float_rounding": 2, "strict": false}`;
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!LINE_OPTION_NAMES.has(k)) return `unknown option "${k}" in "options"; known: ${[...LINE_OPTION_NAMES].join(", ")}`;
  }
  const merged: MathVerifyOptions = { ...base, ...(o as MathVerifyOptions) };
  if (o.gold_extraction !== undefined) {
    merged.goldExtraction = o.gold_extraction as MathVerifyOptions["goldExtraction"];
    delete (merged as Record<string, unknown>).gold_extraction;
  }
  // per-line spellings win over the command's: drop the other spelling of each option set here (the command's), not
  // one the line sets too: both spellings in one object keep the option (they had erased each other)
  for (const [a, b] of SPELLINGS) {
    if (o[a] !== undefined && o[b] !== undefined) {
      if (JSON.stringify(o[a]) !== JSON.stringify(o[b]))
        return `${a} and ${b} are one option; they disagree (${JSON.stringify(o[a])}, ${JSON.stringify(o[b])})`;
      continue;
    }
    if (o[a] !== undefined) delete (merged as Record<string, unknown>)[b];
    if (o[b] !== undefined) delete (merged as Record<string, unknown>)[a];
  }
  // a line that names this verifier's own sources (no Math-Verify target) drops the command's Math-Verify-only
  // parse options it does not set itself: they would make it an error (a /verify item under --math-options)
  if (Array.isArray(o.extraction) && !usesTargets(o.extraction as string[])) {
    for (const pair of SPELLINGS.filter(([name]) => MV_PARSE_OPTIONS.has(name))) {
      if (pair.every((k) => o[k] === undefined)) for (const k of pair) delete (merged as Record<string, unknown>)[k];
    }
  }
  // (timeoutMs wins over timeout_seconds when both are given)
  if (o.timeout_seconds !== undefined && o.timeoutMs === undefined) delete merged.timeoutMs;
  try {
    resolveMathOptions(merged);
  } catch (e) {
    if (e instanceof MathOptionError) return e.message;
    throw e;
  }
  return merged;
}
