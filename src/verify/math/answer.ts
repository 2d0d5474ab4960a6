/**
 * A parsed answer: the normalised string, a loose text key, and the tree (null when it does not
 * parse). Parse once, compare many times (majority vote, one gold against many responses).
 */
import type { MathNode } from "./ast.js";
import { Deadline } from "./deadline.js";
import { letterProduct, treesEquivalent } from "./compare.js";
import { MathParseError, MathTimeoutError } from "./errors.js";
import { looseKey, normalizeAnswer } from "./normalize.js";
import { parseMath } from "./parse.js";
import type { MathVerifyOptions } from "./types.js";
import type { CompareContext } from "./compare.js";

/**
 * A control character, or a tab before the rest of a LaTeX command that starts with `t`
 * (`\\text`, `\\times`, `\\tan`, `\\theta`, `\\tfrac`…): what is left of `\\text`, `\\frac`, `\\binom`
 * after a lost backslash escape. A tab before a word (`28<TAB>pct`, `Final<TAB>Answer`) is whitespace,
 * as in Math-Verify (its patterns' `\\s` and normalize_latex read a tab as a space).
 */
export const LOST_ESCAPE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this detects
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\t(?:ext|imes|frac|binom|heta|ilde|riangle|herefore|o(?:p)?(?![a-zA-Z])|anh?(?![a-zA-Z])|au(?![a-zA-Z]))/;

/** Default answer length limit (characters). */
export const DEFAULT_MAX_ANSWER_CHARS = 4000;
/**
 * The old default relative tolerance for decimals. Kept as an export for callers; decimals are now
 * compared at `float_rounding` digits unless `tolerance` is given explicitly.
 */
export const DEFAULT_TOLERANCE = 1e-6;
/** Default time limit of one verification (ms). */
export const DEFAULT_TIMEOUT_MS = 1000;

/** An answer prepared for comparison. */
export interface ParsedAnswer {
  /** The answer as given. */
  raw: string;
  /** After normalisation. */
  normalized: string;
  /** A whitespace- and case-free key: equal keys mean equal answers without parsing. */
  loose: string;
  /** The parsed tree, or null when the answer is not math the parser reads. */
  tree: MathNode | null;
  /** Why the tree is null. */
  error?: string;
}

/** The text after the last "=" of a chain of at least two "=", when there is no list (no comma). */
function lastEquationPart(s: string): string | null {
  if (s.includes(",") || s.includes(";")) return null;
  const parts = s.split(/(?<![\\<>!])=/);
  return parts.length > 2 && parts[parts.length - 1].trim() !== "" ? parts[parts.length - 1].trim() : null;
}

/** `\\not` before a relation (`\\not<`, `\\not\\in`); `\\not=` was made `\\ne` by normalisation. */
const NEGATED_RELATION = /\\not(?![a-zA-Z])/;

/** Sizing delimiters (`\\bigl(`, `\\Bigr]`, `\\big|`). */
const BIG_DELIMITER = /\\[bB]igg?[lr]?(?![a-zA-Z])/;

/** Normalise and parse one extracted answer (never throws except `MathTimeoutError` from the budget). */
export function parseAnswerWith(raw: string, budget: Deadline, options: MathVerifyOptions = {}): ParsedAnswer {
  const max = options.maxAnswerChars ?? DEFAULT_MAX_ANSWER_CHARS;
  if (raw.length > max) {
    return { raw, normalized: raw, loose: raw.replace(/\s+/g, ""), tree: null, error: `answer longer than ${max} characters` };
  }
  if (LOST_ESCAPE.test(raw)) {
    // "\text{13}" written in a non-raw string arrives as TAB + "ext{13}": broken LaTeX, not 13
    return {
      raw,
      normalized: raw,
      loose: raw.replace(/\s+/g, ""),
      tree: null,
      error: "control character in the answer (a LaTeX escape such as \\t, \\f, \\b, \\r, \\v was lost)",
    };
  }
  const normalized = normalizeAnswer(raw);
  const loose = looseKey(normalized);
  if (NEGATED_RELATION.test(normalized)) {
    // any other `\not` (`\not<`, `\not\in`) negates the relation after it; the parser would read it as a variable
    // (`x \not\in A` as not·x = A), so such an answer compares as text, as in Math-Verify, whose grammar has no `\not`
    return { raw, normalized, loose, tree: null, error: "a negated relation (\\not) is not parsed" };
  }
  if ((options as { mathVerifyTargets?: boolean }).mathVerifyTargets && BIG_DELIMITER.test(raw)) {
    // Math-Verify's LaTeX grammar (latex2sympy2_extended PS.g4) has no rule for \bigl( … \bigr): such a span does not parse there
    // and its text is compared as written (Math-Verify's string fallback): `\\bigl(4\\bigr)` is not the text `4`
    // parse_latex_cached: when latex2sympy fails, the part after the last "=" of a chain (get_last_eq) is parsed
    // instead, so `x = \\bigl(1\\bigr) = 3` is 3 when that part holds no sizing delimiter
    const lastRaw = lastEquationPart(raw.replace(/\\[,;:! ]/g, " "));
    const last = lastRaw !== null && !BIG_DELIMITER.test(lastRaw) ? lastEquationPart(normalized) : null;
    if (last !== null) {
      try {
        return { raw, normalized, loose, tree: parseMath(last, budget) };
      } catch (e) {
        if (!(e instanceof MathParseError || e instanceof RangeError)) throw e;
      }
    }
    return { raw, normalized, loose: raw.replace(/\s+/g, ""), tree: null, error: "\\big… delimiters do not parse under Math-Verify's targets" };
  }
  try {
    return { raw, normalized, loose, tree: parseMath(normalized, budget) };
  } catch (e) {
    if (!(e instanceof MathParseError || e instanceof RangeError)) throw e;
    // "\\text{Area} = \\frac12 \\cdot 3 \\cdot 4 = 6": when the whole does not parse, the part after the last "=";
    // not when the word "or" stands in it: "x = 3 or maybe x = 4" is two answers, not a chain ending in 4
    const last = /\bor\b/i.test(raw) ? null : lastEquationPart(normalized);
    if (last !== null) {
      try {
        return { raw, normalized, loose, tree: parseMath(last, budget) };
      } catch (e2) {
        if (!(e2 instanceof MathParseError || e2 instanceof RangeError)) throw e2;
      }
    }
    return { raw, normalized, loose, tree: null, error: e.message };
  }
}

/**
 * Parse an extracted answer (no extraction: pass the answer itself, e.g. from `extractAnswer`).
 * Bounded by `options.timeoutMs`; a timeout gives a ParsedAnswer with a null tree.
 */
export function parseAnswer(raw: string, options: MathVerifyOptions = {}): ParsedAnswer {
  try {
    return parseAnswerWith(String(raw), new Deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS), options);
  } catch (e) {
    if (e instanceof MathTimeoutError) return { raw, normalized: raw, loose: looseKey(raw), tree: null, error: e.message };
    throw e;
  }
}

/** The comparison context for `options` (Math-Verify's option names or camelCase). */
export function compareContext(budget: Deadline, options: MathVerifyOptions): CompareContext {
  return {
    budget,
    tolerance: options.tolerance,
    floatRounding: options.floatRounding ?? options.float_rounding,
    strict: options.strict,
    allowSetRelationComp: options.allowSetRelationComp ?? options.allow_set_relation_comp,
  };
}

/**
 * Whether two parsed answers are equivalent (the first is treated as the gold). Throws only
 * `MathTimeoutError`. Pass `ctx` to learn whether a comparison fell back to structure (`ctx.fellBack`).
 */
export function parsedEquivalentWith(
  gold: ParsedAnswer,
  pred: ParsedAnswer,
  budget: Deadline,
  options: MathVerifyOptions = {},
  ctx: CompareContext = compareContext(budget, options),
): boolean {
  if (gold.loose === pred.loose && gold.loose !== "") return true;
  if (wordAsProduct(gold, pred)) return true;
  if (!gold.tree || !pred.tree) return false;
  return treesEquivalent(gold.tree, pred.tree, ctx);
}

/**
 * A run of letters that is no math on one side (`abc`) and the product of those letters on the other
 * (`a*b*c`, `a \\cdot b \\cdot c`): equal, as in Math-Verify, whose parser reads `$abc$` as that product.
 */
export function wordAsProduct(a: ParsedAnswer, b: ParsedAnswer): boolean {
  const wa = letterWord(a);
  if (wa !== null && b.tree) return letterProduct(b.tree) === wa;
  const wb = letterWord(b);
  return wb !== null && a.tree !== null && letterProduct(a.tree) === wb;
}

/** The lower-cased run of letters an answer is when it is no math here (`abc`; Math-Verify reads it as a*b*c), or null. */
export function letterWord(p: ParsedAnswer): string | null {
  const w = p.normalized.replace(/\s+/g, "");
  return !p.tree && /^[a-zA-Z]{2,}$/.test(w) ? w.toLowerCase() : null;
}

/** Whether two parsed answers are equivalent; false on timeout. Cheap for numbers (microseconds). */
export function parsedEquivalent(a: ParsedAnswer, b: ParsedAnswer, options: MathVerifyOptions = {}): boolean {
  try {
    return parsedEquivalentWith(a, b, new Deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS), options);
  } catch (e) {
    if (e instanceof MathTimeoutError) return false;
    throw e;
  }
}

/**
 * Whether two extracted answers (not whole responses) are mathematically equivalent:
 * `answersEquivalent("\\frac12", "0.5") === true`. Never throws; false on timeout.
 */
export function answersEquivalent(a: string, b: string, options: MathVerifyOptions = {}): boolean {
  try {
    const budget = new Deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return parsedEquivalentWith(parseAnswerWith(String(a), budget, options), parseAnswerWith(String(b), budget, options), budget, options);
  } catch {
    return false;
  }
}
