/**
 * Small nets' activation histograms come from the fused JS net's own forward pass (FusedDenseNet.trace)
 * instead of a tfjs trace: the records must be probeHistograms' on the same θ and probe rows.
 */
import * as assert from 'assert';
import type { Activation, NetworkExperiment } from '../../../src/shared/experiment';
import type { HistogramRecord } from '../../../src/shared/protocol';
import { selectBackend } from '../../../src/engine/backend';
import { loadDataset } from '../../../src/engine/data/load';
import { FusedDenseNet } from '../../../src/engine/fused/denseNet';
import { PROBE_ROWS, probeHistograms } from '../../../src/engine/instruments/probe';
import { Mlp } from '../../../src/engine/model/mlp';
import { createOptimizer } from '../../../src/engine/optimizers';
import { Rng } from '../../../src/engine/random';
import { tf } from '../../../src/engine/tf';
import { networkProblem, type NetworkProblem } from '../../../src/engine/train/network';
import { trainStep } from '../../../src/engine/train/step';
import { networkExp } from './fixtures';

/** probeHistograms on a tfjs Mlp holding the problem's θ, on the first ≤ PROBE_ROWS training rows. */
function tfjsRecords(exp: NetworkExperiment, problem: NetworkProblem, x: Float32Array, nIn: number, step: number): HistogramRecord[] {
  const params = problem.params;
  const model = new Mlp(exp.model, nIn, params[params.length - 1].shape[0], new Rng(1));
  model.params.forEach((p, i) => p.assign(params[i]));
  const rows = Math.min(PROBE_ROWS, x.length / nIn);
  const probe = tf.tensor2d(x.subarray(0, rows * nIn), [rows, nIn]);
  try {
    return probeHistograms(model, probe, step);
  } finally {
    probe.dispose();
    model.dispose();
  }
}

function assertSameRecords(got: HistogramRecord[], want: HistogramRecord[], exact: boolean, what: string): void {
  assert.strictEqual(got.length, want.length, `${what}: one record per hidden layer`);
  if (exact) {
    // The CPU backend rounds as the fused loops do: the same numbers to the bit.
    assert.deepStrictEqual(got, want, what);
    return;
  }
  got.forEach((g, i) => {
    const w = want[i];
    const where = `${what}, layer ${i}`;
    assert.deepStrictEqual([g.step, g.layer], [w.step, w.layer], where);
    for (const k of ['pre', 'act'] as const) {
      // XNNPACK sums in float32 and has its own tanh/sigmoid: values move by float32 rounding,
      // which can carry a value at a bin edge into the next bin.
      const moved = g[k].counts.reduce((s, c, j) => s + Math.abs(c - w[k].counts[j]), 0);
      assert.ok(moved <= 4, `${where}: ${k} counts moved by ${moved}`);
      assert.strictEqual(g[k].counts.reduce((a, b) => a + b, 0), w[k].counts.reduce((a, b) => a + b, 0), `${where}: ${k} total`);
      for (const e of ['min', 'max'] as const) {
        assert.ok(Math.abs(g[k][e] - w[k][e]) <= 1e-5 * Math.max(1, Math.abs(w[k][e])), `${where}: ${k}.${e} ${g[k][e]} vs ${w[k][e]}`);
      }
    }
    assert.deepStrictEqual([g.deadFraction, g.saturatedFraction], [w.deadFraction, w.saturatedFraction], `${where}: unit health`);
  });
}

describe('engine: small-net histograms from the fused JS forward pass', function () {
  this.timeout(60000);
  after(() => selectBackend('cpu'));

  const nets: { title: string; layers: Activation[]; samples: number }[] = [
    { title: '2-16-16-3 relu', layers: ['relu', 'relu'], samples: 600 },
    { title: '2-12-8-3 tanh/sigmoid', layers: ['tanh', 'sigmoid'], samples: 600 },
    { title: '2-10-3 sigmoid, fewer rows than the probe', layers: ['sigmoid'], samples: 150 },
    { title: '2-8-8-3 leakyRelu/tanh', layers: ['leakyRelu', 'tanh'], samples: 600 },
  ];
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const net of nets) {
      it(`${backend}: ${net.title}, before and after training = probeHistograms on the same θ`, async () => {
        await selectBackend(backend);
        const units = [16, 12, 8];
        // A big learning rate so that units saturate or die and the histograms move.
        const exp = networkExp({
          data: { samples: net.samples },
          model: { layers: net.layers.map((activation, i) => ({ units: units[i], activation })) },
          optimizer: { name: 'adam', learningRate: 0.05 },
        });
        const ds = loadDataset(exp.data, { seed: 1, baseDir: process.cwd(), output: exp.model.output, warn: () => undefined });
        const tensors = tf.memory().numTensors;
        const problem = networkProblem(exp, ds, backend === 'wasm');
        const opt = createOptimizer(exp.optimizer, problem.paramCount);
        try {
          assert.strictEqual(problem.stepPath, 'js', 'the small net takes the fused JS step');
          let step = 0;
          for (const steps of [0, 40, 160]) {
            for (let k = 0; k < steps; k++, step++) trainStep(problem, opt, { step, epoch: 0, lr: exp.optimizer.learningRate, update: true });
            const got = problem.histograms!(step);
            const want = tfjsRecords(exp, problem, ds.xTrain, ds.nFeatures, step);
            assertSameRecords(got, want, backend === 'cpu', `after ${step} steps`);
            // A second call reads the same θ into reused buffers: the same records.
            assert.deepStrictEqual(problem.histograms!(step), got, `after ${step} steps, called again`);
          }
        } finally {
          opt.dispose();
          problem.dispose();
        }
        assert.strictEqual(tf.memory().numTensors, tensors, 'no tensor leaked, and no probe tensor kept');
      });
    }
  }

  it('FusedDenseNet.trace: hidden layers only, any row count, buffers kept between calls', () => {
    const layers = [
      { nIn: 3, nOut: 4, activation: 'relu' as const },
      { nIn: 4, nOut: 2, activation: 'linear' as const },
    ];
    const net = new FusedDenseNet(layers, 'mse', 2);
    const rng = new Rng(5);
    const params = layers.flatMap((l) => [Float32Array.from({ length: l.nIn * l.nOut }, () => rng.normal()), Float32Array.from({ length: l.nOut }, () => rng.normal())]);
    const x = Float32Array.from({ length: 3 * 10 }, () => rng.normal());
    const t = net.trace(params, x, 10);
    assert.strictEqual(t.pre.length, 1);
    assert.strictEqual(t.pre[0].length, 40);
    for (let r = 0; r < 10; r++) {
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += x[r * 3 + k] * params[0][k * 4 + j];
        const z = Math.fround(Math.fround(s) + params[1][j]);
        assert.strictEqual(t.pre[0][r * 4 + j], z);
        assert.strictEqual(t.act[0][r * 4 + j], Math.max(z, 0));
      }
    }
    const again = net.trace(params, x, 6);
    assert.strictEqual(again.pre[0].buffer, t.pre[0].buffer, 'fewer rows: the same buffers');
    assert.strictEqual(again.pre[0].length, 24);
    assert.deepStrictEqual(Array.from(again.act[0]), Array.from(t.act[0].subarray(0, 24)));
  });
});
