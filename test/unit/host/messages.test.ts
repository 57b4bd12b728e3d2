import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { isEngineEvent, isPlainFileName, isWebviewToHost, WEBVIEW_LIMITS } from '../../../src/host/messages';

describe('message guards', () => {
  it('accepts exactly the webview messages of the protocol', () => {
    for (const m of [{ type: 'ready' }, { type: 'stop' }, { type: 'rerun' }, { type: 'log', level: 'error', message: 'x' }]) {
      assert.equal(isWebviewToHost(m), true, JSON.stringify(m));
    }
    for (const m of [null, 'ready', [], {}, { type: 'run' }, { type: 'log', level: 'debug', message: 'x' }, { type: 'log', level: 'info' }, { type: '__proto__' }]) {
      assert.equal(isWebviewToHost(m), false, JSON.stringify(m));
    }
  });
  it('checks the shape of engine events', () => {
    assert.equal(isEngineEvent({ type: 'metrics', runId: 'a', batch: { steps: [], epochs: [], histograms: [] } }), true);
    assert.equal(isEngineEvent({ type: 'metrics', runId: 'a', batch: { steps: [] } }), false);
    assert.equal(isEngineEvent({ type: 'finished', runId: 'a', summary: { reason: 'completed' } }), true);
    assert.equal(isEngineEvent({ type: 'finished', runId: 'a' }), false);
    assert.equal(isEngineEvent({ type: 'failed', runId: 'a', message: 'm', path: '/x' }), true);
    assert.equal(isEngineEvent({ type: 'failed', runId: 'a', message: 'm', path: 3 }), false);
    assert.equal(isEngineEvent({ type: 'started', info: { runId: 'a' } }), true);
    assert.equal(isEngineEvent({ type: 'started' }), false);
    assert.equal(isEngineEvent({ nonsense: true }), false);
  });

  it('accepts applyFix and export only with sane fields', () => {
    const ok = [
      { type: 'applyFix', runId: 'run-1', code: 'LR_TOO_HIGH', fix: 0, rerun: true },
      { type: 'export', format: 'csv', fileName: 'loss.csv', data: 'step,loss\n0,1\n' },
      { type: 'export', format: 'png', fileName: 'panel chart.png', data: 'data:image/png;base64,iVBORw0KGgo=' },
    ];
    for (const m of ok) assert.equal(isWebviewToHost(m), true, JSON.stringify(m));
    const bad = [
      { type: 'applyFix', runId: 'r', code: 'X', fix: -1, rerun: true },
      { type: 'applyFix', runId: 'r', code: 'X', fix: 1.5, rerun: true },
      { type: 'applyFix', runId: 'r', code: 'X', fix: 1e9, rerun: true },
      { type: 'applyFix', runId: '', code: 'X', fix: 0, rerun: true },
      { type: 'applyFix', runId: 'r'.repeat(10_000), code: 'X', fix: 0, rerun: true },
      { type: 'applyFix', runId: 'r', code: 'X', fix: 0, rerun: 'yes' },
      { type: 'export', format: 'csv', fileName: '../../.bashrc', data: 'x' },
      { type: 'export', format: 'csv', fileName: '/etc/passwd', data: 'x' },
      { type: 'export', format: 'csv', fileName: 'C:evil.csv', data: 'x' },
      { type: 'export', format: 'csv', fileName: 'a\\b.csv', data: 'x' },
      { type: 'export', format: 'csv', fileName: 'nul\u0000.csv', data: 'x' },
      { type: 'export', format: 'csv', fileName: '..', data: 'x' },
      { type: 'export', format: 'png', fileName: 'a.png', data: 'javascript:alert(1)' },
      { type: 'export', format: 'svg', fileName: 'a.svg', data: '<svg/>' },
      { type: 'export', format: 'csv', fileName: 'a.csv', data: 42 },
      { type: 'log', level: 'info', message: 'x'.repeat(WEBVIEW_LIMITS.logChars + 1) },
    ];
    for (const m of bad) assert.equal(isWebviewToHost(m), false, JSON.stringify(m).slice(0, 120));
    assert.equal(isPlainFileName('loss-curve (1).csv'), true);
  });

  it('never throws and accepts nothing outside the protocol, whatever the webview posts (fast-check)', () => {
    const known = new Set(['ready', 'stop', 'rerun', 'log', 'applyFix', 'export']);
    const typed = fc.record({
      type: fc.constantFrom('ready', 'stop', 'rerun', 'log', 'applyFix', 'export', 'run', '__proto__', 'constructor'),
      level: fc.oneof(fc.constantFrom('info', 'warn', 'error'), fc.anything()),
      message: fc.oneof(fc.string(), fc.anything()),
      runId: fc.oneof(fc.string(), fc.anything()),
      code: fc.oneof(fc.string(), fc.anything()),
      fix: fc.oneof(fc.integer(), fc.double(), fc.anything()),
      rerun: fc.oneof(fc.boolean(), fc.anything()),
      format: fc.oneof(fc.constantFrom('csv', 'png'), fc.anything()),
      fileName: fc.oneof(fc.string(), fc.constantFrom('../x', 'a/b', 'ok.csv'), fc.anything()),
      data: fc.oneof(fc.string(), fc.constant('data:image/png;base64,AA'), fc.anything()),
    }, { requiredKeys: ['type'] });
    fc.assert(
      fc.property(fc.oneof(fc.anything(), typed), (m) => {
        const ok = isWebviewToHost(m);
        if (!ok) return true;
        const r = m as { type: string; fileName?: unknown };
        if (!known.has(r.type)) return false;
        if (r.type === 'export' && (typeof r.fileName !== 'string' || /[\\/]|^\.\.$/.test(r.fileName))) return false;
        return true;
      }),
      { numRuns: 5000, seed: 6 },
    );
    fc.assert(fc.property(fc.anything(), (m) => typeof isEngineEvent(m) === 'boolean'), { numRuns: 2000, seed: 6 });
  });
});
