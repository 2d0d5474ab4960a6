/**
 * Splits a stream of text deltas into reasoning deltas and content deltas as they arrive: text
 * inside `<think>…</think>` is reasoning, text after it is content. Tags split across deltas are
 * held back until they are complete, so no partial tag leaks into either stream.
 */
import { DEFAULT_THINK_TAGS, type ThinkTags } from "../core/think.js";

/** One piece of output, classified. */
export interface SplitDelta {
  reasoning?: string;
  content?: string;
}

/** Incremental reasoning/content splitter (one per choice). */
export class ReasoningSplitter {
  private state: "start" | "thinking" | "content";
  private pending = "";

  /** `startInThinking` when the prompt itself opened the thinking segment. */
  constructor(
    private readonly tags: ThinkTags = DEFAULT_THINK_TAGS,
    startInThinking = false,
  ) {
    this.state = startInThinking ? "thinking" : "start";
  }

  /** Feed a delta; returns what can be emitted now. */
  push(delta: string): SplitDelta {
    this.pending += delta;
    const out: SplitDelta = {};
    for (;;) {
      if (this.state === "start") {
        const trimmed = this.pending.trimStart();
        if (trimmed.startsWith(this.tags.open)) {
          this.pending = trimmed.slice(this.tags.open.length);
          this.state = "thinking";
          continue;
        }
        if (trimmed === "" || this.tags.open.startsWith(trimmed)) return out; // maybe a tag is coming
        this.state = "content";
        continue;
      }
      if (this.state === "thinking") {
        const at = this.pending.indexOf(this.tags.close);
        if (at >= 0) {
          add(out, "reasoning", this.pending.slice(0, at));
          this.pending = this.pending.slice(at + this.tags.close.length);
          this.state = "content";
          continue;
        }
        const keep = partialSuffix(this.pending, this.tags.close);
        add(out, "reasoning", this.pending.slice(0, this.pending.length - keep));
        this.pending = this.pending.slice(this.pending.length - keep);
        return out;
      }
      add(out, "content", this.pending);
      this.pending = "";
      return out;
    }
  }

  /** Flush what is held back at the end of the stream. */
  end(): SplitDelta {
    const out: SplitDelta = {};
    if (this.pending !== "") add(out, this.state === "thinking" ? "reasoning" : "content", this.pending);
    this.pending = "";
    return out;
  }
}

function add(out: SplitDelta, key: "reasoning" | "content", text: string): void {
  if (text === "") return;
  out[key] = (out[key] ?? "") + text;
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
