/**
 * scratchpad: the library entry point. Each stage is re-exported as a namespace (`engine`,
 * `verify`, `tasks`, `backends`, `rl`, `scale`, `evals`, `serve`) so that names never clash across
 * stages, and each is also its own subpath (`scratchpad/engine`, `scratchpad/verify`, …). The shared
 * data types and the shared leaf (`src/core/`: the think/answer parser, the error root, voting) are
 * exported at the top level.
 */
export type * from "./types.js";
export { ScratchpadError, type ScratchpadErrorOptions } from "./core/errors.js";
export {
  answerAfterThinking,
  DEFAULT_THINK_TAGS,
  splitThinking,
  thinkingTokensOf,
  thinkTagsNamed,
  type AnswerAfterThinkingOptions,
  type AnswerPart,
  type SplitThinking,
  type ThinkTags,
} from "./core/think.js";
export {
  ChatTemplate,
  ChatTemplateError,
  loadChatTemplate,
  detectThinkTags,
  SCRATCHPAD_CHAT_TEMPLATE,
  type ChatTemplateMessage,
} from "./core/chat-template.js";
export { basicAnswerKey, majorityVote, type AnswerKeyFn, type VotedSample, type VoteResult } from "./core/vote.js";
export * as engine from "./engine/index.js";
export * as verify from "./verify/index.js";
export * as tasks from "./tasks/index.js";
export * as backends from "./backends/index.js";
export * as rl from "./rl/index.js";
export * as scale from "./scale/index.js";
export * as evals from "./eval/index.js";
export * as serve from "./serve/index.js";
