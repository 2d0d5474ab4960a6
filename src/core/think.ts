/**
 * The one think/answer parser: the thinking segment's delimiters (`DEFAULT_THINK_TAGS`, defined only
 * here; a tokenizer or chat template with other tags passes its own `ThinkTags`), splitting
 * `<think>…</think>` from the answer (`splitThinking`, for display and thinking-length metrics), the
 * answer part a verifier grades (`answerAfterThinking`), and the tokens spent thinking
 * (`thinkingTokensOf`), whichever way the backend reports them.
 */
import type { Completion } from "../types.js";

/** The delimiters of the thinking segment. */
export interface ThinkTags {
  open: string;
  close: string;
}

/** The default delimiters (DeepSeek-R1 / Qwen3 style). */
export const DEFAULT_THINK_TAGS: ThinkTags = { open: "<think>", close: "</think>" };

/** A response split into its reasoning and its answer. */
export interface SplitThinking {
  /** The text inside the thinking segment ("" when there is none). */
  reasoning: string;
  /** The text after the thinking segment (the whole text when there is none). */
  answer: string;
  /** Whether a thinking segment was opened. */
  opened: boolean;
  /** Whether the thinking segment was closed (false for a response cut off while thinking). */
  closed: boolean;
}

/**
 * Split a response into reasoning and answer. A response may start with the open tag (or leading
 * whitespace then the tag); a response with a close tag but no open tag (the prompt opened the
 * segment) counts as thinking up to the close tag. A response that never closes the segment is all
 * reasoning with an empty answer.
 */
export function splitThinking(text: string, tags: ThinkTags = DEFAULT_THINK_TAGS): SplitThinking {
  const openAt = text.indexOf(tags.open);
  const closeAt = text.indexOf(tags.close);
  const opensFirst = openAt >= 0 && text.slice(0, openAt).trim() === "" && (closeAt < 0 || openAt < closeAt);
  if (opensFirst) {
    const start = openAt + tags.open.length;
    const end = text.indexOf(tags.close, start);
    if (end < 0) return { reasoning: text.slice(start), answer: "", opened: true, closed: false };
    return { reasoning: text.slice(start, end), answer: text.slice(end + tags.close.length), opened: true, closed: true };
  }
  if (closeAt >= 0 && (openAt < 0 || closeAt < openAt)) {
    return { reasoning: text.slice(0, closeAt), answer: text.slice(closeAt + tags.close.length), opened: true, closed: true };
  }
  return { reasoning: "", answer: text, opened: false, closed: false };
}

/** Options of `answerAfterThinking`. */
export interface AnswerAfterThinkingOptions {
  /** The delimiters (default `DEFAULT_THINK_TAGS`). */
  tags?: ThinkTags;
  /**
   * A response with an open tag but no close tag (cut off while thinking): `"no-answer"` (default,
   * the verifiers' rule: guesses written while thinking earn nothing) or `"whole-text"` (the whole
   * response is the answer part, for checks that grade the text as it is).
   */
  unclosed?: "no-answer" | "whole-text";
}

/** The answer part of a response and whether it followed a closed thinking segment. */
export interface AnswerPart {
  text: string;
  /** True when the text follows a close tag. */
  afterThinking: boolean;
}

/**
 * The part of a response a verifier grades: the text after the LAST close tag (a response that
 * closes the segment twice answers after the second, so nothing written before it counts); with no
 * close tag, the whole response, unless an open tag appears anywhere in it: then, by default, null
 * (see `unclosed`). One linear scan per tag.
 */
export function answerAfterThinking(text: string, opts: AnswerAfterThinkingOptions = {}): AnswerPart | null {
  const tags = opts.tags ?? DEFAULT_THINK_TAGS;
  const closeAt = text.lastIndexOf(tags.close);
  if (closeAt >= 0) return { text: text.slice(closeAt + tags.close.length), afterThinking: true };
  if ((opts.unclosed ?? "no-answer") === "no-answer" && text.includes(tags.open)) return null;
  return { text, afterThinking: false };
}

/** Think tags from a bare tag name (`"think"` → `<think>` / `</think>`). */
export function thinkTagsNamed(name: string): ThinkTags {
  return { open: `<${name}>`, close: `</${name}>` };
}

/**
 * Tokens a completion spent thinking: the backend's own count when it gives one, else the thinking
 * text counted with `countTokens`, else an estimate that splits `completionTokens` by characters.
 */
export function thinkingTokensOf(c: Completion, countTokens?: (text: string) => number, tags: ThinkTags = DEFAULT_THINK_TAGS): number {
  if (c.thinkingTokens !== undefined) return c.thinkingTokens;
  const reasoning = c.reasoning ?? splitThinking(c.text, tags).reasoning;
  if (reasoning === "") return 0;
  if (countTokens) return countTokens(reasoning);
  const total = c.reasoning !== undefined ? c.reasoning.length + c.text.length : c.text.length;
  return total === 0 ? 0 : Math.round((c.completionTokens * reasoning.length) / total);
}
