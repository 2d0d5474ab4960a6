/**
 * DAPO dynamic sampling as veRL does it (recipe/dapo's trainer with `algorithm.filter_groups`):
 * every rollout round draws a full generation batch of `ceil(prompts × oversample_factor)` prompts
 * (veRL's `data.gen_batch_size`; its DAPO script uses 3× the train batch), groups whose rewards are
 * all equal are dropped (they carry no advantage), and rounds continue until the kept groups fill
 * the batch, which is then cut to size; after `max_sampling_rounds` (veRL's `max_num_gen_batches`)
 * an unfilled batch is an error (veRL raises) or, with `underfilled_batch: warn`, trains on the
 * groups it has and says so. Without dynamic sampling one round of exactly the batch is drawn.
 *
 * The sampler is injected (`sampleRound`), so this is plain logic, testable without a model.
 */
import { ScratchpadError } from "../core/errors.js";
import { zeroStdGroup, type Sample } from "./rollout.js";

/** How the batch of groups is collected. */
export interface CollectOptions {
  /** Groups (prompts) the batch needs: batch_size / num_generations. */
  want: number;
  /** DAPO dynamic sampling on (else: one round of `want` prompts, every group kept). */
  dynamic: boolean;
  /** Prompts per round = ceil(want × this) (≥ 1) under dynamic sampling. */
  oversampleFactor: number;
  /** Rounds before giving up under dynamic sampling. */
  maxRounds: number;
}

/** The groups of one step, and what dynamic sampling did. */
export interface CollectedBatch {
  /** The groups trained on (at most `want`, in sampling order). */
  kept: Sample[][];
  /** Every sampled group (the rollout metrics describe these). */
  sampled: Sample[][];
  /** Rollout rounds drawn. */
  rounds: number;
  /** Groups dropped because their rewards were all equal. */
  dropped: number;
  /** Groups with varied rewards left over once the batch was full (sampled, not trained on). */
  surplus: number;
  /** Whether the batch is full (`kept.length === want`). */
  filled: boolean;
}

/** Dynamic sampling could not fill the batch within its rounds (`underfilled_batch: error`). */
export class DynamicSamplingError extends ScratchpadError {
  constructor(
    readonly step: number,
    readonly kept: number,
    readonly want: number,
    readonly rounds: number,
    readonly dropped: number,
  ) {
    super(
      "dynamic_sampling_underfilled",
      `step ${step}: dynamic sampling kept ${kept} of the ${want} groups the batch needs after ${rounds} rounds ` +
        `(${dropped} groups had all-equal rewards). Raise max_sampling_rounds or oversample_factor, set ` +
        "underfilled_batch to warn (train on the groups kept), or turn dynamic_sampling off.",
    );
  }
}

/** Prompts each round draws. */
export function promptsPerRound(o: CollectOptions): number {
  return o.dynamic ? Math.max(o.want, Math.ceil(o.want * o.oversampleFactor - 1e-9)) : o.want;
}

/**
 * Sample rounds until the batch is full or the rounds run out; `sampleRound(round, n)` draws `n`
 * prompts' groups for round `round` (deterministic in the round, so a resumed run draws the same).
 */
export async function collectGroups(o: CollectOptions, sampleRound: (round: number, n: number) => Promise<Sample[][]>): Promise<CollectedBatch> {
  const n = promptsPerRound(o);
  const rounds = o.dynamic ? o.maxRounds : 1;
  const kept: Sample[][] = [];
  const sampled: Sample[][] = [];
  let dropped = 0;
  let round = 0;
  while (kept.length < o.want && round < rounds) {
    const groups = await sampleRound(round, n);
    sampled.push(...groups);
    for (const g of groups) {
      if (o.dynamic && zeroStdGroup(g)) dropped++;
      else kept.push(g);
    }
    round++;
  }
  const surplus = Math.max(0, kept.length - o.want);
  const batch = kept.slice(0, o.want);
  return { kept: batch, sampled, rounds: round, dropped, surplus, filled: batch.length === o.want };
}
