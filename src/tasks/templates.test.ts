// Prompt templates: R1-Zero wording, compact forms for the tiny model, chat messages.
import { describe, expect, it } from "vitest";
import { addition } from "./generators/addition.js";
import { R1_ZERO_TEXT, getTemplate, renderPrompt, textTemplate } from "./templates.js";

describe("renderPrompt", () => {
  const [p] = addition.generate(1, { seed: 1 });

  it("renders the R1-Zero template word for word", () => {
    const s = renderPrompt(p, "r1-zero") as string;
    expect(s).toBe(R1_ZERO_TEXT.replace("{prompt}", p.prompt));
    expect(s.startsWith("A conversation between User and Assistant. The user asks a question, and the Assistant solves it.")).toBe(true);
    expect(s).toContain("<think> reasoning process here </think> <answer> answer here </answer>");
    expect(s.endsWith(`User: ${p.prompt}. Assistant:`)).toBe(true);
  });

  it("renders the compact templates for the tiny model", () => {
    expect(renderPrompt(p, "compact")).toBe(p.prompt);
    expect(renderPrompt(p, "compact-think")).toBe(`${p.prompt}<think>`);
    expect(renderPrompt(p, textTemplate("Q: {prompt}\nA:"))).toBe(`Q: ${p.prompt}\nA:`);
  });

  it("renders chat messages", () => {
    expect(renderPrompt(p, getTemplate("chat"))).toEqual([{ role: "user", content: p.prompt }]);
    const msgs = renderPrompt(p, { kind: "chat", name: "x", system: "Be brief.", user: "{prompt}" });
    expect(msgs).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: p.prompt },
    ]);
    expect((renderPrompt(p, "chat-boxed") as { content: string }[])[0].content).toContain("\\boxed{}");
  });

  it("rejects unknown template names and templates without {prompt}", () => {
    expect(() => renderPrompt(p, "fancy")).toThrow(/unknown prompt template "fancy"; use one of r1-zero/);
    expect(() => textTemplate("no placeholder")).toThrow(/must contain \{prompt\}/);
  });
});
