import * as assert from 'node:assert/strict';
import { RunController } from '../../../src/host/runController';
import { RunStore } from '../../../src/host/runStore';
import type { EngineEvent } from '../../../src/shared/protocol';
import { dummyExperiment, fakeWorkerPath } from './helpers';

function setup() {
  const store = new RunStore({ maxRuns: 10 });
  const ctl = new RunController({ workerPath: fakeWorkerPath, store });
  const events: EngineEvent[] = [];
  ctl.onEvent((e) => events.push(e));
  const req = (source: string) => ({ experiment: dummyExperiment, source, baseDir: '.', backend: 'cpu' as const, nodeModulesPaths: [] });
  return { store, ctl, events, req };
}

describe('RunController (fake worker)', function () {
  this.timeout(20_000);

  it('runs to the end, fills the store and emits one normalized stream', async () => {
    const { store, ctl, events, req } = setup();
    const out = await ctl.run(req('complete'));
    assert.equal(out.summary?.reason, 'completed');
    assert.equal(out.failure, undefined);
    assert.deepEqual(events.map((e) => e.type), ['log', 'started', 'metrics', 'metrics', 'diagnostics', 'finished']);
    const snap = store.get(out.runId)!;
    assert.equal(snap.metrics.steps.length, 10);
    assert.equal(snap.summary?.reason, 'completed');
    assert.equal(ctl.isRunning, false);
  });

  it('carries the native BLAS switch to the worker (absent: the worker default, on)', async () => {
    const { ctl, events, req } = setup();
    const logged = () => events.filter((e) => e.type === 'log').map((e) => (e.type === 'log' ? e.message : '')).pop();
    await ctl.run({ ...req('echo-options'), blas: false });
    assert.equal(logged(), '{"backend":"cpu","blas":false}');
    await ctl.run({ ...req('echo-options'), blas: true });
    assert.equal(logged(), '{"backend":"cpu","blas":true}');
    await ctl.run(req('echo-options'));
    assert.equal(logged(), '{"backend":"cpu","blas":null}');
  });

  it('a crash keeps the data so far and ends with a made-up summary', async () => {
    const { store, ctl, events, req } = setup();
    const out = await ctl.run(req('throw'));
    assert.equal(out.summary?.reason, 'crashed');
    assert.match(out.summary?.message ?? '', /boom/);
    assert.equal(out.summary?.steps, 3, 'steps = last step record received');
    assert.equal(store.get(out.runId)?.metrics.steps.length, 4);
    assert.equal(events[events.length - 1].type, 'finished');
  });

  it('a stuck worker is terminated on stop and the run is marked stopped with its data', async () => {
    const { store, ctl, req } = setup();
    const pending = ctl.run(req('ignore-stop'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(ctl.isRunning, true);
    const t0 = Date.now();
    await ctl.stop();
    assert.ok(Date.now() - t0 < 1000);
    const out = await pending;
    assert.equal(out.summary?.reason, 'stopped');
    assert.equal(out.summary?.point?.[0], 2);
    assert.equal(store.get(out.runId)?.summary?.reason, 'stopped');
  });

  it('a per-run watchdog from the request overrides the controller\'s', async () => {
    const { store, ctl, req } = setup();
    const out = await ctl.run({ ...req('ignore-stop'), watchdog: { setupMs: 5000, stallMs: 300, factor: 10 } });
    assert.equal(out.summary?.reason, 'crashed');
    assert.match(out.summary?.message ?? '', /watchdog limit/);
    assert.ok((store.get(out.runId)?.metrics.steps.length ?? 0) > 0, 'the data before the hang is kept');
  });

  it('a failure before start is reported as failed, nothing stored', async () => {
    const { store, ctl, events, req } = setup();
    const out = await ctl.run(req('fail'));
    assert.equal(out.summary, undefined);
    assert.deepEqual(out.failure, { message: 'data file not found', path: '/data/csv' });
    assert.deepEqual(events.map((e) => e.type), ['failed']);
    assert.deepEqual(store.snapshots(), []);
  });

  it('one run at a time: a new run stops the current one first', async () => {
    const { store, ctl, req } = setup();
    const first = ctl.run(req('obey-stop'));
    await new Promise((r) => setTimeout(r, 100));
    const second = ctl.run(req('complete'));
    const a = await first;
    const b = await second;
    assert.equal(a.summary?.reason, 'stopped');
    assert.equal(b.summary?.reason, 'completed');
    assert.deepEqual(store.snapshots().map((s) => s.summary?.reason), ['stopped', 'completed']);
  });
});
