/**
 * `pretrain()`: the base model of the main job. A tiny Llama (random init) learns the synthetic
 * addition corpus (src/pretrain/corpus.ts) by next-token prediction on the completions, with AdamW,
 * warmup and cosine decay; the result is a checkpoint folder in the Hugging Face layout.
 *
 * Deterministic in its options: the same command gives the same corpus, batches and initial
 * weights (the floating-point sums may differ between kernel implementations).
 */
import { validateConfig, type ModelConfig } from "../engine/config.js";
import { saveCheckpoint } from "../engine/checkpoint.js";
import { Model } from "../engine/model.js";
import { learningRate } from "../engine/schedule.js";
import { trainerState } from "../engine/trainer-state.js";
import { Tokenizer, DEFAULT_ALPHABET } from "../engine/tokenizer.js";
import { Trainer } from "../engine/train.js";
import type { TokenSequence } from "../types.js";
import { corpusDoc, DEFAULT_CORPUS, WAIT, type CorpusOptions } from "./corpus.js";
import { ScratchpadError } from "../core/errors.js";

/** The architecture of the shipped base model (Hugging Face LlamaConfig fields besides vocab_size). */
export const BASE_ARCHITECTURE = {
  hidden_size: 128,
  num_hidden_layers: 4,
  num_attention_heads: 4,
  num_key_value_heads: 4,
  intermediate_size: 384,
  max_position_embeddings: 128,
  rope_theta: 10000,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: false,
} as const;

/** Options of `pretrain`. */
export interface PretrainOptions {
  /** Output checkpoint folder. */
  out: string;
  /** Optimizer steps. */
  steps: number;
  /** Documents per step. */
  batchSize: number;
  /** Peak learning rate. */
  lr: number;
  /** Linear warmup steps. */
  warmupSteps: number;
  /** Seed of the initial weights and of the corpus. */
  seed: number;
  /** Architecture overrides (LlamaConfig fields). */
  architecture?: Partial<Omit<ModelConfig, "vocab_size">>;
  /** Corpus overrides. */
  corpus?: Partial<CorpusOptions>;
  /** Called every `logEvery` steps. */
  onLog?: (info: PretrainLog) => void;
  logEvery?: number;
  /** Also save the checkpoint every this many steps (default: only at the end). */
  saveEvery?: number;
}

/** A progress record of pretraining. */
export interface PretrainLog {
  step: number;
  steps: number;
  loss: number;
  lr: number;
  tokensPerSecond: number;
  elapsedSeconds: number;
}

/** What `pretrain` returns. */
export interface PretrainResult {
  dir: string;
  params: number;
  finalLoss: number;
  tokens: number;
  seconds: number;
}

/** The tokenizer of the main job: printable ASCII plus the role tokens and "wait" as one token. */
export function mainJobTokenizer(): Tokenizer {
  return Tokenizer.create({ alphabet: DEFAULT_ALPHABET, words: [WAIT] });
}

/** Default pretraining options (the shipped models/base). */
export const DEFAULT_PRETRAIN: Omit<PretrainOptions, "out"> = {
  steps: 10000,
  batchSize: 32,
  lr: 2e-3,
  warmupSteps: 100,
  seed: 0,
};

/** Pretrain a base model on the synthetic corpus and save it. */
export async function pretrain(opts: PretrainOptions): Promise<PretrainResult> {
  if (!Number.isInteger(opts.steps) || opts.steps < 1) throw new RangeError(`steps must be a whole number ≥ 1, got ${opts.steps}`);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new RangeError(`batch size must be a whole number ≥ 1, got ${opts.batchSize}`);
  const tok = mainJobTokenizer();
  const corpus: CorpusOptions = { ...DEFAULT_CORPUS, ...opts.corpus };
  const config = validateConfig({ ...BASE_ARCHITECTURE, ...opts.architecture, vocab_size: tok.size });
  const model = Model.init(config, opts.seed);
  const trainer = new Trainer(model, { padId: tok.padId, optimizer: { weightDecay: 0.01 } });
  const t0 = performance.now();
  let tokens = 0,
    lossAvg = NaN;
  const logEvery = opts.logEvery ?? 50;
  const save = (step: number) =>
    saveCheckpoint(opts.out, {
      model,
      tokenizer: tok,
      trainingConfig: {
        kind: "pretrain",
        steps: opts.steps,
        batch_size: opts.batchSize,
        lr: opts.lr,
        warmup_steps: opts.warmupSteps,
        seed: opts.seed,
        corpus,
        task: "addition",
        template: "compact",
      },
      // HF Trainer's trainer_state.json; log_history holds the last logged (smoothed) loss.
      trainerState: trainerState({
        global_step: step,
        max_steps: opts.steps,
        logging_steps: logEvery,
        save_steps: opts.saveEvery ?? opts.steps,
        train_batch_size: opts.batchSize,
        num_input_tokens_seen: tokens,
        log_history: [{ step, loss: lossAvg }],
      }),
      generationConfig: { temperature: 1.0, max_new_tokens: 96 },
    });
  for (let step = 0; step < opts.steps; step++) {
    const seqs: TokenSequence[] = [];
    for (let j = 0; j < opts.batchSize; j++) {
      const d = corpusDoc(opts.seed, step * opts.batchSize + j, corpus);
      const prompt = [tok.bosId, ...tok.encode(d.prompt)];
      const completion = [...tok.encode(d.completion), tok.eosId];
      if (prompt.length + completion.length > config.max_position_embeddings) {
        throw new RangeError(
          `a corpus document has ${prompt.length + completion.length} tokens but the context is ${config.max_position_embeddings}; raise max_position_embeddings or lower maxDigits`,
        );
      }
      seqs.push({ prompt, completion });
      tokens += prompt.length + completion.length;
    }
    const loss = trainer.crossEntropy(seqs);
    const lr = learningRate(step, { lr: opts.lr, warmupSteps: Math.min(opts.warmupSteps, opts.steps), totalSteps: opts.steps });
    trainer.step({ lr, maxGradNorm: 1 });
    lossAvg = Number.isNaN(lossAvg) ? loss : 0.95 * lossAvg + 0.05 * loss;
    if (!Number.isFinite(loss))
      throw new ScratchpadError("pretraining_diverged", `pretraining diverged at step ${step + 1} (loss ${loss}); lower the learning rate`);
    if (opts.onLog && ((step + 1) % logEvery === 0 || step === opts.steps - 1)) {
      const el = (performance.now() - t0) / 1000;
      opts.onLog({ step: step + 1, steps: opts.steps, loss: lossAvg, lr, tokensPerSecond: tokens / el, elapsedSeconds: el });
    }
    if (opts.saveEvery && (step + 1) % opts.saveEvery === 0 && step + 1 < opts.steps) await save(step + 1);
  }
  await save(opts.steps);
  return { dir: opts.out, params: model.numParams, finalLoss: lossAvg, tokens, seconds: (performance.now() - t0) / 1000 };
}
