/**
 * Prompt templates: how a Problem's bare question becomes what a model sees.
 *
 * - `r1-zero`: DeepSeek-R1-Zero's template (the model thinks in <think> </think>, answers in
 *   <answer> </answer>); the wording is a plain string you can replace.
 * - `compact`: the problem text as is, for the tiny embedded model (`compact-think` appends "<think>",
 *   so the model starts inside its scratchpad).
 * - `chat`: a messages array for OpenAI-style chat backends (`chat-boxed` adds the common
 *   "put your final answer within \boxed{}" instruction).
 * Text templates use `{prompt}` for the problem text; `{{` / `}}` are literal braces.
 */
import type { Problem } from "../types.js";
import { InvalidTaskOptionError } from "./errors.js";
import { fillTemplate } from "./task-generator.js";

/** A template that renders to one string (for completion-style backends and the embedded engine). */
export interface TextTemplate {
  kind: "text";
  name: string;
  /** The text, with `{prompt}` where the problem goes. */
  text: string;
}

/** A template that renders to chat messages (for OpenAI-style chat backends). */
export interface ChatTemplate {
  kind: "chat";
  name: string;
  /** Optional system message. */
  system?: string;
  /** The user message, with `{prompt}` where the problem goes. */
  user: string;
}

/** Either kind of template. */
export type PromptTemplate = TextTemplate | ChatTemplate;

/** One chat message (OpenAI shape). */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** DeepSeek-R1-Zero's template, word for word (DeepSeek-R1 paper, Table 1). */
export const R1_ZERO_TEXT =
  "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. " +
  "The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. " +
  "The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, " +
  "respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>. " +
  "User: {prompt}. Assistant:";

/** The instruction most math evaluations append for chat models. */
export const BOXED_INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}.";

/** The built-in templates by name. */
export const TEMPLATES: Readonly<Record<string, PromptTemplate>> = {
  "r1-zero": { kind: "text", name: "r1-zero", text: R1_ZERO_TEXT },
  compact: { kind: "text", name: "compact", text: "{prompt}" },
  "compact-think": { kind: "text", name: "compact-think", text: "{prompt}<think>" },
  chat: { kind: "chat", name: "chat", user: "{prompt}" },
  "chat-boxed": { kind: "chat", name: "chat-boxed", user: `{prompt}\n${BOXED_INSTRUCTION}` },
};

/** A built-in template by name; throws InvalidTaskOptionError listing the names. */
export function getTemplate(name: string): PromptTemplate {
  const t = TEMPLATES[name];
  if (!Object.hasOwn(TEMPLATES, name) || !t) {
    throw new InvalidTaskOptionError(`unknown prompt template "${name}"; use one of ${Object.keys(TEMPLATES).join(", ")}`);
  }
  return t;
}

/** A text template with custom wording (must contain `{prompt}`). */
export function textTemplate(text: string, name = "custom"): TextTemplate {
  if (!text.includes("{prompt}")) throw new InvalidTaskOptionError(`template "${name}" must contain {prompt}`);
  return { kind: "text", name, text };
}

/** Render a problem with a text template: one prompt string. */
export function renderPrompt(problem: Problem, template: TextTemplate): string;
/** Render a problem with a chat template: a messages array. */
export function renderPrompt(problem: Problem, template: ChatTemplate): ChatMessage[];
/** Render a problem with a template given by name or value. */
export function renderPrompt(problem: Problem, template: PromptTemplate | string): string | ChatMessage[];
export function renderPrompt(problem: Problem, template: PromptTemplate | string): string | ChatMessage[] {
  const t = typeof template === "string" ? getTemplate(template) : template;
  const fields = { prompt: problem.prompt };
  if (t.kind === "text") return fillTemplate(t.text, fields);
  const messages: ChatMessage[] = [];
  if (t.system) messages.push({ role: "system", content: fillTemplate(t.system, fields) });
  messages.push({ role: "user", content: fillTemplate(t.user, fields) });
  return messages;
}
