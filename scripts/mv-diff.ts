/**
 * Differential test of the math verifier against a reference Math-Verify: builds a large set of
 * inputs that are NOT the fixture's held-out half — the tune half, every variant of
 * scripts/mv-families.ts, every rewrite of scripts/mv-metamorphic.ts, and generated cases (integers,
 * fractions, decimals, percentages, intervals, sets, tuples, equations, inequalities, roots; LaTeX
 * and plain text; boxed or not; with prose around them; under each extraction combination and
 * option) — runs `verifyMathSync` on each, pipes the same items to a reference runner and prints
 * the disagreements grouped by a short class signature, with counts and examples.
 *
 *   npx tsx scripts/mv-diff.ts --ref "/usr/bin/python3 scripts/mathverify-ref/run.py" [--only tune|families|meta|gen|real]
 *        [--gen N] [--seed S] [--examples K] [--out FILE.json] [--show-heldout]
 *
 * `--only real` is a second, separate check built from the shipped benchmark data (MATH-500, GSM8K;
 * realCases): its cases are split in halves by a hash, the agreement of both halves is printed, and
 * only the tune half's disagreements are listed (the held-out half is measured, not looked at, unless
 * --show-heldout).
 *
 * The reference reads JSONL `{"gold","pred","options"}` on stdin (options in Math-Verify's names) and
 * writes one line `{"verdict": true|false|null, "error", "parsed_gold", "parsed_pred"}` per input.
 * No reference is shipped: docs/verify-math.md ("Differential testing") says how one is set up.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "../src/core/rng.js";
import { verifyMathSync } from "../src/verify/math/verify.js";
import type { MathVerifyOptions } from "../src/verify/math/types.js";
import { FAMILIES } from "./mv-families.js";
import { TRANSFORMS, loadTune } from "./mv-metamorphic.js";

/** One input for both verifiers. */
export interface DiffCase {
  gold: string;
  pred: string;
  options: MathVerifyOptions;
  /** Where it comes from: `tune`, `families:NAME`, `meta:REWRITE`, `gen:KIND:FORM`. */
  origin: string;
}

/** What the reference runner answers for one case. */
export interface RefResult {
  verdict: boolean | null;
  error?: string | null;
  parsed_gold?: string;
  parsed_pred?: string;
}

/** The project's seeded generator (mulberry32) as a function of no arguments. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

/** An answer written two ways: as LaTeX and as plain text (null when it has no plain form). */
interface Form {
  latex: string;
  text: string | null;
}

/** A generated value: the forms that mean it, and forms of a different (wrong) value. */
interface GenValue {
  kind: string;
  same: Form[];
  wrong: Form[];
}

function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b);
}

/** Random values of every kind the generator knows. */
function genValue(r: () => number): GenValue {
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const kind = pick(["int", "bigint", "frac", "decimal", "percent", "interval", "set", "tuple", "equation", "inequality", "root", "negative"]);
  switch (kind) {
    case "int": {
      const n = int(0, 500);
      return {
        kind,
        same: [
          { latex: `${n}`, text: `${n}` },
          { latex: `${n}.0`, text: `${n}.0` },
        ],
        wrong: [{ latex: `${n + 1}`, text: `${n + 1}` }],
      };
    }
    case "bigint": {
      const n = int(1000, 9_999_999);
      const sep = n.toLocaleString("en-US");
      return {
        kind,
        same: [
          { latex: `${n}`, text: `${n}` },
          { latex: sep.replace(/,/g, "{,}"), text: sep },
        ],
        wrong: [{ latex: `${n + 10}`, text: `${n + 10}` }],
      };
    }
    case "negative": {
      const n = -int(1, 300);
      return { kind, same: [{ latex: `${n}`, text: `${n}` }], wrong: [{ latex: `${-n}`, text: `${-n}` }] };
    }
    case "frac": {
      let p = int(1, 40);
      let q = int(2, 17);
      const g = gcd(p, q);
      p /= g;
      q /= g;
      if (q === 1) q = 7;
      const dec = (p / q).toFixed(6);
      return {
        kind,
        same: [
          { latex: `\\frac{${p}}{${q}}`, text: `${p}/${q}` },
          { latex: `\\dfrac{${p}}{${q}}`, text: null },
          { latex: dec, text: dec },
        ],
        wrong: [
          { latex: `\\frac{${q}}{${p}}`, text: `${q}/${p}` },
          { latex: (p / q).toFixed(2), text: (p / q).toFixed(2) },
        ],
      };
    }
    case "decimal": {
      const d = int(1, 9999) / 100;
      const s = d.toString();
      const tenths = Math.round(d * 100);
      const g = gcd(tenths, 100);
      return {
        kind,
        same: [
          { latex: s, text: s },
          { latex: `\\frac{${tenths / g}}{${100 / g}}`, text: `${tenths / g}/${100 / g}` },
        ],
        wrong: [{ latex: (d + 0.1).toFixed(2), text: (d + 0.1).toFixed(2) }],
      };
    }
    case "percent": {
      const n = int(1, 99);
      return {
        kind,
        same: [
          { latex: `${n}\\%`, text: `${n}%` },
          { latex: `${n}`, text: `${n} percent` },
        ],
        wrong: [{ latex: `${n + 1}\\%`, text: `${n + 1}%` }],
      };
    }
    case "interval": {
      const a = int(-20, 10);
      const b = a + int(1, 15);
      const lo = pick(["(", "["]);
      const hi = pick([")", "]"]);
      const lt1 = lo === "(" ? "<" : "\\le";
      const lt2 = hi === ")" ? "<" : "\\le";
      return {
        kind,
        same: [
          { latex: `${lo}${a}, ${b}${hi}`, text: `${lo}${a}, ${b}${hi}` },
          { latex: `${a} ${lt1} x ${lt2} ${b}`, text: null },
        ],
        wrong: [
          { latex: `${lo === "(" ? "[" : "("}${a}, ${b}${hi}`, text: null },
          { latex: `${lo}${a}, ${b + 1}${hi}`, text: null },
        ],
      };
    }
    case "set": {
      const xs = [int(-9, 9), int(10, 19), int(20, 40)];
      return {
        kind,
        same: [
          { latex: `\\{${xs.join(", ")}\\}`, text: null },
          { latex: xs.join(", "), text: xs.join(", ") },
          { latex: [...xs].reverse().join(", "), text: null },
        ],
        wrong: [
          { latex: xs.slice(0, 2).join(", "), text: xs.slice(0, 2).join(", ") },
          { latex: `\\{${xs[0]}, ${xs[1]}, ${xs[2] + 1}\\}`, text: null },
        ],
      };
    }
    case "tuple": {
      const a = int(-9, 9);
      const b = a + int(1, 9);
      return { kind, same: [{ latex: `(${a}, ${b})`, text: `(${a}, ${b})` }], wrong: [{ latex: `(${b}, ${a})`, text: `(${b}, ${a})` }] };
    }
    case "equation": {
      const v = int(-30, 30);
      const n = pick(["x", "y", "k"]);
      return {
        kind,
        same: [
          { latex: `${n} = ${v}`, text: `${n} = ${v}` },
          { latex: `${v}`, text: `${v}` },
        ],
        wrong: [{ latex: `${n} = ${v + 2}`, text: `${n} = ${v + 2}` }],
      };
    }
    case "inequality": {
      const v = int(-10, 10);
      return {
        kind,
        same: [
          { latex: `x > ${v}`, text: `x > ${v}` },
          { latex: `(${v}, \\infty)`, text: null },
          { latex: `${v} < x`, text: null },
        ],
        wrong: [
          { latex: `x \\ge ${v}`, text: null },
          { latex: `x < ${v}`, text: `x < ${v}` },
        ],
      };
    }
    default: {
      // root: a√b with b squarefree in {2,3,5,6,7}
      const a = int(2, 9);
      const b = pick([2, 3, 5, 6, 7]);
      return {
        kind: "root",
        same: [
          { latex: `${a}\\sqrt{${b}}`, text: null },
          { latex: `\\sqrt{${a * a * b}}`, text: null },
        ],
        wrong: [{ latex: `${a + 1}\\sqrt{${b}}`, text: null }],
      };
    }
  }
}

/** How a gold answer is written. */
const GOLD_FORMS: [string, (f: Form) => string | null][] = [
  ["$g$", (f) => `$${f.latex}$`],
  ["boxed", (f) => `\\boxed{${f.latex}}`],
  ["raw", (f) => f.latex],
];

/** How a response presents its answer. */
const PRED_FORMS: [string, (f: Form) => string | null][] = [
  ["$boxed$", (f) => `We simplify step by step. $\\boxed{${f.latex}}$`],
  ["boxed", (f) => `Therefore the answer is \\boxed{${f.latex}}.`],
  ["final-answer", (f) => `Therefore, the final answer is $\\boxed{${f.latex}}$. I hope it is correct.`],
  ["answer-is-$", (f) => `Adding $3 + 4 = 7$ first, the answer is $${f.latex}$.`],
  ["display", (f) => `Putting it together:\n\\[ ${f.latex} \\]`],
  ["paren", (f) => `So we get \\(${f.latex}\\)`],
  ["bold-answer", (f) => (f.text === null ? null : `**Answer:** ${f.text}`)],
  ["text-answer", (f) => (f.text === null ? null : `After 12 steps the answer is ${f.text}`)],
  ["text-last", (f) => (f.text === null ? null : `We try 2 and 3 first. So the result is ${f.text}.`)],
  ["whole", (f) => (f.text === null ? null : f.text)],
  ["whole-latex", (f) => f.latex],
];

/** Extraction combinations and options every generated case is tried under. */
const OPTION_SETS: MathVerifyOptions[] = [
  { extraction: ["latex"] },
  { extraction: ["expr"] },
  { extraction: ["latex", "expr"] },
  { extraction: ["latex", "expr"], float_rounding: 2 },
  { extraction: ["latex", "expr"], strict: false },
  { extraction: ["latex"], allow_set_relation_comp: true },
];

/** `n` generated cases from `seed`. */
export function generatedCases(n: number, seed: number): DiffCase[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const out: DiffCase[] = [];
  let guard = 0;
  while (out.length < n && guard++ < n * 20) {
    const v = genValue(r);
    const goldForm = pick(GOLD_FORMS);
    const gold = goldForm[1](v.same[0]);
    const right = r() < 0.6;
    const f = right ? pick(v.same) : pick(v.wrong);
    const predForm = pick(PRED_FORMS);
    const pred = predForm[1](f);
    if (gold === null || pred === null) continue;
    out.push({ gold, pred, options: pick(OPTION_SETS), origin: `gen:${v.kind}:${goldForm[0]}>${predForm[0]}:${right ? "same" : "other"}` });
  }
  return out;
}

const DATA = join(dirname(fileURLToPath(import.meta.url)), "..", "data");

function readJsonl(path: string): Record<string, string>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, string>);
}

/** `tune` or `heldout` for a `real:` case, by a hash of its content (half each). */
export function realSplit(c: DiffCase): "tune" | "heldout" {
  const h = createHash("sha256")
    .update(JSON.stringify([c.gold, c.pred, c.options]))
    .digest();
  return h[0] % 2 === 0 ? "tune" : "heldout";
}

/**
 * Cases from the shipped benchmark data, as a trainer meets them: MATH-500's answers (gold `$answer$`)
 * against its own worked solutions, another problem's solution, the answer in a final-answer sentence,
 * a box, a plain "the answer is" sentence and another problem's answer; GSM8K's answers against its
 * solutions (`#### 72` lines) and answer sentences. Under Math-Verify's default targets (latex + expr)
 * and latex alone. Split into `tune` and `heldout` by a hash of the case (realSplit).
 */
export function realCases(): DiffCase[] {
  const out: DiffCase[] = [];
  const math = readJsonl(join(DATA, "math500", "test.jsonl"));
  const gsm = readJsonl(join(DATA, "gsm8k", "test.jsonl")).slice(0, 300);
  const optionSets: MathVerifyOptions[] = [{ extraction: ["latex", "expr"] }, { extraction: ["latex"] }];
  math.forEach((row, i) => {
    const other = math[(i + 1) % math.length];
    const a = row.answer;
    const gold = `$${a}$`;
    const preds: [string, string][] = [
      ["solution", row.solution],
      ["other-solution", other.solution],
      ["final-answer", `Let me work it out.\n\nThe final answer is $\\boxed{${a}}$. I hope it is correct.`],
      ["box-dfrac", `So we get \\boxed{${a.replaceAll("\\frac", "\\dfrac")}}.`],
      ["answer-sentence", `Therefore, the answer is ${a}.`],
      ["other-box", `Thus the result is $\\boxed{${other.answer}}$.`],
    ];
    for (const options of optionSets) for (const [form, pred] of preds) out.push({ gold, pred, options, origin: `real:math500:${form}` });
  });
  gsm.forEach((row, i) => {
    const answerOf = (r: Record<string, string>): string => (r.answer.split("####").pop() ?? "").trim().replaceAll(",", "");
    const a = answerOf(row);
    const other = answerOf(gsm[(i + 1) % gsm.length]);
    const preds: [string, string][] = [
      ["solution", row.answer],
      ["answer-sentence", `${row.answer.split("####")[0].trim()}\nThe answer is ${a}.`],
      ["other-answer", `${row.answer.split("####")[0].trim()}\nThe answer is ${other}.`],
      ["boxed", `So she makes $\\boxed{${a}}$ dollars.`],
    ];
    for (const options of optionSets) for (const [form, pred] of preds) out.push({ gold: a, pred, options, origin: `real:gsm8k:${form}` });
  });
  return out;
}

/** Every non-held-out case: tune half, family variants, metamorphic rewrites, generated. */
export function buildCases(opts: { only?: string; gen: number; seed: number }): DiffCase[] {
  const out: DiffCase[] = [];
  const want = (k: string): boolean => !opts.only || opts.only === k;
  const tune = loadTune();
  if (want("tune")) for (const c of tune) out.push({ gold: c.gold, pred: c.pred, options: c.options, origin: "tune" });
  if (want("families"))
    for (const [name, [options, variants]] of Object.entries(FAMILIES))
      for (const [gold, pred, , o] of variants) out.push({ gold, pred, options: o ?? options, origin: `families:${name}` });
  if (want("meta"))
    for (const [name, t] of Object.entries(TRANSFORMS))
      for (const c of tune) {
        const r = t(c);
        if (r) out.push({ gold: r.gold, pred: r.pred, options: c.options, origin: `meta:${name}` });
      }
  if (want("gen")) out.push(...generatedCases(opts.gen, opts.seed));
  // The benchmark-data cases are a second check with its own held-out half: only with --only real.
  if (opts.only === "real") out.push(...realCases());
  return out;
}

/** Run the reference command on the cases (JSONL in, JSONL out). */
export function runReference(cmd: string, cases: DiffCase[]): RefResult[] {
  const input = cases.map((c) => JSON.stringify({ gold: c.gold, pred: c.pred, options: c.options })).join("\n") + "\n";
  const r = spawnSync(cmd, { shell: true, input, maxBuffer: 1 << 30, encoding: "utf8", stdio: ["pipe", "pipe", "inherit"] });
  if (r.status !== 0) throw new Error(`reference command failed (exit ${r.status}${r.error ? `: ${r.error.message}` : ""})`);
  const lines = r.stdout.split("\n").filter((l) => l.trim() !== "");
  if (lines.length !== cases.length) throw new Error(`reference answered ${lines.length} lines for ${cases.length} cases`);
  return lines.map((l) => JSON.parse(l) as RefResult);
}

/** A short class signature for a disagreement: direction, origin group, extraction. */
export function signature(c: DiffCase, ours: boolean, ref: RefResult): string {
  const dir = ref.verdict === null ? "ref-error" : ours ? "ours T / ref F" : "ours F / ref T";
  const group = c.origin.startsWith("gen:") ? c.origin.split(":").slice(0, 3).join(":") : c.origin;
  const ex = (c.options.extraction ?? ["default"]).join("+");
  const extra = [
    c.options.strict === false ? "nonstrict" : "",
    c.options.float_rounding !== undefined ? `fr${c.options.float_rounding}` : "",
    c.options.allow_set_relation_comp ? "setrel" : "",
  ]
    .filter(Boolean)
    .join(",");
  return `${dir} | ${group} | ${ex}${extra ? ` ${extra}` : ""}`;
}

function main(): void {
  process.stdout.on("error", () => process.exit(0));
  const args = process.argv.slice(2);
  const arg = (k: string): string | undefined => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
  const ref = arg("--ref");
  if (!ref) {
    console.error(
      [
        'mv-diff: no reference given. Pass --ref "CMD": a command that reads JSONL {gold, pred, options} on stdin and',
        "writes one JSON line {verdict, error, parsed_gold, parsed_pred} per input, calling Math-Verify's",
        "verify(parse(gold, cfg), parse(pred, cfg), ...). No reference is shipped with scratchpad: install Math-Verify",
        "(pip install math-verify; scripts/mathverify-ref/run.py wraps it), or reconstruct it locally (docs/verify-math.md, 'Differential testing'),",
        'e.g.  npx tsx scripts/mv-diff.ts --ref "/usr/bin/python3 scripts/mathverify-ref/run.py"  (MVREF_PATH=a source tree if not installed)',
      ].join("\n"),
    );
    process.exit(2);
  }
  const cases = buildCases({ only: arg("--only"), gen: Number(arg("--gen") ?? 3000), seed: Number(arg("--seed") ?? 1) });
  const examples = Number(arg("--examples") ?? 2);
  const t0 = performance.now();
  const ours = cases.map((c) => verifyMathSync(c.gold, c.pred, c.options));
  const t1 = performance.now();
  let refs: RefResult[];
  try {
    refs = runReference(ref, cases);
  } catch (e) {
    console.error(`mv-diff: ${(e as Error).message}`);
    process.exit(1);
  }
  const t2 = performance.now();
  const classes = new Map<string, { n: number; ex: string[] }>();
  let disagree = 0;
  let refErrors = 0;
  const rows: unknown[] = [];
  const showHeldout = args.includes("--show-heldout");
  const tally = { tune: { agree: 0, n: 0 }, heldout: { agree: 0, n: 0 } };
  cases.forEach((c, i) => {
    const o = ours[i];
    const r = refs[i];
    if (r.verdict === null) refErrors++;
    const split = c.origin.startsWith("real:") ? realSplit(c) : "tune";
    if (r.verdict !== null) {
      tally[split].n++;
      if (r.verdict === o.correct) tally[split].agree++;
    }
    if (split === "heldout" && !showHeldout) return; // measured, not listed
    if (r.verdict === o.correct) return;
    if (r.verdict !== null) disagree++;
    const sig = signature(c, o.correct, r);
    const cl = classes.get(sig) ?? { n: 0, ex: [] };
    cl.n++;
    if (cl.ex.length < examples)
      cl.ex.push(
        `    gold ${JSON.stringify(c.gold).slice(0, 120)}  pred ${JSON.stringify(c.pred).slice(-160)}\n      ours: ${o.reason} [${JSON.stringify(o.extracted)} from ${o.source}]  ref: ${r.error ?? `${r.parsed_gold} vs ${r.parsed_pred}`}`.slice(
          0,
          600,
        ),
      );
    classes.set(sig, cl);
    rows.push({ ...c, ours: o.correct, oursReason: o.reason, oursExtracted: o.extracted, ref: r });
  });
  const byOrigin = new Map<string, number>();
  for (const c of cases) byOrigin.set(c.origin.split(":")[0], (byOrigin.get(c.origin.split(":")[0]) ?? 0) + 1);
  console.log(
    `cases ${cases.length} (${[...byOrigin].map(([k, v]) => `${k} ${v}`).join(", ")}); ours ${((t1 - t0) / 1000).toFixed(1)} s, reference ${((t2 - t1) / 1000).toFixed(1)} s`,
  );
  const pct = (t: { agree: number; n: number }): string => `${t.agree}/${t.n} = ${((100 * t.agree) / Math.max(1, t.n)).toFixed(1)}%`;
  console.log(`agreement: tune ${pct(tally.tune)}${tally.heldout.n ? `, held-out ${pct(tally.heldout)}` : ""} (cases the reference answered)`);
  console.log(
    `disagreements listed ${disagree}${tally.heldout.n && !showHeldout ? " (held-out half not listed)" : ""}, reference errors/timeouts ${refErrors}\n`,
  );
  for (const [sig, cl] of [...classes].sort((a, b) => b[1].n - a[1].n)) {
    console.log(`${String(cl.n).padStart(5)}  ${sig}`);
    console.log(cl.ex.join("\n"));
  }
  const out = arg("--out");
  if (out) writeFileSync(out, JSON.stringify(rows, null, 1));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
