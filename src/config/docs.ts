/**
 * docs/config.md from the schemas: every command's options (key, flag, default, aliases, meaning),
 * generated from the same declarations that make the flags, so the page cannot drift from the code
 * (scripts/config-docs.ts writes it; src/config/docs.test.ts checks it is current).
 */
import type { Command } from "commander";
import { schemaOf } from "./cli.js";
import { fieldsOf, type FieldInfo, type OptionsSchema } from "./schema.js";

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\n/g, " ");

function defaultCell(f: FieldInfo): string {
  if (f.meta.defaultText !== undefined) return f.meta.defaultText;
  if (f.required) return "(required)";
  if (f.default === undefined) return "";
  if (f.kind === "boolean" && (f.meta.boolean ?? "switch") === "switch" && f.default === false) return "off";
  return `\`${Array.isArray(f.default) ? f.default.join(",") : String(f.default)}\``;
}

function flagCell(f: FieldInfo): string {
  if (f.meta.cli === false) return "(config file only)";
  const style = f.meta.boolean ?? "switch";
  const long =
    f.kind === "boolean"
      ? style === "negate"
        ? `--no-${f.flag}`
        : style === "value"
          ? `--${f.flag} [true\\|false]`
          : style === "both"
            ? `--${f.flag}\`, \`--no-${f.flag}`
            : `--${f.flag}`
      : `--${f.flag}`;
  return `\`${f.meta.short ? `-${f.meta.short}, ` : ""}${long}\``;
}

function valuesCell(f: FieldInfo): string {
  const j = f.kind === "list" ? (f.json.items ?? {}) : f.json;
  const parts: string[] = [];
  if (f.values) parts.push(f.values.join(" | "));
  else if (f.kind === "integer" || f.kind === "number" || (f.kind === "list" && (f.itemKind === "integer" || f.itemKind === "number"))) {
    parts.push(f.kind === "list" ? "list" : f.kind === "integer" ? "integer" : "number");
    if (typeof j.exclusiveMinimum === "number") parts.push(`> ${j.exclusiveMinimum}`);
    else if (typeof j.minimum === "number" && j.minimum > Number.MIN_SAFE_INTEGER) parts.push(`≥ ${j.minimum}`);
    if (typeof j.maximum === "number" && j.maximum < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${j.maximum}`);
  } else if (f.kind === "boolean") parts.push("true | false");
  else if (f.kind === "list") parts.push(f.meta.repeat ? "repeatable" : "list");
  else parts.push("text");
  return parts.join(" ");
}

/** One schema as a Markdown table. */
export function optionsTable(schema: OptionsSchema): string {
  const rows = fieldsOf(schema).map(
    (f) =>
      `| \`${f.key}\` | ${flagCell(f)} | ${cell(valuesCell(f))} | ${cell(defaultCell(f))} | ${(f.meta.aliases ?? []).map((a) => `\`${a}\``).join(", ")} | ${cell(f.description)} |`,
  );
  return ["| key | flag | values | default | alias | meaning |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

function walk(cmd: Command, prefix: string, out: string[], missing: string[]): void {
  for (const sub of cmd.commands) {
    const name = `${prefix} ${sub.name()}`;
    const schema = schemaOf(sub);
    if (schema) out.push(`### \`${name}\`\n\n${cell(sub.description())}\n\n${optionsTable(schema)}\n`);
    else if (sub.commands.length === 0) missing.push(name);
    walk(sub, name, out, missing);
  }
}

/** The options of every command of `program` whose flags come from a schema, as Markdown sections. */
export function commandsMarkdown(program: Command): { sections: string; withoutSchema: string[] } {
  const out: string[] = [];
  const missing: string[] = [];
  walk(program, program.name(), out, missing);
  return { sections: out.join("\n"), withoutSchema: missing };
}
