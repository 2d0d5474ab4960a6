/**
 * Reading benchmark JSONL files into typed rows, with errors that name the file, the line and the fix,
 * and deterministic subsampling (`limit` + `seed`).
 */
import { readFile } from "node:fs/promises";
import { DatasetFormatError, DatasetNotFoundError, InvalidTaskOptionError } from "../errors.js";
import { Rng, hashSeed } from "../../core/rng.js";

/** One parsed JSONL row with its 1-based line number. */
export interface JsonlRow {
  line: number;
  value: Record<string, unknown>;
}

/** Read every non-empty line of a JSONL file as a JSON object. */
export async function readJsonl(path: string, dataset: string): Promise<JsonlRow[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new DatasetNotFoundError(dataset, path);
    throw err;
  }
  const rows: JsonlRow[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(lines[i]);
    } catch (err) {
      throw new DatasetFormatError(path, i + 1, `not valid JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new DatasetFormatError(path, i + 1, "each line must be a JSON object");
    }
    rows.push({ line: i + 1, value: value as Record<string, unknown> });
  }
  return rows;
}

/** A string field of a row; throws DatasetFormatError naming the field when it is missing. */
export function field(row: JsonlRow, name: string, path: string): string {
  const v = row.value[name];
  if (typeof v !== "string") throw new DatasetFormatError(path, row.line, `field "${name}" is missing or not a string`);
  return v;
}

/** A number field of a row (or a numeric string); throws DatasetFormatError when missing. */
export function numberField(row: JsonlRow, name: string, path: string): number {
  const v = row.value[name];
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) {
    throw new DatasetFormatError(path, row.line, `field "${name}" is missing or not a number`);
  }
  return n;
}

/** Options every loader takes for subsampling. */
export interface SubsampleOptions {
  /** Keep at most this many items. */
  limit?: number;
  /** With a seed, items are shuffled deterministically before `limit` is applied; without, the first `limit` are kept. */
  seed?: number;
}

/** Apply `limit`/`seed` (validated: limit is a non-negative integer, seed an integer). */
export function subsample<T>(items: readonly T[], opts: SubsampleOptions, dataset: string): T[] {
  const { limit, seed } = opts;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new InvalidTaskOptionError(`dataset ${dataset}: limit must be a non-negative integer, got ${limit}`);
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new InvalidTaskOptionError(`dataset ${dataset}: seed must be an integer, got ${seed}`);
  }
  const ordered = seed === undefined ? items.slice() : new Rng(hashSeed(dataset, seed)).shuffle(items);
  return limit === undefined ? ordered : ordered.slice(0, limit);
}
