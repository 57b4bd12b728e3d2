import * as assert from 'assert';
import { tf } from '../../../src/engine/tf';
import { collect, networkExp } from './fixtures';

function ratio(a: number, b: number): number {
  return a / b;
}

describe('engine: network training', function () {
  this.timeout(120000);

  it('a healthy spiral MLP (2-16-16-3 relu, adam 0.01, 600 samples) halves its loss', async () => {
    const r = await collect(networkExp({ training: { epochs: 20, batchSize: 32 } }));
    assert.strictEqual(r.summary.reason, 'completed');
    assert.deepStrictEqual(r.info?.layers, ['dense1 (16, relu)', 'dense2 (16, relu)', 'dense3 (3, softmax)']);
    assert.strictEqual(r.info?.paramCount, 2 * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3);
    assert.strictEqual(r.info?.totalSteps, 20 * Math.ceil(480 / 32));
    assert.strictEqual(r.summary.steps, 300);
    const first = r.epochs[0].trainLoss;
    assert.ok(r.epochs.length === 20, `one evaluation per epoch, got ${r.epochs.length}`);
    const initial = r.steps[0].loss;
    const final = r.summary.final.trainLoss ?? NaN;
    assert.ok(final < 0.5 * initial, `final ${final} vs initial ${initial}`);
    assert.ok(final < first);
    assert.ok((r.summary.final.accuracy ?? 0) > 0.8, `accuracy ${r.summary.final.accuracy}`);
    assert.ok(r.summary.final.valLoss !== null);
    // Per-layer instruments are present and sane.
    const s = r.steps[10];
    assert.strictEqual(s.layerGradNorms.length, 3);
    assert.strictEqual(s.updateRatios.length, 3);
    const global = Math.hypot(...s.layerGradNorms);
    assert.ok(Math.abs(global - s.gradNorm) < 1e-4 * s.gradNorm);
    assert.ok(s.updateRatios.every((u) => u > 0 && u < 1));
    assert.deepStrictEqual(r.steps[r.steps.length - 1].updateRatios, [], 'the final record has no update');
    assert.strictEqual(r.steps[r.steps.length - 1].step, 300);
  });

  it('histograms cover every hidden layer on the probe batch, about 50 per run', async () => {
    const r = await collect(networkExp({ training: { epochs: 20, batchSize: 32 } }));
    const steps = [...new Set(r.histograms.map((h) => h.step))];
    assert.ok(steps.length >= 48 && steps.length <= 53, `${steps.length} histogram steps`);
    assert.strictEqual(steps[0], 0);
    assert.strictEqual(steps[steps.length - 1], 300);
    for (const h of r.histograms.slice(0, 2)) {
      assert.strictEqual(h.pre.counts.length, 30);
      const total = h.pre.counts.reduce((a, b) => a + b, 0);
      assert.strictEqual(total, 256 * 16, 'probe batch: 256 rows × 16 units');
      assert.ok(h.act.min >= 0, 'relu activations are non-negative');
    }
  });

  it('dead ReLUs (very negative bias) and saturated sigmoids are measured', async () => {
    const dead = await collect(
      networkExp({ model: { init: { scheme: 'he', scale: 1, bias: -10 } }, training: { epochs: 1, histogramEvery: 5 } }),
    );
    assert.ok(dead.histograms.filter((h) => h.step === 0).every((h) => h.deadFraction === 1));
    const sat = await collect(
      networkExp({
        model: { layers: [{ units: 8, activation: 'sigmoid' }], init: { scheme: 'he', scale: 1, bias: 10 } },
        training: { epochs: 1 },
      }),
    );
    const h0 = sat.histograms.find((h) => h.step === 0);
    assert.strictEqual(h0?.saturatedFraction, 1);
    assert.strictEqual(h0?.deadFraction, 0);
  });

  it('same seed ⇒ identical loss series; another seed differs', async () => {
    const exp = (seed: number) => networkExp({ seed, training: { epochs: 3, batchSize: 32 } });
    const a = (await collect(exp(7))).steps.map((s) => s.loss);
    const b = (await collect(exp(7))).steps.map((s) => s.loss);
    const c = (await collect(exp(8))).steps.map((s) => s.loss);
    assert.strictEqual(a.length, 46);
    assert.deepStrictEqual(a, b);
    assert.notDeepStrictEqual(a, c);
  });

  it('same seed ⇒ identical loss series on WASM too', async () => {
    const exp = networkExp({ seed: 3, training: { epochs: 2, batchSize: 64 } });
    const a = (await collect(exp, { backend: 'wasm' })).steps.map((s) => s.loss);
    const b = (await collect(exp, { backend: 'wasm' })).steps.map((s) => s.loss);
    assert.deepStrictEqual(a, b);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`disposes every tensor (${backend}): equal before/after, flat from step 100 to 1000`, async () => {
      await collect(networkExp({ training: { epochs: 1 } }), { backend }); // backend initialised
      const before = tf.memory().numTensors;
      const at: Record<number, number> = {};
      const r = await collect(networkExp({ training: { epochs: 70, batchSize: 32 } }), {
        backend,
        onStep: (s) => {
          if (s.step === 100 || s.step === 1000) at[s.step] = tf.memory().numTensors;
        },
      });
      assert.strictEqual(r.summary.reason, 'completed');
      assert.ok(at[100] !== undefined && at[1000] !== undefined);
      assert.strictEqual(at[1000], at[100], 'flat mid-run');
      assert.strictEqual(tf.memory().numTensors, before, 'nothing left after the run');
    });
  }

  it('ravine: plain GD crawls on raw inputs but converges when normalized', async () => {
    const ravine = (normalize: boolean, learningRate: number) =>
      networkExp({
        data: { synthetic: 'ravine', samples: 200, noise: 0.1, normalize, validation: 0 },
        model: { layers: [], output: 'linear', loss: 'mse', init: { scheme: 'zeros', scale: 1, bias: 0 } },
        optimizer: { name: 'sgd', learningRate },
        training: { epochs: 200, batchSize: undefined },
      });
    // Largest stable α on raw inputs is ≈ 2/(2·E[x1²]) ≈ 1.9e-5; normalized, ≈ 1.
    const raw = await collect(ravine(false, 1e-5));
    const norm = await collect(ravine(true, 0.1));
    assert.strictEqual(raw.summary.reason, 'completed');
    assert.strictEqual(norm.summary.reason, 'completed');
    const rawLoss = raw.summary.final.trainLoss ?? NaN;
    const normLoss = norm.summary.final.trainLoss ?? NaN;
    assert.ok(normLoss < 0.02, `normalized reaches the noise floor: ${normLoss}`);
    assert.ok(ratio(rawLoss, normLoss) > 10, `raw ${rawLoss} vs normalized ${normLoss}`);
    assert.strictEqual(raw.summary.final.accuracy, null, 'regression has no accuracy');
  });

  it('shouldStop ⇒ stopped within one step', async () => {
    const r = await collect(networkExp({ training: { epochs: 50 } }), { shouldStop: (n) => n >= 12 });
    assert.strictEqual(r.summary.reason, 'stopped');
    assert.strictEqual(r.summary.steps, 12);
    assert.ok(r.summary.final.trainLoss !== null);
    assert.strictEqual(r.events[r.events.length - 1].type, 'finished');
  });

  it('metrics are coalesced: far fewer batches than steps, nothing lost, final flush before finished', async () => {
    const r = await collect(networkExp({ training: { epochs: 20 } }), { flushMs: 50 });
    const batches = r.events.filter((e) => e.type === 'metrics').length;
    assert.ok(batches < r.steps.length / 5, `${batches} batches for ${r.steps.length} steps`);
    assert.deepStrictEqual(
      r.steps.map((s) => s.step),
      Array.from({ length: 301 }, (_, i) => i),
    );
    assert.strictEqual(r.events[r.events.length - 2].type, 'metrics');
  });

  it('a data problem found at load time fails with the JSON pointer', async () => {
    const exp = networkExp();
    exp.data = { kind: 'csv', csv: 'no/such/file.csv', target: 'y', normalize: false, validation: 0.2 };
    const r = await collect(exp, { baseDir: '/tmp' });
    assert.strictEqual(r.summary.reason, 'error');
    const failed = r.events.find((e) => e.type === 'failed');
    assert.ok(failed && failed.type === 'failed');
    assert.strictEqual(failed.path, '/data/csv');
    assert.match(failed.message, /\/tmp\/no\/such\/file\.csv/);
    assert.ok(!r.events.some((e) => e.type === 'started'));
  });
});
