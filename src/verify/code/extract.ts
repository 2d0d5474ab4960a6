/**
 * Pulling the program out of a model's response: the text after the `</think>` block, then the fenced code
 * block (```python, ```js, ```ts, or an untagged fence) that most likely holds the solution: the last block
 * in the right language that defines the entry point, else the last block in the right language, else the
 * last untagged block. A response without fences is taken as code as it is (completion-style models).
 */
import { answerAfterThinking, DEFAULT_THINK_TAGS } from "../../core/think.js";
import type { CodeLanguage } from "./types.js";

const LANGUAGE_TAGS: Record<CodeLanguage, string[]> = {
  python: ["python", "python3", "py", "py3"],
  javascript: ["javascript", "js", "node", "nodejs", "mjs", "cjs"],
  typescript: ["typescript", "ts"],
};

/** A fenced block found in a response. */
export interface CodeBlock {
  /** The info string's first word, lower-cased ("" when untagged). */
  tag: string;
  code: string;
}

/** Every fenced code block (``` or ~~~, three or more) in the text, in order; an unclosed last fence runs to the end. */
export function codeBlocks(text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = text.split("\n");
  let open: { fence: string; tag: string; body: string[] } | undefined;
  for (const line of lines) {
    if (!open) {
      const m = /^\s*(`{3,}|~{3,})\s*([\w+#.-]*)[^\n]*$/.exec(line);
      if (m) open = { fence: m[1], tag: m[2].toLowerCase(), body: [] };
      continue;
    }
    const close = line.trim();
    if (close.startsWith(open.fence) && /^(`{3,}|~{3,})$/.test(close) && close[0] === open.fence[0]) {
      blocks.push({ tag: open.tag, code: open.body.join("\n") });
      open = undefined;
    } else {
      open.body.push(line);
    }
  }
  if (open && open.body.some((l) => l.trim() !== "")) blocks.push({ tag: open.tag, code: open.body.join("\n") });
  return blocks;
}

/**
 * The answer part of a response: what follows the last `</think>` (or the whole text when there is
 * none); "" for a response cut off while thinking (an open tag, no close tag: it holds no answer).
 */
export function answerPart(response: string, closeTag = DEFAULT_THINK_TAGS.close): string {
  // The open tag is the close tag without its slash (`</think>` → `<think>`).
  return answerAfterThinking(response, { tags: { open: closeTag.replace("/", ""), close: closeTag } })?.text ?? "";
}

/** Whether `code` defines a function (or class, or binding) called `name`. */
export function definesName(code: string, name: string, language: CodeLanguage): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  if (language === "python") return new RegExp(`^\\s*(async\\s+)?(def|class)\\s+${n}\\b|^${n}\\s*=`, "m").test(code);
  return new RegExp(`\\b(function\\*?\\s+${n}\\b|class\\s+${n}\\b|(const|let|var)\\s+${n}\\b)`).test(code);
}

/** Options of `extractCode`. */
export interface ExtractCodeOptions {
  /** A function the program must define (HumanEval's entry point): blocks defining it are preferred. */
  entryPoint?: string;
  /** The closing tag of the reasoning block (default `</think>`). */
  thinkCloseTag?: string;
}

/** The program in a model response, or `undefined` when the response holds none. */
export function extractCode(response: string, language: CodeLanguage, opts: ExtractCodeOptions = {}): string | undefined {
  const answer = answerPart(response, opts.thinkCloseTag);
  const blocks = codeBlocks(answer);
  if (blocks.length === 0) {
    const raw = answer.replace(/^\s*\n/, "").replace(/\s+$/, "");
    return raw.trim() === "" ? undefined : raw;
  }
  const tags = LANGUAGE_TAGS[language];
  const inLanguage = blocks.filter((b) => tags.includes(b.tag));
  const untagged = blocks.filter((b) => b.tag === "");
  const pool = inLanguage.length > 0 ? inLanguage : untagged.length > 0 ? untagged : blocks;
  if (opts.entryPoint) {
    const defining = pool.filter((b) => definesName(b.code, opts.entryPoint!, language));
    if (defining.length > 0) return defining[defining.length - 1].code;
  }
  return pool[pool.length - 1].code;
}
