/**
 * Faults mid-run, end to end through the host's RunController and RunStore: the worker crashes,
 * exits, runs out of memory, hangs (watchdog), the loss becomes NaN, the user stops during a
 * step. Each time the host survives, the store keeps the data received so far, and the run is
 * marked with what happened. Crash/OOM/hang use the protocol-speaking fake worker; NaN and stop
 * use the real training worker (`dist/worker.js`).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { RunController, type RunOutcome } from '../../src/host/runController';
import { RunStore } from '../../src/host/runStore';
import { parseExperiment } from '../../src/engine/spec/parse';
import type { Experiment } from '../../src/shared/experiment';
import type { EngineEvent } from '../../src/shared/protocol';
import { dummyExperiment, fakeWorkerPath } from '../unit/host/helpers';
import { repoRoot } from './hooks';
import { record } from './report';

const realWorker = path.join(repoRoot, 'dist', 'worker.js');

function experiment(text: string): Experiment {
  const p = parseExperiment(text);
  assert.ok(p.experiment, JSON.stringify(p.issues));
  return p.experiment;
}

function harness(workerPath: string, extra: Partial<ConstructorParameters<typeof RunController>[0]> = {}) {
  const store = new RunStore({ maxRuns: 10 });
  const controller = new RunController({ workerPath, store, ...extra });
  const events: EngineEvent[] = [];
  controller.onEvent((e) => events.push(e));
  const run = (source: string, exp: Experiment = dummyExperiment): Promise<RunOutcome> =>
    controller.run({ experiment: exp, source, baseDir: repoRoot, backend: 'cpu', nodeModulesPaths: [] });
  return { store, controller, events, run };
}

const until = async (probe: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('robustness: faults mid-run', function () {
  this.timeout(120_000);

  it('crash, exit, out of memory and hang: host survives, data kept, run marked', async () => {
    const cases: Array<[string, RegExp, number]> = [
      ['throw', /crashed: boom/, 4],
      ['exit', /exited \(code 3\)/, 0],
      ['oom', /memory/i, 0],
      ['ignore-stop', /sent nothing for .* during training and was terminated \(watchdog/, 3],
      ['hang-setup', /sent nothing .* while setting up the run/, -1],
    ];
    let held = 0;
    const notes: string[] = [];
    for (const [mode, want, stepsKept] of cases) {
      const h = harness(fakeWorkerPath, { maxOldGenerationSizeMb: 48, watchdog: { setupMs: 400, stallMs: 400, factor: 10 } });
      const out = await h.run(mode);
      if (stepsKept < 0) {
        // Never started: reported as a failure to start, nothing in the store.
        assert.match(out.failure?.message ?? '', want, mode);
        assert.equal(h.store.snapshots().length, 0);
      } else {
        assert.equal(out.summary?.reason, 'crashed', mode);
        assert.match(out.summary?.message ?? '', want, mode);
        const snap = h.store.get(out.runId);
        assert.ok(snap, `${mode}: the run is in the store`);
        assert.equal(snap.metrics.steps.length, stepsKept, `${mode}: the data so far is kept`);
        assert.equal(snap.summary?.reason, 'crashed');
        assert.equal(h.events[h.events.length - 1].type, 'finished', `${mode}: the panel is told the run ended`);
      }
      assert.equal(h.controller.isRunning, false);
      notes.push(mode);
      held++;
    }
    record('faults', 'worker throw/exit/OOM/hang → run marked, data kept', cases.length, held, notes.join(', '));
  });

  it('NaN loss on the real worker: marked diverged, the steps before kept', async () => {
    const h = harness(realWorker);
    const out = await h.run('nan', experiment('{"name":"blow up","objective":{"function":"sphere","start":[10,0]},"optimizer":{"name":"sgd","learningRate":5},"training":{"steps":5000}}'));
    assert.equal(out.summary?.reason, 'diverged', JSON.stringify(out));
    assert.match(out.summary?.message ?? '', /(NaN|infinite|exceeded)/);
    const steps = h.store.get(out.runId)!.metrics.steps;
    assert.ok(steps.length > 10 && steps.length < 5000, `${steps.length} steps kept`);
    record('faults', 'NaN/Inf loss (real worker) → diverged', 1, 1, `${out.summary?.message}; ${steps.length} steps kept`);
  });

  it('stop during a run of the real worker ends it promptly', async () => {
    const h = harness(realWorker);
    const exp = experiment('{"name":"long","data":{"synthetic":"spiral","samples":2000},"model":{"layers":[{"units":64,"activation":"relu"},{"units":64,"activation":"relu"}]},"optimizer":{"name":"adam","learningRate":0.001},"training":{"epochs":1000,"batchSize":16}}');
    const outP = h.run('stop', exp);
    await until(() => h.events.filter((e) => e.type === 'metrics').length >= 5);
    const t0 = performance.now();
    await h.controller.stop();
    const ms = performance.now() - t0;
    const out = await outP;
    assert.equal(out.summary?.reason, 'stopped');
    assert.ok(h.store.get(out.runId)!.metrics.steps.length > 0);
    // The guarantee is the 500 ms grace plus terminate(); the measured time goes into the report.
    assert.ok(ms < 1500, `stop took ${ms.toFixed(0)} ms`);
    record('faults', 'stop mid-run (real worker) → stopped, data kept', 1, 1, `ended ${ms.toFixed(0)} ms after stop (limit 500 ms + terminate)`);
  });
});
