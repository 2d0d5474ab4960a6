/**
 * Choice letters (Math-Verify's `StringExtractionConfig`, parser.lazy_string_regex): "final answer is
 * B", "Answer: (C)", a letter at the start, or a letter standing alone; several letters in the answer
 * sentence are a hedge. Used by extract.ts's `choice` source.
 */

/** The last match of a global regex in `text`. */
export function lastMatch(re: RegExp, text: string): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    last = m;
    if (m[0].length === 0) re.lastIndex++;
  }
  return last;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A choice letter (Math-Verify's string extraction): after "final answer is" / "answer", else at
 * the start, else the last one standing alone ("Because B is valid" reads B). `anchoredOnly`: only
 * after "final answer is" / "answer" (Math-Verify's `try_extract_without_anchor: false`).
 */
export function findChoice(text: string, strings: readonly string[], tailChars: number, anchoredOnly = false): string | null {
  const tail = text.length > tailChars ? text.slice(text.length - tailChars) : text;
  const keys = strings.map(escapeRe).join("|");
  const suffix = "(?:\\*\\*)?(?=[.,:;\\s)]|$)";
  const letter = `(?:^|[\\s(])(?:\\*\\*)?\\(?(${keys})\\)?${suffix}`;
  // the phrases ignore case; the choices do not ("the answer is a guess" is no choice a)
  const tries: [RegExp, boolean][] = [
    [new RegExp(`[Ff][Ii][Nn][Aa][Ll] [Aa][Nn][Ss][Ww][Ee][Rr].{0,100}?\\s+is:?\\s*(?:\\*\\*)?\\(?(${keys})\\)?${suffix}`, "g"), true],
    [new RegExp(`[Aa][Nn][Ss][Ww][Ee][Rr]:.{0,50}?${letter}`, "g"), true],
    [new RegExp(`[Aa][Nn][Ss][Ww][Ee][Rr].{0,50}?${letter}`, "g"), true],
    [new RegExp(`^(?:\\*\\*)?\\(?(${keys})\\)?${suffix}`, "g"), false],
    [new RegExp(letter, "g"), false],
  ];
  for (const [re, anchored] of tries) {
    if (anchoredOnly && !anchored) continue;
    const m = lastMatch(re, tail);
    if (!m) continue;
    // several choices in the answer sentence ("the answer is A, B, C or D") or, with no anchor, in
    // the whole text ("A B C D") are a hedge: read as "A or B ...", which matches no single gold
    const from = anchored ? m.index : 0;
    const rest = tail.slice(from);
    const end = anchored ? rest.search(/\.(?:\s|$)|\n/) : -1;
    const region = end >= 0 ? rest.slice(0, Math.max(end, m[0].length)) : rest;
    const all = new Set<string>();
    for (const x of region.matchAll(new RegExp(letter, "g"))) all.add(x[1]);
    if (m.index === 0 && !anchored && re.source.startsWith("^")) {
      // "A. Because B is not valid" answers A; "A B C D" (choices listed one after another) is a hedge
      // (so is "A or C", "(A) and (C)", "B or maybe D": letters joined by "or"/"and" and at most one more word)
      const listed = new RegExp(`^\\W*(${keys})(?:\\W+|\\W+(?:or|and)(?:\\s+[a-z]+)?\\W+)(${keys})(?=\\W|$)`).exec(tail);
      return listed && listed[1] !== listed[2] ? `${listed[1]} \\text{ or } ${listed[2]}` : m[1];
    }
    if (all.size > 1) return [...all].join(" \\text{ or } ");
    return m[1];
  }
  return null;
}
