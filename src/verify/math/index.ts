/**
 * The math verifier: answer extraction, normalisation, parsing, equivalence and verdicts.
 * See docs/verify-math.md.
 */
export { verifyMath, verifyMathSync, mathVerifier, createMathVerifier } from "./verify.js";
export { extractAnswer, extractCandidates } from "./extract.js";
export { lastMathSpan } from "./spans.js";
export {
  answersEquivalent,
  parseAnswer,
  parsedEquivalent,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TOLERANCE,
  DEFAULT_MAX_ANSWER_CHARS,
  type ParsedAnswer,
} from "./answer.js";
export { canonicalAnswerKey } from "./canonical.js";
export { normalizeAnswer } from "./normalize.js";
export { parseMath } from "./parse.js";
export { printNode, type MathNode, type RelOp } from "./ast.js";
export { Deadline } from "./deadline.js";
export { Rational } from "./rational.js";
export { MathParseError, MathTimeoutError, MathTooLargeError } from "./errors.js";
export { DEFAULT_EXTRACTION, GOLD_EXTRACTION, type ExtractionSource, type ExtractedMathAnswer, type MathVerdict, type MathVerifyOptions } from "./types.js";
