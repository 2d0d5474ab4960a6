/**
 * Commander flags and `--help` text generated from an options schema (config/schema.ts), and the
 * flags a user typed read back as one layer of settings. Flags carry no commander defaults: the
 * schema holds every default, so a flag given on the command line can be told apart from a default
 * and layered over a config file.
 */
import { Command, Option } from "commander";
import type { z } from "zod";
import { fieldsOf, resolveOptions, type FieldInfo, type Layer, type OptionsSchema, type ResolveOptions } from "./schema.js";
import { ScratchpadError } from "../core/errors.js";

/** The help line of one option: description, default, choices, aliases. */
export function helpText(f: FieldInfo): string {
  const extra: string[] = [];
  if (f.values) extra.push(`one of ${f.values.join(", ")}`);
  const def =
    f.meta.defaultText ??
    (f.default === undefined || (f.kind === "boolean" && (f.meta.boolean ?? "switch") !== "value")
      ? undefined
      : Array.isArray(f.default)
        ? f.default.join(",")
        : String(f.default));
  if (def !== undefined && def !== "") extra.push(`default ${def}`);
  const aliases = (f.meta.aliases ?? []).map((a) => `--${a.replace(/_/g, "-")}`);
  if (aliases.length) extra.push(`alias ${aliases.join(", ")}`);
  return `${f.description}${extra.length ? ` (${extra.join("; ")})` : ""}`;
}

/** The commander flag string of a field, e.g. "-n, --n <count>" or "--no-bos". */
function flagSpec(f: FieldInfo, name: string, short?: string): string {
  const s = short ? `-${short}, ` : "";
  if (f.kind === "boolean") {
    const style = f.meta.boolean ?? "switch";
    if (style === "negate") return `${s}--no-${name}`;
    if (style === "value") return `${s}--${name} [true|false]`;
    return `${s}--${name}`;
  }
  const arg = f.meta.arg ?? (f.kind === "enum" ? "name" : f.kind === "integer" ? "n" : f.kind === "number" ? "x" : f.kind === "list" ? "list" : "value");
  return `${s}--${name} <${arg}>`;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

/** The schema key (and whether the flag is an alias) that an option added by `addOptions` sets. */
interface Tag {
  key: string;
  alias: boolean;
}
type TaggedOption = Option & { scratchpad?: Tag };

const registry = new WeakMap<Command, OptionsSchema>();

/**
 * Add a flag for every CLI option of `schema` to `cmd` (aliases as hidden flags), with help text
 * generated from the schema. Read them back with `resolveCommand` (or `cliLayer`).
 */
export function addOptions(cmd: Command, schema: OptionsSchema): Command {
  for (const f of fieldsOf(schema)) {
    if (f.meta.cli === false) continue;
    const names = [{ name: f.flag, short: f.meta.short, alias: false }];
    for (const a of f.meta.aliases ?? []) {
      const name = a.replace(/_/g, "-");
      if (name !== f.flag) names.push({ name, short: undefined, alias: true });
    }
    for (const n of names) {
      const opt: TaggedOption = new Option(flagSpec(f, n.name, n.short), helpText(f));
      if (f.meta.repeat) opt.argParser(collect);
      if (n.alias) opt.hideHelp();
      opt.scratchpad = { key: f.key, alias: n.alias };
      cmd.addOption(opt);
      if (f.kind === "boolean" && f.meta.boolean === "both") {
        const no: TaggedOption = new Option(`--no-${n.name}`, f.meta.negatedDescription ?? `the opposite of --${n.name}`);
        if (n.alias) no.hideHelp();
        no.scratchpad = { key: f.key, alias: n.alias };
        cmd.addOption(no);
      }
    }
  }
  registry.set(cmd, schema);
  return cmd;
}

/** The schema `addOptions` gave a command's flags (undefined: its flags are hand-written). */
export function schemaOf(cmd: Command): OptionsSchema | undefined {
  return registry.get(cmd);
}

/**
 * The flags typed on the command line as a layer of settings (defaults left out): each value under
 * the name as typed (so an alias is noted), and `flags` maps the canonical key to the flag typed.
 * A canonical flag given together with one of its aliases wins.
 */
export function cliLayer(cmd: Command): Layer {
  const values: Record<string, unknown> = {};
  const flags: Record<string, string> = {};
  for (const o of cmd.options as TaggedOption[]) {
    const tag = o.scratchpad;
    if (!tag || cmd.getOptionValueSource(o.attributeName()) !== "cli") continue;
    if (tag.alias && tag.key in flags) continue;
    const typed = o.long ?? `--${tag.key}`;
    values[typed.replace(/^--(no-)?/, "").replace(/-/g, "_")] = cmd.getOptionValue(o.attributeName());
    flags[tag.key] = typed;
  }
  return { source: "cli", values, flags };
}

/**
 * Resolve a command's options: the schema's defaults, then `layers` (e.g. a config file), then the
 * flags typed on the command line. Alias notes go to stderr unless `onNote` says otherwise.
 */
export function resolveCommand<S extends OptionsSchema>(cmd: Command, layers: ReadonlyArray<Layer | undefined> = [], opts: ResolveOptions = {}): z.output<S> {
  const schema = registry.get(cmd);
  if (!schema) throw new ScratchpadError("schema_missing", `command "${cmd.name()}" has no options from a schema (call addOptions first)`);
  const command = opts.command ?? commandPath(cmd);
  return resolveOptions(schema as S, [...layers, cliLayer(cmd)], {
    onNote: (line) => process.stderr.write(line + "\n"),
    ...opts,
    command,
  });
}

/** "scratchpad verify math" for a nested command. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * Declare a command from a schema: its flags come from the schema, and `action` receives the
 * resolved, typed options (defaults < `layers(raw)` < flags).
 */
export function schemaAction<S extends OptionsSchema>(
  cmd: Command,
  schema: S,
  action: (options: z.output<S>, cmd: Command) => unknown,
  opts: ResolveOptions & { layers?: (cmd: Command) => Promise<Layer[]> | Layer[] } = {},
): Command {
  addOptions(cmd, schema);
  return cmd.action(async (_o: unknown, c: Command): Promise<void> => {
    const self = c instanceof Command ? c : cmd;
    const layers = opts.layers ? await opts.layers(self) : [];
    await action(resolveCommand<S>(self, layers, opts), self);
  });
}
