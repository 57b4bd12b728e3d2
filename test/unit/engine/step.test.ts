/**
 * trainStep computes its statistics in JS from read-backs on the WASM and CPU backends and as tfjs
 * ops elsewhere: both must report the same record (float32 tolerance) and update alike.
 */
import * as assert from 'assert';
import type { StepRecord } from '../../../src/shared/protocol';
import { selectBackend } from '../../../src/engine/backend';
import { loadDataset } from '../../../src/engine/data/load';
import { createOptimizer } from '../../../src/engine/optimizers';
import { tf } from '../../../src/engine/tf';
import { networkProblem } from '../../../src/engine/train/network';
import { objectiveProblem } from '../../../src/engine/train/objective';
import type { Problem } from '../../../src/engine/train/problem';
import { trainStep, type StatsMode } from '../../../src/engine/train/step';
import { networkExp, objectiveExp } from './fixtures';

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1e-6, Math.abs(b));
}

function assertSameRecord(a: StepRecord, b: StepRecord, tol: number): void {
  const where = `step ${b.step}`;
  assert.ok(relDiff(a.loss, b.loss) <= tol, `${where}: loss ${a.loss} vs ${b.loss}`);
  assert.ok(relDiff(a.gradNorm, b.gradNorm) <= tol, `${where}: gradNorm ${a.gradNorm} vs ${b.gradNorm}`);
  assert.strictEqual(a.layerGradNorms.length, b.layerGradNorms.length);
  a.layerGradNorms.forEach((v, i) => assert.ok(relDiff(v, b.layerGradNorms[i]) <= tol, `${where}: layer ${i} norm ${v} vs ${b.layerGradNorms[i]}`));
  assert.strictEqual(a.updateRatios.length, b.updateRatios.length);
  a.updateRatios.forEach((v, i) => assert.ok(relDiff(v, b.updateRatios[i]) <= tol, `${where}: layer ${i} ratio ${v} vs ${b.updateRatios[i]}`));
  assert.strictEqual(a.avgLoss === undefined, b.avgLoss === undefined);
  if (a.avgLoss !== undefined && b.avgLoss !== undefined) assert.ok(relDiff(a.avgLoss, b.avgLoss) <= tol);
  assert.deepStrictEqual(a.point === undefined, b.point === undefined);
  a.point?.forEach((v, i) => assert.ok(relDiff(v, b.point?.[i] ?? NaN) <= tol, `${where}: point`));
}

/** The same run twice, statistics in JS and as tensors; the general path (no fused step). */
function both(make: () => Problem, optimizer: Parameters<typeof createOptimizer>[0], steps: number, lr: number, between?: (p: Problem, k: number) => void): void {
  const runs = (['js', 'tensor'] as StatsMode[]).map((mode) => {
    const problem = make();
    const general = Object.assign(Object.create(Object.getPrototypeOf(problem) as object) as Problem, problem, { fusedStep: undefined });
    const opt = createOptimizer(optimizer, problem.paramCount);
    const recs: StepRecord[] = [];
    let tensors = 0;
    for (let k = 0; k <= steps; k++) {
      between?.(general, k);
      recs.push(trainStep(general, opt, { step: k, epoch: 0, lr, update: k < steps }, mode));
      // Optimizer state appears on the first update; from then on nothing may accumulate.
      if (k === 0) tensors = tf.memory().numTensors;
      else assert.strictEqual(tf.memory().numTensors, tensors, `${mode}: tensor count flat at step ${k}`);
    }
    opt.dispose();
    problem.dispose();
    return recs;
  });
  runs[0].forEach((r, k) => assertSameRecord(r, runs[1][k], 1e-4));
  assert.ok(runs[0][steps].loss < runs[0][0].loss, 'the run makes progress');
}

describe('engine: trainStep statistics in JS = as tensors', function () {
  this.timeout(60000);
  after(() => selectBackend('cpu'));

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: a 2-16-16-3 MLP with momentum and with adam averaging, 30 steps`, async () => {
      const choice = await selectBackend(backend);
      const exp = networkExp({ training: { batchSize: 32 } });
      const ds = loadDataset(exp.data, { seed: 1, baseDir: process.cwd(), output: 'softmax', warn: () => undefined });
      both(() => networkProblem(exp, ds, choice.name === 'wasm'), { ...exp.optimizer, name: 'momentum', learningRate: 0.05 }, 30, 0.05);
      both(() => networkProblem(exp, ds, choice.name === 'wasm'), { ...exp.optimizer, averaging: { kind: 'polyak' } }, 30, 0.01);
      // Something else changing θ between steps (θ_t is then read again, not taken from the last update).
      const shake = (p: Problem, k: number) => {
        if (k % 7 === 3) tf.tidy(() => p.params[2].assign(tf.mul(p.params[2], 1.5)));
      };
      both(() => networkProblem(exp, ds, choice.name === 'wasm'), { ...exp.optimizer, name: 'momentum', learningRate: 0.05 }, 30, 0.05, shake);
    });

    it(`${backend}: an objective records the same points and norms`, async () => {
      await selectBackend(backend);
      const exp = objectiveExp({ function: 'rosenbrock' }, { name: 'adam', learningRate: 0.05 }, 40);
      both(() => objectiveProblem(exp), exp.optimizer, 40, 0.05);
    });
  }
});
