/**
 * `trainer_state.json` in Hugging Face Trainer's schema (transformers' `TrainerState`): `global_step`,
 * `max_steps`, `log_history` (one record per logged step: `step`, `loss`, `learning_rate`, ...),
 * `best_metric`, ... so that tools reading HF checkpoints understand ours. Resuming reads
 * `global_step` (and, for checkpoints written before this schema, the old `step`).
 */

/** One `log_history` record: the step and its metrics under their logged names. */
export type LogRecord = { step: number } & Record<string, number | null>;

/** transformers' `TrainerState`, as written to trainer_state.json (a type alias, so it is a plain JSON record). */
export type TrainerState = {
  /** Fractional epoch (null: training samples fresh problems every step, there are no epochs). */
  epoch: number | null;
  global_step: number;
  max_steps: number;
  logging_steps: number;
  eval_steps: number | null;
  save_steps: number;
  train_batch_size: number;
  num_train_epochs: number;
  num_input_tokens_seen: number;
  total_flos: number;
  log_history: LogRecord[];
  best_metric: number | null;
  best_global_step: number | null;
  best_model_checkpoint: string | null;
  is_local_process_zero: boolean;
  is_world_process_zero: boolean;
  is_hyper_param_search: boolean;
  trial_name: string | null;
  trial_params: Record<string, unknown> | null;
  stateful_callbacks: Record<string, unknown>;
};

/**
 * A trainer state with HF's defaults for everything not given, keys in the sorted order HF writes
 * (`json.dumps(..., sort_keys=True)`): a spread keeps the position of keys already present.
 */
export function trainerState(s: Pick<TrainerState, "global_step" | "max_steps"> & Partial<TrainerState>): TrainerState {
  const { global_step, max_steps, ...rest } = s;
  return {
    best_global_step: null,
    best_metric: null,
    best_model_checkpoint: null,
    epoch: null,
    eval_steps: null,
    global_step,
    is_hyper_param_search: false,
    is_local_process_zero: true,
    is_world_process_zero: true,
    log_history: [],
    logging_steps: 1,
    max_steps,
    num_input_tokens_seen: 0,
    num_train_epochs: 1,
    save_steps: max_steps,
    stateful_callbacks: {},
    total_flos: 0,
    train_batch_size: 1,
    trial_name: null,
    trial_params: null,
    ...rest,
  };
}

/** The step a trainer_state.json object records (`global_step`; the pre-HF `step`), or null. */
export function stateStep(state: unknown): number | null {
  if (typeof state !== "object" || state === null) return null;
  const s = state as { global_step?: unknown; step?: unknown };
  if (typeof s.global_step === "number") return s.global_step;
  return typeof s.step === "number" ? s.step : null;
}
