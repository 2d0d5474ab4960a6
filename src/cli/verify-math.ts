/**
 * `scratchpad verify math`: check math answers against gold answers (no model needed).
 *
 *   scratchpad verify math --jsonl < pairs.jsonl
 *     one request per line: {"gold": "...", "pred": "...", "id"?: ...} ("response" is accepted for
 *     "pred"); one result line per request, in input order:
 *     {"correct": true|false, "reason": "...", "extracted": "...", "source": "...", "gold": "..."}.
 *     A malformed line gets {"error": "line N: ..."} and the batch goes on. Blank lines are skipped.
 *   scratchpad verify math --gold G --pred P [--json]
 *     one pair; prints a readable verdict (or JSON); exit status 0 when correct, 1 otherwise.
 */
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { verifyMathSync } from "../verify/math/verify.js";
import type { MathVerdict, MathVerifyOptions } from "../verify/math/types.js";
import { mathVerdictLine as verdictLine, verifyMathLine } from "../verify/jsonl.js";

export { verifyMathLine };

interface VerifyMathFlags {
  jsonl?: boolean;
  gold?: string;
  pred?: string;
  json?: boolean;
  timeout?: string;
  tolerance?: string;
}

function flagOptions(flags: VerifyMathFlags): MathVerifyOptions {
  const opts: MathVerifyOptions = {};
  if (flags.timeout !== undefined) {
    const t = Number(flags.timeout);
    if (!Number.isFinite(t) || t <= 0) throw new Error(`--timeout must be a positive number of milliseconds, got "${flags.timeout}"`);
    opts.timeoutMs = t;
  }
  if (flags.tolerance !== undefined) {
    const t = Number(flags.tolerance);
    if (!Number.isFinite(t) || t < 0) throw new Error(`--tolerance must be a non-negative number, got "${flags.tolerance}"`);
    opts.tolerance = t;
  }
  return opts;
}

async function runJsonl(options: MathVerifyOptions): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  let buffer = "";
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === "") continue;
    buffer += JSON.stringify(verifyMathLine(line, lineNo, options)) + "\n";
    if (buffer.length > 1 << 16) {
      process.stdout.write(buffer);
      buffer = "";
    }
  }
  process.stdout.write(buffer);
}

function printOne(v: MathVerdict, json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ ...verdictLine(v, undefined), elapsedMs: Number(v.elapsedMs.toFixed(3)) }));
    return;
  }
  console.log(`${v.correct ? "correct" : "incorrect"}: ${v.reason}`);
  if (v.gold !== undefined) console.log(`  gold:      ${v.gold}`);
  if (v.extracted !== undefined) console.log(`  extracted: ${v.extracted}${v.source ? ` (from ${v.source})` : ""}`);
  console.log(`  time:      ${v.elapsedMs.toFixed(3)} ms`);
}

/** Register `scratchpad verify math`. */
export function registerVerifyMathCommand(parent: Command): void {
  parent
    .command("math")
    .description("Check math answers against gold answers: --jsonl (stdin → stdout) or --gold G --pred P")
    .option("--jsonl", 'read {"gold": "...", "pred": "..."} lines on stdin, write one verdict line each')
    .option("--gold <answer>", "the gold answer (LaTeX, a number, `#### 18`, or a solution with \\boxed{})")
    .option("--pred <response>", "the model response (or just its answer)")
    .option("--json", "print the verdict of --gold/--pred as JSON")
    .option("--timeout <ms>", "time limit per verification in milliseconds (default 1000)")
    .option("--tolerance <rel>", "relative tolerance when a decimal is compared with an exact value (default 1e-6)")
    .action(async (flags: VerifyMathFlags) => {
      const options = flagOptions(flags);
      if (flags.jsonl) {
        if (flags.gold !== undefined || flags.pred !== undefined) throw new Error("use either --jsonl or --gold/--pred, not both");
        await runJsonl(options);
        return;
      }
      if (flags.gold === undefined || flags.pred === undefined) {
        throw new Error("give --gold and --pred (or --jsonl to read pairs on stdin); see `scratchpad verify math --help`");
      }
      const v = verifyMathSync(flags.gold, flags.pred, options);
      printOne(v, flags.json === true);
      if (!v.correct) process.exitCode = 1;
    });
}
