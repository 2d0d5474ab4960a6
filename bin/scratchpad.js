#!/usr/bin/env node
// The `scratchpad` command: loads the compiled CLI from dist/ (built by `npm ci` / `npm run build`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error("scratchpad: dist/ is missing. Run `npm run build` (or `npm ci`) in the scratchpad folder first.");
  process.exit(1);
}
const { run } = await import(main.href);
await run(process.argv);
