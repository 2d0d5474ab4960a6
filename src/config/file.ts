/**
 * Config files: JSON (`.json`) or YAML (`.yaml`, `.yml`), chosen by the file's extension, read as one
 * layer of settings for `resolveOptions` (errors name the file and the line where the parser says).
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { OptionsError, type Layer } from "./schema.js";

/** The formats a config file may have, by extension. */
export const CONFIG_FILE_EXTENSIONS = [".json", ".yaml", ".yml"] as const;

/** Parse a config file's text by its extension. @throws OptionsError naming the file. */
export function parseConfigText(file: string, text: string, field = "--config"): unknown {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".yaml" || ext === ".yml") {
    try {
      return parseYaml(text) as unknown;
    } catch (err) {
      throw new OptionsError(field, `${field} ${file} is not valid YAML: ${(err as Error).message}`);
    }
  }
  if (ext !== ".json") {
    throw new OptionsError(field, `${field} ${file}: unknown config file format "${ext || "(no extension)"}"; name it .json, .yaml or .yml`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new OptionsError(field, `${field} ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Read a JSON or YAML config file as an object of settings.
 * @throws OptionsError naming the file when it cannot be read, parsed, or is not an object.
 */
export async function readConfigObject(file: string, field = "--config"): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new OptionsError(field, `${field} ${file}: cannot read the config file (${(err as Error).message})`);
  }
  const value = parseConfigText(file, text, field);
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new OptionsError(field, `${field} ${file} must hold a mapping of settings (key: value), not ${Array.isArray(value) ? "a list" : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/** A config file as a layer of settings (errors about its keys name the file). */
export async function readConfigFile(file: string, field = "--config"): Promise<Layer> {
  return { source: "file", file, values: await readConfigObject(file, field) };
}
