/**
 * Where the fused JS step for small nets (engine/fused/) stops paying: trainStep with the fused
 * path on and off, and on the BLAS step when the native addon loads, interleaved, medians of 5
 * trials, on nets of growing width and batch size. Prints work = rows × multiply-adds per row
 * (forward and backward) beside the rates; the threshold FUSED_MAX_WORK in
 * src/engine/fused/step.ts comes from here (below it the JS step, above it BLAS, else tfjs).
 *   npx tsx bench/fusedThreshold.ts [wasm|cpu]
 */
import type { NetworkExperiment } from '../src/shared/experiment';
import { selectBackend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data/load';
import { FusedDenseNet } from '../src/engine/fused/denseNet';
import { useNativeKernels } from '../src/engine/native/kernels';
import { loadNativeKernels } from '../src/engine/native/load';
import { createOptimizer } from '../src/engine/optimizers';
import { networkProblem } from '../src/engine/train/network';
import { trainStep } from '../src/engine/train/step';
import { experimentFor, WORKLOADS } from './workloads';
import { fmt, median, table } from './stats';

const SHAPES: { sizes: number[]; batch: number }[] = [
  { sizes: [2, 16, 16, 1], batch: 32 },
  { sizes: [2, 16, 16, 1], batch: 128 },
  { sizes: [2, 32, 32, 1], batch: 32 },
  { sizes: [2, 32, 32, 1], batch: 64 },
  { sizes: [2, 48, 48, 3], batch: 64 },
  { sizes: [2, 64, 64, 1], batch: 32 },
  { sizes: [2, 64, 64, 1], batch: 128 },
  { sizes: [2, 128, 128, 1], batch: 64 },
];

function trial(exp: NetworkExperiment, ds: ReturnType<typeof loadDataset>, wasm: boolean, small: 'never' | 'always' | 'blas', ms: number): number {
  const problem = networkProblem(exp, ds, wasm, small);
  const opt = createOptimizer(exp.optimizer);
  try {
    let s = 0;
    const one = () => trainStep(problem, opt, { step: s++, epoch: 0, lr: 1e-3, update: true });
    for (let i = 0; i < 5; i++) one();
    const t0 = performance.now();
    let n = 0;
    while (n < 5 || performance.now() - t0 < ms) {
      one();
      n++;
    }
    return (n / (performance.now() - t0)) * 1000;
  } finally {
    opt.dispose();
    problem.dispose();
  }
}

async function main(): Promise<void> {
  const backend = (process.argv[2] ?? 'wasm') as 'wasm' | 'cpu';
  const choice = await selectBackend(backend, [], false);
  const kernels = loadNativeKernels().kernels;
  useNativeKernels(kernels);
  const rows = [['net', 'batch', 'work', 'tfjs steps/s', 'fused steps/s', 'fused / tfjs', 'BLAS steps/s', 'BLAS / fused']];
  for (const shape of SHAPES) {
    const exp = experimentFor({ ...WORKLOADS[4], sizes: shape.sizes, batch: shape.batch, rows: 4096 });
    const ds = loadDataset(exp.data, { seed: 1, baseDir: '.', output: exp.model.output, warn: () => undefined });
    const res = { tfjs: [] as number[], fused: [] as number[], blas: [] as number[] };
    for (let r = 0; r < 5; r++) {
      res.tfjs.push(trial(exp, ds, choice.name === 'wasm', 'never', 300));
      res.fused.push(trial(exp, ds, choice.name === 'wasm', 'always', 300));
      if (kernels) res.blas.push(trial(exp, ds, choice.name === 'wasm', 'blas', 300));
    }
    const layers = shape.sizes.slice(1).map((n, i) => ({ nIn: shape.sizes[i], nOut: n, activation: 'relu' as const }));
    const work = shape.batch * FusedDenseNet.flopsPerRow(layers);
    const [t, f, b] = [median(res.tfjs), median(res.fused), median(res.blas)];
    rows.push([shape.sizes.join('-'), String(shape.batch), work.toExponential(1), fmt(t), fmt(f), `${fmt(f / t, 2)}×`, fmt(b), kernels ? `${fmt(b / f, 2)}×` : '–']);
  }
  console.log(`${choice.label}${kernels ? ` (BLAS: ${kernels.library})` : ' (no native BLAS: no BLAS column)'}: trainStep (statistics included), fused small-net step on and off, medians of 5\n`);
  console.log(table(rows));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
