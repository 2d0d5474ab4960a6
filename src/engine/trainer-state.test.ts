// trainer_state.json in Hugging Face Trainer's schema, and the step resuming reads (old files too).
import { describe, expect, it } from "vitest";
import { stateStep, trainerState } from "./trainer-state.js";

describe("trainerState", () => {
  it("has every field of transformers' TrainerState, with HF's defaults", () => {
    const s = trainerState({ global_step: 7, max_steps: 10, log_history: [{ step: 7, loss: 0.5, learning_rate: 1e-3 }] });
    expect(Object.keys(s)).toEqual([
      "best_global_step",
      "best_metric",
      "best_model_checkpoint",
      "epoch",
      "eval_steps",
      "global_step",
      "is_hyper_param_search",
      "is_local_process_zero",
      "is_world_process_zero",
      "log_history",
      "logging_steps",
      "max_steps",
      "num_input_tokens_seen",
      "num_train_epochs",
      "save_steps",
      "stateful_callbacks",
      "total_flos",
      "train_batch_size",
      "trial_name",
      "trial_params",
    ]);
    expect(s).toMatchObject({ global_step: 7, max_steps: 10, best_metric: null, is_world_process_zero: true, log_history: [{ step: 7, loss: 0.5 }] });
  });

  it("resuming reads global_step, and the old {step} files", () => {
    expect(stateStep(trainerState({ global_step: 12, max_steps: 40 }))).toBe(12);
    expect(stateStep({ step: 300, seed: 1 })).toBe(300);
    expect(stateStep({ seed: 1 })).toBeNull();
    expect(stateStep(null)).toBeNull();
  });
});
