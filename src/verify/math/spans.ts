/**
 * LaTeX math spans in a response (`$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]`, and under Math-Verify's
 * targets a spaced bracket pair): finding them in one linear scan, the last one or the last few
 * joined as one list, the span after the word "answer", and a percent sign written after a span or
 * a box inside one. Used by extract.ts.
 */
import { lastBoxedStart, trimKeepTabs } from "./boxes.js";

/** One LaTeX math span: its body and where the span (with delimiters) starts and ends. */
export interface MathSpan {
  body: string;
  start: number;
  end: number;
}

/**
 * Every LaTeX math span in `text`, in order (one linear scan); inline spans do not cross lines. With
 * `brackets` (Math-Verify's targets), a bracket pair with whitespace on both sides and no line break or
 * other bracket inside (` [ x = 5 ] `) is a span too: make_latex_env_pattern's `\s\[(?P<latexInlineBracket>[^\n\]\[]+?)\]\s`.
 */
export function mathSpans(text: string, brackets = false): MathSpan[] {
  const spans: MathSpan[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (brackets && text[i + 1] === "[" && /\s/.test(c)) {
      let j = i + 2;
      while (j < n && text[j] !== "]" && text[j] !== "[" && text[j] !== "\n") j++;
      if (j < n && text[j] === "]" && j > i + 2 && j + 1 < n && /\s/.test(text[j + 1])) {
        // (the regex consumes the whitespace after the bracket, so ` [1] [2] ` holds one span)
        spans.push({ body: text.slice(i + 2, j), start: i + 1, end: j + 1 });
        i = j + 2;
        continue;
      }
    }
    if (c === "\\" && (text[i + 1] === "(" || text[i + 1] === "[")) {
      const closer = text[i + 1] === "(" ? "\\)" : "\\]";
      const end = text.indexOf(closer, i + 2);
      if (end < 0) break;
      const body = text.slice(i + 2, end);
      if (!(closer === "\\)" && body.includes("\n"))) spans.push({ body, start: i, end: end + 2 });
      i = end + 2;
      continue;
    }
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === "$") {
      const display = text[i + 1] === "$";
      // an inline "$" right after a digit opens nothing ("costs 5$ and $3$"; parser.make_latex_env_pattern's (?<!\\|\d)\$)
      if (!display && i > 0 && text[i - 1] >= "0" && text[i - 1] <= "9") {
        i++;
        continue;
      }
      const start = i + (display ? 2 : 1);
      let j = start;
      let end = -1;
      while (j < n) {
        if (text[j] === "\\") {
          j += 2;
          continue;
        }
        if (text[j] === "$") {
          end = j;
          break;
        }
        j++;
      }
      if (end < 0) break;
      const body = text.slice(start, end);
      if (display || !body.includes("\n")) spans.push({ body, start: i, end: end + (display ? 2 : 1) });
      i = end + (display ? 2 : 1);
      continue;
    }
    i++;
  }
  return spans;
}

/** The last LaTeX math span in `text` (`$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]`), without its delimiters. */
export function lastMathSpan(text: string): string | null {
  const spans = mathSpans(text);
  return spans.length ? trimKeepTabs(spans[spans.length - 1].body) : null;
}

/**
 * The last math span, joined with up to 5 spans before it that only "and", "or" or commas separate
 * ("the roots are $1$ and $-2$" is the list 1, -2; "$3$ or $4$" is a hedge).
 */
export function lastMathSpans(text: string, brackets = false): string | null {
  const spans = mathSpans(text, brackets);
  if (!spans.length) return null;
  let k = spans.length - 1;
  let joined = spanWithPercent(text, spans[k]);
  for (let guard = 0; guard < 5 && k > 0; guard++, k--) {
    const between = text.slice(spans[k - 1].end, spans[k].start);
    const m = /^\s*(,?\s*(?:and|or)|,)\s*$/.exec(between);
    if (!m) break;
    joined = `${spanWithPercent(text, spans[k - 1])}${/or/.test(m[1]) ? " \\text{ or } " : ", "}${joined}`;
  }
  return joined;
}

/** The math spans of `text`, with each bare fraction (`fractions`) outside them as one more (in order). */
function envsOf(text: string, brackets: boolean, fractions?: RegExp): MathSpan[] {
  const spans = mathSpans(text, brackets);
  if (fractions && text.includes("frac")) {
    // a bare \frac{a}{b} outside every span is one of the latex target's environments too
    const bare: MathSpan[] = [];
    for (const f of text.matchAll(new RegExp(fractions.source, "g"))) {
      const at = f.index ?? 0;
      if (!spans.some((sp) => at >= sp.start && at < sp.end)) bare.push({ body: f[0], start: at, end: at + f[0].length });
    }
    if (bare.length) spans.push(...bare);
    spans.sort((a, b) => a.start - b.start);
  }
  return spans;
}

/**
 * The math environment `text` starts with (after spaces), with up to 5 more joined to it by ",", "and" or "or"
 * (Math-Verify's `latex_re`: its first group and `next` groups), as one answer: `3` or `3, 4` or
 * `3 \\text{ or } 4`; or null when `text` does not start with one. Under Math-Verify's targets this is what
 * its "final answer … is" patterns read right after the phrase.
 */
export function envGroupAtStart(text: string, fractions?: RegExp): string | null {
  const head = text.slice(0, 4000);
  const spans = envsOf(head, true, fractions);
  if (!spans.length || head.slice(0, spans[0].start).trim() !== "") return null;
  return joinSpans(head, spans, 0, lastJoined(head, spans, 0));
}

/** What may stand between two environments of one answer in Math-Verify's `latex_re` (`\s*(?:,?and|,?or|,)\s*`). */
const ENV_JOIN = /^\s*(,?\s*(?:and|or)|,)\s*$/;

/** The index of the last span joined to `spans[k]` by `ENV_JOIN` (up to 5 more, as `latex_re`'s `next` groups). */
function lastJoined(text: string, spans: readonly MathSpan[], k: number): number {
  let last = k;
  while (last + 1 < spans.length && last - k < 5 && ENV_JOIN.test(text.slice(spans[last].end, spans[last + 1].start))) last++;
  return last;
}

/** `spans[k..last]` as one answer: a list, or "a \\text{ or } b" where "or" joins them. */
function joinSpans(text: string, spans: readonly MathSpan[], k: number, last: number): string {
  let joined = spanWithPercent(text, spans[k]);
  for (let j = k + 1; j <= last; j++) {
    const between = text.slice(spans[j - 1].end, spans[j].start);
    joined += `${/or/.test(between) ? " \\text{ or } " : ", "}${spanWithPercent(text, spans[j])}`;
  }
  return joined;
}

/**
 * Math-Verify's "answer" patterns of its latex target (`answer:.{0,50}?` then a math span, priority
 * 100, then `answer.{0,50}?` then a math span, priority 200): the span (and up to 5 more joined by
 * "and", "or" or commas) after the occurrence whose match ends last, "answer:" ones first; or null.
 * `fractions`: the pattern of a bare fraction that counts as a span outside every math span (`\frac{1}{2}`).
 */
export function answerWordSpans(text: string, brackets = false, fractions?: RegExp): string | null {
  const spans = envsOf(text, brackets, fractions);
  if (!spans.length) return null;
  for (const colon of [true, false]) {
    let best: { k: number; last: number } | null = null;
    const re = colon ? /answer:/gi : /answer/gi;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const from = m.index + m[0].length;
      const k = spans.findIndex((sp) => sp.start >= from);
      if (k < 0 || spans[k].start - from > 50) continue;
      const last = lastJoined(text, spans, k);
      if (!best || spans[last].end > spans[best.last].end) best = { k, last };
    }
    if (best) return joinSpans(text, spans, best.k, best.last);
  }
  return null;
}

/**
 * A span's body, with `\%` when a percent sign or word follows the span (`$25$ percent`, `$12$\%`):
 * Math-Verify's LaTeX patterns read it as part of the value.
 */
export function spanWithPercent(text: string, span: MathSpan): string {
  const body = trimKeepTabs(span.body);
  if (/%\s*$/.test(body)) return body;
  return /^\s*(?:\\?%|[Pp]ercent|[Pp]ct)/.test(text.slice(span.end, span.end + 40)) ? `${body}\\%` : body;
}

/** A math delimiter closing a span, then a percent sign or word (make_latex_env_pattern's percent group). */
const PERCENT_AFTER_SPAN = /(?:\$|\\\)|\\\])\s*(?:\\?%|[Pp]ercent|[Pp]ct)/;

/**
 * Under Math-Verify's targets, the last box with `\%` when the math span holding it is followed by a
 * percent sign or word (`$\boxed{28}$ pct` is 28%): the latex target's boxed environment pattern ends
 * with the same percent group as its plain one, and `extract_latex` makes such a value a percentage. A
 * box outside every span (`\boxed{28} pct`) is read by the plain `\boxed{.+}` pattern, which has none.
 */
export function boxWithPercent(text: string, box: string): string {
  if (!PERCENT_AFTER_SPAN.test(text) || /%\s*$/.test(box)) return box;
  const at = lastBoxedStart(text, text.length);
  const span = mathSpans(text, true).find((sp) => at >= sp.start && at < sp.end);
  return span && /^\s*(?:\\?%|[Pp]ercent|[Pp]ct)/.test(text.slice(span.end, span.end + 40)) ? `${box}\\%` : box;
}
