/**
 * `scratchpad reward-server`: serve verifiable rewards over HTTP to RL frameworks (docs/reward-server.md).
 *
 *   scratchpad reward-server --port 5000 [--host 127.0.0.1] [--workers N] [--task math|code|auto]
 *     POST /get_reward (OpenRLHF --remote_rm_url), POST /run_code (SandboxFusion, veRL's sandbox_fusion.url),
 *     POST /verify (verify math|code --jsonl items), GET /health. Prints one line with the URL once listening.
 */
import type { Command } from "commander";
import { startRewardServer } from "../serve/reward/server.js";
import type { RewardTask } from "../serve/reward/get-reward.js";
import { sandboxInfo } from "../verify/code/sandbox-info.js";
import { ScratchpadError } from "../core/errors.js";

interface RewardServerFlags {
  port: string;
  host: string;
  workers?: string;
  task: string;
  maxQueue?: string;
  maxBody?: string;
  deadline?: string;
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ScratchpadError("invalid_option", `${flag} must be a positive integer, got "${value}"`);
  return n;
}

/** Register `scratchpad reward-server`. */
export function registerRewardServerCommand(program: Command): void {
  program
    .command("reward-server")
    .description("Serve verifiable rewards over HTTP: /get_reward (OpenRLHF), /run_code (SandboxFusion/veRL), /verify, /health")
    .option("--port <port>", "port to listen on (0: any free port)", "5000")
    .option("--host <host>", "address to listen on (0.0.0.0: every interface)", "127.0.0.1")
    .option("--workers <n>", "math worker threads and programs run at once (default: number of cores)")
    .option("--task <task>", "what /get_reward labels are: math (gold answers), code (test objects) or auto", "auto")
    .option("--max-queue <n>", "items in flight before new requests get 503 + Retry-After (default 16384)")
    .option("--max-body <bytes>", "largest request body in bytes; larger gets 413 and the connection closed (default 67108864)")
    .option("--deadline <s>", "per-request deadline in seconds; past it 504 and the work is stopped (default 150)")
    .action(async (flags: RewardServerFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ScratchpadError("invalid_option", `--port must be an integer from 0 to 65535, got "${flags.port}"`);
      if (!["math", "code", "auto"].includes(flags.task)) throw new ScratchpadError("invalid_option", `--task must be math, code or auto, got "${flags.task}"`);
      const deadline = flags.deadline === undefined ? undefined : Number(flags.deadline);
      if (deadline !== undefined && !(Number.isFinite(deadline) && deadline > 0)) throw new ScratchpadError("invalid_option", `--deadline must be a positive number of seconds, got "${flags.deadline}"`);
      const sandbox = sandboxInfo();
      const s = await startRewardServer({
        port,
        host: flags.host,
        workers: positiveInt("--workers", flags.workers),
        task: flags.task as RewardTask,
        maxQueue: positiveInt("--max-queue", flags.maxQueue),
        maxBodyBytes: positiveInt("--max-body", flags.maxBody),
        deadlineMs: deadline === undefined ? undefined : deadline * 1000,
      });
      console.log(`scratchpad reward server listening on ${s.url} (task ${flags.task}, sandbox ${sandbox.kind}): POST /get_reward, /run_code, /verify; GET /health`);
      const stop = (): void => {
        void s.close().then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
