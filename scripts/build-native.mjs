// Builds the native kernel addon (native/, binding.gyp) at `npm ci` / `npm install` time.
// A failed build never fails the install: the engine then falls back to its TypeScript kernels
// and says so in one line when it loads. Set SCRATCHPAD_SKIP_NATIVE=1 to skip the build, and
// SCRATCHPAD_REBUILD_NATIVE=1 to rebuild an addon that is newer than its sources.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const warn = (why) => console.warn(`scratchpad: the native kernels were not built (${why}); the engine will use its slower TypeScript kernels.`);

if (!existsSync("binding.gyp")) process.exit(0);
if (process.env.SCRATCHPAD_SKIP_NATIVE === "1") {
  warn("SCRATCHPAD_SKIP_NATIVE=1");
  process.exit(0);
}
// An addon newer than every source is kept: `npx scratchpad` run inside a clone reinstalls this
// package, and rebuilding would replace build/ under any scratchpad process already using it.
const addon = path.join("build", "Release", "scratchpad_native.node");
if (existsSync(addon) && process.env.SCRATCHPAD_REBUILD_NATIVE !== "1") {
  const built = statSync(addon).mtimeMs;
  const sources = ["binding.gyp", ...readdirSync("native").map((f) => path.join("native", f))];
  if (sources.every((f) => statSync(f).mtimeMs <= built)) process.exit(0);
}
if (process.arch !== "x64") {
  warn(`the kernels need an x86-64 CPU with AVX2, this is ${process.arch}`);
  process.exit(0);
}

// node-gyp: the one npm gives its scripts, else the one bundled with npm, else PATH.
const prefix = path.resolve(path.dirname(process.execPath), "..");
const bundled = [
  path.join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  path.join(path.dirname(process.execPath), "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
].find((p) => existsSync(p));
const gyp = process.env.npm_config_node_gyp || bundled;
const args = ["rebuild", "--jobs=max"];
// Build against the headers installed beside this Node (no download) when npm does not say where.
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, "include", "node", "node_api.h"))) {
  args.push(`--nodedir=${prefix}`);
}
const r = gyp
  ? spawnSync(process.execPath, [gyp, ...args], { stdio: "inherit" })
  : spawnSync("node-gyp", args, { stdio: "inherit", shell: process.platform === "win32" });
if (r.error || r.status !== 0) {
  warn(r.error ? r.error.message : `node-gyp exited with status ${r.status}; a C++ compiler, make and python3 are needed`);
}
