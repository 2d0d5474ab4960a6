/**
 * `scratchpad/ai-sdk`: scratchpad's test-time compute for the Vercel AI SDK (ai@6, LanguageModelV3).
 *
 * - Middleware for `wrapLanguageModel` over any provider: `selfConsistencyMiddleware` (majority
 *   vote with the math verifier's equivalence), `routerMiddleware` (cheap model first, strong when
 *   unsure) and `budgetForcingMiddleware` (s1 thinking budgets, for raw-text models).
 * - A provider for scratchpad's models: `createScratchpad()(spec)` over a checkpoint folder, a GGUF
 *   file or an OpenAI-compatible URL, and `policyLanguageModel(policy)` over any `Policy`.
 * - `languageModelPolicy(model)`: the other way round, an AI SDK model as a `Policy` for eval and
 *   the strategies.
 *
 * `ai` / `@ai-sdk/provider` are optional peer dependencies: this module imports their types only.
 */
export {
  selfConsistencyMiddleware,
  routerMiddleware,
  budgetForcingMiddleware,
  type SelfConsistencyOptions,
  type RouterMiddlewareOptions,
} from "./middleware.js";
export { policyLanguageModel, createScratchpad, type PolicyLanguageModelOptions } from "./policy-model.js";
export { languageModelPolicy } from "./model-policy.js";
export { resultToStream, completionContent, lastUserText } from "./convert.js";
