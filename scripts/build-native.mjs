// Builds the native kernel addon (native/, binding.gyp) at `npm ci` / `npm install` time.
// A failed build never fails the install: the engine then falls back to its TypeScript kernels
// and says so in one line when it loads.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync("binding.gyp")) process.exit(0);
const r = spawnSync("node-gyp", ["rebuild"], { stdio: "inherit", shell: process.platform === "win32" });
if (r.status !== 0) {
  console.warn("scratchpad: the native kernels did not build; the engine will use its slower TypeScript kernels.");
}
