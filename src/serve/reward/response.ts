/**
 * The response inside an OpenRLHF query. OpenRLHF sends `query` = prompt + response as the trainer decoded
 * the whole sequence (special tokens kept: chat-template markers, BOS, EOS, padding) and `prompts` = the
 * prompt as it was given to the policy. This takes the response after the prompt and cuts it at the first
 * end-of-turn / end-of-sequence marker (text after one was never part of the answer: padding, or tokens the
 * engine did not stop on).
 */
import { DEFAULT_THINK_TAGS } from "../../core/think.js";

/** End-of-turn and end-of-sequence markers of the common chat templates (Qwen, Llama 2/3, DeepSeek, Gemma, Phi, Mistral). */
export const END_MARKERS: readonly string[] = [
  "<|im_end|>",
  "<|endoftext|>",
  "<|end_of_text|>",
  "<|eot_id|>",
  "<|eom_id|>",
  "<｜end▁of▁sentence｜>",
  "<|end|>",
  "<end_of_turn>",
  "<eos>",
  "</s>",
  "<|return|>",
];

/** Tokens that may precede the prompt in a decoded sequence (left padding, BOS). */
const LEADING_TOKENS = [
  "<|endoftext|>",
  "<|end_of_text|>",
  "<|eot_id|>",
  "<|im_end|>",
  "<pad>",
  "<|pad|>",
  "<unk>",
  "<s>",
  "<|begin_of_text|>",
  "<｜begin▁of▁sentence｜>",
  "<bos>",
  "[PAD]",
];

/** Where an assistant turn starts, per template; the response follows the last one when the prompt is not a prefix. */
const ASSISTANT_MARKERS = [
  "<|im_start|>assistant\n",
  "<|start_header_id|>assistant<|end_header_id|>\n\n",
  "<|start_header_id|>assistant<|end_header_id|>",
  "<｜Assistant｜>",
  "<start_of_turn>model\n",
  "<|assistant|>\n",
  "<|assistant|>",
  "[/INST]",
];

/** How the response was found (for logs and tests). */
export type ResponseSource = "after-prompt" | "after-prompt-normalised" | "after-assistant-marker" | "whole-query" | "prompt-not-found";

/** The response part of `query` and how it was found. */
export interface SplitResponse {
  response: string;
  source: ResponseSource;
  /**
   * The text before the response ends with an open `<think>` (DeepSeek-R1's and QwQ's templates, R1-Zero's
   * "Assistant: <think>"): the response starts inside the thinking block, so it answers only after `</think>`.
   */
  inThinking: boolean;
}

/** The thinking block's open tag, as the verifiers read it (core/think.ts). */
const THINK_OPEN = DEFAULT_THINK_TAGS.open;

/** Whether `before` (the text ahead of the response) ends with an open think tag, whitespace aside. */
function endsInThinking(before: string): boolean {
  return before.trimEnd().endsWith(THINK_OPEN);
}

/**
 * The text the verifiers grade for a split response: the response, with the think tag its prompt opened put
 * back in front, so that an answer written inside a thinking block that was never closed earns nothing, as it
 * does when the tag is in the response itself (the verifiers read only what follows `</think>`).
 */
export function gradedResponse(split: SplitResponse): string {
  return split.inThinking ? THINK_OPEN + split.response : split.response;
}

function stripLeading(s: string): string {
  let out = s;
  for (let changed = true; changed;) {
    changed = false;
    const t = out.replace(/^\s+/, "");
    for (const tok of LEADING_TOKENS) {
      if (t.startsWith(tok)) {
        out = t.slice(tok.length);
        changed = true;
        break;
      }
    }
  }
  return out;
}

/** Cut the text at the first end marker. */
export function cutAtEndMarker(text: string): string {
  let cut = text.length;
  for (const m of END_MARKERS) {
    const i = text.indexOf(m);
    if (i >= 0 && i < cut) cut = i;
  }
  return text.slice(0, cut);
}

/**
 * Where the response starts in `query` when `prompt` is its prefix up to whitespace (decoding drops or adds
 * spaces: Hugging Face's `clean_up_tokenization_spaces` turns " ?" into "?" and " n't" into "n't"); -1 when it
 * is not. The index follows the query character that matched the prompt's last non-space character.
 */
function afterPromptUpToSpaces(query: string, prompt: string): number {
  const space = /\s/;
  let i = 0;
  let end = -1;
  for (let j = 0; j < prompt.length; j++) {
    if (space.test(prompt[j])) continue;
    while (i < query.length && space.test(query[i])) i++;
    if (i >= query.length || query[i] !== prompt[j]) return -1;
    i++;
    end = i;
  }
  // The prompt's trailing whitespace ("...assistant\n") belongs to it when the query has it too.
  const trailing = /\s*$/.exec(prompt)![0];
  return end >= 0 && query.startsWith(trailing, end) ? end + trailing.length : end;
}

function afterAssistantMarker(query: string): string | undefined {
  let best = -1;
  let len = 0;
  for (const m of ASSISTANT_MARKERS) {
    const i = query.lastIndexOf(m);
    if (i > best) {
      best = i;
      len = m.length;
    }
  }
  if (best < 0) {
    // Plain-text templates (R1-Zero's "User: ... Assistant: <think>", TinyZero's): the last "Assistant:" that
    // starts a line or follows a space. Without it the whole query would be read, prompt included, and a
    // response with no answer of its own could be paid for a number in the question.
    for (const m of query.matchAll(/(?:^|\s)Assistant:/g)) {
      best = m.index + m[0].length;
      len = 0;
    }
  }
  return best >= 0 ? query.slice(best + len) : undefined;
}

/**
 * The response in an OpenRLHF `query`, given its `prompt` (when the trainer sent one).
 *
 * 1. `query` starts with `prompt`: what follows it.
 * 2. It does after dropping left padding / BOS tokens from both, or up to whitespace (decoding's clean-up
 *    of spaces): what follows.
 * 3. The query holds an assistant-turn marker (`<|im_start|>assistant`, Llama 3's header, DeepSeek's
 *    `<｜Assistant｜>`, ...): what follows the last one; failing those, what follows the last plain
 *    `Assistant:` (R1-Zero's template).
 * 4. Otherwise, with a prompt sent: nothing (the response cannot be told from the question); with none (or
 *    ""), the whole query.
 * The result is cut at the first end marker (`<|im_end|>`, `<|endoftext|>`, `</s>`, `<|eot_id|>`, ...); `inThinking`
 * says the prompt ended with an open `<think>` (grade `gradedResponse(split)`).
 */
export function responseFromQuery(query: string, prompt: string | undefined): SplitResponse {
  let response: string | undefined;
  let source: ResponseSource = "whole-query";
  if (prompt !== undefined && prompt !== "") {
    if (query.startsWith(prompt)) {
      response = query.slice(prompt.length);
      source = "after-prompt";
    } else {
      const q = stripLeading(query);
      const p = stripLeading(prompt);
      if (p !== "" && q.startsWith(p)) {
        response = q.slice(p.length);
        source = "after-prompt-normalised";
      } else if (p.trim() !== "") {
        const at = afterPromptUpToSpaces(q, p);
        if (at >= 0) {
          response = q.slice(at);
          source = "after-prompt-normalised";
        }
      }
    }
  }
  if (response === undefined) {
    const a = afterAssistantMarker(query);
    if (a !== undefined) {
      response = a;
      source = "after-assistant-marker";
    } else if (prompt !== undefined && prompt !== "") {
      // The prompt is not in the query and nothing marks the assistant's turn: where the response starts is
      // unknown. Reading the whole query would grade the question (a response with no answer of its own was
      // paid for the answer a question states), so nothing is graded.
      response = "";
      source = "prompt-not-found";
    } else {
      response = stripLeading(query);
    }
  }
  // The response is the end of the query: what precedes it is the prompt as the trainer decoded it.
  const inThinking = endsInThinking(query.slice(0, query.length - response.length));
  return { response: cutAtEndMarker(response), source, inThinking };
}
