// The package as users get it: `npm pack` output passes publint, carries no source maps, tests or
// benchmark data; every import of "scratchpad…" in a TypeScript or JavaScript snippet of README.md
// and docs/ resolves from the packed tarball, and every such TypeScript snippet type-checks against
// the tarball's declarations.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { publint } from "publint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
/** Run a command without blocking this worker (vitest's RPC needs the event loop); resolves to stdout. */
const run = async (cmd: string, args: string[], cwd: string): Promise<string> =>
  (await promisify(execFile)(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })).stdout;

/** A fenced code block of a markdown file. */
interface Snippet {
  doc: string;
  index: number;
  code: string;
  language: "ts" | "js";
}

/** Every ```ts / ```typescript (and ```js / ```javascript / ```mjs) block of README.md and docs/**\/*.md. */
function docSnippets(): Snippet[] {
  const docs = ["README.md", ...listMarkdown(path.join(ROOT, "docs")).map((f) => path.relative(ROOT, f))];
  const out: Snippet[] = [];
  for (const doc of docs) {
    const re = /^```(ts|typescript|js|javascript|mjs)\s*\n([\s\S]*?)^```/gm;
    const text = readFileSync(path.join(ROOT, doc), "utf8");
    let i = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) out.push({ doc, index: ++i, code: m[2], language: m[1].startsWith("t") ? "ts" : "js" });
  }
  return out;
}

function listMarkdown(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listMarkdown(path.join(dir, e.name)) : e.name.endsWith(".md") ? [path.join(dir, e.name)] : [],
  );
}

/** The module specifiers a snippet imports. */
function importsOf(code: string): string[] {
  return [...code.matchAll(/^\s*(?:import|export)\b[^"']*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]);
}

let work: string;
let pkgDir: string;
let packed: string[];

beforeAll(async () => {
  // dist/ is current: vitest's global setup (test/global-setup.ts) rebuilt it if a source was newer.
  work = mkdtempSync(path.join(tmpdir(), "scratchpad-pack-"));
  const out = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], ROOT);
  const info = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  packed = info[0].files.map((f) => f.path);
  const modules = path.join(work, "node_modules");
  pkgDir = path.join(modules, "scratchpad");
  mkdirSync(pkgDir, { recursive: true });
  await run("tar", ["-xzf", path.join(work, info[0].filename), "-C", pkgDir, "--strip-components=1"], work);
  // The package's dependencies (and @types/node) come from the repository's node_modules.
  for (const name of readdirSync(path.join(ROOT, "node_modules"))) {
    if (name === "scratchpad" || name.startsWith(".")) continue;
    symlinkSync(path.join(ROOT, "node_modules", name), path.join(modules, name));
  }
  writeFileSync(path.join(work, "package.json"), JSON.stringify({ name: "docs-snippets", type: "module", private: true }));
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed package", () => {
  it("passes publint (strict), from the tarball's own files", async () => {
    const { messages } = await publint({ pkgDir, pack: false, strict: true });
    expect(messages.map((m) => `${m.type} ${m.code} ${JSON.stringify(m.args)}`)).toEqual([]);
  });

  it("holds no source maps, tests, benchmark data or TypeScript sources", () => {
    expect(packed.filter((f) => /\.map$|\.test\.|^data\/|^src\//.test(f))).toEqual([]);
    expect(packed).toContain("dist/index.js");
    expect(packed).toContain("dist/serve/index.d.ts");
  });

  it("every docs snippet imports from the package, and its imports resolve from the tarball", async () => {
    const snippets = docSnippets();
    const relative = snippets.flatMap((s) =>
      importsOf(s.code)
        .filter((i) => i.startsWith(".") || i.includes("/dist/"))
        .map((i) => `${s.doc} #${s.index}: ${i}`),
    );
    expect(relative).toEqual([]);
    const specifiers = [...new Set(snippets.flatMap((s) => importsOf(s.code)).filter((i) => i === "scratchpad" || i.startsWith("scratchpad/")))];
    expect(specifiers.length).toBeGreaterThanOrEqual(5);
    const script = `for (const s of ${JSON.stringify(specifiers)}) console.log(s, import.meta.resolve(s));`;
    const resolved = (await run(process.execPath, ["--input-type=module", "-e", script], work)).trim().split("\n");
    expect(resolved).toHaveLength(specifiers.length);
    for (const line of resolved) expect(line).toContain("/node_modules/scratchpad/dist/");
  });

  it("every docs snippet that imports from scratchpad type-checks against the packed declarations", async () => {
    const snippets = docSnippets().filter((s) => s.language === "ts" && importsOf(s.code).some((i) => i === "scratchpad" || i.startsWith("scratchpad/")));
    expect(snippets.length).toBeGreaterThanOrEqual(10);
    const dir = path.join(work, "snippets");
    mkdirSync(dir, { recursive: true });
    const names = snippets.map((s) => {
      const name = `${s.doc.replace(/\W+/g, "_")}_${s.index}.ts`;
      // export {} keeps each snippet a module of its own (top-level await, no shared names)
      writeFileSync(path.join(dir, name), `${s.code}\nexport {};\n`);
      return name;
    });
    const tsconfig = {
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2023"],
        types: ["node"],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
      },
      files: names.map((n) => `snippets/${n}`),
    };
    writeFileSync(path.join(work, "tsconfig.json"), JSON.stringify(tsconfig));
    let output = "";
    try {
      await run(process.execPath, [TSC, "-p", "tsconfig.json"], work);
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe("");
  }, 300_000);
});
