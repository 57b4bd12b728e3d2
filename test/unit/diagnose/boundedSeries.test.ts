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
