// Lint configuration: ESLint's recommended rules plus typescript-eslint's, for src/ and test/, and the
// layering of src/ (an import that points up the stack is an error; see LAYERS below).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The layers of src/, bottom first. A folder may import the folders of lower layers only: never a
 * folder of a higher layer, nor a sibling of its own layer (rl and scale do not import each other).
 * `src/types.ts` (the shared data types) is importable from everywhere; `src/index.ts` is the top.
 * This is the picture in docs/ARCHITECTURE.md; change both together.
 */
export const LAYERS = [
  ["core"],
  ["config", "engine", "verify"], // config: option schemas (zod), over core's ScratchpadError
  ["tasks"], // tasks attach verifiers to the problems they make
  ["backends"],
  ["rl", "scale", "pretrain"],
  ["eval"],
  ["serve", "report", "ai-sdk", "dashboard"], // dashboard: the live training page (SSE server)
  ["app"],
  ["cli"],
];

/**
 * One `no-restricted-imports` block per folder and nesting depth: relative specifiers are matched
 * with the exact number of `../` that leaves src/<folder>/ from that depth, so `../config.js` inside
 * src/engine/kernels/ (engine's own config) is not mistaken for src/config/. Tests (`*.test.ts`) may
 * import across layers.
 */
function layerRules() {
  const blocks = [];
  LAYERS.forEach((layer, rank) => {
    const above = LAYERS.slice(rank + 1).flat();
    for (const folder of layer) {
      const forbidden = [...layer.filter((f) => f !== folder), ...above];
      if (forbidden.length === 0) continue;
      for (let depth = 1; depth <= 4; depth++) {
        const up = "\\.\\./".repeat(depth);
        blocks.push({
          files: [`src/${folder}/${"*/".repeat(depth - 1)}*.ts`],
          ignores: ["**/*.test.ts"],
          rules: {
            "no-restricted-imports": [
              "error",
              {
                patterns: [
                  {
                    regex: `^${up}(${forbidden.join("|")})(/|\\.js$)`,
                    message: `src/${folder}/ is in layer ${rank} of LAYERS (eslint.config.js): it may import only lower layers (${LAYERS.slice(0, rank).flat().join(", ") || "none"}). Move the shared code down (e.g. into src/core/) or the importer up.`,
                  },
                ],
              },
            ],
          },
        });
      }
    }
  });
  return blocks;
}

export default tseslint.config(
  { ignores: ["dist/", "build/", "node_modules/", "runs/", "models/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  ...layerRules(),
  {
    // Library code throws ScratchpadError subclasses (src/core/errors.ts: a stable `code`, `isInstance`).
    // node-runner.ts runs inside the code sandbox as a standalone script, with no access to src/core.
    files: ["src/**/*.ts"],
    ignores: ["**/*.test.ts", "src/verify/code/node-runner.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Error']",
          message: "Throw a ScratchpadError (src/core/errors.ts) or a subclass with a stable code, not a bare Error.",
        },
      ],
    },
  },
  {
    // Type-aware rules (typescript-eslint with the project's types): promises that are neither awaited
    // nor handled, awaiting what is not a promise, promises where a callback's result is ignored,
    // casts that change nothing, and throwing what is not an Error.
    files: ["src/**/*.ts", "test/**/*.ts", "scripts/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false, attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unnecessary-type-assertion": "error",
      "@typescript-eslint/only-throw-error": "error",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
