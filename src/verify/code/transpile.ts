/**
 * Turning TypeScript (and JavaScript written as an ES module) into CommonJS JavaScript that the Node runner
 * can execute as a classic script. Types are stripped with the `typescript` package's `transpileModule`, in
 * this process (loaded once, lazily); only syntax errors are reported, types are not checked (like Node's
 * own type stripping).
 */
import type * as TS from "typescript";

let ts: typeof TS | undefined;

async function loadTypescript(): Promise<typeof TS> {
  if (!ts) {
    const mod = (await import("typescript")) as typeof TS & { default?: typeof TS };
    ts = mod.default ?? mod;
  }
  return ts;
}

/** The result of `toRunnableJs`: the JavaScript, or the syntax error that stops it. */
export type TranspileResult = { ok: true; js: string } | { ok: false; error: string };

/** Whether JavaScript source uses ES module syntax (`import` / `export` statements) and needs converting. */
export function usesModuleSyntax(source: string): boolean {
  return /^\s*(import\s*[\w{*"']|export\s)/m.test(source);
}

/**
 * TypeScript → JavaScript, or JavaScript with `import`/`export` → CommonJS. Plain JavaScript is returned
 * unchanged. `fileName` names the source in error messages.
 */
export async function toRunnableJs(
  source: string,
  language: "javascript" | "typescript",
  fileName: string,
): Promise<TranspileResult> {
  if (language === "javascript" && !usesModuleSyntax(source)) return { ok: true, js: source };
  const t = await loadTypescript();
  const out = t.transpileModule(source, {
    fileName: language === "typescript" ? `${fileName}.ts` : `${fileName}.js`,
    reportDiagnostics: true,
    compilerOptions: {
      target: t.ScriptTarget.ES2022,
      module: t.ModuleKind.CommonJS,
      esModuleInterop: true,
      allowJs: true,
      sourceMap: false,
      inlineSourceMap: false,
      removeComments: false,
    },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === t.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const d = errors[0];
    let where = "";
    if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      where = ` (line ${line + 1}, column ${character + 1})`;
    }
    const what = language === "typescript" ? "TypeScript" : "JavaScript";
    return { ok: false, error: `${what} syntax error in ${fileName}${where}: ${t.flattenDiagnosticMessageText(d.messageText, "\n")}` };
  }
  return { ok: true, js: out.outputText };
}
