// The error root: stable codes, isInstance on the root and on subclasses (also for an error from
// another copy of the package), and every error class the stages export descends from it.
import { describe, expect, it } from "vitest";
import * as scratchpad from "../index.js";
import { CheckpointError, OptimizerError } from "../engine/index.js";
import { UnknownTaskError } from "../tasks/index.js";
import { ScratchpadError } from "./errors.js";

describe("ScratchpadError", () => {
  it("carries a stable code, a name and a cause", () => {
    const cause = new RangeError("inner");
    const e = new ScratchpadError("thing_broke", "the thing broke; fix it", { cause });
    expect([e.code, e.name, e.message, e.cause]).toEqual(["thing_broke", "ScratchpadError", "the thing broke; fix it", cause]);
    expect(new UnknownTaskError("nope", ["addition"]).code).toBe("unknown_task");
    expect(new OptimizerError("x").code).toBe("optimizer");
  });

  it("isInstance checks the root and each subclass", () => {
    const e = new OptimizerError("non-finite gradient");
    expect(ScratchpadError.isInstance(e)).toBe(true);
    expect(OptimizerError.isInstance(e)).toBe(true);
    expect(CheckpointError.isInstance(e)).toBe(false);
    expect(ScratchpadError.isInstance(new Error("plain"))).toBe(false);
    expect(ScratchpadError.isInstance("OptimizerError")).toBe(false);
  });

  it("recognises an error made by another copy of the package (same marker, other classes)", () => {
    class OtherRoot extends Error {
      readonly code = "optimizer";
      constructor(message: string) {
        super(message);
        Object.defineProperty(this, Symbol.for("scratchpad.error"), { value: true });
      }
    }
    class OptimizerErrorCopy extends OtherRoot {}
    Object.defineProperty(OptimizerErrorCopy, "name", { value: "OptimizerError" });
    const foreign = new OptimizerErrorCopy("from another copy");
    expect(ScratchpadError.isInstance(foreign)).toBe(true);
    expect(OptimizerError.isInstance(foreign)).toBe(true);
    expect(CheckpointError.isInstance(foreign)).toBe(false);
  });

  it("is the root of every error class the library exports", () => {
    const classes: string[] = [];
    let seen = 0;
    const visit = (ns: Record<string, unknown>, where: string) => {
      for (const [name, value] of Object.entries(ns)) {
        if (typeof value === "function" && value.prototype instanceof Error && value !== ScratchpadError) {
          seen++;
          if (!(value.prototype instanceof ScratchpadError)) classes.push(`${where}.${name}`);
        } else if (value && typeof value === "object" && !Array.isArray(value) && where === "scratchpad") {
          visit(value as Record<string, unknown>, `${where}.${name}`);
        }
      }
    };
    visit(scratchpad, "scratchpad");
    expect(classes).toEqual([]);
    expect(seen).toBeGreaterThanOrEqual(25);
  });
});
