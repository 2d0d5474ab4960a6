/** The config schema machinery (one place for every command's and config file's options): see config/schema.ts. */
export {
  OptionsError,
  canonicalKey,
  closestKey,
  coerce,
  customIssue,
  defaultsOf,
  editDistance,
  fieldsOf,
  flagName,
  resolveOptions,
  splitList,
  type FieldInfo,
  type FieldKind,
  type Layer,
  type LayerSource,
  type OptionsSchema,
  type ResolveOptions,
} from "./schema.js";
export { addOptions, cliLayer, commandPath, helpText, resolveCommand, schemaAction, schemaOf } from "./cli.js";
export { commandsMarkdown, optionsTable } from "./docs.js";
export { CONFIG_FILE_EXTENSIONS, parseConfigText, readConfigFile, readConfigObject } from "./file.js";
