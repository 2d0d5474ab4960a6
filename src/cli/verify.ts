/** The `scratchpad verify` command group: `verify math` (cli/verify-math.ts) and `verify code` (cli/verify-code.ts). */
import type { Command } from "commander";
import { registerVerifyMathCommand } from "./verify-math.js";
import { registerVerifyCodeCommand } from "./verify-code.js";

/** Register `scratchpad verify …`. */
export function registerVerifyCommands(program: Command): void {
  const verify = program.command("verify").description("Check answers and programs with the verifiers (no model needed)");
  registerVerifyMathCommand(verify);
  registerVerifyCodeCommand(verify);
}
