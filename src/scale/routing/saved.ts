/**
 * Router files: what `scratchpad route --save-router FILE` writes and `scratchpad serve --router
 * FILE` loads. A router file holds the router (the prompt classifiers, or the probe settings), the
 * threshold chosen on the calibration set, the options it was calibrated for, and what calibration
 * measured. Loading validates every field and names the one that is wrong.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { writeOutputFile } from "../../core/atomic.js";
import { ScratchpadError } from "../../core/errors.js";
import { featureDimension } from "./features.js";
import type { PromptRouterSpec, ProbeRouterSpec } from "./routers.js";

/** A router file that cannot be read or is not a router. */
export class RouterFileError extends ScratchpadError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("router_file_invalid", message, options);
  }
}

const logistic = z.object({ weights: z.array(z.number()), bias: z.number() });
const routerSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("prompt"),
    featurizer: z.object({
      ngrams: z.array(z.number().int().min(1).max(8)),
      buckets: z
        .number()
        .int()
        .min(1)
        .max(1 << 22),
      lowercase: z.boolean(),
    }),
    models: z.array(logistic).min(2),
    relativeCosts: z.array(z.number().min(0)).min(2),
  }),
  z.object({ kind: z.literal("probe"), probes: z.number().int().min(1), confidence: z.enum(["agreement", "logprob"]) }),
]);
const fileSchema = z.object({
  format: z.literal("scratchpad-router"),
  version: z.literal(1),
  router: routerSchema,
  threshold: z.number(),
  options: z
    .array(
      z.object({
        name: z.string(),
        output_price: z.number().min(0),
        input_price: z.number().min(0),
        votes: z.number().int().min(1).optional(),
        budget: z.number().int().min(0).optional(),
      }),
    )
    .min(2),
  calibration: z.record(z.string(), z.unknown()),
});

/** The content of a router file. */
export interface SavedRouter {
  format: "scratchpad-router";
  version: 1;
  router: PromptRouterSpec | ProbeRouterSpec;
  /** The operating threshold chosen on the calibration set. */
  threshold: number;
  /**
   * The options, cheapest first, as calibrated: prices, and how each answered (`votes`: majority
   * over that many samples; `budget`: thinking capped at that many tokens), which `scratchpad serve
   * --router` re-applies.
   */
  options: { name: string; output_price: number; input_price: number; votes?: number; budget?: number }[];
  /** What calibration measured at that threshold. */
  calibration: Record<string, unknown>;
}

/** Write a router file atomically (pretty JSON), creating its folder if needed. */
export async function saveRouter(file: string, saved: SavedRouter): Promise<void> {
  await writeOutputFile(file, JSON.stringify(saved, null, 1) + "\n");
}

/** Parse and validate a router file's content; the error names the first wrong field. */
export function parseRouter(text: string, source = "router file"): SavedRouter {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RouterFileError(`${source} is not JSON (${(e as Error).message}); make one with \`scratchpad route ... --save-router FILE\``);
  }
  const r = fileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new RouterFileError(
      `${source}: field "${issue.path.join(".") || "(top)"}" ${issue.message}; make a router file with \`scratchpad route ... --save-router FILE\``,
    );
  }
  const saved = r.data;
  if (saved.router.kind === "prompt") {
    const dim = featureDimension(saved.router.featurizer);
    const bad = saved.router.models.findIndex((m) => m.weights.length !== dim);
    if (bad >= 0)
      throw new RouterFileError(
        `${source}: field "router.models.${bad}.weights" has ${saved.router.models[bad].weights.length} weights, the featurizer needs ${dim}`,
      );
    if (saved.router.models.length !== saved.options.length || saved.router.relativeCosts.length !== saved.options.length) {
      throw new RouterFileError(
        `${source}: ${saved.options.length} options but ${saved.router.models.length} classifiers and ${saved.router.relativeCosts.length} costs`,
      );
    }
  } else if (saved.options.length !== 2) {
    throw new RouterFileError(`${source}: a probe router routes between two options, the file lists ${saved.options.length}`);
  }
  return saved;
}

/** Read and validate a router file. */
export async function loadRouter(file: string): Promise<SavedRouter> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new RouterFileError(`cannot read router file ${file}: ${(e as Error).message}`, { cause: e });
  }
  return parseRouter(text, `router file ${file}`);
}
