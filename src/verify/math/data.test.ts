// The real benchmark data parses: every MATH-500 gold answer, and each one against the boxed answer
// of its own reference solution; GSM8K `####` answers; AIME and AMC answers.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAnswer, verifyMathSync } from "./index.js";

const DATA = fileURLToPath(new URL("../../../data/", import.meta.url));
const rows = (file: string): Record<string, unknown>[] =>
  readFileSync(DATA + file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe.runIf(existsSync(DATA + "math500/test.jsonl"))("benchmark data", () => {
  it("parses all 500 MATH-500 gold answers, and each matches its own solution", () => {
    const problems: string[] = [];
    for (const r of rows("math500/test.jsonl")) {
      const answer = String(r.answer);
      if (!parseAnswer(answer).tree) problems.push(`unparsed gold ${answer}`);
      const v = verifyMathSync(answer, String(r.solution));
      if (!v.correct) problems.push(`${answer} vs own solution: ${v.reason} (${v.extracted})`);
    }
    expect(problems).toEqual([]);
  });

  it("reads every GSM8K answer after ####, with the worked solution as the gold", () => {
    const problems: string[] = [];
    for (const r of rows("gsm8k/test.jsonl")) {
      const solution = String(r.answer);
      const final = solution.split("####").pop()!.trim();
      if (!parseAnswer(final).tree) problems.push(`unparsed ${final}`);
      if (!verifyMathSync(solution, `So the answer is ${final}.`).correct) problems.push(`${final} not matched`);
      if (verifyMathSync(solution, `So the answer is ${Number(final.replace(/,/g, "")) + 1}.`).correct) problems.push(`${final} matched +1`);
    }
    expect(problems).toEqual([]);
  });

  it("parses AIME 2024/2025 and AMC 2023 answers", () => {
    for (const f of ["aime24/test.jsonl", "aime25/test.jsonl", "amc23/test.jsonl"]) {
      for (const r of rows(f)) {
        expect(parseAnswer(String(r.answer)).tree, `${f}: ${String(r.answer)}`).not.toBeNull();
        expect(verifyMathSync(String(r.answer), `\\boxed{${String(r.answer)}}`).correct).toBe(true);
      }
    }
  });
});
