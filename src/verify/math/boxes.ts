/**
 * `\\boxed{...}` and `\\fbox{...}`: the last box of a response (nested braces; several boxes joined
 * only by "and", "or" or commas count as one list), where a box starts, and the part of a text a
 * box that is never closed covers. Every scan is bounded, so garbage stays linear.
 */
import { matchBrace } from "./normalize.js";

/** Longest `\\boxed{...}` content read, and most boxes tried from the end (bounds the work on garbage). */
const MAX_BOX = 20000;
const MAX_BOX_TRIES = 1000;
const MAX_BOX_SCAN = 400_000;

/**
 * What may stand between two boxes that form one list: words in any text command (`\\text{and}`,
 * `\\mathrm{and}`, `\\textbf{or}`: math_normalization reads `\\mathrm`, `\\mathbf`, `\\textbf`… as
 * `\\text`), spacing and style commands (`\\quad`, `\\,`, `\\displaystyle`), "and"/"or", `x =`,
 * math delimiters and punctuation.
 */
const BETWEEN_BOXES =
  /\\(?:text(?:bf|it|rm|normal)?|math(?:rm|it|bf)|mbox)\s*\{[^{}]*\}|\\(?:q?quad|displaystyle|textstyle)(?![a-zA-Z])|\\[,;:! ]|~|\band\b|\bor\b|[a-zA-Z]\s*=|\\[()[\]]|[$,;\s]/g;

/** Trim spaces and line breaks but keep tabs: a leading tab may be what is left of `\\text` (a lost escape). */
export function trimKeepTabs(s: string): string {
  return s.replace(/^[ \n\r]+|[ \n\r]+$/g, "");
}

/** Content of a `\boxed{...}` or `\fbox{...}` starting at `at`, and where it ends. */
function boxedAt(text: string, at: number, maxLen = MAX_BOX): { content: string; end: number } | null {
  const m = /^\\(?:boxed|fbox)\s*/.exec(text.slice(at, at + 20));
  if (!m) return null;
  const i = at + m[0].length;
  if (text[i] === "{") {
    const close = matchBrace(text, i, maxLen);
    if (close < 0) return null;
    return { content: text.slice(i + 1, close), end: close + 1 };
  }
  // \boxed 5 (a number, a letter or a command; "the \boxed answer" is prose, not a box)
  const w = /^(?:[-+]?\d[\d.,]*|[a-zA-Z](?![a-zA-Z])|\\(?!boxed|fbox)[a-zA-Z]+)/.exec(text.slice(i, i + 200));
  return w ? { content: w[0], end: i + w[0].length } : null;
}

/** Where the last `\\boxed` or `\\fbox` at or before `before` starts (-1: none). */
export function lastBoxedStart(text: string, before: number): number {
  if (before < 0) return -1;
  return Math.max(text.lastIndexOf("\\boxed", before), text.lastIndexOf("\\fbox", before));
}

/**
 * Math-Verify's `extract_boxed_content` (latex2sympy2_extended math_normalization, mode "last"): a box
 * joins the list of the boxes after it when fewer than 10 characters stand between them, or when fewer
 * than 70 do, one of them is "and", "or", a comma or a semicolon, and its content differs from the box
 * after it (`\\boxed{3}, no: \\boxed{4}` is the list 3, 4).
 */
function mvJoinsBoxes(between: string, content: string, next: string): boolean {
  return between.length < 10 || (content !== next && between.length < 70 && /\b(?:and|or)\b|,|;/.test(between));
}

/** Whether the text between two answers offers them as alternatives: the word "or" within 70 characters (boxes, answer tags). */
export function orBetween(between: string): boolean {
  return between.length < 70 && /\bor\b/i.test(between);
}

/**
 * Whether the text between two boxes makes them one hedge although it holds more than separators: the word "or"
 * within 70 characters (`\\boxed{3} or maybe \\boxed{4}`, `\\boxed{3} (or \\boxed{4})`), or fewer than 10 characters
 * with no word in them (`\\boxed{3} / \\boxed{4}`, `\\boxed{3} % \\boxed{4}`), as Math-Verify's `extract_boxed_content`
 * joins them. A correction in words (`\\boxed{3} but actually \\boxed{4}`) is no hedge: the last box answers.
 */
function hedgeBetween(between: string): boolean {
  if (orBetween(between)) return true;
  return between.length < 10 && !/[a-zA-Z]{2,}/.test(between.replace(/\\[a-zA-Z]+/g, " "));
}

/**
 * The last boxed answer; several boxes joined only by "and", "or", commas or `x =` count as one list.
 * With `mathVerify` (Math-Verify's targets), boxes with no math delimiter between them join by
 * Math-Verify's rule instead (mvJoinsBoxes).
 */
export function findBoxed(text: string, mathVerify = false, spans: readonly { start: number; end: number }[] = []): string | null {
  const spanOf = (at: number): { start: number; end: number } | undefined => spans.find((sp) => at >= sp.start && at < sp.end);
  let at = lastBoxedStart(text, text.length);
  // total characters brace matching may scan (100k unclosed boxes stay linear)
  let scan = MAX_BOX_SCAN;
  for (let tries = 0; at >= 0 && tries < MAX_BOX_TRIES && scan > 0; tries++) {
    const box = boxedAt(text, at, Math.min(MAX_BOX, scan));
    scan -= box ? box.end - at : Math.min(MAX_BOX, text.length - at);
    // an empty box ("I put answers in \boxed{}") is no answer: the box before it is
    if (box && trimKeepTabs(box.content) !== "") {
      const parts = [trimKeepTabs(box.content)];
      let prevStart = at;
      for (let guard = 0; guard < 20; guard++) {
        const earlier = lastBoxedStart(text, prevStart - 1);
        if (earlier < 0) break;
        const b = boxedAt(text, earlier);
        if (!b || b.end > prevStart) break;
        const between = text.slice(b.end, prevStart);
        const rest = between.replace(BETWEEN_BOXES, "");
        const delimited = /[$]|\\[()[\]]/.test(between);
        const inLater = mathVerify ? spanOf(prevStart) : undefined;
        const inEarlier = mathVerify ? spanOf(earlier) : undefined;
        if (inLater && inEarlier) {
          // boxes in one math span all belong to it (the latex target's boxed environment pattern normalises
          // its span with boxed="all"); boxes in two spans join only when the spans are joined by the pattern's
          // `\s*(?:,?and|,?or|,)\s*` (no semicolon, no ", and")
          if (inLater !== inEarlier && !/^\s*(?:,?and|,?or|,)\s*$/.test(text.slice(inEarlier.end, inLater.start))) break;
        } else if (mathVerify && inLater) break;
        else if (mathVerify && !delimited) {
          const later = trimKeepTabs(boxedAt(text, prevStart)?.content ?? "");
          if (!mvJoinsBoxes(between, trimKeepTabs(b.content), later)) break;
        } else if ((rest !== "" || between.length > 40) && !hedgeBetween(between)) break;
        // boxes in different math spans ("$$\boxed{20}$$ \boxed{143}") join only with a separator
        if (delimited && !/[,;]|\band\b|\bor\b/.test(between)) break;
        const joiner = /\bor\b/i.test(between) ? " \\text{ or } " : ", ";
        // the same box twice in a row is one answer (Math-Verify's extract_boxed_content drops the repeat)
        if (trimKeepTabs(b.content) !== parts[0].replace(/(?:, | \\text\{ or \} )$/, "")) parts.unshift(trimKeepTabs(b.content) + joiner);
        prevStart = earlier;
      }
      return parts.length === 1 ? parts[0] : parts.join("").replace(/, $/, "");
    }
    at = lastBoxedStart(text, at - 1);
  }
  return null;
}

/**
 * `text` with every `\\boxed{...}` / `\\fbox{...}` outside the given math spans blanked out (spaces, so
 * positions stay): with `boxed_match_priority: -1` Math-Verify has no box pattern, and its latex target
 * reads a box only inside a math span. Blanking the bare ones means no rule reads a number out of one
 * (`\\boxed{3 or 4}` is not 4). An unclosed box loses only its command. Bounded like `findBoxed`.
 */
export function blankBareBoxes(text: string, spans: readonly { start: number; end: number }[]): string {
  if (!/\\(?:boxed|fbox)/.test(text)) return text;
  let out = "";
  let done = 0;
  let scan = MAX_BOX_SCAN;
  const re = /\\(?:boxed|fbox)/g;
  let k = 0;
  for (let m = re.exec(text); m && scan > 0; m = re.exec(text)) {
    const at = m.index;
    // (spans are in order: one pointer keeps this linear)
    while (k < spans.length && spans[k].end <= at) k++;
    if (k < spans.length && spans[k].start <= at) continue;
    const box = boxedAt(text, at, Math.min(MAX_BOX, scan));
    const end = box ? box.end : at + m[0].length;
    scan -= box ? box.end - at : Math.min(MAX_BOX, text.length - at);
    out += text.slice(done, at) + " ".repeat(end - at);
    done = end;
    re.lastIndex = end;
  }
  return out + text.slice(done);
}

/**
 * The part of a text a failed box covers when the box is never closed: Math-Verify's plain box
 * pattern `\\boxed{.+}` (parser.lazy_latex_regex) ends at the last `}`, so a number after it is
 * outside the failed span and its expr target may still read it (parser.extract_target_from_pred);
 * null when the text has no unclosed box.
 */
export function unclosedBoxSpan(text: string): string | null {
  const at = text.search(/\\(?:boxed|fbox)\s*\{/);
  if (at < 0) return null;
  const open = text.indexOf("{", at);
  if (matchBrace(text, open, text.length) >= 0) return null;
  const last = text.lastIndexOf("}");
  return last > open ? text.slice(0, last + 1) : null;
}
