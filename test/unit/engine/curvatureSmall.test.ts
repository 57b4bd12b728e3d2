/**
 * The curvature probe on a network that trains on the fused JS small-net step takes its gradients
 * from a FusedDenseNet of the problem's own (train/network.ts smallGradients, through
 * instruments/curvatureArrays.ts) instead of tfjs. The oracle is the tfjs probe on the same seed
 * and θ: the same estimates to float32 rounding (the tolerances of curvatureBlas.test.ts). The probe
 * must leave the step's state alone and see whatever another instrument assigned to the Variables.
 */
import * as assert from 'node:assert/strict';
import type { NetworkExperiment } from '../../../src/shared/experiment';
import { selectBackend } from '../../../src/engine/backend';
import { CurvatureProbe } from '../../../src/engine/instruments/curvature';
import { createOptimizer } from '../../../src/engine/optimizers';
import { Rng } from '../../../src/engine/random';
import { tf } from '../../../src/engine/tf';
import { networkProblem } from '../../../src/engine/train/network';
import { trainStep } from '../../../src/engine/train/step';
import { networkExp, optimizer } from './fixtures';
import { assertProbeReadsAssignedTheta, curvatureSeries, worst } from './curvatureCompare';
import { dataset, type Kind } from './denseNetCases';

/** The 2-feature regression learns a product (the tiny nets' usual kind of target). */
const product = (row: Float32Array, _: number[], rng: Rng) => row[0] * row[row.length - 1] + 0.1 * rng.normal();

const NETS: { title: string; kind: Kind; features: number; exp: NetworkExperiment }[] = [
  {
    title: '2-16-16-1 relu, linear mse (the bench tiny net)',
    kind: 'regression',
    features: 2,
    exp: networkExp({ model: { layers: [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }], output: 'linear', loss: 'mse' }, training: { batchSize: 32 } }),
  },
  {
    title: '10-16-8-5 tanh/leakyRelu, softmax cross-entropy',
    kind: 'classes',
    features: 10,
    exp: networkExp({ model: { layers: [{ units: 16, activation: 'tanh' }, { units: 8, activation: 'leakyRelu' }] }, training: { batchSize: 24 } }),
  },
  {
    title: '10-12-1 sigmoid, sigmoid cross-entropy',
    kind: 'binary',
    features: 10,
    exp: networkExp({ model: { layers: [{ units: 12, activation: 'sigmoid' }], output: 'sigmoid', init: { scheme: 'glorot' } }, training: { batchSize: 40 } }),
  },
  {
    title: '10-5 softmax regression (no hidden layer)',
    kind: 'classes',
    features: 10,
    exp: networkExp({ model: { layers: [] }, training: { batchSize: 64 } }),
  },
];

describe('engine: the curvature probe on the fused small-net step = the tfjs probe', function () {
  this.timeout(300000);
  after(() => selectBackend('cpu'));

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: λ_max, λ_min, gradient norm and loss on every net, three warm-started calls`, async () => {
      await selectBackend(backend, [], false);
      const fused = backend === 'wasm';
      for (const net of NETS) {
        const exp = { ...net.exp, optimizer: optimizer({ name: 'momentum', learningRate: 0.02 }) };
        const ds = dataset(net.kind, net.features, 320, product);
        const tensors = tf.memory().numTensors;
        const small = networkProblem(exp, ds, fused, 'always');
        const plain = networkProblem(exp, ds, fused, 'never');
        try {
          assert.equal(small.stepPath, 'js', `${net.title}: trains on the fused JS step`);
          assert.ok(small.arrayGradients, `${net.title}: the small-net problem has array gradients`);
          assert.equal(plain.arrayGradients, undefined, `${net.title}: the tfjs problem has none`);
          const a = curvatureSeries(small, exp);
          const b = curvatureSeries(plain, exp);
          a.forEach((r, i) => {
            const d = worst(r, b[i]);
            const at = `${net.title}, call ${i}`;
            assert.ok(d.lambda < 1e-4, `${at}: eigenvalues ${r.lambdaMax}/${r.lambdaMin} vs ${b[i].lambdaMax}/${b[i].lambdaMin}`);
            assert.ok(d.gradNorm < 1e-5 && d.loss < 1e-5, `${at}: gradient norm ${r.gradNorm} vs ${b[i].gradNorm}, loss ${r.loss} vs ${b[i].loss}`);
          });
          assert.ok(a[0].lambdaMax !== 0 && a[0].lambdaMax > a[0].lambdaMin, `${net.title}: a curvature to compare (${JSON.stringify(a[0])})`);
        } finally {
          small.dispose();
          plain.dispose();
        }
        assert.equal(tf.memory().numTensors, tensors, `${net.title}: no tensor leaked`);
      }
    });
  }

  it('the probe leaves the step alone and reads what another instrument assigned', async () => {
    await selectBackend('cpu', [], false);
    const net = NETS[0];
    const exp = { ...net.exp, optimizer: optimizer({ name: 'adam', learningRate: 0.01 }) };
    const ds = dataset(net.kind, net.features, 320, product);
    const run = (probeAt: Set<number>) => {
      const problem = networkProblem(exp, ds, false, 'always');
      const probe = new CurvatureProbe(problem, new Rng(5));
      const opt = createOptimizer(exp.optimizer);
      const losses: number[] = [];
      for (let k = 0; k < 20; k++) {
        // On batch 1, not the step's own batch 0.
        if (probeAt.has(k)) probe.measure(k, 1);
        losses.push(trainStep(problem, opt, { step: k, epoch: 0, lr: 0.01, update: true }).loss);
      }
      const final = problem.params.map((p) => p.dataSync().slice());
      return { problem, probe, opt, losses, final };
    };
    const tensors = tf.memory().numTensors;
    const quiet = run(new Set());
    const probed = run(new Set([0, 7, 13]));
    assert.deepEqual(probed.losses, quiet.losses, 'the same loss series, bit for bit');
    probed.final.forEach((p, i) => assert.deepEqual(p, quiet.final[i], `parameter ${i}: the same θ_T`));

    assertProbeReadsAssignedTheta(networkProblem(exp, ds, false, 'always'), probed.problem);
    for (const r of [quiet, probed]) {
      r.probe.dispose();
      r.opt.dispose();
      r.problem.dispose();
    }
    assert.equal(tf.memory().numTensors, tensors, 'no tensor leaked');
  });
});
