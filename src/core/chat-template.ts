/**
 * Chat templates: the Jinja `chat_template` of Hugging Face tokenizer configs and GGUF metadata,
 * rendered with `@huggingface/jinja` (the renderer transformers.js uses), plus what a caller needs
 * around it for reasoning models:
 *
 * - `SCRATCHPAD_CHAT_TEMPLATE`: the template `scratchpad serve` applies to the embedded models (BOS,
 *   then the last user message as the raw prompt), written into checkpoints' tokenizer_config.json
 *   and into exported GGUF files, so vLLM, transformers and llama.cpp prompt the model the same way.
 * - `ChatTemplate`: render messages; `promptFor(user)` is the raw text a completion continues;
 *   `thinkTags` are the thinking delimiters, detected from the template or the vocabulary;
 *   `startsInThinking(prompt)` says whether the template itself opened the thinking segment
 *   (DeepSeek-R1's generation prompt ends in `<think>\n`), so that generated text is reasoning
 *   until the close tag.
 * - `loadChatTemplate(path)`: a template from a `.jinja` file, a `tokenizer_config.json`, or a model
 *   folder holding one (for client-side templates over `/v1/completions`).
 */
import { readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import { Template } from "@huggingface/jinja";
import { ScratchpadError } from "./errors.js";
import type { ThinkTags } from "./think.js";

/**
 * The chat template of scratchpad's own models: what `scratchpad serve` sends the model for a chat
 * request (the last user message as the raw prompt, after BOS). The embedded models are completion
 * models trained on raw prompts; system messages and earlier turns are not part of their format.
 */
export const SCRATCHPAD_CHAT_TEMPLATE =
  '{%- set ns = namespace(prompt="") -%}' +
  "{%- for message in messages -%}" +
  '{%- if message["role"] == "user" -%}{%- set ns.prompt = message["content"] -%}{%- endif -%}' +
  "{%- endfor -%}" +
  "{{- bos_token + ns.prompt -}}";

/** A chat message as templates read it (extra fields such as `reasoning_content` pass through). */
export interface ChatTemplateMessage {
  role: string;
  content: string;
  [field: string]: unknown;
}

/** A chat template cannot be parsed, rendered or found; the message names the file and the fix. */
export class ChatTemplateError extends ScratchpadError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("chat_template_invalid", message, options);
  }
}

/** Thinking delimiters of known reasoning-model families, most common first. */
export const KNOWN_THINK_TAGS: readonly ThinkTags[] = [
  { open: "<think>", close: "</think>" },
  { open: "<thinking>", close: "</thinking>" },
  { open: "<seed:think>", close: "</seed:think>" },
  { open: "<|START_THINKING|>", close: "<|END_THINKING|>" },
  { open: "[THINK]", close: "[/THINK]" },
  { open: "◁think▷", close: "◁/think▷" },
];

/**
 * The thinking delimiters a model uses: the first known pair whose open and close tags both occur
 * in the template source, else in the vocabulary (token strings); undefined when neither has any.
 */
export function detectThinkTags(template: string | undefined, vocabulary?: Iterable<string>): ThinkTags | undefined {
  if (template) {
    const hit = KNOWN_THINK_TAGS.find((t) => template.includes(t.open) && template.includes(t.close));
    if (hit) return { ...hit };
  }
  if (vocabulary) {
    const vocab = new Set(vocabulary);
    const hit = KNOWN_THINK_TAGS.find((t) => vocab.has(t.open) && vocab.has(t.close));
    if (hit) return { ...hit };
  }
  return undefined;
}

/** Whether `text` ends inside a thinking segment: its last open tag comes after its last close tag. */
export function endsInsideThinking(text: string, tags: ThinkTags): boolean {
  const open = text.lastIndexOf(tags.open);
  return open >= 0 && text.lastIndexOf(tags.close) < open;
}

/** Options of a `ChatTemplate`. */
export interface ChatTemplateOptions {
  /** The BOS token's text (`bos_token` in the template; default ""). */
  bosToken?: string;
  /** The EOS token's text (`eos_token`; default ""). */
  eosToken?: string;
  /** Thinking delimiters (default: detected from the template, then `vocabulary`, then `<think>`). */
  thinkTags?: ThinkTags;
  /** Token strings of the model, for detecting the thinking delimiters. */
  vocabulary?: Iterable<string>;
}

/** Options of one rendering. */
export interface RenderOptions {
  /** Append the assistant turn's opening (default true). */
  addGenerationPrompt?: boolean;
  /** Extra template variables, e.g. `{ enable_thinking: false }` for Qwen3. */
  variables?: Record<string, unknown>;
}

/** A parsed chat template with the model's special tokens. */
export class ChatTemplate {
  readonly source: string;
  readonly bosToken: string;
  readonly eosToken: string;
  /** The thinking delimiters (detected, or `<think>` / `</think>` when nothing says otherwise). */
  readonly thinkTags: ThinkTags;
  /** Whether the tags were found in the template or vocabulary (false: the default was assumed). */
  readonly thinkTagsDetected: boolean;
  private readonly compiled: Template;

  /** Parse a template; a syntax error is a `ChatTemplateError` naming `label`. */
  constructor(source: string, opts: ChatTemplateOptions = {}, label = "chat template") {
    this.source = source;
    this.bosToken = opts.bosToken ?? "";
    this.eosToken = opts.eosToken ?? "";
    const detected = opts.thinkTags ?? detectThinkTags(source, opts.vocabulary);
    this.thinkTags = detected ?? { open: "<think>", close: "</think>" };
    this.thinkTagsDetected = detected !== undefined;
    try {
      this.compiled = new Template(source);
    } catch (err) {
      throw new ChatTemplateError(`${label}: not a valid Jinja template (${(err as Error).message})`, { cause: err });
    }
  }

  /** Render messages to the text the model sees (BOS included when the template writes it). */
  render(messages: readonly ChatTemplateMessage[], opts: RenderOptions = {}): string {
    try {
      return this.compiled.render({
        messages: messages.map((m) => ({ ...m })),
        bos_token: this.bosToken,
        eos_token: this.eosToken,
        add_generation_prompt: opts.addGenerationPrompt ?? true,
        ...opts.variables,
      });
    } catch (err) {
      throw new ChatTemplateError(`rendering the chat template failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The raw prompt for one user message: what a completion continues to answer it. */
  promptFor(user: string, opts: RenderOptions = {}): string {
    return this.render([{ role: "user", content: user }], opts);
  }

  /** Whether a rendered prompt leaves the model inside the thinking segment (the template opened it). */
  startsInThinking(prompt: string): boolean {
    return endsInsideThinking(prompt, this.thinkTags);
  }
}

/** A template read from disk, with the special tokens its config names. */
export interface LoadedChatTemplate {
  template: string;
  bosToken?: string;
  eosToken?: string;
  /** The file it came from. */
  file: string;
}

/** A token field of tokenizer_config.json: a string or an AddedToken object `{content}`. */
function tokenText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null && typeof (v as { content?: unknown }).content === "string") return (v as { content: string }).content;
  return undefined;
}

/**
 * Read a chat template: a `.jinja` file (the template itself), a `tokenizer_config.json` (its
 * `chat_template`: a string, or a list of `{name, template}` from which "default" is taken, plus
 * `bos_token` / `eos_token`), or a folder with `chat_template.jinja` or `tokenizer_config.json`.
 * @throws ChatTemplateError naming the file and what is missing.
 */
export async function loadChatTemplate(p: string): Promise<LoadedChatTemplate> {
  let file = p;
  const isDir = await stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir) {
    const jinja = path.join(p, "chat_template.jinja");
    file = (await stat(jinja).then(
      () => true,
      () => false,
    ))
      ? jinja
      : path.join(p, "tokenizer_config.json");
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    throw new ChatTemplateError(`${file}: cannot read the chat template (${why}); pass a .jinja file, a tokenizer_config.json or a model folder`, {
      cause: err,
    });
  }
  if (!file.endsWith(".json")) return { template: text, file };
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ChatTemplateError(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  let template = cfg.chat_template;
  if (Array.isArray(template)) {
    const named = template as { name?: unknown; template?: unknown }[];
    template = (named.find((t) => t.name === "default") ?? named[0])?.template;
  }
  if (typeof template !== "string" || template === "") {
    throw new ChatTemplateError(`${file}: has no "chat_template"; pass the model's template as a .jinja file instead`);
  }
  return { template, bosToken: tokenText(cfg.bos_token), eosToken: tokenText(cfg.eos_token), file };
}
