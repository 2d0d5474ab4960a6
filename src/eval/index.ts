/** Evaluation: pass@k, maj@k, avg@k with confidence intervals, budget sweeps, scaling curves. */
export { evaluate, type EvalOptions, type EvalReport, type BudgetRow, type CurvePoint, type DifficultyRow } from "./evaluate.js";
export { passAtK, avgAtK, majAtK } from "./passAtK.js";
export { majorityVote, type VotedSample, type VoteResult } from "../core/vote.js";
export { meanWithCI, wilson, mean, type Estimate } from "./stats.js";
export { sampleProblems, type SampleRecord, type SampleOptions } from "./samples.js";
export { groupMetrics, byDifficulty, byMeanLogprob, type GroupMetrics, type StrategyName, type SampleSelector } from "./metrics.js";
export { buildProblems, ProblemSetError, type ProblemSetOptions } from "./problems.js";
export { renderEvalHtml } from "./report.js";
