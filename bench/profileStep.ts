/**
 * Per-kernel profile of one training step (trainStep, statistics included) on the MNIST-shaped
 * MLP: kernels by total time over 20 steps. `npx tsx bench/profileStep.ts [wasm|cpu] [workload index]`.
 */
import { selectBackend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data/load';
import { createOptimizer } from '../src/engine/optimizers';
import { tf } from '../src/engine/tf';
import { networkProblem } from '../src/engine/train/network';
import { trainStep } from '../src/engine/train/step';
import { cleanUpData, experimentFor, mnistIdxDir, WORKLOADS } from './workloads';
import { fmt, table } from './stats';

async function main(): Promise<void> {
  // tfjs alone: with the native BLAS kernels the MNIST shapes take the BLAS step, which has no tfjs kernels to profile.
  const choice = await selectBackend((process.argv[2] ?? 'wasm') as 'wasm', [], false);
  const w = WORKLOADS[Number(process.argv[3] ?? 1)];
  const exp = experimentFor(w);
  const ds = loadDataset(exp.data, { seed: 1, baseDir: mnistIdxDir(), output: exp.model.output, warn: () => undefined });
  const problem = networkProblem(exp, ds, choice.name === 'wasm');
  const opt = createOptimizer(exp.optimizer);
  const STEPS = 20;
  for (let s = 0; s < 5; s++) trainStep(problem, opt, { step: s, epoch: 0, lr: 1e-3, update: true });
  const byKernel = new Map<string, { n: number; ms: number }>();
  let wall = 0;
  for (let s = 5; s < 5 + STEPS; s++) {
    const t0 = performance.now();
    const info = await tf.profile(() => {
      trainStep(problem, opt, { step: s, epoch: 0, lr: 1e-3, update: true });
    });
    wall += performance.now() - t0;
    for (const k of info.kernels) {
      const key = `${k.name} ${k.inputShapes.map((x) => `[${x}]`).join('')}`;
      const e = byKernel.get(key) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      byKernel.set(key, e);
    }
  }
  const rows = [['kernel (input shapes)', 'calls/step', 'ms/step']];
  const sorted = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  let total = 0;
  let calls = 0;
  for (const [k, e] of sorted) {
    total += e.ms;
    calls += e.n;
    rows.push([k.slice(0, 70), fmt(e.n / STEPS, 1), (e.ms / STEPS).toFixed(3)]);
  }
  console.log(`${choice.label}, ${w.id}: ${fmt(calls / STEPS, 1)} kernels/step, kernel time ${(total / STEPS).toFixed(2)} ms/step, wall ${(wall / STEPS).toFixed(2)} ms/step (profiling adds overhead)\n`);
  console.log(table(rows.slice(0, 30)));
  opt.dispose();
  problem.dispose();
  cleanUpData();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
