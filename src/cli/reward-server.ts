/**
 * `scratchpad reward-server`: serve verifiable rewards over HTTP to RL frameworks (docs/reward-server.md).
 *
 *   scratchpad reward-server --port 5000 [--host 127.0.0.1] [--workers N] [--task math|code|auto]
 *     POST /get_reward (OpenRLHF --remote_rm_url), POST /run_code (SandboxFusion, veRL's sandbox_fusion.url),
 *     POST /verify (verify math|code --jsonl items), GET /health. Prints one line with the URL once listening.
 */
import type { Command } from "commander";
import { z } from "zod";
import { addOptions, resolveCommand } from "../config/index.js";
import { REWARD_SERVER_DEFAULTS, startRewardServer } from "../serve/reward/server.js";
import type { RewardTask } from "../serve/reward/get-reward.js";
import { sandboxInfo } from "../verify/code/sandbox-info.js";
import { ScratchpadError } from "../core/errors.js";
import { lineOptions } from "../verify/math/options.js";
import type { MathVerifyOptions } from "../verify/math/types.js";

/** `scratchpad reward-server`'s options (unset limits: the server's defaults). */
export const RewardServerCliSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(REWARD_SERVER_DEFAULTS.port).meta({ description: "port to listen on (0: any free port)", arg: "port" }),
    host: z.string().min(1).default(REWARD_SERVER_DEFAULTS.host).meta({ description: "address to listen on (0.0.0.0: every interface)", arg: "host" }),
    workers: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: "math worker threads and programs run at once", defaultText: "number of cores", message: "must be a positive integer" }),
    task: z
      .enum(["math", "code", "auto"])
      .default("auto")
      .meta({ description: "what /get_reward labels are: math (gold answers), code (test objects) or auto", arg: "task" }),
    maxQueue: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: "items in flight before new requests get 503 + Retry-After", defaultText: "16384", message: "must be a positive integer" }),
    maxBody: z.number().int().min(1).optional().meta({
      description: "largest request body in bytes; larger gets 413 and the connection closed",
      arg: "bytes",
      defaultText: "67108864",
      message: "must be a positive integer",
    }),
    mathOptions: z.string().optional().meta({
      description:
        'the math verifier\'s options for every math reward, as JSON in Math-Verify\'s names (a /verify item\'s own options win), e.g. \'{"extraction":["latex"],"gold_extraction":["latex","expr"],"boxed_match_priority":0,"try_extract_without_anchor":false,"extraction_mode":"first_match"}\' (open-r1\'s accuracy reward)',
      arg: "json",
    }),
    deadline: z.number().gt(0).optional().meta({
      description: "per-request deadline in seconds; past it 504 and the work is stopped",
      arg: "s",
      defaultText: "150",
      message: "must be a positive number of seconds",
    }),
  })
  .strict();

/** `--math-options` as options, or a `ScratchpadError` naming the problem and the fix. */
function parseMathOptions(text: string): MathVerifyOptions {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScratchpadError("invalid_option", `--math-options must be a JSON object such as '{"extraction":["latex","expr"]}' (${(e as Error).message})`);
  }
  const r = lineOptions(raw);
  if (typeof r === "string") throw new ScratchpadError("invalid_option", `--math-options: ${r}`);
  return r;
}

/** Register `scratchpad reward-server`. */
export function registerRewardServerCommand(program: Command): void {
  const cmd = program
    .command("reward-server")
    .description("Serve verifiable rewards over HTTP: /get_reward (OpenRLHF), /run_code (SandboxFusion/veRL), /verify, /health");
  addOptions(cmd, RewardServerCliSchema).action(async () => {
    const flags = resolveCommand<typeof RewardServerCliSchema>(cmd);
    const sandbox = sandboxInfo();
    const s = await startRewardServer({
      port: flags.port,
      host: flags.host,
      workers: flags.workers,
      task: flags.task satisfies RewardTask,
      maxQueue: flags.maxQueue,
      maxBodyBytes: flags.maxBody,
      deadlineMs: flags.deadline === undefined ? undefined : flags.deadline * 1000,
      mathOptions: flags.mathOptions === undefined ? undefined : parseMathOptions(flags.mathOptions),
    });
    console.log(
      `scratchpad reward server listening on ${s.url} (task ${flags.task}, sandbox ${sandbox.kind}): POST /get_reward, /run_code, /verify; GET /health`,
    );
    const stop = (): void => {
      void s.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
