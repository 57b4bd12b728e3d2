/**
 * The benchmark's workloads as engine experiments, and the MNIST-shaped data they train on:
 * learnable digit-like images (mnistLikeRows) written as IDX files, which PyTorch reads too, so
 * the "diagnostics on" runs go through the engine's normal loading path (the same as a user's
 * MNIST run, including per-step batch upload: the training split is larger than the engine's
 * on-backend batch cache).
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
export const IMAGES = 'images-idx3-ubyte';
export const LABELS = 'labels-idx1-ubyte';

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

/** Seeded uniform [0, 1) (mulberry32): the data is the same in every process and in PyTorch's. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SIDE = 28;
const PROTOTYPES_PER_CLASS = 10;

/**
 * A digit-like prototype: a few pen strokes (random walks with a soft round nib) in the central
 * 20×20, the border left at 0 as in MNIST, so some inputs never fire and their weights get no gradient.
 */
function prototype(rand: () => number): Float32Array {
  const img = new Float32Array(SIDE * SIDE);
  const strokes = 2 + Math.floor(rand() * 3);
  for (let k = 0; k < strokes; k++) {
    let x = 6 + rand() * 16;
    let y = 6 + rand() * 16;
    let dir = rand() * 2 * Math.PI;
    const len = 8 + Math.floor(rand() * 10);
    for (let j = 0; j < len; j++) {
      for (let py = Math.floor(y) - 2; py <= Math.floor(y) + 2; py++) {
        for (let px = Math.floor(x) - 2; px <= Math.floor(x) + 2; px++) {
          if (px < 0 || py < 0 || px >= SIDE || py >= SIDE) continue;
          const ink = Math.max(0, 1 - Math.hypot(px - x, py - y) / 2);
          img[py * SIDE + px] = Math.max(img[py * SIDE + px], ink);
        }
      }
      dir += (rand() - 0.5) * 1.2;
      x = Math.min(23, Math.max(4, x + Math.cos(dir)));
      y = Math.min(23, Math.max(4, y + Math.sin(dir)));
    }
  }
  return img;
}

/**
 * MNIST-shaped rows that can be learned: per class ten fixed prototypes; a row is one of its
 * class's prototypes shifted by up to ±3 pixels, its ink scaled by 0.6–1.0 and jittered per pixel
 * (σ = 0.2 of full scale), as 0–255 bytes; classes drawn at random per row. Background stays 0.
 */
export function mnistLikeRows(n: number, seed = 12345): { pixels: Uint8Array; labels: Uint8Array } {
  const rand = uniform(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const protos = Array.from({ length: 10 * PROTOTYPES_PER_CLASS }, () => prototype(rand));
  const pixels = new Uint8Array(n * SIDE * SIDE);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rand() * 10);
    labels[i] = c;
    const p = protos[c * PROTOTYPES_PER_CLASS + Math.floor(rand() * PROTOTYPES_PER_CLASS)];
    const dx = Math.floor(rand() * 7) - 3;
    const dy = Math.floor(rand() * 7) - 3;
    const gain = 0.6 + 0.4 * rand();
    const row = pixels.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE);
    for (let y = 0; y < SIDE; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= SIDE) continue;
      for (let x = 0; x < SIDE; x++) {
        const sx = x - dx;
        if (sx < 0 || sx >= SIDE) continue;
        const ink = p[sy * SIDE + sx];
        if (ink === 0) continue;
        row[y * SIDE + x] = Math.round(255 * Math.min(1, Math.max(0, ink * gain + 0.2 * gauss())));
      }
    }
  }
  return { pixels, labels };
}

/** Writes the MNIST-like IDX files (mnistLikeRows) once per process; returns their directory. */
let idxDir: string | undefined;
export function mnistIdxDir(): string {
  if (idxDir) return idxDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optdbg-bench-'));
  const n = MNIST_ROWS;
  const { pixels, labels } = mnistLikeRows(n);
  const images = Buffer.alloc(16 + pixels.length);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(SIDE, 8);
  images.writeUInt32BE(SIDE, 12);
  images.set(pixels, 16);
  const labelFile = Buffer.alloc(8 + n);
  labelFile.writeUInt32BE(0x801, 0);
  labelFile.writeUInt32BE(n, 4);
  labelFile.set(labels, 8);
  fs.writeFileSync(path.join(dir, IMAGES), images);
  fs.writeFileSync(path.join(dir, LABELS), labelFile);
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
      ? { kind: 'idx', idx: { images: IMAGES, labels: LABELS }, normalize: false, validation: 0 }
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
