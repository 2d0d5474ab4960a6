/**
 * The inference-time scaling stage (`scratchpad/scale`): strategies that wrap a `Policy` (thinking
 * budgets, self-consistency, best-of-N), answer extraction and keys for voting, reasoning-effort
 * presets, and the router between a cheap and a strong configuration.
 */
export * from "./strategies.js";
export * from "./budget.js";
export * from "./effort.js";
export * from "./answers.js";
export * from "./answerKey.js";
export * from "./publicTests.js";
export * from "./router.js";
export * from "./routing/index.js";
export { majorityVote, basicAnswerKey, type AnswerKeyFn, type VotedSample, type VoteResult } from "../core/vote.js";
export { splitThinking, thinkingTokensOf, answerAfterThinking, DEFAULT_THINK_TAGS, type ThinkTags, type SplitThinking } from "../core/think.js";
