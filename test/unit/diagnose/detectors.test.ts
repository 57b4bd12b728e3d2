import { strict as assert } from 'node:assert';
import { DiagnosisMonitor } from '../../../src/diagnose';
import type { Experiment } from '../../../src/shared/experiment';
import type { MetricsBatch, RunSummary } from '../../../src/shared/protocol';
import { batch, hist, info, networkExperiment, noise, objectiveExperiment, steps } from './synthetic';

function codes(e: Experiment, batches: MetricsBatch[], opts: { summary?: Partial<RunSummary>; objective?: (x: number, y: number) => number; extraInfo?: Parameters<typeof info>[1] } = {}): string[] {
  const m = new DiagnosisMonitor(e, info(e, opts.extraInfo), opts.objective);
  for (const b of batches) m.ingest(b);
  if (opts.summary) m.finish({ reason: 'completed', steps: 0, final: { trainLoss: null, valLoss: null, accuracy: null }, durationMs: 0, ...opts.summary });
  return m.list().map((d) => d.code).sort();
}

const completed = { summary: { reason: 'completed' as const } };

describe('detectors on synthetic series', () => {
  it('a smooth, decelerating descent produces no diagnosis', () => {
    const e = objectiveExperiment();
    const s = steps(200, (i) => 10 * Math.exp(-i / 20), (i) => ({ gradNorm: 5 * Math.exp(-i / 20) }));
    assert.deepEqual(codes(e, [batch(s.slice(0, 100)), batch(s.slice(100))], completed), []);
  });

  it('NaN loss is divergence at the step it happened, and supersedes instability', () => {
    const e = objectiveExperiment({ learningRate: 10 });
    const s = steps(40, (i) => (i < 30 ? 2 ** i : NaN));
    const m = new DiagnosisMonitor(e, info(e));
    m.ingest(batch(s));
    const list = m.list();
    assert.deepEqual(list.map((d) => d.code), ['divergence']);
    assert.equal(list[0].evidence.step, 30);
    assert.equal(list[0].path, '/optimizer/learningRate');
    assert.equal(list[0].fixes[0].value, 1);
  });

  it('explosive but finite growth is divergence; a bumpy falling loss is not', () => {
    const e = objectiveExperiment();
    assert.deepEqual(codes(e, [batch(steps(60, (i) => 1.5 ** i))]), ['divergence']);
    const bumpy = codes(e, [batch(steps(200, (i) => 10 * Math.exp(-i / 50) * (1 + 0.3 * (i % 2))))], completed);
    assert.ok(!bumpy.includes('divergence'), bumpy.join());
    assert.ok(bumpy.includes('oscillation'), bumpy.join());
  });

  it('a loss that climbs back up after a low point is instability', () => {
    const e = objectiveExperiment();
    const s = steps(150, (i) => (i < 50 ? 10 - 0.15 * i : 2.5 + 0.05 * (i - 50)));
    assert.deepEqual(codes(e, [batch(s)]), ['instability']);
  });

  it('a full-batch zig-zag is oscillation; the same noise in a minibatch run is not', () => {
    const zig = steps(100, (i) => 5 + (i % 2 ? 1 : -1) * 0.5 + 0.001 * noise(i));
    assert.deepEqual(codes(objectiveExperiment(), [batch(zig)]), ['oscillation']);
    const mb = networkExperiment({ batchSize: 16, normalize: true });
    assert.ok(!codes(mb, [batch(zig)]).includes('oscillation'));
  });

  it('points that reverse direction every step are oscillation', () => {
    const s = steps(60, (i) => 10 * Math.exp(-i / 100), (i) => ({ point: [i % 2 ? 1 : -1, 1 - i / 100] as [number, number] }));
    assert.deepEqual(codes(objectiveExperiment(), [batch(s)]), ['oscillation']);
  });

  it('slow-progress: the lecture\'s α too small on x² is flagged, α = 0.05 and 0.2 are not', () => {
    const run = (alpha: number) => steps(31, (i) => 100 * (1 - 2 * alpha) ** (2 * i), (i) => ({ gradNorm: 20 * (1 - 2 * alpha) ** i }));
    const e = (lr: number) => objectiveExperiment({ learningRate: lr }, 'sphere');
    assert.deepEqual(codes(e(0.005), [batch(run(0.005))], completed), ['slow-progress']);
    assert.deepEqual(codes(e(0.05), [batch(run(0.05))], completed), []);
    assert.deepEqual(codes(e(0.2), [batch(run(0.2))], completed), []);
  });

  it('slow-progress waits for the end of the run', () => {
    const s = steps(100, (i) => 10 - 0.01 * i);
    assert.deepEqual(codes(objectiveExperiment(), [batch(s)]), []);
  });

  it('plateau: flat high loss with a tiny gradient', () => {
    const s = steps(100, (i) => (i < 5 ? 1.1 - 0.01 * i : 1.06), (i) => ({ gradNorm: i < 5 ? 1 : 1e-5 }));
    assert.deepEqual(codes(networkExperiment(), [batch(s)]), ['plateau']);
  });

  it('dead units need a persistent majority of a layer; the bias is blamed when negative', () => {
    const e = networkExperiment({ bias: -3 });
    const s = steps(10, () => 1);
    const m = new DiagnosisMonitor(e, info(e));
    m.ingest(batch(s, { histograms: [hist(0, 0, 0.9, 0), hist(5, 0, 0.3, 0), hist(9, 0, 0.95, 0)] }));
    assert.deepEqual(m.list(), []);
    m.ingest(batch([], { histograms: [hist(10, 0, 0.95, 0), hist(11, 0, 0.97, 0)] }));
    const d = m.list();
    assert.deepEqual(d.map((x) => x.code), ['dead-units']);
    assert.equal(d[0].path, '/model/init/bias');
    assert.equal(d[0].severity, 'error');
    assert.deepEqual(d[0].fixes.map((f) => f.path), ['/model/init/bias', '/model/layers/0/activation']);
  });

  it('saturated units', () => {
    const e = networkExperiment({ layers: [{ units: 8, activation: 'sigmoid' }], scale: 5 });
    const hs = [0, 1, 2].map((k) => hist(k, 0, 0, 0.8));
    assert.deepEqual(codes(e, [batch(steps(3, () => 1), { histograms: hs })]), ['saturated-units']);
  });

  it('vanishing gradients across a deep sigmoid net, not in a shallow one', () => {
    const deep = networkExperiment({ layers: [1, 2, 3, 4].map(() => ({ units: 8, activation: 'sigmoid' as const })) });
    const s = steps(20, () => 1, () => ({ layerGradNorms: [1e-6, 1e-4, 1e-3, 1e-2, 0.1] }));
    assert.deepEqual(codes(deep, [batch(s)]), ['vanishing-gradient']);
    const healthy = steps(20, () => 1, () => ({ layerGradNorms: [0.05, 0.08, 0.1, 0.1, 0.1] }));
    assert.deepEqual(codes(deep, [batch(healthy)]), []);
  });

  it('exploding gradients', () => {
    const s = steps(40, (i) => 1 + 0.001 * i * 0, (i) => ({ gradNorm: 10 ** (i / 8) }));
    assert.deepEqual(codes(objectiveExperiment(), [batch(s)]), ['exploding-gradient']);
  });

  it('exploding gradients from a steady norm far above what the loss explains (well-scaled inputs only)', () => {
    const e = networkExperiment({ normalize: true });
    const steady = (gradNorm: number, loss: number) => codes(e, [batch(steps(40, () => loss, () => ({ gradNorm })))]);
    assert.deepEqual(steady(200, 1), ['exploding-gradient'], '200 > 50 × max(1, √1)');
    assert.deepEqual(steady(40, 1), [], 'below 50: the loss is not even read');
    assert.deepEqual(steady(200, 400), [], '200 < 50 × √400');
    const wide = { featureNames: ['a', 'b'], mean: [0, 0], std: [1, 1000] };
    assert.deepEqual(codes(networkExperiment(), [batch(steps(40, () => 1, () => ({ gradNorm: 200 })))], { extraInfo: { dataStats: wide } }), ['ill-conditioning', 'unnormalized-inputs'], 'unscaled inputs explain it');
  });

  it('unnormalized inputs and the ill-conditioning they cause, from the lecture\'s ravine table', () => {
    const e = networkExperiment({ layers: [] });
    const dataStats = { featureNames: ['x1', 'x2'], mean: [200, 0.0026], std: [70, 0.0005] };
    assert.deepEqual(codes(e, [batch(steps(1, () => 5))], { extraInfo: { dataStats } }), ['ill-conditioning', 'unnormalized-inputs']);
    const normalized = networkExperiment({ layers: [], normalize: true });
    assert.deepEqual(codes(normalized, [batch(steps(1, () => 5))], { extraInfo: { dataStats } }), []);
    const fine = { featureNames: ['a', 'b'], mean: [0.1, -0.2], std: [1, 2] };
    assert.deepEqual(codes(e, [batch(steps(1, () => 5))], { extraInfo: { dataStats: fine } }), []);
  });

  it('ill-conditioning and saddle points from the objective\'s Hessian', () => {
    const quad = (c: number) => (x: number, y: number) => 0.5 * (x * x + c * y * y);
    const at = steps(3, () => 1, () => ({ point: [1, 0.1] as [number, number] }));
    assert.deepEqual(codes(objectiveExperiment(), [batch(at)], { objective: quad(1000) }), ['ill-conditioning']);
    assert.deepEqual(codes(objectiveExperiment(), [batch(at)], { objective: quad(10) }), []);
    assert.deepEqual(codes(objectiveExperiment({ name: 'adam' }), [batch(at)], { objective: quad(1000) }), []);
    const saddle = (x: number, y: number) => x * x - y * y;
    const s = steps(20, (i) => 1 - i / 20, (i) => ({ gradNorm: i < 10 ? 1 : 1e-4, point: [i < 10 ? 1 - i / 10 : 1e-5, 1e-9] as [number, number] }));
    assert.deepEqual(codes(objectiveExperiment({}, 'saddle'), [batch(s)], { objective: saddle }), ['saddle-point']);
  });

  it('minibatch noise over a stalled epoch curve is fluctuation; a falling one is not', () => {
    const e = networkExperiment({ batchSize: 4, normalize: true });
    const s = steps(300, (i) => 0.8 + 0.4 * noise(i));
    const stalled = [0, 1, 2, 3, 4, 5, 6].map((k) => ({ epoch: k, step: k * 40, trainLoss: 0.8 + 0.02 * noise(k + 7) }));
    assert.deepEqual(codes(e, [batch(s, { epochs: stalled })]), ['fluctuation']);
    const falling = [0, 1, 2, 3, 4, 5, 6].map((k) => ({ epoch: k, step: k * 40, trainLoss: 1.2 * 0.8 ** k }));
    assert.deepEqual(codes(e, [batch(s, { epochs: falling })]), []);
  });
});
