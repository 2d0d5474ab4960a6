/**
 * The serving stage (`scratchpad/serve`): an OpenAI-compatible HTTP server over a backend that
 * batches concurrent requests into one decode loop, and the reward server for distributed RL
 * (`serve/reward`).
 */
export * from "./server.js";
export * from "./backend.js";
export * from "./batcher.js";
export * from "./errors.js";
export * from "./reward/index.js";
export * from "./routing-backend.js";
export { ROUTE_HEADER } from "./route-info.js";
