/**
 * In-memory datasets as row-major Float32Arrays. Batches are `subarray` views of a dataset that
 * was shuffled once at load time (the lecture's "shuffle once, then sequential minibatches"),
 * which is both what the lecture teaches and much cheaper than slicing a big tensor on WASM.
 */
import type { Rng } from '../random';

/** Raw examples as a loader produces them, before shuffling and splitting. */
export interface RawData {
  /** Row-major [n, nFeatures]. */
  x: Float32Array;
  /** Classification: class index per row; regression: target value per row. */
  y: Float32Array;
  n: number;
  nFeatures: number;
  featureNames: string[];
  /** Present for classification: class names, index = label. */
  classes?: string[];
}

export interface Dataset {
  xTrain: Float32Array;
  /** Class index (classification) or target value (regression), one per row. */
  yTrain: Float32Array;
  xVal: Float32Array;
  yVal: Float32Array;
  nTrain: number;
  nVal: number;
  nFeatures: number;
  /** Output units a model needs: number of classes, or 1 for regression. */
  nOutputs: number;
  classes?: string[];
  featureNames: string[];
  /** Training-split statistics used to standardize, when `normalize` was set. */
  normalization?: { mean: Float32Array; std: Float32Array };
  /** Training-split feature statistics before any normalization (std 0 for constant features). */
  rawStats: { mean: Float32Array; std: Float32Array };
}

/**
 * Shuffle once (deterministically), then the last `validation` fraction becomes the validation
 * split, then optionally standardize both splits with the training split's statistics.
 */
export function prepareDataset(raw: RawData, rng: Rng, validation: number, normalize: boolean): Dataset {
  const { n, nFeatures: f } = raw;
  const perm = rng.permutation(n);
  const x = new Float32Array(n * f);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const src = perm[i];
    x.set(raw.x.subarray(src * f, src * f + f), i * f);
    y[i] = raw.y[src];
  }
  let nVal = Math.round(n * Math.min(Math.max(validation, 0), 1));
  // Never leave training empty: a run needs at least one training row.
  if (nVal >= n) nVal = n - 1;
  const nTrain = n - nVal;
  const ds: Dataset = {
    xTrain: x.subarray(0, nTrain * f),
    yTrain: y.subarray(0, nTrain),
    xVal: x.subarray(nTrain * f),
    yVal: y.subarray(nTrain),
    nTrain,
    nVal,
    nFeatures: f,
    nOutputs: raw.classes ? raw.classes.length : 1,
    classes: raw.classes,
    featureNames: raw.featureNames,
    rawStats: featureStats(x.subarray(0, nTrain * f), nTrain, f),
  };
  if (normalize) ds.normalization = standardize(ds);
  return ds;
}

/** Per-feature mean and (population) standard deviation of row-major [n, f] data. */
export function featureStats(xs: Float32Array, n: number, f: number): { mean: Float32Array; std: Float32Array } {
  const mean = new Float64Array(f);
  const sq = new Float64Array(f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j] += xs[i * f + j];
  for (let j = 0; j < f; j++) mean[j] /= Math.max(n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      const d = xs[i * f + j] - mean[j];
      sq[j] += d * d;
    }
  }
  return { mean: Float32Array.from(mean), std: Float32Array.from(sq, (v) => Math.sqrt(v / Math.max(n, 1))) };
}

/** In place: (x - mean) / std per feature, statistics from the training split only. */
function standardize(ds: Dataset): { mean: Float32Array; std: Float32Array } {
  const f = ds.nFeatures;
  const mean = ds.rawStats.mean;
  // Constant features (e.g. always-black MNIST border pixels) keep std 1: centring only.
  const std = Float32Array.from(ds.rawStats.std, (sd) => (sd > 1e-8 ? sd : 1));
  for (const xs of [ds.xTrain, ds.xVal]) {
    for (let i = 0; i < xs.length; i++) {
      const j = i % f;
      xs[i] = (xs[i] - mean[j]) / std[j];
    }
  }
  return { mean: Float32Array.from(mean), std };
}
