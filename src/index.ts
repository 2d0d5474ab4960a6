/**
 * scratchpad: the library entry point. Each stage is re-exported as a namespace
 * (`engine`, `verify`, `tasks`, `backends`, `evals`) so that names never clash across stages;
 * the shared data types are exported at the top level.
 */
export type * from "./types.js";
export * as engine from "./engine/index.js";
export * as verify from "./verify/index.js";
export * as tasks from "./tasks/index.js";
export * as backends from "./backends/index.js";
export * as evals from "./eval/index.js";
