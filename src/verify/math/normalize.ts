/**
 * String normalisation of one extracted answer before parsing: unicode math symbols, LaTeX
 * spacing and sizing commands, fraction variants, text and units, degrees, currency, percent,
 * thousands separators, decimal commas, mixed numbers and trailing punctuation.
 * Every step is a linear scan or a simple regex (no nested quantifiers), so it is fast on any input.
 */

/** Function and constant names every reader of plain-text math knows (answers, units, commands). */
export const CORE_MATH_WORDS = ["pi", "sqrt", "sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "inf", "infinity", "or", "and"] as const;

/** The core names plus inverse and hyperbolic trigonometry, `infty` and `abs`. */
export const FUNCTION_WORDS = [...CORE_MATH_WORDS, "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "infty", "abs"] as const;

const SUPERSCRIPTS: Record<string, string> = {
  "⁰": "0",
  "¹": "1",
  "²": "2",
  "³": "3",
  "⁴": "4",
  "⁵": "5",
  "⁶": "6",
  "⁷": "7",
  "⁸": "8",
  "⁹": "9",
  "⁻": "-",
  "⁺": "+",
};
const VULGAR: Record<string, string> = {
  "½": "\\frac{1}{2}",
  "⅓": "\\frac{1}{3}",
  "⅔": "\\frac{2}{3}",
  "¼": "\\frac{1}{4}",
  "¾": "\\frac{3}{4}",
  "⅕": "\\frac{1}{5}",
  "⅖": "\\frac{2}{5}",
  "⅗": "\\frac{3}{5}",
  "⅘": "\\frac{4}{5}",
  "⅙": "\\frac{1}{6}",
  "⅚": "\\frac{5}{6}",
  "⅛": "\\frac{1}{8}",
  "⅜": "\\frac{3}{8}",
  "⅝": "\\frac{5}{8}",
  "⅞": "\\frac{7}{8}",
};
const SYMBOLS: Record<string, string> = {
  "−": "-",
  "–": "-",
  "—": "-",
  "‐": "-",
  "×": "\\times ",
  "·": "\\cdot ",
  "⋅": "\\cdot ",
  "∙": "\\cdot ",
  "÷": "\\div ",
  "√": "\\sqrt",
  "∛": "\\sqrt[3]",
  π: "\\pi ",
  "∞": "\\infty ",
  "≤": "\\le ",
  "⩽": "\\le ",
  "≥": "\\ge ",
  "⩾": "\\ge ",
  "≠": "\\ne ",
  "±": "\\pm ",
  "∓": "\\mp ",
  "∪": "\\cup ",
  "∩": "\\cap ",
  "∖": "\\setminus ",
  "∈": "\\in ",
  "∅": "\\emptyset ",
  "°": "^\\circ ",
  θ: "\\theta ",
  α: "\\alpha ",
  β: "\\beta ",
  γ: "\\gamma ",
  λ: "\\lambda ",
  φ: "\\phi ",
  "⟨": "(",
  "⟩": ")",
  "\u00a0": " ",
  "\u2009": " ",
  "\u202f": " ",
  "\u200b": "",
  "’": "'",
  "€": " ",
  "£": " ",
  "¥": " ",
  "⁄": "/",
  "∣": "|",
  ℝ: "\\mathbb{R}",
};

/** Commands removed outright (spacing, sizing, styles that do not change the value). */
const DROP_COMMANDS =
  /\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg|displaystyle|textstyle|scriptstyle|limits|nolimits|quad|qquad|hfill|allowbreak|noindent|centering)(?![a-zA-Z])/g;

/** Text-like commands whose braced argument is either a unit/word or math to unwrap. */
const TEXT_COMMANDS =
  /\\(?:text|textbf|textit|textrm|textsf|texttt|textnormal|mathrm|mathbf|mathit|mathsf|mathtt|mathnormal|mbox|hbox|operatorname|boldsymbol|bm|emph)\s*\{/g;

/** Words and symbols that mean "per cent". */
const PERCENT_WORDS = /\s*(?:\\%|%|(?<![a-zA-Z])percentage\b|(?<![a-zA-Z])percent\b|(?<![a-zA-Z])pct\b)/gi;

/** Math names never stripped as trailing unit words. */
const MATH_WORDS = new Set<string>([...FUNCTION_WORDS, "i", "e", "mod", "gcd", "lcm"]);

/**
 * Find the index of the `}` closing the group whose `{` is at `open` (backslash-escaped braces
 * skipped); -1 when unbalanced or when the group is longer than `maxLen`.
 */
export function matchBrace(s: string, open: number, maxLen = 100000): number {
  let depth = 0;
  const end = Math.min(s.length, open + maxLen);
  for (let i = open; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i;
  }
  return -1;
}

function mapUnicode(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (SUPERSCRIPTS[c] !== undefined) {
      let run = "";
      while (i < s.length && SUPERSCRIPTS[s[i]] !== undefined) run += SUPERSCRIPTS[s[i++]];
      i--;
      out += `^{${run}}`;
    } else if (VULGAR[c] !== undefined) out += VULGAR[c];
    else if (SYMBOLS[c] !== undefined) out += SYMBOLS[c];
    else out += c;
  }
  // Full-width digits and letters, ligatures.
  return /[^ -~\s]/.test(out) ? out.normalize("NFKC") : out;
}

/**
 * What a unit never follows: a comma or semicolon, or a plain word of two or more letters (not a command such as `\pi`).
 * `\text{even}, \text{odd}` and `\text{yes}\text{no}` are two answers, not a word and its unit.
 */
const AFTER_WORD_OR_LIST = /(?:[,;]|(?<![\\a-zA-Z])[a-zA-Z]{2,})\s*$/;

/** Replace `\text{...}`-like commands: units and words after a value are dropped, "or"/"and" become separators, math is unwrapped. */
function replaceTextCommands(s: string): string {
  let out = "";
  let last = 0;
  TEXT_COMMANDS.lastIndex = 0;
  for (let m = TEXT_COMMANDS.exec(s); m; m = TEXT_COMMANDS.exec(s)) {
    const open = m.index + m[0].length - 1;
    const close = matchBrace(s, open);
    if (close < 0) break;
    const inner = s.slice(open + 1, close);
    const before = out + s.slice(last, m.index);
    let end = close + 1;
    const word = inner.trim();
    const isWhole = before.trim() === "" && s.slice(end).trim() === "";
    let replacement: string;
    // a unit in \mathrm at the very end after a number (`6\,\mathrm{m}`, `9.8\mathrm{ms}^{2}`): Math-Verify
    // turns \mathrm into \text and drops a trailing \text{...}; i, e and d stay (numbers and differentials)
    const unitAtEnd =
      (m[0].startsWith("\\mathrm") || (/^\\(?:text|mbox)/.test(m[0]) && /^[a-zA-Z]$/.test(word) && /^\s/.test(inner))) &&
      // one letter only when it is a unit symbol (m, g, s, L, h, K, N, J, W, V, A), never a variable such as x
      (/^[a-zA-Z]{2,}$/.test(word) || /^[mgsLlhKNJWVA]$/.test(word)) &&
      /(?:\d|\\[,;: ]|\s)$/.test(before) &&
      /\d/.test(before) &&
      /^\s*(?:\^\s*(?:\{\s*\d\s*\}|\d))?\s*$/.test(s.slice(end));
    if (unitAtEnd) {
      replacement = " ";
      end = s.length;
    } else if (/^(?:or|,?\s*or)$/i.test(word)) replacement = " \\or ";
    // words holding "or" between two values ("x = 3 \text{ or maybe } x = 4") separate a hedge too, not a unit
    else if (/\bor\b/i.test(word) && /^[a-zA-Z ,.'-]+$/.test(word) && before.trim() !== "" && s.slice(end).trim() !== "") replacement = " \\or ";
    else if (/^(?:and|,?\s*and)$/i.test(word)) replacement = ", ";
    else if (isWhole || /^[a-zA-Z]$/.test(word) || m[0].startsWith("\\operatorname") || m[0].startsWith("\\math")) {
      replacement = isWhole && /[a-zA-Z]{2}/.test(word) ? `\\text{${word}}` : inner;
    } else if (/^[a-zA-Z][a-zA-Z .'/-]*(?:\^\{?\d\}?)?$/.test(word) && before.trim() !== "" && !AFTER_WORD_OR_LIST.test(before)) {
      // A unit or word after a value: drop it, with a following power (cm^2).
      const pow = /^\s*\^\s*(?:\{\s*\d\s*\}|\d)/.exec(s.slice(end));
      if (pow) end += pow[0].length;
      replacement = " ";
    } else replacement = ` ${inner} `;
    out = before + replacement;
    last = end;
    TEXT_COMMANDS.lastIndex = end;
  }
  return out + s.slice(last);
}

/** Remove thousands separators (`1,000`, `1{,}000`, `10,\!080`, `1 000`) and read decimal commas. */
function numberSeparators(s: string): string {
  s = s.replace(/(\d)\{,\}(?=\d{3})/g, "$1,");
  s = s.replace(/(\d),\\!\s*(?=\d{3}(?!\d))/g, "$1,");
  s = s.replace(/(\d)\\,(?=\d{3}(?!\d))/g, "$1");
  if (!/[([{]/.test(s) || /\\\$|^\$/.test(s)) {
    // (a group cannot start with 0: `0,125` is a decimal comma, latex2sympy2's convert_number and the expr target's
    // number pattern, whose thousands format starts with 1-9)
    s = s.replace(/(^|[^\d.,])((?!0)\d{1,3}(?:,\d{3})+)(?![\d,])/g, (_m, pre: string, num: string) => pre + num.replace(/,/g, ""));
  }
  if (/^-?\d{1,3}(?: \d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/ /g, "");
  return s;
}

/** Drop trailing words (units, "dollars", "apples") after a value in plain text. */
function stripTrailingWords(s: string): string {
  // an integral's differential (`\int_0^1 x^2 dx`) is no unit
  if (s.length > 500 || /\\int(?![a-zA-Z])/.test(s)) return s;
  const input = s;
  for (let guard = 0; guard < 8; guard++) {
    const m = /^(.*?[\d})\]a-zA-Z.%])\s+([a-zA-Z][a-zA-Z.']*(?:\^\{?\d\}?)?)\s*\.?$/.exec(s);
    if (!m) break;
    const word = m[2].replace(/\^.*$/, "").replace(/\.$/, "").toLowerCase();
    if (word.length < 2 || MATH_WORDS.has(word)) break;
    s = m[1];
  }
  // words are units only after a value: "yes no" and "even odd" are two answers, not "yes" and "even"
  const last = /(?<![\\a-zA-Z])([a-zA-Z]{2,})\s*$/.exec(s);
  if (s !== input && last && !MATH_WORDS.has(last[1].toLowerCase())) return input;
  // leading words before a value: "about 5" is not handled; "x = 5" is kept for the parser
  return s;
}

/**
 * `\\Gamma(x)` is the gamma function (latex2sympy2_extended 1.11.0's FUNC_GAMMA), written as the
 * factorial `((x)-1)!` the parser evaluates (exactly at positive integers, by Lanczos elsewhere).
 */
function gammaAsFactorial(s: string): string {
  for (let guard = 0; guard < 8; guard++) {
    const m = /\\Gamma\s*\(/.exec(s);
    if (!m) break;
    let depth = 1;
    let j = m.index + m[0].length;
    for (; j < s.length && depth > 0; j++) {
      if (s[j] === "(") depth++;
      else if (s[j] === ")") depth--;
    }
    if (depth !== 0) break;
    s = `${s.slice(0, m.index)}((${s.slice(m.index + m[0].length, j - 1)})-1)!${s.slice(j)}`;
  }
  return s;
}

/**
 * Normalise an answer string (LaTeX or plain text) for the parser. Idempotent on its own output.
 * @param input the extracted answer (without `$` delimiters).
 */
/**
 * TeX's `A \over B`: the group it stands in (or the whole answer) is the fraction A/B, so `{3 \over 4}` and
 * `3 \over 4` become `\frac{3}{4}` (latex2sympy2 reads them so). `\overline`, `\overset`, ... are other commands.
 */
function overAsFrac(s: string): string {
  for (let guard = 0; guard < 8; guard++) {
    const m = /\\over(?![a-zA-Z])/.exec(s);
    if (!m) break;
    // the "{" that opens the group around \over: the first one left of it that is not closed before it
    let open = -1;
    for (let i = m.index - 1, depth = 0; i >= 0; i--) {
      if (s[i - 1] === "\\") continue;
      if (s[i] === "}") depth++;
      else if (s[i] === "{" && depth-- === 0) {
        open = i;
        break;
      }
    }
    const close = open < 0 ? s.length : matchBrace(s, open);
    if (close < 0) break;
    const num = s.slice(open + 1, m.index).trim();
    const den = s.slice(m.index + m[0].length, close).trim();
    s = `${s.slice(0, open + 1)}\\frac{${num}}{${den}}${s.slice(close)}`;
  }
  return s;
}

export function normalizeAnswer(input: string): string {
  let s = mapUnicode(input);
  // doubly escaped LaTeX ("\\\\frac{1}{2}" from JSON written twice); matrices keep their row breaks
  if (/\\\\[a-zA-Z]/.test(s) && !/\\begin\s*\{/.test(s)) s = s.replace(/\\\\(?=[a-zA-Z])/g, "\\");
  // \boxed{X} left inside an answer
  for (let guard = 0; guard < 8; guard++) {
    const b = /\\(?:boxed|fbox)\s*\{/.exec(s);
    if (!b) break;
    const close = matchBrace(s, b.index + b[0].length - 1);
    if (close < 0) break;
    s = s.slice(0, b.index) + s.slice(b.index + b[0].length, close) + s.slice(close + 1);
  }
  // "frac13", "frac{1}{3}" written without the backslash (Math-Verify fixes these too)
  s = s.replace(/(?<![\\a-zA-Z])[dtc]?frac(?=\s*[{\d])/g, "\\frac");
  s = s.replace(/\\(?:dfrac|tfrac|cfrac)(?![a-zA-Z])/g, "\\frac").replace(/\\(?:dbinom|tbinom)(?![a-zA-Z])/g, "\\binom");
  s = overAsFrac(s);
  // `\log_24` is log base 2 of 4 (a subscript takes one token; math_normalization's malformed operators: `\log_{2}{4}`)
  s = s.replace(/\\log_(\d)(\d+)/g, "\\log_{$1}{$2}");
  // `(n)_{k}` is the falling factorial n!/(n-k)! (math_normalization's permutation_regex)
  s = s.replace(/\(([a-zA-Z0-9+\-*/\\ ]+?)\)_\{([a-zA-Z0-9+\-*/\\ ]+?)\}/g, "\\frac{($1)!}{(($1)-($2))!}");
  // "1, 2, 3, \ldots": the dots go (Math-Verify's normalisation)
  s = s.replace(/,?\s*\\ldots(?![a-zA-Z])/g, " ");
  s = s.replace(DROP_COMMANDS, "");
  s = gammaAsFactorial(s);
  // Python's power `2**3` in a plain expression (Math-Verify's expr target parses it with sympy's parse_expr)
  s = s.replace(/([\d)])\s*\*\*\s*(?=[\d(-])/g, "$1^");
  // a roman differential `{\\rm d}x` is `dx` (math_normalization's basic_latex: `{\\rm d}` → d)
  s = s.replace(/\{\\rm\s+d\}/g, "d");
  // \operatorname{lcm}(4, 6): the functions the parser knows by their command names
  s = s.replace(/\\operatorname\s*\{\s*(lcm|gcd)\s*\}/g, "\\$1");
  // \operatorname{tr}, {trace}, {rank} of a matrix and \operatorname{floor}, {ceil} (PS.g4's func_operator_names_single_arg)
  s = s.replace(/\\(?:operatorname|text|mathrm)\s*\{\s*(tr|trace|rank)\s*\}/g, "\\mat$1");
  s = s.replace(/\\operatorname\s*\{\s*(floor|ceil)\s*\}/g, "\\op$1");
  s = s.replace(/\\operatorname\s*\{\s*(arccot|arcsec|arccsc|arsinh|arcsinh|arcosh|arccosh|artanh|arctanh)\s*\}/g, "\\$1");
  s = s.replace(/\\\\|\\[,;:! ]/g, (m) => (m === "\\!" || m === "\\\\" ? m : " "));
  s = numberSeparators(s);
  s = s.replace(/\\!/g, "").replace(/~/g, " ");
  s = s
    .replace(/\\(?:lvert|rvert|vert|mid)(?![a-zA-Z])/g, "|")
    .replace(/\\(?:lbrace)(?![a-zA-Z])/g, "\\{")
    .replace(/\\(?:rbrace)(?![a-zA-Z])/g, "\\}")
    // \lbrack … \rbrack and \lgroup … \rgroup are brackets and parentheses (PS.g4's L_BRACK, L_GROUP)
    .replace(/\\lbrack(?![a-zA-Z])/g, "[")
    .replace(/\\rbrack(?![a-zA-Z])/g, "]")
    .replace(/\\lgroup(?![a-zA-Z])/g, "(")
    .replace(/\\rgroup(?![a-zA-Z])/g, ")")
    .replace(/\\(?:langle)(?![a-zA-Z])/g, "(")
    .replace(/\\(?:rangle)(?![a-zA-Z])/g, ")")
    .replace(/\\(?:leqslant|leq)(?![a-zA-Z])/g, "\\le")
    .replace(/\\(?:geqslant|geq)(?![a-zA-Z])/g, "\\ge")
    .replace(/\\(?:neq)(?![a-zA-Z])/g, "\\ne")
    // `\not=` and `\not\equiv` render as ≠ (the parser would read `\not` as a variable: `x \not= 4` as an equation)
    .replace(/\\not\s*(?:=|\\equiv(?![a-zA-Z]))/g, "\\ne ")
    .replace(/\\(?:varnothing)(?![a-zA-Z])/g, "\\emptyset")
    .replace(/\\(?:infinity)(?![a-zA-Z])/g, "\\infty")
    .replace(/<=/g, "\\le ")
    .replace(/>=/g, "\\ge ")
    .replace(/!=/g, "\\ne ");
  // degrees
  s = s
    .replace(/\^\s*\{?\s*\\circ\s*\}?/g, " ")
    .replace(/\\(?:circ|degree)(?![a-zA-Z])/g, " ")
    .replace(/\bdeg(?:rees?|s)?\b\.?/gi, " ");
  s = replaceTextCommands(s);
  // currency
  s = s
    .replace(/\\\$/g, " ")
    .replace(/\$/g, " ")
    .replace(/\b(?:dollars?|USD|usd|euros?|EUR|cents?)\b/g, " ");
  s = s.replace(PERCENT_WORDS, "%");
  s = s.replace(/\s+/g, " ").trim();
  // trailing punctuation and leading "="
  s = s
    .replace(/(?:\s*[.,;:]|\s*\\\\)+$/, "")
    .replace(/^(?:[=:]|\\approx(?![a-zA-Z]))\s*/, "")
    .trim();
  s = s.replace(/\.$/, "");
  // decimal comma in a bare number: "1000,99", "0,111", "2,74" (three digits after are thousands, handled above)
  if (/^-?\d+,\d+$/.test(s) && !/^-?\d+,\d{3}$/.test(s) && (/^-?0,/.test(s) || /,\d{2}$/.test(s) || /^-?\d{4,},/.test(s))) {
    s = s.replace(",", ".");
  } else if (/^-?0,\d{3}$/.test(s)) s = s.replace(",", ".");
  // mixed number in plain text: "3 1/2"
  const mixed = /^([-+]?(?:\d{1,3}(?: \d{3})+|\d+))[ \t]+(\d+)\s*\/\s*(\d+)\s*(%?)$/.exec(s);
  if (mixed) s = `${mixed[1].replace(/ /g, "")}\\frac{${mixed[2]}}{${mixed[3]}}${mixed[4]}`;
  s = stripTrailingWords(s);
  return s;
}

/**
 * A cheap comparison key: the normalised answer without spaces and `\text{}` (words lower-cased). A space
 * between two digits stays (as one space): `3 5` is not the text `35` (spaced thousands were joined before).
 */
export function looseKey(s: string): string {
  const k = s
    .replace(/\\text\{([^{}]*)\}/g, "$1")
    // one-character sub- and superscripts with or without braces (`\int_{0}^{1}` is `\int_0^1`)
    .replace(/([_^])\s*\{\s*([a-zA-Z0-9])\s*\}/g, "$1$2")
    .replace(/(\d)\s+(?=\d)/g, "$1\uE000")
    .replace(/\s+/g, "")
    .replace(/\uE000/g, " ")
    .replace(/^\((.)\)$/, "$1");
  // words compare without case ("Evelyn", "evelyn"); math keeps it (3R^2 is not 3r^2)
  return /^[a-zA-Z]{2,}$/.test(k) ? k.toLowerCase() : k;
}
