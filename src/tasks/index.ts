/**
 * The tasks stage: procedural generators with a difficulty knob and a seed, dataset loaders,
 * a curriculum, answer extraction and prompt templates. Everything here produces `Problem`s.
 */
export { Rng, hashSeed } from "../core/rng.js";
export * from "./errors.js";
export * from "./difficulty.js";
export * from "./task-generator.js";
export * from "./extract.js";
export * from "./verifiers.js";
export * from "./arithmetic-expression.js";
export * from "./registry.js";
export * from "./curriculum.js";
export * from "./templates.js";
export { addition, additionTrace } from "./generators/addition.js";
export { subtraction } from "./generators/subtraction.js";
export { multiplication, multiplicationTrace } from "./generators/multiplication.js";
export { countdown, pickExpression } from "./generators/countdown.js";
export { linearEquation } from "./generators/linear-equation.js";
export { modular, modPow } from "./generators/modular.js";
export { sorting } from "./generators/sorting.js";
export { baseConversion } from "./generators/base-conversion.js";
export { digitSum } from "./generators/digit-sum.js";
export { reverse } from "./generators/reverse.js";
export * from "./loaders/options.js";
export { findRepoRoot, resolveDataDir } from "./loaders/data-dir.js";
export { readJsonl, subsample, type JsonlRow, type SubsampleOptions } from "./loaders/jsonl.js";
export { gsm8kAnswer, loadAime24, loadAime25, loadAmc23, loadGsm8k, loadMath500 } from "./loaders/math.js";
export { codeInstruction, loadHumanEval, loadMbpp, loadMbppTs, loadMultiplE, loadMxevalHumanEvalTs } from "./loaders/code.js";
export { getDataset, hasDataset, listDatasets, loadDataset, type DatasetInfo } from "./loaders/datasets.js";
export * from "./alphabet.js";
