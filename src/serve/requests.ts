/**
 * Parsing and validation of OpenAI request bodies (/v1/chat/completions and /v1/completions):
 * every bad field becomes a 400 that names the parameter and the accepted values.
 */
import { EFFORT_LEVELS, isEffortLevel, type EffortLevel } from "../scale/effort.js";
import { badParam } from "./errors.js";

/** One chat message with its text. */
export interface ChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content: string;
}

/** Sampling fields shared by both endpoints. */
export interface SamplingParams {
  model: string;
  n: number;
  maxTokens: number | undefined;
  temperature: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stop: string[];
  stream: boolean;
  includeUsage: boolean;
}

/** A validated chat request. */
export interface ChatRequest extends SamplingParams {
  messages: ChatMessage[];
  effort?: EffortLevel;
  logprobs: boolean;
  topLogprobs: number;
}

/** A validated completions request. */
export interface CompletionRequest extends SamplingParams {
  prompts: string[];
  /** Top alternatives per token (null = no logprobs; 0 = sampled tokens only). */
  logprobs: number | null;
  echo: boolean;
}

/** Limits the server enforces on requests. */
export interface RequestLimits {
  /** Largest `n` (default 64). */
  maxN: number;
  /** Largest number of prompts in one completions request (default 64). */
  maxPrompts: number;
}

type Body = Record<string, unknown>;

function isObj(x: unknown): x is Body {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function num(body: Body, key: string, lo: number, hi: number, int: boolean): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || (int && !Number.isInteger(v)) || v < lo || v > hi) {
    throw badParam(key, `'${key}' must be ${int ? "an integer" : "a number"} between ${lo} and ${hi}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function bool(body: Body, key: string): boolean {
  const v = body[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw badParam(key, `'${key}' must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Parameters this server does not implement are refused with a 400 naming them, instead of being
 * silently ignored (a client asking for tool calls or JSON output must not get plain text and
 * believe it was honoured). Empty or neutral values (`tools: []`, `tool_choice: "none"`,
 * `response_format: {"type": "text"}`, `logit_bias: {}`) are accepted.
 */
function refuseUnsupported(body: Body): void {
  const has = (k: string) => body[k] !== undefined && body[k] !== null;
  if (has("tools") && !(Array.isArray(body.tools) && body.tools.length === 0)) {
    throw badParam("tools", "'tools' is not supported by this server (no tool calling): remove it", "unsupported_parameter");
  }
  if (has("functions")) throw badParam("functions", "'functions' is not supported by this server (no function calling): remove it", "unsupported_parameter");
  if (has("tool_choice") && body.tool_choice !== "none") {
    throw badParam("tool_choice", "'tool_choice' is not supported by this server (no tool calling): remove it", "unsupported_parameter");
  }
  if (has("response_format") && !(isObj(body.response_format) && body.response_format.type === "text")) {
    throw badParam(
      "response_format",
      '\'response_format\' is not supported by this server (no JSON mode or structured output): remove it or use {"type": "text"}',
      "unsupported_parameter",
    );
  }
  if (has("logit_bias") && !(isObj(body.logit_bias) && Object.keys(body.logit_bias).length === 0)) {
    throw badParam("logit_bias", "'logit_bias' is not supported by this server: remove it", "unsupported_parameter");
  }
}

function sampling(body: Body, limits: RequestLimits, maxTokenKeys: string[]): SamplingParams {
  refuseUnsupported(body);
  if (typeof body.model !== "string" || body.model === "")
    throw badParam("model", "'model' is required: pass the name from GET /v1/models", "missing_required_parameter");
  let maxTokens: number | undefined;
  for (const k of maxTokenKeys) maxTokens ??= num(body, k, 1, 1_000_000, true);
  const stopRaw = body.stop;
  let stop: string[] = [];
  if (typeof stopRaw === "string") stop = [stopRaw];
  else if (Array.isArray(stopRaw)) {
    if (stopRaw.length > 4 || !stopRaw.every((s) => typeof s === "string" && s !== ""))
      throw badParam("stop", "'stop' must be a string or up to 4 non-empty strings");
    stop = stopRaw as string[];
  } else if (stopRaw !== undefined && stopRaw !== null) throw badParam("stop", "'stop' must be a string or an array of strings");
  const so = body.stream_options;
  if (so !== undefined && so !== null && !isObj(so)) throw badParam("stream_options", "'stream_options' must be an object like {\"include_usage\": true}");
  return {
    model: body.model,
    n: num(body, "n", 1, limits.maxN, true) ?? 1,
    maxTokens,
    temperature: num(body, "temperature", 0, 2, false) ?? 1,
    topP: num(body, "top_p", 0, 1, false),
    topK: num(body, "top_k", -1, 1_000_000, true),
    seed: num(body, "seed", -(2 ** 53), 2 ** 53, true),
    stop,
    stream: bool(body, "stream"),
    includeUsage: isObj(so) && so.include_usage === true,
  };
}

function messageText(content: unknown, i: number): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part, j) => {
        if (isObj(part) && part.type === "text" && typeof part.text === "string") return part.text;
        throw badParam(`messages[${i}].content[${j}]`, 'only text content parts ({"type": "text", "text": ...}) are supported');
      })
      .join("");
  }
  if (content === null || content === undefined) return "";
  throw badParam(`messages[${i}].content`, "message content must be a string or an array of text parts");
}

/** Validate a /v1/chat/completions body. */
export function parseChatRequest(body: unknown, limits: RequestLimits): ChatRequest {
  if (!isObj(body)) throw badParam("body", "the request body must be a JSON object");
  const base = sampling(body, limits, ["max_completion_tokens", "max_tokens"]);
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw badParam("messages", "'messages' must be a non-empty array of {role, content}", "missing_required_parameter");
  }
  const roles = ["system", "developer", "user", "assistant", "tool"];
  const messages = body.messages.map((m, i): ChatMessage => {
    if (!isObj(m) || typeof m.role !== "string" || !roles.includes(m.role)) {
      throw badParam(`messages[${i}].role`, `each message needs a role among ${roles.join(", ")}`);
    }
    return { role: m.role as ChatMessage["role"], content: messageText(m.content, i) };
  });
  const effort = body.reasoning_effort;
  if (effort !== undefined && effort !== null && !isEffortLevel(effort)) {
    throw badParam("reasoning_effort", `'reasoning_effort' must be one of ${EFFORT_LEVELS.join(", ")}, got ${JSON.stringify(effort)}`);
  }
  const topLogprobs = num(body, "top_logprobs", 0, 20, true) ?? 0;
  const logprobs = bool(body, "logprobs");
  if (topLogprobs > 0 && !logprobs) throw badParam("top_logprobs", "'top_logprobs' needs 'logprobs': true");
  return { ...base, messages, effort: effort ?? undefined, logprobs, topLogprobs };
}

/** Validate a /v1/completions body. */
export function parseCompletionRequest(body: unknown, limits: RequestLimits): CompletionRequest {
  if (!isObj(body)) throw badParam("body", "the request body must be a JSON object");
  const base = sampling(body, limits, ["max_tokens"]);
  const p = body.prompt;
  let prompts: string[];
  if (typeof p === "string") prompts = [p];
  else if (Array.isArray(p) && p.length > 0 && p.every((x) => typeof x === "string")) prompts = p;
  else throw badParam("prompt", "'prompt' must be a string or a non-empty array of strings", p === undefined ? "missing_required_parameter" : "invalid_value");
  if (prompts.length > limits.maxPrompts) throw badParam("prompt", `at most ${limits.maxPrompts} prompts per request, got ${prompts.length}`);
  if (base.stream && prompts.length * base.n > limits.maxN) throw badParam("n", `streaming supports at most ${limits.maxN} choices in all`);
  const logprobs = num(body, "logprobs", 0, 5, true) ?? null;
  return { ...base, prompts, logprobs, echo: bool(body, "echo") };
}
