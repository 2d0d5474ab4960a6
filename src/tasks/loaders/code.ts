/**
 * Loaders for the code benchmarks: HumanEval (Python), MBPP (Python), MultiPL-E HumanEval in
 * JavaScript and TypeScript (evaluation only: its license forbids ML training), and Amazon mxeval's
 * HumanEval-TypeScript and MBPP-TypeScript (MBTSP). Each row becomes a Problem checked by the code
 * sandbox's `codeVerifier` (src/verify/code): `answer` holds the test program, `meta` the language,
 * entry point and the stub to prepend to body-only completions.
 */
import { join } from "node:path";
import type { Problem } from "../../types.js";
import { codeVerifier } from "../../verify/code/index.js";
import type { CodeLanguage } from "../../verify/code/index.js";
import { DatasetFormatError, InvalidTaskOptionError } from "../errors.js";
import { resolveDataDir } from "./data-dir.js";
import { type JsonlRow, field, numberField, readJsonl, subsample } from "./jsonl.js";
import type { LoaderOptions } from "./options.js";

const LANGUAGE_NAMES: Record<CodeLanguage, string> = { python: "Python", javascript: "JavaScript", typescript: "TypeScript" };

/** The instruction-style prompt around a code stub. */
export function codeInstruction(stub: string, language: CodeLanguage): string {
  const name = LANGUAGE_NAMES[language];
  return (
    `Complete the following ${name} function. Reply with the complete function in one \`\`\`${language} code block.\n\n` +
    `\`\`\`${language}\n${stub.replace(/\s+$/, "")}\n\`\`\``
  );
}

interface CodeRow {
  id: string;
  stub: string;
  tests: string;
  entryPoint: string;
  language: CodeLanguage;
  meta: Record<string, unknown>;
}

function toProblem(r: CodeRow, opts: LoaderOptions, dataset: string, instruction?: string): Problem {
  const style = opts.style ?? "instruction";
  if (style !== "instruction" && style !== "completion") {
    throw new InvalidTaskOptionError(`dataset ${dataset}: style must be "instruction" or "completion", got "${String(style)}"`);
  }
  return {
    id: r.id,
    prompt: style === "completion" ? r.stub : (instruction ?? codeInstruction(r.stub, r.language)),
    answer: r.tests,
    verifier: opts.verifier ?? codeVerifier,
    meta: {
      dataset,
      language: r.language,
      testFormat: "assert",
      entryPoint: r.entryPoint,
      codePrefix: r.stub,
      codePrompt: r.stub,
      ...r.meta,
    },
  };
}

async function rows(dataset: string, file: string, opts: LoaderOptions): Promise<{ rows: JsonlRow[]; path: string }> {
  const path = join(resolveDataDir(opts.dataDir), file);
  return { rows: await readJsonl(path, dataset), path };
}

/** HumanEval (164 Python problems). Test program: the `check` function, then `check(entry_point)`. */
export async function loadHumanEval(opts: LoaderOptions = {}): Promise<Problem[]> {
  const { rows: rs, path } = await rows("humaneval", "humaneval/HumanEval.jsonl", opts);
  const problems = rs.map((row) => {
    const entryPoint = field(row, "entry_point", path);
    const stub = field(row, "prompt", path);
    return toProblem(
      {
        id: field(row, "task_id", path),
        stub,
        tests: `${field(row, "test", path)}\n\ncheck(${entryPoint})\n`,
        entryPoint,
        language: "python",
        meta: { canonicalSolution: stub + field(row, "canonical_solution", path) },
      },
      opts,
      "humaneval",
    );
  });
  return subsample(problems, opts, "humaneval");
}

const MBPP_SPLITS: Record<string, [number, number]> = {
  test: [11, 510],
  prompt: [1, 10],
  validation: [511, 600],
  train: [601, 974],
  all: [1, 974],
};

/** The function the asserts call that the reference code defines (MBPP has no entry-point field). */
function mbppEntryPoint(code: string, tests: string[]): string | undefined {
  const defined = new Set([...code.matchAll(/^\s*def\s+([A-Za-z_]\w*)\s*\(/gm)].map((m) => m[1]));
  for (const t of tests) for (const m of t.matchAll(/([A-Za-z_]\w*)\s*\(/g)) if (defined.has(m[1])) return m[1];
  return [...defined][0];
}

/** MBPP (974 Python problems; split "test" = task ids 11-510 by default). */
export async function loadMbpp(opts: LoaderOptions = {}): Promise<Problem[]> {
  const split = opts.split ?? "test";
  const range = MBPP_SPLITS[split];
  if (!range) throw new InvalidTaskOptionError(`dataset mbpp: unknown split "${split}"; use ${Object.keys(MBPP_SPLITS).join(", ")}`);
  const { rows: rs, path } = await rows("mbpp", "mbpp/mbpp.jsonl", opts);
  const problems: Problem[] = [];
  for (const row of rs) {
    const taskId = numberField(row, "task_id", path);
    if (taskId < range[0] || taskId > range[1]) continue;
    const tests = row.value.test_list;
    if (!Array.isArray(tests) || !tests.every((t) => typeof t === "string")) {
      throw new DatasetFormatError(path, row.line, 'field "test_list" must be a list of strings');
    }
    const code = field(row, "code", path).replace(/\r\n/g, "\n");
    const setup = typeof row.value.test_setup_code === "string" ? row.value.test_setup_code.replace(/\r\n/g, "\n") : "";
    const entryPoint = mbppEntryPoint(code, tests);
    if (!entryPoint) throw new DatasetFormatError(path, row.line, "cannot tell which function the tests call");
    const text = field(row, "text", path);
    const prompt = `${text}\nYour code should pass these tests:\n\n${tests.join("\n")}`;
    const p = toProblem(
      {
        id: `mbpp/${taskId}`,
        stub: "",
        tests: `${setup ? setup + "\n" : ""}${tests.join("\n")}\n`,
        entryPoint,
        language: "python",
        meta: { canonicalSolution: code, taskId, text, split },
      },
      opts,
      "mbpp",
      `${prompt}\n\nWrite the Python function \`${entryPoint}\` in one \`\`\`python code block.`,
    );
    delete p.meta.codePrefix; // MBPP answers are whole functions: nothing to prepend
    if (opts.style === "completion") p.prompt = prompt;
    problems.push(p);
  }
  return subsample(problems, opts, "mbpp");
}

/** The last `function NAME(` in a JS/TS stub. */
function jsFunctionName(stub: string): string | undefined {
  const all = [...stub.matchAll(/function\s+([A-Za-z_$][\w$]*)\s*\(/g)];
  return all.length ? all[all.length - 1][1] : undefined;
}

/**
 * MultiPL-E HumanEval in JavaScript (161) or TypeScript (159). EVALUATION ONLY: the MultiPL-E license
 * forbids using it as ML training data (`meta.evalOnly` is true). Program = stub + completion + tests.
 */
export async function loadMultiplE(language: "javascript" | "typescript", opts: LoaderOptions = {}): Promise<Problem[]> {
  const short = language === "javascript" ? "js" : "ts";
  const dataset = `humaneval-${short}`;
  const { rows: rs, path } = await rows(dataset, `multipl-e/humaneval-${short}.jsonl`, opts);
  const problems = rs.map((row) => {
    const stub = field(row, "prompt", path);
    const entryPoint = jsFunctionName(stub);
    if (!entryPoint) throw new DatasetFormatError(path, row.line, "no `function NAME(` in the prompt");
    return toProblem(
      {
        id: field(row, "name", path),
        stub,
        tests: field(row, "tests", path),
        entryPoint,
        language,
        meta: { evalOnly: true, license: "MultiPL-E (BSD-3 with ML-training restriction): evaluation only" },
      },
      opts,
      dataset,
    );
  });
  return subsample(problems, opts, dataset);
}

async function loadMxeval(dataset: string, file: string, opts: LoaderOptions): Promise<Problem[]> {
  const { rows: rs, path } = await rows(dataset, file, opts);
  const problems = rs.map((row) =>
    toProblem(
      {
        id: field(row, "task_id", path),
        stub: field(row, "prompt", path),
        tests: field(row, "test", path),
        entryPoint: field(row, "entry_point", path),
        language: "typescript",
        meta: { description: typeof row.value.description === "string" ? row.value.description : undefined },
      },
      opts,
      dataset,
    ),
  );
  return subsample(problems, opts, dataset);
}

/** Amazon mxeval HumanEval-TypeScript (161 problems; MIT; no reference solutions). */
export function loadMxevalHumanEvalTs(opts: LoaderOptions = {}): Promise<Problem[]> {
  return loadMxeval("mxeval-humaneval-ts", "mxeval/HumanEval_typescript_v1.jsonl", opts);
}

/** Amazon mxeval MBTSP: MBPP translated to TypeScript (968 problems; CC-BY-4.0; its reference solutions are unreliable and not used). */
export function loadMbppTs(opts: LoaderOptions = {}): Promise<Problem[]> {
  return loadMxeval("mbpp-ts", "mxeval/mbtsp_release_v1.2.jsonl", opts);
}
