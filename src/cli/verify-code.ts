/**
 * `scratchpad verify code`: run programs against tests in the sandbox.
 *
 *   scratchpad verify code --jsonl < requests.jsonl
 *     one request per line: {"language": "python"|"javascript"|"typescript", "code": "...", "tests": "..." |
 *     [{fn, args, expected}] | [{input, output}], "format"?, "limits"?, "id"?}; one result line per request,
 *     in input order, while the requests run in parallel (--concurrency). A malformed line gets an error
 *     line ({"correct": false, "status": "error", "error": "..."}) and the batch goes on.
 *   scratchpad verify code --language python --code sol.py --tests tests.py
 *     one program; prints the result as JSON; exit status 0 when it passed, 1 otherwise.
 */
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { CodePool } from "../verify/code/pool.js";
import { sandboxInfo } from "../verify/code/sandbox-info.js";
import { CODE_LANGUAGES, type CodeLanguage, type CodeLimits, type CodeRequest } from "../verify/code/types.js";
import { codeErrorLine as errorLine, codeResultLine as resultLine, parseCodeLine as parseRequestLine } from "../verify/jsonl.js";
import { ScratchpadError } from "../core/errors.js";

interface VerifyCodeFlags {
  jsonl?: boolean;
  language?: string;
  code?: string;
  tests?: string;
  format?: string;
  timeout?: string;
  memory?: string;
  concurrency?: string;
  output?: boolean;
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ScratchpadError("invalid_option", `${flag} must be a positive integer, got "${value}"`);
  return n;
}

function flagLimits(flags: VerifyCodeFlags): CodeLimits {
  const limits: CodeLimits = {};
  const t = positiveInt("--timeout", flags.timeout);
  const m = positiveInt("--memory", flags.memory);
  if (t !== undefined) limits.timeoutMs = t;
  if (m !== undefined) limits.memoryMb = m;
  return limits;
}

async function runJsonl(flags: VerifyCodeFlags): Promise<void> {
  const pool = new CodePool({ concurrency: positiveInt("--concurrency", flags.concurrency) });
  const defaults = flagLimits(flags);
  const includeOutput = flags.output !== false;
  const pending: Promise<Record<string, unknown>>[] = [];
  let lineNo = 0;
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  // Print results in input order as soon as each one (and all before it) is done.
  let printed = 0;
  const flush = async (): Promise<void> => {
    while (printed < pending.length) {
      const line = await pending[printed];
      process.stdout.write(JSON.stringify(line) + "\n");
      printed++;
    }
  };
  let printing = Promise.resolve();
  for await (const raw of rl) {
    lineNo++;
    if (raw.trim() === "") continue;
    const n = lineNo;
    let job: Promise<Record<string, unknown>>;
    try {
      const { req, id } = parseRequestLine(raw, defaults);
      job = pool.run(req).then(
        (r) => resultLine(r, includeOutput, id),
        (e: unknown) => errorLine(n, e instanceof Error ? e.message : String(e), id),
      );
    } catch (e) {
      job = Promise.resolve(errorLine(n, (e as Error).message, undefined));
    }
    pending.push(job);
    printing = printing.then(flush);
  }
  await printing.then(flush);
}

async function runOne(flags: VerifyCodeFlags): Promise<void> {
  if (!flags.language || !flags.code) {
    throw new ScratchpadError("invalid_option", "give --jsonl (requests on stdin), or --language and --code <file> (and usually --tests <file>)");
  }
  if (!CODE_LANGUAGES.includes(flags.language as CodeLanguage)) {
    throw new ScratchpadError("invalid_option", `--language must be one of ${CODE_LANGUAGES.join(", ")}, got "${flags.language}"`);
  }
  const code = await readFile(flags.code, "utf8");
  let tests: CodeRequest["tests"];
  if (flags.tests) {
    const text = await readFile(flags.tests, "utf8");
    tests = flags.format === "calls" || flags.format === "io" ? (JSON.parse(text) as CodeRequest["tests"]) : text;
  }
  const req: CodeRequest = { language: flags.language as CodeLanguage, code, tests, limits: flagLimits(flags) };
  if (flags.format) req.format = flags.format as CodeRequest["format"];
  const r = await new CodePool({ concurrency: 1 }).run(req);
  process.stdout.write(JSON.stringify(resultLine(r, flags.output !== false, undefined), null, 2) + "\n");
  if (!r.correct) process.exitCode = 1;
}

/** Register `scratchpad verify code`. */
export function registerVerifyCodeCommand(parent: Command): void {
  parent
    .command("code")
    .description("Run programs against their tests in the sandbox (Python, JavaScript, TypeScript)")
    .option("--jsonl", "read requests as JSON lines on stdin, write one result line per request, in order")
    .option("--language <language>", `language of --code: ${CODE_LANGUAGES.join(", ")}`)
    .option("--code <file>", "the program to run")
    .option("--tests <file>", "test code (assert format), or a JSON array of cases with --format calls|io")
    .option("--format <format>", "test format: assert (default), calls, io")
    .option("--timeout <ms>", "wall-clock limit per program, in milliseconds (default 10000)")
    .option("--memory <mb>", "memory limit per program, in MiB (default 1024)")
    .option("--concurrency <n>", "programs run at once with --jsonl (default: number of cores)")
    .option("--no-output", "leave the programs' stdout and stderr out of the results")
    .action(async (flags: VerifyCodeFlags) => {
      sandboxInfo();
      if (flags.jsonl) await runJsonl(flags);
      else await runOne(flags);
    });
}
