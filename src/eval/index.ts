/** Evaluation: pass@k, maj@k, avg@k with confidence intervals, budget sweeps, scaling curves. */
export { evaluate, type EvalOptions, type EvalReport, type BudgetRow, type CurvePoint, type DifficultyRow } from "./evaluate.js";
export { passAtK, avgAtK, majAtK, majorityVote, type VotedSample, type VoteResult } from "./passAtK.js";
export { meanWithCI, wilson, mean, type Estimate } from "./stats.js";
export { sampleProblems, type SampleRecord, type SampleOptions } from "./samples.js";
export { groupMetrics, byDifficulty, byMeanLogprob, type GroupMetrics, type StrategyName, type SampleSelector } from "./metrics.js";
