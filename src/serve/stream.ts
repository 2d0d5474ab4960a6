/**
 * Streaming helpers: Server-Sent Events on a Node response, and the stop-string hold-back that
 * keeps a stream from emitting text that a stop string may still claim.
 */
import type { ServerResponse } from "node:http";

/** Start an SSE response. */
export function startSSE(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...headers,
  });
  res.flushHeaders();
}

/** Send one SSE `data:` event with a JSON payload (or the literal `[DONE]`). */
export function sendEvent(res: ServerResponse, payload: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.write(`data: ${payload === "[DONE]" ? "[DONE]" : JSON.stringify(payload)}\n\n`);
}

/**
 * Holds back the tail of a text stream that could still become a stop string, so that only text
 * that will certainly be in the final output is emitted.
 */
export class StopHoldback {
  private buffer = "";
  private emitted = 0;

  constructor(private readonly stops: string[]) {}

  /** Add text; returns the part that is now safe to emit. */
  push(text: string): string {
    this.buffer += text;
    let safeEnd = this.buffer.length;
    for (const s of this.stops) {
      const at = this.buffer.indexOf(s, Math.max(0, this.emitted - s.length + 1));
      if (at >= 0) safeEnd = Math.min(safeEnd, at);
      for (let n = Math.min(s.length - 1, this.buffer.length); n > 0; n--) {
        if (this.buffer.endsWith(s.slice(0, n))) {
          safeEnd = Math.min(safeEnd, this.buffer.length - n);
          break;
        }
      }
    }
    if (safeEnd <= this.emitted) return "";
    const out = this.buffer.slice(this.emitted, safeEnd);
    this.emitted = safeEnd;
    return out;
  }

  /** The rest of the authoritative final text that was not emitted yet. */
  finish(finalText: string): string {
    return finalText.length > this.emitted ? finalText.slice(this.emitted) : "";
  }
}
