/**
 * The RL stage (`scratchpad/rl`): GRPO-family training of a `TrainablePolicy` against verifiable
 * rewards: the config (TRL names), rollouts, group-relative advantages, the losses, the training
 * reward, the trainer loop and its metrics.
 */
export * from "./config.js";
export * from "./rollout.js";
export * from "./advantages.js";
export * from "./loss.js";
export * from "./rewards.js";
export * from "./metrics.js";
export * from "./progress.js";
export * from "./trainer.js";
