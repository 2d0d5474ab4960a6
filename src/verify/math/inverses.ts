/**
 * The inverse functions PS.g4 has beyond arcsin, arccos and arctan, as the parser writes them: with the functions
 * every evaluator knows (see `INVERSE_FUNCTIONS`).
 */
import type { MathNode } from "./ast.js";
import { Rational } from "./rational.js";

/** A numeric literal node. */
const lit = (n: bigint): MathNode => ({ k: "num", value: Rational.of(n), approx: false, text: n.toString() });

/**
 * The inverse functions PS.g4 has beyond arcsin, arccos, arctan (`\\arccot`, `\\arcsec`, `\\arccsc`, and the inverse
 * hyperbolic `\\arsinh` / `\\arcsinh`, `\\arcosh` / `\\arccosh`, `\\artanh` / `\\arctanh`; sympy's acot, asec, acsc,
 * asinh, acosh, atanh), written with the functions the evaluators know: arccot u = arctan(1/u), arcsec u =
 * arccos(1/u), arccsc u = arcsin(1/u), arsinh u = ln(u + sqrt(u^2+1)), arcosh u = ln(u + sqrt(u^2-1)),
 * artanh u = ln((1+u)/(1-u))/2.
 */
export const INVERSE_FUNCTIONS: Record<string, (u: MathNode) => MathNode> = (() => {
  const one = lit(1n);
  const inv = (u: MathNode): MathNode => ({ k: "div", a: one, b: u });
  const sq = (u: MathNode): MathNode => ({ k: "pow", a: u, b: lit(2n) });
  const fn = (name: string, a: MathNode): MathNode => ({ k: "fn", name, args: [a] });
  const asinh = (u: MathNode): MathNode => fn("ln", { k: "add", a: u, b: fn("sqrt", { k: "add", a: sq(u), b: one }) });
  const acosh = (u: MathNode): MathNode => fn("ln", { k: "add", a: u, b: fn("sqrt", { k: "sub", a: sq(u), b: one }) });
  const atanh = (u: MathNode): MathNode => ({ k: "div", a: fn("ln", { k: "div", a: { k: "add", a: one, b: u }, b: { k: "sub", a: one, b: u } }), b: lit(2n) });
  return {
    arccot: (u) => fn("arctan", inv(u)),
    arcsec: (u) => fn("arccos", inv(u)),
    arccsc: (u) => fn("arcsin", inv(u)),
    arsinh: asinh,
    arcsinh: asinh,
    arcosh: acosh,
    arccosh: acosh,
    artanh: atanh,
    arctanh: atanh,
  };
})();
