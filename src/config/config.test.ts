// The config schema machinery: flags and help generated from a zod schema, JSON and YAML files,
// TRL aliases echoed, unknown keys with a suggestion, bad values naming the key or flag and the fix.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { addOptions, cliLayer, customIssue, defaultsOf, fieldsOf, OptionsError, readConfigFile, resolveCommand, resolveOptions, splitList } from "./index.js";

const Schema = z
  .object({
    steps: z
      .number()
      .int()
      .min(1)
      .default(40)
      .meta({ description: "optimizer steps", aliases: ["max_steps"] }),
    learning_rate: z.number().gt(0).default(2e-4).meta({ description: "AdamW learning rate", arg: "x" }),
    lr_scheduler: z
      .enum(["constant", "cosine"])
      .default("constant")
      .meta({ description: "schedule", aliases: ["lr_scheduler_type"] }),
    dynamic_sampling: z.boolean().default(true).meta({ description: "drop all-equal groups", boolean: "value" }),
    json: z.boolean().default(false).meta({ description: "print JSON" }),
    bos: z.boolean().default(true).meta({ description: "do not prepend BOS", boolean: "negate" }),
    levels: z.array(z.number().int().min(1)).optional().meta({ description: "difficulty levels", list: "ranges" }),
    stop: z.array(z.string()).optional().meta({ description: "stop string (repeatable)", repeat: true, arg: "text" }),
    maxTokens: z.number().int().min(1).optional().meta({ description: "max new tokens", short: "m", defaultText: "generation_config.json" }),
    model: z.string().min(1).meta({ description: "checkpoint folder", arg: "dir" }),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.lr_scheduler === "cosine" && c.steps < 2) customIssue(ctx, "steps", "a cosine schedule needs steps ≥ 2; raise steps or use lr_scheduler constant");
  });

/** Parse argv with a fresh command carrying the schema's flags; returns the resolved options and notes. */
function parse(argv: string[], layers: Parameters<typeof resolveCommand>[1] = []) {
  const cmd = new Command("demo").exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  addOptions(cmd, Schema);
  cmd.parse(argv, { from: "user" });
  const notes: string[] = [];
  const o = resolveCommand<typeof Schema>(cmd, layers, { onNote: (l) => notes.push(l) });
  return { o, notes, cmd };
}

const fail = (f: () => unknown): OptionsError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OptionsError);
    return e as OptionsError;
  }
  throw new Error("expected an OptionsError");
};

describe("flags and help from the schema", () => {
  it("makes one flag per key (kebab-case, short alias, hidden aliases) and help with defaults, choices and aliases", () => {
    const cmd = addOptions(new Command("demo").configureHelp({ helpWidth: 250 }), Schema);
    const help = cmd.helpInformation();
    expect(help).toMatch(/--steps <n>\s+optimizer steps \(default 40; alias --max-steps\)/);
    expect(help).toMatch(/--lr-scheduler <name>\s+schedule \(one of constant, cosine; default constant; alias --lr-scheduler-type\)/);
    expect(help).toMatch(/--dynamic-sampling \[true\|false\]/);
    expect(help).toMatch(/--no-bos\s+do not prepend BOS\n/);
    expect(help).toMatch(/-m, --max-tokens <n>\s+max new tokens \(default generation_config\.json\)/);
    expect(help).toMatch(/--learning-rate <x>/);
    expect(help).not.toMatch(/^\s+--max-steps/m); // an alias has no help line of its own
    expect(fieldsOf(Schema).map((f) => f.flag)).toEqual([
      "steps",
      "learning-rate",
      "lr-scheduler",
      "dynamic-sampling",
      "json",
      "bos",
      "levels",
      "stop",
      "max-tokens",
      "model",
    ]);
  });

  it("parses flags to typed values, defaults from the schema, lists, ranges, repeats and negations", () => {
    const { o } = parse([
      "--model",
      "m",
      "--steps",
      "7",
      "--learning-rate",
      "1e-3",
      "--dynamic-sampling",
      "false",
      "--json",
      "--no-bos",
      "--levels",
      "1-3,8",
      "--stop",
      "a,b",
      "--stop",
      "c",
      "-m",
      "64",
    ]);
    expect(o).toEqual({
      model: "m",
      steps: 7,
      learning_rate: 1e-3,
      lr_scheduler: "constant",
      dynamic_sampling: false,
      json: true,
      bos: false,
      levels: [1, 2, 3, 8],
      stop: ["a,b", "c"],
      maxTokens: 64,
    });
    const d = parse(["--model", "m", "--dynamic-sampling"]).o;
    expect([d.steps, d.dynamic_sampling, d.json, d.bos, d.levels]).toEqual([40, true, false, true, undefined]);
    expect(splitList("0, 8,16", false)).toEqual(["0", "8", "16"]);
    expect(defaultsOf(Schema)).toEqual({ steps: 40, learning_rate: 2e-4, lr_scheduler: "constant", dynamic_sampling: true, json: false, bos: true });
  });

  it("accepts TRL names as flags, echoing each to the canonical flag; the canonical flag wins", () => {
    const { o, notes } = parse(["--model", "m", "--max-steps", "9", "--lr-scheduler-type", "cosine"]);
    expect([o.steps, o.lr_scheduler]).toEqual([9, "cosine"]);
    expect(notes).toEqual(["note: --max-steps → --steps", "note: --lr-scheduler-type → --lr-scheduler"]);
    expect(parse(["--model", "m", "--steps", "3", "--max-steps", "9"]).o.steps).toBe(3);
  });

  it("names the flag and the fix for a bad value, a missing option and a cross-field check", () => {
    expect(fail(() => parse(["--model", "m", "--steps", "x"])).message).toBe('--steps must be an integer (a whole number) ≥ 1; got "x"');
    expect(fail(() => parse(["--model", "m", "--max-steps", "0"])).message).toBe('--max-steps must be ≥ 1; got "0"');
    expect(fail(() => parse(["--model", "m", "--learning-rate", "0"])).message).toBe('--learning-rate must be > 0; got "0"');
    expect(fail(() => parse(["--model", "m", "--lr-scheduler", "linear"])).message).toBe('--lr-scheduler must be one of constant, cosine; got "linear"');
    expect(fail(() => parse(["--model", "m", "--dynamic-sampling", "yes"])).message).toBe('--dynamic-sampling must be true or false; got "yes"');
    expect(fail(() => parse(["--model", "m", "--levels", "1,x"])).message).toBe('--levels must be an integer (a whole number) ≥ 1; got "1,x"');
    const missing = fail(() => parse([]));
    expect(missing.field).toBe("model");
    expect(missing.message).toBe("--model is required (checkpoint folder): pass --model <dir>");
    expect(fail(() => parse(["--model", "m", "--lr-scheduler", "cosine", "--steps", "1"])).message).toMatch(/cosine schedule needs steps ≥ 2/);
  });
});

describe("config files and layers", () => {
  it("reads JSON and YAML by extension, TRL names echoed, flags over the file over the defaults", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "config-"));
    const yaml = path.join(dir, "recipe.yaml");
    await writeFile(yaml, "model: base\nmax_steps: 12\nlr_scheduler_type: cosine\nlearning-rate: 5.0e-4\nlevels: 1-2\n");
    const json = path.join(dir, "recipe.json");
    await writeFile(json, JSON.stringify({ model: "base", max_steps: 12, learning_rate: 5e-4 }));
    const fromYaml = parse(["--steps", "20"], [await readConfigFile(yaml)]);
    expect([fromYaml.o.model, fromYaml.o.steps, fromYaml.o.lr_scheduler, fromYaml.o.learning_rate, fromYaml.o.levels]).toEqual([
      "base",
      20,
      "cosine",
      5e-4,
      [1, 2],
    ]);
    expect(fromYaml.notes).toEqual(["note: max_steps → steps", "note: lr_scheduler_type → lr_scheduler"]);
    expect(parse([], [await readConfigFile(json)]).o.steps).toBe(12);
  });

  it("unknown keys are errors with a suggestion (aliases count), naming the file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "config-"));
    const file = path.join(dir, "bad.yml");
    await writeFile(file, "model: base\nmax_step: 12\n");
    const e = fail(() => resolveOptions(Schema, [{ source: "object", values: { model: "m", learning_rat: 1 } }], { command: "scratchpad demo" }));
    expect(e.field).toBe("learning_rat");
    expect(e.message).toBe('unknown config key "learning_rat"; did you mean "learning_rate"? (`scratchpad demo --help` lists every key)');
    const layer = await readConfigFile(file);
    expect(fail(() => resolveOptions(Schema, [layer])).message).toBe(`unknown config key "max_step" in ${file}; did you mean "steps"?`);
  });

  it("bad values in a file name the key and the file; bad files name the problem", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "config-"));
    const file = path.join(dir, "r.json");
    await writeFile(file, JSON.stringify({ model: "m", steps: 2.5 }));
    const e = fail(() => resolveOptions(Schema, [{ source: "file", file, values: { model: "m", steps: 2.5 } }]));
    expect(e.field).toBe("steps");
    expect(e.message).toBe(`"steps" (in ${file}) must be an integer (a whole number) ≥ 1; got 2.5`);
    const alias = fail(() => resolveOptions(Schema, [{ source: "file", file, values: { model: "m", lr_scheduler_type: "linear" } }], { onNote: () => {} }));
    expect(alias.message).toBe(`"lr_scheduler_type" (lr_scheduler) (in ${file}) must be one of constant, cosine; got "linear"`);
    await writeFile(path.join(dir, "broken.yaml"), "steps: [1,\n");
    await expect(readConfigFile(path.join(dir, "broken.yaml"))).rejects.toThrow(/--config .*broken\.yaml is not valid YAML/);
    await writeFile(path.join(dir, "list.yaml"), "- 1\n- 2\n");
    await expect(readConfigFile(path.join(dir, "list.yaml"))).rejects.toThrow(/must hold a mapping of settings \(key: value\), not a list/);
    await writeFile(path.join(dir, "r.toml"), "steps = 1\n");
    await expect(readConfigFile(path.join(dir, "r.toml"))).rejects.toThrow(/unknown config file format "\.toml"; name it \.json, \.yaml or \.yml/);
    await expect(readConfigFile(path.join(dir, "missing.json"))).rejects.toThrow(/--config .*missing\.json: cannot read the config file/);
  });

  it("the CLI layer holds only flags that were typed", () => {
    const cmd = addOptions(new Command("demo"), Schema);
    cmd.parse(["--json", "--max-steps", "3"], { from: "user" });
    expect(cliLayer(cmd)).toEqual({ source: "cli", values: { json: true, max_steps: "3" }, flags: { json: "--json", steps: "--max-steps" } });
  });
});
