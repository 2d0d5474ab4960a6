/**
 * Self-checking in the main job's compact addition scratchpads ("7+5=12,4+8+1=13", a slip caught as
 * "7+5=13 wait 12"): per column, whether the first written sum is wrong (a slip), whether "wait"
 * follows, and whether the correction is right. It answers the question the R1 paper's "aha
 * moment" raises: does "wait" mark a real slip, and after RL does the model catch more of them?
 */
import { splitThinking } from "../core/think.js";

/** Self-checking statistics over a set of completions. */
export interface SelfCheckStats {
  /** Completions looked at. */
  completions: number;
  /** Of those, completions with a `<think>` scratchpad. */
  scratchpads: number;
  /** Column steps parsed in the scratchpads. */
  columns: number;
  /** Share of columns whose first written sum is wrong. */
  slips_per_column: number | null;
  /** Share of slips followed by "wait" and the right sum. */
  slips_caught: number | null;
  /** Mean number of "wait" corrections per scratchpad. */
  waits_per_scratchpad: number | null;
  /** Share of "wait" corrections that follow a real slip (the rest follow a right sum). */
  waits_after_a_slip: number | null;
}

/** One column step of a compact scratchpad. */
export interface ScratchpadColumn {
  /** The summed terms (digits and a carry). */
  terms: number[];
  /** The first sum written. */
  written: number;
  /** The sum written after "wait", if any. */
  corrected: number | null;
}

/** The column steps of a compact addition scratchpad (steps that do not parse are skipped). */
export function parseScratchpadColumns(thinking: string): ScratchpadColumn[] {
  const cols: ScratchpadColumn[] = [];
  for (const step of thinking.split(",")) {
    const m = step.trim().match(/^([\d+]+)=(\d+)(?: wait (\d+))?$/);
    if (!m || m[1].startsWith("+") || m[1].endsWith("+")) continue;
    cols.push({ terms: m[1].split("+").map(Number), written: Number(m[2]), corrected: m[3] === undefined ? null : Number(m[3]) });
  }
  return cols;
}

/** Slips and "wait" corrections in one scratchpad (its thinking text). */
export interface ScratchpadSlips {
  columns: number;
  slips: number;
  /** Slips followed by "wait" and the right sum. */
  caught: number;
  waits: number;
  /** "wait" corrections that follow a real slip. */
  waitsAfterSlip: number;
}

/** Count the slips and corrections of one scratchpad's thinking text. */
export function scratchpadSlips(thinking: string): ScratchpadSlips {
  const s: ScratchpadSlips = { columns: 0, slips: 0, caught: 0, waits: 0, waitsAfterSlip: 0 };
  for (const col of parseScratchpadColumns(thinking)) {
    s.columns++;
    const sum = col.terms.reduce((x, y) => x + y, 0);
    const slip = col.written !== sum;
    if (col.corrected !== null) {
      s.waits++;
      if (slip) s.waitsAfterSlip++;
    }
    if (!slip) continue;
    s.slips++;
    if (col.corrected === sum) s.caught++;
  }
  return s;
}

/** Self-checking statistics of completions (text after the prompt, e.g. "<think>…</think>132"). */
export function selfCheckStats(completions: string[]): SelfCheckStats {
  let scratchpads = 0;
  const t: ScratchpadSlips = { columns: 0, slips: 0, caught: 0, waits: 0, waitsAfterSlip: 0 };
  for (const text of completions) {
    const split = splitThinking(text);
    if (!split.opened) continue;
    scratchpads++;
    const s = scratchpadSlips(split.reasoning);
    t.columns += s.columns;
    t.slips += s.slips;
    t.caught += s.caught;
    t.waits += s.waits;
    t.waitsAfterSlip += s.waitsAfterSlip;
  }
  const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
  return {
    completions: completions.length,
    scratchpads,
    columns: t.columns,
    slips_per_column: ratio(t.slips, t.columns),
    slips_caught: ratio(t.caught, t.slips),
    waits_per_scratchpad: ratio(t.waits, scratchpads),
    waits_after_a_slip: ratio(t.waitsAfterSlip, t.waits),
  };
}
