// Every `scratchpad` command that README.md, BENCHMARKS.md and docs/ print in a shell block names a
// subcommand that exists and only flags that subcommand accepts, so a reader can paste it as printed
// (a renamed or removed flag fails here, not in a newcomer's terminal). Scripts the docs run with
// `npx tsx scripts/…` must exist. The commands are checked against the program's own definition
// (buildProgram), hidden aliases included, without running them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli/main.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** One command as a doc prints it. */
interface DocCommand {
  doc: string;
  line: string;
  words: string[];
}

/** Split a shell command into words (single and double quotes; no expansion). */
function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  let has = false;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else cur += ch;
  }
  if (has || cur) out.push(cur);
  return out;
}

/** The markdown files whose commands a reader copies. */
function docFiles(): string[] {
  const docs = readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join("docs", f));
  return ["README.md", "BENCHMARKS.md", ...docs].filter((f) => existsSync(path.join(ROOT, f)));
}

/** Every shell command of a fenced block (continuation lines joined; pipelines and `&&` split). */
function docCommands(): DocCommand[] {
  const out: DocCommand[] = [];
  for (const doc of docFiles()) {
    const text = readFileSync(path.join(ROOT, doc), "utf8");
    for (const m of text.matchAll(/^```(?:sh|bash|shell)\s*\n([\s\S]*?)^```/gm)) {
      for (const raw of m[1].replace(/\\\n\s*/g, " ").split("\n")) {
        const line = raw.replace(/\s#\s.*$/, "").trim();
        if (!line || line.startsWith("#")) continue;
        for (const part of line.split(/\s(?:\||&&|;)\s/)) {
          const words = shellWords(part.trim());
          while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) words.shift(); // CI=true …
          out.push({ doc, line, words });
        }
      }
    }
  }
  return out;
}

/** The words after the program: `npx scratchpad …`, `scratchpad …`, `node bin/scratchpad.js …`. */
function scratchpadArgs(words: string[]): string[] | undefined {
  if (words[0] === "npx" && words[1] === "scratchpad") return words.slice(2);
  if (words[0] === "scratchpad") return words.slice(1);
  if (words[0] === "node" && words[1] === "bin/scratchpad.js") return words.slice(2);
  return undefined;
}

/** Walk to the subcommand the words name; the rest are its arguments. */
function resolve(program: Command, args: string[]): { cmd: Command; name: string; rest: string[] } {
  let cmd = program;
  const name: string[] = [];
  let i = 0;
  while (i < args.length && !args[i].startsWith("-")) {
    const sub = cmd.commands.find((c) => c.name() === args[i] || c.aliases().includes(args[i]));
    if (!sub) break;
    cmd = sub;
    name.push(args[i]);
    i++;
  }
  return { cmd, name: name.join(" "), rest: args.slice(i) };
}

const commands = docCommands();
const program = buildProgram();

describe("commands printed in the docs", () => {
  const invocations = commands.flatMap((c) => {
    const args = scratchpadArgs(c.words);
    return args ? [{ ...c, args }] : [];
  });

  it("finds the documented commands (README's and docs/' scratchpad lines)", () => {
    expect(invocations.length).toBeGreaterThan(30);
    expect(new Set(invocations.map((c) => c.doc))).toContain("README.md");
  });

  for (const c of invocations) {
    it(`${c.doc}: scratchpad ${c.args.slice(0, 3).join(" ")}…`, () => {
      const { cmd, name, rest } = resolve(program, c.args);
      const where = `${c.doc}: ${c.line}`;
      if (c.args.length === 0 || c.args[0] === "--help") return;
      expect(name, `${where}\nnames no scratchpad subcommand`).not.toBe("");
      expect(cmd.commands.length, `${where}\n"scratchpad ${name}" needs a subcommand`).toBe(0);
      const known = new Set(["--help", "-h"]);
      for (const o of cmd.options) {
        if (o.long) known.add(o.long);
        if (o.short) known.add(o.short);
      }
      for (const w of rest) {
        if (!w.startsWith("-") || w === "-" || /^-\d/.test(w)) continue;
        const flag = w.split("=")[0];
        expect(known.has(flag), `${where}\n"scratchpad ${name}" has no flag ${flag}`).toBe(true);
      }
    });
  }

  it("every `npx tsx scripts/…` and `/usr/bin/python3 …` file the docs run exists", () => {
    const missing: string[] = [];
    for (const c of commands) {
      const file = c.words[0] === "npx" && c.words[1] === "tsx" ? c.words[2] : /python3$/.test(c.words[0] ?? "") ? c.words[1] : undefined;
      if (file && !file.startsWith("-") && !file.startsWith("../") && !existsSync(path.join(ROOT, file))) missing.push(`${c.doc}: ${c.line}`);
    }
    expect(missing).toEqual([]);
  });
});
