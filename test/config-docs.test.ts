// docs/config.md is generated from the option schemas: it must be current, and its TRL name list true.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CONFIG_DOC, renderConfigDoc, TRL_SAME_NAMES } from "../scripts/config-docs.js";
import { TRAIN_CONFIG_SCHEMA } from "../src/rl/config.js";

describe("docs/config.md", () => {
  it("is what scripts/config-docs.ts generates from the schemas (run `npx tsx scripts/config-docs.ts` after changing an option)", async () => {
    expect(await readFile(CONFIG_DOC, "utf8")).toBe(renderConfigDoc());
  });

  it("lists as TRL's own names only keys the train schema has", () => {
    for (const k of TRL_SAME_NAMES) expect(Object.keys(TRAIN_CONFIG_SCHEMA)).toContain(k);
  });
});
