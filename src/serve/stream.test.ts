// Streaming helpers: the reasoning/content splitter with tags split across deltas, and the
// stop-string hold-back that never emits text a stop string may still claim.
import { describe, expect, it } from "vitest";
import { ReasoningSplitter } from "./reasoningSplitter.js";
import { StopHoldback } from "./stream.js";

function feed(s: ReasoningSplitter, pieces: string[]): { reasoning: string; content: string; order: string } {
  let reasoning = "",
    content = "",
    order = "";
  for (const d of [...pieces.map((p) => s.push(p)), s.end()]) {
    if (d.reasoning) {
      reasoning += d.reasoning;
      order += "r";
    }
    if (d.content) {
      content += d.content;
      order += "c";
    }
  }
  return { reasoning, content, order };
}

describe("ReasoningSplitter", () => {
  it("splits reasoning from content even when tags arrive in pieces", () => {
    const out = feed(new ReasoningSplitter(), ["<th", "ink>7+5", "=12</", "thi", "nk>1", "2"]);
    expect(out).toEqual({ reasoning: "7+5=12", content: "12", order: "rrcc" });
  });
  it("treats text without a think tag as content, and a prompt-opened segment as reasoning", () => {
    expect(feed(new ReasoningSplitter(), ["4", "2"])).toMatchObject({ reasoning: "", content: "42" });
    expect(feed(new ReasoningSplitter(undefined, true), ["a<", "b</think>c"])).toMatchObject({ reasoning: "a<b", content: "c" });
  });
  it("flushes an unclosed thinking segment as reasoning", () => {
    expect(feed(new ReasoningSplitter(), ["<think>still thinking</"])).toMatchObject({ reasoning: "still thinking</", content: "" });
  });
});

describe("StopHoldback", () => {
  it("holds back a possible stop prefix and finishes with the authoritative text", () => {
    const h = new StopHoldback(["STOP"]);
    expect(h.push("abc S")).toBe("abc ");
    expect(h.push("T")).toBe("");
    expect(h.push("x")).toBe("STx");
    expect(h.push("yST")).toBe("y");
    expect(h.finish("abc STxy")).toBe("");
  });
  it("never emits the stop string itself", () => {
    const h = new StopHoldback(["\n\n"]);
    let out = h.push("one\n");
    out += h.push("\ntwo");
    expect(out).toBe("one");
    expect(h.finish("one")).toBe("");
  });
});
