/**
 * Evaluation defaults from a checkpoint: a model trained by `scratchpad train` / `start` (or
 * pretrained by `scratchpad pretrain`) records its task, prompt template and difficulty range in
 * `training_config.json`; `scratchpad eval --model DIR` evaluates on those unless flags say
 * otherwise, so the hardest row is the hardest level the model was trained on, not a default past it.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";

/** The task settings of an evaluation (CLI flag values; undefined = not given). */
export interface EvalTaskSettings {
  task?: string;
  /** Difficulty levels as the CLI writes them ("1-5", "1,3,5"). */
  difficulty?: string;
  template?: string;
}

/** What a checkpoint's training config says about its task (RL or pretraining keys). */
export interface CheckpointTask {
  task?: string;
  template?: string;
  /** "min-max" of the trained difficulty range. */
  difficulty?: string;
  /** The file it came from. */
  file: string;
}

const int = (x: unknown): number | undefined => (typeof x === "number" && Number.isInteger(x) && x > 0 ? x : undefined);
const str = (x: unknown): string | undefined => (typeof x === "string" && x !== "" ? x : undefined);

/**
 * The task, template and difficulty range recorded in `DIR/training_config.json`: an RL config's
 * `task`, `template`, `min_difficulty`–`max_difficulty`, or a pretraining config's `corpus.minDigits`–
 * `corpus.maxDigits`. Null when the folder has no readable training config.
 */
export async function checkpointTask(dir: string): Promise<CheckpointTask | null> {
  const file = path.join(dir, "training_config.json");
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const c = raw as Record<string, unknown>;
  const corpus = (typeof c.corpus === "object" && c.corpus !== null ? c.corpus : {}) as Record<string, unknown>;
  const lo = int(c.min_difficulty) ?? int(corpus.minDigits);
  const hi = int(c.max_difficulty) ?? int(corpus.maxDigits);
  return {
    task: str(c.task),
    template: str(c.template),
    difficulty: lo !== undefined && hi !== undefined && lo <= hi ? `${lo}-${hi}` : undefined,
    file,
  };
}

/**
 * Fill the settings the user did not give from the checkpoint at `model` (a local folder; pass
 * undefined for a model behind an endpoint). The difficulty range is taken only when the task is
 * the one the checkpoint was trained on. Returns the filled settings and a note naming what was
 * taken from where (null when nothing was).
 */
export async function evalDefaultsFromCheckpoint(
  model: string | undefined,
  given: EvalTaskSettings,
): Promise<{ settings: EvalTaskSettings; note: string | null }> {
  const ck = model === undefined ? null : await checkpointTask(model);
  if (!ck) return { settings: { ...given }, note: null };
  const settings: EvalTaskSettings = { ...given };
  const taken: string[] = [];
  if (settings.task === undefined && ck.task !== undefined) {
    settings.task = ck.task;
    taken.push(`task ${ck.task}`);
  }
  if (settings.template === undefined && ck.template !== undefined) {
    settings.template = ck.template;
    taken.push(`template ${ck.template}`);
  }
  const sameTask = ck.task !== undefined && settings.task === ck.task;
  if (settings.difficulty === undefined && sameTask && ck.difficulty !== undefined) {
    settings.difficulty = ck.difficulty;
    taken.push(`difficulty ${ck.difficulty}`);
  }
  return { settings, note: taken.length ? `${taken.join(", ")} from ${ck.file}` : null };
}
