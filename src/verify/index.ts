/**
 * Verifiers: the ground truth of training. Code (sandboxed tests), format (think-then-answer) and rubrics
 * (weighted reward functions); math (answer extraction and symbolic equivalence) from ./math.
 */
export * from "./code/index.js";
export {
  checkFormat,
  formatReward,
  FormatOptionsError,
  type FormatCheck,
  type FormatCheckName,
  type FormatOptions,
  type FormatRewardOptions,
} from "./format.js";
export {
  accuracyReward,
  Rubric,
  RubricConfigError,
  type AccuracyRewardOptions,
  type RewardFunction,
  type RubricComponent,
  type RubricOptions,
  type RubricScore,
} from "./rubric.js";
export * from "./math/index.js";
