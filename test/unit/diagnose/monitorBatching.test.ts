/**
 * The DiagnosisMonitor replays a batch in slices and keeps the verdicts of detectors whose inputs
 * arrive rarely (histograms, symmetry snapshots, epoch evaluations) until such a record arrives.
 * Neither may change what it reports: a run fed record by record and in batches of any size gives
 * the same diagnoses, and a kept verdict is replaced as soon as its inputs change.
 */
import { strict as assert } from 'node:assert';
import { DiagnosisMonitor } from '../../../src/diagnose';
import type { Experiment } from '../../../src/shared/experiment';
import type { Diagnosis, EpochRecord, HistogramRecord, MetricsBatch, ProbeRecord, StepRecord, SymmetryRecord } from '../../../src/shared/protocol';
import { batch, hist, info, networkExperiment, noise, steps } from './synthetic';

interface Run {
  steps: StepRecord[];
  epochs: EpochRecord[];
  histograms: HistogramRecord[];
  probes: ProbeRecord[];
}

/** The run cut into batches of `size` step records, each carrying the other records up to its last step. */
function batches(run: Run, size: number): MetricsBatch[] {
  const out: MetricsBatch[] = [];
  const upTo = <T extends { step: number }>(xs: T[], lo: number, hi: number) => xs.filter((x) => x.step > lo && x.step <= hi);
  for (let i = 0; i < run.steps.length; i += size) {
    const part = run.steps.slice(i, i + size);
    const lo = i === 0 ? -Infinity : run.steps[i - 1].step;
    const hi = i + size >= run.steps.length ? Infinity : part[part.length - 1].step;
    out.push(batch(part, { epochs: upTo(run.epochs, lo, hi), histograms: upTo(run.histograms, lo, hi), probes: upTo(run.probes, lo, hi) }));
  }
  return out;
}

/** Every list of diagnoses the monitor reported as changed, and the last one. */
function feed(e: Experiment, bs: MetricsBatch[]): { lists: Diagnosis[][]; final: Diagnosis[] } {
  const m = new DiagnosisMonitor(e, info(e, { totalSteps: 600 }));
  const lists: Diagnosis[][] = [];
  for (const b of bs) if (m.ingest(b)) lists.push(m.list());
  return { lists, final: m.list() };
}

function symmetry(step: number, duplicated: number): SymmetryRecord {
  return { kind: 'symmetry', step, layer: 0, units: 16, largestGroup: duplicated, duplicated };
}

describe('DiagnosisMonitor: batching and kept verdicts', () => {
  // A minibatch run whose diagnoses come at different times: dead units from histograms, an epoch
  // curve that turns back up (instability), symmetric units from snapshots.
  const e = networkExperiment({ batchSize: 4, normalize: true, layers: [{ units: 16, activation: 'relu' }, { units: 16, activation: 'relu' }] });
  const run: Run = {
    steps: steps(600, (i) => 0.8 + 0.4 * noise(i), (i) => ({ layerGradNorms: [0.1, 0.1, 0.1], updateRatios: [1e-3, 1e-3, 1e-3], gradNorm: 0.2 + 0.01 * noise(i + 1) })),
    epochs: Array.from({ length: 12 }, (_, k) => ({ epoch: k, step: 50 * (k + 1), trainLoss: k < 4 ? 1.2 * 0.8 ** k : 0.6 * 1.2 ** (k - 3) })),
    histograms: Array.from({ length: 20 }, (_, k) => hist(30 * k, k % 2, k >= 4 && k < 12 ? 0.6 + 0.03 * k : 0.1, 0)),
    probes: [symmetry(0, 4), symmetry(200, 6), symmetry(400, 0)],
  };

  it('record by record, in uneven batches and all at once: the same diagnoses', () => {
    const one = feed(e, batches(run, 1));
    const codes = new Set(one.lists.flat().map((d) => d.code));
    for (const c of ['dead-units', 'instability', 'symmetry']) assert.ok(codes.has(c), `${c} held at some point: ${[...codes].join(', ')}`);
    for (const size of [7, 64, 600]) assert.deepEqual(feed(e, batches(run, size)).final, one.final, `batches of ${size}: final diagnoses`);
    // Every list seen after a batch of 7 is one the record-by-record feed passed through.
    const all = new Set<string>();
    const single = new DiagnosisMonitor(e, info(e, { totalSteps: 600 }));
    for (const b of batches(run, 1)) {
      single.ingest(b);
      all.add(JSON.stringify(single.list()));
    }
    const m = new DiagnosisMonitor(e, info(e, { totalSteps: 600 }));
    for (const b of batches(run, 7)) {
      m.ingest(b);
      assert.ok(all.has(JSON.stringify(m.list())), `after step ${b.steps[b.steps.length - 1].step}: a list the record-by-record feed had`);
    }
  });

  it('a long run checks every few records, and at each record that brings histograms or an evaluation', () => {
    // 20,000 steps: a check per 20 records, yet dead units and fluctuation date from the step
    // their histograms and evaluations arrived at, whatever the batching.
    const total = 20_000;
    const long = (more: Partial<Run>): Run => ({
      steps: steps(3000, (i) => 0.8 + 0.4 * noise(i), () => ({ layerGradNorms: [0.1, 0.1, 0.1], updateRatios: [1e-3, 1e-3, 1e-3] })),
      epochs: [],
      histograms: [],
      probes: [],
      ...more,
    });
    // Dead units supersede fluctuation: one run for each.
    const stalled = long({ epochs: Array.from({ length: 8 }, (_, k) => ({ epoch: k, step: 301 * (k + 1), trainLoss: 0.8 + 0.02 * noise(k + 7) })) });
    const dead = long({ histograms: [hist(1003, 0, 0.7, 0), hist(1507, 0, 0.7, 0), hist(2011, 0, 0.7, 0)] });
    const firstHeld = (run: Run, size: number) => {
      const m = new DiagnosisMonitor(e, info(e, { totalSteps: total }));
      for (const b of batches(run, size)) m.ingest(b);
      const bound = 3000 / Math.ceil(total / DiagnosisMonitor.MAX_CHECKS) + run.epochs.length + run.histograms.length;
      assert.ok(m.checks <= bound, `${m.checks} checks, batches of ${size}`);
      return Object.fromEntries(m.list().map((d) => [d.code, d.step]));
    };
    for (const size of [1, 7, 160, 3000]) {
      assert.deepEqual(firstHeld(stalled, size), { fluctuation: 6 * 301 }, `batches of ${size}`);
      assert.deepEqual(firstHeld(dead, size), { 'dead-units': 2011 }, `batches of ${size}`);
    }
  });

  it('fixes follow the detector: kept while it hands back the same drafts, redone for new ones', () => {
    const full = networkExperiment({ normalize: true, scale: 1 });
    const m = new DiagnosisMonitor(full, info(full));
    const scale = () => m.list().find((d) => d.code === 'exploding-gradient')?.fixes.find((f) => f.path === '/model/init/scale')?.value;
    m.ingest(batch(steps(40, () => 1, () => ({ gradNorm: 200 }))));
    const first = scale();
    assert.ok(typeof first === 'number' && first < 1, String(first));
    m.ingest(batch(steps(40, () => 1, () => ({ gradNorm: 2e6 })).map((r, k) => ({ ...r, step: 40 + k }))));
    assert.ok((scale() as number) < first, `${scale()} after a 10⁴× larger gradient`);

    // Fluctuation keeps its drafts: the same finished fixes at every check while it holds.
    const e2 = networkExperiment({ batchSize: 4, normalize: true });
    const f = new DiagnosisMonitor(e2, info(e2));
    const stalled = [0, 1, 2, 3, 4, 5, 6].map((k) => ({ epoch: k, step: k * 40, trainLoss: 0.8 + 0.02 * noise(k + 7) }));
    const noisy = steps(400, (i) => 0.8 + 0.4 * noise(i));
    f.ingest(batch(noisy.slice(0, 300), { epochs: stalled }));
    const fixes = f.list().find((d) => d.code === 'fluctuation')?.fixes;
    assert.equal(fixes?.length, 2);
    f.ingest(batch(noisy.slice(300)));
    assert.deepEqual(f.list().find((d) => d.code === 'fluctuation')?.fixes, fixes);
  });

  it('a very long run is still checked within the records the series keeps', () => {
    // 5M steps would mean a check per 5,000 records, more than the series' tail keeps between
    // checks when batches end mid-slice: instability reads every record since its last check.
    const full = networkExperiment({ normalize: true });
    const rising = steps(10_001, (i) => (i < 6000 ? 2 * Math.exp(-i / 500) + 0.1 : 0.1 + (i - 6000) * 1e-3));
    const m = new DiagnosisMonitor(full, info(full, { totalSteps: 5_000_000 }));
    for (let i = 0; i < rising.length; i += 700) m.ingest(batch(rising.slice(i, i + 700)));
    assert.ok(m.list().some((d) => d.code === 'instability'), m.list().map((d) => d.code).join());
  });

  it('a kept verdict follows new histograms, snapshots and evaluations', () => {
    const m = new DiagnosisMonitor(e, info(e, { totalSteps: 600 }));
    const s = steps(40, () => 1);
    m.ingest(batch(s.slice(0, 10), { histograms: [hist(0, 0, 0.6, 0), hist(5, 0, 0.6, 0), hist(9, 0, 0.6, 0)] }));
    const dead = () => m.list().find((d) => d.code === 'dead-units');
    assert.equal(dead()?.severity, 'warning');
    m.ingest(batch(s.slice(10, 20)));
    assert.deepEqual(dead()?.evidence.fractions, [0.6], 'no new histogram: the same verdict');
    m.ingest(batch(s.slice(20, 30), { histograms: [hist(25, 0, 0.95, 0)] }));
    assert.equal(dead()?.severity, 'error', 'a worse histogram raises the severity at once');
    assert.deepEqual(dead()?.evidence.fractions, [0.95]);
    assert.equal(dead()?.step, 9, 'the step it first held is kept');

    const sym = () => m.list().some((d) => d.code === 'symmetry');
    m.ingest(batch([], { probes: [symmetry(0, 8), symmetry(30, 8)] }));
    assert.ok(sym(), 'two snapshots with copies');
    const f = new DiagnosisMonitor(e, info(e, { totalSteps: 600 }));
    f.ingest(batch(s.slice(0, 5), { probes: [symmetry(0, 8)] }));
    assert.ok(!f.list().some((d) => d.code === 'symmetry'), 'one snapshot is not enough');
    f.ingest(batch(s.slice(5, 10), { probes: [symmetry(4, 8)] }));
    assert.ok(f.list().some((d) => d.code === 'symmetry'), 'the second snapshot is read');

    const fl = new DiagnosisMonitor(e, info(e, { totalSteps: 600 }));
    const noisy = steps(300, (i) => 0.8 + 0.4 * noise(i));
    const falling = [0, 1, 2, 3, 4, 5].map((k) => ({ epoch: k, step: 40 * (k + 1), trainLoss: 1.2 * 0.8 ** k }));
    fl.ingest(batch(noisy.slice(0, 250), { epochs: falling }));
    assert.ok(!fl.list().some((d) => d.code === 'fluctuation'), 'a falling epoch curve');
    const flat = [6, 7, 8, 9, 10, 11].map((k) => ({ epoch: k, step: 250 + k, trainLoss: 0.8 + 0.02 * noise(k + 7) }));
    fl.ingest(batch(noisy.slice(250), { epochs: flat }));
    assert.ok(fl.list().some((d) => d.code === 'fluctuation'), 'then a stalled one');
  });
});
