/**
 * Tokenizer for normalised answers: numbers, single-letter variables, known plain words (sqrt, pi,
 * sin, or, ...), LaTeX commands, `\text{...}` words, environments and operator characters.
 */
import { MathParseError } from "./errors.js";
import { FUNCTION_WORDS, matchBrace } from "./normalize.js";

/** One token. `t` is the kind, `v` the text (command names without the backslash). */
export interface Token {
  t: "num" | "id" | "word" | "cmd" | "op" | "text" | "begin" | "end" | "lset" | "rset" | "rowsep" | "or";
  v: string;
}

/** Plain words read as commands (a model may write `sqrt(2)` or `pi`; `oo` is sympy's infinity). */
const PLAIN_WORDS = new Set<string>([...FUNCTION_WORDS, "oo"]);

/** A number literal (sticky: matched at the current position). */
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d{1,6}(?![a-zA-Z\d]))?/y;

/** Most tokens one answer may have. */
export const MAX_TOKENS = 4000;

/**
 * True right after `_`, or inside a `_{...}` group (a subscript such as `S_{MBCN}` or
 * `S_{\\triangle ABC}` names a symbol; its letters are not English). Looks back 20 tokens at most.
 */
function afterSubscript(out: Token[]): boolean {
  const n = out.length;
  const isOp = (t: Token | undefined, v: string): boolean => t !== undefined && t.t === "op" && t.v === v;
  if (isOp(out[n - 1], "_")) return true;
  let depth = 0;
  for (let k = n - 1; k >= 0 && k >= n - 20; k--) {
    if (isOp(out[k], "}")) depth++;
    else if (isOp(out[k], "{")) {
      if (depth === 0) return isOp(out[k - 1], "_");
      depth--;
    }
  }
  return false;
}

/** Split a normalised answer into tokens. Throws `MathParseError` on characters it does not know. */
export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    if (out.length > MAX_TOKENS) throw new MathParseError(`answer has more than ${MAX_TOKENS} tokens`, s.slice(0, 200));
    const c = s[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if ((c >= "0" && c <= "9") || (c === "." && s[i + 1] >= "0" && s[i + 1] <= "9")) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(s);
      const text = m ? m[0] : c;
      out.push({ t: "num", v: text });
      i += text.length;
      continue;
    }
    if ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z")) {
      let j = i;
      while (j < n && /[a-zA-Z]/.test(s[j])) j++;
      const word = s.slice(i, j);
      if (PLAIN_WORDS.has(word.toLowerCase())) {
        const w = word.toLowerCase();
        out.push(w === "or" ? { t: "or", v: "or" } : w === "and" ? { t: "op", v: "," } : { t: "word", v: w });
      } else if (/^[A-Z]{3,5}$/.test(word)) {
        // capital point names (`\\angle ABC`, `AB`, `ABCD`) name one thing; latex2sympy2 reads them as a
        // product of letters, which the grader's sympy_compare_symbols compares by their concatenation
        out.push({ t: "id", v: word });
      } else if (word.length >= 3 && !afterSubscript(out)) {
        // English words are not math: "The largest n is 34" must not parse as a product of letters.
        throw new MathParseError(`text "${word.slice(0, 30)}" is not math`, s.slice(0, 200));
      } else for (const ch of word) out.push({ t: "id", v: ch });
      i = j;
      continue;
    }
    if (c === "\\") {
      const next = s[i + 1];
      if (next === undefined) {
        i++;
        continue;
      }
      if (/[a-zA-Z]/.test(next)) {
        let j = i + 1;
        while (j < n && /[a-zA-Z]/.test(s[j])) j++;
        const name = s.slice(i + 1, j);
        i = j;
        if (name === "text" || name === "textbf" || name === "mathrm") {
          while (s[i] === " ") i++;
          if (s[i] === "{") {
            const close = matchBrace(s, i);
            if (close < 0) throw new MathParseError("unbalanced braces after \\text", s.slice(0, 200));
            out.push({ t: "text", v: s.slice(i + 1, close).trim() });
            i = close + 1;
            continue;
          }
        }
        if (name === "begin" || name === "end") {
          const m = /^\s*\{([a-zA-Z*]+)\}/.exec(s.slice(i, i + 40));
          if (!m) throw new MathParseError(`\\${name} without an environment name`, s.slice(0, 200));
          out.push({ t: name, v: m[1] });
          i += m[0].length;
          continue;
        }
        if (name === "or") out.push({ t: "or", v: "or" });
        else out.push({ t: "cmd", v: name });
        continue;
      }
      if (next === "{") out.push({ t: "lset", v: "{" });
      else if (next === "}") out.push({ t: "rset", v: "}" });
      else if (next === "\\") out.push({ t: "rowsep", v: "\\\\" });
      else if (next === "|") out.push({ t: "op", v: "|" });
      else if (next === "%") out.push({ t: "op", v: "%" });
      // other escapes (\, \; \!) are spacing
      i += 2;
      continue;
    }
    if ("+-*/^_!=<>|()[]{},;&%':".includes(c)) {
      out.push({ t: "op", v: c });
      i++;
      continue;
    }
    if (c === "?" || c === "`") {
      i++;
      continue;
    }
    throw new MathParseError(`unexpected character ${JSON.stringify(c)}`, s.slice(0, 200));
  }
  return out;
}
