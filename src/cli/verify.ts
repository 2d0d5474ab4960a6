/** CLI subcommands of one stage (see src/cli/main.ts). */
import type { Command } from "commander";

/** Register this stage's subcommands on the program. */
export function registerVerifyCommands(_program: Command): void {
  // Filled in by the stage.
}
