/**
 * Client-side chat templates for raw /v1/completions: budget forcing needs to continue the text,
 * so over a server the chat template is applied here (a `--chat-template` file: a `.jinja` template,
 * a `tokenizer_config.json`, or a model folder) and the rendered prompt is sent as raw text. The
 * template's BOS text is dropped from the front, because vLLM, SGLang and llama.cpp add BOS to a
 * completions prompt themselves (two BOS tokens change what the model does).
 */
import { ChatTemplate, loadChatTemplate } from "../core/chat-template.js";
import type { ThinkTags } from "../core/think.js";

/** A loaded template as a prompt function: user text → the raw prompt the model continues. */
export interface ChatPrompt {
  /** The raw prompt for one user message (generation prompt added, leading BOS text removed). */
  (user: string): string;
  /** The thinking delimiters of the template (detected, or `<think>`/`</think>`). */
  readonly tags: ThinkTags;
  /** The file the template came from. */
  readonly file: string;
}

/** Render `template` for one user message as a completions prompt (see the file comment). */
export function chatPromptFrom(template: ChatTemplate, file = "chat template"): ChatPrompt {
  const fn = (user: string) => {
    const text = template.promptFor(user);
    return template.bosToken !== "" && text.startsWith(template.bosToken) ? text.slice(template.bosToken.length) : text;
  };
  return Object.assign(fn, { tags: template.thinkTags, file });
}

/**
 * Load a chat template for client-side prompting: a `.jinja` file, a `tokenizer_config.json` (its
 * `chat_template`, `bos_token`, `eos_token`), or a folder holding one.
 * @throws ChatTemplateError naming the file and what is missing.
 */
export async function loadChatPrompt(path: string): Promise<ChatPrompt> {
  const loaded = await loadChatTemplate(path);
  return chatPromptFrom(new ChatTemplate(loaded.template, { bosToken: loaded.bosToken, eosToken: loaded.eosToken }, loaded.file), loaded.file);
}
