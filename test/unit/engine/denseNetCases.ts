/**
 * What the dense-net path tests share (fusedBlas, curvatureBlas, curvatureSmall): a learnable
 * dataset from a fixed random map, the nets the BLAS step is checked on, and the kernels to run
 * them with (the plain-JS reference always, the addon when it loads here).
 */
import type { NetworkExperiment } from '../../../src/shared/experiment';
import { prepareDataset, type Dataset } from '../../../src/engine/data/dataset';
import type { NativeKernels } from '../../../src/engine/native/kernels';
import { loadNativeKernels } from '../../../src/engine/native/load';
import { referenceKernels } from '../../../src/engine/native/reference';
import { Rng } from '../../../src/engine/random';
import { networkExp } from './fixtures';

const native = loadNativeKernels().kernels;
export const KERNELS: [string, NativeKernels][] = [['JS reference kernels', referenceKernels], ...(native ? [[`native ${native.library}`, native] as [string, NativeKernels]] : [])];

export type Kind = 'classes' | 'binary' | 'regression';

/** A regression target from a row, its five linear scores and the noise source. */
type Regression = (row: Float32Array, scores: number[], rng: Rng) => number;

/** `f` standard-normal features; targets from a fixed random linear map (learnable, not trivial). */
export function dataset(kind: Kind, f = 20, n = 320, regression: Regression = (_, s, rng) => 0.5 * s[0] + 0.1 * rng.normal()): Dataset {
  const rng = new Rng(11);
  const x = Float32Array.from({ length: n * f }, () => rng.normal());
  const w = Float32Array.from({ length: f * 5 }, () => rng.normal());
  const y = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const row = x.subarray(r * f, r * f + f);
    const s = [0, 1, 2, 3, 4].map((c) => row.reduce((a, v, j) => a + v * w[j * 5 + c], 0));
    y[r] = kind === 'classes' ? s.indexOf(Math.max(...s)) : kind === 'binary' ? Number(s[0] > 0) : regression(row, s, rng);
  }
  const classes = kind === 'classes' ? ['a', 'b', 'c', 'd', 'e'] : kind === 'binary' ? ['no', 'yes'] : undefined;
  const featureNames = Array.from({ length: f }, (_, j) => `x${j}`);
  return prepareDataset({ x, y, n, nFeatures: f, featureNames, classes }, new Rng(2), 0.2, false);
}

/**
 * Differences stay at float32 rounding (~1e-7 here) as long as no pre-activation lands within
 * rounding of a ReLU kink: there the two paths may take different slopes for one unit and row,
 * and Adam, which moves every coordinate by ~α whatever its gradient's size, turns that into a
 * visible difference (20-48 sigmoid-24 leakyRelu-1 on this data: a z of 5e-8 at step 5, then
 * 1e-2 on the weights of that unit). The nets below are chosen clear of that.
 */
export const BLAS_NETS: { title: string; kind: Kind; exp: NetworkExperiment }[] = [
  {
    title: '20-64-32-5 relu/tanh, softmax cross-entropy',
    kind: 'classes',
    exp: networkExp({ model: { layers: [{ units: 64, activation: 'relu' }, { units: 32, activation: 'tanh' }] }, training: { batchSize: 32 } }),
  },
  {
    title: '20-48-24-1 leakyRelu/sigmoid, sigmoid cross-entropy',
    kind: 'binary',
    exp: networkExp({
      model: { layers: [{ units: 48, activation: 'leakyRelu' }, { units: 24, activation: 'sigmoid' }], output: 'sigmoid', init: { scheme: 'glorot' } },
      training: { batchSize: 40 },
    }),
  },
  {
    title: '20-40-1 tanh, linear mse',
    kind: 'regression',
    exp: networkExp({ model: { layers: [{ units: 40, activation: 'tanh' }], output: 'linear', loss: 'mse', init: { scheme: 'glorot' } }, training: { batchSize: 64 } }),
  },
];
