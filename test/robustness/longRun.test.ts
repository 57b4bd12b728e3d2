/**
 * A long run in the suite (kept short enough for CI; `npm run test:longrun` does 1,000,000
 * steps): tensors flat, the host's in-memory series bounded by decimation.
 */
import * as assert from 'node:assert/strict';
import { longRun } from './longRun';
import { record } from './report';

describe('robustness: long runs', function () {
  this.timeout(180_000);

  it('50,000 steps: tensors flat, store bounded by decimation', async () => {
    const r = await longRun(50_000, 'objective', 5_000);
    assert.equal(r.summary.reason, 'completed');
    assert.equal(r.summary.steps, 50_000);
    assert.equal(r.tensorsAfter, r.tensorsBefore, 'every tensor disposed');
    assert.ok(r.tensorsMaxDuring - r.tensorsBefore <= 16, `tensors during the run: ${r.tensorsMaxDuring}`);
    assert.equal(r.stepRecordsReceived, 50_001);
    assert.ok(r.storeStepsMax <= 5_000 + 1_000, `store held ${r.storeStepsMax} step records`);
    record(
      'long run',
      '50k steps: tensors flat, host store bounded',
      1,
      1,
      `${r.stepRecordsReceived} records received, store max ${r.storeStepsMax}; tensors ${r.tensorsBefore}→${r.tensorsAfter} (max ${r.tensorsMaxDuring}); ` +
        `RSS ${r.rssStartMb.toFixed(0)}→max ${r.rssMaxMb.toFixed(0)} MiB; ${r.stepsPerSecond.toFixed(0)} steps/s`,
    );
  });
});
