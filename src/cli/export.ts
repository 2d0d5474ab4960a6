/**
 * `scratchpad export`: write a checkpoint in another tool's format. Today: `--format gguf`, a
 * llama.cpp model file (F32 or F16) that llama.cpp, Ollama and LM Studio load as they are (see
 * src/engine/gguf.ts for what goes in it).
 */
import type { Command } from "commander";
import { exportGguf, type GgufDtype } from "../engine/gguf.js";
import { ScratchpadError } from "../core/errors.js";

interface ExportFlags {
  model: string;
  format: string;
  out: string;
  dtype: string;
  name?: string;
}

/** Register `export`. */
export function registerExportCommand(program: Command): void {
  program
    .command("export")
    .description("export a checkpoint for other tools: --format gguf writes a llama.cpp model file")
    .requiredOption("--model <dir>", "checkpoint folder")
    .requiredOption("--out <file>", "output file, e.g. models/r1zero.gguf")
    .option("--format <name>", "output format (gguf)", "gguf")
    .option("--dtype <type>", "precision of the weight matrices: f32 (exact) or f16 (half the size)", "f32")
    .option("--name <name>", "model name in the file's metadata (default: the folder's name)")
    .action(async (f: ExportFlags) => {
      if (f.format !== "gguf") throw new ScratchpadError("invalid_option", `--format must be gguf, got "${f.format}" (a checkpoint folder already is the Hugging Face format)`);
      if (f.dtype !== "f32" && f.dtype !== "f16") throw new ScratchpadError("invalid_option", `--dtype must be f32 or f16, got "${f.dtype}"`);
      const r = await exportGguf(f.model, f.out, { dtype: f.dtype as GgufDtype, name: f.name });
      process.stdout.write(`wrote ${r.file} (GGUF, ${r.dtype.toUpperCase()}, ${r.tensors} tensors, ${(r.bytes / 1024 / 1024).toFixed(2)} MiB)\n`);
    });
}
