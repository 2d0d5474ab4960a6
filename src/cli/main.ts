/**
 * The `scratchpad` command line: a thin layer that parses flags and calls the stages.
 * Each stage registers its own subcommands from its own file in src/cli/.
 */
import { Command, CommanderError } from "commander";
import { registerEngineCommands } from "./engine.js";
import { registerBenchCommand } from "./bench.js";
import { registerVerifyCommands } from "./verify.js";
import { registerTaskCommands } from "./tasks.js";
import { registerTrainCommands } from "./train.js";
import { registerInferenceCommands } from "./inference.js";
import { registerRouteCommand } from "./route.js";
import { registerRewardServerCommand } from "./reward-server.js";
import { registerExportCommand } from "./export.js";

/** Build the `scratchpad` program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name("scratchpad")
    .description("Reasoning models in TypeScript: verifiers, a tiny Llama engine, GRPO training, test-time compute.")
    .showHelpAfterError("(run with --help for usage)");
  registerEngineCommands(program);
  registerBenchCommand(program);
  registerVerifyCommands(program);
  registerTaskCommands(program);
  registerTrainCommands(program);
  registerInferenceCommands(program);
  registerRouteCommand(program);
  registerRewardServerCommand(program);
  registerExportCommand(program);
  return program;
}

/** Run the CLI on process-style argv. Errors print one clear line and set a non-zero exit code. */
export async function run(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    const msg = err instanceof Error ? err.message : String(err);
    console.error(`scratchpad: ${msg}`);
    if (process.env.SCRATCHPAD_DEBUG && err instanceof Error) console.error(err.stack);
    process.exitCode = 1;
  }
}
