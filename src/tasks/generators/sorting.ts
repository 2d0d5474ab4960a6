/**
 * Sorting a list of integers: "sort(5,3,9)=" -> "3,5,9". Difficulty = list length (2..16).
 */
import { InvalidTaskOptionError } from "../errors.js";
import { defineGenerator } from "../task-generator.js";
import { defineVerifier, integerListCheck } from "../verifiers.js";

/** The sorting task generator. */
export const sorting = defineGenerator({
  name: "sorting",
  description: "Sort a list of non-negative integers.",
  difficulty: { min: 2, max: 16, default: 4, meaning: "length of the list" },
  formats: {
    compact: "sort({list})=",
    text: "Sort these numbers in {order} order: {list_spaced}",
  },
  defaultFormat: "compact",
  fields: { list: 'numbers joined by ","', list_spaced: 'numbers joined by ", "', order: '"ascending" or "descending"' },
  answerFormat: 'the sorted numbers joined by ",", e.g. 3,5,9 (spaces and [ ] are accepted)',
  params: {
    maxValue: { default: 99, description: "values are drawn from 0..maxValue" },
    descending: { default: false, description: "sort from largest to smallest" },
  },
  checkParams(p) {
    const m = p.maxValue as number;
    if (!Number.isInteger(m) || m < 1 || m > Number.MAX_SAFE_INTEGER) {
      throw new InvalidTaskOptionError(`task sorting: maxValue must be a positive integer, got ${m}`);
    }
  },
  verifier: defineVerifier("sorting", integerListCheck),
  make(rng, d, params) {
    const values = Array.from({ length: d }, () => rng.int(0, params.maxValue as number));
    const sorted = [...values].sort((a, b) => (params.descending ? b - a : a - b));
    return {
      fields: {
        list: values.join(","),
        list_spaced: values.join(", "),
        order: params.descending ? "descending" : "ascending",
      },
      answer: sorted.join(","),
      meta: { values },
    };
  },
});
