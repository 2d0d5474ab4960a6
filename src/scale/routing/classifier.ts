/**
 * A logistic-regression classifier over sparse prompt features, trained in plain TypeScript
 * (full-batch Adam on the log loss with L2): the light, task-agnostic scorer behind the
 * prompt-only router. One classifier predicts, for one policy, the probability that it answers a
 * prompt right. Deterministic: the same records give the same weights.
 */
import { featureDimension, featurize, type FeaturizerSpec, type SparseVector } from "./features.js";

/** Training options. */
export interface LogisticOptions {
  /** Passes over the data (default 400). */
  epochs?: number;
  /** Adam step size (default 0.05). */
  learningRate?: number;
  /** L2 penalty on the weights, not the bias (default 1e-2: less overfits the calibration set's noisy labels). */
  l2?: number;
}

/** A trained logistic regression: weights over the featurizer's dimensions and a bias. */
export interface LogisticModel {
  weights: number[];
  bias: number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** P(label = 1 | x). */
export function predictProbability(model: LogisticModel, x: SparseVector): number {
  let z = model.bias;
  for (let k = 0; k < x.index.length; k++) z += (model.weights[x.index[k]] ?? 0) * x.value[k];
  return sigmoid(z);
}

/**
 * Fit a logistic regression to (x, y) pairs. The bias starts at the labels' log-odds, so a
 * constant label (a policy that is always right) gives that constant without drifting.
 */
export function trainLogistic(xs: SparseVector[], ys: number[], dim: number, o: LogisticOptions = {}): LogisticModel {
  if (xs.length !== ys.length) throw new RangeError(`trainLogistic: ${xs.length} inputs but ${ys.length} labels`);
  if (xs.length === 0) throw new RangeError("trainLogistic: no training examples (collect routing records first)");
  const epochs = o.epochs ?? 400;
  const lr = o.learningRate ?? 0.05;
  const l2 = o.l2 ?? 1e-2;
  const n = xs.length;
  const mean = Math.min(1 - 1e-3, Math.max(1e-3, ys.reduce((a, y) => a + y, 0) / n));
  const w = new Float64Array(dim);
  let b = Math.log(mean / (1 - mean));
  const m = new Float64Array(dim + 1);
  const v = new Float64Array(dim + 1);
  const g = new Float64Array(dim + 1);
  const b1 = 0.9;
  const b2 = 0.999;
  for (let t = 1; t <= epochs; t++) {
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      let z = b;
      for (let k = 0; k < x.index.length; k++) z += w[x.index[k]] * x.value[k];
      const err = sigmoid(z) - ys[i];
      for (let k = 0; k < x.index.length; k++) g[x.index[k]] += (err * x.value[k]) / n;
      g[dim] += err / n;
    }
    for (let j = 0; j <= dim; j++) {
      const gj = j < dim ? g[j] + l2 * w[j] : g[j];
      if (gj === 0 && m[j] === 0) continue;
      m[j] = b1 * m[j] + (1 - b1) * gj;
      v[j] = b2 * v[j] + (1 - b2) * gj * gj;
      const step = (lr * (m[j] / (1 - b1 ** t))) / (Math.sqrt(v[j] / (1 - b2 ** t)) + 1e-8);
      if (j < dim) w[j] -= step;
      else b -= step;
    }
  }
  return { weights: Array.from(w, (x) => Math.round(x * 1e7) / 1e7), bias: Math.round(b * 1e7) / 1e7 };
}

/** Train one correctness classifier per policy from prompts and per-policy labels. */
export function trainCorrectnessModels(prompts: string[], correct: boolean[][], spec: FeaturizerSpec, o: LogisticOptions = {}): LogisticModel[] {
  const xs = prompts.map((p) => featurize(p, spec));
  const dim = featureDimension(spec);
  const options = correct[0]?.length ?? 0;
  return Array.from({ length: options }, (_, k) =>
    trainLogistic(
      xs,
      correct.map((c) => +c[k]),
      dim,
      o,
    ),
  );
}
