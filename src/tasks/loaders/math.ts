/**
 * Loaders for the math benchmarks: GSM8K (answer after "####"), MATH-500 (LaTeX answers, level 1-5
 * as difficulty), AIME 2024 / 2025 and AMC 2023 (numeric answers). Each row becomes a Problem checked
 * by the symbolic math verifier (src/verify/math) against `answer`.
 */
import { join } from "node:path";
import type { Problem } from "../../types.js";
import { mathVerifier } from "../../verify/math/index.js";
import { DatasetFormatError, InvalidTaskOptionError } from "../errors.js";
import { resolveDataDir } from "./data-dir.js";
import { type JsonlRow, field, numberField, readJsonl, subsample } from "./jsonl.js";
import type { LoaderOptions } from "./options.js";

async function load(dataset: string, file: string, opts: LoaderOptions, map: (row: JsonlRow, path: string) => Omit<Problem, "verifier">): Promise<Problem[]> {
  const path = join(resolveDataDir(opts.dataDir), file);
  const rows = await readJsonl(path, dataset);
  const verifier = opts.verifier ?? mathVerifier;
  const problems = rows.map((row) => {
    const p = map(row, path);
    return { ...p, verifier, meta: { dataset, ...p.meta } };
  });
  return subsample(problems, opts, dataset);
}

/** "1,000" -> "1000"; "025" -> "25"; anything else unchanged. */
function plainNumber(s: string): string {
  const t = s.trim();
  if (/^-?\d{1,3}(,\d{3})+$/.test(t)) return t.replace(/,/g, "");
  if (/^-?0+\d+$/.test(t)) return t.replace(/^(-?)0+(?=\d)/, "$1");
  return t;
}

/** The final answer of a GSM8K solution: the text after the last "####". */
export function gsm8kAnswer(solution: string): string | null {
  const i = solution.lastIndexOf("####");
  if (i < 0) return null;
  const a = solution.slice(i + 4).trim();
  return a === "" ? null : plainNumber(a);
}

/** GSM8K grade-school word problems (split "test": 1319, "train": 7473). */
export function loadGsm8k(opts: LoaderOptions = {}): Promise<Problem[]> {
  const split = opts.split ?? "test";
  if (split !== "test" && split !== "train") {
    return Promise.reject(new InvalidTaskOptionError(`dataset gsm8k: unknown split "${split}"; use test or train`));
  }
  return load("gsm8k", `gsm8k/${split}.jsonl`, opts, (row, path) => {
    const solution = field(row, "answer", path);
    const answer = gsm8kAnswer(solution);
    if (answer === null) throw new DatasetFormatError(path, row.line, 'answer has no "#### <final answer>" line');
    return { id: `gsm8k/${split}/${row.line - 1}`, prompt: field(row, "question", path), answer, meta: { split, solution } };
  });
}

/** MATH-500 (500 competition problems; `difficulty` = level 1-5; `meta.subject`). */
export function loadMath500(opts: LoaderOptions = {}): Promise<Problem[]> {
  return load("math500", "math500/test.jsonl", opts, (row, path) => {
    const level = numberField(row, "level", path);
    return {
      id: `math500/${field(row, "unique_id", path)}`,
      prompt: field(row, "problem", path),
      answer: field(row, "answer", path),
      difficulty: level,
      meta: { level, subject: field(row, "subject", path), uniqueId: field(row, "unique_id", path), solution: field(row, "solution", path) },
    };
  });
}

/** AIME 2024 (30 problems; zero-padded answers like "025" become "25"). */
export function loadAime24(opts: LoaderOptions = {}): Promise<Problem[]> {
  return load("aime24", "aime24/test.jsonl", opts, (row, path) => {
    const raw = field(row, "answer", path);
    return {
      id: `aime24/${numberField(row, "id", path)}`,
      prompt: field(row, "problem", path),
      answer: plainNumber(raw),
      meta: { rawAnswer: raw, url: row.value.url, solution: row.value.solution },
    };
  });
}

/** AIME 2025 (30 problems, MathArena; some contain TikZ figures). */
export function loadAime25(opts: LoaderOptions = {}): Promise<Problem[]> {
  return load("aime25", "aime25/test.jsonl", opts, (row, path) => {
    const competition = field(row, "competition", path);
    return {
      id: `aime25/${competition}/${numberField(row, "id", path)}`,
      prompt: field(row, "problem", path),
      answer: plainNumber(field(row, "answer", path)),
      meta: { competition },
    };
  });
}

/** AMC 2023 (40 problems; float answers like 27.0 become "27"). */
export function loadAmc23(opts: LoaderOptions = {}): Promise<Problem[]> {
  return load("amc23", "amc23/test.jsonl", opts, (row, path) => {
    const v = numberField(row, "answer", path);
    return {
      id: `amc23/${numberField(row, "id", path)}`,
      prompt: field(row, "problem", path),
      answer: String(v),
      meta: { url: row.value.url },
    };
  });
}
