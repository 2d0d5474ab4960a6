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
 *   Math-Verify's options as flags (--float-rounding N, --strict / --no-strict,
 *   --allow-set-relation-comp, --extraction latex,expr,string, --strings A,B,C,D) apply to every
 *   pair; a JSONL line may set its own: {"gold", "pred", "options": {"float_rounding": 2, ...}}.
 */
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { verifyMathSync } from "../verify/math/verify.js";
import type { MathVerdict, MathVerifyOptions } from "../verify/math/types.js";
import { MathOptionError, resolveMathOptions } from "../verify/math/options.js";
import { mathVerdictLine as verdictLine, verifyMathLine } from "../verify/jsonl.js";
import { ScratchpadError } from "../core/errors.js";

export { verifyMathLine };

interface VerifyMathFlags {
  jsonl?: boolean;
  gold?: string;
  pred?: string;
  json?: boolean;
  timeout?: string;
  tolerance?: string;
  floatRounding?: string;
  strict?: boolean;
  allowSetRelationComp?: boolean;
  extraction?: string;
  goldExtraction?: string;
  strings?: string;
}

const list = (s: string): string[] =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");

function flagOptions(flags: VerifyMathFlags): MathVerifyOptions {
  const opts: MathVerifyOptions = {};
  if (flags.timeout !== undefined) {
    const t = Number(flags.timeout);
    if (!Number.isFinite(t) || t <= 0) throw new ScratchpadError("invalid_option", `--timeout must be a positive number of milliseconds, got "${flags.timeout}"`);
    opts.timeoutMs = t;
  }
  if (flags.tolerance !== undefined) {
    const t = Number(flags.tolerance);
    if (!Number.isFinite(t) || t < 0) throw new ScratchpadError("invalid_option", `--tolerance must be a non-negative number, got "${flags.tolerance}"`);
    opts.tolerance = t;
  }
  if (flags.floatRounding !== undefined) {
    const n = Number(flags.floatRounding);
    if (!Number.isInteger(n) || n < 0 || n > 100) throw new ScratchpadError("invalid_option", `--float-rounding must be a whole number of decimal places from 0 to 100, got "${flags.floatRounding}"`);
    opts.float_rounding = n;
  }
  if (flags.strict !== undefined) opts.strict = flags.strict;
  if (flags.allowSetRelationComp) opts.allow_set_relation_comp = true;
  if (flags.extraction !== undefined) opts.extraction = list(flags.extraction) as MathVerifyOptions["extraction"];
  if (flags.goldExtraction !== undefined) opts.goldExtraction = list(flags.goldExtraction) as MathVerifyOptions["goldExtraction"];
  if (flags.strings !== undefined) opts.strings = list(flags.strings);
  try {
    resolveMathOptions(opts);
  } catch (e) {
    if (e instanceof MathOptionError) throw new ScratchpadError("invalid_option", `--${e.message.replace(/^(\w+)/, (m) => m.replace(/_/g, "-"))}`);
    throw e;
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
    .option("--tolerance <rel>", "old rule: relative tolerance for a decimal against an exact non-integer value (default: unset, --float-rounding decides)")
    .option("--float-rounding <n>", "decimal places a written decimal must agree to (Math-Verify's float_rounding; significant digits below 0.1)", undefined)
    .option("--strict", "variables matter and sets do not match tuples (Math-Verify's strict; the default)")
    .option("--no-strict", "match variables by position (f(y) is f(x)) and sets with tuples")
    .option("--allow-set-relation-comp", "a gold interval/set also matches an inequality answer (1 < y < 2 for (1, 2))")
    .option("--extraction <list>", "where answers are read, in order: latex,expr,string (Math-Verify's targets) or boxed,answer-tag,final-answer,answer-line,bold,last-latex,whole,last-number,choice")
    .option("--gold-extraction <list>", "the same for gold answers (default: boxed,whole,final-answer,last-latex,last-number)")
    .option("--strings <list>", "the choices string extraction reads (default A,B,C,D)")
    .action(async (flags: VerifyMathFlags) => {
      const options = flagOptions(flags);
      if (flags.jsonl) {
        if (flags.gold !== undefined || flags.pred !== undefined) throw new ScratchpadError("invalid_option", "use either --jsonl or --gold/--pred, not both");
        await runJsonl(options);
        return;
      }
      if (flags.gold === undefined || flags.pred === undefined) {
        throw new ScratchpadError("invalid_option", "give --gold and --pred (or --jsonl to read pairs on stdin); see `scratchpad verify math --help`");
      }
      const v = verifyMathSync(flags.gold, flags.pred, options);
      printOne(v, flags.json === true);
      if (!v.correct) process.exitCode = 1;
    });
}
