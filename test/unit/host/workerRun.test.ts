import * as assert from 'node:assert/strict';
import { WATCHDOG_DEFAULTS, WorkerRun, watchdogFromSetting, type WorkerRunOptions } from '../../../src/host/workerRun';
import type { EngineEvent } from '../../../src/shared/protocol';
import { fakeWorkerPath, startMessage } from './helpers';

function launch(mode: string, extra: Partial<Pick<WorkerRunOptions, 'stopGraceMs' | 'maxOldGenerationSizeMb' | 'watchdog'>> = {}) {
  const events: EngineEvent[] = [];
  const run = new WorkerRun({ workerPath: fakeWorkerPath, start: startMessage(mode), onEvent: (e) => events.push(e), ...extra });
  return { run, events };
}

const until = async (what: string, probe: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timeout: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('WorkerRun (fake worker)', function () {
  this.timeout(20_000);

  it('forwards events in order and resolves with the engine summary', async () => {
    const { run, events } = launch('complete');
    const end = await run.done;
    assert.deepEqual(end, { kind: 'finished', summary: { reason: 'completed', steps: 9, final: { trainLoss: 0.5, valLoss: null, accuracy: null }, durationMs: 1 } });
    assert.deepEqual(events.map((e) => e.type), ['log', 'started', 'metrics', 'metrics', 'diagnostics']);
  });

  it('stops through the shared flag when the engine polls it', async () => {
    const { run, events } = launch('obey-stop');
    await until('metrics', () => events.filter((e) => e.type === 'metrics').length >= 3);
    const t0 = Date.now();
    run.stop();
    const end = await run.done;
    assert.equal(end.kind, 'finished');
    assert.equal(end.kind === 'finished' && end.summary.reason, 'stopped');
    assert.ok(Date.now() - t0 < 400, `took ${Date.now() - t0} ms`);
  });

  it('terminates a worker stuck in a step 500 ms after stop', async () => {
    const { run, events } = launch('ignore-stop');
    await until('metrics', () => events.some((e) => e.type === 'metrics'));
    await new Promise((r) => setTimeout(r, 50)); // now inside the endless step
    const t0 = Date.now();
    run.stop();
    const end = await run.done;
    const took = Date.now() - t0;
    assert.equal(end.kind, 'terminated');
    assert.ok(took >= 450 && took < 1000, `took ${took} ms`);
    assert.equal(run.isEnded, true);
  });

  it('reports an uncaught error in the worker as a crash', async () => {
    const { run } = launch('throw');
    const end = await run.done;
    assert.equal(end.kind, 'crashed');
    assert.match(end.kind === 'crashed' ? end.message : '', /boom/);
  });

  it('reports an exit without result as a crash', async () => {
    const end = await launch('exit').run.done;
    assert.equal(end.kind, 'crashed');
    assert.match(end.kind === 'crashed' ? end.message : '', /code 3/);
  });

  it('reports out-of-memory in the worker as a crash, the host survives', async () => {
    const end = await launch('oom', { maxOldGenerationSizeMb: 48 }).run.done;
    assert.equal(end.kind, 'crashed');
    assert.match(end.kind === 'crashed' ? end.message : '', /memory/i);
  });

  it('passes failures with their JSON pointer', async () => {
    const end = await launch('fail').run.done;
    assert.deepEqual(end, { kind: 'failed', message: 'data file not found', path: '/data/csv' });
  });

  it('ignores malformed messages with a warning', async () => {
    const { run, events } = launch('garbage');
    const end = await run.done;
    assert.equal(end.kind, 'finished');
    assert.equal(events[0].type, 'log');
    assert.equal(events[0].type === 'log' && events[0].level, 'warn');
  });

  it('never throws when the worker file is missing', async () => {
    const run = new WorkerRun({ workerPath: '/nonexistent/worker.js', start: startMessage('complete'), onEvent: () => undefined });
    const end = await run.done;
    assert.equal(end.kind, 'crashed');
  });

  describe('watchdog', () => {
    it('terminates a worker that hangs during a run and says so', async () => {
      const { run, events } = launch('ignore-stop', { watchdog: { setupMs: 5000, stallMs: 300, factor: 10 } });
      const t0 = Date.now();
      const end = await run.done;
      const took = Date.now() - t0;
      assert.equal(end.kind, 'hung');
      assert.match(end.kind === 'hung' ? end.message : '', /sent nothing for .* during training and was terminated/);
      assert.ok(events.some((e) => e.type === 'metrics'), 'data before the hang was delivered');
      assert.ok(took >= 300 && took < 3000, `took ${took} ms`);
    });

    it('terminates a worker that hangs before the run starts', async () => {
      const end = await launch('hang-setup', { watchdog: { setupMs: 300, stallMs: 60_000 } }).run.done;
      assert.equal(end.kind, 'hung');
      assert.match(end.kind === 'hung' ? end.message : '', /while setting up the run/);
    });

    it('does not kill steady slow steps longer than the minimum silence', async () => {
      // Steps of up to 600 ms with a 300 ms minimum: the limit grows with the longest gap seen.
      const { run, events } = launch('slow-steps', { watchdog: { setupMs: 5000, stallMs: 300, factor: 10 } });
      const end = await run.done;
      assert.equal(end.kind, 'finished', JSON.stringify(end));
      assert.equal(events.filter((e) => e.type === 'metrics').length, 6);
    });

    it('can be turned off, and has generous documented defaults', async () => {
      const end = await launch('complete', { watchdog: false }).run.done;
      assert.equal(end.kind, 'finished');
      assert.deepEqual(WATCHDOG_DEFAULTS, { setupMs: 120_000, stallMs: 60_000, factor: 10 });
    });

    it('maps the watchdogSeconds setting: 0 off, N s of silence, setup at least 120 s', () => {
      assert.equal(watchdogFromSetting(0), false);
      assert.deepEqual(watchdogFromSetting(60), WATCHDOG_DEFAULTS, 'the setting\'s default is the built-in default');
      assert.deepEqual(watchdogFromSetting(5), { setupMs: 120_000, stallMs: 5000, factor: 10 });
      assert.deepEqual(watchdogFromSetting(300), { setupMs: 600_000, stallMs: 300_000, factor: 10 });
      for (const bad of [-1, Number.NaN, '30', undefined, null]) assert.deepEqual(watchdogFromSetting(bad), WATCHDOG_DEFAULTS, String(bad));
    });
  });
});
