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
import { z } from "zod";
import { addOptions, resolveCommand } from "../config/index.js";
import { CodePool } from "../verify/code/pool.js";
import { sandboxInfo } from "../verify/code/sandbox-info.js";
import { CODE_LANGUAGES, type CodeLimits, type CodeRequest } from "../verify/code/types.js";
import { codeErrorLine as errorLine, codeResultLine as resultLine, parseCodeLine as parseRequestLine } from "../verify/jsonl.js";
import { ScratchpadError } from "../core/errors.js";

/** `scratchpad verify code`'s options (unset limits: the sandbox's defaults). */
export const VerifyCodeCliSchema = z
  .object({
    jsonl: z.boolean().default(false).meta({ description: "read requests as JSON lines on stdin, write one result line per request, in order" }),
    language: z.enum(CODE_LANGUAGES).optional().meta({ description: "language of --code", arg: "language" }),
    code: z.string().min(1).optional().meta({ description: "the program to run", arg: "file" }),
    tests: z.string().min(1).optional().meta({ description: "test code (assert format), or a JSON array of cases with --format calls|io", arg: "file" }),
    format: z.enum(["assert", "calls", "io"]).optional().meta({ description: "test format", arg: "format", defaultText: "assert" }),
    timeout: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: "wall-clock limit per program, in milliseconds", arg: "ms", defaultText: "10000", message: "must be a positive integer" }),
    memory: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: "memory limit per program, in MiB", arg: "mb", defaultText: "1024", message: "must be a positive integer" }),
    concurrency: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: "programs run at once with --jsonl", defaultText: "number of cores", message: "must be a positive integer" }),
    output: z.boolean().default(true).meta({ description: "leave the programs' stdout and stderr out of the results", boolean: "negate" }),
  })
  .strict();

type VerifyCodeFlags = z.output<typeof VerifyCodeCliSchema>;

function flagLimits(flags: VerifyCodeFlags): CodeLimits {
  const limits: CodeLimits = {};
  if (flags.timeout !== undefined) limits.timeoutMs = flags.timeout;
  if (flags.memory !== undefined) limits.memoryMb = flags.memory;
  return limits;
}

async function runJsonl(flags: VerifyCodeFlags): Promise<void> {
  const pool = new CodePool({ concurrency: flags.concurrency });
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
  const code = await readFile(flags.code, "utf8");
  let tests: CodeRequest["tests"];
  if (flags.tests) {
    const text = await readFile(flags.tests, "utf8");
    tests = flags.format === "calls" || flags.format === "io" ? (JSON.parse(text) as CodeRequest["tests"]) : text;
  }
  const req: CodeRequest = { language: flags.language, code, tests, limits: flagLimits(flags) };
  if (flags.format) req.format = flags.format;
  const r = await new CodePool({ concurrency: 1 }).run(req);
  process.stdout.write(JSON.stringify(resultLine(r, flags.output !== false, undefined), null, 2) + "\n");
  if (!r.correct) process.exitCode = 1;
}

/** Register `scratchpad verify code`. */
export function registerVerifyCodeCommand(parent: Command): void {
  const cmd = parent.command("code").description("Run programs against their tests in the sandbox (Python, JavaScript, TypeScript)");
  addOptions(cmd, VerifyCodeCliSchema).action(async () => {
    const flags = resolveCommand<typeof VerifyCodeCliSchema>(cmd);
    sandboxInfo();
    if (flags.jsonl) await runJsonl(flags);
    else await runOne(flags);
  });
}
