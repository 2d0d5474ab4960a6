/**
 * Plain-text comma lists (`(3, 4)`, `-6, 14, 20`, `[5, 17]`, `1/2, 3/4`, `3; 4`, `2, 3, or 5`) outside
 * math spans. Math-Verify's expr target cannot read such a list as a tuple or set: its number pattern
 * allows a comma only inside a number (thousands `7,425,000`, a decimal comma `2,5`), so it reads one
 * number out of the list (usually the last). Under Math-Verify's targets scratchpad reads neither: a
 * list is no answer, and no number is taken out of it (that would pay `(3, 4)` for a gold 4). Used by
 * extract.ts; one linear scan.
 */

/** A range of a text (start inclusive, end exclusive). */
export interface TextRange {
  start: number;
  end: number;
}

/**
 * One item: a number as Math-Verify's number pattern reads one (thousands with `,` or a space, a
 * decimal point or comma, `.5`), a fraction of two, an optional sign and percent. In brackets a comma
 * between digits separates (`(2,5)` is a pair, not 2.5), except in thousands (`(1,000)`).
 */
const ITEM_BARE =
  /[-+]?(?:[1-9]\d{0,2}(?:[ ,]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?|\.\d+)(?:[ \t]*\/[ \t]*\d+(?:\.\d+)?)?(?:[ \t]*(?:%|[Pp]ercent(?:age)?\b|[Pp]ct\b))?/y;
const ITEM_BRACKET =
  /[-+]?(?:[1-9]\d{0,2}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:[ \t]*\/[ \t]*\d+(?:\.\d+)?)?(?:[ \t]*(?:%|[Pp]ercent(?:age)?\b|[Pp]ct\b))?/y;
/** A separator between items: a comma or semicolon; "and"/"or" only after a comma has been seen (`2, 3, or 5`). */
const SEP = /[ \t]*[,;][ \t]*/y;
const SEP_WORD = /[ \t]*,?[ \t]+(?:and|or)[ \t]+/y;
/** Where an item may start: a sign, a point or a digit after the start, a space, a bracket, `=`, `:`, `*`, `>` or a quote. */
const START = /(?<=^|[\s([{=:*>"'])[-+]?\.?\d/g;
/** What may not follow an item: more of a word or an expression (`3, 4x`, `3, 4^2`, `3, 4 + 1`, `3, 4.5.6`). */
const BAD_AFTER = /^(?:[A-Za-z0-9_\\^(/]|\.\d|[ \t]*[=+*×÷^])/;

function itemAt(text: string, at: number, bracketed: boolean): number {
  const re = bracketed ? ITEM_BRACKET : ITEM_BARE;
  re.lastIndex = at;
  const m = re.exec(text);
  if (!m) return -1;
  const end = at + m[0].length;
  return BAD_AFTER.test(text.slice(end, end + 3)) ? -1 : end;
}

/**
 * Every plain-text list of two or more numbers separated by commas or semicolons in `text`, outside
 * the given math spans, with its brackets when it has them. A single number with thousands separators
 * or a decimal comma (`1,000.5`, `2,5`, `0,125`, `1 000 000`) is no list.
 */
export function plainCommaLists(text: string, spans: readonly TextRange[] = []): TextRange[] {
  const out: TextRange[] = [];
  if (!/[,;]/.test(text) || !/\d/.test(text)) return out;
  let resume = 0;
  let k = 0;
  START.lastIndex = 0;
  for (let m = START.exec(text); m; m = START.exec(text)) {
    const at = m.index;
    if (at < resume) continue;
    while (k < spans.length && spans[k].end <= at) k++;
    if (k < spans.length && spans[k].start <= at) {
      START.lastIndex = Math.max(START.lastIndex, spans[k].end);
      continue;
    }
    const open = text[at - 1];
    const bracketed = open === "(" || open === "[" || open === "{";
    let end = itemAt(text, at, bracketed);
    if (end < 0) continue;
    resume = end;
    let items = 1;
    let comma = false;
    for (;;) {
      SEP.lastIndex = end;
      const s = SEP.exec(text);
      const next = s ? itemAt(text, end + s[0].length, bracketed) : -1;
      if (s && next >= 0) {
        comma = true;
        end = next;
        items++;
        continue;
      }
      // the last item may follow "and" / "or" (", or 5") once the list has a comma
      if (comma) {
        SEP_WORD.lastIndex = end;
        const w = SEP_WORD.exec(text);
        const last = w ? itemAt(text, end + w[0].length, bracketed) : -1;
        if (w && last >= 0) {
          end = last;
          items++;
        }
      }
      break;
    }
    resume = end;
    if (items < 2 || !comma) continue;
    let start = at;
    if (bracketed) {
      start = at - 1;
      const close = /^[ \t]*[)\]}]/.exec(text.slice(end, end + 20));
      if (close) end += close[0].length;
    }
    out.push({ start, end });
    START.lastIndex = Math.max(START.lastIndex, end);
  }
  return out;
}

/** Whether position `at` lies inside one of `ranges`. */
export function inRanges(ranges: readonly TextRange[], at: number): boolean {
  return ranges.some((r) => at >= r.start && at < r.end);
}
