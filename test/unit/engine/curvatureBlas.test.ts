/**
 * The curvature probe on a network that trains on the native BLAS step takes its gradients and
 * Hessian-vector products from the BLAS net (train/problem.ts ArrayGradients,
 * instruments/curvatureArrays.ts, fused/blasNet.ts BlasCentralDifferences) instead of tfjs. The
 * oracle is the tfjs probe on the same seed and θ: the same estimates to float32 rounding, on the
 * plain-JS reference kernels and on the addon when it loads here. The probe must also leave the
 * BLAS step's θ alone and see whatever another instrument assigned to the Variables.
 */
import * as assert from 'node:assert/strict';
import type { NetworkExperiment } from '../../../src/shared/experiment';
import type { CurvatureRecord } from '../../../src/shared/protocol';
import { selectBackend } from '../../../src/engine/backend';
import type { Dataset } from '../../../src/engine/data/dataset';
import { BlasCentralDifferences, BlasDenseNet } from '../../../src/engine/fused/blasNet';
import { headKind, type FusedLayer } from '../../../src/engine/fused/denseNet';
import { CurvatureProbe } from '../../../src/engine/instruments/curvature';
import { nativeKernels, useNativeKernels, type NativeKernels } from '../../../src/engine/native/kernels';
import { referenceKernels } from '../../../src/engine/native/reference';
import { createOptimizer } from '../../../src/engine/optimizers';
import { Rng } from '../../../src/engine/random';
import { tf } from '../../../src/engine/tf';
import { networkProblem, type NetworkProblem, type SmallNetPath } from '../../../src/engine/train/network';
import type { ArrayGradients } from '../../../src/engine/train/problem';
import { trainStep } from '../../../src/engine/train/step';
import { networkExp, optimizer } from './fixtures';
import { assertProbeReadsAssignedTheta, curvatureSeries, worst } from './curvatureCompare';
import { BLAS_NETS, dataset, KERNELS } from './denseNetCases';

const NETS: typeof BLAS_NETS = [
  ...BLAS_NETS,
  {
    title: '20-5 softmax regression (no hidden layer)',
    kind: 'classes',
    exp: networkExp({ model: { layers: [] }, training: { batchSize: 64 } }),
  },
];

/** `kernels` current while the problem is built ('blas' needs them, 'never' ignores them). */
function problemFor(exp: NetworkExperiment, ds: Dataset, path: SmallNetPath, kernels: NativeKernels | undefined): NetworkProblem {
  useNativeKernels(kernels);
  try {
    return networkProblem(exp, ds, false, path);
  } finally {
    useNativeKernels(undefined);
  }
}

describe('engine: the curvature probe on the BLAS net = the tfjs probe', function () {
  this.timeout(300000);
  let before: NativeKernels | undefined;
  beforeEach(() => (before = nativeKernels()));
  afterEach(() => useNativeKernels(before));
  after(() => selectBackend('cpu'));

  for (const [kName, kernels] of KERNELS) {
    for (const backend of kernels === referenceKernels ? (['cpu'] as const) : (['cpu', 'wasm'] as const)) {
      it(`${kName}, ${backend}: λ_max, λ_min, gradient norm and loss on every net, three warm-started calls`, async () => {
        await selectBackend(backend, [], false);
        for (const net of NETS) {
          const exp = { ...net.exp, optimizer: optimizer({ name: 'momentum', learningRate: 0.02 }) };
          const ds = dataset(net.kind);
          const tensors = tf.memory().numTensors;
          const blas = problemFor(exp, ds, 'blas', kernels);
          const plain = problemFor(exp, ds, 'never', undefined);
          try {
            assert.ok(blas.arrayGradients?.centralDifferences, `${net.title}: the BLAS problem has array gradients`);
            assert.equal(plain.arrayGradients, undefined, `${net.title}: the tfjs problem has none`);
            const a = curvatureSeries(blas, exp);
            const b = curvatureSeries(plain, exp);
            a.forEach((r, i) => {
              const d = worst(r, b[i]);
              const at = `${net.title}, call ${i}`;
              assert.ok(d.lambda < 1e-4, `${at}: eigenvalues ${r.lambdaMax}/${r.lambdaMin} vs ${b[i].lambdaMax}/${b[i].lambdaMin}`);
              assert.ok(d.gradNorm < 1e-5 && d.loss < 1e-5, `${at}: gradient norm ${r.gradNorm} vs ${b[i].gradNorm}, loss ${r.loss} vs ${b[i].loss}`);
            });
            assert.ok(a[0].lambdaMax > 0 && a[0].lambdaMax > a[0].lambdaMin, `${net.title}: a curvature to compare`);
          } finally {
            blas.dispose();
            plain.dispose();
          }
          assert.equal(tf.memory().numTensors, tensors, `${net.title}: no tensor leaked`);
        }
      });
    }

    it(`${kName}: a BLAS central difference = the difference of two BLAS gradients`, () => {
      for (const net of NETS) {
        const head = headKind(net.exp.model.output, net.exp.model.loss);
        assert.ok(head);
        const sizes = [20, ...net.exp.model.layers.map((l) => l.units), net.kind === 'classes' ? 5 : 1];
        const layers: FusedLayer[] = sizes.slice(1).map((nOut, i) => ({ nIn: sizes[i], nOut, activation: i < net.exp.model.layers.length ? net.exp.model.layers[i].activation : 'linear' }));
        const rng = new Rng(3);
        const random = (n: number, s: number) => Float32Array.from({ length: n }, () => s * rng.normal());
        const theta = layers.flatMap((l) => [random(l.nIn * l.nOut, 1 / Math.sqrt(l.nIn)), random(l.nOut, 0.1)]);
        const v = theta.map((t) => random(t.length, 1));
        const rows = 48;
        const x = random(rows * 20, 1);
        const units = sizes[sizes.length - 1];
        const y = Float32Array.from({ length: rows * units }, (_, i) => (head === 'mse' ? rng.normal() : head === 'softmaxCrossEntropy' ? Number(i % units === Math.floor(i / units) % units) : Number(rng.normal() > 0)));
        const eps = 1e-3 * Math.sqrt(theta.reduce((s, t) => s + t.reduce((a, b) => a + b * b, 0), 0));
        const grads = (sign: number) => {
          const g = theta.map((t) => new Float32Array(t.length));
          BlasDenseNet.standalone(layers, head, rows, kernels).lossAndGradsInto(theta.map((t, p) => t.map((w, j) => w + sign * eps * v[p][j])), x, y, rows, g);
          return g;
        };
        const up = grads(1);
        const down = grads(-1);
        const d = new BlasCentralDifferences(layers, head, rows, kernels);
        d.prepare(theta, x, y, rows);
        const out = theta.map((t) => new Float32Array(t.length).fill(NaN));
        d.product(v, eps, out);
        out.forEach((o, p) => {
          let diff = 0;
          let norm = 0;
          for (let j = 0; j < o.length; j++) {
            const want = (up[p][j] - down[p][j]) / (2 * eps);
            diff += (o[j] - want) ** 2;
            norm += want ** 2;
          }
          assert.ok(Math.sqrt(diff) <= 2e-4 * Math.sqrt(norm) + 1e-6, `${net.title}, parameter ${p}: ${Math.sqrt(diff)} off a norm of ${Math.sqrt(norm)}`);
        });
      }
    });
  }

  it('the probe leaves the BLAS step alone and reads what another instrument assigned', async () => {
    await selectBackend('cpu', [], false);
    const exp = { ...NETS[0].exp, optimizer: optimizer({ name: 'adam', learningRate: 0.01 }) };
    const ds = dataset('classes');
    const run = (probeAt: Set<number>, withProducts = true) => {
      const problem = problemFor(exp, ds, 'blas', referenceKernels);
      const fast = problem.arrayGradients;
      assert.ok(fast);
      // The same problem, its Hessian-vector products taken as two gradients by the probe itself.
      const source = withProducts ? problem : Object.assign(Object.create(problem) as NetworkProblem, { arrayGradients: { theta: fast.theta, gradientAt: fast.gradientAt } satisfies ArrayGradients });
      const probe = new CurvatureProbe(source, new Rng(5));
      const opt = createOptimizer(exp.optimizer);
      const losses: number[] = [];
      const records: CurvatureRecord[] = [];
      for (let k = 0; k < 20; k++) {
        if (probeAt.has(k)) records.push(probe.measure(k, 0));
        losses.push(trainStep(problem, opt, { step: k, epoch: 0, lr: 0.01, update: true }).loss);
      }
      const final = problem.params.map((p) => p.dataSync().slice());
      return { problem, probe, opt, losses, records, final };
    };
    const tensors = tf.memory().numTensors;
    const quiet = run(new Set());
    const probed = run(new Set([0, 7, 13]));
    assert.deepEqual(probed.losses, quiet.losses, 'the same loss series, bit for bit');
    probed.final.forEach((p, i) => assert.deepEqual(p, quiet.final[i], `parameter ${i}: the same θ_T`));

    const twoGradients = run(new Set([0, 7, 13]), false);
    twoGradients.records.forEach((r, i) => assert.ok(worst(r, probed.records[i]).lambda < 1e-4, `call ${i}: products from two gradients agree`));

    assertProbeReadsAssignedTheta(problemFor(exp, ds, 'blas', referenceKernels), probed.problem);
    for (const r of [quiet, probed, twoGradients]) {
      r.probe.dispose();
      r.opt.dispose();
      r.problem.dispose();
    }
    assert.equal(tf.memory().numTensors, tensors, 'no tensor leaked');
  });
});
