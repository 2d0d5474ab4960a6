/**
 * scratchpad: the library entry point. Re-exports the public API of every stage.
 */
export type * from "./types.js";
