// Task alphabets: the characters a character-level vocabulary must cover for a task.
import { describe, expect, it } from "vitest";
import { taskAlphabet } from "./alphabet.js";
import { getTask } from "./registry.js";

describe("task alphabets", () => {
  it("lists the characters a tiny model needs for a task", () => {
    expect(taskAlphabet(getTask("addition"), { n: 50 })).toBe("+,0123456789=");
    expect(taskAlphabet(getTask("linear-equation"), { n: 50 })).toBe("+-0123456789;=x");
    expect(taskAlphabet(getTask("countdown"), { n: 50 })).toBe("()*+,-/0123456789=>");
    expect(taskAlphabet(getTask("addition"), { n: 20, format: "text" })).toContain("W");
  });
});
