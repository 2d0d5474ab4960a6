/**
 * A small recursive-descent parser from normalised answers (LaTeX or plain text) to `MathNode`
 * trees: numbers, variables, + - * / ^ with implicit products, fractions, roots, functions,
 * factorials, percent, relations, tuples and intervals, sets, unions, matrices and text.
 * Nesting depth and size are capped, so any input parses (or fails) quickly.
 */
import type { MathNode, RelOp } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { MathParseError, MathTooLargeError } from "./errors.js";
import { Rational } from "./rational.js";
import { setOperation } from "./sets.js";
import { parseBigOperator } from "./bigops.js";
import { parseDerivative, parseIntegral, parseLimit, type ParserAccess } from "./calculus.js";
import { INVERSE_FUNCTIONS } from "./inverses.js";
import { determinant, matrixRank, trace, transpose } from "./matrix.js";
import { tokenize, type Token } from "./tokenize.js";

/** Deepest nesting the parser accepts. */
export const MAX_DEPTH = 60;

const FUNCTIONS = new Set([
  "sin",
  "cos",
  "tan",
  "cot",
  "sec",
  "csc",
  "arcsin",
  "arccos",
  "arctan",
  "sinh",
  "cosh",
  "tanh",
  "log",
  "ln",
  "exp",
  "lg",
  "abs",
  ...Object.keys(INVERSE_FUNCTIONS),
]);
const REL: Record<string, RelOp> = {
  "=": "=",
  "<": "<",
  ">": ">",
  le: "<=",
  ge: ">=",
  ne: "!=",
  lt: "<",
  gt: ">",
  in: "=",
  approx: "~",
  equiv: "=",
};
/**
 * Operators this parser does not evaluate: answers using them compare as text, never as a product of letters.
 * `\\sim` and `\\simeq` are not `\\approx` (PS.g4 has neither): `3 \\sim 4` is a range ("3 to 4"), not 3.
 */
const UNSUPPORTED = new Set(["iint", "oint", "limsup", "liminf", "sup", "max", "min", "partial", "nabla", "pmod", "sim", "simeq"]);
/**
 * Accent commands latex2sympy2 reads as one symbol named after the accent and its text
 * (`convert_atom_expr`'s ACCENT branch: `\\overline{AB}` is the symbol `bar{AB}`, as is `\\bar{AB}`;
 * `\\overrightarrow` is `vec`, `\\widetilde` is `tilde`, `\\mathcal` and the other math alphabets `math`).
 */
const ACCENTS: Record<string, string> = {
  acute: "acute",
  bar: "bar",
  overline: "bar",
  breve: "breve",
  check: "check",
  widecheck: "widecheck",
  dot: "dot",
  ddot: "ddot",
  grave: "grave",
  hat: "hat",
  tilde: "tilde",
  widetilde: "tilde",
  vec: "vec",
  overrightarrow: "vec",
  mathring: "mathring",
  mathcal: "math",
  mathfrak: "math",
  mathscr: "math",
};
const MATRIX_ENVS = new Set(["pmatrix", "bmatrix", "matrix", "Bmatrix", "smallmatrix", "array", "vmatrix"]);

function num(text: string): MathNode {
  let value: Rational | null;
  try {
    value = Rational.parseDecimal(text);
  } catch (e) {
    if (!(e instanceof MathTooLargeError)) throw e;
    value = null;
  }
  return { k: "num", value, approx: /[.eE]/.test(text), text };
}

/**
 * `p=5,q=2; p=7,q=2`: groups separated by ";" of which one has several comma items are tuples, one per
 * group (latex2sympy2 `convert_elements_to_set_or_tuple`: FiniteSet of Tuples); the list remembers
 * its flat reading (`flat`), which is also compared. Null when there is no such grouping.
 */
function semicolonGroups(items: MathNode[], starts: number[], or: boolean): MathNode | null {
  const bounds = [...new Set(starts)].filter((s) => s < items.length);
  if (or || bounds.length < 2) return null;
  const parts = bounds.map((s, i) => items.slice(s, bounds[i + 1] ?? items.length));
  if (parts.every((p) => p.length === 1)) return null;
  const tuples: MathNode[] = parts.map((p) => (p.length === 1 ? p[0] : { k: "tuple", items: p, open: "(", close: ")" }));
  return { k: "list", items: tuples, or: false, flat: items };
}

class Parser implements ParserAccess {
  pos = 0;
  private depth = 0;
  private absDepth = 0;
  /** How many sums and products enclose the current position (their bound indices are `@sum1`, `@sum2`, ...). */
  bigDepth = 0;
  constructor(
    readonly toks: Token[],
    private readonly src: string,
    readonly budget: Deadline,
  ) {}

  private peek(o = 0): Token | undefined {
    return this.toks[this.pos + o];
  }
  is(t: Token["t"], v?: string): boolean {
    const k = this.toks[this.pos];
    return k !== undefined && k.t === t && (v === undefined || k.v === v);
  }
  isOp(v: string): boolean {
    return this.is("op", v);
  }
  fail(msg: string): never {
    throw new MathParseError(msg, this.src.slice(0, 200));
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) this.fail(`expected "${v}" at token ${this.pos}`);
    this.pos++;
  }
  private enter(): void {
    this.budget.tick();
    if (++this.depth > MAX_DEPTH) this.fail(`answer nested deeper than ${MAX_DEPTH} levels`);
  }

  /** The whole answer: items separated by commas, semicolons, "or", "and". */
  parseTop(): MathNode {
    const items: MathNode[] = [];
    // where each ";"-separated group starts (latex2sympy2's semicolon_elements: `a,b; c,d` is {(a,b), (c,d)})
    const groups = [0];
    let or = false;
    items.push(this.parseRelation());
    while (this.pos < this.toks.length) {
      let seps = 0;
      for (; this.isOp(",") || this.isOp(";") || this.is("or"); seps++) {
        if (this.is("or")) or = true;
        if (this.isOp(";")) groups.push(items.length);
        this.pos++;
      }
      if (seps === 0) this.fail(`unexpected ${JSON.stringify(this.peek()?.v)} at token ${this.pos}`);
      if (this.pos >= this.toks.length) break; // trailing comma
      items.push(this.parseRelation());
    }
    if (items.length === 1) return items[0];
    const grouped = semicolonGroups(items, groups, or);
    if (grouped) return grouped;
    // n = 1, 2, 3 is n = {1, 2, 3}
    const first = items[0];
    if (first.k === "rel" && first.ops.length === 1 && first.ops[0] === "=" && first.args[0].k === "sym" && items.slice(1).every((x) => x.k !== "rel")) {
      return { k: "rel", ops: ["="], args: [first.args[0], { k: "list", items: [first.args[1], ...items.slice(1)], or }] };
    }
    return { k: "list", items, or };
  }

  private parseRelation(): MathNode {
    const first = this.parseUnion();
    const ops: RelOp[] = [];
    const args = [first];
    for (;;) {
      const t = this.peek();
      if (!t) break;
      let op: RelOp | undefined;
      if (t.t === "op" && (t.v === "=" || t.v === "<" || t.v === ">")) op = REL[t.v];
      else if (t.t === "cmd" && REL[t.v] !== undefined) op = REL[t.v];
      if (!op) break;
      this.pos++;
      if ((op === "<" || op === ">") && this.isOp("=")) {
        this.pos++;
        op = op === "<" ? "<=" : ">=";
      }
      // latex2sympy's `a \approx b`: b when a is nothing but variables (`x \approx 11` reads as x = 11), else a itself,
      // "the non-approximated value" (`3 \approx 4` is 3, `\pi \approx 3.14` is π); after a relation the rest is cut (simplifyRel)
      if (op === "~" && ops.length === 0 && !symbolsOnly(first)) {
        this.parseUnion();
        continue;
      }
      ops.push(op);
      args.push(this.parseUnion());
    }
    return ops.length ? { k: "rel", ops, args } : first;
  }

  /** Set operations, loosest first as in PS.g4: `\\setminus` (minus_expr), `\\cup` (union_expr), `\\cap` (intersection_expr); sets.ts computes `\\cap`, `\\setminus`. */
  private parseUnion(): MathNode {
    let left = this.parseCup();
    while (this.is("cmd", "setminus")) {
      this.pos++;
      left = setOperation("setminus", left, this.parseCup(), this.budget);
    }
    return left;
  }

  private parseCup(): MathNode {
    const items = [this.parseCap()];
    while (this.is("cmd", "cup") || (this.is("id", "U") && items[0].k === "tuple")) {
      this.pos++;
      items.push(this.parseCap());
    }
    return items.length === 1 ? items[0] : { k: "union", items };
  }

  private parseCap(): MathNode {
    let left = this.parseExpr();
    while (this.is("cmd", "cap")) {
      this.pos++;
      left = setOperation("cap", left, this.parseExpr(), this.budget);
    }
    return left;
  }

  parseExpr(): MathNode {
    this.enter();
    let left: MathNode | null;
    if (this.is("cmd", "pm") || this.is("cmd", "mp")) {
      this.pos++;
      left = { k: "pm", a: null, b: this.parseTerm() };
    } else left = this.parseTerm();
    for (;;) {
      if (this.isOp("+")) {
        this.pos++;
        left = { k: "add", a: left, b: this.parseTerm() };
      } else if (this.isOp("-")) {
        this.pos++;
        left = { k: "sub", a: left, b: this.parseTerm() };
      } else if (this.is("cmd", "pm") || this.is("cmd", "mp")) {
        this.pos++;
        left = { k: "pm", a: left, b: this.parseTerm() };
      } else break;
    }
    this.depth--;
    return left;
  }

  private startsFactor(): boolean {
    const t = this.peek();
    if (!t) return false;
    switch (t.t) {
      case "num":
      case "id":
      case "word":
      case "begin":
        return true;
      case "cmd":
        return (
          !(t.v in REL) &&
          !["cdot", "times", "div", "pm", "mp", "cup", "cap", "setminus", "ast", "to", "rightarrow", "rfloor", "rceil", "choose", "mod", "bmod"].includes(t.v)
        );
      case "op":
        return t.v === "(" || (t.v === "|" && this.absDepth === 0);
      default:
        return false;
    }
  }

  /** Factors side by side (`2x\\sin x`): the body of `\\sum`, `\\prod`, `\\lim`, `\\frac{d}{dx}`. */
  parseFactors(): MathNode {
    let body = this.parsePower();
    while (this.startsFactor()) body = { k: "mul", a: body, b: this.parsePower() };
    return body;
  }

  /** Tokens [from, to) (of `toks`, default the answer's) as one whole expression (an integrand, a limit's point, a derivative's numerator). */
  parseRange(from: number, to: number, toks = this.toks): MathNode {
    const sub = new Parser(toks.slice(from, to), this.src, this.budget);
    sub.depth = this.depth;
    if (sub.toks.length === 0) this.fail("empty expression");
    const n = sub.parseRelation();
    if (sub.pos < sub.toks.length) sub.fail(`unexpected ${JSON.stringify(sub.peek()?.v)}`);
    return n;
  }

  private parseTerm(): MathNode {
    this.enter();
    let left = this.parseUnary();
    for (;;) {
      if (this.isOp("*") || this.is("cmd", "cdot") || this.is("cmd", "times") || this.is("cmd", "ast")) {
        this.pos++;
        left = { k: "mul", a: left, b: this.parseUnary() };
      } else if (this.is("cmd", "mod") || this.is("cmd", "bmod")) {
        // a \mod b (PS.g4's CMD_MOD): the remainder
        this.pos++;
        left = { k: "fn", name: "mod", args: [left, this.parseUnary()] };
      } else if (this.isOp("/") || this.is("cmd", "div") || this.isOp(":")) {
        // a ratio a:b is the quotient a/b (7:32 = 14:64); 12:00 is a time, not a ratio
        if (this.isOp(":") && this.peek(1)?.t === "num" && /^0/.test(this.peek(1)!.v)) this.fail("a time such as 12:00 is not a ratio");
        this.pos++;
        left = { k: "div", a: left, b: this.parseUnary() };
      } else if (this.startsFactor()) {
        // two numbers side by side (`3 4`, `3\\,4`, `4 \\text{ not } 3`) are no product: Math-Verify never reads 12 there
        if (this.is("num") && this.toks[this.pos - 1]?.t === "num") this.fail("two numbers side by side");
        left = { k: "mul", a: left, b: this.parsePower() };
      } else break;
    }
    this.depth--;
    return left;
  }

  private parseUnary(): MathNode {
    if (this.isOp("-")) {
      this.pos++;
      this.enter();
      const a = this.parseUnary();
      this.depth--;
      return { k: "neg", a };
    }
    if (this.isOp("+")) {
      this.pos++;
      return this.parseUnary();
    }
    return this.parsePower();
  }

  private parsePower(): MathNode {
    this.enter();
    let base = this.parsePostfix(this.parsePrimary());
    if (this.isOp("^")) {
      this.pos++;
      const exp = this.isOp("-") ? (this.pos++, { k: "neg" as const, a: this.parseExponent() }) : this.parseExponent();
      // a matrix to the T (or \\top) is its transpose (PS.g4's transpose)
      const t = base.k === "matrix" && exp.k === "sym" && (exp.name === "T" || exp.name === "top");
      base = this.parsePostfix(t ? transpose(base as Extract<MathNode, { k: "matrix" }>) : { k: "pow", a: base, b: exp });
    }
    this.depth--;
    return base;
  }

  /** An exponent: a braced group, or one number / symbol / command, itself possibly raised (right-associative). */
  parseExponent(): MathNode {
    this.enter();
    let e: MathNode;
    if (this.isOp("{")) e = this.parseGroup("{", "}");
    else if (this.isOp("(")) e = this.parsePrimary();
    else e = this.parseArg(false);
    if (this.isOp("^")) {
      this.pos++;
      e = { k: "pow", a: e, b: this.parseExponent() };
    }
    this.depth--;
    return e;
  }

  private parsePostfix(n: MathNode): MathNode {
    for (;;) {
      if (this.isOp("!")) {
        this.pos++;
        n = { k: "fn", name: "fact", args: [n] };
      } else if (this.isOp("%")) {
        this.pos++;
        n = { k: "fn", name: "percent", args: [n] };
      } else if (this.isOp("'")) {
        // a quote is removed before parsing (math_normalization's to_remove_regex): f'(x) is f(x), A' is A
        this.pos++;
      } else return n;
    }
  }

  parseGroup(open: string, close: string): MathNode {
    this.expectOp(open);
    const inner = this.parseRelation();
    if (open === "{" && this.is("cmd", "choose")) {
      // {n \choose k} is \binom{n}{k}
      this.pos++;
      const k = this.parseRelation();
      this.expectOp(close);
      return { k: "fn", name: "binom", args: [inner, k] };
    }
    if (this.isOp(",")) {
      const items = [inner];
      while (this.isOp(",")) {
        this.pos++;
        items.push(this.parseRelation());
      }
      this.expectOp(close);
      return { k: "list", items, or: false };
    }
    this.expectOp(close);
    return inner;
  }

  /** One argument of \frac, \sqrt, \binom: a braced group, or a single digit / letter / command. */
  private parseArg(singleDigit = true): MathNode {
    this.budget.tick();
    const t = this.peek();
    if (!t) this.fail("missing argument at end of answer");
    if (t.t === "op" && t.v === "{") return this.parseGroup("{", "}");
    if (t.t === "num") {
      if (singleDigit && t.v.length > 1) {
        this.toks[this.pos] = { t: "num", v: t.v.slice(1) };
        return num(t.v[0]);
      }
      this.pos++;
      return num(t.v);
    }
    if (t.t === "id") {
      this.pos++;
      return { k: "sym", name: t.v };
    }
    if (t.t === "cmd" || t.t === "word") return this.parsePrimary();
    return this.fail(`expected an argument, found ${JSON.stringify(t.v)}`);
  }

  private parseSubscript(): string {
    this.expectOp("_");
    const t = this.peek();
    if (!t) this.fail("missing subscript");
    if (t.t === "op" && t.v === "{") {
      let depth = 0;
      let text = "";
      for (; this.pos < this.toks.length; this.pos++) {
        const k = this.toks[this.pos];
        if (k.t === "op" && k.v === "{") depth++;
        else if (k.t === "op" && k.v === "}" && --depth === 0) break;
        if (depth > 1 || !(k.t === "op" && k.v === "{")) text += k.v;
      }
      this.expectOp("}");
      return text;
    }
    this.pos++;
    return t.v;
  }

  private parsePrimary(): MathNode {
    this.enter();
    const n = this.primary();
    this.depth--;
    return n;
  }

  private primary(): MathNode {
    const t = this.peek();
    if (!t) return this.fail("answer ends where a value was expected");
    this.budget.tick();
    switch (t.t) {
      case "num":
        return this.number(t);
      case "id": {
        this.pos++;
        if (this.isOp("_")) return { k: "sym", name: `${t.v}_${this.parseSubscript()}` };
        return { k: "sym", name: t.v };
      }
      case "text":
        this.pos++;
        return { k: "text", text: t.v };
      case "begin":
        return this.matrix(t.v);
      case "lset": {
        this.pos++;
        const items: MathNode[] = [];
        if (!this.is("rset")) {
          items.push(this.parseRelation());
          while (this.isOp(",") || this.isOp(";")) {
            this.pos++;
            items.push(this.parseRelation());
          }
        }
        if (!this.is("rset")) this.fail("set without a closing \\}");
        this.pos++;
        return { k: "set", items };
      }
      case "word":
      case "cmd":
        return this.command(t.v);
      case "op":
        if (t.v === "(" || t.v === "[") return this.bracket(t.v);
        if (t.v === "{") return this.parseGroup("{", "}");
        if (t.v === "|") {
          this.pos++;
          this.absDepth++;
          const inner = this.parseExpr();
          this.absDepth--;
          this.expectOp("|");
          return { k: "fn", name: "abs", args: [inner] };
        }
        return this.fail(`unexpected ${JSON.stringify(t.v)}`);
      default:
        return this.fail(`unexpected ${JSON.stringify(t.v)}`);
    }
  }

  private number(t: Token): MathNode {
    this.pos++;
    if (this.isOp("_")) return { k: "based", digits: t.v, base: this.parseSubscript() };
    // mixed number: 3\frac{1}{2}
    if (/^\d+$/.test(t.v) && this.is("cmd", "frac")) {
      const save = this.pos;
      this.pos++;
      const a = this.parseArg();
      const b = this.parseArg();
      if (a.k === "num" && b.k === "num" && !a.approx && !b.approx && a.value && b.value) {
        const whole = Rational.parseDecimal(t.v);
        // a proper fraction makes a mixed number; 11 7/6 or 4 4/0 is no number at all
        if (whole && !b.value.isZero() && a.value.compare(b.value) < 0) {
          return { k: "num", value: whole.add(a.value.div(b.value)), approx: false, text: `${t.v} ${a.text}/${b.text}` };
        }
        return { k: "text", text: `invalid mixed number ${t.v} ${a.text}/${b.text}` };
      }
      this.pos = save;
    }
    return num(t.v);
  }

  private bracket(open: "(" | "["): MathNode {
    this.pos++;
    const items = [this.parseRelation()];
    while (this.isOp(",") || this.isOp(";")) {
      this.pos++;
      items.push(this.parseRelation());
    }
    const c = this.peek();
    if (!c || c.t !== "op" || (c.v !== ")" && c.v !== "]")) return this.fail(`unclosed "${open}"`);
    this.pos++;
    if (items.length === 1) {
      if ((open === "(" && c.v === ")") || (open === "[" && c.v === "]")) return items[0];
      return this.fail(`"${open}" closed by "${c.v}" around one value`);
    }
    return { k: "tuple", items, open, close: c.v };
  }

  private matrix(env: string): MathNode {
    if (!MATRIX_ENVS.has(env)) this.fail(`unsupported environment ${env}`);
    this.pos++;
    if (env === "array" && this.isOp("{")) {
      while (this.pos < this.toks.length && !this.isOp("}")) this.pos++;
      this.pos++;
    }
    const rows: MathNode[][] = [[]];
    for (;;) {
      this.budget.tick();
      if (this.is("end")) {
        this.pos++;
        break;
      }
      if (this.pos >= this.toks.length) this.fail(`\\begin{${env}} without \\end`);
      const row = rows[rows.length - 1];
      row.push(this.parseRelation());
      if (this.isOp("&")) this.pos++;
      else if (this.is("rowsep")) {
        this.pos++;
        if (!this.is("end")) rows.push([]);
      }
    }
    const width = rows[0].length;
    if (width === 0 || rows.some((r) => r.length !== width)) this.fail("matrix rows of different lengths");
    // vmatrix is a determinant (PS.g4's det rule)
    if (env === "vmatrix") return determinant(rows) ?? this.fail("a determinant that is not square or too large");
    return { k: "matrix", rows };
  }

  private command(name: string): MathNode {
    this.pos++;
    switch (name) {
      case "frac": {
        const derivative = parseDerivative(this);
        if (derivative) return derivative;
        const a = this.parseArg();
        const b = this.parseArg();
        return { k: "div", a, b };
      }
      case "sqrt": {
        if (this.isOp("[")) {
          this.pos++;
          const idx = this.parseExpr();
          this.expectOp("]");
          return { k: "fn", name: "root", args: [this.parseArg(), idx] };
        }
        if (this.isOp("(")) return { k: "fn", name: "sqrt", args: [this.parsePrimary()] };
        return { k: "fn", name: "sqrt", args: [this.parseArg()] };
      }
      case "binom":
        return { k: "fn", name: "binom", args: [this.parseArg(), this.parseArg()] };
      case "pi":
        return { k: "sym", name: "pi" };
      case "infty":
      case "infinity":
      case "inf":
      case "oo":
        return { k: "sym", name: "inf" };
      case "emptyset":
        return { k: "set", items: [] };
      case "e":
        return { k: "sym", name: "e" };
      case "or":
        return this.fail('unexpected "or"');
      case "sum":
      case "prod":
        return parseBigOperator(this, name);
      case "int":
        return parseIntegral(this);
      case "lim":
        return parseLimit(this);
      case "mattr":
      case "mattrace":
      case "matrank": {
        // \operatorname{tr} / {trace} / {rank} of a matrix (latex2sympy2: arg.trace(), arg.rank())
        const m = this.parsePrimary();
        const v = m.k === "matrix" ? (name === "matrank" ? matrixRank(m.rows, this.budget) : trace(m.rows)) : null;
        return v ?? this.fail(`\\operatorname{${name.slice(3)}} of something that is not a matrix it can compute`);
      }
      case "opfloor":
      case "opceil":
        // \operatorname{floor}(x), \operatorname{ceil}(x)
        return { k: "fn", name: name.slice(2), args: [this.parsePrimary()] };
      case "det": {
        // \\det of a matrix (latex2sympy2: FUNC_DET → .det())
        const m = this.parsePrimary();
        return (m.k === "matrix" && determinant(m.rows)) || this.fail("\\det of something that is not a square matrix");
      }
      case "mathbb": {
        // \mathbb{R} is the real line; other number sets are not compared
        const t = this.peek(1);
        if (this.isOp("{") && t?.t === "id" && t.v === "R" && this.peek(2)?.t === "op" && this.peek(2)?.v === "}") {
          this.pos += 3;
          const inf: MathNode = { k: "sym", name: "inf" };
          return { k: "tuple", items: [{ k: "neg", a: inf }, inf], open: "(", close: ")" };
        }
        return this.fail("\\mathbb is not supported (compared as text)");
      }
      case "lfloor":
      case "lceil": {
        const inner = this.parseExpr();
        const close = name === "lfloor" ? "rfloor" : "rceil";
        if (!this.is("cmd", close)) this.fail(`\\${name} without \\${close}`);
        this.pos++;
        return { k: "fn", name: name === "lfloor" ? "floor" : "ceil", args: [inner] };
      }
      case "gcd":
      case "lcm":
      case "max":
      case "min": {
        // \gcd(12, 18), \max(3, 5): integer (gcd, lcm) or real (max, min) functions of a list
        if (!this.isOp("(")) this.fail(`\\${name} without an argument list`);
        const args = this.parsePrimary();
        const items = args.k === "tuple" ? args.items : [args];
        if (items.length < 2) this.fail(`\\${name} of one value`);
        return { k: "fn", name, args: items };
      }
    }
    if (ACCENTS[name] !== undefined && this.isOp("{")) return this.accent(ACCENTS[name]);
    if (UNSUPPORTED.has(name)) this.fail(`\\${name} is not supported (compared as text)`);
    if (FUNCTIONS.has(name)) return this.func(name);
    if (name in REL || ["cdot", "times", "div", "pm", "mp", "cup", "cap", "setminus"].includes(name)) this.fail(`unexpected \\${name}`);
    // Greek letters and other symbols are variables named after the command.
    if (this.isOp("_")) return { k: "sym", name: `${name}_${this.parseSubscript()}` };
    return { k: "sym", name };
  }

  /** An accent and its braced text as one symbol (`bar{AB}`), with an optional subscript. */
  private accent(kind: string): MathNode {
    const start = this.pos;
    let depth = 0;
    let text = "";
    for (; this.pos < this.toks.length; this.pos++) {
      const t = this.toks[this.pos];
      if (t.t === "op" && t.v === "{") depth++;
      else if (t.t === "op" && t.v === "}") depth--;
      if (depth === 0) break;
      if (this.pos > start) text += t.t === "cmd" ? `\\${t.v}` : t.v;
    }
    if (depth !== 0 || text.trim() === "") this.fail(`\\${kind} without its text`);
    this.pos++;
    const name = `${kind}{${text.replace(/\s+/g, "")}}`;
    if (this.isOp("_")) return { k: "sym", name: `${name}_${this.parseSubscript()}` };
    return { k: "sym", name };
  }

  private func(name: string): MathNode {
    let power: MathNode | null = null;
    let base: MathNode | null = null;
    for (let i = 0; i < 2; i++) {
      if (this.isOp("^")) {
        this.pos++;
        power = this.isOp("-") ? (this.pos++, { k: "neg", a: this.parseExponent() }) : this.parseExponent();
      } else if (this.isOp("_")) {
        this.pos++;
        base = this.parseArg(false);
      }
    }
    let arg: MathNode;
    if (this.isOp("(") || this.isOp("{")) arg = this.isOp("(") ? this.parsePrimary() : this.parseGroup("{", "}");
    else {
      arg = this.parsePower();
      while (this.startsFactor() && !this.is("cmd") && !this.is("word")) arg = { k: "mul", a: arg, b: this.parsePower() };
    }
    let fname = name === "lg" ? "log10" : name;
    // sin^{-1} x is arcsin x
    if (power && power.k === "neg" && power.a.k === "num" && power.a.text === "1" && ["sin", "cos", "tan"].includes(fname)) {
      fname = `arc${fname}`;
      power = null;
    }
    const call: MathNode = fname in INVERSE_FUNCTIONS ? INVERSE_FUNCTIONS[fname](arg) : { k: "fn", name: fname, args: base ? [arg, base] : [arg] };
    return power ? { k: "pow", a: call, b: power } : call;
  }
}

/**
 * Parse a normalised answer into a tree. Throws `MathParseError` (bad syntax, too deep, too long)
 * or `MathTimeoutError` (budget spent).
 */
export function parseMath(normalized: string, budget: Deadline): MathNode {
  const toks = tokenize(normalized);
  if (toks.length === 0) throw new MathParseError("empty answer", normalized);
  budget.tick(toks.length);
  return new Parser(toks, normalized, budget).parseTop();
}

/**
 * latex2sympy's `is_expr_of_only_symbols`: a variable (not π, e, i or ∞), or a product, sum, power or function of nothing
 * but variables (`x`, `xy`, `x + y`, `\frac{a}{b}`); numbers make it false (`2x`, `3`).
 */
function symbolsOnly(n: MathNode, depth = 0): boolean {
  if (depth > 30) return false;
  switch (n.k) {
    case "sym":
      return !["pi", "e", "i", "inf"].includes(n.name);
    case "add":
    case "mul":
    case "div":
    case "pow":
      return symbolsOnly(n.a, depth + 1) && symbolsOnly(n.b, depth + 1);
    case "fn":
      return n.args.length > 0 && n.args.every((a) => symbolsOnly(a, depth + 1));
    default:
      return false;
  }
}
