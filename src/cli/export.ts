/**
 * `scratchpad export`: write a checkpoint in another tool's format. Today: `--format gguf`, a
 * llama.cpp model file (F32 or F16) that llama.cpp, Ollama and LM Studio load as they are (see
 * src/engine/gguf.ts for what goes in it).
 */
import type { Command } from "commander";
import { z } from "zod";
import { addOptions, resolveCommand } from "../config/index.js";
import { exportGguf } from "../engine/gguf-export.js";

/** `scratchpad export`'s options. */
export const ExportCliSchema = z
  .object({
    model: z.string().min(1).meta({ description: "checkpoint folder", arg: "dir" }),
    out: z.string().min(1).meta({ description: "output file, e.g. models/r1zero.gguf", arg: "file" }),
    format: z
      .enum(["gguf"])
      .default("gguf")
      .meta({ description: "output format", arg: "name", message: "must be gguf (a checkpoint folder already is the Hugging Face format)" }),
    dtype: z
      .enum(["f32", "f16"])
      .default("f32")
      .meta({ description: "precision of the weight matrices: f32 (exact) or f16 (half the size)", arg: "type", message: "must be f32 or f16" }),
    name: z.string().min(1).optional().meta({ description: "model name in the file's metadata", arg: "name", defaultText: "the folder's name" }),
  })
  .strict();

/** Register `export`. */
export function registerExportCommand(program: Command): void {
  const cmd = program.command("export").description("export a checkpoint for other tools: --format gguf writes a llama.cpp model file");
  addOptions(cmd, ExportCliSchema).action(async () => {
    const f = resolveCommand<typeof ExportCliSchema>(cmd);
    const r = await exportGguf(f.model, f.out, { dtype: f.dtype, name: f.name });
    process.stdout.write(`wrote ${r.file} (GGUF, ${r.dtype.toUpperCase()}, ${r.tensors} tensors, ${(r.bytes / 1024 / 1024).toFixed(2)} MiB)\n`);
  });
}
