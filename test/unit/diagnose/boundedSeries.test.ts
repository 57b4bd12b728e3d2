import { strict as assert } from 'node:assert';
import type { DetectorContext } from '../../../src/diagnose/detector';
import { createDetectors } from '../../../src/diagnose/registry';
import { RunSeries } from '../../../src/diagnose/series';
import type { Experiment } from '../../../src/shared/experiment';
import type { StepRecord } from '../../../src/shared/protocol';
import { batch, info, networkExperiment, noise, objectiveExperiment, steps } from './synthetic';

/**
 * The bounded series (small tail) must give every detector exactly the verdicts the unbounded one
 * gives, at every check of a long run, including whole-run judgements at the end.
 */
function verdicts(e: Experiment, records: StepRecord[], tail: number, slice: number, objective?: (x: number, y: number) => number): string[] {
  const total = records.length - 1;
  const series = new RunSeries(records.length, { tail });
  const ctx: DetectorContext = { experiment: e, info: info(e, { totalSteps: total }), series };
  const detectors = createDetectors(objective);
  const out: string[] = [];
  const check = () => {
    for (const d of detectors) {
      const f = d.check(ctx);
      if (f) out.push(`${series.total} ${d.code} ${JSON.stringify(f)}`);
    }
  };
  for (let i = 0; i < records.length; i += slice) {
    series.append(batch(records.slice(i, i + slice)));
    check();
  }
  ctx.summary = { reason: 'completed', steps: total, final: { trainLoss: records[total].loss, valLoss: null, accuracy: null }, durationMs: 1 };
  check();
  return out;
}

function same(e: Experiment, records: StepRecord[], objective?: (x: number, y: number) => number): string[] {
  const bounded = verdicts(e, records, 128, 37, objective);
  const full = verdicts(e, records, 1e9, 37, objective);
  assert.equal(bounded.length, full.length);
  bounded.forEach((v, i) => assert.equal(v, full[i]));
  return [...new Set(full.map((v) => v.split(' ')[1]))];
}

describe('bounded run series', () => {
  it('keeps at most 2×tail + one batch of step records, and the run total', () => {
    const s = new RunSeries(100_001, { tail: 128 });
    for (let i = 0; i < 100_000; i += 50) s.append(batch(steps(50, (k) => 1 / (1 + i + k))));
    assert.ok(s.length <= 2 * 128 + 50, `kept ${s.length}`);
    assert.equal(s.total, 100_000);
    assert.equal(s.step[s.length - 1], 49);
    assert.equal(s.initialLoss(), 1 / 3);
  });

  it('appending ranges of a batch equals appending the records one by one, windows and sample included', () => {
    const n = 30_001;
    const records = steps(n, (i) => 2 / (1 + i / 300) + 0.1 * noise(i), (i) => ({ gradNorm: 1 + noise(i + 5), layerGradNorms: [i, 2 * i], updateRatios: [1e-3, noise(i)] }));
    const one = new RunSeries(n, { tail: 128 });
    for (const r of records) one.append(batch([r]));
    const ranges = new RunSeries(n, { tail: 128 });
    const all = batch(records);
    // Uneven ranges that straddle the reserved windows' edges and the sample's stride doublings.
    for (let i = 0, k = 0; i < n; k++) {
      const j = Math.min(n, i + 1 + ((k * 7919) % 997));
      ranges.append(all, i, j);
      i = j;
    }
    for (const key of ['step', 'loss', 'lr', 'gradNorm', 'updateCosine'] as const) assert.deepEqual(ranges[key].slice(-100), one[key].slice(-100), key);
    for (const l of [0, 1]) {
      assert.deepEqual(ranges.layerGradNorm[l].slice(-100), one.layerGradNorm[l].slice(-100));
      assert.deepEqual(ranges.updateRatio[l].slice(-100), one.updateRatio[l].slice(-100));
    }
    assert.equal(ranges.total, n);
    assert.equal(ranges.maxGradNorm, one.maxGradNorm);
    const losses = records.map((r) => r.loss);
    const med = (xs: number[]) => {
      const a = [...xs].sort((p, q) => p - q);
      return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    };
    // Reserved (slow-progress) windows: exact.
    const h = Math.floor(n / 40);
    const q = Math.floor(n / 4);
    for (const s of [one, ranges]) assert.equal(s.median('loss', q - h, q + h + 1), med(losses.slice(q - h, q + h + 1)));
    // Elsewhere in the dropped front: the whole-run sample, every stride-th record, the stride the
    // least power of two that keeps it within COARSE points.
    let stride = 1;
    while (Math.ceil(n / stride) > RunSeries.COARSE) stride *= 2;
    const sampled = (from: number, to: number) => med(losses.filter((_, i) => i >= from && i < to && i % stride === 0));
    for (const s of [one, ranges]) assert.equal(s.median('loss', 1000, 5000), sampled(1000, 5000));
  });

  it('slow progress on a long linear run: same verdict as the whole series', () => {
    const e = networkExperiment({ normalize: true });
    const codes = same(e, steps(20_001, (i) => 2 - i * 2e-5 + 0.001 * noise(i), () => ({ layerGradNorms: [1, 1], updateRatios: [1e-3, 1e-3] })));
    assert.ok(codes.includes('slow-progress'), codes.join());
  });

  it('a healthy decaying run, an unstable one and a diverging one: same verdicts at every check', () => {
    const e = networkExperiment({ normalize: true });
    assert.ok(!same(e, steps(10_001, (i) => 2 * Math.exp(-i / 500) + 0.01 + 0.001 * noise(i))).includes('slow-progress'));
    assert.ok(same(e, steps(10_001, (i) => (i < 6000 ? 2 * Math.exp(-i / 500) + 0.1 : 0.1 + (i - 6000) * 1e-3))).includes('instability'));
    assert.ok(same(e, steps(8_000, (i) => (i < 7990 ? 1 / (1 + i) : i === 7999 ? NaN : 1e6 * (i - 7989)))).includes('divergence'));
  });

  it('objectives: oscillation and plateau on long runs read the same maxima and windows', () => {
    const f = (x: number, y: number) => x * x + y * y;
    const osc = objectiveExperiment({ learningRate: 0.9 }, 'sphere');
    assert.ok(same(osc, steps(6_001, (i) => 100 * 0.999 ** i, (i) => ({ point: [10 * (-0.9995) ** i, 0] as [number, number], gradNorm: 20 * 0.9995 ** i })), f).includes('oscillation'));
    const flat = objectiveExperiment({ learningRate: 0.01 }, 'sphere');
    assert.ok(same(flat, steps(6_001, (i) => (i < 100 ? 5 - i * 0.01 : 4), (i) => ({ point: [i < 100 ? 2 - i * 0.001 : 1.9, 0] as [number, number], gradNorm: i < 100 ? 5 : 1e-7 })), f).includes('plateau'));
  });
});
