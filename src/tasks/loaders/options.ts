/**
 * Options shared by every dataset loader.
 */
import type { Verifier } from "../../types.js";
import type { SubsampleOptions } from "./jsonl.js";

/** How code problems are phrased. */
export type CodePromptStyle = "instruction" | "completion";

/** Options of every `load*` function and of `loadDataset`. */
export interface LoaderOptions extends SubsampleOptions {
  /** Folder with the benchmark files (default: $SCRATCHPAD_DATA, else data/ in the package root). */
  dataDir?: string;
  /** Dataset split where the dataset has several (gsm8k: test|train; mbpp: test|train|validation|prompt|all). */
  split?: string;
  /** Use this verifier instead of the dataset's default one. */
  verifier?: Verifier;
  /**
   * Code datasets: "instruction" (default) asks for the function in a fenced block and shows the stub;
   * "completion" gives the bare stub, for completion-style models that continue the code.
   */
  style?: CodePromptStyle;
}
