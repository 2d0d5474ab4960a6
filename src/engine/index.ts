/**
 * The embedded engine's public surface: a tiny Hugging Face-style Llama that trains and samples on
 * the CPU (config, model, training, sampling, tokenizer, checkpoints, kernels, benchmark).
 */
export { type ModelConfig, ConfigError, validateConfig, headDim, toHuggingFaceConfig } from "./config.js";
export { Model, ModelTensorError, parameterLayout, ropeTables, type TensorSpec, type NamedTensor } from "./model.js";
export { Trainer, packSequences, type TrainerOptions, type PackedBatch } from "./train.js";
export { Sampler, sample, sampleToken, SampleAbortedError, type SampleOptions, type SampleResult } from "./sampler.js";
export { AdamW, OptimizerError, gradNorm, type AdamWOptions, type AdamWState } from "./optim.js";
export { learningRate, ScheduleError, type LrSchedule } from "./schedule.js";
export { Tokenizer, TokenizerError, DEFAULT_ALPHABET, type TokenizerOptions } from "./tokenizer.js";
export {
  saveCheckpoint,
  loadCheckpoint,
  CheckpointError,
  defaultGenerationConfig,
  CHECKPOINT_FILES,
  type Checkpoint,
  type CheckpointContents,
  type GenerationConfig,
  type LoadCheckpointOptions,
} from "./checkpoint.js";
export { readSafetensors, writeSafetensors, SafetensorsError } from "./safetensors.js";
export { writeFileAtomic, saveFolderAtomic } from "../core/atomic.js";
export { getKernels, tsKernels, KernelsUnavailableError, type Kernels } from "./kernels/index.js";
export { loadNativeKernels, nativeLoadError, type NativeKernels } from "./kernels/native.js";
export { runBench, resolveBenchConfig, DEFAULT_BENCH_CONFIG, type BenchConfig, type BenchResult } from "./bench.js";
export { readGguf, parseGguf, GgufError, type GgufDtype } from "./gguf.js";
export { exportGguf, checkpointToGguf, type GgufExportOptions, type GgufExportResult } from "./gguf-export.js";
