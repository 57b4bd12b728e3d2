import * as assert from 'node:assert/strict';
import { analyzeLrFind, lrAt } from '../../../src/engine/multi/lrFind';
import { runExperiment } from '../../../src/engine/run';
import { findExample } from '../../../src/engine/examples';
import { parseExperiment } from '../../../src/engine/spec/parse';
import type { EngineEvent } from '../../../src/shared/protocol';

describe('learning-rate range test', function () {
  this.timeout(60_000);

  it('α grows exponentially from min to max', () => {
    const spec = { minLr: 1e-4, maxLr: 1, steps: 5 };
    const lrs = [0, 1, 2, 3, 4].map((k) => lrAt(spec, k));
    lrs.forEach((lr, k) => assert.ok(Math.abs(lr - 10 ** (-4 + k)) < 1e-12 * 10 ** (-4 + k) + 1e-15));
  });

  it('suggests α in the steepest part of the fall and stops once the loss explodes (> 4× the minimum)', () => {
    // A synthetic test: flat until α ≈ 1e-3, falls until 1e-1 (steepest around 1e-2), then explodes.
    const n = 100;
    const lrs = Array.from({ length: n }, (_, k) => 1e-6 * Math.pow(1e7, k / (n - 1)));
    const losses = lrs.map((lr) => {
      const t = Math.log10(lr);
      return t < -1 ? 2 - 1.8 / (1 + Math.exp(-3 * (t + 2))) : 0.2 * Math.pow(10, 3 * (t + 1));
    });
    const a = analyzeLrFind(lrs, losses);
    assert.ok(a.exploded);
    assert.ok(a.end < n, 'stopped before the end');
    assert.ok(a.smoothed[a.end - 1] > 4 * Math.min(...a.smoothed));
    assert.ok(a.suggested !== null && a.suggested > 2e-3 && a.suggested < 5e-2, `suggested ${a.suggested}`);
    assert.ok(a.minLossLr !== null && a.minLossLr > a.suggested);
  });

  it('no fall, no suggestion; a NaN ends the test', () => {
    const lrs = [1, 2, 3, 4, 5, 6, 7, 8];
    assert.equal(analyzeLrFind(lrs, lrs.map(() => 1)).suggested, null);
    const a = analyzeLrFind(lrs, [1, 1, 1, NaN, 1, 1, 1, 1]);
    assert.equal(a.end, 3);
    assert.ok(a.exploded);
  });

  it('runs on an example: started (task lrFind), α growing per step, an lrFind record, a summary naming the suggestion', async () => {
    const exp = parseExperiment(findExample('rosenbrock-adam')?.text ?? '').experiment!;
    const events: EngineEvent[] = [];
    const s = await runExperiment({ ...exp, lrFind: { minLr: 1e-4, maxLr: 100, steps: 60 } }, { runId: 'l', source: 't', baseDir: '.', backend: 'cpu', shouldStop: () => false, emit: (e) => events.push(e) });
    const started = events.find((e) => e.type === 'started');
    assert.ok(started?.type === 'started' && started.info.task === 'lrFind');
    const steps = events.flatMap((e) => (e.type === 'metrics' ? e.batch.steps : []));
    assert.ok(steps.every((r, i) => i === 0 || r.lr > steps[i - 1].lr));
    const rec = events.flatMap((e) => (e.type === 'metrics' ? e.batch.probes ?? [] : [])).find((p) => p.kind === 'lrFind');
    assert.ok(rec?.kind === 'lrFind' && rec.exploded, 'α = 100 on Rosenbrock explodes');
    assert.ok(rec.suggested !== null && rec.suggested > 1e-4 && rec.suggested < 10);
    assert.match(s.message ?? '', /suggested learning rate/);
    assert.equal(events[events.length - 1].type, 'finished');
  });
});
