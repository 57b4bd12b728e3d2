import { strict as assert } from 'node:assert';
import { parse } from 'jsonc-parser';
import type { Diagnosis, RunSnapshot } from '../../../src/shared/protocol';
import { applyFix, fixAssignment, fixTitle } from '../../../src/host/fixEdits';
import { describeVerdict, finalLoss, fixVerdict } from '../../../src/host/verdict';
import { info } from './helpers';

const deadRelu = `// biases at -3 kill the ReLUs
{
    "name": "dead",
    "model": {
        "layers": [ { "units": 16, "activation": "relu" } ],
        "init": { "scheme": "he", "bias": -3 } // the culprit
    },
    "optimizer": { "name": "adam", "learningRate": 0.01 }
}
`;

describe('suggested fixes as edits', () => {
  it('replaces the value in place, keeping comments and layout', () => {
    const out = applyFix(deadRelu, { path: '/model/init/bias', value: 0 });
    assert.match(out, /"bias": 0 \} \/\/ the culprit/);
    assert.ok(out.startsWith('// biases at -3 kill the ReLUs\n'));
    assert.equal(out.split('\n').length, deadRelu.split('\n').length, 'no lines added or removed');
  });

  it('sets array elements and strings', () => {
    const out = applyFix(deadRelu, { path: '/model/layers/0/activation', value: 'leakyRelu' });
    assert.equal((parse(out) as { model: { layers: { activation: string }[] } }).model.layers[0].activation, 'leakyRelu');
  });

  it('inserts a missing field, and a missing parent object, with the file\'s indentation', () => {
    const out = applyFix(deadRelu, { path: '/data/normalize', value: true });
    assert.deepEqual((parse(out) as { data: unknown }).data, { normalize: true });
    const sched = applyFix(deadRelu, { path: '/optimizer/schedule', value: { name: 'inverseTime', decay: 0.01 } });
    assert.deepEqual((parse(sched) as { optimizer: { schedule: unknown } }).optimizer.schedule, { name: 'inverseTime', decay: 0.01 });
    assert.match(out, /\n {4}"data"/, 'four-space indentation like the file');
  });

  it('titles a fix by its own title, else by the field it sets', () => {
    assert.equal(fixTitle({ path: '/model/init/bias', value: 0, why: '', title: 'Start biases at 0' }), 'Start biases at 0');
    assert.equal(fixTitle({ path: '/model/init/bias', value: 0, why: '', title: '' }), 'Set bias to 0');
    assert.equal(fixTitle({ path: '/model/layers/0/activation', value: 'leakyRelu', why: '', title: '' }), 'Set layers[0].activation to "leakyRelu"');
    assert.equal(fixAssignment({ path: '/data/normalize', value: true }), '/data/normalize = true');
  });
});

function snap(runId: string, codes: string[], valLoss: number | null = null, trainLoss: number | null = 1): RunSnapshot {
  const diagnostics = codes.map((code) => ({ code, severity: 'warning', message: code, step: 1, path: '', evidence: {}, fixes: [] }) as Diagnosis);
  return {
    info: info(runId),
    metrics: { steps: [], epochs: [], histograms: [] },
    diagnostics,
    summary: { reason: 'completed', steps: 10, final: { trainLoss, valLoss, accuracy: null }, durationMs: 1 },
  };
}

describe('fix verdict', () => {
  it('says the code is gone and how the final loss changed', () => {
    const v = fixVerdict(snap('a', ['dead-units']), snap('b', []), 'dead-units', '/model/init/bias = 0');
    assert.equal(v.resolved, true);
    assert.deepEqual([v.beforeRunId, v.afterRunId], ['a', 'b']);
    const before = snap('a', ['dead-units'], 1.1);
    const after = snap('b', ['slow-progress'], 0.22);
    const v2 = fixVerdict(before, after, 'dead-units', '/model/init/bias = 0');
    assert.deepEqual(v2.remaining, ['slow-progress']);
    assert.equal(describeVerdict(v2), 'dead-units is gone after /model/init/bias = 0; final loss 1.10 → 0.220 (−80 %); still reported: slow-progress');
  });

  it('says when the code is still there, and falls back to train loss', () => {
    const v = fixVerdict(snap('a', ['oscillation'], null, 2), snap('b', ['oscillation'], null, 3), 'oscillation', 'x');
    assert.equal(v.resolved, false);
    assert.equal(finalLoss(snap('c', [], null, 2)), 2);
    assert.match(describeVerdict(v), /^oscillation is still reported after x; final loss 2.00 → 3.00 \(\+50 %\)$/);
  });
});
