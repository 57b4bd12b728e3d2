/**
 * The benchmark's workloads as engine experiments, and the MNIST-shaped data they train on:
 * random pixels written as IDX files, so the "diagnostics on" runs go through the engine's normal
 * loading path (the same as a user's MNIST run, including per-step batch upload: the training split
 * is larger than the engine's on-backend batch cache).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { NetworkExperiment, OptimizerName } from '../src/shared/experiment';

export interface Workload {
  id: string;
  /** Layer widths, input first (the PyTorch twin builds Linear+ReLU from these). */
  sizes: number[];
  optimizer: Extract<OptimizerName, 'adam' | 'momentum'>;
  batch: number;
  rows: number;
}

/** Rows of the MNIST-shaped split: > the engine's batch cache, and ≥ 96 steps per epoch at batch 256. */
const MNIST_ROWS = 24576;

export const WORKLOADS: Workload[] = [
  { id: 'mnist b64 momentum', sizes: [784, 128, 64, 10], optimizer: 'momentum', batch: 64, rows: MNIST_ROWS },
  { id: 'mnist b64 adam', sizes: [784, 128, 64, 10], optimizer: 'adam', batch: 64, rows: MNIST_ROWS },
  { id: 'mnist b256 momentum', sizes: [784, 128, 64, 10], optimizer: 'momentum', batch: 256, rows: MNIST_ROWS },
  { id: 'mnist b256 adam', sizes: [784, 128, 64, 10], optimizer: 'adam', batch: 256, rows: MNIST_ROWS },
  // 500 steps per epoch: enough for half a second of steps before the epoch's evaluation.
  { id: 'tiny 2-16-16-1 b32 adam', sizes: [2, 16, 16, 1], optimizer: 'adam', batch: 32, rows: 16000 },
];

/** Steps in one epoch: trials stop before the epoch's evaluation so both loops time only steps. */
export function stepsPerEpoch(w: Workload): number {
  return Math.ceil(w.rows / w.batch);
}

/** Writes random MNIST-shaped IDX files once per process; returns their directory. */
let idxDir: string | undefined;
export function mnistIdxDir(): string {
  if (idxDir) return idxDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optdbg-bench-'));
  const n = MNIST_ROWS;
  const images = Buffer.alloc(16 + n * 784);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  for (let i = 16; i < images.length; i++) images[i] = rand();
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) labels[8 + i] = i % 10;
  fs.writeFileSync(path.join(dir, 'images-idx3-ubyte'), images);
  fs.writeFileSync(path.join(dir, 'labels-idx1-ubyte'), labels);
  idxDir = dir;
  return dir;
}

export function cleanUpData(): void {
  if (idxDir) fs.rmSync(idxDir, { recursive: true, force: true });
  idxDir = undefined;
}

/** The engine experiment for a workload: 20 epochs (so instruments run at their usual rates). */
export function experimentFor(w: Workload): NetworkExperiment {
  const mnist = w.sizes[0] === 784;
  return {
    kind: 'network',
    name: w.id,
    seed: 1,
    data: mnist
      ? { kind: 'idx', idx: { images: 'images-idx3-ubyte', labels: 'labels-idx1-ubyte' }, normalize: false, validation: 0 }
      : { kind: 'synthetic', synthetic: 'circles', samples: w.rows, noise: 0.1, validation: 0, normalize: false, classes: 2 },
    model: {
      layers: w.sizes.slice(1, -1).map((units) => ({ units, activation: 'relu' as const })),
      output: mnist ? 'softmax' : 'sigmoid',
      loss: 'crossentropy',
      init: { scheme: 'he', scale: 1, bias: 0 },
    },
    optimizer: {
      name: w.optimizer,
      learningRate: 1e-3,
      momentum: 0.9,
      beta1: 0.9,
      beta2: 0.999,
      rho: 0.99,
      epsilon: 1e-8,
      schedule: { name: 'constant', decay: 0, gamma: 1, every: 1, factor: 1 },
    },
    training: { epochs: 20, steps: 0, batchSize: w.batch, histogramEvery: 0 },
  };
}
