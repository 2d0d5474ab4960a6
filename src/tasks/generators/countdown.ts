/**
 * Countdown (as in TinyZero): reach a target with the given numbers and + - * /, each number used
 * once (all of them by default). Difficulty = how many numbers (2..6). Targets are always reachable:
 * each is built from a random expression over the drawn numbers (positive integer intermediates).
 * The verifier parses the answer with a safe exact evaluator and checks the numbers used.
 */
import type { Problem, Verdict } from "../../types.js";
import { ExpressionError, evaluateExpression } from "../arithmetic-expression.js";
import { InvalidTaskOptionError } from "../errors.js";
import type { Rng } from "../../core/rng.js";
import { defineGenerator } from "../task-generator.js";
import { defineVerifier, finalAnswerText, noAnswer } from "../verifiers.js";

interface Node {
  value: number;
  expr: string;
  /** 1: sum/difference, 2: product/quotient, 3: literal or parenthesised. */
  prec: number;
}

function combine(a: Node, b: Node, op: string): Node {
  const prec = op === "+" || op === "-" ? 1 : 2;
  const left = a.prec < prec ? `(${a.expr})` : a.expr;
  const strictRight = op === "-" || op === "/";
  const right = b.prec < prec || (strictRight && b.prec === prec) ? `(${b.expr})` : b.expr;
  const value = op === "+" ? a.value + b.value : op === "-" ? a.value - b.value : op === "*" ? a.value * b.value : a.value / b.value;
  return { value, expr: `${left}${op}${right}`, prec };
}

/** A random expression using every number once, with positive integer intermediate values. */
export function randomExpression(rng: Rng, numbers: readonly number[], maxValue: number): Node {
  let items: Node[] = numbers.map((n) => ({ value: n, expr: String(n), prec: 3 }));
  while (items.length > 1) {
    const order = rng.shuffle(items.map((_, i) => i));
    const [i, j] = [order[0], order[1]];
    let [a, b] = [items[i], items[j]];
    const ops: string[] = ["+"];
    if (a.value !== b.value) ops.push("-");
    if (a.value * b.value <= maxValue) ops.push("*");
    const big = a.value >= b.value ? a : b;
    const small = big === a ? b : a;
    if (small.value > 1 && big.value % small.value === 0) ops.push("/");
    const op = rng.pick(ops);
    if (op === "-" || op === "/") [a, b] = [big, small];
    items = items.filter((_, k) => k !== i && k !== j);
    items.push(combine(a, b, op));
  }
  return items[0];
}

function sameMultiset(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.every((v, i) => v === y[i]);
}

/** True when `used` takes each of `given` at most once (a sub-multiset). */
function subMultiset(used: readonly number[], given: readonly number[]): boolean {
  const left = new Map<number, number>();
  for (const g of given) left.set(g, (left.get(g) ?? 0) + 1);
  for (const u of used) {
    const c = left.get(u) ?? 0;
    if (c === 0) return false;
    left.set(u, c - 1);
  }
  return true;
}

/**
 * The one expression an answer states: "EXPR" as is; "EXPR = 24" -> EXPR (the claimed value is not
 * trusted); "3,5,7>21=EXPR" (an echoed prompt) -> EXPR. Only one part is ever evaluated, so listing
 * several candidates joined by "=" earns nothing.
 */
export function pickExpression(text: string): string {
  const parts = text.split("=").map((s) => s.trim());
  if (parts.length === 1) return parts[0];
  const last = parts[parts.length - 1];
  return /^\d+$/.test(last) ? parts[parts.length - 2] : last;
}

function countdownCheck(response: string, problem: Problem): Verdict {
  const numbers = problem.meta.numbers;
  const target = problem.meta.target;
  if (!Array.isArray(numbers) || !numbers.every((v) => Number.isSafeInteger(v)) || !Number.isSafeInteger(target)) {
    return { correct: false, status: "invalid", score: 0, reason: "problem has no countdown numbers/target in meta" };
  }
  const text = finalAnswerText(response);
  if (text === null) return noAnswer();
  const expr = pickExpression(text);
  let evaluated;
  try {
    evaluated = evaluateExpression(expr, { maxNumbers: numbers.length, maxLength: 400 });
  } catch (err) {
    const reason = err instanceof ExpressionError ? err.message : "invalid expression";
    return { correct: false, status: "wrong", score: 0, reason: `invalid expression: ${reason}`, extracted: expr };
  }
  const useAll = problem.meta.useAll !== false;
  if (useAll ? !sameMultiset(evaluated.numbers, numbers as number[]) : !subMultiset(evaluated.numbers, numbers as number[])) {
    return {
      correct: false,
      status: "wrong",
      score: 0,
      reason: useAll ? "must use each given number exactly once" : "uses a number not given, or one twice",
      extracted: expr,
      details: { used: evaluated.numbers },
    };
  }
  const { n, d } = evaluated.value;
  const correct = d === 1n && n === BigInt(target as number);
  return {
    correct,
    status: correct ? "correct" : "wrong",
    reason: correct ? "correct" : "expression does not equal the target",
    extracted: expr,
    details: { value: d === 1n ? n.toString() : `${n}/${d}` },
  };
}

/** The Countdown task generator. */
export const countdown = defineGenerator({
  name: "countdown",
  description: "Reach the target with the given numbers and + - * / (each number once).",
  difficulty: { min: 2, max: 6, default: 3, meaning: "how many numbers are given" },
  formats: {
    compact: "{numbers}>{target}=",
    text:
      "Using the numbers {numbers_list}, create an equation that equals {target}. You can use basic arithmetic " +
      "operations (+, -, *, /) and each number can only be used once. Show your work in <think> </think> tags. " +
      "And return the final answer in <answer> </answer> tags, for example <answer> (1 + 2) / 3 </answer>.",
  },
  defaultFormat: "compact",
  fields: { numbers: 'numbers joined by "," ("3,5,7")', numbers_list: 'numbers as a list ("[3, 5, 7]")', target: "the target" },
  answerFormat: "an expression over the given numbers, e.g. (5-3)*7",
  params: {
    maxNumber: { default: 99, description: "numbers are drawn from 1..maxNumber" },
    maxTarget: { default: 999, description: "targets lie in 1..maxTarget" },
    useAll: { default: true, description: "every number must be used (TinyZero's rule); false: each at most once" },
  },
  checkParams(p) {
    const [mn, mt] = [p.maxNumber as number, p.maxTarget as number];
    if (!Number.isInteger(mn) || mn < 2 || mn > 1_000_000 || !Number.isInteger(mt) || mt < 1 || mt > 1e12) {
      throw new InvalidTaskOptionError(`task countdown: need integers maxNumber in 2..1000000 and maxTarget in 1..1e12, got ${mn}, ${mt}`);
    }
  },
  verifier: defineVerifier("countdown", countdownCheck),
  make(rng, d, params) {
    const maxNumber = params.maxNumber as number;
    const maxTarget = params.maxTarget as number;
    for (let attempt = 0; ; attempt++) {
      const numbers = Array.from({ length: d }, () => rng.int(1, maxNumber));
      for (let k = 0; k < 20; k++) {
        const e = randomExpression(rng, numbers, Math.max(maxTarget, maxNumber) * maxNumber);
        if ((e.value >= 1 && e.value <= maxTarget) || attempt >= 200) {
          const target = e.value;
          return {
            fields: { numbers: numbers.join(","), numbers_list: `[${numbers.join(", ")}]`, target },
            answer: e.expr,
            meta: { numbers, target, useAll: params.useAll },
          };
        }
      }
    }
  },
});
