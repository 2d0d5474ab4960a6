/**
 * Best-of-N for code with the public tests: the tests a solver may see (the doctest examples in a
 * Python prompt, or the tests the prompt itself lists, as MBPP's do), run in the code sandbox by the
 * problem's own verifier. The hidden tests still decide correctness; the public ones only choose.
 */
import type { Completion, Problem } from "../types.js";
import type { Scorer } from "./strategies.js";

/**
 * Doctest examples as assert lines: `>>> f(1, 2)` followed by its expected output `3` becomes
 * `assert (f(1, 2)) == (3)`. Examples without an expected output, or expecting an exception, are skipped.
 */
export function doctestAsserts(text: string): string[] {
  const lines = text.split("\n").map((l) => l.trim());
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith(">>> ")) continue;
    let expr = lines[i].slice(4);
    while (i + 1 < lines.length && lines[i + 1].startsWith("... ")) expr += "\n" + lines[++i].slice(4);
    const expected: string[] = [];
    while (
      i + 1 < lines.length &&
      lines[i + 1] !== "" &&
      !lines[i + 1].startsWith(">>>") &&
      !lines[i + 1].startsWith('"""') &&
      !lines[i + 1].startsWith("'''")
    ) {
      expected.push(lines[++i]);
    }
    const want = expected
      .join(" ")
      .replace(/("""|''')$/, "")
      .trim();
    if (want === "" || want.startsWith("Traceback")) continue;
    out.push(`assert (${expr}) == (${want})`);
  }
  return out;
}

/** The problem with only its public tests, or null when it shows none. */
export function publicTestProblem(p: Problem): Problem | null {
  if (p.meta.language !== undefined && p.meta.language !== "python") return null;
  const asserts = p.answer
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("assert "));
  if (asserts.length > 0 && asserts.every((a) => p.prompt.includes(a))) return p; // the prompt lists its tests
  const examples = doctestAsserts(String(p.meta.codePrompt ?? p.prompt));
  if (examples.length === 0) return null;
  const { cases: _cases, ...meta } = p.meta;
  return { ...p, answer: examples.join("\n") + "\n", meta: { ...meta, testFormat: "assert" } };
}

/**
 * A best-of-N scorer from the public tests: the verifier's score on them (1 = all pass), 0 when a
 * prompt's problem has no public tests. Prompts are matched to problems through `template`.
 */
export function publicTestScorer(problems: Problem[], template: (p: Problem) => string = (p) => p.prompt): Scorer {
  const byPrompt = new Map(problems.map((p) => [template(p), publicTestProblem(p)]));
  return async (prompt: string, c: Completion) => {
    const pub = byPrompt.get(prompt);
    if (!pub) return 0;
    const v = await pub.verifier.verify(c.text, pub);
    return v.score ?? (v.correct ? 1 : 0);
  };
}
