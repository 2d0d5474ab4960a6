/**
 * The word "answer" under Math-Verify's latex and expr targets together (parser.lazy_latex_regex and
 * lazy_expr_regex, priorities 100 for "answer:" and 200 for "answer"): both targets' matches of one
 * priority are tried by where they end, the last first (parser.extract_target_from_pred). The latex
 * pattern takes the first math span starting within 50 characters after the word (and up to five
 * more joined by "and", "or" or commas); the expr pattern, on the word's line, the number or plain
 * expression after the last "=" within 100 characters, else the first one within 50 characters,
 * wherever it stands (a number at the start of `$5$` follows a currency sign to that pattern). So
 * "To answer this, we need $x$. Thus we get $5$" answers 5: that match ends after the span's.
 */

/** A math span of the text (delimiters included in start..end). */
export interface WordSpan {
  start: number;
  end: number;
}

/** One match of an "answer" pattern: what it reads, where that starts and where the match ends. */
export interface WordMatch {
  text: string;
  kind: "latex" | "expr";
  start: number;
  end: number;
}

/** The expr target's number after its prefix (start, a space or "="), with an optional currency sign. */
const NUMBER_AT =
  /(?:\*\*)?[$€£¥₹]?(?:(-?[1-9]\d{0,2}(?:[ ,]\d{3})+)(\.\d+)?|(-?\d+)([.,]\d+)|(\.\d+)|(-?\d+))(\s*(?:%|[Pp]ercent|\s*[Pp]ercentage|\s*[Pp]ct))?/y;
/** The expr target's plain expression (a digit first, an operator and more after it). */
const EXPR_AT = /(?:\*\*)?(-?\(?-?\d[\d.\s+\-*×/^()÷]*[+\-*×/^()÷][\d.\s+\-*×/^()÷]+\)?)(?:\*\*)?(?:[.,:\s)$]|$)/y;
/** The most "answer" words looked at (bounds the work on garbage). */
const MAX_WORDS = 2000;

/** The number or expression the expr pattern reads at `at` (the prefix character before it already matched), or null. */
function exprAt(line: string, at: number): { text: string; end: number } | null {
  // (?:{expr_with_anchors}|{number_with_anchors}): the expression alternative first
  EXPR_AT.lastIndex = at;
  const e = EXPR_AT.exec(line);
  if (e) {
    // the suffix may be given back: the match ends at the expression or at its suffix character
    const body = e[1];
    // two numbers side by side are no Python expression (parse_expr rejects "11 5")
    if (!/[\d.)]\s+[\d(]/.test(body.trim())) return { text: body.trim(), end: e.index + e[0].length };
  }
  NUMBER_AT.lastIndex = at;
  const n = NUMBER_AT.exec(line);
  if (!n) return null;
  const integer = (n[1] ?? n[3] ?? n[6] ?? "").replace(/[, ]/g, "").replace(/^(-?)0+(?=\d)/, "$1");
  const decimal = (n[2] ?? n[4] ?? n[5] ?? "").replace(",", ".");
  const text = `${integer === "" || integer === "-" ? `${integer}0` : integer}${decimal}${n[7] ? "\\%" : ""}`;
  return { text, end: n.index + n[0].length };
}

/**
 * The expr "answer" pattern at one word: its match on the rest of the line, or null. A match that
 * starts where `blocked` says (a plain-text comma list, plainlists.ts) ends the word: nothing is read.
 */
function exprAfterWord(text: string, from: number, blocked: (at: number) => boolean): WordMatch | null {
  const nl = text.indexOf("\n", from);
  const line = text.slice(from, nl < 0 ? Math.min(text.length, from + 400) : Math.min(nl, from + 400));
  const ok = (m: { text: string; end: number } | null): boolean => m !== null && !/^\s*=/.test(line.slice(m.end));
  const prefixed = (i: number): boolean => i < line.length && /[\s=]/.test(line[i]);
  // .{0,100}=\s*: the last "=" within 100 characters first (greedy), then earlier ones
  for (let eq = line.slice(0, 101).lastIndexOf("="); eq >= 0; eq = eq > 0 ? line.lastIndexOf("=", eq - 1) : -1) {
    let i = eq + 1;
    while (i < line.length && /\s/.test(line[i])) i++;
    // \s* gives back one space to the prefix
    for (let p = i - 1; p > eq; p--) {
      if (!prefixed(p)) continue;
      const m = exprAt(line, p + 1);
      if (ok(m) && blocked(from + p + 1)) return null;
      if (ok(m)) return { text: m!.text, kind: "expr", start: from + p + 1, end: from + m!.end };
      break;
    }
  }
  // .{0,50}?: the first place within 50 characters where a prefixed number or expression starts
  for (let p = 0; p <= 50 && p < line.length; p++) {
    if (!prefixed(p)) continue;
    const m = exprAt(line, p + 1);
    if (ok(m) && blocked(from + p + 1)) return null;
    if (ok(m)) return { text: m!.text, kind: "expr", start: from + p + 1, end: from + m!.end };
  }
  return null;
}

/**
 * The matches of the "answer:" (first list) and "answer" (second list) patterns of both targets,
 * each list in the order Math-Verify tries them (the match ending last first). `spans` are the
 * text's math spans in order; `spanText` gives a span's answer text (body, with a percent after it);
 * `blocked` says where the expr pattern reads nothing (a plain-text comma list: no number out of it).
 */
export function answerWordMatches(
  text: string,
  spans: readonly WordSpan[],
  spanText: (k: number) => string,
  blocked: (at: number) => boolean = () => false,
): WordMatch[][] {
  const groups: WordMatch[][] = [];
  for (const colon of [true, false]) {
    const out: WordMatch[] = [];
    const word = colon ? /answer:/gi : /answer/gi;
    // the latex pattern (DOTALL): finditer resumes after each match
    let resume = 0;
    let k0 = 0;
    let words = 0;
    for (let m = word.exec(text); m && words < MAX_WORDS; m = word.exec(text), words++) {
      if (m.index < resume) continue;
      const from = m.index + m[0].length;
      while (k0 < spans.length && spans[k0].start < from) k0++;
      if (k0 >= spans.length || spans[k0].start - from > 50) continue;
      let last = k0;
      while (last + 1 < spans.length && last - k0 < 5 && /^\s*(?:,?and|,?or|,)\s*$/.test(text.slice(spans[last].end, spans[last + 1].start))) last++;
      let joined = spanText(k0);
      for (let j = k0 + 1; j <= last; j++) joined += `${/or/.test(text.slice(spans[j - 1].end, spans[j].start)) ? " \\text{ or } " : ", "}${spanText(j)}`;
      out.push({ text: joined, kind: "latex", start: spans[k0].start, end: spans[last].end });
      resume = spans[last].end;
    }
    // the expr pattern (no DOTALL: one line): finditer resumes after each match
    word.lastIndex = 0;
    resume = 0;
    words = 0;
    for (let m = word.exec(text); m && words < MAX_WORDS; m = word.exec(text), words++) {
      if (m.index < resume) continue;
      const e = exprAfterWord(text, m.index + m[0].length, blocked);
      if (!e) continue;
      out.push(e);
      resume = e.end;
    }
    out.sort((a, b) => b.end - a.end || a.start - b.start);
    groups.push(out);
  }
  return groups;
}
