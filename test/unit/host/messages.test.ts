import * as assert from 'node:assert/strict';
import { isEngineEvent, isWebviewToHost } from '../../../src/host/messages';

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
});
