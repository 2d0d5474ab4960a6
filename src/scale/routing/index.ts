/**
 * Routing: send each query to the cheapest option that will answer it right. Prompt-only routers
 * (a classifier over prompt features, RouteLLM's setting), the probe cascade, costs in money, the
 * frontier (CPT, PGR, APGR), calibration with a margin, router files and a routed Policy.
 */
export { featurize, featureDimension, DEFAULT_FEATURIZER, SHAPE_FEATURES, type FeaturizerSpec, type SparseVector } from "./features.js";
export { trainLogistic, predictProbability, trainCorrectnessModels, type LogisticModel, type LogisticOptions } from "./classifier.js";
export {
  alwaysOption,
  oracleRouter,
  outcomeCost,
  meanCost,
  summarize,
  pgr,
  apgr,
  chooseOperatingPoint,
  type RouteOption,
  type OptionOutcome,
  type QueryRecord,
  type OperatingPoint,
  type SweepPoint,
  type RoutedOutcome,
  type OperatingTarget,
} from "./frontier.js";
export { collectQueryRecords, measureSuccessRates, type CollectRecordsOptions, type SuccessRateOptions } from "./records.js";
export {
  ROUTER_KINDS,
  trainPromptRouter,
  promptProbabilities,
  choosePromptOption,
  promptRouterOnRecords,
  probabilityRouterOnRecords,
  relativeCostsOf,
  probeRouterOnRecords,
  type RouterKind,
  type PromptRouterSpec,
  type ProbeRouterSpec,
  type RouterOnRecords,
} from "./routers.js";
export { routeExperiment, atCpt, type RouteExperimentOptions, type RouteReport, type ReportPoint } from "./experiment.js";
export { saveRouter, loadRouter, parseRouter, RouterFileError, type SavedRouter } from "./saved.js";
export { routedPolicy, type RouteDecidedCompletion, type RoutedPolicyOptions } from "./policy.js";
