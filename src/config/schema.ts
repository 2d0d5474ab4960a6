/**
 * The config schema machinery: the options of a command or a config file are declared once, as a zod
 * object whose fields carry their description, default and CLI metadata (`.meta({...})`, typed
 * below). Everything else comes from that one declaration: the TypeScript type (`z.infer`), the
 * commander flags and `--help` text (config/cli.ts), config files (config/file.ts), the docs
 * (config/docs.ts), and `resolveOptions`: defaults < layers (a config file, then flags), with TRL/HF
 * aliases echoed to their canonical key, unknown keys answered with "did you mean", and errors that
 * name the key (or the flag) and the fix.
 */
import { z } from "zod";
import { ScratchpadError } from "../core/errors.js";

declare module "zod" {
  /** CLI and documentation metadata of one option (set with `.meta({...})`, last in the chain). */
  interface GlobalMeta {
    /** Long flag without dashes (default: the key in kebab-case, see `flagName`). */
    flag?: string;
    /** One-letter short flag, e.g. "n" for `-n`. */
    short?: string;
    /** The value's placeholder in `--help`, e.g. "dir" (default: "value"). */
    arg?: string;
    /** Other accepted names (TRL / Hugging Face names); each is echoed to the canonical key. */
    aliases?: readonly string[];
    /** false: a config-file key only, no flag. */
    cli?: false;
    /**
     * Booleans: "switch" (`--json`: present = true, the default), "value" (`--x [true|false]`,
     * bare `--x` = true), "negate" (`--no-x`, the option defaults to true), "both" (`--x` and `--no-x`).
     */
    boolean?: "switch" | "value" | "negate" | "both";
    /** Help of the `--no-x` flag of a "both" boolean. */
    negatedDescription?: string;
    /** Lists from one string: "comma" (`0,8,16`), "ranges" (`1-5`, `1-3,8`: whole numbers). */
    list?: "comma" | "ranges";
    /** The flag may be repeated; each occurrence adds one item. */
    repeat?: boolean;
    /** The default as the help shows it, when it is not a literal (e.g. "generation_config.json"). */
    defaultText?: string;
    /** Replaces the generated "must be ..." text of a bad value (the fix, in this option's words). */
    message?: string;
  }
}

/** A zod object of options (the declaration of one command or config file). */
export type OptionsSchema = z.ZodObject<z.ZodRawShape>;

/** A bad setting: `field` is the canonical key (or the flag/file as the user wrote it); the message says the fix. */
export class OptionsError extends ScratchpadError {
  override readonly name: string = "OptionsError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super("options", message);
  }
}

/** The JSON Schema of a field: what the docs and the coercion of CLI strings read. */
export interface FieldJson {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: FieldJson;
  anyOf?: FieldJson[];
  [meta: string]: unknown;
}

/** The shape of a value, as far as flags, coercion and docs care. */
export type FieldKind = "string" | "integer" | "number" | "boolean" | "enum" | "list" | "other";

/** One option of a schema, introspected. */
export interface FieldInfo {
  key: string;
  schema: z.ZodType;
  kind: FieldKind;
  /** Kind of the list's items (lists only). */
  itemKind?: FieldKind;
  description: string;
  /** The default (undefined: none). */
  default: unknown;
  /** Neither optional nor defaulted. */
  required: boolean;
  /** Allowed values of an enum. */
  values?: string[];
  json: FieldJson;
  meta: z.GlobalMeta;
  /** The long flag, without dashes. */
  flag: string;
}

function kindOf(j: FieldJson | undefined): FieldKind {
  if (!j) return "other";
  if (j.enum && j.enum.every((v) => typeof v === "string")) return "enum";
  if (j.anyOf) {
    const kinds = new Set(j.anyOf.map(kindOf));
    if (kinds.size === 1) return [...kinds][0];
    if (kinds.has("integer")) return "integer";
    if (kinds.has("number")) return "number";
    return "other";
  }
  switch (j.type) {
    case "string":
      return "string";
    case "integer":
      return "integer";
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
      return "list";
    default:
      return "other";
  }
}

/** The long flag of a key: snake_case and camelCase both become kebab-case (`max_tokens`, `maxTokens` → `max-tokens`). */
export function flagName(key: string): string {
  return key.replace(/_/g, "-").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const infoCache = new WeakMap<OptionsSchema, FieldInfo[]>();

/** Every option of a schema with its kind, default, description and CLI metadata, in declaration order. */
export function fieldsOf(schema: OptionsSchema): FieldInfo[] {
  const cached = infoCache.get(schema);
  if (cached) return cached;
  const whole = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, FieldJson>; required?: string[] };
  const required = new Set(whole.required ?? []);
  const out = Object.entries(schema.shape).map(([key, s]): FieldInfo => {
    const json = whole.properties?.[key] ?? {};
    const meta = { ...(json as z.GlobalMeta), ...(z.globalRegistry.get(s as z.ZodType) ?? {}) };
    const kind = kindOf(json);
    return {
      key,
      schema: s as z.ZodType,
      kind,
      itemKind: kind === "list" ? kindOf(json.items) : undefined,
      description: typeof json.description === "string" ? json.description : "",
      default: json.default,
      required: required.has(key) && json.default === undefined,
      values: kind === "enum" ? (json.enum as string[]) : undefined,
      json,
      meta,
      flag: meta.flag ?? flagName(key),
    };
  });
  infoCache.set(schema, out);
  return out;
}

/** The defaults of a schema as an object (keys without a default are left out). */
export function defaultsOf(schema: OptionsSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf(schema)) if (f.default !== undefined) out[f.key] = structuredClone(f.default);
  return out;
}

/** Levenshtein distance (for "did you mean"). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The known name closest to `name` (keys and aliases; `-` and `_` are the same), as canonical key. */
export function closestKey(schema: OptionsSchema, name: string): string {
  const norm = name.replace(/^-+/, "").replace(/-/g, "_").toLowerCase();
  let best = "",
    bestD = Infinity;
  for (const f of fieldsOf(schema)) {
    for (const n of [f.key, f.flag.replace(/-/g, "_"), ...(f.meta.aliases ?? [])]) {
      const d = editDistance(norm, n);
      if (d < bestD) {
        best = f.key;
        bestD = d;
      }
    }
  }
  return best;
}

/** Where a layer of settings came from: decides how errors name a key. */
export type LayerSource = "cli" | "file" | "object";

/** One layer of settings: later layers override earlier ones. */
export interface Layer {
  source: LayerSource;
  values: Record<string, unknown>;
  /** The config file's path (source "file"). */
  file?: string;
  /** For "cli": the flag the user typed for each key (e.g. "--max-steps"). */
  flags?: Record<string, string>;
}

/** Options of `resolveOptions`. */
export interface ResolveOptions {
  /** Called once per alias used, with a line like `note: max_steps → steps`. */
  onNote?: (line: string) => void;
  /** Builds the thrown error (default OptionsError). */
  error?: (field: string, message: string) => Error;
  /** The command whose `--help` lists the keys (for the unknown-key message), e.g. "scratchpad train". */
  command?: string;
}

/** Canonical key of a name as written (snake or kebab case, or an alias), or undefined. */
export function canonicalKey(schema: OptionsSchema, name: string): { key: string; alias: boolean } | undefined {
  const snake = name.replace(/^-+/, "").replace(/-/g, "_");
  for (const f of fieldsOf(schema)) {
    if (f.key === snake || f.flag.replace(/-/g, "_") === snake) return { key: f.key, alias: false };
  }
  for (const f of fieldsOf(schema)) if (f.meta.aliases?.includes(snake)) return { key: f.key, alias: true };
  return undefined;
}

const RANGE = /^\s*(\d+)\s*-\s*(\d+)\s*$/;

/** Split a list written as one string: "0,8,16" (and, for ranges, "1-5" or "1-3,8"). */
export function splitList(text: string, ranges: boolean): string[] {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (!ranges) return parts;
  return parts.flatMap((p) => {
    const m = RANGE.exec(p);
    if (!m) return [p];
    const [lo, hi] = [Number(m[1]), Number(m[2])];
    if (hi < lo || hi - lo > 100_000) return [p];
    return Array.from({ length: hi - lo + 1 }, (_, i) => String(lo + i));
  });
}

function coerceScalar(kind: FieldKind | undefined, v: unknown): unknown {
  if (typeof v !== "string") return v;
  if (kind === "integer" || kind === "number") return v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
  if (kind === "boolean") return v === "true" ? true : v === "false" ? false : v;
  return v;
}

/** Turn a string (a flag's value, or a string in a config file) into the field's type where it parses. */
export function coerce(f: FieldInfo, v: unknown): unknown {
  if (f.kind === "list") {
    const items = typeof v === "string" ? (f.meta.repeat ? [v] : splitList(v, f.meta.list === "ranges")) : v;
    return Array.isArray(items) ? items.map((x) => coerceScalar(f.itemKind, x)) : items;
  }
  return coerceScalar(f.kind, v);
}

const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : v === undefined ? "nothing" : (JSON.stringify(v) ?? String(v)));

/** "must be ..." for one zod issue on field `f`. */
function mustBe(f: FieldInfo | undefined, issue: z.core.$ZodIssue): string {
  if (issue.code === "custom") return issue.message;
  if (f?.meta.message) return f.meta.message;
  const j = f?.kind === "list" ? (f.json.items ?? {}) : (f?.json ?? {});
  const kind = f?.kind === "list" ? f.itemKind : f?.kind;
  const bounds = (): string => {
    const b: string[] = [];
    if (typeof j.exclusiveMinimum === "number") b.push(`> ${j.exclusiveMinimum}`);
    else if (typeof j.minimum === "number" && j.minimum > Number.MIN_SAFE_INTEGER) b.push(`≥ ${j.minimum}`);
    if (typeof j.exclusiveMaximum === "number") b.push(`< ${j.exclusiveMaximum}`);
    else if (typeof j.maximum === "number" && j.maximum < Number.MAX_SAFE_INTEGER) b.push(`≤ ${j.maximum}`);
    return b.length ? ` ${b.join(" and ")}` : "";
  };
  switch (issue.code) {
    case "invalid_type":
      if (kind === "integer") return `must be an integer (a whole number)${bounds()}`;
      if (kind === "number") return `must be a number${bounds()}`;
      if (kind === "boolean") return `must be true or false`;
      if (kind === "enum") return `must be one of ${f?.values?.join(", ")}`;
      if (f?.kind === "list") return `must be a list such as 1,2,3`;
      return `must be ${issue.expected === "string" ? "a non-empty string" : issue.expected}`;
    case "too_small":
      if (issue.origin === "string") return `must be a non-empty string`;
      if (issue.origin === "array") return `needs at least ${String(issue.minimum)} item(s)`;
      return `must be ${issue.inclusive ? "≥" : ">"} ${String(issue.minimum)}`;
    case "too_big":
      if (issue.origin === "array") return `takes at most ${String(issue.maximum)} item(s)`;
      return `must be ${issue.inclusive ? "≤" : "<"} ${String(issue.maximum)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    case "invalid_union":
      return `must be ${kind === "integer" ? "an integer (a whole number)" : "a number"}${bounds()}`;
    default:
      return issue.message;
  }
}

/** How an error names a key: `--flag` from the CLI, `"key" (in FILE)` from a file, `"key"` otherwise. */
function nameOf(f: FieldInfo | undefined, key: string, from: Layer | undefined, typed = key): string {
  if (from?.source === "cli") return from.flags?.[key] ?? `--${f?.flag ?? key}`;
  const name = typed.replace(/-/g, "_") === key ? `"${key}"` : `"${typed}" (${key})`;
  return from?.source === "file" ? `${name} (in ${from.file})` : name;
}

/**
 * Merge layers of settings onto the schema's defaults and validate. Keys may be written snake_case,
 * kebab-case or as an alias (echoed through `onNote`); strings are parsed to the field's type.
 * @throws OptionsError (or `opts.error`'s) naming the key or flag and the fix.
 */
export function resolveOptions<S extends OptionsSchema>(schema: S, layers: ReadonlyArray<Layer | undefined>, opts: ResolveOptions = {}): z.output<S> {
  const fail = opts.error ?? ((field: string, message: string) => new OptionsError(field, message));
  const fields = new Map(fieldsOf(schema).map((f) => [f.key, f]));
  const merged: Record<string, unknown> = {};
  const origin = new Map<string, Layer>();
  const raw = new Map<string, unknown>();
  const typed = new Map<string, string>();
  for (const layer of layers) {
    if (layer === undefined) continue;
    const values = layer.values as unknown;
    if (typeof values !== "object" || values === null || Array.isArray(values)) {
      throw fail(
        "(root)",
        `${layer.file ? `config file ${layer.file}` : "the settings"} must be an object of settings, e.g. {"${fieldsOf(schema)[0]?.key ?? "key"}": ...}`,
      );
    }
    for (const [name, value] of Object.entries(layer.values)) {
      if (value === undefined) continue;
      const found = canonicalKey(schema, name);
      if (!found) {
        const where = layer.file ? ` in ${layer.file}` : "";
        const help = opts.command ? ` (\`${opts.command} --help\` lists every key)` : "";
        throw fail(name, `unknown config key "${name}"${where}; did you mean "${closestKey(schema, name)}"?${help}`);
      }
      const f = fields.get(found.key)!;
      if (found.alias) {
        const shown = layer.source === "cli" ? (layer.flags?.[found.key] ?? name) : name;
        opts.onNote?.(layer.source === "cli" ? `note: ${shown} → --${f.flag}` : `note: ${name} → ${f.key}`);
        if (layer.source === "cli" && layer.flags) layer.flags[found.key] = shown;
      }
      merged[found.key] = coerce(f, value);
      raw.set(found.key, value);
      typed.set(found.key, name);
      origin.set(found.key, layer);
    }
  }
  const r = schema.safeParse(merged);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = String(issue.path[0] ?? "(root)");
  const f = fields.get(key);
  if (issue.code === "invalid_type" && raw.get(key) === undefined && f) {
    const how = f.meta.cli === false ? `set "${key}" in the config file` : `pass --${f.flag}${f.kind === "boolean" ? "" : ` <${f.meta.arg ?? "value"}>`}`;
    throw fail(key, `${f.meta.cli === false ? `"${key}"` : `--${f.flag}`} is required (${f.description}): ${how}`);
  }
  if (issue.code === "custom") throw fail(key, issue.message);
  throw fail(key, `${nameOf(f, key, origin.get(key), typed.get(key))} ${mustBe(f, issue)}; got ${show(raw.get(key))}`);
}

/** Validation errors of a cross-field check: add with `ctx.addIssue` inside `.superRefine`. */
export function customIssue(ctx: z.RefinementCtx, key: string, message: string): void {
  ctx.addIssue({ code: "custom", path: [key], message });
}
