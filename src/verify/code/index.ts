/**
 * The code verifier: a sandbox that runs Python, JavaScript and TypeScript programs against tests
 * (`runCode`, `CodePool`), code extraction from model responses, and the `codeVerifier` for code problems.
 */
export { runCode, sameOutput } from "./run-code.js";
export { CodePool, CodePoolClosedError, defaultCodePool, type CodePoolOptions } from "./pool.js";
export { codeVerifier, createCodeVerifier, withPrefix, type CodeProblemMeta, type CodeVerifierOptions } from "./verifier.js";
export { extractCode, codeBlocks, answerPart, definesName, type CodeBlock, type ExtractCodeOptions } from "./extract.js";
export { sandboxInfo, type SandboxInfo } from "./sandbox-info.js";
export { CodeRequestError, SandboxUnavailableError } from "./errors.js";
export { resolveCodeLimits } from "./validate.js";
export {
  CODE_LANGUAGES,
  CODE_TEST_FORMATS,
  DEFAULT_CODE_LIMITS,
  type CallCase,
  type CodeLanguage,
  type CodeLimits,
  type CodeRequest,
  type CodeResult,
  type CodeStatus,
  type CodeTestFormat,
  type IoCase,
  type SandboxKind,
} from "./types.js";
export {
  runProgram,
  PROGRAM_LANGUAGES,
  type ProgramLanguage,
  type ProgramRequest,
  type ProgramResult,
  type ProgramRunStatus,
  type ProgramStep,
} from "./program.js";
