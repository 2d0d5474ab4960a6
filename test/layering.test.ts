// The boundary rules of eslint.config.js: no bare Error in library code, and the import rule: an import that points up the layer stack (or
// sideways within a layer) fails lint, with a message naming the layers; allowed directions pass.
// (`npm run lint` applies the same rule to the whole tree.)
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// The fixtures are virtual files outside the TypeScript project: lint them without type information
// (the boundary rules are syntactic) and with the type-aware rules off.
const eslint = new ESLint({ cwd: ROOT, overrideConfig: { ...tseslint.configs.disableTypeChecked, files: ["**/zz-fixture*.ts"] } });

/** The boundary errors lint reports for `code` as if it were the file `file` (relative to the root). */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layering lint rule", () => {
  it("fails an upward import, a sideways one and one from a nested folder", async () => {
    const up = await boundaryErrors("src/engine/zz-fixture.ts", 'import { evaluate } from "../eval/evaluate.js";\nexport const x = evaluate;\n');
    expect(up).toHaveLength(1);
    expect(up[0]).toMatch(/src\/engine\/ is in layer 1/);
    expect(await boundaryErrors("src/scale/zz-fixture.ts", 'export { train } from "../rl/trainer.js";\n')).toHaveLength(1);
    expect(
      await boundaryErrors("src/serve/reward/zz-fixture.ts", 'import type { Command } from "../../cli/main.js";\nexport type C = Command;\n'),
    ).toHaveLength(1);
    expect(await boundaryErrors("src/core/zz-fixture.ts", 'export { Model } from "../engine/model.js";\n')).toHaveLength(1);
  });

  it("passes downward imports, a nested folder's own files, and tests", async () => {
    expect(
      await boundaryErrors("src/eval/zz-fixture.ts", 'export { bestOfN } from "../scale/strategies.js";\nexport { splitThinking } from "../core/think.js";\n'),
    ).toEqual([]);
    // ../config.js inside src/engine/kernels/ is engine's own config, not src/config/
    expect(await boundaryErrors("src/engine/kernels/zz-fixture.ts", 'export { validateConfig } from "../config.js";\n')).toEqual([]);
    expect(await boundaryErrors("src/tasks/loaders/zz-fixture.ts", 'export { mathVerifier } from "../../verify/math/index.js";\n')).toEqual([]);
    expect(await boundaryErrors("src/engine/zz-fixture.test.ts", 'export { evaluate } from "../eval/evaluate.js";\n')).toEqual([]);
  });

  it("fails a bare Error in library code, not in tests", async () => {
    const [lib] = await eslint.lintText('export function f(): never {\n  throw new Error("x");\n}\n', { filePath: path.join(ROOT, "src/eval/zz-fixture.ts") });
    expect(lib.messages.map((m) => m.ruleId)).toContain("no-restricted-syntax");
    const [test] = await eslint.lintText('export function f(): never {\n  throw new Error("x");\n}\n', {
      filePath: path.join(ROOT, "src/eval/zz-fixture.test.ts"),
    });
    expect(test.messages.map((m) => m.ruleId)).not.toContain("no-restricted-syntax");
  });
});
