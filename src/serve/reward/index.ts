/**
 * The reward server: verifiable rewards over HTTP for RL frameworks (OpenRLHF's /get_reward, SandboxFusion's
 * /run_code as veRL calls it, /verify for `verify math|code --jsonl` items). See docs/reward-server.md.
 */
export { createRewardServer, startRewardServer, type RewardServerOptions, type RunningRewardServer } from "./server.js";
export { parseGetRewardBody, computeRewards, type GetRewardResponse, type RewardTask } from "./get-reward.js";
export { responseFromQuery, gradedResponse, cutAtEndMarker, END_MARKERS, type ResponseSource, type SplitResponse } from "./response.js";
export {
  parseRunCodeBody,
  runCodeRequest,
  runStatus,
  RUN_CODE_LANGUAGES,
  DEFAULT_RUN_CODE_BOUNDS,
  type CommandRunResult,
  type RunCodeBounds,
  type RunCodeLanguage,
  type RunCodeRequest,
  type RunCodeResponse,
} from "./run-code.js";
export { MathPool, MathTaskAbortedError, type PairVerdict } from "./math-pool.js";
export { Admission, Semaphore } from "./admission.js";
