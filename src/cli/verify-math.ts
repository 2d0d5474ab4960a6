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
 *   --allow-set-relation-comp, --extraction latex,expr,string, --strings A,B,C,D, and with the
 *   targets --boxed-match-priority N, --extraction-mode first_match) apply to every
 *   pair; a JSONL line may set its own: {"gold", "pred", "options": {"float_rounding": 2, ...}}.
 */
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { z } from "zod";
import { addOptions, resolveCommand } from "../config/index.js";
import { verifyMathSync } from "../verify/math/verify.js";
import type { MathVerdict, MathVerifyOptions } from "../verify/math/types.js";
import { EXTRACTION_MODES, FALLBACK_MODES, MathOptionError, resolveMathOptions } from "../verify/math/options.js";
import { mathVerdictLine as verdictLine, verifyMathLine } from "../verify/jsonl.js";
import { ScratchpadError } from "../core/errors.js";

export { verifyMathLine };

/** `scratchpad verify math`'s options (Math-Verify's option names as flags; the library validates their values). */
export const VerifyMathCliSchema = z
  .object({
    jsonl: z.boolean().default(false).meta({ description: 'read {"gold": "...", "pred": "..."} lines on stdin, write one verdict line each' }),
    gold: z.string().optional().meta({ description: "the gold answer (LaTeX, a number, `#### 18`, or a solution with \\boxed{})", arg: "answer" }),
    pred: z.string().optional().meta({ description: "the model response (or just its answer)", arg: "response" }),
    json: z.boolean().default(false).meta({ description: "print the verdict of --gold/--pred as JSON" }),
    timeout: z.number().gt(0).optional().meta({
      description: "time limit per verification in milliseconds",
      arg: "ms",
      defaultText: "1000",
      message: "must be a positive number of milliseconds",
    }),
    tolerance: z.number().min(0).optional().meta({
      description: "old rule: relative tolerance for a decimal against an exact non-integer value",
      arg: "rel",
      defaultText: "unset, --float-rounding decides",
      message: "must be a non-negative number",
    }),
    floatRounding: z.number().int().min(0).max(100).optional().meta({
      description: "decimal places a written decimal must agree to (Math-Verify's float_rounding; significant digits below 0.1)",
      message: "must be a whole number of decimal places from 0 to 100",
    }),
    strict: z.boolean().optional().meta({
      description: "variables matter and sets do not match tuples (Math-Verify's strict; the default)",
      boolean: "both",
      negatedDescription: "match variables by position (f(y) is f(x)) and sets with tuples",
    }),
    allowSetRelationComp: z.boolean().default(false).meta({ description: "a gold interval/set also matches an inequality answer (1 < y < 2 for (1, 2))" }),
    evaluateAnswerOperators: z.boolean().default(false).meta({
      description:
        "evaluate an integral, limit, derivative, sum or product left in the answer, as Math-Verify does (default: such an answer restates the question and is wrong)",
    }),
    extraction: z.array(z.string()).optional().meta({
      description:
        "where answers are read, in order: latex,expr,string (Math-Verify's targets) or boxed,answer-tag,final-answer,answer-line,bold,last-latex,whole,last-number,choice",
      arg: "list",
      list: "comma",
    }),
    goldExtraction: z
      .array(z.string())
      .optional()
      .meta({ description: "the same for gold answers", arg: "list", list: "comma", defaultText: "boxed,whole,final-answer,last-latex,last-number" }),
    strings: z.array(z.string()).optional().meta({ description: "the choices string extraction reads", arg: "list", list: "comma", defaultText: "A,B,C,D" }),
    boxedMatchPriority: z.number().int().min(-1).optional().meta({
      description:
        "with --extraction latex,...: priority of the response's \\boxed{} among Math-Verify's patterns (lower first: 0 before every phrase; -1 no box outside math delimiters; Math-Verify's boxed_match_priority)",
      arg: "n",
      defaultText: "50",
      message: "must be a whole number from -1 up",
    }),
    extractionMode: z.enum(EXTRACTION_MODES).optional().meta({
      description:
        "with --extraction latex,...: any_match tries the response's matches until one parses, first_match only the first (Math-Verify's extraction_mode)",
      arg: "mode",
      defaultText: "any_match",
    }),
    tryExtractWithoutAnchor: z.boolean().optional().meta({
      description:
        "with --extraction latex,...: also read a plain math span, number or whole text as the answer (Math-Verify's try_extract_without_anchor; the default)",
      boolean: "both",
      negatedDescription:
        "read the response's answer only where a box, \"final answer ... is\" or the word answer marks it (try_extract_without_anchor=False, as open-r1's accuracy reward)",
    }),
    fallbackMode: z.enum(FALLBACK_MODES).optional().meta({
      description:
        "with --extraction latex,...: first_match also compares the text of an answer that does not parse, no_fallback does not (Math-Verify's fallback_mode)",
      arg: "mode",
      defaultText: "first_match",
    }),
  })
  .strict();

type VerifyMathFlags = z.output<typeof VerifyMathCliSchema>;

function flagOptions(flags: VerifyMathFlags): MathVerifyOptions {
  const opts: MathVerifyOptions = {};
  if (flags.timeout !== undefined) opts.timeoutMs = flags.timeout;
  if (flags.tolerance !== undefined) opts.tolerance = flags.tolerance;
  if (flags.floatRounding !== undefined) opts.float_rounding = flags.floatRounding;
  if (flags.strict !== undefined) opts.strict = flags.strict;
  if (flags.allowSetRelationComp) opts.allow_set_relation_comp = true;
  if (flags.evaluateAnswerOperators) opts.evaluate_answer_operators = true;
  if (flags.extraction !== undefined) opts.extraction = flags.extraction as MathVerifyOptions["extraction"];
  if (flags.goldExtraction !== undefined) opts.goldExtraction = flags.goldExtraction as MathVerifyOptions["goldExtraction"];
  if (flags.strings !== undefined) opts.strings = flags.strings;
  if (flags.boxedMatchPriority !== undefined) opts.boxed_match_priority = flags.boxedMatchPriority;
  if (flags.extractionMode !== undefined) opts.extraction_mode = flags.extractionMode;
  if (flags.tryExtractWithoutAnchor !== undefined) opts.try_extract_without_anchor = flags.tryExtractWithoutAnchor;
  if (flags.fallbackMode !== undefined) opts.fallback_mode = flags.fallbackMode;
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
  const cmd = parent.command("math").description("Check math answers against gold answers: --jsonl (stdin → stdout) or --gold G --pred P");
  addOptions(cmd, VerifyMathCliSchema).action(async () => {
    const flags = resolveCommand<typeof VerifyMathCliSchema>(cmd);
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
