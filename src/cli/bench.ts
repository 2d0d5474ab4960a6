/** CLI subcommand of one stage (see src/cli/main.ts). */
import type { Command } from "commander";

/** Register this subcommand on its parent command. */
export function registerBenchCommand(_parent: Command): void {
  // Filled in by the stage.
}
