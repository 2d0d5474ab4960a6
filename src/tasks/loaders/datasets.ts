/**
 * The registry of benchmark datasets: names, files, kinds and licenses, and `loadDataset(name, opts)`.
 */
import type { Problem } from "../../types.js";
import { UnknownTaskError } from "../errors.js";
import { loadHumanEval, loadMbpp, loadMbppTs, loadMultiplE, loadMxevalHumanEvalTs } from "./code.js";
import { loadAime24, loadAime25, loadAmc23, loadGsm8k, loadMath500 } from "./math.js";
import type { LoaderOptions } from "./options.js";

/** What a dataset is and how to load it. */
export interface DatasetInfo {
  name: string;
  description: string;
  kind: "math" | "code";
  /** Files relative to the data folder. */
  files: string[];
  /** Splits where there are several (the first is the default). */
  splits?: string[];
  /** True when the license allows evaluation only (no training / RL on it). */
  evalOnly: boolean;
  license: string;
  load(opts?: LoaderOptions): Promise<Problem[]>;
}

const DATASETS: DatasetInfo[] = [
  {
    name: "gsm8k",
    description: "GSM8K grade-school math word problems (answer after ####)",
    kind: "math",
    files: ["gsm8k/test.jsonl", "gsm8k/train.jsonl"],
    splits: ["test", "train"],
    evalOnly: false,
    license: "MIT",
    load: loadGsm8k,
  },
  {
    name: "math500",
    description: "MATH-500 competition problems, LaTeX answers, level 1-5 as difficulty",
    kind: "math",
    files: ["math500/test.jsonl"],
    evalOnly: false,
    license: "MIT",
    load: loadMath500,
  },
  {
    name: "aime24",
    description: "AIME 2024 I and II (30 problems, integer answers)",
    kind: "math",
    files: ["aime24/test.jsonl"],
    evalOnly: true,
    license: "MIT (repo); problems (c) MAA: evaluation",
    load: loadAime24,
  },
  {
    name: "aime25",
    description: "AIME 2025 I and II (30 problems, integer answers)",
    kind: "math",
    files: ["aime25/test.jsonl"],
    evalOnly: true,
    license: "MIT (repo); problems (c) MAA: evaluation",
    load: loadAime25,
  },
  {
    name: "amc23",
    description: "AMC 2023 12A/12B rewritten with numeric answers (40 problems)",
    kind: "math",
    files: ["amc23/test.jsonl"],
    evalOnly: true,
    license: "MIT (repo); problems (c) MAA: evaluation",
    load: loadAmc23,
  },
  {
    name: "humaneval",
    description: "HumanEval: 164 Python functions with check() tests",
    kind: "code",
    files: ["humaneval/HumanEval.jsonl"],
    evalOnly: false,
    license: "MIT",
    load: loadHumanEval,
  },
  {
    name: "mbpp",
    description: "MBPP: 974 Python problems with assert tests (test split: ids 11-510)",
    kind: "code",
    files: ["mbpp/mbpp.jsonl"],
    splits: ["test", "train", "validation", "prompt", "all"],
    evalOnly: false,
    license: "CC-BY-4.0",
    load: loadMbpp,
  },
  {
    name: "humaneval-js",
    description: "MultiPL-E HumanEval in JavaScript (161 problems)",
    kind: "code",
    files: ["multipl-e/humaneval-js.jsonl"],
    evalOnly: true,
    license: "MultiPL-E BSD-3 with ML-training restriction: evaluation only",
    load: (opts) => loadMultiplE("javascript", opts),
  },
  {
    name: "humaneval-ts",
    description: "MultiPL-E HumanEval in TypeScript (159 problems)",
    kind: "code",
    files: ["multipl-e/humaneval-ts.jsonl"],
    evalOnly: true,
    license: "MultiPL-E BSD-3 with ML-training restriction: evaluation only",
    load: (opts) => loadMultiplE("typescript", opts),
  },
  {
    name: "mxeval-humaneval-ts",
    description: "Amazon mxeval HumanEval in TypeScript (161 problems)",
    kind: "code",
    files: ["mxeval/HumanEval_typescript_v1.jsonl"],
    evalOnly: false,
    license: "MIT",
    load: loadMxevalHumanEvalTs,
  },
  {
    name: "mbpp-ts",
    description: "Amazon mxeval MBTSP: MBPP in TypeScript (968 problems)",
    kind: "code",
    files: ["mxeval/mbtsp_release_v1.2.jsonl"],
    evalOnly: false,
    license: "CC-BY-4.0",
    load: loadMbppTs,
  },
];

/** Every known dataset. */
export function listDatasets(): DatasetInfo[] {
  return DATASETS.slice();
}

/** Whether a dataset of that name exists. */
export function hasDataset(name: string): boolean {
  return DATASETS.some((d) => d.name === name);
}

/** The dataset named `name`; throws UnknownTaskError listing the names. */
export function getDataset(name: string): DatasetInfo {
  const d = DATASETS.find((x) => x.name === name);
  if (!d)
    throw new UnknownTaskError(
      name,
      DATASETS.map((x) => x.name),
    );
  return d;
}

/** Load a dataset by name (see `LoaderOptions`: dataDir, split, limit, seed, verifier, style). */
export async function loadDataset(name: string, opts: LoaderOptions = {}): Promise<Problem[]> {
  return getDataset(name).load(opts);
}
