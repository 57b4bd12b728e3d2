import * as assert from 'node:assert/strict';
import { selectBackend } from '../../../src/engine/backend';
import { setUp } from '../../../src/engine/run';
import {
  BUDGET_MIN_PARAMS,
  cadence,
  Cadence,
  CURVATURE_MIN,
  HISTOGRAM_MIN,
  Instruments,
  SYMMETRY_MIN,
  TimeBudget,
} from '../../../src/engine/instruments/schedule';
import { tf } from '../../../src/engine/tf';
import type { Problem } from '../../../src/engine/train/problem';
import type { NetworkExperiment } from '../../../src/shared/experiment';
import type { HistogramRecord, ProbeRecord } from '../../../src/shared/protocol';
import { networkExp } from './fixtures';

/** Which steps a cadence lets through over a run of `total` steps of `stepMs` each, every call costing `callMs`. */
function replay(c: Cadence, total: number, stepMs: number, callMs: number): number[] {
  const out: number[] = [];
  for (let s = 0; s <= total; s++) {
    if (c.due(s, s === total, s * stepMs)) {
      out.push(s);
      c.spend(callMs);
    }
  }
  return out;
}

describe('engine: instrument time budget', () => {
  it('always allows the first call, then only what fits in share × step time', () => {
    const b = new TimeBudget(0.01);
    assert.equal(b.affordable(0), true);
    b.spend(80);
    // The next call is estimated at 80 ms: 160 ms spent needs 16 s of steps.
    assert.equal(b.affordable(15_000), false);
    assert.equal(b.affordable(16_000), true);
    b.spend(40);
    // Estimated at the last call's 40 ms: 160 ms again.
    assert.equal(b.affordable(15_900), false);
    assert.equal(b.affordable(16_100), true);
  });

  it('without a budget a cadence runs exactly its planned steps and the final one', () => {
    const c = Cadence.at(1000, cadence(1000, 10), 3);
    assert.deepEqual(replay(c, 1000, 1, 1e6), [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    assert.equal(c.plannedCalls, 11);
    assert.deepEqual(replay(Cadence.every(25, 10, 3), 25, 1, 1e6), [0, 10, 20, 25]);
  });

  it('cheap calls keep the planned cadence; dear ones spread within the share, plus at most one call', () => {
    const planned = [...Array(100).keys()].map((k) => k * 10);
    assert.deepEqual(replay(Cadence.every(1000, 10, 10, new TimeBudget(0.01)), 1000, 1, 0.001), [...planned, 1000]);
    // Each call costs 5 steps: 1 % of 1000 steps affords 2 of the 101 planned calls, and the minimum asks for 10.
    const dear = replay(Cadence.every(1000, 10, 10, new TimeBudget(0.01)), 1000, 1, 5);
    assert.equal(dear.length, 10);
    // 0.2 steps per call: 1 % of 1000 steps is 50 calls' worth. Spread over the run, not bunched at the start.
    const some = replay(Cadence.every(1000, 10, 2, new TimeBudget(0.01)), 1000, 1, 0.2);
    assert.ok(some.length >= 45 && some.length <= 52, `${some.length} calls`);
    assert.ok(some.filter((s) => s >= 500).length >= 20, 'half of them in the second half');
    for (let k = 1; k < some.length; k++) {
      assert.ok(0.2 * (k + 1) <= 0.01 * some[k] * 1 + 0.2, `call ${k} at step ${some[k]} within the share plus one call`);
    }
  });

  it('a dear instrument still makes its minimum, spread over the run, the final measurement included', () => {
    // Every call costs the whole run's step time: only the guaranteed calls run.
    const steps = replay(Cadence.every(90, 1, 10, new TimeBudget(0.01)), 90, 1, 1000);
    assert.deepEqual(steps, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    // Guaranteed calls fall on planned steps: the first planned step at or after each tenth of the run.
    const sparse = replay(Cadence.at(1000, cadence(1000, 7), 3, new TimeBudget(0.01)), 1000, 1, 1000);
    assert.deepEqual(sparse, [0, 571, 1000]);
    assert.deepEqual(replay(Cadence.at(1000, cadence(1000, 7), 2, new TimeBudget(0.01)), 1000, 1, 1000), [0, 1000]);
    // A minimum of one is the first call; θ_T only when the budget allows it or the instrument always measures it.
    assert.deepEqual(replay(Cadence.at(1000, cadence(1000, 7), 1, new TimeBudget(0.01)), 1000, 1, 1000), [0]);
    assert.deepEqual(replay(Cadence.at(1000, cadence(1000, 7), 1, new TimeBudget(0.01), true), 1000, 1, 1000), [0, 1000]);
  });
});

describe('engine: instruments on a budget (fake clock)', function () {
  this.timeout(120000);

  /** Drives the instruments over a whole run with 1 ms steps and `callMs` per instrument call. */
  async function drive(exp: NetworkExperiment, callMs: number): Promise<{ problem: Problem; hist: number[]; probes: ProbeRecord[] }> {
    const backend = await selectBackend('cpu');
    const { problem } = setUp(exp, { baseDir: process.cwd() }, backend, () => undefined);
    let clock = 0;
    const hist: number[] = [];
    const probes: ProbeRecord[] = [];
    const sink = {
      histograms: (rs: HistogramRecord[]) => hist.push(rs[0].step),
      probe: (r: ProbeRecord) => probes.push(r),
    };
    // Each instrument call reads the clock twice: before and after.
    const ins = new Instruments(exp, problem, sink, () => undefined, () => (clock += callMs / 2));
    const before = tf.memory().numTensors;
    try {
      for (let s = 0; s < problem.totalSteps; s++) {
        ins.at(s);
        ins.stepTime(1);
      }
      ins.at(problem.totalSteps, true);
    } finally {
      ins.dispose();
    }
    assert.equal(tf.memory().numTensors, before, 'the instruments leak no tensors');
    problem.dispose();
    return { problem, hist, probes };
  }

  const steps = (probes: ProbeRecord[], kind: ProbeRecord['kind']) => [...new Set(probes.filter((p) => p.kind === kind).map((p) => p.step))];
  const large = (training: Partial<NetworkExperiment['training']> = {}) =>
    networkExp({ model: { layers: [{ units: 128, activation: 'relu' }, { units: 128, activation: 'relu' }] }, training: { epochs: 4, batchSize: 32, ...training } });

  it('a large net with dear instruments gets each one’s minimum; cheap ones run every planned call', async () => {
    const dear = await drive(large(), 1000);
    const total = dear.problem.totalSteps;
    assert.ok(dear.problem.paramCount >= BUDGET_MIN_PARAMS);
    assert.equal(total, 60);
    assert.deepEqual(dear.hist, [0, 6, 13, 20, 26, 33, 40, 46, 53, 60]);
    assert.equal(dear.hist.length, HISTOGRAM_MIN);
    assert.deepEqual(steps(dear.probes, 'symmetry'), [0, 30, 60]);
    assert.equal(SYMMETRY_MIN, 3);
    assert.deepEqual(steps(dear.probes, 'curvature'), [0]);
    assert.equal(CURVATURE_MIN, 1);
    const cheap = await drive(large(), 0);
    assert.equal(cheap.hist.length, total + 1, 'every step (60 steps: every round(60/100) = 1) and the final one');
    assert.deepEqual(steps(cheap.probes, 'symmetry'), [...cadence(total, 10), total]);
    assert.deepEqual(steps(cheap.probes, 'curvature'), [0, 20, 40, 60]);
  });

  it('small nets and an explicit histogramEvery keep the planned cadence whatever the cost', async () => {
    const small = await drive(networkExp({ training: { epochs: 4, batchSize: 32 } }), 1000);
    assert.ok(small.problem.paramCount < BUDGET_MIN_PARAMS);
    assert.equal(small.hist.length, small.problem.totalSteps + 1);
    assert.deepEqual(steps(small.probes, 'curvature'), [0, 20, 40, 60]);
    const explicit = await drive(large({ histogramEvery: 4 }), 1000);
    assert.deepEqual(explicit.hist, [...Array(16).keys()].map((k) => 4 * k));
    assert.deepEqual(steps(explicit.probes, 'curvature'), [0], 'the other instruments keep their budget');
  });
});
