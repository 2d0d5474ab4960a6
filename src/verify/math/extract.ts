/**
 * Answer extraction from model responses and gold strings: the last `\boxed{}` / `\fbox{}`
 * (nested braces), `<answer>` tags, "final answer is ...", "Answer: ...", markdown bold, the last
 * LaTeX math span (`$...$`, `$$...$$`, `\(...\)`, `\[...\]`), and the last number. Every scan is
 * linear in the response length (or looks at a bounded tail), so extraction is fast on any input.
 * Math spans are found by spans.ts, boxes by boxes.ts, multiple-choice letters by choice.ts.
 */
import { answerAfterThinking } from "../../core/think.js";
import { findChoice, lastMatch } from "./choice.js";
import { answerWordMatches } from "./answerword.js";
import { blankBareBoxes, findBoxed, lastBoxedStart, orBetween, trimKeepTabs } from "./boxes.js";
import { CORE_MATH_WORDS } from "./normalize.js";
import { answerWordSpans, boxWithPercent, envGroupAtStart, lastMathSpan, lastMathSpans, mathSpans, spanWithPercent } from "./spans.js";
import { inRanges, plainCommaLists, type TextRange } from "./plainlists.js";
import { DEFAULT_BOXED_MATCH_PRIORITY, expandExtraction, MathOptionError, type ResolvedMathOptions } from "./options.js";
import { anchoredOnly, boxedPriorityOf, exprNumbersOf, moveBox, mvBothTargets, mvTargets, patternPriority, type Found } from "./priority.js";
import { DEFAULT_EXTRACTION, type ExtractedMathAnswer, type ExtractionSource, type MathVerifyOptions, type MathVerifyTarget } from "./types.js";

/** Characters of the tail searched by the phrase, bold and number rules. */
const TAIL = 20000;
/** Clean a phrase-level candidate ("$28\%$. I hope it is correct."): cut the sentence, drop delimiters. */
function cleanSegment(seg: string): string {
  let s = seg;
  const hope = s.search(/\bI hope\b/i);
  if (hope >= 0) s = s.slice(0, hope);
  const nl = s.indexOf("\n");
  if (nl >= 0 && s.slice(0, nl).trim() !== "") s = s.slice(0, nl);
  const boxed = findBoxed(s);
  if (boxed !== null) return boxed;
  const sentence = /\.\s+(?=[A-Z])/.exec(s);
  if (sentence) s = s.slice(0, sentence.index);
  s = s
    .replace(/\\\$/g, "\\dollar")
    .replace(/\$|\\\(|\\\)|\\\[|\\\]/g, " ")
    .replace(/\\dollar/g, "\\$");
  s = s.replace(/\*\*/g, "").trim();
  return s.replace(/[.\s]+$/, "").trim();
}

/** The answer inside one `<answer>` tag: its box, else its last math span, else its text. */
function tagContent(inner: string): string {
  return (findBoxed(inner) ?? (/\$|\\\(|\\\[/.test(inner) ? lastMathSpan(inner) : null) ?? cleanSegment(inner)).trim();
}

function findAnswerTag(text: string): string | null {
  const open = text.lastIndexOf("<answer>");
  if (open < 0) return null;
  const close = text.indexOf("</answer>", open);
  const answer = tagContent(text.slice(open + 8, close < 0 ? text.length : close)) || null;
  // a tag right after another one (only separators between, or "or" within 70 characters) is one list or hedge with it,
  // as two boxes are: "<answer>3</answer> or <answer>4</answer>" is "3 or 4"
  const prevClose = text.lastIndexOf("</answer>", open);
  const prevOpen = prevClose < 0 ? -1 : text.lastIndexOf("<answer>", prevClose);
  if (answer === null || prevOpen < 0) return answer;
  const between = text.slice(prevClose + 9, open);
  const hedge = orBetween(between);
  if (!hedge && between.replace(/[\s,;]|\band\b/gi, "") !== "") return answer;
  const earlier = tagContent(text.slice(prevOpen + 8, prevClose));
  return earlier === "" || earlier === answer ? answer : `${earlier}${hedge ? " \\text{ or } " : ", "}${answer}`;
}

function findBold(text: string): string | null {
  const tail = text.length > TAIL ? text.slice(text.length - TAIL) : text;
  const m = lastMatch(/\*\*([^*\n]{1,300})\*\*/g, tail);
  if (!m) return null;
  const inner = m[1].replace(/^(?:final\s+)?answer\s*[:：]?\s*/i, "");
  return cleanSegment(inner) || null;
}

/** A number in running text: mixed numbers (`4 4/9`, `1 000 4/9`), fractions, decimals, separators. */
const NUMBER =
  /(?<![A-Za-z\d.,])[-+]?(?:(?:\d{1,3}(?: \d{3})+|\d+)[ \t]+\d+\s*\/\s*\d+|\d{1,3}(?: \d{3})+(?:\.\d+)?(?![\d/])|\d+(?:[.,]\d+)*(?:\s*\/\s*\d+)?|\.\d+)(?:\s*(?:%|[Pp]ercentage\b|[Pp]ercent\b|[Pp]ct\b))?/g;

/** A bare LaTeX fraction of two numbers in running text (`so \\frac{3}{4} of it`). */
const LATEX_FRACTION = /-?\\[dt]?frac\{-?\d+(?:[.,]\d+)?\}\{-?\d+(?:[.,]\d+)?\}/g;

/** Characters of a plain expression in Math-Verify's expr pattern, and its operators. */
const EXPR_CHAR = /[\d.\s+\-*×/^()÷]/;
const EXPR_OP = /[+\-*×/^()÷]/;

/**
 * The last plain expression as Math-Verify's expr pattern reads one (`2^3`, `(3+4)`, `1 + 1`): it
 * starts after the start, a space or `=` (and optional `**`), with a digit (or `-`, `(`), holds an
 * operator followed by more, and ends before `.`, `,`, `:`, a space, `)`, `$` or the end. Returns
 * the expression and where its match ends (suffix included). One linear scan of the runs.
 */
function lastPlainExpression(tail: string): { text: string; end: number } | null {
  let best: { text: string; end: number } | null = null;
  const re = /(?:^|(?<=[\s=]))(?:\*\*)?(?=-?\(?-?\d)/g;
  for (let m = re.exec(tail); m; m = re.exec(tail)) {
    const start = m.index + m[0].length;
    let end = start;
    while (end < tail.length && EXPR_CHAR.test(tail[end])) end++;
    re.lastIndex = Math.max(end, start + 1);
    // the match must be followed by a suffix: shrink to the last place that is
    let stop = end;
    const okAfter = (i: number): boolean => i >= tail.length || /[.,:\s)$]/.test(tail[i]) || tail.startsWith("**", i);
    while (stop > start && (!okAfter(stop) || !/[\d)]/.test(tail[stop - 1]))) stop--;
    let body = tail.slice(start, stop);
    // at least one operator after the first character, followed by at least one more character
    const op = body.slice(1).search(EXPR_OP);
    if (op < 0 || op + 2 >= body.length) continue;
    body = body.replace(/\s+$/, "");
    // two numbers side by side ("11 5/6", "11⏎5/6") are no Python expression: Math-Verify's parse_expr rejects them
    if (!/[\d)]$/.test(body) || /[\d.)]\s+[\d(]/.test(body)) continue;
    const suffixEnd = stop < tail.length ? stop + 1 : stop;
    if (!best || suffixEnd >= best.end) best = { text: body, end: suffixEnd };
  }
  return best;
}

/**
 * Math-Verify's "answer" patterns of its expr target (priority 100 with "answer:", then 200): on the
 * same line, the number after the last "=" within 100 characters of the word, else the first number
 * within 50 characters, standing after a space or "=" and not followed by "="; the occurrence whose
 * match ends last wins. Null when there is none.
 */
function answerWordNumber(text: string, lists: readonly TextRange[] = []): string | null {
  const num = /(?<=^|[\s=])(?:\*\*)?[$€£¥₹]?([-]?\d+(?:[.,]\d+)*(?:\s*\/\s*\d+)?(?:\s*(?:%|[Pp]ercent\b|[Pp]ercentage\b|[Pp]ct\b))?)(?![\d])(?!\s*=)/y;
  // numbers inside math spans are the latex target's (a span that fails to parse supplies none)
  const spans = /[$\\]/.test(text) ? mathSpans(text) : [];
  const inSpan = (at: number): boolean => spans.some((sp) => at >= sp.start && at < sp.end);
  for (const colon of [true, false]) {
    let best: { text: string; end: number } | null = null;
    const re = colon ? /answer:/gi : /answer/gi;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const from = m.index + m[0].length;
      if (inSpan(m.index)) continue;
      const nl = text.indexOf("\n", from);
      const line = text.slice(from, nl < 0 ? text.length : nl);
      const eq = line.slice(0, 101).lastIndexOf("=");
      const starts = eq >= 0 ? [eq + 1, eq + 2] : Array.from({ length: Math.min(51, line.length) }, (_, i) => i);
      for (const i of starts) {
        num.lastIndex = i;
        const n = num.exec(line);
        // (nor out of a plain-text comma list: that word reads nothing)
        if (n && (inSpan(from + i) || inRanges(lists, from + i))) break;
        if (n) {
          const end = from + i + n[0].length;
          if (!best || end > best.end) best = { text: n[1].replace(/\s*\/\s*/g, "/"), end };
          break;
        }
      }
    }
    if (best) return best.text;
  }
  return null;
}

/**
 * Whether a number at `at` stands where Math-Verify's expr number pattern can start one: after the
 * start, a space or "=" (`(?:^|\\s|=)`), perhaps with `**` or a currency sign between (`$5`, `€3`);
 * never right after a letter, a brace or an operator (`x^2+1` holds none, `2\\sqrt{3}` only 2).
 */
function exprPrefixed(text: string, at: number): boolean {
  let i = at;
  if (/[$€£¥₹]/.test(text[i - 1] ?? "")) i--;
  if (text.slice(Math.max(0, i - 2), i) === "**") i -= 2;
  return i === 0 || /[\s=]/.test(text[i - 1]);
}

function findLastNumber(text: string, exprNumbers = false, prefixed = false, answerWord = true, skipLists = false): string | null {
  const tail = text.length > 4000 ? text.slice(text.length - 4000) : text;
  const f = lastMatch(LATEX_FRACTION, tail);
  let m = lastMatch(NUMBER, tail);
  // under Math-Verify's targets no number is read out of a plain-text comma list ((3, 4) is not 4)
  const lists = skipLists ? listsIn(tail) : [];
  // with Math-Verify's expr target (alone or with latex), only a number its expr pattern can read
  if (m && ((prefixed && !exprPrefixed(tail, m.index)) || inRanges(lists, m.index))) {
    m = null;
    NUMBER.lastIndex = 0;
    for (let x = NUMBER.exec(tail); x; x = NUMBER.exec(tail)) if ((!prefixed || exprPrefixed(tail, x.index)) && !inRanges(lists, x.index)) m = x;
  }
  // a list that ends after every other plain match is where the answer stands: nothing is read before it
  const listEnd = lists.length ? lists[lists.length - 1].end : -1;
  if (f && (!m || f.index + f[0].length >= m.index + m[0].length) && f.index + f[0].length >= listEnd) return f[0];
  if (exprNumbers) {
    const w = answerWord ? answerWordNumber(tail, lists) : null;
    if (w !== null) return decimalComma(w);
    // Math-Verify's expr target: the match that ends last wins, an expression (2^3) over a number in it
    const e = lastPlainExpression(tail.length > 1000 ? tail.slice(tail.length - 1000) : tail);
    const offset = tail.length > 1000 ? tail.length - 1000 : 0;
    if (e && (!m || e.end + offset >= m.index + m[0].length) && !/^[-+]?\d+(?:[.,]\d+)?\s*\/\s*\d+$/.test(e.text)) {
      if (e.end + offset < listEnd) return null;
      return e.text.replace(/×/g, "\\times ").replace(/÷/g, "\\div ");
    }
  }
  if (!m || m.index + m[0].length < listEnd) return null;
  const num = m[0].replace(/\s*\/\s*/g, "/").trim();
  return exprNumbers ? decimalComma(num) : num;
}

/**
 * A plain-text number with a comma that cannot be a thousands separator is a decimal comma, as in
 * Math-Verify's number pattern: `1,5` and `12,25` are 1.5 and 12.25; `1,234` stays 1234.
 */
function decimalComma(s: string): string {
  const m = /^([-+]?\d+),(\d+)(\s*%?)$/.exec(s);
  if (!m) return s;
  const thousands = m[2].length === 3 && /^[-+]?[1-9]\d{0,2}$/.test(m[1]);
  return thousands ? s : `${m[1]}.${m[2]}${m[3]}`;
}

/**
 * The whole string as an answer: after `####` for GSM8K-style golds, without math delimiters around
 * it. Not for long texts, and not for several numbers in a row (`4 4/9 2`), which are no one answer.
 */
function findWhole(text: string, exprNumbers = false, goldSide = false): string | null {
  let s = text;
  if (s.length > 2000 && !s.includes("####")) return null;
  const hashes = s.lastIndexOf("####");
  if (hashes >= 0) s = s.slice(hashes + 4);
  s = trimKeepTabs(s);
  const wrapped = /^(?:\$\$([\s\S]*)\$\$|\$([\s\S]*)\$|\\\(([\s\S]*)\\\)|\\\[([\s\S]*)\\\])$/.exec(s);
  if (wrapped) s = trimKeepTabs(wrapped[1] ?? wrapped[2] ?? wrapped[3] ?? wrapped[4]);
  else if (exprNumbers) s = decimalComma(s);
  // numbers on separate lines ("11\n5/6") are not one answer (no mixed number across a line break)
  if (/\d[ \t]*[\r\n\u2028\u2029][\s]*[-+\d.]/.test(s)) return null;
  if (!s.includes("\\") && /\d[ \t]+[\d.]/.test(s) && !/^[-+]?\d{1,3}(?: \d{3})*(?:[ \t]+\d+\s*\/\s*\d+)?\s*%?$/.test(s)) return null;
  // running text ("so it is 5") is not one answer: two plain words in a row outside LaTeX commands
  const plain = s.replace(/\\(?:text|mathrm|textbf|textnormal|mbox|operatorname|begin|end)\s*\{[^{}]*\}/g, " ").replace(/\\[a-zA-Z]+/g, " ");
  // (a gold is the answer itself: letters there are variables, `x y` is a product and `x+iy` no word "iy"; prose of
  // two longer words in a row is still no answer)
  if (goldSide) return /\b[a-zA-Z]{2,}\s+[a-zA-Z]{2,}\b/.test(plain) ? null : s || null;
  if (/\b[a-zA-Z]+\s+[a-zA-Z]+\b/.test(plain)) return null;
  // a plain word that is not math ("So 8") makes running text, unless the answer is that one word
  const words = plain.match(/[a-zA-Z]{2,}/g) ?? [];
  // (capital letters name points and segments: AB = 4, S_{MBCN})
  if (words.some((w) => !WHOLE_WORDS.has(w.toLowerCase()) && !/^[A-Z]{2,4}$/.test(w)) && !/^[a-zA-Z]+$/.test(s)) return null;
  return s || null;
}

/** The text a response's answer is searched in: after the last `</think>` when there is one (`core/think.ts`). */
function answerRegion(response: string, options: MathVerifyOptions): string {
  const max = options.maxResponseChars ?? 1_000_000;
  let text = response.length > max ? response.slice(response.length - max) : response;
  // A response cut off while thinking (open tag, no close tag) holds no answer: its region is empty.
  if (options.afterThink !== false) {
    text = answerAfterThinking(text)?.text ?? "";
    // a segment opened again after the last close and never closed is reasoning too
    const reopened = text.indexOf("<think>");
    if (reopened >= 0) text = text.slice(0, reopened);
  }
  return text;
}

const FINAL_ANSWER = /(?:final\s+answer|the\s+answer)\s*(?:is|:|：)\s*[:：]?\s*/gi;
/** Math-Verify's `final answer.{0,100}?\s+is` ("the final answer to part (b) is $5$"), and the phrases above. */
const FINAL_ANSWER_MV = /final answer[\s\S]{0,100}?\s+is:?\s*|(?:final\s+answer|the\s+answer)\s*(?:is|:|：)\s*[:：]?\s*/gi;
/** After "final answer is": one value (a math span or a word) and "I hope" (parser.py's `final answer is)\:?\s*X\.?\s?I hope`). */
const FINAL_HOPE = /^(?:\$\$[^$]+\$\$|\$[^$\n]+\$|\\\([^\n]+?\\\)|\\\[[\s\S]+?\\\]|[^\s$]+?)\.?\s?I hope/;
/** What parser.py's expr "final answer … is" pattern reads right after `is`: `\:?` then `(?:^|\s|=)(?:\*\*)?` and a number or expression. */
const EXPR_AFTER_IS = /^:?[\s=](?:\*\*)?(?:[$€£¥₹]?-?\d|[$€£¥₹]?\.\d|-?\(-?\d)/;
const ANSWER_LINE = /(?:^|\n)[ \t>#*]*answer[ \t]*\**[ \t]*[:：][ \t]*\**/gi;

/** Plain words a whole-string answer may contain. */
const WHOLE_WORDS = new Set<string>([...CORE_MATH_WORDS, "percent", "pct", "percentage", "deg", "degrees"]);

function phrase(text: string, re: RegExp, latexOnly = false): Found | null {
  const tail = text.length > TAIL ? text.slice(text.length - TAIL) : text;
  const m = lastMatch(re, tail);
  if (!m) return null;
  const rest = tail.slice(m.index + m[0].length);
  // Math-Verify's latex target reads a phrase's answer only from a math span, a box or a bare \frac
  if (latexOnly && !LATEX_MARK.test(rest.slice(0, 400))) return null;
  const seg = cleanSegment(rest);
  // (whether the sentence was written with LaTeX: its delimiters are gone from `seg`)
  if (!seg) return null;
  return {
    text: seg,
    pos: text.length - tail.length + m.index,
    after: text.length - tail.length + m.index + m[0].length,
    latex: LATEX_MARK.test(rest.slice(0, 2 * seg.length + 10)),
    // (Math-Verify's "final answer.{0,100}?\s+is" pattern, priority 50; "Final answer: X" is its "answer:" pattern, 100)
    final: /^final answer[\s\S]{0,100}?\s+is/i.test(m[0]),
    colon: /answer\s*[:：]/i.test(m[0]),
    hope: /^final answer is/i.test(m[0]) && FINAL_HOPE.test(rest),
  };
}

/** A whole text that Math-Verify's expr patterns read as one number or expression. */
const PLAIN_EXPR = /^[-+]?[$€£¥₹]?[\d.,\s+\-*×/^()÷]+(?:\s*(?:%|[Pp]ercent|[Pp]ercentage|[Pp]ct))?$/;

/** A mixed number or a number with spaced thousands (`11 5/6`, `1 000 0/0`, `4 4/9 %`): the expr number pattern reads it whole. */
const SPACED_NUMBER = /^[-+]?\d{1,3}(?: \d{3})*(?:[ \t]+\d+\s*\/\s*\d+)?\s*%?$/;

/**
 * Whether Math-Verify's expr target reads a plain text as one number or expression: it matches the
 * expr patterns, and no two operands stand side by side with only spaces between (`(11) 4/9`,
 * `3 (4)`, `2.5 4`): sympy's `parse_expr` (standard transformations, no implicit multiplication)
 * rejects them, so the expr target moves on to the next match, as `lastPlainExpression` does.
 */
function plainExprReads(t: string): boolean {
  const s = t.trim();
  if (!PLAIN_EXPR.test(s)) return false;
  return (
    !/[\d.)]\s+[\d(]/.test(s.replace(/\s*(?:%|[Pp]ercent|[Pp]ercentage|[Pp]ct)$/, "")) ||
    SPACED_NUMBER.test(s.replace(/^[$€£¥₹]/, "").replace(/\s*(?:[Pp]ercent(?:age)?|[Pp]ct)$/, "%"))
  );
}

/** The number a text starts with, as the expr number pattern reads one (no suffix needed: `5cm` is 5). */
const LEADING_NUMBER = /^(?:\*\*)?[$€£¥₹]?(-?\d+(?:[.,]\d+)*(?:\s*(?:%|[Pp]ercent\b|[Pp]ercentage\b|[Pp]ct\b))?)/;

/** What makes text LaTeX to Math-Verify's latex target: a math delimiter, a box, or a bare `\frac{a}{b}`. */
const LATEX_MARK = /\$|\\\(|\\\[|\\boxed|\\fbox|\\[dt]?frac\{-?\d/;

/** The plain-text comma lists of `text` outside its math spans (plainlists.ts). */
function listsIn(text: string): TextRange[] {
  if (!/[,;]/.test(text)) return [];
  return plainCommaLists(text, /[$\\[]/.test(text) ? mathSpans(text, true) : []);
}

/**
 * Whether plain-text comma lists are no answer here: a response (not a gold) read under Math-Verify's
 * targets. Its expr pattern reads a comma only inside a number, so `(3, 4)` is no tuple to it; reading
 * the last number instead would pay `(3, 4)` for a gold 4, so scratchpad reads nothing out of the list.
 */
function noPlainLists(options: MathVerifyOptions): boolean {
  const o = options as Pick<ResolvedMathOptions, "goldSide" | "goldPlainList">;
  return mvTargets(options) && o.goldSide !== true && o.goldPlainList !== true;
}

/**
 * Whether a gold is itself a plain-text comma list (`(2, 6)`, `3, 11, 39`): Math-Verify reads both
 * sides alike, so a response's plain list is then read too, both as tuples or sets (never as their
 * last numbers: `(5, 6)` does not pay `(2, 6)`).
 */
export function isPlainListGold(gold: string): boolean {
  const t = gold.trim();
  if (LATEX_MARK.test(t) || t.includes("\\")) return false;
  const lists = listsIn(t);
  return lists.length === 1 && lists[0].start === 0 && lists[0].end >= t.replace(/[.\s]+$/, "").length;
}

/** A plain-text answer (no LaTeX) that holds a comma list, where such lists are no answer. */
function plainListAnswer(t: string | null, options: MathVerifyOptions): boolean {
  return t !== null && noPlainLists(options) && !LATEX_MARK.test(t) && listsIn(t).length > 0;
}

/** `t` with its plain-text comma lists replaced by a word, so no reading takes a number out of them. */
function maskLists(t: string): string {
  const lists = listsIn(t);
  let out = t;
  for (let i = lists.length - 1; i >= 0; i--) out = `${out.slice(0, lists[i].start)}list${out.slice(lists[i].end)}`;
  return out;
}

function findBySource(text: string, source: ExtractionSource, options: MathVerifyOptions = {}): Found | null {
  const at = (t: string | null, pos: number): Found | null => (t === null ? null : { text: t, pos });
  const both = mvBothTargets(options);
  // only Math-Verify's latex target (no expr): plain text holds no answer
  const latexOnly = mvTargets(options) && !exprNumbersOf(options);
  switch (source) {
    case "boxed": {
      // (under Math-Verify's targets, which math span each box stands in decides how boxes join)
      const mv = mvTargets(options);
      const spans = mv && /\\(?:boxed|fbox)[\s\S]*\\(?:boxed|fbox)/.test(text) ? mathSpans(text, true) : [];
      const box = findBoxed(text, mv, spans);
      return at(box !== null && mv ? boxWithPercent(text, box) : box, lastBoxedStart(text, text.length));
    }
    case "answer-tag": {
      const t = findAnswerTag(text);
      return plainListAnswer(t, options) ? null : at(t, text.lastIndexOf("<answer>"));
    }
    case "final-answer": {
      const mv = mvTargets(options);
      const f = phrase(text, mv ? FINAL_ANSWER_MV : FINAL_ANSWER, latexOnly);
      // "the answer is" (no "final") is Math-Verify's plain "answer" pattern: a math span within 50
      // characters wins over a number before it, as in the last-latex source's reading
      if (mv && f?.latex && !f.final && options.extraction?.includes("last-latex")) return null;
      if (mv && f && (f.final || f.hope) && f.after !== undefined) {
        // Math-Verify's "final answer … is" patterns (0, 50) read what stands right after the phrase: the latex
        // target a math environment there (with the ones joined to it by ",", "and", "or"), the expr target a
        // number there; a span later in the sentence ("is $3$, but it could also be $4$") is not theirs
        const rest = text.slice(f.after);
        const group = latexOnly || options.extraction?.includes("last-latex") ? envGroupAtStart(rest, LATEX_FRACTION) : null;
        if (group !== null) return { ...f, text: group, latex: true, env: true };
        if (/^\s*\\(?:boxed|fbox)/.test(rest)) return f;
        // (`.{0,100}?` is lazy, not first-only: where neither a math environment nor, with the expr target, a number
        // follows the first "is", a later "\s+is" within 100 characters of "final answer" is tried: "The final answer
        // is not $3$, it is $4$" is 4)
        if (
          f.final &&
          (latexOnly || options.extraction?.includes("last-latex")) &&
          !(exprNumbersOf(options) && EXPR_AFTER_IS.test(text.slice(f.pos + text.slice(f.pos, f.after).trimEnd().length)))
        ) {
          const from = f.pos + "final answer".length;
          const later = /\s+is:?/g;
          later.lastIndex = f.after;
          for (let m = later.exec(text); m && m.index - from <= 100; m = later.exec(text)) {
            const g = envGroupAtStart(text.slice(m.index + m[0].length), LATEX_FRACTION);
            if (g !== null) return { ...f, text: g, latex: true, env: true };
          }
        }
        if (!exprNumbersOf(options)) return null;
        return { ...f, latex: false };
      }
      return f;
    }
    case "answer-line": {
      const f = phrase(text, ANSWER_LINE, latexOnly);
      // Math-Verify's latex "answer" pattern: a math span within 50 characters after "answer:" is the
      // answer (it ends after any number before it); the last-latex source reads it
      const mv = mvTargets(options);
      if (mv && f?.latex && options.extraction?.includes("last-latex")) return null;
      return f;
    }
    case "bold": {
      const t = latexOnly ? null : findBold(text);
      return plainListAnswer(t, options) ? null : at(t, 0);
    }
    case "last-latex": {
      const tail = text.length > TAIL ? text.slice(text.length - TAIL) : text;
      if (mvTargets(options)) {
        // Math-Verify's latex target: a math span within 50 characters after the word "answer" ("answer:"
        // first) comes before any other span
        const word = both ? null : answerWordSpans(tail, true, LATEX_FRACTION);
        // (when that span does not parse, the plain pattern's last span is tried: priority 300)
        const plain = word !== null ? lastMathSpans(tail, true) : null;
        if (word !== null) return { text: word, pos: 0, answerWord: true, ...(plain !== null && plain !== word ? { alt: plain } : {}) };
        // it also reads a bare \frac{a}{b} in running text; the match ending last wins
        const f = lastMatch(LATEX_FRACTION, tail);
        // (under the expr target too, a plain-text comma list after them is where the answer stands: no answer)
        const lists = exprNumbersOf(options) && noPlainLists(options) ? listsIn(tail) : [];
        const spans = f || lists.length ? mathSpans(tail, true) : [];
        const lastEnd = spans.length ? spans[spans.length - 1].end : -1;
        // (with a percent sign or word right after it: make_latex_env_pattern's percent group)
        if (lists.length && lists[lists.length - 1].end > Math.max(lastEnd, f ? f.index + f[0].length : -1)) return null;
        if (f && f.index >= lastEnd) return at(/^\s*(?:\\?%|[Pp]ercent|[Pp]ct)/.test(tail.slice(f.index + f[0].length)) ? `${f[0]}\\%` : f[0], 0);
        return at(lastMathSpans(tail, true), 0);
      }
      return at(lastMathSpans(tail), 0);
    }
    case "last-number": {
      const exprNumbers = exprNumbersOf(options);
      if (mvTargets(options) && (options as Pick<ResolvedMathOptions, "goldPlainList">).goldPlainList === true) {
        // A gold written as a plain-text list: a list the response ends with is read whole, not its last number
        // ("So the result is (8, 11)." answers (8, 11), as the whole answer "(8, 11)" does)
        const lists = listsIn(text);
        const last = lists[lists.length - 1];
        if (last && !/\d/.test(text.slice(last.end))) return at(text.slice(last.start, last.end), last.start);
      }
      if (exprNumbers && !both) {
        // the expr target's "answer" patterns skip numbers inside math spans: such a number is no part of a failed span
        const tail = text.length > 4000 ? text.slice(text.length - 4000) : text;
        const w = answerWordNumber(tail, noPlainLists(options) ? listsIn(tail) : []);
        // (a bare \\frac{a}{b} ending last still comes first, as in findLastNumber)
        const f = lastMatch(LATEX_FRACTION, tail);
        const m = f && lastMatch(NUMBER, tail);
        const fractionLast = f !== null && (!m || f.index + f[0].length >= m.index + m[0].length);
        if (w !== null && !fractionLast) return { text: decimalComma(w), pos: 0, outsideMath: true, answerWord: true };
      }
      // (the expr target alone reads numbers as with both targets: number_with_anchors needs the start, a space or '=' before)
      return at(findLastNumber(text, exprNumbers, exprNumbers, !both, exprNumbers && noPlainLists(options)), 0);
    }
    case "whole":
      if (latexOnly && !LATEX_MARK.test(text)) return null;
      // Math-Verify's expr target reads plain text only through its number and expression patterns:
      // a whole answer without LaTeX is read only when it is such a number or expression ("100m2" is 100)
      if (mvTargets(options) && !LATEX_MARK.test(text) && !plainExprReads(text)) return null;
      // (and a plain-text comma list is no answer: its expr pattern reads no tuple or set out of it)
      if (plainListAnswer(text, options)) return null;
      return at(findWhole(text, exprNumbersOf(options), (options as Pick<ResolvedMathOptions, "goldSide">).goldSide === true), 0);
    case "choice": {
      // (anchored only: a letter after "answer" or "final answer … is", never a letter standing alone)
      const anchored = anchoredOnly(options);
      const t = findChoice(text, options.strings ?? ["A", "B", "C", "D"], TAIL, anchored);
      return t === null ? null : { text: t, pos: 0, ...(anchored ? { answerWord: true } : {}) };
    }
  }
}

/** Readings of a phrase answer: itself, the part after its last "is" / "=", its last number. */
function phraseReadings(seg: string): string[] {
  const out = [seg];
  const is = lastMatch(/\b(?:is|are|was|equals|be|of)\s+/gi, seg);
  if (is) out.push(seg.slice(is.index + is[0].length).trim());
  // its number when it has exactly one, else the number it starts with ("is 3 or maybe 4" reads 3)
  const nums = seg.match(NUMBER) ?? [];
  const num = findLastNumber(seg);
  if (num !== null && nums.length === 1) out.push(num);
  else if (nums.length > 1) {
    const first: string = nums[0] ?? "";
    if (first !== "" && seg.startsWith(first)) out.push(first.trim());
  }
  return out.filter((x, i) => x !== "" && out.indexOf(x) === i);
}

/** True when the text ends with a plain number (and a period) written after its last math span. */
function endsWithNumberAfterMath(text: string): boolean {
  const tail = text.length > 400 ? text.slice(text.length - 400) : text;
  const m = /(?:^|\s)[-+]?\d[\d,]*(?:\.\d+)?\s*(?:%|percent)?\s*[.!]?\s*$/.exec(tail);
  if (!m) return false;
  const after = tail.slice(m.index);
  return !/[$]|\\[()[\]]/.test(after);
}

/**
 * True when a number or expression Math-Verify's expr patterns read (after the start, a space or
 * `=`, with an optional currency sign or parenthesis) ends after the last math span. Under its
 * latex and expr targets both plain patterns share priority 300 and the match that ends last wins
 * (parser.extract_target_from_pred), so such a number answers before the span, wherever the text ends.
 */
function numberAfterLastSpan(text: string, skipLists = false): boolean {
  const tail = text.length > 4000 ? text.slice(text.length - 4000) : text;
  const spans = /[$\\[]/.test(tail) ? mathSpans(tail, true) : [];
  if (spans.length === 0) return false;
  const re = /(?<=[\s=])(?:\*\*)?[$€£¥₹]?-?\(?-?\.?\d/g;
  re.lastIndex = spans[spans.length - 1].end;
  // (a number in a plain-text comma list is none: the list is no answer under Math-Verify's targets)
  const lists = skipLists ? plainCommaLists(tail, spans) : [];
  for (let m = re.exec(tail); m; m = re.exec(tail)) if (!inRanges(lists, m.index + m[0].length - 1)) return true;
  return false;
}

/** The candidates of a response with, for each, the match it was read from (readings of one match share it). */
export interface CandidateMatches {
  /** The candidates, in the order they are tried. */
  cands: ExtractedMathAnswer[];
  /** `match[i]`: the match candidate i was read from (`extraction_mode: "first_match"` tries only the first's). */
  match: number[];
}

/**
 * Every candidate answer in `response`, one per extraction source that finds something, in the
 * priority order of `sources` (a "final answer is" phrase written after the last box goes first).
 * The verifier takes the first candidate that parses.
 */
export function extractCandidates(
  response: string,
  sourcesOrTargets: readonly (ExtractionSource | MathVerifyTarget)[] = DEFAULT_EXTRACTION,
  options: MathVerifyOptions = {},
): ExtractedMathAnswer[] {
  return extractCandidateMatches(response, sourcesOrTargets, options).cands;
}

/**
 * `extractCandidates` with the match each candidate was read from. Under Math-Verify's targets it
 * applies `boxed_match_priority` (the box moves among the other patterns' candidates by priority,
 * equal priorities by position, the later first; -1 drops it and blanks every box outside a math span).
 */
export function extractCandidateMatches(
  response: string,
  sourcesOrTargets: readonly (ExtractionSource | MathVerifyTarget)[] = DEFAULT_EXTRACTION,
  options: MathVerifyOptions = {},
): CandidateMatches {
  if (typeof response !== "string") return { cands: [], match: [] };
  const boxedPriority = boxedPriorityOf(options);
  // (another boxed_match_priority, or extraction_mode "first_match", where the first match decides, places the
  // box below, among all candidates by their patterns' priorities: "the answer is X" after a box is then 200, not 50)
  const firstMatch = (options as Partial<Pick<ResolvedMathOptions, "extractionMode">>).extractionMode === "first_match";
  const goldSide = (options as Pick<ResolvedMathOptions, "goldSide">).goldSide === true;
  const defaultBox = !mvTargets(options) || goldSide || (boxedPriority === DEFAULT_BOXED_MATCH_PRIORITY && !firstMatch);
  let sources = expandExtraction(sourcesOrTargets, "extraction");
  const region = answerRegion(response, options);
  // there, every rule but the box reads the text with its boxes outside math spans blanked: a box may now be
  // tried after them, and a number inside one is never an answer of its own (\boxed{3 \text{ or } 4} is not 4)
  const text = defaultBox ? region : blankBareBoxes(region, /[$\\[]/.test(region) ? mathSpans(region, true) : []);
  // (-1: no box pattern; a box is read only inside a math span, by the plain latex pattern, 300)
  if (boxedPriority < 0) sources = sources.filter((s) => s !== "boxed");
  const found: { source: ExtractionSource; f: Found }[] = [];
  for (const source of sources) {
    const f = findBySource(source === "boxed" ? region : text, source, options);
    if (f !== null && f.text.trim() !== "") found.push({ source, f });
  }
  const boxed = found.findIndex((x) => x.source === "boxed");
  const final = found.findIndex((x) => x.source === "final-answer");
  // "the final answer is 7" written after the box replaces it; words ("the answer is as above") do not
  const mathLike = (t: string): boolean => /[\d\\$]/.test(t) || /^\(?[A-Za-z]\)?$/.test(t.trim());
  // ("final answer is X. I hope" is Math-Verify's first pattern, priority 0: before any box)
  const first = final >= 0 && found[final].f.hope === true && mvTargets(options);
  // (under Math-Verify's targets only its "final answer ... is" pattern shares the box's priority, 50; "so the answer
  // is 4" is the "answer" pattern, 200, tried after every box)
  const replaces = !mvTargets(options) || first || found[final]?.f.final === true;
  if (defaultBox && boxed >= 0 && final > boxed && replaces && (first || found[final].f.pos > found[boxed].f.pos) && mathLike(found[final].f.text)) {
    const [fin] = found.splice(final, 1);
    found.splice(boxed, 0, fin);
  }
  // a number that ends the text after the last math span ("... increases by 100%.") is the answer, not that span
  const latex = found.findIndex((x) => x.source === "last-latex");
  const num = found.findIndex((x) => x.source === "last-number");
  // (under Math-Verify's latex and expr targets: any number after the last span, the match that ends last)
  const mvBoth = mvTargets(options) && exprNumbersOf(options);
  if (
    latex >= 0 &&
    num > latex &&
    boxed < 0 &&
    !found[latex].f.answerWord &&
    (mvBoth ? numberAfterLastSpan(text, noPlainLists(options)) : endsWithNumberAfterMath(text))
  ) {
    const [n] = found.splice(num, 1);
    found.splice(latex, 0, n);
  }
  const out: ExtractedMathAnswer[] = [];
  // per candidate: its match, its pattern's priority and where it stands (-1: not known)
  const match: number[] = [];
  const prio: number[] = [];
  const pos: number[] = [];
  let matches = 0;
  const push = (c: ExtractedMathAnswer, m: number, p: number, at: number): void => {
    out.push(c);
    match.push(m);
    prio.push(p);
    pos.push(at);
  };
  let words: { c: ExtractedMathAnswer; p: number; at: number }[] = [];
  // with both of Math-Verify's latex and expr targets, the "answer" patterns (priorities 100, 200) come
  // after boxes and answer phrases and before plain spans and numbers (300)
  const both = mvBothTargets(options);
  const plainAt = found.findIndex((x) => !["boxed", "final-answer", "answer-tag", "answer-line"].includes(x.source));
  const tail = text.length > TAIL ? text.slice(text.length - TAIL) : text;
  if (both && /answer/i.test(tail)) {
    const spans = /[$\\[]/.test(tail) ? mathSpans(tail, true) : [];
    const inSpan = (at: number): boolean => spans.some((sp) => at >= sp.start && at < sp.end);
    // (a bare \frac{a}{b} in running text is one of the latex target's environments too)
    const envs: { start: number; end: number; text: string }[] = spans.map((sp) => ({ start: sp.start, end: sp.end, text: spanWithPercent(tail, sp) }));
    if (tail.includes("frac")) {
      LATEX_FRACTION.lastIndex = 0;
      for (let f = LATEX_FRACTION.exec(tail); f; f = LATEX_FRACTION.exec(tail)) {
        if (!inSpan(f.index)) envs.push({ start: f.index, end: f.index + f[0].length, text: f[0] });
      }
      envs.sort((a, b) => a.start - b.start);
    }
    const lists = noPlainLists(options) ? plainCommaLists(tail, spans) : [];
    const offset = text.length - tail.length;
    words = answerWordMatches(
      tail,
      envs,
      (k) => envs[k].text,
      (at) => inRanges(lists, at),
    ).flatMap((group, g) =>
      group.map((w) => ({
        c:
          w.kind === "latex"
            ? { text: w.text, source: "last-latex" as const }
            : { text: decimalComma(w.text), source: "answer-line" as const, ...(inSpan(w.start) ? {} : { outsideMath: true }) },
        p: g === 0 ? 100 : 200,
        at: offset + w.start,
      })),
    );
  }
  const pushWords = (): void => {
    for (const w of words.splice(0)) push(w.c, matches++, w.p, w.at);
  };
  for (let i = 0; i < found.length; i++) {
    const { source, f } = found[i];
    if (i === plainAt && words.length > 0) pushWords();
    // (under Math-Verify's targets a plain-text comma list in an answer sentence is no answer, and no number is read out of it)
    const seg = (source === "final-answer" || source === "answer-line") && f.latex === false && noPlainLists(options) ? maskLists(f.text) : f.text;
    let readings = (source === "final-answer" || source === "answer-line") && !f.env ? phraseReadings(seg.trim()) : [trimKeepTabs(f.text)];
    // Math-Verify's expr "answer" pattern (answer(?:.{0,100}=\\s*|...)): in a sentence without LaTeX, the value after its last "="
    if ((source === "final-answer" || source === "answer-line") && exprNumbersOf(options) && f.latex === false) {
      const eq = seg.lastIndexOf("=");
      const after = eq >= 0 ? seg.slice(eq + 1).trim() : "";
      if (after !== "" && eq < 100 && /^[-+(.\d]/.test(after)) readings = [after, ...readings.filter((r) => r !== after)];
      // under Math-Verify's targets such a sentence is read only by the expr patterns: a plain number or
      // expression, or the number it starts with ("is 5cm" is 5; "is Monday" is nothing)
      if (mvTargets(options)) {
        const plain = readings.filter((r) => plainExprReads(r));
        const lead = readings.map((r) => LEADING_NUMBER.exec(r.trim())?.[1]).filter((r): r is string => r !== undefined);
        readings = [...plain, ...lead].filter((r, i, all) => all.indexOf(r) === i);
      }
    }
    const m = matches++;
    const p = patternPriority(source, f, boxedPriority);
    // (a phrase, a box: where it starts; the other sources' positions are not kept)
    const at = source === "boxed" || source === "final-answer" || source === "answer-line" ? f.pos : -1;
    for (const r of readings) push(f.outsideMath ? { text: r, source, outsideMath: true } : { text: r, source }, m, p, at);
    // (the plain last span after an "answer" span is another match: priority 300)
    if (f.alt !== undefined) push({ text: f.alt, source }, matches++, 300, -1);
  }
  pushWords();
  if (!defaultBox && boxedPriority >= 0) moveBox(out, match, prio, pos, boxedPriority);
  if (anchoredOnly(options)) {
    // try_extract_without_anchor: false drops the plain patterns (priority 300); box patterns stay at any priority
    const keep = out.map((c, i) => c.source === "boxed" || prio[i] < 300);
    return { cands: out.filter((_, i) => keep[i]), match: match.filter((_, i) => keep[i]) };
  }
  return { cands: out, match };
}

/**
 * The final answer of a model response by the priorities in `options.extraction` (default: boxed,
 * answer tag, "final answer is", "Answer:", bold, last LaTeX span, last number), or null.
 */
export function extractAnswer(response: string, options: MathVerifyOptions = {}): ExtractedMathAnswer | null {
  try {
    return extractCandidates(response, options.extraction ?? DEFAULT_EXTRACTION, options)[0] ?? null;
  } catch (e) {
    if (e instanceof MathOptionError) return null;
    throw e;
  }
}
