/**
 * Metamorphic check of the math verifier on the TUNE half of the Math-Verify fixture: every tune
 * case is rewritten by transformations that must not change Math-Verify's verdict (delimiters
 * `$…$` ↔ `\(…\)`, `\dfrac` ↔ `\frac`, `\left(` ↔ `(`, spacing commands, consistent variable renaming,
 * a trailing period, "The final answer is …" sentences, …), and every case whose verdict flips is
 * listed: each flip is a fragility that may also cost held-out cases. Only lines of the fixture whose
 * split is "tune" are ever read (the held-out half is never parsed or printed).
 *
 *   npx tsx scripts/mv-metamorphic.ts [--only NAME] [--verbose]
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FIXTURE, type AgreementCase } from "../src/verify/math/agreement.js";
import { verifyMathSync } from "../src/verify/math/verify.js";

/** Tune cases only: a line is parsed only when it says `"split": "tune"`. */
export function loadTune(): AgreementCase[] {
  const out: AgreementCase[] = [];
  for (const line of readFileSync(FIXTURE, "utf8").split("\n")) {
    if (!/"split":\s*"tune"/.test(line)) continue;
    const c = JSON.parse(line) as AgreementCase;
    if (c.split === "tune" && !c.deviation) out.push(c);
  }
  return out;
}

/** A rewrite of one case; null when it does not apply. */
export type Transform = (c: AgreementCase) => { gold: string; pred: string } | null;

/** Apply `f` to the inside of every math span (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`, `\boxed{…}` bodies are inside spans or bare). */
function mapMath(s: string, f: (m: string) => string): string {
  return s.replace(/\$\$([\s\S]+?)\$\$|\$([^$]+?)\$|\\\(([\s\S]+?)\\\)|\\\[([\s\S]+?)\\\]/g, (all, a?: string, b?: string, c?: string, d?: string) => {
    if (a !== undefined) return `$$${f(a)}$$`;
    if (b !== undefined) return `$${f(b)}$`;
    if (c !== undefined) return `\\(${f(c)}\\)`;
    if (d !== undefined) return `\\[${f(d)}\\]`;
    return all;
  });
}

/** Apply `f` to text outside math spans. */
function mapText(s: string, f: (t: string) => string): string {
  const re = /\$\$[\s\S]+?\$\$|\$[^$]+?\$|\\\([\s\S]+?\\\)|\\\[[\s\S]+?\\\]/g;
  let out = "";
  let last = 0;
  for (const m of s.matchAll(re)) {
    out += f(s.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + f(s.slice(last));
}

const both =
  (f: (s: string) => string): Transform =>
  (c) => {
    const gold = f(c.gold);
    const pred = f(c.pred);
    return gold === c.gold && pred === c.pred ? null : { gold, pred };
  };
const predOnly =
  (f: (s: string) => string): Transform =>
  (c) => {
    const pred = f(c.pred);
    return pred === c.pred ? null : { gold: c.gold, pred };
  };

const latexIn = (c: AgreementCase): boolean => (c.options.extraction ?? ["latex", "expr"]).includes("latex");
/** One math span and nothing else around it (answers that are a whole formula). */
const WHOLE_SPAN = /^\s*(?:\$([^$\n]+)\$|\$\$([^$]+)\$\$|\\\((.+?)\\\)|\\\[([\s\S]+?)\\\])\s*$/;

function renameVars(s: string, from: string, to: string): string {
  // a single letter that is not part of a command or a word
  return mapMath(s, (m) => m.replace(new RegExp(`(?<![A-Za-z\\\\])${from}(?![A-Za-z])`, "g"), to));
}

/** The rewrites (exported for scripts/mv-diff.ts). */
export const TRANSFORMS: Record<string, Transform> = {
  // delimiters: latex2sympy sees the same content
  "inline$→\\(": both((s) => s.replace(/(?<![\\$\d])\$([^$\n]+?)(?<!\\)\$(?!\$)/g, "\\($1\\)")),
  "\\(→$": both((s) => s.replace(/\\\(([^\n]+?)\\\)/g, (_a, m: string) => (m.includes("$") ? _a : `$${m}$`))),
  "$$→\\[": both((s) => s.replace(/\$\$([^$]+?)\$\$/g, "\\[$1\\]")),
  "\\[→$$": both((s) => s.replace(/\\\[([\s\S]+?)\\\]/g, (_a, m: string) => (m.includes("$") ? _a : `$$${m}$$`))),
  // fraction commands: normalize_latex rewrites \dfrac, \tfrac to \frac
  "frac→dfrac": both((s) => s.replace(/\\frac(?![a-z])/g, "\\dfrac")),
  "frac→tfrac": both((s) => s.replace(/\\frac(?![a-z])/g, "\\tfrac")),
  "dfrac→frac": both((s) => s.replace(/\\[dtc]frac(?![a-z])/g, "\\frac")),
  // \left/\right: removed by normalize_latex
  "drop \\left\\right": both((s) => s.replace(/\\left(?![a-z])\s*/g, "").replace(/\\right(?![a-z])\s*/g, "")),
  "add \\left\\right": both((s) =>
    mapMath(s, (m) => {
      const opens = (m.match(/(?<!\\left|\\)\(/g) ?? []).length;
      const closes = (m.match(/(?<!\\right|\\)\)/g) ?? []).length;
      return opens === closes ? m.replace(/(?<!\\left|\\)\(/g, "\\left(").replace(/(?<!\\right|\\)\)/g, "\\right)") : m;
    }),
  ),
  // spacing commands
  "\\, after commas": both((s) => mapMath(s, (m) => m.replace(/,(?![\\!])/g, ",\\,"))),
  "\\; around =": both((s) => mapMath(s, (m) => m.replace(/(?<![<>!\\])=/g, "\\;=\\;"))),
  "spaces around ops": both((s) => mapMath(s, (m) => m.replace(/([+=<>])/g, " $1 "))),
  "\\! after digits": predOnly((s) => mapMath(s, (m) => m.replace(/(\d)(?=[+\-=])/g, "$1\\!"))),
  // inner whitespace in the math spans
  "pad spans": both((s) => mapMath(s, (m) => (m.includes("\n") ? m : ` ${m} `))),
  // text parts: extra spaces, newlines
  "double spaces in text": predOnly((s) => mapText(s, (t) => t.replace(/ (?=[A-Za-z])/g, "  "))),
  "newline before last sentence": predOnly((s) => {
    const i = s.lastIndexOf(". ");
    return i > 0 ? `${s.slice(0, i + 1)}\n${s.slice(i + 2)}` : s;
  }),
  // a trailing period or a trailing newline after the answer
  "trailing period": predOnly((s) => (/[.]\s*$/.test(s) ? s : `${s}.`)),
  "trailing newline": predOnly((s) => `${s}\n`),
  // wrapping a whole-formula answer in Math-Verify's answer sentences
  "final answer sentence": (c) => {
    if (!latexIn(c) || !WHOLE_SPAN.test(c.pred)) return null;
    return { gold: c.gold, pred: `The final answer is ${c.pred.trim()}. I hope it is correct.` };
  },
  "answer is sentence": (c) => {
    if (!latexIn(c) || !WHOLE_SPAN.test(c.pred)) return null;
    return { gold: c.gold, pred: `Therefore, the answer is ${c.pred.trim()}.` };
  },
  "boxed the span": (c) => {
    const m = WHOLE_SPAN.exec(c.pred);
    if (!latexIn(c) || !m || c.pred.includes("\\boxed")) return null;
    const inner = m[1] ?? m[2] ?? m[3] ?? m[4];
    return { gold: c.gold, pred: `$\\boxed{${inner.trim()}}$` };
  },
  "reasoning before": predOnly((s) => `Let us compute carefully. We know that 2 + 2 = 4.\n\n${s}`),
  // variable renaming (strict mode keeps names, so rename in both)
  "rename x→t": both((s) => renameVars(s, "x", "t")),
  "rename y→w": both((s) => renameVars(s, "y", "w")),
  "rename a→u": both((s) => renameVars(s, "a", "u")),
  "rename n→m": both((s) => renameVars(s, "n", "m")),
  "rename p→r": (c) => (/r/.test(c.gold + c.pred) ? null : both((s) => renameVars(s, "p", "r"))(c)),
  "rename z→v": both((s) => renameVars(s, "z", "v")),
  // operators written another way
  "cdot→times": both((s) => s.replace(/\\cdot(?![a-z])/g, "\\times")),
  "le→leq": both((s) => s.replace(/\\le(?![a-z])/g, "\\leq").replace(/\\ge(?![a-z])/g, "\\geq")),
  "leq→le": both((s) => s.replace(/\\leq(?![a-z])/g, "\\le").replace(/\\geq(?![a-z])/g, "\\ge")),
  "^\\circ→^{\\circ}": both((s) => s.replace(/\^\\circ/g, "^{\\circ}")),
  // words
  "text→mathrm": both((s) => s.replace(/\\text\{([A-Za-z ]+)\}/g, "\\mathrm{$1}")),
  "text→textbf": both((s) => s.replace(/\\text\{([A-Za-z() ]+)\}/g, "\\textbf{$1}")),
  // set elements: reverse \{a, b, c\}
  "reverse set": predOnly((s) =>
    s.replace(/\\\{([^{}\\]+)\\\}/g, (_a, m: string) =>
      m.includes(",")
        ? `\\{${m
            .split(",")
            .map((x) => x.trim())
            .reverse()
            .join(", ")}\\}`
        : _a,
    ),
  ),
  // \sqrt{3} ↔ \sqrt3, \frac{1}{2} ↔ \frac12
  "sqrt braces": both((s) => s.replace(/\\sqrt(\d)(?!\d)/g, "\\sqrt{$1}")),
  "frac braces": both((s) => s.replace(/\\frac(\d)(\d)(?!\d)/g, "\\frac{$1}{$2}")),
  "frac drop braces": both((s) => s.replace(/\\frac\{(\d)\}\{(\d)\}/g, "\\frac$1$2")),
  // numbers written with braces / plus
  "unicode minus": predOnly((s) => mapMath(s, (m) => m.replace(/(?<=[\s(,{=]|^)-(?=\d)/g, "−"))),
  // several boxes: the separator between them written another way (extract_boxed_content joins them)
  ...(Object.fromEntries(
    [", ", " and ", " \\text{ and } ", " \\quad \\mathrm{and} \\quad ", " \\quad\\textbf{and}\\quad ", "; "].map((sep) => [
      `boxes joined by ${JSON.stringify(sep)}`,
      predOnly((s) => s.replace(/(\\boxed\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\})(?:\s*(?:,|;|and|\\text\{\s*and\s*\}|\\quad)\s*)+(?=\\boxed)/g, `$1${sep}`)),
    ]),
  ) as Record<string, Transform>),
  // the gold written in another wrapper
  "gold $→$$": (c) => {
    const m = /^\$([^$\n]+)\$$/.exec(c.gold.trim());
    return m ? { gold: `$$${m[1]}$$`, pred: c.pred } : null;
  },
  "gold $→\\boxed": (c) => {
    const m = /^\$([^$\n]+)\$$/.exec(c.gold.trim());
    return m && !m[1].includes("\\boxed") ? { gold: `\\boxed{${m[1]}}`, pred: c.pred } : null;
  },
  "gold $→$\\boxed$": (c) => {
    const m = /^\$([^$\n]+)\$$/.exec(c.gold.trim());
    return m && !m[1].includes("\\boxed") ? { gold: `$\\boxed{${m[1]}}$`, pred: c.pred } : null;
  },
  "gold \\boxed→$": (c) => {
    const m = /^\\boxed\{(.*)\}\s*$/.exec(c.gold.trim());
    return m && !m[1].includes("\\boxed") ? { gold: `$${m[1]}$`, pred: c.pred } : null;
  },
  // the same box twice in a row is one answer (extract_boxed_content drops the repeat)
  "box repeated": predOnly((s) => s.replace(/(\\boxed\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\})(?![\s\S]*\\boxed)/, "$1 $1")),
  "final answer sentence around box": (c) => {
    const m = WHOLE_SPAN.exec(c.pred);
    if (!latexIn(c) || !m || c.pred.includes("\\boxed")) return null;
    const inner = m[1] ?? m[2] ?? m[3] ?? m[4];
    return { gold: c.gold, pred: `Thus, the final answer is $\\boxed{${inner.trim()}}$.` };
  },
  "pred boxed→fbox": predOnly((s) => s.replace(/\\boxed\{/g, "\\fbox{")),
  "pred text after box": predOnly((s) => (/\\boxed\{/.test(s) ? `${s}\n\nThis is the final result of the computation above.` : s)),
  displaystyle: both((s) => mapMath(s, (m) => `\\displaystyle ${m}`)),
  // text with no number, no math and no "answer" word around the response
  "closing remark": predOnly((s) => `${s}\n\nI hope this helps!`),
  "opening remark": predOnly((s) => `Sure, let us work through this problem step by step.\n\n${s}`),
  // earlier work with numbers and math (no "answer" word): the match that ends last still wins
  "math prefix": predOnly((s) => `Let $y = 7$ and compute 12 + 5 = 17 first, so $z = \\frac{3}{4}$.\n\n${s}`),
  "gold trailing period": (c) => (/\$\s*$/.test(c.gold) ? { gold: `${c.gold.trimEnd()}.`, pred: c.pred } : null),
  // a list answer in a box read in another order (sets compare sorted: sympy_deep_compare_set_and_tuple)
  "reverse boxed list": predOnly((s) =>
    s.replace(/\\boxed\{((?:[^{}]|\{[^{}]*\})*)\}/g, (all, body: string) => {
      const items: string[] = [];
      let depth = 0;
      let cur = "";
      for (const ch of body) {
        if ("([{".includes(ch)) depth++;
        if (")]}".includes(ch)) depth--;
        if (ch === "," && depth === 0) {
          items.push(cur.trim());
          cur = "";
        } else cur += ch;
      }
      items.push(cur.trim());
      return items.length > 1 && depth === 0 && !/\\[{}]|;/.test(body) ? `\\boxed{${items.reverse().join(", ")}}` : all;
    }),
  ),
  // chat-template junk after the response (no number, no math)
  "add im_start": predOnly((s) => (s.includes("<|im_start|>") ? s : `${s} <|im_start|>user`)),
  "drop im_start": predOnly((s) => s.replace(/\s*<\|im_start\|>user\s*$/, "")),
  "drop 'Final Answer:' prefix": predOnly((s) => s.replace(/Final Answer:\s*(?=The final answer is)/, "")),
  "math-wrap final number": predOnly((s) => s.replace(/(final answer is:?\s*)(-?\d+(?:\.\d+)?)(?=\.?\s|\.?$)/i, "$1$$$2$$")),
  "blank lines": predOnly((s) => s.replace(/\n/g, "\n\n")),
  "bold final answer heading": (c) => {
    if (!latexIn(c) || !WHOLE_SPAN.test(c.pred)) return null;
    return { gold: c.gold, pred: `Some work here.\n\n**Final Answer**\n${c.pred.trim()}` };
  },
  // the gold's value written another way (sympy evaluates all of these to the same number)
  "gold n → \\frac{2n}{2}": (c) => {
    const m = /^\$(-?\d+)\$$/.exec(c.gold.trim());
    return m ? { gold: `$\\frac{${2 * Number(m[1])}}{2}$`, pred: c.pred } : null;
  },
  "gold n → n.0": (c) => {
    const m = /^\$(-?\d+)\$$/.exec(c.gold.trim());
    return m ? { gold: `$${m[1]}.0$`, pred: c.pred } : null;
  },
  "gold n → \\sqrt{n^2}": (c) => {
    const m = /^\$(\d+)\$$/.exec(c.gold.trim());
    return m ? { gold: `$\\sqrt{${Number(m[1]) ** 2}}$`, pred: c.pred } : null;
  },
  // numbers changed consistently in gold and answer (digits 2..9 permuted, 0 and 1 kept): a literal
  // match stays a match; flips in arithmetic cases (2+3 = 5) are expected, not fragilities
  "permute digits": (c) => {
    if (c.source.includes("mixed_number")) return null;
    const map: Record<string, string> = { "2": "3", "3": "7", "4": "9", "5": "2", "6": "8", "7": "4", "8": "5", "9": "6" };
    const f = (s: string): string => s.replace(/[2-9]/g, (d) => map[d]);
    return { gold: f(c.gold), pred: f(c.pred) };
  },
  CRLF: predOnly((s) => s.replace(/\n/g, "\r\n")),
  "tabs for spaces": predOnly((s) => mapText(s, (t) => t.replace(/ /g, "\t"))),
};

function main(): void {
  process.stdout.on("error", () => process.exit(0)); // `| head` closes the pipe early
  const args = process.argv.slice(2);
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
  const verbose = args.includes("--verbose");
  const cases = loadTune();
  let base = 0;
  for (const c of cases) if (verifyMathSync(c.gold, c.pred, c.options).correct === c.expected) base++;
  console.log(`tune ${base}/${cases.length}`);
  let flips = 0;
  for (const [name, t] of Object.entries(TRANSFORMS)) {
    if (only && name !== only) continue;
    let applied = 0;
    const bad: string[] = [];
    for (const c of cases) {
      const r = t(c);
      if (!r) continue;
      applied++;
      const v = verifyMathSync(r.gold, r.pred, c.options);
      if (v.correct !== c.expected) {
        bad.push(
          `  ${c.id} expected ${c.expected} got ${v.correct} ${JSON.stringify(c.options)}\n    gold ${JSON.stringify(r.gold).slice(0, 160)}\n    pred ${JSON.stringify(r.pred).slice(-200)}\n    → ${v.reason} [${JSON.stringify(v.extracted)} from ${v.source}; gold ${JSON.stringify(v.gold)}]`,
        );
      }
    }
    flips += bad.length;
    console.log(`${name.padEnd(30)} applied ${String(applied).padStart(3)}  flips ${bad.length}`);
    if (bad.length && (verbose || only)) console.log(bad.join("\n"));
    else if (bad.length) console.log(bad.slice(0, 3).join("\n"));
  }
  console.log(`total flips ${flips}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
