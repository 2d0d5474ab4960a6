/**
 * `POST /get_reward`: OpenRLHF's `--remote_rm_url` contract. The trainer (openrlhf/utils/remote_rm_utils.py)
 * posts `{"query": [...], "prompts": [...], "labels": [...]}` and reads `rewards`, `scores` and `extra_logs`
 * (as openrlhf/cli/serve_rm.py answers: lists as long as `query`, `extra_logs` a dict of such lists).
 *
 * Each query is prompt + response as the trainer decoded it; the response is what follows the prompt, cut at
 * the first end marker (response.ts). A label is a gold answer (math) or a JSON object with tests (code):
 * `{"language": "python", "tests": "assert f(1) == 2"}`, `{"tests": [{"fn", "args", "expected"}]}`,
 * `{"tests": [{"input", "output"}]}` or `{"inputs": [...], "outputs": [...]}` (stdin/stdout cases), with
 * optional `format`, `entry_point`, `prefix` (prepended when the code lacks the entry point) and `limits`.
 */
import type { Problem } from "../../types.js";
import { CodePool } from "../../verify/code/pool.js";
import { createCodeVerifier, type CodeProblemMeta } from "../../verify/code/verifier.js";
import {
  CODE_LANGUAGES,
  CODE_TEST_FORMATS,
  type CodeLanguage,
  type CodeLimits,
  type CodeRequest,
  type CodeResult,
  type CodeTestFormat,
} from "../../verify/code/types.js";
import { CodeRequestError } from "../../verify/code/errors.js";
import { resolveCodeLimits, validateCodeRequest } from "../../verify/code/validate.js";
import { badParam } from "../errors.js";
import type { Semaphore } from "./admission.js";
import type { MathPool } from "./math-pool.js";
import { gradedResponse, responseFromQuery } from "./response.js";

/** Which verifier a label goes to. */
export type RewardTask = "math" | "code" | "auto";

/** The `/get_reward` answer. */
export interface GetRewardResponse {
  rewards: number[];
  scores: number[];
  extra_logs: Record<string, number[]>;
}

/** A parsed code label. */
interface CodeLabel {
  language: CodeLanguage;
  tests: string | unknown[];
  format?: CodeTestFormat;
  entryPoint?: string;
  prefix?: string;
  limits?: CodeLimits;
}

type Item = { kind: "math"; gold: string } | { kind: "code"; label: CodeLabel };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseCodeLabel(param: string, o: Record<string, unknown>): CodeLabel {
  const language = o.language ?? "python";
  if (typeof language !== "string" || !CODE_LANGUAGES.includes(language as CodeLanguage)) {
    throw badParam(`${param}.language`, `${param}.language must be one of ${CODE_LANGUAGES.join(", ")} (got ${JSON.stringify(language)})`);
  }
  let tests: string | unknown[];
  let format = o.format;
  if (o.tests !== undefined) {
    if (typeof o.tests !== "string" && !Array.isArray(o.tests))
      throw badParam(`${param}.tests`, `${param}.tests must be test code (a string) or a list of cases`);
    tests = o.tests;
  } else if (Array.isArray(o.inputs) && Array.isArray(o.outputs)) {
    if (o.fn_name !== undefined)
      throw badParam(`${param}.fn_name`, `${param}.fn_name is not supported: give "tests" as [{"fn", "args", "expected"}] cases instead`);
    if (o.inputs.length !== o.outputs.length) throw badParam(`${param}.outputs`, `${param}.inputs and .outputs must have the same length`);
    const outputs = o.outputs as unknown[];
    // (a number is its text; an object or a list would become "[object Object]", which no program prints)
    const text = (v: unknown, at: string): string => {
      if (typeof v === "string" || typeof v === "number") return String(v);
      throw badParam(at, `${at} must be a string (the program's stdin or its expected stdout), got ${JSON.stringify(v)}`);
    };
    tests = o.inputs.map((input, i) => ({ input: text(input, `${param}.inputs[${i}]`), output: text(outputs[i], `${param}.outputs[${i}]`) }));
    format = "io";
  } else {
    throw badParam(`${param}.tests`, `${param} is a code label without tests: give "tests" (assert code or a list of cases) or "inputs" and "outputs"`);
  }
  if (format !== undefined && !CODE_TEST_FORMATS.includes(format as CodeTestFormat)) {
    throw badParam(`${param}.format`, `${param}.format must be one of ${CODE_TEST_FORMATS.join(", ")}`);
  }
  const entryPoint = o.entry_point ?? o.entryPoint;
  if (entryPoint !== undefined && typeof entryPoint !== "string") throw badParam(`${param}.entry_point`, `${param}.entry_point must be a string`);
  if (o.prefix !== undefined && typeof o.prefix !== "string") throw badParam(`${param}.prefix`, `${param}.prefix must be a string`);
  if (o.limits !== undefined && !isObject(o.limits)) throw badParam(`${param}.limits`, `${param}.limits must be an object such as {"timeoutMs": 5000}`);
  if (o.limits !== undefined) {
    // Limits the sandbox refuses made every answer to the label earn 0, silently: a 400 naming the limit.
    try {
      resolveCodeLimits(o.limits);
    } catch (e) {
      if (e instanceof CodeRequestError) throw badParam(`${param}.${e.field}`, `${param}: ${e.message}`);
      throw e;
    }
  }
  // A label whose tests can never run made every response earn 0, silently: a 400 naming the field instead.
  if ((typeof tests === "string" && tests.trim() === "") || (Array.isArray(tests) && tests.length === 0)) {
    throw badParam(`${param}.tests`, `${param} has no tests: a code label needs test code or at least one case, or it checks nothing`);
  }
  try {
    validateCodeRequest({ language: language as CodeLanguage, code: "", tests: tests as CodeRequest["tests"], format: format as CodeTestFormat | undefined });
  } catch (e) {
    if (e instanceof CodeRequestError) throw badParam(`${param}.${e.field}`, `${param}: ${e.message}`);
    throw e;
  }
  return {
    language: language as CodeLanguage,
    tests,
    format: format as CodeTestFormat | undefined,
    entryPoint: entryPoint,
    prefix: o.prefix,
    limits: o.limits,
  };
}

/** A code label given as an object, or as a string holding a JSON object; undefined when it is neither. */
function asCodeObject(label: unknown): Record<string, unknown> | undefined {
  if (isObject(label)) return label;
  if (typeof label === "string" && label.trimStart().startsWith("{")) {
    try {
      const o = JSON.parse(label) as unknown;
      if (isObject(o)) return o;
    } catch {
      // not JSON: a math answer that starts with "{"
    }
  }
  return undefined;
}

function parseItem(label: unknown, i: number, task: RewardTask): Item {
  const param = `labels[${i}]`;
  const obj = task === "math" ? undefined : asCodeObject(label);
  if (obj && (task === "code" || "tests" in obj || "inputs" in obj)) return { kind: "code", label: parseCodeLabel(param, obj) };
  if (task === "code") throw badParam(param, `${param} must be a code label: a JSON object with "tests" (or a string holding one)`);
  if (typeof label === "number" && Number.isFinite(label)) {
    // JSON numbers are read as doubles: an integer past 2^53 has already lost its last digits (12345678901234567890
    // reads as 12345678901234567000), so the right answer would earn 0 and a wrong one 1.
    if (Number.isInteger(label) && !Number.isSafeInteger(label)) {
      throw badParam(param, `${param} is an integer too large to read exactly from a JSON number (past 2^53): send the gold answer as a string`);
    }
    return { kind: "math", gold: String(label) };
  }
  if (typeof label !== "string")
    throw badParam(param, `${param} must be a gold answer (a string) or a code label object (got ${label === null ? "null" : typeof label})`);
  return { kind: "math", gold: label };
}

/** The parsed body: responses and their items. */
export interface GetRewardJob {
  responses: string[];
  items: Item[];
}

/** Validate a `/get_reward` body (400 naming the field on bad input). */
export function parseGetRewardBody(body: unknown, task: RewardTask): GetRewardJob {
  if (!isObject(body)) throw badParam("body", 'the body must be a JSON object {"query": [...], "prompts": [...], "labels": [...]}');
  const { query, prompts, labels } = body;
  if (!Array.isArray(query)) throw badParam("query", "query must be a list of strings (prompt + response, as OpenRLHF sends)");
  query.forEach((q, i) => {
    if (typeof q !== "string") throw badParam(`query[${i}]`, `query[${i}] must be a string`);
  });
  if (prompts !== undefined && prompts !== null) {
    if (!Array.isArray(prompts) || prompts.length !== query.length) throw badParam("prompts", `prompts must be a list as long as query (${query.length})`);
    prompts.forEach((p, i) => {
      if (typeof p !== "string") throw badParam(`prompts[${i}]`, `prompts[${i}] must be a string`);
    });
  }
  if (!Array.isArray(labels) || labels.length !== query.length) {
    throw badParam(
      "labels",
      `labels must be a list as long as query (${query.length}): the gold answers (math) or test objects (code); OpenRLHF sends them with --label_key`,
    );
  }
  const items = labels.map((l, i) => parseItem(l, i, task));
  const responses = (query as string[]).map((q, i) => gradedResponse(responseFromQuery(q, (prompts as string[] | undefined)?.[i])));
  return { responses, items };
}

/** What computing rewards needs from the server. */
export interface RewardEngines {
  math: MathPool;
  /** Bounds the programs running at once. */
  sandbox: Semaphore;
  /** Chunk size for the math pool. */
  mathChunk: number;
}

/**
 * A pool that runs every program under the request's signal, so that the request's deadline (or its client
 * going away) kills the program and frees its sandbox slot. Unbounded: the server's semaphore bounds programs.
 */
class SignalPool extends CodePool {
  constructor(private readonly signal: AbortSignal) {
    super({ concurrency: 1 << 20 });
  }

  override run(req: CodeRequest): Promise<CodeResult> {
    return super.run({ ...req, signal: this.signal });
  }
}

async function codeReward(response: string, label: CodeLabel, signal: AbortSignal): Promise<{ correct: boolean; ms: number }> {
  const codeVerifier = createCodeVerifier({ pool: new SignalPool(signal) });
  const meta: CodeProblemMeta = { language: label.language };
  if (label.format) meta.testFormat = label.format;
  if (Array.isArray(label.tests)) meta.cases = label.tests as CodeProblemMeta["cases"];
  if (label.entryPoint) meta.entryPoint = label.entryPoint;
  if (label.prefix) meta.codePrefix = label.prefix;
  if (label.limits) meta.limits = label.limits;
  const problem: Problem = {
    id: "get_reward",
    prompt: "",
    answer: typeof label.tests === "string" ? label.tests : "",
    verifier: codeVerifier,
    meta: meta as Record<string, unknown>,
  };
  const t0 = performance.now();
  const v = await codeVerifier.verify(response, problem);
  return { correct: v.correct, ms: performance.now() - t0 };
}

/** Compute the rewards of a parsed job. */
export async function computeRewards(job: GetRewardJob, engines: RewardEngines, signal: AbortSignal): Promise<GetRewardResponse> {
  const n = job.items.length;
  const correct = new Array<number>(n).fill(0);
  const ms = new Array<number>(n).fill(0);
  const isCode = new Array<number>(n).fill(0);
  const failed = new Array<number>(n).fill(0);
  const mathIdx: number[] = [];
  const work: Promise<void>[] = [];
  job.items.forEach((it, i) => {
    if (it.kind === "math") mathIdx.push(i);
    else {
      isCode[i] = 1;
      work.push(
        engines.sandbox
          .run(() => codeReward(job.responses[i], it.label, signal), signal)
          .then((r) => {
            correct[i] = r.correct ? 1 : 0;
            ms[i] = r.ms;
          }),
      );
    }
  });
  for (let s = 0; s < mathIdx.length; s += engines.mathChunk) {
    const idx = mathIdx.slice(s, s + engines.mathChunk);
    const pairs = idx.map((i) => ({ gold: (job.items[i] as { gold: string }).gold, response: job.responses[i] }));
    work.push(
      engines.math.pairs(pairs, signal).then(
        (vs) => {
          vs.forEach((v, k) => {
            correct[idx[k]] = v.correct ? 1 : 0;
            ms[idx[k]] = v.ms;
          });
        },
        (e: unknown) => {
          // A worker lost on these items: they earn 0 and are counted in extra_logs.error; the rest go on.
          if (signal.aborted) throw e;
          for (const i of idx) failed[i] = 1;
        },
      ),
    );
  }
  await Promise.all(work);
  const rewards = correct.slice();
  return { rewards, scores: rewards.slice(), extra_logs: { correct, is_code: isCode, error: failed, verify_ms: ms.map((x) => Math.round(x * 1000) / 1000) } };
}
